"""Question types are plugins: a sixth type registered here, in the test suite, works end to end
(validate, show, record, submit, grade, export, simulate, release) without editing crmlab; no
module outside the type modules branches on a type's name."""

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmlab import quiz, student
from crmlab.core.exceptions import QuizError
from crmlab.core.i18n import label, localized
from crmlab.grading.item_analysis import constant_strategies
from crmlab.grading.quizzes import grade
from crmlab.publish.release import strip_quiz
from crmlab.quiz.gift import parse_gift, to_gift
from crmlab.quiz.schema import validate_file
from crmlab.quiz.simulate import simulate_answers
from crmlab.quiz.storage import read_answers
from crmlab.quiz.submit import make_bundle
from crmlab.quiz.types import (
    BUILTIN,
    AnswerInput,
    QuestionType,
    get_type,
    gift_escape,
    register,
    type_names,
    unregister,
)

ROOT = Path(__file__).resolve().parent.parent


class Ordering(QuestionType):
    """Put the items in order; the key is each item's ``rank``; one point share per place."""

    name = "ordering"
    fields = frozenset({"items"})
    key_fields = frozenset({"rank"})
    answer_form = "a list of item ids, first to last"

    def schema(self):
        item = {"title": "item", "type": "object", "required": ["id", "text"],
                "additionalProperties": False,
                "properties": {"id": {"$ref": "#/definitions/id"},
                               "text": {"$ref": "#/definitions/text"},
                               "rank": {"type": "integer", "minimum": 1,
                                        "errorMessage": "expected a place, 1 for the first"}}}
        return {"properties": {"items": {"type": "array", "minItems": 2, "items": item}},
                "required": ["items"]}

    def check(self, c, q, qid, *, keyless):
        for item, line, iid in c.items(q.get("items"), qid, "item", text_key="text"):
            if not keyless and "rank" not in item:
                c.add(line, qid, f"item {iid!r} needs a rank")

    def key_given(self, q):
        return any("rank" in item for item in q.get("items", []))

    def has_key(self, question):
        return all("rank" in item for item in question.extra["items"])

    def ids(self, question):
        return [str(item["id"]) for item in question.extra["items"]]

    def key(self, question):
        return [str(item["id"]) for item in sorted(question.extra["items"],
                                                   key=lambda item: item["rank"])]

    def canonical(self, question, answer):
        if not isinstance(answer, list) or sorted(map(str, answer)) != sorted(self.ids(question)):
            raise self.fail(question, f"an ordering answer lists every item id once, got {answer!r}")
        return [str(a) for a in answer]

    def fraction(self, question, answer):
        return sum(a == k for a, k in zip(answer, self.key(question))) / len(answer)

    def key_text(self, question, lang="en"):
        return " < ".join(self.key(question))

    def widget(self, question, *, lang, order):
        import ipywidgets as w

        options = [(label("choose", lang), None)] + [
            (localized(item["text"], lang), str(item["id"])) for item in question.extra["items"]]
        places = [(str(i), w.Dropdown(options=options, value=None))
                  for i in range(len(question.extra["items"]))]

        def read():
            chosen = [box.value for _, box in places]
            return None if None in chosen else chosen

        return AnswerInput(w.VBox([box for _, box in places]), read, places)

    def gift(self, question, lang="en"):
        names = {str(i["id"]): localized(i["text"], lang) for i in question.extra["items"]}
        return " ".join(f"={n} -> {gift_escape(names[iid])}"
                        for n, iid in enumerate(self.key(question), start=1))

    def right_answer(self, question):
        return self.key(question)

    def wrong_answer(self, question, rng):
        return [self.ids(question)[i] for i in rng.permutation(len(self.ids(question)))]

    def strategies(self, question):
        return {"first option": self.ids(question)}


