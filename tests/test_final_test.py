"""The final test keeps the source's wording and explains itself in both languages."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from _seeds import flat, read_seed

from crmlab import references

ROOT = Path(__file__).resolve().parent.parent
QUIZ = yaml.safe_load((ROOT / "quizzes" / "final_test.yaml").read_text(encoding="utf-8"))
QUESTIONS = QUIZ["questions"]
AZERBAIJANI = [(q["id"], "prompt", q["prompt"]["az"]) for q in QUESTIONS] + [
    (q["id"], option["id"], option["text"]["az"]) for q in QUESTIONS for option in q["options"]]
# A course note in an Azerbaijani prompt stands in square brackets; the rest is the source's.
NOTE = re.compile(r"\[[^\]]*\]")
ABBREVIATIONS = ("MBO", "MVO")


def _number(question_id: str) -> int:
    return int(question_id.lstrip("q"))


@pytest.fixture(scope="module")
def bank():
    """Seed 000's test bank, one whitespace-flattened block per question number."""
    text = read_seed("000", what="the final test's Azerbaijani text")
    # Question 4 lost its beginning: the bank starts with its option c.
    text = text[text.index("c) müştəri ilə əlaqə"):text.index("BİBLİOQRAFİYA")]
    blocks = re.split(r"\n(?=(?:[5-9]|1\d|2[0-2]) )", text)
    return {4: flat(blocks[0]), **{int(b.split()[0]): flat(b) for b in blocks[1:]}}


def test_the_bank_holds_questions_4_to_22(bank):
    assert sorted(bank) == list(range(4, 23))
    assert [_number(q["id"]) for q in QUESTIONS] == list(range(4, 23))


@pytest.mark.parametrize(("question_id", "field", "text"), AZERBAIJANI,
                         ids=[f"{q}-{field}" for q, field, _ in AZERBAIJANI])
def test_azerbaijani_text_is_the_sources_own(bank, question_id, field, text):
    """Each prompt and option, course notes aside, occurs in its own question of seed 000."""
    number = _number(question_id)
    source = flat(NOTE.sub("", text))
    if field == "prompt":
        assert source.startswith(str(number))
        source = source[len(str(number)):].strip()
    assert source in bank[number]


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_every_rationale_is_written_in_azerbaijani(question):
    az, en = question["explanation"]["az"], question["explanation"]["en"]
    assert "ingilis dilindədir" not in az and az != en
    assert set("əığşçöü") & set(az.casefold())
    assert not re.search(r"\b(?:the|and|of|is|which)\b", az)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_every_rationale_says_where_it_stands(question):
    """A rationale names what the sources say; the key is always the course's."""
    assert re.search(r"\b(?:seed 00\d|sources?)\b", question["explanation"]["en"], re.I)


def test_question_10_rests_on_the_retention_literature():
    rationale = next(q for q in QUESTIONS if q["id"] == "q10")["explanation"]["en"]
    keys = {key for citation in references.find_citations(rationale) for key in citation.keys}
    assert "reichheld1990" in keys


USES = [(q["id"], abbreviation) for q in QUESTIONS for abbreviation in ABBREVIATIONS
        if abbreviation in q["prompt"]["az"] + "".join(o["text"]["az"] for o in q["options"])]


def test_the_abbreviations_are_used():
    assert {abbreviation for _, abbreviation in USES} == set(ABBREVIATIONS)


@pytest.mark.parametrize(("question_id", "abbreviation"), USES,
                         ids=[f"{q}-{a}" for q, a in USES])
def test_a_question_that_uses_mbo_or_mvo_explains_it(question_id, abbreviation):
    question = next(q for q in QUESTIONS if q["id"] == question_id)
    assert f"[kursun qeydi: {abbreviation} - əlaqə marketinqi]" in question["prompt"]["az"]
    english = [question["prompt"]["en"], *(o["text"]["en"] for o in question["options"])]
    assert any(abbreviation in text and "relationship marketing" in text for text in english)


def test_the_notebook_explains_mbo_and_mvo():
    nb = nbformat.read(ROOT / "notebooks" / "99_final_test.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    for needed in ("MBO", "MVO", "əlaqə marketinqi", "relationship marketing"):
        assert needed in text
