"""Quiz grading at 10,000 and 100,000 submissions: time and peak memory.

The cohort: 10,000 simulated students of the 20-question benchmark quiz (``bench_grading``);
student ``i`` of the 100,000 answers like simulated student ``i % 10,000`` under an id of its
own, so both sizes ask the grader the same distinct answers and only the count changes. Each
cohort is written as real ``crmlab submit`` zips, then ``crmlab grade``'s pipeline runs on it in
a fresh process that reports its time, its peak resident memory, its memory before grading and
the size of the result tables it returns.

(a) time at 100,000 / time at 10,000 (target <= 12: close to 10, the bundles are streamed, no
step is worse than linear); (b) memory beyond the result tables (peak - before - tables) at
100,000 / at 10,000 (target <= 3: the raw answers never pile up; what grows is the list of
files found and the compact verdicts the tables are built from). The 100,000 cohort takes a
few minutes to write and grade on two cores.
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

SIZES = (10_000, 100_000)
CREATED = "2026-11-20T10:00:00+00:00"
_PATTERNS: list = []

_GRADE = """
import json, os, resource, sys, time
from crmlab.course.quiz.grading import grade
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
started = time.perf_counter()
result = grade(sys.argv[1], out=sys.argv[2], quizzes=["bench"], figures=False, progress=False)
elapsed = time.perf_counter() - started
tables = sum(int(frame.memory_usage(deep=True).sum()) for frame in (
    result.gradebook, result.responses, result.item_analysis, result.problems,
    result.strategies))
print(json.dumps({"time": elapsed, "before": before, "tables": tables,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "answers": len(result.responses), "students": len(result.gradebook)}))
"""


def _write_range(task) -> int:
    from crmlab.course import submission

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


def _grade(subs: Path, out: Path, course: Path) -> dict:
    env = dict(os.environ, CRMLAB_COURSE_DIR=str(course))
    done = subprocess.run([sys.executable, "-c", _GRADE, str(subs), str(out)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """Measure; one row per figure (see the module docstring)."""
    from benchmarks.bench_grading import ROOT, _bench_quiz
    from crmlab.course import submission
    from crmlab.course.quiz.loading import load
    from crmlab.course.quiz.simulate import simulate_answers

    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-scale-"))
    saved = os.environ.get("CRMLAB_COURSE_DIR")
    figures = {}
    try:
        (work / "quizzes").mkdir()
        (work / "datasets").symlink_to(ROOT / "datasets")
        _bench_quiz(work / "quizzes")
        os.environ["CRMLAB_COURSE_DIR"] = str(work)
        quiz = load("bench")
        _PATTERNS[:] = [(quiz.id, submission.answers_file(student, quiz.id, answers, at=CREATED))
                        for student, answers in simulate_answers(quiz, n_students=SIZES[0],
                                                                 seed=3).items()]
        for n in SIZES:
            _cohort(quiz, work / f"subs{n}", n)
            figures[n] = _grade(work / f"subs{n}", work / f"out{n}", work)
            assert figures[n]["students"] == n, figures[n]
            shutil.rmtree(work / f"subs{n}")
    finally:
        _PATTERNS.clear()
        if saved is None:
            os.environ.pop("CRMLAB_COURSE_DIR", None)
        else:
            os.environ["CRMLAB_COURSE_DIR"] = saved
        shutil.rmtree(work, ignore_errors=True)
    small, large = (figures[n] for n in SIZES)

    def beyond(f):
        return f["peak"] - f["before"] - f["tables"]

    def mb(x):
        return f"{x / 1e6:.0f} MB"

    return [
        {"name": "quiz grading 100,000 / 10,000 submissions: time", "value":
            large["time"] / small["time"], "target": "<= 12", "unit": "x",
         "note": f"{small['time']:.1f} s and {large['time']:.1f} s ({large['answers']} answers)"},
        {"name": "quiz grading 100,000 / 10,000: memory beyond the tables",
         "value": beyond(large) / max(beyond(small), 1), "target": "<= 3", "unit": "x",
         "note": f"peak {mb(small['peak'])} and {mb(large['peak'])}; result tables "
                 f"{mb(small['tables'])} and {mb(large['tables'])}; beyond them "
                 f"{mb(beyond(small))} and {mb(beyond(large))}"},
    ]