QUIZ = """\
id: T6
title: Six types
questions:
  - id: order-practice
    type: ordering
    prompt: Order the stages of the relationship, first to last.
    items:
      - {id: aware, text: Awareness, rank: 1}
      - {id: commit, text: Commitment, rank: 3}
      - {id: explore, text: Exploration, rank: 2}
    explanation: Dwyer, Schurr and Oh's stages.
  - id: order-graded
    type: ordering
    mode: graded
    points: 2
    prompt: Order the ABC classes by share of value, largest first.
    items:
      - {id: c, text: C, rank: 3}
      - {id: a, text: A, rank: 1}
      - {id: b, text: B, rank: 2}
  - id: tf
    type: truefalse
    prompt: A quiz may mix built-in and plugged-in types.
    answer: true
"""


@pytest.fixture
def ordering():
    register(Ordering)
    yield get_type("ordering")
    unregister("ordering")


@pytest.fixture
def course(tmp_path, monkeypatch, ordering, crmlab_home):
    """A course folder holding the quiz T6 only."""
    (tmp_path / "course" / "quizzes").mkdir(parents=True)
    (tmp_path / "course" / "quizzes" / "T6.yaml").write_text(QUIZ)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path / "course"))
    return tmp_path / "course"


def test_registry_lists_the_builtins_in_the_documented_order():
    assert type_names()[:6] == ("single", "multi", "truefalse", "numeric", "matching", "text")
    assert [cls.name for cls in BUILTIN] == list(type_names()[:6])
    with pytest.raises(QuizError, match=r"^unknown type 'essay'; expected one of single, multi"):
        get_type("essay")


def test_a_sixth_type_validates_with_its_own_messages(course):
    # One language: the schema's own checks (the course's languages are held in test_quiz_schema).
    bad = course / "quizzes" / "T6.yaml"
    assert validate_file(bad) == []
    bad.write_text(QUIZ.replace("{id: explore, text: Exploration, rank: 2}",
                                "{id: explore, text: Exploration}"))
    assert validate_file(bad) == [f"{bad}:10: order-practice: item 'explore' needs a rank"]
    bad.write_text(QUIZ.replace("Exploration, rank: 2}", "Exploration, rank: second}"))
    assert validate_file(bad) == [
        f"{bad}:10: order-practice: Got items[2].rank='second' instead, expected a place, 1 "
        "for the first."]
    bad.write_text(QUIZ.replace("Exploration, rank: 2}", "Exploration, rank: 2, ranks: 2}"))
    assert validate_file(bad) == [
        f"{bad}:10: order-practice: unknown field 'ranks' in item (did you mean 'rank'?)"]


def test_the_schema_takes_each_types_part(ordering):
    """The sixth type's part is in the quiz schema as soon as it is registered, and a type
    whose part does not describe its fields is refused."""
    from crmlab.quiz.schema import quiz_schema

    definitions = quiz_schema()["definitions"]
    assert "ordering" in definitions["question"]["properties"]["type"]["enum"]
    assert definitions["question-ordering"]["required"] == ["items"]

    class Sloppy(Ordering):
        name = "sloppy"
        fields = frozenset({"items", "order"})

    register(Sloppy)
    try:
        with pytest.raises(TypeError, match=r"^question type 'sloppy': schema\(\) must describe "
                                            r"exactly its fields \['items', 'order'\]"):
            quiz_schema()
    finally:
        unregister("sloppy")


def test_a_sixth_type_is_shown_recorded_submitted_and_graded(course, tmp_path):
    student.set_id("s6")
    view = quiz.show("T6")
    practice = view.view("order-practice")
    for (_, box), value in zip(practice.parts, ["aware", "explore", "commit"]):
        box.value = value
    practice.button.click()
    assert "Correct" in practice.feedback.value and "(1/1)" in practice.feedback.value
    graded = view.view("order-graded")
    for (_, box), value in zip(graded.parts, ["a", "c", "b"]):
        box.value = value
    graded.button.click()
    assert "Answer saved" in graded.feedback.value and "Correct" not in graded.feedback.value
    saved = read_answers("s6", "T6")["answers"]
    assert saved["order-graded"]["answer"] == ["a", "c", "b"]

    make_bundle(tmp_path / "subs" / "s6.zip")
    # practice counted here, so the plugged-in type's practice verdict reaches the grade
    result = grade(tmp_path / "subs", out=tmp_path / "out", quizzes=["T6"], progress=False,
                   practice_weight=1)
    rows = result.responses.set_index("question_id")
    assert rows.loc["order-practice", "points"] == 1.0
    assert rows.loc["order-graded", "points"] == pytest.approx(2 / 3)  # only 'a' in place
    assert result.gradebook.loc[0, "T6"] == pytest.approx(1 + 2 / 3, abs=1e-4)
    assert result.problems.empty
    items = result.item_analysis.set_index("question_id")
    assert items.loc["order-graded", "type"] == "ordering"
    assert items.loc["order-graded", "option_counts"] == ""  # the type counts no options


