"""``crmlab exercises grade``: isolated, parallel autograding of exercise submissions.

For each submission: the parameters are injected again from the roster (a student cannot change
their seed), the hidden checks of the instructor's source are appended, and the notebook runs
with papermill in a separate process and kernel, with a per-cell timeout and a wall-clock limit.
Errors in solution cells cost only the checks that depend on them. An infinite loop, a crashed
kernel, ``sys.exit``, a syntax error or a deleted check cell gives 0 points with a reason; the
batch always finishes. Executed notebooks are kept as feedback without the hidden checks' source.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlab.atomic import write_text
from crmlab.exceptions import ExerciseError

__all__ = ["grade", "Job", "run_job"]


@dataclass(frozen=True)
class Job:
    student_id: str
    submission: str
    prepared: str
    results: str
    feedback: str
    timeout: int


def _prepare(source_nb, submission: Path, student_id: str, seed: int, work: Path):
    """The notebook that will run: the student's cells, our parameters, our hidden checks."""
    import nbformat

    from crmlab.exercises.notebook import _tags

    try:
        nb = nbformat.read(submission, as_version=4)
    except Exception as exc:  # any unreadable file is the student's problem, not a crash
        return None, f"not a readable notebook ({type(exc).__name__})"
    source_checks = {c.get("id") for c in source_nb.cells if "check" in _tags(c)}
    present = {c.get("id") for c in nb.cells}
    missing = sorted(source_checks - present)
    if missing:
        return None, f"check cell {missing[0]!r} was deleted"
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if "hidden_checks" in tags or "injected-parameters" in tags:
            continue  # never trust hidden checks or parameters coming from a student
        if cell.cell_type == "code" and "parameters" in tags:
            cell.source = f"student_id = {student_id!r}\nseed = {seed!r}"
        if cell.cell_type == "code":
            # An error costs the checks that depend on the cell, not the whole notebook.
            cell.metadata.setdefault("tags", [])
            if "raises-exception" not in cell.metadata["tags"]:
                cell.metadata["tags"].append("raises-exception")
        cells.append(cell)
    for cell in source_nb.cells:
        if "hidden_checks" in _tags(cell):
            cells.append(nbformat.v4.new_code_cell(
                cell.source, metadata={"tags": ["hidden_checks", "raises-exception"]}))
    nb.cells = cells
    path = work / f"{student_id}.ipynb"
    nbformat.write(nb, path)
    return path, None


def run_job(job: Job) -> dict:
    """Execute one prepared notebook in its own process; return points per check and reason."""
    env = dict(os.environ, CRMLAB_EXERCISE_RESULTS=job.results)
    command = [sys.executable, "-m", "crmlab.exercises._run", job.prepared, job.feedback,
               str(job.timeout)]
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=job.timeout * 3 + 60)
    except subprocess.TimeoutExpired:
        return {"student_id": job.student_id, "reason": f"did not finish within "
                f"{job.timeout * 3 + 60} s", "checks": {}}
    reason = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if proc.returncode not in (0, 3):
        reason = reason or f"the grading process failed (exit {proc.returncode})"
    checks = {}
    if Path(job.results).is_file():
        for line in Path(job.results).read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("kind") == "hidden":
                checks[record["check"]] = bool(record["passed"])
    return {"student_id": job.student_id, "reason": reason if proc.returncode else "",
            "checks": checks}


def grade(exercise: str, submissions, *, roster, out, workers: int = 2, timeout: int = 60,
          secret_file=None, executor=None, progress: bool = True) -> pd.DataFrame:
    """Grade every ``<anything>__<student_id>.ipynb`` (or ``<student_id>.ipynb``) submission.

    Returns the scores (one row per roster student: ``student_id``, the exercise id, ``total``,
    ``reason``) and writes them to ``out/scores.csv``, with feedback notebooks in ``out/feedback``.
    """
    from crmlab.exercises.assignment import _find, load_secret, student_seed
    from crmlab.exercises.executors import LocalExecutor
    from crmlab.exercises.notebook import exercise_id, read_exercise
    from crmlab.quiz.grading import read_roster

    if timeout < 1:
        raise ExerciseError(f"Got timeout={timeout!r} instead, expected seconds >= 1.")
    secret = load_secret(secret_file)
    source_path = _find(exercise)
    source = read_exercise(source_path)
    ex_id = exercise_id(source)
    points = source.metadata["crmlab"].get("points", {})
    students = list(read_roster(roster)["student_id"])
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    found = {}
    for path in sorted(Path(submissions).rglob("*.ipynb")):
        student = path.stem.split("__")[-1]
        found[student] = path
    work = Path(tempfile.mkdtemp(prefix="crmlab-grade-"))
    jobs, early = [], {}
    for student in students:
        if student not in found:
            early[student] = "no submission"
            continue
        prepared, problem = _prepare(source, found[student], student,
                                     student_seed(secret, ex_id, student), work)
        if problem:
            early[student] = problem
            continue
        jobs.append(Job(student, str(found[student]), str(prepared),
                        str(work / f"{student}.results.jsonl"),
                        str(out / "feedback" / f"{source_path.stem}__{student}.ipynb"), timeout))
    executor = executor or LocalExecutor(workers, progress=progress)
    results = {r["student_id"]: r for r in executor.map(run_job, jobs)}
    rows = []
    for student in students:
        result = results.get(student, {"reason": early.get(student, ""), "checks": {}})
        reason = result["reason"]
        earned = 0.0 if reason and not reason.startswith("error in") else sum(
            float(points.get(name, 1)) for name, ok in result["checks"].items() if ok)
        failed = sorted(name for name in points if not result["checks"].get(name))
        if not reason and failed:
            reason = "failed: " + ", ".join(failed)
        rows.append({"student_id": student, ex_id: earned, "total": earned, "reason": reason})
    scores = pd.DataFrame(rows, columns=["student_id", ex_id, "total", "reason"])
    write_text(out / "scores.csv", scores.to_csv(index=False, lineterminator="\n"))
    return scores
