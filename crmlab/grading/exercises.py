"""``crmlab exercises grade``: isolated, parallel, sandboxed autograding of exercise submissions.

For each submission: the parameters are injected again from the roster (a student cannot change
their seed); the notebook runs in its own sandbox (:mod:`crmlab.grading.sandbox`: own
scratch folder and user, resource limits, Landlock where the kernel offers it) with a per-cell
timeout, a wall clock and caps on output and files; then the hidden checks of the instructor's
source judge the student's variables outside the kernel
(:mod:`crmlab.grading.runner`). Errors in solution cells cost only the checks that
depend on them. An infinite loop, a crashed kernel, ``sys.exit``, a syntax error, a flood of
output or a deleted check cell gives 0 points with a reason; the batch always finishes. Executed
notebooks are kept as feedback without the hidden checks' source.

The data variants the students' seeds draw are generated once per batch, before the notebooks
run, by as many processes as the executor runs jobs at once; the kernels read them read-only.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from crmlab.core.atomic import write_text
from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import check_choice, check_whole
from crmlab.exercises.assignment import parameters_code
from crmlab.exercises.notebook import submission_name, submission_owner
from crmlab.exercises.tags import (
    CHECK,
    HIDDEN_CHECKS,
    INJECTED_PARAMETERS,
    PARAMETERS,
    RAISES_EXCEPTION,
    tags_of,
)
from crmlab.grading import files
from crmlab.grading.runner import STACK, Job, run_job
from crmlab.grading.sandbox import MB, Limits, crmlab_dir, fingerprint, preflight
from crmlab.grading.values import read_plain

__all__ = ["grade", "Job", "run_job", "prepare_submission", "prepare_variants", "uses_variants"]

_CHECK_NAME = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
_VARIANT_CALL = re.compile(r"\bvariant\(")


def _check_names(source: str) -> set:
    return set(_CHECK_NAME.findall(source))


def prepare_submission(source_nb, submission, *, student_id: str, seed: int,
                       max_bytes: int = Limits().notebook * MB):
    """Build the notebook that will run: the student's cells, our parameters, our hidden checks.

    Returns ``(notebook, None)``, or ``(None, reason)`` when the submission scores 0 before
    running (unreadable, larger than ``max_bytes``, or a check cell of the source is missing).
    A check cell counts as present when a cell with its id is there, or when the student's
    cells still call every check it calls (ids change when cells are copied into a new
    notebook).
    """
    import nbformat

    raw, problem = _read_submission(submission, max_bytes)
    if problem:
        return None, problem
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
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
    # The instructor's parameters cell (the exercise's own parameters keep their source
    # values, whatever the student typed), then the roster's student id and seed, written as
    # `crmlab exercises assign` injected them.
    own = next(c.source for c in source_nb.cells if PARAMETERS in tags_of(c))
    pinned = parameters_code({"student_id": student_id, "seed": seed},
                             comment="injected by the grader")
    parameters = f"{own}\n{pinned}"
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
    # The hidden checks are not appended: they never enter the kernel (see runner.judge).
    nb.cells = cells
    return nb, None


def _read_submission(path, max_bytes: int):
    """``(bytes, None)``, or ``(None, reason)`` for a file that is not a regular file (a link,
    a FIFO) or is larger than ``max_bytes``: its size is known before anything is read."""
    import os
    import stat

    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, f"not a readable notebook ({type(exc).__name__})"
    if not stat.S_ISREG(info.st_mode):
        return None, "not a readable notebook (not a regular file)"
    too_large = f"the notebook is larger than {max_bytes / MB:g} MB"
    if info.st_size > max_bytes:
        return None, too_large
    raw = read_plain(path, limit=max_bytes)
    return (raw, None) if raw is not None else (None, too_large)


def hidden_sources(source_nb) -> tuple:
    """The sources of the hidden check cells of an exercise's source notebook."""
    return tuple(cell.source for cell in source_nb.cells if HIDDEN_CHECKS in tags_of(cell))


def uses_variants(source_nb) -> bool:
    """Whether the exercise reads a data variant (calls ``variant(...)`` in a code cell)."""
    return any(cell.cell_type == "code" and _VARIANT_CALL.search(cell.source)
               for cell in source_nb.cells)


def _prepare_chunk(task) -> list:
    """Generate a chunk of variants in one fresh process (one import of the generator)."""
    root, seeds = task
    code = ("import sys\nfrom crmlab.exercises.checks import prepare_variant\n"
            "for seed in sys.argv[2:]:\n    prepare_variant(int(seed), sys.argv[1])")
    subprocess.run([sys.executable, "-c", code, str(root), *map(str, seeds)], check=True,
                   stdin=subprocess.DEVNULL)
    return list(seeds)


_prepare_chunk.progress_label = "variants"


def prepare_variants(seeds, root, *, executor, parallel: int = 2) -> Path:
    """Generate the data variant of every seed into ``root`` once, ``parallel`` processes at a
    time through ``executor``; return ``root``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the sandboxed kernels read their own variant here
    todo = sorted({int(s) for s in seeds if not (root / str(int(s))).is_dir()})
    if todo:
        parts = max(1, min(len(todo), 2 * parallel))
        executor.map(_prepare_chunk, [(str(root), todo[i::parts]) for i in range(parts)])
    return root


def _submissions(folder: Path, stem: str) -> dict:
    """``<stem>__<student>.ipynb`` or ``<student>.ipynb``; other exercises' files are skipped."""
    found = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        prefix, student = submission_owner(path)
        if prefix and prefix != stem:
            continue
        found[student] = path
    return found


