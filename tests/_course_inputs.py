"""A small graded course for the gradebook and feedback tests: a two-question quiz graded by
`crmlab grade`, an exercise's grading files (the fixture exercise, 3 points), receipts, a roster of
three (s3 submitted nothing) and a course file (late policy 25% per day started, at most 50%,
cut-off 3 days)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crmlab.grading.quizzes import grade
from crmlab.quiz import submission

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "tests" / "fixtures" / "exercises" / "exercise" / "fixture_double.ipynb"
QUIZ = """\
id: Q
title: Q
mode: graded
questions:
  - {id: a, type: truefalse, prompt: A, answer: true}
  - {id: b, type: truefalse, prompt: B, answer: false}
"""
COURSE = f"""\
title: Gradebook test
timezone: UTC
late_policy: {{penalty_per_day: 25, max_penalty: 50, cutoff_days: 3}}
assessments:
  - {{id: Q, kind: quiz, weight: 3, deadline: "2026-10-01T12:00"}}
  - {{id: EX-fixture, kind: exercise, weight: 1, source: {EXERCISE},
     deadline: "2026-10-05T12:00"}}
"""
#: The fixture exercise's checks and their points.
POINTS = {"fx-double": 1, "fx-square": 2}


def write_exercise_grades(folder: Path, results=None) -> Path:
    """An exercise grading folder as `crmlab exercises grade` writes it: s1 solved, s2 handed in
    nothing (or the given results)."""
    from crmlab.grading.files import write_exercise_results
    from crmlab.grading.results import CheckResult, JobResult, Reason

    results = results or [
        JobResult("s1", checks=(CheckResult("fx-double", "passed"),
                                CheckResult("fx-square", "passed"))),
        JobResult.ended("s2", Reason("no_submission"))]
    folder.mkdir(parents=True, exist_ok=True)
    write_exercise_results(folder, "EX-fixture", POINTS, [r.scored(POINTS) for r in results])
    return folder


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "quizzes").mkdir(parents=True)
    (course / "quizzes" / "Q.yaml").write_text(QUIZ)
    (course / "course.yaml").write_text(COURSE)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(course))
    subs = tmp_path / "subs"
    subs.mkdir()
    for student, answers, received in (("s1", {"a": True, "b": False}, "2026-10-02T13:00"),
                                       ("s2", {"a": True}, "2026-10-01T11:00")):
        raw = submission.answers_bytes(submission.answers_file(student, "Q", answers,
                                                               at="2026-09-30T10:00:00"))
        path = subs / f"{student}.zip"
        path.write_bytes(submission.bundle_bytes(student, [("Q", raw)],
                                                 created="2026-09-30T10:00:00+00:00"))
        stamp = datetime.fromisoformat(received).replace(tzinfo=timezone.utc).timestamp()
        os.utime(path, (stamp, stamp))
    grade(subs, out=tmp_path / "grades", quizzes=["Q"], figures=False, progress=False)
    write_exercise_grades(tmp_path / "ex")
    (tmp_path / "receipts.csv").write_text(
        "file,sha256,student_id,assessment,received_at\n"
        "x.ipynb,,s1,EX-fixture,2026-10-05T11:00:00+00:00\n")
    (tmp_path / "roster.csv").write_text("student_id,name,email,section\n"
                                         "s1,Aysel,s1@uni.az,A\ns2,Elvin,s2@uni.az,A\n"
                                         "s3,Nigar,s3@uni.az,B\n")
    return {"course": course / "course.yaml", "quizzes": tmp_path / "grades",
            "exercises": [tmp_path / "ex"], "receipts": tmp_path / "receipts.csv",
            "roster": tmp_path / "roster.csv"}
