"""The ``text`` question type: a free answer graded by hand against a rubric."""

from __future__ import annotations

import pytest
import yaml

from crmlab import quiz, student
from crmlab.core.exceptions import QuizError
from crmlab.publish.release import strip_quiz
from crmlab.quiz.gift import parse_gift, to_gift
from crmlab.quiz.schema import validate_file
from crmlab.quiz.scoring import score
from crmlab.quiz.simulate import simulate_answers
from crmlab.quiz.types import get_type
from crmlab.quiz.types.text import MAX_CHARS

HEAD = "id: T\ntitle: T\nmode: graded\nquestions:\n"
GOOD = """\
  - id: why
    type: text
    points: 3
    max_words: 200
    prompt: Why keep customers?
    rubric:
      - {id: cost, text: Names the cost of winning customers back, points: 2}
      - {id: example, text: Gives an example, points: 1}
    explanation: Winning a customer back costs 50-100 times more.
"""


def problems(tmp_path, body):
    path = tmp_path / "T.yaml"
    path.write_text(HEAD + body)
    return [p[len(str(path)) + 1:] for p in validate_file(path)]


def test_a_good_text_question_validates(tmp_path):
    assert problems(tmp_path, GOOD) == []


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda q: q.replace("points: 3\n", "points: 4\n"),
     "7: why: points (4) must equal the rubric's total (3)"),
    (lambda q: q.replace("    points: 3\n", ""),
     "5: why: a text question states its points: the rubric's total, 3"),
    (lambda q: q.replace("points: 1}", "points: 0}"),
     "12: why: Got rubric[1].points=0 instead, expected positive points."),
    (lambda q: q.replace("max_words: 200", "max_words: many"),
     "8: why: Got max_words='many' instead, expected a positive whole number."),
    (lambda q: q.replace("    rubric:\n", "    rubric: []\n").replace(
        "      - {id: cost, text: Names the cost of winning customers back, points: 2}\n"
        "      - {id: example, text: Gives an example, points: 1}\n", ""),
     "10: why: Got rubric=[] instead, expected a list of criteria with id, text and points."),
    (lambda q: q[:q.index("    rubric:")],
     "5: why: a text question needs a rubric: a list of criteria with id, text and points"),
    (lambda q: q.replace("type: text", "type: text\n    mode: practice"),
     "7: why: a text question is graded by hand: give it mode: graded"),
    (lambda q: q.replace("{id: example, text: Gives an example, points: 1}",
                         "{id: example, text: Gives an example, points: 1, weight: 2}"),
     "12: why: unknown field 'weight' in criterion"),
])
def test_schema_problems(tmp_path, edit, problem):
    assert problems(tmp_path, edit(GOOD)) == [problem]


@pytest.fixture
def course(tmp_path, monkeypatch, crmlab_home):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "T.yaml").write_text(HEAD + GOOD)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path))
    return quiz.load("T")


def test_answers_are_texts_and_always_pending(course):
    question = course.question("why")
    kind = get_type("text")
    assert kind.canonical(question, "  Because it pays.  ") == "Because it pays."
    for bad in ("", "   ", 12, None):
        with pytest.raises(QuizError, match=r"^question 'why': Got answer=.* instead, "
                                            r"expected a non-empty text\.$"):
            kind.canonical(question, bad)
    with pytest.raises(QuizError, match=f"expected a text of at most {MAX_CHARS} characters"):
        kind.canonical(question, "x" * (MAX_CHARS + 1))
    verdict = score(question, "Because it pays.")
    assert verdict.pending and verdict.points != verdict.points and verdict.max_points == 3
    assert kind.key_text(question) == ("Names the cost of winning customers back (2); "
                                       "Gives an example (1)")
    assert kind.answer_text(question, "Because.") == "Because."


def test_the_widget_saves_the_text_and_says_it_waits_for_a_person(course):
    student.set_id("s1")
    view = quiz.show("T").view("why")
    assert type(view.input).__name__ == "Textarea"
    assert view.button.description == "Save answer"
    view.button.click()
    assert "choose" in view.feedback.value  # nothing typed: nothing saved
    view.input.value = "Winning back costs more."
    view.button.click()
    assert "graded by hand" in view.feedback.value and "Names the cost" not in \
        view.feedback.value
    feedback = quiz.record("T", "why", "A second thought.")
    assert feedback.pending and feedback.correct is None and feedback.explanation == ""


def test_release_keeps_no_rubric_nor_explanation():
    data = yaml.safe_load(HEAD + GOOD)
    released = strip_quiz(data)["questions"][0]
    assert sorted(released) == ["id", "max_words", "points", "prompt", "type"]
    assert "rubric" in data["questions"][0]  # the input is unchanged


def test_gift_is_an_essay_with_the_rubric_for_graders(course):
    parsed = parse_gift(to_gift(course))[0]
    assert parsed["type"] == "essay"
    assert parsed["comments"] == [
        "rubric: cost (2): Names the cost of winning customers back",
        "rubric: example (1): Gives an example"]
    assert parsed["general_feedback"] == "Winning a customer back costs 50-100 times more."


def test_simulated_cohorts_write_texts(course):
    cohort = simulate_answers(course, n_students=5, seed=1)
    assert all(isinstance(a["why"], str) and a["why"] for a in cohort.values())


def test_every_open_quiz_of_the_course_is_graded_by_rubric():
    for quiz_id in ("L02_open", "C2_open", "C4_open"):
        loaded = quiz.load(quiz_id)
        assert loaded.languages == ("en", "az")
        for question in loaded.questions:
            assert question.type == "text" and question.mode == "graded"
            criteria = get_type("text").criteria(question)
            assert sum(points for _, _, points in criteria) == question.points
