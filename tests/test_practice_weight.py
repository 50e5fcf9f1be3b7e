"""Practice does not count unless the course says so (issue 26 item 4).

A practice question can be retried until "Correct" in the lesson, so by default a quiz's grade
is its graded questions; course.yaml's ``practice_weight`` (or ``crmlab grade
--practice-weight``) gives practice a share. L00 has six practice questions and two graded
ones (``n-perishable``, a number of one's own, and ``submit``), one point each.
"""

import json

import pandas as pd
import pytest
from test_grading import bundle

from crmlab.cli import main
from crmlab.exercises.assignment import load_secret
from crmlab.grading.config import load_course, validate_course
from crmlab.grading.quizzes import grade
from crmlab.grading.variant_keys import student_keys_report
from crmlab.quiz import load
from crmlab.quiz.types import get_type

L00 = load("L00")
PRACTICE = [q.id for q in L00.questions if q.mode == "practice"]
GRADED = [q.id for q in L00.questions if q.mode == "graded"]


def _right(question_id):
    question = L00.question(question_id)
    return get_type(question.type).right_answer(question)


@pytest.fixture
def subs(tmp_path):
    """p: every practice question right, every graded one wrong; g: only the graded ones right
    (n-perishable on g's own data variant, with the session's instructor secret)."""
    folder = tmp_path / "subs"
    practice = {q: _right(q) for q in PRACTICE}
    bundle(folder, "p", {"L00": {**practice, "submit": "screenshot"}})
    own = student_keys_report(L00, "g", secret=load_secret())
    assert own["keys"]["n-perishable"] != L00.question("n-perishable").answer
    bundle(folder, "g", {"L00": {q: own["keys"].get(q, _right(q)) for q in GRADED}},
           variants={"L00": {q: own["variant"] for q in own["keys"]}})
    return folder


def _book(result):
    return result.gradebook.set_index("student_id")["L00"].to_dict()


def test_by_default_only_the_graded_questions_count(subs, tmp_path, monkeypatch):
    monkeypatch.setattr("crmlab.grading.quizzes.course_practice_weight", lambda: 0.0)
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], figures=False, progress=False)
    assert _book(result) == {"g": 2.0, "p": 0.0}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["possible"] == {"L00": 2.0}  # what the course gradebook divides by
    responses = pd.read_csv(tmp_path / "out" / "responses.csv")
    practice = responses[responses["question_id"].isin(PRACTICE)]
    assert len(practice) == 6 and practice["correct"].all()  # kept, and still judged
    assert (practice["max_points"] == 0).all() and (practice["points"] == 0).all()
    strategies = pd.read_csv(tmp_path / "out" / "strategies.csv")
    assert set(strategies["max_points"]) == {2.0}  # the strategies count the graded too


def test_the_course_may_give_practice_a_weight(subs, tmp_path):
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], practice_weight=0.5,
                   figures=False, progress=False)
    assert _book(result) == {"g": 2.0, "p": 3.0}  # six practice points at half weight
    result = grade(subs, out=tmp_path / "all", quizzes=["L00"], practice_weight=1,
                   figures=False, progress=False)
    assert _book(result) == {"g": 2.0, "p": 6.0}


def test_an_item_weight_names_a_practice_question_over_the_course_rule(subs, tmp_path):
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], practice_weight=0,
                   weights={("L00", "run-order"): 1}, figures=False, progress=False)
    assert _book(result) == {"g": 2.0, "p": 1.0}


def test_the_cli_option_and_a_changed_weight_in_the_history(subs, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["grade", str(subs), "--out", str(out), "--quiz", "L00", "--no-figures",
                 "--practice-weight", "0"]) == 0
    assert main(["grade", str(subs), "--out", str(out), "--quiz", "L00", "--no-figures",
                 "--practice-weight", "1"]) == 0
    printed = capsys.readouterr().out
    assert "p L00: 0 -> 6 (+6): policy change: practice weight" in printed


def test_course_yaml_practice_weight(tmp_path):
    base = (
        "title: T\ntimezone: UTC\nassessments:\n"
        "  - {id: L00, kind: quiz, weight: 1, deadline: '2026-10-01T23:59'}\n")
    path = tmp_path / "course.yaml"
    path.write_text(base)
    assert load_course(path, check_ids=False).practice_weight == 0.0
    path.write_text(base + "practice_weight: 0.25\n")
    assert load_course(path, check_ids=False).practice_weight == 0.25
    path.write_text(base + "practice_weight: 2\n")
    problems = validate_course(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:5: practice_weight: ")
    assert "expected a number from 0 to 1" in problems[0]


def test_the_feedback_page_says_practice_was_not_counted(inputs):
    """A practice question graded at weight 0 (max_points 0 in responses.csv) reads "practice:
    not counted in the grade" on the student's page, in each language."""
    import dataclasses
    from datetime import datetime, timezone

    from crmlab.grading.gradebook import course_gradebook
    from crmlab.publish.feedback import student_page

    book = course_gradebook(**inputs)
    quiz = book.quizzes["Q"]
    book.quizzes["Q"] = dataclasses.replace(quiz, questions=tuple(
        dataclasses.replace(q, mode="practice") if q.id == "b" else q for q in quiz.questions))
    practice = book.responses["question_id"] == "b"
    book.responses.loc[practice, ["points", "max_points"]] = 0.0
    late = datetime(2026, 12, 1, tzinfo=timezone.utc)
    page = student_page(book, "s1", now=late)
    assert page.count("not counted in the grade (practice)") == 1
    assert "Points: 1 of 1</p>" in page  # question a, graded, counted
    az = student_page(book, "s1", now=late, lang="az")
    assert "qiymətə daxil edilmir (məşq)" in az


def test_a_practice_weight_above_one_is_a_one_line_error(subs, tmp_path, capsys):
    assert main(["grade", str(subs), "--out", str(tmp_path / "out"), "--quiz", "L00",
                 "--no-figures", "--practice-weight", "5"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Got practice_weight=5.0 instead, expected a number from 0 to 1.\n")
