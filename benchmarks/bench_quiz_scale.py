"""Quiz grading at 10,000 and 100,000 submissions: time and peak memory.

The cohort: 10,000 simulated students of the 20-question benchmark quiz (``bench_grading``);
student ``i`` of the 100,000 answers like simulated student ``i % 10,000`` under an id of its
own, so both sizes ask the grader the same distinct answers and only the count changes. Each
cohort is written as real ``crmlab submit`` zips and flushed to disk (``sync``: the writes of the
larger cohort would otherwise still be going to disk while it is graded), then ``crmlab
grade``'s pipeline runs on it :data:`RUNS` times, each in a fresh process that reports its time,
its peak resident memory and its memory before grading; the fastest run of each size counts (on
a machine shared with other work, the run least disturbed by it).

(a) time at 100,000 / time at 10,000 (target <= 12: close to 10, no step worse than linear);
(b) peak memory per answer graded (peak - before, over the answers) at 100,000 / at 10,000
(target <= 1.25), memory being the resident set of the grading process and its forked readers,
sampled every 50 ms: the result tables hold one row per answer, so memory that follows them stays
flat per answer, while holding the bundles (as the grader did before it streamed them) would add
their raw answers on top. Writing and grading the 100,000 cohort takes several minutes on two
cores; ``CRMLAB_BENCH_QUIZ_SIZES=10000,30000`` runs a smaller pair.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = tuple(int(n) for n in os.environ.get("CRMLAB_BENCH_QUIZ_SIZES",
                                             "10000,100000").split(","))
CREATED = "2026-11-20T10:00:00+00:00"
#: Gradings of each cohort; the fastest counts.
RUNS = int(os.environ.get("CRMLAB_BENCH_QUIZ_RUNS", "2"))
_PATTERNS: list = []

_GRADE = """
import json, os, sys, threading, time
from benchmarks._proc import tree_rss
from crmlab.grading.quizzes import grade

peak, done = [0], threading.Event()
def watch():
    while not done.is_set():
        peak[0] = max(peak[0], tree_rss(os.getpid()))
        time.sleep(0.05)

before = tree_rss(os.getpid())
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
started = time.perf_counter()
result = grade(sys.argv[1], out=sys.argv[2], quizzes=["bench"], figures=False, progress=False)
elapsed = time.perf_counter() - started
done.set()
watcher.join()
print(json.dumps({"time": elapsed, "before": before, "peak": max(peak[0], tree_rss(os.getpid())),
                  "answers": len(result.responses), "students": len(result.gradebook)}))
"""


def _write_range(task) -> int:
    from crmlab.quiz import submission

    folder, start, stop = task
    for i in range(start, stop):
        quiz_id, data = _PATTERNS[i % len(_PATTERNS)]
        student = f"s{i:06d}"
        raw = submission.answers_bytes({**data, "student_id": student})
        with open(os.path.join(folder, f"{student}.zip"), "wb") as handle:
            handle.write(submission.bundle_bytes(student, [(quiz_id, raw)], created=CREATED))
    return stop - start


def _cohort(quiz, folder: Path, n: int) -> None:
    """Write ``n`` bundles with the forked writers (one per core) sharing the answer sets."""
    folder.mkdir()
    step = 2_000
    tasks = [(str(folder), i, min(n, i + step)) for i in range(0, n, step)]
    context = multiprocessing.get_context("fork")
    with context.Pool(max(1, min(os.cpu_count() or 1, 8))) as pool:
        assert sum(pool.map(_write_range, tasks)) == n
    os.sync()  # on disk before it is graded, whatever its size


def _grade(subs: Path, out: Path, course: Path) -> dict:
    env = dict(os.environ, CRMLAB_COURSE_DIR=str(course),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", _GRADE, str(subs), str(out)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """Measure; one row per figure (see the module docstring)."""
    from benchmarks.bench_grading import bench_course
    from crmlab.quiz import submission
    from crmlab.quiz.simulate import simulate_answers

    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-scale-"))
    figures = {}
    try:
        # q23 shared: both sizes ask the grader the same distinct answers (each of 100,000
        # students' own keys would be made cold here, which bench_grading measures apart)
        with bench_course(work, own=False) as quiz:
            _PATTERNS[:] = [(quiz.id, submission.answers_file(student, quiz.id, answers,
                                                              at=CREATED))
                            for student, answers in simulate_answers(
                                quiz, n_students=SIZES[0], seed=3).items()]
            for n in SIZES:
                _cohort(quiz, work / f"subs{n}", n)
                runs = []
                for run in range(RUNS):
                    runs.append(_grade(work / f"subs{n}", work / f"out{n}-{run}", work))
                    assert runs[-1]["students"] == n, runs[-1]
                    shutil.rmtree(work / f"out{n}-{run}")
                figures[n] = min(runs, key=lambda f: f["time"])
                figures[n]["runs"] = [f["time"] for f in runs]
                shutil.rmtree(work / f"subs{n}")
    finally:
        _PATTERNS.clear()
        shutil.rmtree(work, ignore_errors=True)
    small, large = (figures[n] for n in SIZES)

    def per_answer(f):
        return (f["peak"] - f["before"]) / f["answers"]

    def mb(x):
        return f"{x / 1e6:.0f} MB"

    return [
        {"name": f"quiz grading {large['students']:,} / {small['students']:,} submissions: time",
         "value": large["time"] / small["time"], "target": "<= 12", "unit": "x",
         "note": f"{small['time']:.1f} s and {large['time']:.1f} s, best of "
                 f"{'/'.join(f'{t:.1f}' for t in small['runs'])} s and "
                 f"{'/'.join(f'{t:.1f}' for t in large['runs'])} s ({large['answers']} answers)"},
        {"name": f"quiz grading {large['students']:,} / {small['students']:,}: memory per answer",
         "value": per_answer(large) / per_answer(small), "target": "<= 1.25", "unit": "x",
         "note": f"peak {mb(small['peak'])} and {mb(large['peak'])} ({mb(small['before'])} "
                 f"before grading): {per_answer(small):.0f} and {per_answer(large):.0f} bytes "
                 "per answer, the result tables' share; no bundle held"},
    ]
