"""GIFT export, checked by parsing the output back."""

import pytest

from crmlab.cli import main
from crmlab.core.i18n import localized
from crmlab.quiz import load
from crmlab.quiz.gift import parse_gift, to_gift


@pytest.mark.parametrize("quiz_id", ["L00", "final_test"])
def test_round_trip_keeps_every_key(quiz_id):
    quiz = load(quiz_id)
    parsed = {q["id"]: q for q in parse_gift(to_gift(quiz))}
    assert list(parsed) == [q.id for q in quiz.questions]
    for q in quiz.questions:
        back = parsed[q.id]
        assert back["type"] == q.type
        assert back["prompt"] == " ".join(localized(q.prompt).split())
        if q.accept_any is not None:  # every answer right, the reason first in the feedback
            assert all(a["correct"] for a in back.get("answers", [])), q.id
            assert back["general_feedback"].startswith(" ".join(localized(q.accept_any).split()))
            continue
        if q.type == "single":
            assert [a["text"] for a in back["answers"] if a["correct"]] == \
                [" ".join(localized(o.text).split()) for o in q.options if o.correct]
        elif q.type == "multi":
            n = sum(o.correct for o in q.options)
            assert [round(a["weight"], 3) for a in back["answers"]] == \
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
            assert back["general_feedback"] == " ".join(localized(q.explanation).split())


def test_special_characters_are_escaped():
    from crmlab.quiz.model import Option, Question, Quiz

    q = Question(id="q", type="single", prompt="2 {x} = 3: #1 ~ok", mode="graded",
                 options=(Option("a", "a=b", True, feedback="yes#no"), Option("b", "c~d")))
    back = parse_gift(to_gift(Quiz(id="Z", title="Z", languages=("en",), questions=(q,))))[0]
    assert back["prompt"] == "2 {x} = 3: #1 ~ok"
    assert back["answers"][0] == {"text": "a=b", "correct": True, "weight": None,
                                  "feedback": "yes#no"}


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "L00.gift"
    assert main(["quiz", "export", "--format", "gift", "L00", "-o", str(out)]) == 0
    assert len(parse_gift(out.read_text())) == len(load("L00").questions)
    assert main(["quiz", "export", "L77", "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith("crmlab: error: Got quiz='L77' instead, expected one of 'C1', ")


def test_note_and_accept_any_are_kept(tmp_path):
    from crmlab.quiz.loading import load_file

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
    assert [a["correct"] for a in q4["answers"]] == [True, True]
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
