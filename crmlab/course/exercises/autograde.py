"""``crmlab exercises grade``: isolated, parallel autograding of exercise submissions.

For each submission: the parameters are injected again from the roster (a student cannot change
their seed), the hidden checks of the instructor's source are appended (with the roster's seed
pinned inside them), and the notebook runs with papermill in a separate process and kernel, with
a per-cell timeout and a per-notebook wall-clock limit. Errors in solution cells cost only the
checks that depend on them. An infinite loop, a crashed kernel, ``sys.exit``, a syntax error or a
deleted check cell gives 0 points with a reason; the batch always finishes. Executed notebooks
are kept as feedback without the hidden checks' source.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlab._validation import check_choice, check_whole
from crmlab.atomic import write_text
from crmlab.course.exercises.tags import (
    CHECK,
    HIDDEN_CHECKS,
    INJECTED_PARAMETERS,
    PARAMETERS,
    RAISES_EXCEPTION,
    tags_of,
)
from crmlab.exceptions import ExerciseError

__all__ = ["grade", "Job", "run_job", "prepare_submission"]

_CHECK_NAME = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
HIDDEN_PLACEHOLDER = "# hidden check (source kept by the instructor)"


@dataclass(frozen=True)
class Job:
    """One submission to execute: plain strings and numbers, so any executor can ship it."""

    student_id: str
    submission: str
    prepared: str
    results: str
    feedback: str
    timeout: int
    wall_clock: int


def _check_names(source: str) -> set:
    return set(_CHECK_NAME.findall(source))


def prepare_submission(source_nb, submission, *, student_id: str, seed: int):
    """Build the notebook that will run: the student's cells, our parameters, our hidden checks.

    Returns ``(notebook, None)``, or ``(None, reason)`` when the submission scores 0 before
    running (unreadable, or a check cell of the source is missing). A check cell counts as
    present when a cell with its id is there, or when the student's cells still call every
    check it calls (ids change when cells are copied into a new notebook).
    """
    import nbformat

    try:
        nb = nbformat.read(submission, as_version=4)
    except Exception as exc:  # any unreadable file is the student's problem, not a crash
        return None, f"not a readable notebook ({type(exc).__name__})"
    ids = {c.get("id") for c in nb.cells}
    called = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and HIDDEN_CHECKS not in tags_of(cell):
            called |= _check_names(cell.source)
    for cell in source_nb.cells:
        if CHECK in tags_of(cell) and cell.get("id") not in ids:
            names = _check_names(cell.source)
            if not names or not names <= called:
                return None, f"check cell {cell.get('id')!r} was deleted"
    pinned = f"student_id = {student_id!r}\nseed = {seed!r}"
    # The instructor's parameters cell (the exercise's own parameters keep their source
    # values, whatever the student typed), then the roster's student id and seed.
    own = next(c.source for c in source_nb.cells if PARAMETERS in tags_of(c))
    parameters = f"{own}\n# injected by the grader\n{pinned}"
    cells, injected = [], False
    for cell in nb.cells:
        tags = tags_of(cell)
        if HIDDEN_CHECKS in tags or INJECTED_PARAMETERS in tags:
            continue  # never trust hidden checks or parameters coming from a student
        if cell.cell_type == "code":
            if PARAMETERS in tags:
                cell.source, injected = parameters, True
            # An error costs the checks that depend on the cell, not the whole notebook.
            cell.metadata.setdefault("tags", [])
            if RAISES_EXCEPTION not in cell.metadata["tags"]:
                cell.metadata["tags"].append(RAISES_EXCEPTION)
        cells.append(cell)
    if not injected:  # the parameters cell was deleted or untagged: put it back first
        cells.insert(0, nbformat.v4.new_code_cell(
            parameters, metadata={"tags": [PARAMETERS, RAISES_EXCEPTION]}))
    for cell in source_nb.cells:
        if HIDDEN_CHECKS in tags_of(cell):
            # The roster's parameters again: a `seed = ...` in the student's cells cannot
            # point the hidden checks at a classmate's variant.
            cells.append(nbformat.v4.new_code_cell(
                f"{pinned}\n{cell.source}",
                metadata={"tags": [HIDDEN_CHECKS, RAISES_EXCEPTION]}))
    nb.cells = cells
    return nb, None


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the grading process and everything it started (the kernel included)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()


def run_job(job: Job) -> dict:
    """Execute one prepared notebook in its own process group; return its verdicts and reason.

    The process (papermill, which starts the kernel) runs in a new session; past the
    wall-clock limit the whole group is killed, so no kernel outlives its job.
    """
    env = dict(os.environ, CRMLAB_EXERCISE_RESULTS=job.results)
    command = [sys.executable, "-m", "crmlab.course.exercises._run", job.prepared, job.feedback,
               str(job.timeout)]
    workdir = Path(job.prepared).parent
    proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            start_new_session=os.name == "posix")
    try:
        stdout, _ = proc.communicate(timeout=job.wall_clock)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return {"student_id": job.student_id, "checks": {},
                "reason": f"timed out: the notebook ran longer than {job.wall_clock} s"}
    finally:
        if proc.returncode is not None and os.name == "posix":
            try:  # a kernel left behind by a crashed papermill
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    lines = stdout.strip().splitlines()
    reason = lines[-1] if lines else ""
    if proc.returncode not in (0, 3):
        reason = f"the grading process failed (exit {proc.returncode})"
    from crmlab.course.exercises._run import hidden_verdicts

    checks = hidden_verdicts(job.results)
    return {"student_id": job.student_id, "reason": reason if proc.returncode else "",
            "checks": checks}


def _submissions(folder: Path, stem: str) -> dict:
    """``<stem>__<student>.ipynb`` or ``<student>.ipynb``; other exercises' files are skipped."""
    found = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        prefix, _, student = path.stem.rpartition("__")
        if prefix and prefix != stem:
            continue
        found[student] = path
    return found


