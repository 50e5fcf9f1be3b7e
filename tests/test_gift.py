"""GIFT export, checked by parsing the output back the way Moodle's importer reads it."""

import pytest

from crmlab.cli import main
from crmlab.core.i18n import localized
from crmlab.core.i18n import localized as text
from crmlab.quiz import load, quiz_files
from crmlab.quiz.gift import parse_gift, to_gift
from crmlab.quiz.loading import load_file
from crmlab.quiz.model import Option, Question, Quiz


def _flat(value, lang="en"):
    return " ".join(text(value, lang).split())


@pytest.mark.parametrize("quiz_id", ["L00", "final_test"])
def test_round_trip_keeps_every_key(quiz_id):
    quiz = load(quiz_id)
    parsed = {q["id"]: q for q in parse_gift(to_gift(quiz))}
    assert list(parsed) == [q.id for q in quiz.questions]
    for q in quiz.questions:
        back = parsed[q.id]
        if q.variant == "student":  # a key per student: Moodle collects the answer only
            assert back["type"] == "essay" and "answers" not in back, q.id
            continue
        assert back["type"] == q.type
        assert back["prompt"] == _flat(q.prompt)
        if q.accept_any is not None:  # every answer right, the reason first in the feedback
            assert all(a["fraction"] == 1.0 for a in back.get("answers", [])), q.id
            assert back["general_feedback"].startswith(_flat(q.accept_any))
            continue
        if q.type == "single":
            assert [(a["text"], a["fraction"]) for a in back["answers"]] == \
                [(_flat(o.text), 1.0 if o.correct else 0.0) for o in q.options]
        elif q.type == "multi":
            n = sum(o.correct for o in q.options)
            assert [round(a["fraction"] * 100, 3) for a in back["answers"]] == \
                [round(100 / n * (1 if o.correct else -1), 3) for o in q.options]
        elif q.type == "truefalse":
            assert back["answer"] is q.answer
        elif q.type == "numeric":
            assert back["answer"] == (float(q.answer), q.tolerance[1])
        elif q.type == "matching":
            choice = {c.id: localized(c.text) for c in q.choices}
            used = {p.match for p in q.pairs}
            assert back["pairs"] == [(localized(p.left), choice[p.match]) for p in q.pairs] + \
                [("", t) for cid, t in choice.items() if cid not in used]
        if q.explanation:
            assert back["general_feedback"] == _flat(q.explanation)


# Moodle's importer (question/format/gift/format.php): a block with "~" is multiple choice, one
# answer only if it holds an "="; "=" answers alone are a short-answer question.
@pytest.mark.parametrize(("body", "moodle", "kind", "fractions"), [
    ("~a =b ~c", "multichoice", "single", [0.0, 1.0, 0.0]),
    ("=a ~%100%b ~c", "multichoice", "single", [1.0, 1.0, 0.0]),
    ("~%50%a ~%50%b ~%-100%c", "multichoice", "multi", [0.5, 0.5, -1.0]),
    ("=a =b =c", "shortanswer", "shortanswer", [1.0, 1.0, 1.0]),
    ("=a\\~x =b", "shortanswer", "shortanswer", [1.0, 1.0]),
])
def test_the_parser_reads_a_block_as_moodle_does(body, moodle, kind, fractions):
    parsed = parse_gift(f"::q::Q? {{{body}}}")[0]
    assert (parsed["moodle"], parsed["type"]) == (moodle, kind)
    assert [a["fraction"] for a in parsed["answers"]] == fractions


def _several_right():
    """(quiz, question, lang) for every course question that gives full marks to more than
    one option: it accepts any answer, or it is a single choice that accepts several."""
    found = []
    for path in quiz_files():
        quiz = load_file(path)
        for q in quiz.questions:
            if q.options and (q.accept_any is not None or sum(o.correct for o in q.options) > 1
                              and q.type == "single"):
                found += [(quiz, q, lang) for lang in quiz.languages]
    return found


SEVERAL = _several_right()


def test_the_course_has_questions_with_several_right_answers():
    ids = {(quiz.id, q.id) for quiz, q, _ in SEVERAL}
    assert {("final_test", q) for q in ("q04", "q05", "q16", "q21")} <= ids


@pytest.mark.parametrize(("quiz", "question", "lang"), SEVERAL,
                         ids=[f"{z.id}-{q.id}-{lang}" for z, q, lang in SEVERAL])
