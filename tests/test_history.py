"""Regrades with history: every run kept, what changed and why written, nothing lost."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pandas as pd
import pytest

from crmlab.grading.history import Input, read_run, record_run
from crmlab.grading.quizzes import grade
from crmlab.quiz import submission

NOON = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
QUIZ = """\
id: H
title: History
mode: graded  # a graded quiz: practice would not count (issue 26)
questions:
  - {id: tf, type: truefalse, prompt: A regrade keeps the earlier run., answer: true}
  - id: pick
    type: single
    prompt: Which run counts?
    options:
      - {id: latest, text: The latest, correct: true}
      - {id: first, text: The first}
"""


def bundle(subs, student, answers, name=None, created="2026-10-01T10:00:00+00:00"):
    subs.mkdir(parents=True, exist_ok=True)
    raw = submission.answers_bytes(submission.answers_file(student, "H", answers, at=created))
    path = subs / (name or f"{student}.zip")
    path.write_bytes(submission.bundle_bytes(student, [("H", raw)], created=created))
    received = datetime.fromisoformat(created).timestamp()  # collected when it was made
    os.utime(path, (received, received))


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "course" / "quizzes").mkdir(parents=True)
    (tmp_path / "course" / "quizzes" / "H.yaml").write_text(QUIZ)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path / "course"))
    bundle(tmp_path / "subs", "s1", {"tf": True, "pick": "first"})
    bundle(tmp_path / "subs", "s2", {"tf": False, "pick": "latest"})
    return tmp_path


def run(course, minute, **kwargs):
    return grade(course / "subs", out=course / "out", quizzes=["H"], figures=False,
                 progress=False, now=NOON.replace(minute=minute), **kwargs)


def changes(course) -> list[dict]:
    return pd.read_csv(course / "out" / "changes.csv", dtype=str,
                       keep_default_na=False).to_dict("records")


def test_the_first_run_is_kept_with_its_record(course):
    result = run(course, 0)
    folder = course / "out" / "runs" / "20261201T120000Z"
    assert result.run.folder == folder
    assert result.run.summary() == f"run 20261201T120000Z kept in {folder}"
    record = json.loads((folder / "run.json").read_text())
    assert record["time"] == "2026-12-01T12:00:00+00:00" and record["command"] == "grade"
    assert record["inputs"]["quiz:H:tf:key"]["reason"] == "key fix in H question tf"
    assert record["inputs"]["quiz:H:pick:points"]["reason"] == "points change in H question pick"
    assert record["inputs"]["quiz:H"]["reason"] == "questions added or removed in H"
    assert len(record["course_version"]["sha256"]) == 64
    assert record["students"]["s1"]["scores"] == {"H": 1.0, "total": 1.0}
    assert record["possible"] == {"H": 2.0}
    assert (folder / "gradebook.csv").read_bytes() == \
        (course / "out" / "gradebook.csv").read_bytes()
    assert read_run(course / "out")["run"] == "20261201T120000Z"


def test_a_key_fix_is_named(course):
    run(course, 0)
    quiz = course / "course" / "quizzes" / "H.yaml"
    quiz.write_text(QUIZ.replace("answer: true", "answer: false"))
    result = run(course, 5)
    assert changes(course) == [
        {"student_id": "s1", "item": "H", "before": "1", "after": "0", "change": "-1",
         "reasons": "key fix in H question tf"},
        {"student_id": "s1", "item": "total", "before": "1", "after": "0", "change": "-1",
         "reasons": "key fix in H question tf"},
        {"student_id": "s2", "item": "H", "before": "1", "after": "2", "change": "+1",
         "reasons": "key fix in H question tf"},
        {"student_id": "s2", "item": "total", "before": "1", "after": "2", "change": "+1",
         "reasons": "key fix in H question tf"}]
    assert result.run.summary().startswith(
        "run 20261201T120500Z: 4 score(s) of 2 student(s) changed since run 20261201T120000Z")
    assert result.run.lines()[0] == "  s1 H: 1 -> 0 (-1): key fix in H question tf"


def test_a_points_change_names_the_question_and_a_reworded_prompt_moves_nothing(course):
    run(course, 0)
    quiz = course / "course" / "quizzes" / "H.yaml"
    quiz.write_text(QUIZ.replace("prompt: Which run counts?", "prompt: Which one counts?\n"
                                 "    points: 3"))
    run(course, 5)
    assert [(c["student_id"], c["item"], c["change"], c["reasons"]) for c in changes(course)] \
        == [("s2", "H", "+2", "points change in H question pick"),
            ("s2", "total", "+2", "points change in H question pick")]
    quiz.write_text(QUIZ.replace("prompt: Which run counts?", "prompt: Which one counts?\n"
                                 "    points: 3").replace("The first}", "The first one}"))
    run(course, 10)
    assert changes(course) == []


def test_a_new_submission_is_named_and_only_its_student_moves(course):
    run(course, 0)
    bundle(course / "subs", "s1", {"tf": True, "pick": "latest"}, name="s1-b.zip",
           created="2026-10-02T10:00:00+00:00")
    bundle(course / "subs", "s3", {"tf": True, "pick": "latest"})
    run(course, 5)
    assert [(c["student_id"], c["item"], c["change"], c["reasons"]) for c in changes(course)] \
        == [("s1", "H", "+1", "new submission"), ("s1", "total", "+1", "new submission"),
            ("s3", "H", "", "new submission"), ("s3", "total", "", "new submission")]


def test_a_policy_change_is_named(course):
    run(course, 0)
    run(course, 5, weights={("H", "pick"): 3})
    assert {c["reasons"] for c in changes(course)} == {"policy change: item weights"}
    run(course, 10, weights={("H", "pick"): 3}, resubmission="best")
    assert changes(course) == []  # a rule that moves no score is no change


def test_runs_are_never_overwritten_or_lost(course):
    for _ in range(3):
        run(course, 0)  # the same second, three times
    names = sorted(p.name for p in (course / "out" / "runs").iterdir())
    assert names == ["20261201T120000Z", "20261201T120000Z-2", "20261201T120000Z-3"]
    assert json.loads((course / "out" / "runs" / names[2] / "run.json").read_text())[
        "previous_run"] == names[1]


def test_an_unreadable_previous_record_starts_afresh_and_loses_no_run(tmp_path):
    (tmp_path / "run.json").write_text("{broken")
    kept = record_run(tmp_path, command="grade", inputs={"x": Input("1", "x")},
                      students={"s1": {"scores": {"Q": 1}}}, student_inputs={}, options={},
                      files=[], now=NOON)
    assert kept.previous == "" and kept.changes == []
    assert (tmp_path / "runs" / "20261201T120000Z" / "run.json").is_file()


def test_a_student_who_disappears_is_listed(tmp_path):
    record_run(tmp_path, command="grade", inputs={}, students={"s1": {"scores": {"Q": 1}},
                                                               "s2": {"scores": {"Q": 2}}},
               student_inputs={}, options={}, files=[], now=NOON)
    kept = record_run(tmp_path, command="grade", inputs={},
                      students={"s1": {"scores": {"Q": 1}}}, student_inputs={}, options={},
                      files=[], now=NOON)
    assert kept.changes == [{"student_id": "s2", "item": "Q", "before": "2", "after": "",
                             "change": "",
                             "reasons": "no longer graded (submission or roster entry gone)"}]


def test_an_unusable_course_file_never_stops_quiz_grading(course):
    (course / "course" / "course.yaml").write_text("assessments: [\n")
    result = run(course, 0)
    assert result.run.record["course_version"]["version"] == ""
    assert len(result.gradebook) == 2


def test_an_answered_regrade_is_kept_and_named_for_its_student_only(course):
    from crmlab.grading.history import record_regrade

    run(course, 0)
    record_regrade(course / "out", {
        "id": "R-20261201T120100Z-0123abcd", "student_id": "s1", "kind": "quiz",
        "assessment": "H", "item": "tf", "reason": "True is right, the text says so.",
        "received_at": "2026-12-01T12:01:00+00:00",
        "answer": {"text": "Agreed: the key is fixed.", "answered_at": "2026-12-01T12:02:00+00:00"}})
    quiz = course / "course" / "quizzes" / "H.yaml"
    quiz.write_text(QUIZ.replace("answer: true", "answer: false"))
    result = run(course, 5)
    assert [(c["student_id"], c["item"], c["reasons"]) for c in changes(course)] == [
        ("s1", "H", "regrade answered: H question tf; key fix in H question tf"),
        ("s1", "total", "regrade answered: H question tf; key fix in H question tf"),
        ("s2", "H", "key fix in H question tf"), ("s2", "total", "key fix in H question tf")]
    kept = result.run.folder / "regrades.csv"
    assert kept.read_text() == (course / "out" / "regrades.csv").read_text()
    assert "Agreed: the key is fixed." in kept.read_text()
    run(course, 10)  # the answer is named once, in the run after it was given
    assert changes(course) == []


def test_a_regrades_file_without_a_column_is_one_line_naming_file_and_column(tmp_path):
    """Review fix: regrades.csv was read without a column check (a missing column was
    silently read as empty)."""
    from crmlab.core.exceptions import CrmlabError
    from crmlab.grading.history import REGRADES, record_regrade

    out = tmp_path / "out"
    out.mkdir()
    path = out / REGRADES
    path.write_text("id,student_id,kind,assessment,reason,received_at,answer,answered_at\n"
                    "R-1,s1,quiz,Q,why,t0,fixed,t1\n")
    before = path.read_bytes()
    message = (f"Got the answered regrade requests {path} without the column 'item' instead, "
               "expected the columns 'id', 'student_id', 'kind', 'assessment', 'item', "
               "'reason', 'received_at', 'answer', 'answered_at'.")
    with pytest.raises(CrmlabError) as caught:
        record_run(out, command="grade", inputs={}, students={}, student_inputs={},
                   options={}, files=[])
    assert str(caught.value) == message
    with pytest.raises(CrmlabError) as caught:
        record_regrade(out, {"id": "R-2", "student_id": "s1", "kind": "quiz",
                             "assessment": "Q", "item": "tf", "answer": {"text": "ok"}})
    assert str(caught.value) == message
    assert path.read_bytes() == before and not (out / "runs").exists()
