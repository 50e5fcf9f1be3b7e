"""Grading at scale: 10,000 submissions x 20 questions.

(a) grading time / the time to merely open each zip and JSON-parse its files (the floor), both
measured in the same run, interleaved, five times each; the best of each is compared, so load
from other processes on the machine affects both sides alike (target <= 2.0). Grading means
the whole ``crmlab grade`` pipeline: read, judge, choose, and write every output, report.md and
its PNG figures included. (b) the absolute grading time, best of five (target < 5 s on the
2-core reference machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
N_STUDENTS = 10_000
REPEATS = 5


def _bench_quiz(folder: Path) -> None:
    """A 20-question quiz: the 19 of the final test plus one numeric question."""
    data = yaml.safe_load((ROOT / "quizzes" / "final_test.yaml").read_text(encoding="utf-8"))
    data["id"] = "bench"
    data["questions"].append({"id": "q23", "type": "numeric",
                              "prompt": {"en": "How many?", "az": "Neçə?"},
                              "answer": 12.5, "tolerance": {"relative": 0.02}})
    (folder / "bench.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


@contextlib.contextmanager
def bench_course(work: Path):
    """A course folder in ``work`` with the benchmark quiz (CRMLAB_COURSE_DIR while inside);
    yields the loaded quiz."""
    from crmlab.quiz.loading import load

    saved = os.environ.get("CRMLAB_COURSE_DIR")
    try:
        (work / "quizzes").mkdir()
        (work / "datasets").symlink_to(ROOT / "datasets")
        _bench_quiz(work / "quizzes")
        os.environ["CRMLAB_COURSE_DIR"] = str(work)
        yield load("bench")
    finally:
        if saved is None:
            os.environ.pop("CRMLAB_COURSE_DIR", None)
        else:
            os.environ["CRMLAB_COURSE_DIR"] = saved


def _floor(paths) -> float:
    started = time.perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as bundle:
            for name in bundle.namelist():
                json.loads(bundle.read(name))
    return time.perf_counter() - started


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    from crmlab.grading.quizzes import grade
    from crmlab.quiz.simulate import write_cohort

    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-grading-"))
    floors, times = [], []
    try:
        with bench_course(work) as quiz:
            paths = write_cohort(quiz, work / "subs", n_students=N_STUDENTS, seed=3)
            for run_index in range(REPEATS):
                floors.append(_floor(paths))
                started = time.perf_counter()
                result = grade(work / "subs", out=work / f"out{run_index}", quizzes=["bench"],
                               progress=False)
                times.append(time.perf_counter() - started)
        answers = len(result.responses)
        figures = sum(path.suffix == ".png" for path in result.files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor, elapsed = min(floors), min(times)
    return [
        {"name": "grading 10,000 x 20: grade / read+parse floor", "value": elapsed / floor,
         "target": "<= 2.0", "unit": "x",
         "note": f"best of {REPEATS}: floor {floor:.2f} s to open and parse the same "
                 f"{len(paths)} zips; grading {elapsed:.2f} s (first run {times[0]:.2f} s)"},
        {"name": "grading 10,000 x 20: absolute time", "value": elapsed, "target": "< 5",
         "unit": "s", "note": f"{answers} answers graded, every output written "
                              f"({figures} PNG figures)"},
    ]