def grade(exercise: str, submissions, *, roster, out, workers: int = 2, timeout: int = 60,
          wall_clock: int | None = None, secret_file=None, executor=None,
          format: str = "plain", progress: bool = True) -> pd.DataFrame:
    """Grade every ``<exercise stem>__<student_id>.ipynb`` (or ``<student_id>.ipynb``) submission.

    Parameters
    ----------
    exercise : str
        Exercise id (``EX-abc-profit``), file stem, or path of the source notebook.
    submissions : path
        Folder searched recursively for the submitted notebooks.
    roster : path
        CSV with a ``student_id`` column (``name``, ``email`` optional).
    out : path
        Output folder: ``scores.csv`` (gradebook layout: ``student_id``, the exercise id,
        ``total``), ``details.csv`` (points per check and the reason of every lost point) and
        ``feedback/`` (executed notebooks without the hidden checks' source).
    workers : int
        Notebooks executed at once by the default local executor.
    timeout : int
        Seconds one cell may run.
    wall_clock : int, optional
        Seconds one notebook may take in all; default ``3 * timeout + 60``.
    executor : object, optional
        Anything with ``map(function, jobs) -> list`` (see :mod:`crmlab.course.exercises.executors`).
    format : {"plain", "canvas", "moodle"}
        Layout of scores.csv (:mod:`crmlab.course.lms`, as for ``crmlab grade``).

    Returns
    -------
    pandas.DataFrame
        The details: one row per roster student with ``student_id``, the exercise id,
        ``total``, one column per check and ``reason``.
    """
    from crmlab.course.exercises.assignment import _find, load_secret, student_seed
    from crmlab.course.exercises.executors import LocalExecutor
    from crmlab.course.exercises.notebook import exercise_id, read_exercise
    from crmlab.course.lms import FORMATS, layout
    from crmlab.course.roster import read_roster

    if executor is None:
        workers = check_whole("workers", workers, minimum=1, error=ExerciseError)
    timeout = check_whole("timeout", timeout, minimum=1, unit="seconds", error=ExerciseError)
    if wall_clock is not None:
        wall_clock = check_whole("wall_clock", wall_clock, minimum=1, unit="seconds",
                                 error=ExerciseError)
    check_choice("format", format, FORMATS, error=ExerciseError)
    wall_clock = wall_clock or 3 * timeout + 60
    if not Path(submissions).is_dir():
        raise ExerciseError(f"{submissions}: the submissions folder does not exist")
    secret = load_secret(secret_file)
    source_path = _find(exercise)
    source = read_exercise(source_path)
    ex_id = exercise_id(source)
    points = source.metadata["crmlab"].get("points", {})
    roster_frame = read_roster(roster)
    students = list(roster_frame["student_id"])
    out = Path(out).resolve()
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    found = _submissions(Path(submissions), source_path.stem)
    work = Path(tempfile.mkdtemp(prefix="crmlab-grade-"))
    try:
        jobs, early = [], {}
        for index, student in enumerate(students):
            if student not in found:
                early[student] = "no submission"
                continue
            nb, problem = prepare_submission(source, found[student], student_id=student,
                                             seed=student_seed(secret, ex_id, student))
            if problem:
                early[student] = problem
                continue
            folder = work / f"{index:05d}"  # each notebook runs in its own working folder
            folder.mkdir()
            import nbformat

            nbformat.write(nb, folder / "submission.ipynb")
            jobs.append(Job(student, str(found[student]), str(folder / "submission.ipynb"),
                            str(folder / "results.jsonl"),
                            str(out / "feedback" / f"{source_path.stem}__{student}.ipynb"),
                            timeout, wall_clock))
        executor = executor or LocalExecutor(workers, progress=progress)
        results = {r["student_id"]: r for r in executor.map(run_job, jobs)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for student in students:
        result = results.get(student, {"reason": early.get(student, ""), "checks": {}})
        reason = result["reason"]
        fatal = bool(reason) and not reason.startswith("error in")
        earned = {name: 0.0 if fatal or not result["checks"].get(name) else float(value)
                  for name, value in points.items()}
        failed = sorted(name for name in points if not result["checks"].get(name))
        if not fatal and failed:
            reason = (reason + "; " if reason else "") + "failed: " + ", ".join(failed)
        total = round(sum(earned.values()), 4)
        rows.append({"student_id": student, ex_id: total, "total": total,
                     **{f"check:{name}": value for name, value in earned.items()},
                     "reason": reason})
    details = pd.DataFrame(rows, columns=["student_id", ex_id, "total",
                                          *(f"check:{name}" for name in points), "reason"])
    write_text(out / "details.csv", details.to_csv(index=False, lineterminator="\n"))
    # The gradebook is written last, in the layout of `crmlab grade`, so the files merge.
    scores = layout(details[["student_id", ex_id, "total"]], possible={ex_id: sum(points.values())},
                    roster=roster_frame, format=format, kind="Exercise")
    write_text(out / "scores.csv", scores.to_csv(index=False, lineterminator="\n"))
    return details
