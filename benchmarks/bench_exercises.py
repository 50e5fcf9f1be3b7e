"""Exercise pipeline figures.

(a) assigning 500 variants / papermill's prepare-only floor for the same notebook, both in this
run (target <= 2.0); (b) grading throughput with 2 workers / with 1 worker (target >= 1.6 on 2
cores).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "notebooks" / "exercises" / "abc_profit_share.ipynb"
SECRET = "benchmark-secret"


def _assign_ratio(work: Path) -> dict:
    import nbformat
    import papermill

    from crmlab.course.exercises import assign
    from crmlab.course.exercises.notebook import read_exercise, student_copy

    roster = work / "roster500.csv"
    roster.write_text("student_id\n" + "\n".join(f"s{i:03d}" for i in range(500)) + "\n")
    template = work / "template.ipynb"
    nbformat.write(student_copy(read_exercise(EXERCISE)), template)
    started = time.perf_counter()
    for i in range(500):
        papermill.execute_notebook(str(template), str(work / "floor.ipynb"), prepare_only=True,
                                   progress_bar=False,
                                   parameters={"student_id": f"s{i:03d}", "seed": i})
    floor = time.perf_counter() - started
    started = time.perf_counter()
    assign(str(EXERCISE), roster=roster, out=work / "assigned")
    elapsed = time.perf_counter() - started
    return {"name": "exercises: assign 500 / papermill prepare-only floor",
            "value": elapsed / floor, "target": "<= 2.0", "unit": "x",
            "note": f"assign {elapsed:.2f} s, floor {floor:.2f} s"}


def _solved_submissions(work: Path, n: int) -> Path:
    import nbformat

    from crmlab.course.exercises import assign

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


def _throughput(work: Path, n: int = 8) -> dict:
    from crmlab.course.exercises import grade

    roster = _solved_submissions(work, n)
    timings = {}
    for workers in (1, 2):
        # A fresh CRMLAB_HOME each time: both runs generate their data variants from scratch.
        os.environ["CRMLAB_HOME"] = tempfile.mkdtemp(prefix="crmlab-bench-home-")
        started = time.perf_counter()
        scores = grade(str(EXERCISE), work / "subs", roster=roster, out=work / f"g{workers}",
                       workers=workers, timeout=120, progress=False)
        timings[workers] = time.perf_counter() - started
        assert (scores["total"] == 5).all(), scores
    return {"name": "exercises: grading throughput 2 workers / 1 worker",
            "value": timings[1] / timings[2], "target": ">= 1.6", "unit": "x",
            "note": f"{n} notebooks: 1 worker {timings[1]:.1f} s, 2 workers {timings[2]:.1f} s"}


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-exercises-"))
    saved = os.environ.get("CRMLAB_INSTRUCTOR_SECRET")
    saved_home = os.environ.get("CRMLAB_HOME")
    os.environ["CRMLAB_INSTRUCTOR_SECRET"] = SECRET
    try:
        return [_assign_ratio(work), _throughput(work)]
    finally:
        for name, value in (("CRMLAB_INSTRUCTOR_SECRET", saved), ("CRMLAB_HOME", saved_home)):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(work, ignore_errors=True)
