"""A graded numeric question is never answerable by copying a number its own lesson prints.

For every graded numeric question, every number that the notebook showing the quiz prints (code
outputs: text, HTML, streams) or states (markdown) is tried as an answer with the one grader, as
printed, times 100 and divided by 100 (a share typed as a percent or the other way round). If the
grader would accept any of them, a student could answer without doing the work. The same check
runs over the data dictionary, ``datasets/README.md``, which the lessons send students to.

A number of one's own (``variant: student``) has a key per student; the lessons print their
worked examples on the shared course data and their Try-it cells on the practice variant (the
committed outputs). So both are tried: the quiz file's ``answer`` (the key on the practice
variant) and the instructor's key function run on the whole course data (with the practice
variant's inputs for a formula question). A Try-it cell that printed the graded number would
print the practice key here (and each student's own key in the student's run), so the same
check catches it. A worked example may print a number that equals a key by coincidence, in a
cell about something else; each such number is listed in ``OWN_COINCIDENCES`` with its cells,
which must not load the student's variant, or in ``LESSON_COINCIDENCES`` with the numbers, and
an entry that no longer matches fails.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from crmlab import datasets, quiz
from crmlab.lessons import list_lessons
from crmlab.quiz.scoring import score

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?")
TAG = re.compile(r"<[^>]+>")

# Graded questions that still leak, by (quiz, question). Each entry is a defect to fix in its
# lesson; the list only shrinks.
KNOWN_LEAKS: set[tuple[str, str]] = {
}
# Practice keys of numbers of one's own that a worked example on the shared course data prints by
# coincidence, by (quiz, question): the cells printing them and what they print.
OWN_COINCIDENCES: dict[tuple[str, str], tuple[set[str], str]] = {
    ("L05", "platinum-share"): ({"31df6d4d"}, "30.2%; the ABC of customers' class B holds 0.303 "
                                              "of the customers"),
    ("L07", "email-ratio"): ({"l07-24", "l07-26", "l07-36"},
                             "13.73; the ratio of the customers acquired by phone is 13.70"),
    ("C4", "adjusted-gap-180"): ({"c4-10", "c4-strata-vs", "c4-12"},
                                 "10.4 points; the shop's gap x contacts, the naive gap's excess "
                                 "over the built-in effect at 90 days and a shop row print 0.104"),
}
# Keys that the data dictionary states by coincidence, in a sentence about something else (a
# small whole number); each says where, and an entry that no longer matches fails.
README = ROOT / "datasets" / "README.md"
README_COINCIDENCES: dict[tuple[str, str], str] = {
    ("L02", "n-class-a-spend"): "14 suppliers on the course data; the README's 14 are points of "
                                "resolution and days before a survey",
    ("L05", "platinum-share"): "30.2% on the practice variant; the README's 0.303 is a repeat "
                               "rate without the effect",
    ("L03", "payback-calc"): "month 15 on the practice variant's inputs; the README's 0.15 is "
                             "the share of first records acquired by phone, its 15% a tolerance",
}
# The same for a lesson's printed numbers: a key that its lesson prints by coincidence, about
# something else (a small whole number): the numbers printed and where; an entry whose numbers
# no longer match exactly fails.
LESSON_COINCIDENCES: dict[tuple[str, str], tuple[list[float], str]] = {
    ("L02", "n-class-a-spend"): ([13.0], "13 suppliers on the practice variant; L02 prints 13 "
                                         "as the course's partial-competition suppliers and "
                                         "its quiz's 13 questions"),
    ("L03", "payback-calc"): ([0.15], "month 15 on the practice variant's inputs; L03 prints "
                                      "0.15 as the weight of the call centre in its "
                                      "sensitivity table"),
}


def _texts(nb: dict):
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            yield "".join(cell["source"])
        for out in cell.get("outputs", []):
            if "text" in out:
                yield "".join(out["text"])
            for mime, value in out.get("data", {}).items():
                if mime in ("text/plain", "text/html", "text/markdown"):
                    text = "".join(value) if isinstance(value, list) else value
                    yield html.unescape(TAG.sub(" ", text))


def printed_numbers(path: Path) -> set[float]:
    """Every number a notebook prints or states, as floats (thousands separators removed)."""
    return set().union(*numbers_by_cell(path).values())


def numbers_by_cell(path: Path) -> dict[str, set[float]]:
    """Every number each cell of a notebook prints or states, by cell id."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        numbers = found.setdefault(cell.get("id", ""), set())
        for text in _texts({"cells": [cell]}):
            for token in NUMBER.findall(text):
                numbers.add(float(token.replace(",", "")))
    return found


def _loads_the_variant(cell: dict) -> bool:
    return "variant(" in "".join(cell["source"])


def _graded_numeric():
    cases = []
    for lesson in list_lessons(ROOT / "notebooks"):
        if not lesson.quiz:
            continue
        for question in quiz.load(lesson.quiz).questions:
            if question.type == "numeric" and question.mode == "graded":
                cases.append(pytest.param(lesson, question, id=f"{lesson.quiz}-{question.id}"))
    return cases


