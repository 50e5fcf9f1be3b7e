"""Grading at scale: 10,000 submissions x 20 questions.

(a) grading time / the time to merely open each zip and JSON-parse its files (the floor), both
measured in the same run, interleaved, five times each; the best of each is compared, so load
from other processes on the machine affects both sides alike (target <= 2.0). Grading means
the whole ``crmlab grade`` pipeline: read, judge, choose, and write every output, report.md and
its PNG figures included. (b) the absolute grading time, best of five (target < 5 s on the
2-core reference machine). The note adds the CPU time of the fastest run: the floor's, and the
grading's in this process and in its forked processes (readers that judge as they read, and the
figures' drawer), which load from other processes disturbs less than the clock.

Measured on the shared 2-core machine (Dec 2026): 1.94x, grading 1.56 s against a floor of
0.80 s (CPU: floor 0.81 s; grading 0.62 s in the grading process + 1.91 s in forked ones); it
was 2.66x (2.08 s against 0.78 s) before the readers judged. Both cores are needed: with four
other busy processes on the machine the same code measured 2.5-4x.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
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


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its children that have ended."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                           resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    from crmlab.grading.quizzes import grade
    from crmlab.quiz.simulate import write_cohort

    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-grading-"))
    floors, times, cpu = [], [], []
    try:
        with bench_course(work) as quiz:
            paths = write_cohort(quiz, work / "subs", n_students=N_STUDENTS, seed=3)
            for run_index in range(REPEATS):
                before = _cpu()
                floors.append(_floor(paths))
                middle = _cpu()
                started = time.perf_counter()
                result = grade(work / "subs", out=work / f"out{run_index}", quizzes=["bench"],
                               progress=False)
                times.append(time.perf_counter() - started)
                after = _cpu()
                cpu.append((middle[0] - before[0], after[0] - middle[0],
                            after[1] - middle[1]))
        answers = len(result.responses)
        figures = sum(path.suffix == ".png" for path in result.files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor, elapsed = min(floors), min(times)
    # CPU time, a figure load from other processes disturbs less than the clock: the floor's,
    # and the grading's in this process and in its forked readers and figure drawer.
    best = cpu[times.index(elapsed)]
    return [
        {"name": "grading 10,000 x 20: grade / read+parse floor", "value": elapsed / floor,
         "target": "<= 2.0", "unit": "x",
         "note": f"best of {REPEATS}: floor {floor:.2f} s to open and parse the same "
                 f"{len(paths)} zips; grading {elapsed:.2f} s (first run {times[0]:.2f} s); "
                 f"CPU of that run: floor {best[0]:.2f} s, grading {best[1]:.2f} s here + "
                 f"{best[2]:.2f} s in forked processes"},
        {"name": "grading 10,000 x 20: absolute time", "value": elapsed, "target": "< 5",
         "unit": "s", "note": f"{answers} answers graded, every output written "
                              f"({figures} PNG figures)"},
    ]