def test_a_question_with_several_right_answers_stays_multiple_choice(quiz, question, lang):
    """Moodle imports it as one-answer multiple choice: every right option at full marks, the
    others at none (today's scoring: any accepted option earns the point)."""
    block = next(q for q in parse_gift(to_gift(quiz, lang=lang)) if q["id"] == question.id)
    assert block["moodle"] == "multichoice"
    assert block["single"] is (question.type == "single")
    right = {o.id for o in question.options if o.correct or question.accept_any is not None}
    assert [(a["text"], a["fraction"]) for a in block["answers"]] == \
        [(_flat(o.text, lang), 1.0 if o.id in right else 0.0) for o in question.options]


def test_an_ordinary_single_answer_question_is_unchanged():
    q = Question(id="q", type="single", prompt="Which?", mode="graded",
                 options=(Option("a", "A"), Option("b", "B", True, feedback="Yes"),
                          Option("c", "C")))
    gift = to_gift(Quiz(id="Z", title="Z", languages=("en",), questions=(q,)))
    assert gift.endswith("::q::[markdown]Which? {~A =B#Yes ~C}\n")
    q07 = load("final_test").question("q07")
    body = to_gift(Quiz(id="Z", title="Z", languages=("en", "az"), questions=(q07,)))
    assert body.count("=") == 1 and "%" not in body.split("####")[0]
    parsed = parse_gift(body)[0]
    assert (parsed["moodle"], parsed["single"]) == ("multichoice", True)
    assert [a["fraction"] for a in parsed["answers"]] == [0.0, 0.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize(("kind", "fields", "single"), [
    ("truefalse", {}, True),
    ("multi", {"options": (Option("a", "A"), Option("b", "B"), Option("c", "C"))}, False),
])
def test_accept_any_of_other_types_is_multiple_choice_at_full_marks(kind, fields, single):
    q = Question(id="q", type=kind, prompt="Which?", mode="graded", accept_any="Lost key",
                 **fields)
    parsed = parse_gift(to_gift(Quiz(id="Z", title="Z", languages=("en",), questions=(q,))))[0]
    assert (parsed["moodle"], parsed["single"]) == ("multichoice", single)
    assert {a["fraction"] for a in parsed["answers"]} == {1.0}


def test_special_characters_are_escaped():
    q = Question(id="q", type="single", prompt="2 {x} = 3: #1 ~ok", mode="graded",
                 options=(Option("a", "a=b", True, feedback="yes#no"), Option("b", "c~d")))
    back = parse_gift(to_gift(Quiz(id="Z", title="Z", languages=("en",), questions=(q,))))[0]
    assert back["prompt"] == "2 {x} = 3: #1 ~ok"
    assert back["answers"][0] == {"text": "a=b", "fraction": 1.0, "feedback": "yes#no"}


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "L00.gift"
    assert main(["quiz", "export", "--format", "gift", "L00", "-o", str(out)]) == 0
    assert len(parse_gift(out.read_text())) == len(load("L00").questions)
    assert main(["quiz", "export", "L77", "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith("crmlab: error: Got quiz='L77' instead, expected one of 'C1', ")


def test_note_and_accept_any_are_kept(tmp_path):
    path = tmp_path / "na.yaml"
    path.write_text("id: na\ntitle: NA\nquestions:\n"
                    "  - id: q4\n    type: single\n    prompt: Which?\n"
                    "    note: Stem reconstructed\n    accept_any: The key is lost\n"
                    "    explanation: Only c survives.\n"
                    "    options: [{id: c, text: C}, {id: all, text: All, pin: true}]\n"
                    "  - id: n\n    type: numeric\n    prompt: How many?\n"
                    "    accept_any: The source's figure is illegible\n")
    gift = to_gift(load_file(path))
    assert "// note: Stem reconstructed\n// accepts any answer: The key is lost\n::q4::" in gift
    q4, n = parse_gift(gift)
    assert q4["comments"] == ["note: Stem reconstructed", "accepts any answer: The key is lost"]
    assert q4["moodle"] == "multichoice" and [a["fraction"] for a in q4["answers"]] == [1, 1]
    assert q4["general_feedback"] == "The key is lost Only c survives."
    assert n["type"] == "essay" and n["general_feedback"] == "The source's figure is illegible"


def test_cli_export_in_azerbaijani_carries_the_translated_unit(tmp_path, capsys):
    out = tmp_path / "L07.gift"
    assert main(["quiz", "export", "L07", "-o", str(out), "--lang", "az"]) == 0
    gift = out.read_text(encoding="utf-8")
    quiz = load("L07")
    ratio = quiz.question("email-ratio")
    assert "// unit: hər 100 AZN üçün CSAT balı\n" in gift
    assert {q["prompt"] for q in parse_gift(gift)} >= {" ".join(localized(ratio.prompt, "az").split())}
    assert main(["quiz", "export", "L07", "-o", str(out), "--lang", "en"]) == 0
    assert "// unit: CSAT points per 100 AZN\n" in out.read_text(encoding="utf-8")
