"""crmlab.quiz.scoring: the one grader, on a table of answers."""

import pytest

from crmlab.core.exceptions import QuizError
from crmlab.quiz.model import Option, Pair, Question
from crmlab.quiz.scoring import Score, check_answer, score
from crmlab.quiz.types import get_type


def q(type_, **kw):
    return Question(id="q", type=type_, prompt="P", mode="practice", points=2, **kw)


SINGLE = q("single", options=(Option("a", "A", True), Option("b", "B")))
MULTI = q("multi", options=(Option("a", "A", True), Option("b", "B", True), Option("c", "C"),
                            Option("d", "D")))
TF = q("truefalse", answer=False)
ABS = q("numeric", answer=10.0, tolerance=("absolute", 0.5))
REL = q("numeric", answer=200.0, tolerance=("relative", 0.01))
MATCH = q("matching", choices=(Option("x", "X"), Option("y", "Y"), Option("z", "Z")),
          pairs=(Pair("p1", "1", "x"), Pair("p2", "2", "y"), Pair("p3", "3", "x"),
                 Pair("p4", "4", "y")))

TABLE = [
    (SINGLE, "a", 2.0, True), (SINGLE, "b", 0.0, False),
    (MULTI, ["a", "b"], 2.0, True), (MULTI, ["b", "a", "a"], 2.0, True),
    (MULTI, ["a"], 1.0, False), (MULTI, ["a", "c"], 0.0, False),
    (MULTI, ["a", "b", "c", "d"], 0.0, False), (MULTI, [], 0.0, False),
    (MULTI, ["a", "b", "c"], 1.0, False),
    (TF, False, 2.0, True), (TF, True, 0.0, False),
    (ABS, 10.5, 2.0, True), (ABS, 9.5, 2.0, True), (ABS, 10.51, 0.0, False), (ABS, "10.2", 2.0, True),
    (REL, 202.0, 2.0, True), (REL, 197.9, 0.0, False),
    (MATCH, {"p1": "x", "p2": "y", "p3": "x", "p4": "y"}, 2.0, True),
    (MATCH, {"p1": "x", "p2": "x", "p3": "x", "p4": "x"}, 1.0, False),
    (MATCH, {"p1": "x"}, 0.5, False), (MATCH, {}, 0.0, False),
]


@pytest.mark.parametrize(("question", "answer", "points", "correct"), TABLE)
def test_score_table(question, answer, points, correct):
    result = score(question, answer)
    assert (result.points, result.max_points, result.correct) == (points, 2.0, correct)


@pytest.mark.parametrize(("question", "answer", "message"), [
    (SINGLE, "z", "question 'q': Got option='z' instead, expected one of 'a', 'b'."),
    (SINGLE, 0, "question 'q': Got option=0 instead, expected one of 'a', 'b'."),
    (SINGLE, ["a"], "question 'q': Got option=['a'] instead, expected one of 'a', 'b'."),
    (MULTI, "a", "question 'q': Got answer='a' instead, expected a list of option ids."),
    (MULTI, ["a", "e"], "question 'q': Got option='e' instead, expected one of 'a', 'b', 'c', 'd'."),
    (TF, "yes", "question 'q': Got answer='yes' instead, expected true or false."),
    (ABS, "ten", "question 'q': Got answer='ten' instead, expected a finite number."),
    (ABS, True, "question 'q': Got answer=True instead, expected a finite number."),
    (ABS, float("nan"), "question 'q': Got answer=nan instead, expected a finite number."),
    (ABS, 10**400, "question 'q': Got answer=" + "1" + "0" * 119 + "... (401 characters) "
                   "instead, expected a finite number."),
    (ABS, float("inf"), "question 'q': Got answer=inf instead, expected a finite number."),
    (MATCH, ["x"], "question 'q': Got answer=['x'] instead, expected a mapping of pair ids to "
                   "choice ids."),
    (MATCH, {"p9": "x"}, "question 'q': Got pair='p9' instead, expected one of 'p1', 'p2', 'p3', "
                         "'p4'."),
    (MATCH, {"p1": "w"}, "question 'q': pair 'p1': Got choice='w' instead, expected one of 'x', "
                         "'y', 'z'."),
])
def test_invalid_answers_are_named(question, answer, message):
    with pytest.raises(QuizError) as info:
        check_answer(question, answer)
    assert str(info.value) == message


def test_answer_is_not_mutated():
    answer = ["b", "a"]
    score(MULTI, answer)
    assert answer == ["b", "a"]


def test_keyless_question_cannot_be_scored():
    keyless = q("single", options=(Option("a", "A"), Option("b", "B")))
    with pytest.raises(QuizError, match="has no answer key here"):
        score(keyless, "a")


ANY = q("single", options=(Option("c", "C"), Option("all", "All", pin=True)),
        accept_any="The key is lost in the source")


@pytest.mark.parametrize("answer", ["c", "all"])
def test_accept_any_gives_full_points_to_every_valid_answer(answer):
    assert score(ANY, answer) == Score(points=2.0, max_points=2.0, correct=True)


def test_accept_any_still_checks_the_form_of_the_answer():
    with pytest.raises(QuizError, match="Got option='z' instead"):
        score(ANY, "z")


@pytest.mark.parametrize(("question", "key"), [
    (SINGLE, "A"), (MULTI, "A; B"), (TF, "False"), (ABS, "10 ± 0.5"), (REL, "200 ± 2"),
    (MATCH, "1 -> X; 2 -> Y; 3 -> X; 4 -> Y"),
])
def test_every_type_shows_its_key(question, key):
    assert get_type(question.type).key_text(question) == key


def test_a_simulated_wrong_answer_to_a_multi_whose_every_option_is_right_misses_one():
    # The final test's repaired items: every option is right, so there is no distractor to tick.
    import numpy as np

    every = q("multi", options=(Option("a", "A", True), Option("b", "B", True),
                                Option("c", "C", True)))
    rng = np.random.default_rng(0)
    answers = [get_type("multi").wrong_answer(every, rng) for _ in range(30)]
    assert all(len(a) == 2 and set(a) < {"a", "b", "c"} for a in answers)
    assert {tuple(a) for a in answers} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert all(score(every, a).points == pytest.approx(4 / 3) for a in answers)