def grade(exercise: str, submissions, *, roster, out, workers: int = 2,
          timeout: int | None = None, wall_clock: int | None = None,
          limits: Limits | None = None, secret_file=None, executor=None,
          scheduler: str | None = None, work=None, format: str = "plain",
          progress: bool = True) -> pd.DataFrame:
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
    timeout, wall_clock : int, optional
        Seconds one cell may run, and all cells together (override ``limits``).
    limits : Limits, optional
        The sandbox's limits (:class:`crmlab.grading.sandbox.Limits`; defaults there).
    executor : object, optional
        Anything with ``map(function, jobs) -> list`` (see :mod:`crmlab.grading.executors`).
    scheduler : str, optional
        ``tcp://HOST:PORT`` (an existing dask cluster) or ``local:N`` (a LocalCluster of N
        worker processes): grade with :class:`~crmlab.grading.executors.DaskExecutor`.
    work : path, optional
        Folder for the prepared data variants (default: inside ``out``, removed at the end); on
        a cluster, ``out`` and ``work`` must be on a folder every worker mounts at the same path.
    format : {"plain", "canvas", "moodle"}
        Layout of scores.csv (:mod:`crmlab.grading.lms`, as for ``crmlab grade``).

    Returns
    -------
    pandas.DataFrame
        The details: one row per roster student with ``student_id``, the exercise id,
        ``total``, one column per check and ``reason``.
    """
    import nbformat

    from crmlab.core.roster import read_roster
    from crmlab.exercises.assignment import load_secret, student_seed
    from crmlab.exercises.notebook import exercise_id, find_exercise, read_exercise
    from crmlab.grading.executors import LocalExecutor, executor_for
    from crmlab.grading.lms import FORMATS, layout

    if executor is None and scheduler is None:
        workers = check_whole("workers", workers, minimum=1, error=ExerciseError)
    limits = limits or Limits()
    changes = {name: value for name, value in (("timeout", timeout), ("wall_clock", wall_clock))
               if value is not None}
    limits = dataclasses.replace(limits, **changes)  # validated again
    check_choice("format", format, FORMATS, error=ExerciseError)
    if not Path(submissions).is_dir():
        raise ExerciseError(f"{submissions}: the submissions folder does not exist")
    secret = load_secret(secret_file)
    source_path = find_exercise(exercise)
    source = read_exercise(source_path)
    ex_id = exercise_id(source)
    points = source.metadata["crmlab"].get("points", {})
    roster_frame = read_roster(roster)
    students = list(roster_frame["student_id"])
    out = Path(out).resolve()
    (out / files.FEEDBACK).mkdir(parents=True, exist_ok=True)
    found = _submissions(Path(submissions), source_path.stem)
    hidden = hidden_sources(source)
    digest = fingerprint(crmlab_dir())
    owned = work is None
    work = Path(tempfile.mkdtemp(prefix=".grading-", dir=out) if owned else work).resolve()
    if owned:
        work.chmod(0o711)  # the sandboxed kernels pass through to their variant, list nothing
    close = None
    try:
        if executor is None:
            if scheduler:
                executor = close = executor_for(scheduler, progress=progress)
            else:
                executor = LocalExecutor(workers, progress=progress)
        jobs, early, seeds = [], {}, {}
        for student in students:
            if student not in found:
                early[student] = "no submission"
                continue
            seeds[student] = student_seed(secret, ex_id, student)
            nb, problem = prepare_submission(source, found[student], student_id=student,
                                             seed=seeds[student],
                                             max_bytes=limits.notebook * MB)
            if problem:
                early[student] = problem
                continue
            jobs.append(Job(student, seeds[student], nbformat.writes(nb), hidden,
                            str(out / files.FEEDBACK / submission_name(source_path.stem, student)),
                            limits, crmlab=digest))
        if jobs:  # a sandbox that cannot import the stack would fail every job: one line
            preflight(limits, code=STACK)
        if jobs and uses_variants(source):
            root = prepare_variants([job.seed for job in jobs], work / "variants",
                                    executor=executor,
                                    parallel=getattr(executor, "workers", workers))
            jobs = [dataclasses.replace(job, variants=str(root)) for job in jobs]
        results = {}
        for result in executor.map(run_job, jobs):
            results.setdefault(result["student_id"], result)  # a retried job counts once
    finally:
        if close is not None:
            close.close()
        if owned:
            shutil.rmtree(work, ignore_errors=True)
    problems = [r["problem"] for r in results.values() if r.get("problem")]
    if problems:
        raise ExerciseError(f"grading stopped, nothing written: {problems[0]}")
    rows = []
    for student in students:
        result = results.get(student, {"reason": early.get(student, ""), "checks": {}})
        fatal = result["reason"]
        earned = {name: 0.0 if fatal or not result["checks"].get(name) else float(value)
                  for name, value in points.items()}
        if fatal:
            reason = fatal
        else:
            failed = sorted(name for name in points if not result["checks"].get(name))
            reason = "; ".join([*result.get("notes", []),
                                *(["failed: " + ", ".join(failed)] if failed else [])])
        total = round(sum(earned.values()), 4)
        rows.append({"student_id": student, ex_id: total, "total": total,
                     **{f"{files.CHECK_PREFIX}{name}": value for name, value in earned.items()},
                     "reason": reason})
    details = pd.DataFrame(rows, columns=files.details_columns(ex_id, points))
    write_text(out / files.DETAILS, details.to_csv(index=False, lineterminator="\n"))
    # The gradebook is written last, in the layout of `crmlab grade`, so the files merge.
    scores = layout(details[["student_id", ex_id, "total"]], possible={ex_id: sum(points.values())},
                    roster=roster_frame, format=format, kind="Exercise")
    write_text(out / files.SCORES, scores.to_csv(index=False, lineterminator="\n"))
    return details
