"""crmlab.grading.item_analysis: constant-answer strategies on any quiz, without submissions."""

import pandas as pd
import pytest

from crmlab.grading.item_analysis import STRATEGY_LIMIT, constant_strategies, item_analysis
from crmlab.quiz.loading import load, load_file, quiz_files

QUIZ = """\
id: s
title: Strategies
mode: graded
questions:
  - id: a
    type: single
    options: [{id: x, text: X, correct: true}, {id: y, text: Y},
              {id: all, text: All answers are correct, pin: true}]
    prompt: A
  - id: b
    type: single
    options: [{id: x, text: X}, {id: y, text: Y}, {id: all, text: All, correct: true, pin: true}]
    prompt: B
  - id: c
    type: multi
    points: 2
    options: [{id: x, text: X, correct: true}, {id: y, text: Y, correct: true}, {id: z, text: Z}]
    prompt: C
  - id: d
    type: truefalse
    prompt: D
    answer: false
  - id: e
    type: numeric
    prompt: E
    answer: 3
  - id: f
    type: matching
    prompt: F
    choices: [{id: p, text: P}, {id: q, text: Q}]
    pairs: [{id: one, left: "1", match: p}, {id: two, left: "2", match: p}]
  - id: practice
    type: truefalse
    mode: practice
    prompt: Not counted
    answer: true
"""


@pytest.fixture
def quiz(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(QUIZ)
    return load_file(path)


def test_every_type_contributes_its_strategies(quiz):
    table = constant_strategies(quiz).set_index("strategy")
    # 7 graded points: a 1, b 1, c 2, d 1, e 1, f 1 (the practice question does not count).
    assert table["max_points"].unique().tolist() == [7.0]
    assert table.loc["first option", ["questions", "points"]].tolist() == [5, 3.0]  # a, c 1/2, f
    assert table.loc["last option", ["questions", "points"]].tolist() == [5, 2.0]  # b, d
    assert table.loc["all answers are correct", ["questions", "points"]].tolist() == [2, 1.0]
    assert table.loc["every option", ["questions", "points"]].tolist() == [1, 1.0]  # (2 - 1) / 2
    assert table.loc["first option", "share"] == round(3 / 7, 4)
    assert table.loc["first option", "flag"] == f"beats {STRATEGY_LIMIT:.0%}"
    assert table.loc["last option", "flag"] == ""


def test_the_final_test_after_its_select_all_repair():
    table = constant_strategies(load("final_test")).set_index("strategy")
    # "All answers are correct" is left in questions 5 and 21 (one of two accepted answers) and
    # 7 and 8 (wrong): 2 of 18 points ...
    assert table.loc["all answers are correct", ["questions", "points"]].tolist() == [4, 2.0]
    assert table.loc["all answers are correct", "flag"] == ""
    # ... and ticking every box, which earned the twelve repaired questions whose source options
    # all hold (12.5 of 18 points), now meets two false options of the course's in each: 1/3 of
    # each question with three right options, 1/2 of each with four and of question 22.
    assert table.loc["every option", ["questions", "points"]].tolist() == [13, round(31 / 6, 4)]
    assert table.loc["every option", "flag"] == ""


def test_no_constant_strategy_reaches_the_limit_on_the_final_test():
    table = constant_strategies(load("final_test"))
    assert table["share"].max() < STRATEGY_LIMIT, table.to_string()


@pytest.mark.parametrize("path", quiz_files(), ids=lambda path: path.stem)
def test_no_graded_select_all_question_keys_every_option(path):
    """Ticking every box would earn such a question without reading it: a graded select-all
    question needs a false option (a question whose every answer counts, accept_any, aside)."""
    quiz = load_file(path)
    every_right = [q.id for q in quiz.questions
                   if q.type == "multi" and q.mode == "graded" and q.accept_any is None
                   and all(option.correct for option in q.options)]
    assert every_right == []


def test_weights_change_the_strategy_scores(quiz):
    weighted = constant_strategies(quiz, weights={("s", "a"): 0, ("s", "f"): 0}).set_index(
        "strategy")
    assert weighted.loc["first option", ["points", "max_points"]].tolist() == [1.0, 5.0]
    assert weighted.loc["first option", "flag"] == ""


@pytest.mark.parametrize(("quiz_id", "counted"), [("C1", "every question"), ("L00", "graded")])
def test_a_quiz_without_graded_questions_counts_every_question(quiz_id, counted):
    quiz = load(quiz_id)
    questions = [q for q in quiz.questions if counted == "every question" or q.mode == "graded"]
    assert set(constant_strategies(quiz)["max_points"]) == {sum(q.points for q in questions)}


def test_an_item_weighted_zero_is_left_out_of_the_analysis():
    responses = pd.DataFrame({"student_id": ["a", "b", "a", "b"], "quiz_id": "Q",
                              "question_id": ["q1", "q1", "q2", "q2"],
                              "points": [1.0, 0.0, 0.0, 0.0], "max_points": [1.0, 1.0, 0.0, 0.0]})
    assert item_analysis(responses)["question_id"].tolist() == ["q1"]


def test_inputs_are_not_modified(quiz):
    responses = pd.DataFrame({"student_id": ["a", "b"], "quiz_id": "Q", "question_id": "q1",
                              "points": [1.0, 0.0], "max_points": 1.0, "answer": ["x", "y"]})
    before = responses.copy()
    item_analysis(responses)
    pd.testing.assert_frame_equal(responses, before)
