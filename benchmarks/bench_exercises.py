"""Exercise pipeline figures.

(a) assigning 100 students / its floor, both in this run (target <= 2.0): per student,
papermill's prepare-only run of the same notebook and the generation of the student's data
variant, which the digests of the visible checks are computed from (issue 26: the keys stay in
the instructor's checkout, so assign computes each student's expected values; generating the
variant is most of it, about 1 s a student, against 5 ms for papermill).
(b) the cost of grading one notebook / its floor (target <= 1.5): the floor is a fresh kernel
that imports the course's stack and crmlab (``runner.STACK``), started, used and shut down
with jupyter_client, timed before and after the grading in the same run (mean of both); the
grading is a batch of solved submissions of a real exercise with one worker, sandbox and checks
included, its data variants already prepared (the batch's own step, reported in the note).
(c) submissions per minute with 2 local workers and (d) on a LocalCluster of 2 worker
processes (started beforehand; its start is in the note), each a whole batch from scratch:
variants prepared, notebooks run and judged, files written.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "notebooks" / "exercises" / "abc_profit_share.ipynb"
SECRET = "benchmark-secret"


def _assign_ratio(work: Path, n: int = 100) -> dict:
    import nbformat
    import papermill

    from crmlab.exercises import assign
    from crmlab.exercises.assignment import student_seed
    from crmlab.exercises.checks import prepare_variant
    from crmlab.exercises.notebook import read_exercise, student_copy

    roster = work / f"roster{n}.csv"
    students = [f"s{i:03d}" for i in range(n)]
    roster.write_text("student_id\n" + "\n".join(students) + "\n")
    source = read_exercise(EXERCISE)
    template = work / "template.ipynb"
    nbformat.write(student_copy(source), template)
    started = time.perf_counter()
    for student in students:
        seed = student_seed(SECRET.encode(), source.metadata["crmlab"]["id"], student)
        papermill.execute_notebook(str(template), str(work / "floor.ipynb"), prepare_only=True,
                                   progress_bar=False,
                                   parameters={"student_id": student, "seed": seed})
        prepare_variant(seed, work / "floor-variants")  # assign makes its own, in CRMLAB_HOME
    floor = time.perf_counter() - started
    started = time.perf_counter()
    assign(str(EXERCISE), roster=roster, out=work / "assigned")
    elapsed = time.perf_counter() - started
    return {"name": f"exercises: assign {n} / papermill prepare-only + data variant floor",
            "value": elapsed / floor, "target": "<= 2.0", "unit": "x",
            "note": f"assign {elapsed:.2f} s, floor {floor:.2f} s"}


def _solved_submissions(work: Path, n: int) -> Path:
    import nbformat

    from crmlab.exercises import assign

    roster = work / f"roster{n}.csv"
    roster.write_text("student_id\n" + "\n".join(f"g{i:02d}" for i in range(n)) + "\n")
    assign(str(EXERCISE), roster=roster, out=work / "to-solve")
    source = {c.id: c.source for c in nbformat.read(EXERCISE, as_version=4).cells}
    subs = work / "subs"
    subs.mkdir()
    for path in sorted((work / "to-solve").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "NotImplementedError" in cell.source and cell.id in source:
                cell.source = source[cell.id]
        nbformat.write(nb, subs / path.name)
    return roster


def _floor(kernels: int = 3) -> list[float]:
    """Seconds for a fresh kernel to start, import the course's stack and crmlab, shut down."""
    from benchmarks._kernel import fresh_kernel_seconds
    from crmlab.grading.runner import STACK

    return fresh_kernel_seconds(STACK, kernels=kernels)


def _grade(folder: Path, roster: Path, name: str, **options) -> float:
    """Seconds to grade the solved submissions in ``folder/subs`` into ``folder/name``;
    ``options`` go to :func:`crmlab.grading.exercises.grade` (its own ``work`` included)."""
    from crmlab.grading.exercises import grade

    started = time.perf_counter()
    graded = grade(str(EXERCISE), folder / "subs", roster=roster, out=folder / name,
                   timeout=120, progress=False, **options)
    elapsed = time.perf_counter() - started
    assert (graded.details["total"] == 5).all(), graded.details
    return elapsed


def _per_notebook(work: Path, roster: Path, n: int) -> dict:
    before = _floor()
    first = _grade(work, roster, "one-a", workers=1, work=work / "variants-kept")
    again = _grade(work, roster, "one-b", workers=1, work=work / "variants-kept")
    floor = statistics.mean(before + _floor())
    per = again / n
    return {"name": "exercises: grading one notebook / fresh-kernel floor", "value": per / floor,
            "target": "<= 1.5", "unit": "x",
            "note": f"{per:.2f} s per notebook (1 worker, sandbox and checks, variants ready) vs "
                    f"{floor:.2f} s for a kernel importing numpy, pandas, crmlab; preparing the "
                    f"variants adds {(first - again) / n:.2f} s per student, once per batch"}


def _throughput(work: Path, roster: Path, n: int) -> list[dict]:
    from crmlab.grading.executors import DaskExecutor

    local = _grade(work, roster, "two", workers=2)
    started = time.perf_counter()
    cluster = DaskExecutor("local:2", progress=False)
    workers = cluster.workers  # connects: the cluster's start is not the grading's
    start = time.perf_counter() - started
    try:
        dask = _grade(work, roster, "cluster", executor=cluster)
    finally:
        cluster.close()
    return [
        {"name": "exercises: submissions per minute, 2 local workers", "value": 60 * n / local,
         "target": "", "unit": "sub/min",
         "note": f"{n} notebooks in {local:.1f} s, variants prepared in the batch"},
        {"name": "exercises: submissions per minute, LocalCluster of 2", "value": 60 * n / dask,
         "target": "", "unit": "sub/min",
         "note": f"{n} notebooks in {dask:.1f} s on {workers} workers; the cluster took "
                 f"{start:.1f} s to start"},
    ]


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-exercises-"))
    saved = os.environ.get("CRMLAB_INSTRUCTOR_SECRET")
    saved_home = os.environ.get("CRMLAB_HOME")
    os.environ["CRMLAB_INSTRUCTOR_SECRET"] = SECRET
    os.environ["CRMLAB_HOME"] = str(work / "home")  # assign's variants made afresh, then gone
    try:
        n = 8
        roster = _solved_submissions(work, n)
        return [_assign_ratio(work), _per_notebook(work, roster, n), *_throughput(work, roster, n)]
    finally:
        for name, value in (("CRMLAB_INSTRUCTOR_SECRET", saved), ("CRMLAB_HOME", saved_home)):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(work, ignore_errors=True)
