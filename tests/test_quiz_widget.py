"""The quiz widget without a browser: every type renders, records and (in practice) gives feedback."""

import html

import pytest

from crmlab import quiz, student
from crmlab.quiz.storage import answers_path, read_answers
from crmlab.quiz.widget import QuizView


@pytest.fixture
def view(crmlab_home):
    student.set_id("w1")
    return quiz.show("L00")


def _saved(question_id):
    return read_answers("w1", "L00")["answers"][question_id]["answer"]


def test_all_types_render_with_stable_text(view):
    assert {v.q.type for v in view.questions} == {"single", "multi", "truefalse", "numeric",
                                                   "matching"}
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == repr(view)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "crmlab-quiz" in view.widget._dom_classes


def test_text_does_not_depend_on_student_or_order(crmlab_home):
    first = repr(quiz.show("L00"))
    student.set_id("someone-else")
    assert repr(quiz.show("L00")) == first


def test_single_wrong_then_right(view):
    q = view.view("run-order")
    q.input.value = "reinstall"
    q.button.click()
    assert "Not quite" in q.feedback.value and "crmlab-incorrect" in q.feedback.value
    q.input.value = "restart"
    q.button.click()
    assert "Correct" in q.feedback.value and _saved("run-order") == "restart"


def test_multi_partial_credit(view):
    q = view.view("exercise-parameters")
    for oid, box in q.parts:
        box.value = oid == "own-variant"
    q.button.click()
    assert "Partly right" in q.feedback.value and "(0.5/1)" in q.feedback.value
    assert _saved("exercise-parameters") == ["own-variant"]


def test_truefalse_and_matching(view):
    tf = view.view("answers-saved")
    tf.input.value = False
    tf.button.click()
    assert "Correct" in tf.feedback.value
    match = view.view("modes")
    for pid, dropdown in match.parts:
        dropdown.value = {"practice": "feedback-now", "graded": "recorded"}[pid]
    match.button.click()
    assert "Correct" in match.feedback.value
    assert _saved("modes") == {"graded": "recorded", "practice": "feedback-now"}


def test_numeric_graded_reveals_nothing(view):
    q = view.view("n-perishable")
    q.input.value = "3"
    q.button.click()
    assert "Answer saved" in q.feedback.value
    assert "Correct" not in q.feedback.value and "Not quite" not in q.feedback.value
    assert _saved("n-perishable") == 3.0
    # It says which answer was saved, so a student sees it is the one they meant.
    assert "Your saved answer: 3" in q.feedback.value


def test_a_number_of_one_s_own_says_on_what_it_is_computed(crmlab_home):
    from crmlab.datasets._variant import token_for

    student.set_id("w1")
    on_data = quiz.show("L00").view("n-perishable").prompt.value
    assert "compute it on your own variant of the data, datasets.variant()" in on_data
    assert "now the practice variant" in on_data
    # A formula question: the figures in its prompt are the student's own, and so says its note.
    formula = quiz.show("L03").view("payback-calc").prompt.value
    assert "Figures of your own: the figures of this question are drawn for you" in formula
    assert "costs 110000 AZN" in formula and "{investment}" not in formula
    student.set_token(token_for(b"course-secret", "s01"))
    formula = quiz.show("L03").view("payback-calc").prompt.value
    assert "costs 85000 AZN" in formula and "now your own variant 77c5e8e59eb9" in formula


def test_numeric_rejects_text_without_saving(view, crmlab_home):
    q = view.view("n-perishable")
    q.input.value = "ten"
    q.button.click()
    assert "Please enter a number" in q.feedback.value
    assert not answers_path("w1", "L00").exists()


def test_options_are_shuffled_per_student_and_pinned_last(crmlab_home):
    orders = set()
    for sid in ("a1", "a2", "a3", "a4", "a5", "a6"):
        student.set_id(sid)
        options = QuizView(quiz.load("L00")).view("loader").input.options
        assert options[-1][1] == "none"
        orders.add(tuple(value for _, value in options))
    assert len(orders) > 1


