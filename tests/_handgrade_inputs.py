"""The grading folders of the hand-grading tests (tests/test_handgrade.py and the browser
test): a quiz grading with two free-text answers (one of them hostile HTML) and an exercise
grading whose s1 got one check wrong."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone

from crmlab.grading.quizzes import grade
from crmlab.quiz import submission

QUIZ = textwrap.dedent("""\
    id: T
    title: Text
    mode: graded
    questions:
      - id: why
        type: text
        points: 3
        prompt: Why keep customers?
        rubric:
          - {id: cost, text: Names the cost of winning customers back, points: 2}
          - {id: example, text: Gives an example, points: 1}
      - {id: tf, type: truefalse, prompt: Keeping costs less., answer: true}
    """)
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"
TEXTS = {"s1": "Winning back costs 50-100 times more.", "s2": HOSTILE}
NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def quiz_grading(tmp_path, monkeypatch, quiz: str = QUIZ):
    """A quiz grading folder of quiz T (one free-text question, two criteria) for s1, s2;
    ``quiz``: the text of the quiz file (another quiz T)."""
    (tmp_path / "course" / "quizzes").mkdir(parents=True)
    (tmp_path / "course" / "quizzes" / "T.yaml").write_text(quiz, encoding="utf-8")
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path / "course"))
    subs = tmp_path / "subs"
    subs.mkdir()
    created = "2026-10-01T10:00:00+00:00"
    for student, text in TEXTS.items():
        raw = submission.answers_bytes(submission.answers_file(
            student, "T", {"why": text, "tf": True}, at=created))
        (subs / f"{student}.zip").write_bytes(submission.bundle_bytes(
            student, [("T", raw)], created=created))
    grade(subs, out=tmp_path / "out", quizzes=["T"], figures=False, progress=False,
          now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    return tmp_path / "out"


def exercise_grading(tmp_path):
    """An exercise grading folder as crmlab exercises grade leaves it: s1 got fx-square wrong
    (1 of 3 points), s2 solved both; run.json records the submissions' checksums."""
    from _course_inputs import POINTS, write_exercise_grades

    from crmlab.grading import history
    from crmlab.grading.results import CheckResult, JobResult

    folder = write_exercise_grades(tmp_path / "ex", [
        JobResult("s1", checks=(CheckResult("fx-double", "passed"),
                                CheckResult("fx-square", "wrong"))),
        JobResult("s2", checks=(CheckResult("fx-double", "passed"),
                                CheckResult("fx-square", "passed")))])
    scores = {"s1": {"check:fx-double": 1.0, "check:fx-square": 0.0, "EX-fixture": 1.0},
              "s2": {"check:fx-double": 1.0, "check:fx-square": 2.0, "EX-fixture": 3.0}}
    history.record_run(
        folder, command="exercises grade",
        inputs={"exercise:EX-fixture": history.Input("k", "key fix in EX-fixture")},
        students={s: {"scores": v, "inputs": {"submission": f"sha-{s}", "hand": ""}}
                  for s, v in scores.items()},
        student_inputs={"submission": "new submission", "hand": "hand override"},
        options={}, files=[], total="EX-fixture", now=NOW.replace(hour=1),
        extra={"possible": {"EX-fixture": float(sum(POINTS.values()))}})
    return folder


