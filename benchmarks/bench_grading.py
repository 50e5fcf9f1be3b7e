"""Grading at scale: 10,000 submissions x 20 questions.

(a) grading time / the time to merely open each zip and JSON-parse its files, in the same run
(target <= 2.0); (b) the absolute grading time (target < 5 s on the 2-core reference machine).
"""

from __future__ import annotations

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


def _bench_quiz(folder: Path) -> None:
    """A 20-question quiz: the 19 of the final test plus one numeric question."""
    data = yaml.safe_load((ROOT / "quizzes" / "final_test.yaml").read_text(encoding="utf-8"))
    data["id"] = "bench"
    data["questions"].append({"id": "q23", "type": "numeric",
                              "prompt": {"en": "How many?", "az": "Neçə?"},
                              "answer": 12.5, "tolerance": {"relative": 0.02}})
    (folder / "bench.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def _floor(paths) -> float:
    started = time.perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as bundle:
            for name in bundle.namelist():
                json.loads(bundle.read(name))
    return time.perf_counter() - started


def run() -> list[dict]:
    from crmlab.course.quiz import load
    from crmlab.course.quiz.grading import grade
    from crmlab.course.quiz.simulate import write_cohort

    work = Path(tempfile.mkdtemp(prefix="crmlab-bench-grading-"))
    saved = os.environ.get("CRMLAB_COURSE_DIR")
    try:
        (work / "quizzes").mkdir()
        (work / "datasets").symlink_to(ROOT / "datasets")
        _bench_quiz(work / "quizzes")
        os.environ["CRMLAB_COURSE_DIR"] = str(work)
        quiz = load("bench")
        paths = write_cohort(quiz, work / "subs", n_students=N_STUDENTS, seed=3)
        floor = min(_floor(paths) for _ in range(2))
        started = time.perf_counter()
        result = grade(work / "subs", out=work / "out", quizzes=["bench"], progress=False)
        elapsed = time.perf_counter() - started
        answers = len(result.responses)
    finally:
        if saved is None:
            os.environ.pop("CRMLAB_COURSE_DIR", None)
        else:
            os.environ["CRMLAB_COURSE_DIR"] = saved
        shutil.rmtree(work, ignore_errors=True)
    return [
        {"name": "grading 10,000 x 20: grade / read+parse floor", "value": elapsed / floor,
         "target": "<= 2.0", "unit": "x",
         "note": f"floor {floor:.2f} s to open and parse the same {len(paths)} zips"},
        {"name": "grading 10,000 x 20: absolute time", "value": elapsed, "target": "< 5",
         "unit": "s", "note": f"{answers} answers graded, outputs and report written"},
    ]