def test_a_sixth_type_exports_simulates_and_releases(course):
    t6 = quiz.load("T6")
    parsed = {q["id"]: q for q in parse_gift(to_gift(t6))}
    assert parsed["order-graded"]["pairs"] == [("1", "A"), ("2", "B"), ("3", "C")]
    cohort = simulate_answers(t6, n_students=20, seed=5)
    assert all(sorted(answers["order-graded"]) == ["a", "b", "c"] for answers in cohort.values())
    strategies = constant_strategies(t6).set_index("strategy")
    # Graded questions only: the file order c, a, b has no item in place.
    assert strategies.loc["first option", "points"] == 0.0
    released = strip_quiz(yaml.safe_load(QUIZ))
    graded = released["questions"][1]
    assert all(set(item) == {"id", "text"} for item in graded["items"])
    assert released["questions"][0]["items"][0]["rank"] == 1  # practice keeps its key


class Essay(QuestionType):
    """A free answer graded by hand: the engine keeps it pending."""

    name = "essay-test"
    fields = frozenset({"words"})
    machine_scored = False

    def has_key(self, question):
        return False

    def canonical(self, question, answer):
        if not isinstance(answer, str) or not answer.strip():
            raise self.fail(question, f"an essay answer is a text, got {answer!r}")
        return answer.strip()

    def widget(self, question, *, lang, order):
        import ipywidgets as w

        box = w.Textarea()
        return AnswerInput(box, lambda: box.value or None)

    def gift(self, question, lang="en"):
        return ""


def test_a_type_graded_by_hand_stays_pending(tmp_path, monkeypatch, crmlab_home):
    register(Essay)
    try:
        (tmp_path / "quizzes").mkdir()
        (tmp_path / "quizzes" / "E.yaml").write_text(textwrap.dedent("""\
            id: E
            title: Essay
            mode: graded
            questions:
              - {id: why, type: essay-test, prompt: "Why keep customers?", words: 100}
              - {id: tf, type: truefalse, prompt: Keeping costs less., answer: true}
            """))
        monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path))
        assert quiz.load("E").question("why").extra == {"words": 100}
        student.set_id("s1")
        feedback = quiz.record("E", "why", "  Because winning back costs more.  ")
        assert feedback.saved and feedback.pending and feedback.correct is None
        quiz.record("E", "tf", True)
        make_bundle(tmp_path / "subs" / "s1.zip")
        result = grade(tmp_path / "subs", out=tmp_path / "out", quizzes=["E"], progress=False)
        assert result.summary().startswith("graded 1 student(s), 2 answer(s); "
                                           "1 answer(s) pending hand grading;")
        assert pd.isna(result.gradebook.loc[0, "E"])  # pending: empty, never a partial 1.0
        assert result.gradebook.loc[0, "pending"] == "E"
        assert parse_gift(to_gift(quiz.load("E")))[0]["type"] == "essay"
    finally:
        unregister("essay-test")


def test_registering_needs_a_named_question_type():
    with pytest.raises(TypeError, match="takes a QuestionType subclass with a name"):
        register(QuestionType)
    with pytest.raises(TypeError):
        register(object)


BRANCH = re.compile(r"""(==|!=|\bin)\s*[(\[{]?\s*["'](single|multi|truefalse|numeric|matching)["']"""
                    r"""|\.type\s*(==|!=|\bin)\s*[(\["']""")


def test_no_module_outside_the_type_modules_branches_on_a_type():
    types = ROOT / "crmlab" / "quiz" / "types"
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in sorted((ROOT / "crmlab").rglob("*.py")) if types not in path.parents
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if BRANCH.search(line)]
    assert offenders == []