def test_language_switch_translates_labels(tmp_path, crmlab_home):
    path = tmp_path / "bi.yaml"
    path.write_text(
        "id: bi\ntitle: {en: Test, az: Test}\nlanguages: [en, az]\nquestions:\n"
        "  - id: q\n    type: truefalse\n    prompt: {en: Sky is blue, az: Göy mavidir}\n"
        "    answer: true\n")
    view = quiz.show(path)
    assert view.view("q").button.description == "Check"
    view.switch.value = "az"
    assert view.view("q").button.description == "Yoxla"
    assert "Göy mavidir" in view.view("q").prompt.value



def test_the_quiz_opens_in_the_students_language(tmp_path, crmlab_home, monkeypatch):
    import crmlab

    path = tmp_path / "bi.yaml"
    path.write_text(
        "id: bi\ntitle: {en: Test, az: Test}\nlanguages: [en, az]\nquestions:\n"
        "  - id: q\n    type: truefalse\n    prompt: {en: Sky is blue, az: Göy mavidir}\n"
        "    answer: true\n")
    monkeypatch.setattr("crmlab.core.i18n._current", None)
    crmlab.set_language("az")
    try:
        view = quiz.show(path)
        assert view.switch.value == "az" and view.view("q").button.description == "Yoxla"
        assert quiz.show(path, lang="en").view("q").button.description == "Check"
    finally:
        crmlab.set_language(None)
    english_only = tmp_path / "only" / "bi.yaml"
    english_only.parent.mkdir()
    english_only.write_text(path.read_text().replace("languages: [en, az]", "languages: [en]")
                            .replace("{en: Sky is blue, az: Göy mavidir}", "Sky is blue")
                            .replace("{en: Test, az: Test}", "Test"))
    crmlab.set_language("az")
    try:  # a quiz without the student's language opens in its own first language
        assert quiz.show(english_only).view("q").button.description == "Check"
    finally:
        crmlab.set_language(None)

NOTE_AND_ANY = """\
id: na
title: Repairs
questions:
  - id: q4
    type: single
    prompt: Which survives?
    note: Stem reconstructed
    accept_any: The key is lost in the source
    options:
      - {id: c, text: The customer}
      - {id: all, text: All answers are correct, pin: true}
  - id: q5
    type: truefalse
    mode: graded
    prompt: Graded, any answer
    accept_any: The source item has no correct option
"""


def test_note_is_shown_with_the_prompt_and_accept_any_says_why(tmp_path, crmlab_home):
    path = tmp_path / "na.yaml"
    path.write_text(NOTE_AND_ANY)
    view = quiz.show(path)
    q4 = view.view("q4")
    assert "<div class='crmlab-note'><i>Stem reconstructed</i></div>" in q4.prompt.value
    assert "crmlab-note" not in view.view("q5").prompt.value
    q4.input.value = "all"
    q4.button.click()
    assert "Correct" in q4.feedback.value and "(1/1)" in q4.feedback.value
    assert "Any answer is accepted: The key is lost in the source" in q4.feedback.value
    q5 = view.view("q5")
    q5.input.value = False
    q5.button.click()
    assert "Answer saved" in q5.feedback.value and "source item" not in q5.feedback.value


def test_a_graded_choice_says_the_option_saved(view):
    q = view.view("submit")
    q.input.value = "screenshot"
    q.button.click()
    assert "Your saved answer: Send screenshots of the quiz widgets" in q.feedback.value


def test_a_quiz_shown_again_names_the_saved_answers(view):
    """After a kernel restart the quiz is shown anew: what is saved is said under each question."""
    q = view.view("run-order")
    q.input.value = "restart"
    q.button.click()
    again = quiz.show("L00")
    feedback = again.view("run-order").feedback.value
    assert "You answered this question before" in feedback
    text = again.view("run-order").q.options
    restart = next(o for o in text if o.id == "restart")
    assert html.escape(restart.text["en"]) in feedback
    assert again.view("loader").feedback.value == ""  # nothing saved, nothing said


def test_a_damaged_answer_file_shows_the_quiz_and_keeps_the_file(view):
    path = answers_path("w1", "L00")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{not json")
    again = quiz.show("L00")
    assert len(again.questions) == len(quiz.load("L00").questions)
    assert all(v.feedback.value == "" for v in again.questions)
    assert path.read_bytes() == b"{not json"