@cache
def course_key(quiz_id: str, question_id: str):
    """A number of one's own computed on the whole course data (the instructor's function)."""
    from crmlab.grading.variant_keys import KEYS, load_keys
    from crmlab.quiz.variants import question_inputs

    load_keys()
    question = quiz.load(quiz_id).question(question_id)
    inputs = question_inputs(question, datasets.Variant(), quiz_id=quiz_id)
    return KEYS[(quiz_id, question_id)](datasets, **inputs)  # datasets.load(name), as a variant


def keyed(question, quiz_id: str) -> list:
    """The question as the quiz file keys it, and for a number of one's own also keyed on the
    whole course data."""
    if question.variant != "student":
        return [question]
    return [question, replace(question, answer=course_key(quiz_id, question.id))]


def leaking_numbers(question, numbers, *, quiz_id: str) -> list[float]:
    """The printed numbers (in any of the three forms) that the grader accepts as the answer
    (as any of the keys of :func:`keyed`)."""
    hits = []
    for value in numbers:
        if any(score(keyed_as, candidate).correct for keyed_as in keyed(question, quiz_id)
               for candidate in (value, value * 100, value / 100)):
            hits.append(value)
    return hits


CASES = _graded_numeric()


def test_there_are_graded_numeric_questions_to_check():
    assert len(CASES) >= 10


@pytest.mark.parametrize("lesson, question", CASES)
def test_graded_numeric_key_is_not_printed_in_its_lesson(lesson, question):
    hits = leaking_numbers(question, printed_numbers(lesson.path), quiz_id=lesson.quiz)
    key = (lesson.quiz, question.id)
    if key in OWN_COINCIDENCES:
        assert question.variant == "student", f"{key}: a shared key printed is a leak"
        cells, _ = OWN_COINCIDENCES[key]
        by_cell = numbers_by_cell(lesson.path)
        printing = {cell for cell, numbers in by_cell.items()
                    if leaking_numbers(question, numbers, quiz_id=lesson.quiz)}
        assert printing, f"{key} no longer occurs: remove it from OWN_COINCIDENCES"
        assert printing <= cells, f"{key}: printed by cells {sorted(printing - cells)} too"
        nb = json.loads(lesson.path.read_text(encoding="utf-8"))
        assert not any(_loads_the_variant(c) for c in nb["cells"] if c.get("id") in cells), key
        return
    if key in KNOWN_LEAKS:
        assert hits, f"{key} no longer leaks: remove it from KNOWN_LEAKS"
        pytest.xfail(f"known leak, to fix in {lesson.path.name}: {sorted(hits)[:5]}")
    if key in LESSON_COINCIDENCES:
        assert sorted(hits) == LESSON_COINCIDENCES[key][0], (
            f"{key} occurs in {lesson.path.name} as {sorted(hits)}: update LESSON_COINCIDENCES")
        return
    assert not hits, (f"{lesson.path.name}: graded question {question.id!r} of quiz "
                      f"{lesson.quiz!r} is answered by printed number(s) {sorted(hits)[:5]}")


def readme_numbers() -> set[float]:
    """Every number the data dictionary states."""
    text = README.read_text(encoding="utf-8")
    return {float(token.replace(",", "")) for token in NUMBER.findall(text)}


@pytest.mark.parametrize("lesson, question", CASES)
def test_graded_numeric_key_is_not_stated_in_the_data_dictionary(lesson, question):
    # Case C4 sent students to datasets/README.md, which once stated its graded 180-day gap.
    hits = leaking_numbers(question, readme_numbers(), quiz_id=lesson.quiz)
    key = (lesson.quiz, question.id)
    if key in README_COINCIDENCES:
        assert hits, f"{key} no longer occurs in {README.name}: remove it from README_COINCIDENCES"
        return
    assert not hits, (f"datasets/README.md states the key of graded question {question.id!r} "
                      f"of quiz {lesson.quiz!r}: {sorted(hits)[:5]}")


def test_the_check_catches_a_printed_key(tmp_path):
    question = next(q for q in quiz.load("L05").questions
                    if q.type == "numeric" and q.mode == "graded")
    key = question.answer
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [
        {"output_type": "execute_result", "data": {"text/plain": f"share    {key}\n"}}]}]}
    path = tmp_path / "leaky.ipynb"
    path.write_text(json.dumps(nb))
    assert leaking_numbers(question, printed_numbers(path), quiz_id="L05")
    nb["cells"][0]["outputs"] = []
    path.write_text(json.dumps(nb))
    assert not leaking_numbers(question, printed_numbers(path), quiz_id="L05")


def test_the_check_catches_a_number_of_one_s_own_on_the_course_data(tmp_path):
    # A Try-it cell on the practice variant and a worked example on the course data: either
    # number, printed, fails the check.
    question = quiz.load("L04").question("n-people")
    assert question.variant == "student"
    on_course = course_key("L04", "n-people")
    assert on_course != question.answer
    for printed, leaks in ((question.answer, True), (on_course, True), (on_course + 1, False)):
        nb = {"cells": [{"cell_type": "markdown", "source": f"We find {printed} people."}]}
        path = tmp_path / "lesson.ipynb"
        path.write_text(json.dumps(nb))
        assert bool(leaking_numbers(question, printed_numbers(path), quiz_id="L04")) is leaks
