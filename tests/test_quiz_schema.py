"""crmlab.quiz.schema: every malformed quiz gets its one-line FILE:LINE: QUESTION_ID: message."""

import textwrap

import pytest

from crmlab.cli import main
from crmlab.core.exceptions import QuizError
from crmlab.quiz import quiz_files, validate
from crmlab.quiz.loading import load_file
from crmlab.quiz.schema import validate_file

HEAD = "id: t\ntitle: T\nquestions:\n"
SINGLE = """\
  - id: q1
    type: single
    prompt: P
    options:
      - {id: a, text: A, correct: true}
      - {id: b, text: B}
"""


def _write(tmp_path, body, head=HEAD):
    path = tmp_path / "t.yaml"
    path.write_text(head + textwrap.dedent(body) if not body.startswith("  ") else head + body)
    return path


CASES = [
    ("yaml syntax", HEAD + "  - id: q1\n    type: [single\n", "6: -: YAML syntax error: expected ',' or ']'"),
    ("unknown type", HEAD + "  - id: q1\n    type: essay\n    prompt: P\n",
     "5: q1: Got type='essay' instead, expected one of 'single', 'multi', 'truefalse', 'numeric', "
     "'matching', 'text'."),
    ("duplicate question id", HEAD + SINGLE + SINGLE, "10: q1: duplicate question id 'q1'"),
    ("duplicate option id", HEAD + SINGLE.replace("id: b", "id: a"),
     "9: q1: duplicate option id 'a'"),
    ("no correct option", HEAD + SINGLE.replace(", correct: true", ""),
     "7: q1: no option is marked correct"),
    ("two correct in single", HEAD + SINGLE.replace("text: B}", "text: B, correct: true}"),
     "7: q1: a single-choice question has 2 correct options; use type multi"),
    ("numeric without value", HEAD + "  - id: n\n    type: numeric\n    prompt: P\n",
     "4: n: a numeric question needs a numeric answer (the correct value)"),
    ("bad tolerance", HEAD + "  - id: n\n    type: numeric\n    prompt: P\n    answer: 3\n"
     "    tolerance: {relative: -0.1}\n", "8: n: Got tolerance={'relative': -0.1} instead, expected "
     "a number >= 0, {absolute: X} or {relative: X} with X >= 0 (a relative one below 1)."),
    ("relative tolerance of 100%", HEAD + "  - id: n\n    type: numeric\n    prompt: P\n"
     "    answer: 3\n    tolerance: {relative: 1}\n", "8: n: Got tolerance={'relative': 1} instead"),
    ("bad tolerance kind", HEAD + "  - id: n\n    type: numeric\n    prompt: P\n    answer: 3\n"
     "    tolerance: {percent: 5}\n",
     "8: n: Got tolerance={'percent': 5} instead, expected a number >= 0, {absolute: X} or "
     "{relative: X} with X >= 0 (a relative one below 1)."),
    ("truefalse without answer", HEAD + "  - id: tf\n    type: truefalse\n    prompt: P\n",
     "4: tf: a truefalse question needs answer: true or false (the correct answer)"),
    ("unpaired matching item", HEAD + "  - id: m\n    type: matching\n    prompt: P\n"
     "    choices: [{id: x, text: X}, {id: y, text: Y}]\n"
     "    pairs:\n      - {id: p1, left: L1, match: x}\n      - {id: p2, left: L2}\n",
     "10: m: pair 'p2' is unpaired: it has no 'match'"),
    ("matching to unknown choice", HEAD + "  - id: m\n    type: matching\n    prompt: P\n"
     "    choices: [{id: x, text: X}, {id: y, text: Y}]\n"
     "    pairs:\n      - {id: p1, left: L1, match: x}\n      - {id: p2, left: L2, match: z}\n",
     "10: m: pair 'p2' matches 'z', which is not a choice id"),
    ("missing translation", "id: t\ntitle: {en: T, az: T}\nlanguages: [en, az]\nquestions:\n"
     "  - id: q1\n    type: truefalse\n    prompt: {en: P}\n    answer: true\n",
     "7: q1: missing translation 'az' of field 'prompt'"),
    ("plain text in a bilingual quiz", "id: t\ntitle: {en: T, az: T}\nlanguages: [en, az]\n"
     "questions:\n  - id: q1\n    type: truefalse\n    prompt: P\n    answer: true\n",
     "7: q1: field 'prompt' must give every language (en, az), got a plain text"),
    ("unknown field", HEAD + SINGLE + "    explaination: E\n",
     "10: q1: unknown field 'explaination' in question (did you mean 'explanation'?)"),
    ("quiz id differs from file", "id: other\ntitle: T\nquestions:\n" + SINGLE,
     "1: -: quiz id 'other' must equal the file name 't'"),
    ("empty file", "", "1: -: the file is empty"),
    ("top level is a list", "- a\n- b\n",
     "1: -: Got ['a', 'b'] instead, expected a mapping with id, title and questions."),
    ("questions is not a list", "id: t\ntitle: T\nquestions: 3\n",
     "3: -: Got questions=3 instead, expected a non-empty list of questions."),
    ("question is a string", HEAD + "  - just text\n",
     "4: #1: Got question='just text' instead, expected a question: a mapping of fields."),
    ("option is a number", HEAD + "  - id: q1\n    type: single\n    prompt: P\n"
     "    options: [1, 2]\n",
     "7: q1: Got options[0]=1 instead, expected an option: a mapping with id and text."),
    ("option without a text", HEAD + SINGLE.replace("{id: b, text: B}", "{id: b}"),
     "9: q1: field 'text' is missing in option"),
    ("a flag that is not true or false", HEAD + SINGLE.replace("text: B}", "text: B, pin: yes please}"),
     "9: q1: Got options[1].pin='yes please' instead, expected true or false."),
    ("unknown field of an option", HEAD + SINGLE.replace("text: B}", "text: B, corect: true}"),
     "9: q1: unknown field 'corect' in option (did you mean 'correct'?)"),
    ("points not positive", HEAD + SINGLE + "    points: 0\n",
     "10: q1: Got points=0 instead, expected a positive number."),
    ("points not a number", HEAD + SINGLE + "    points: .nan\n",
     "10: q1: Got points=nan instead, expected a positive number."),
    ("mode unknown", HEAD + SINGLE + "    mode: exam\n",
     "10: q1: Got mode='exam' instead, expected one of 'practice', 'graded'."),
    ("id with a space", HEAD + SINGLE.replace("id: b,", "id: b c,"),
     "9: q1: Got options[1].id='b c' instead, expected an id of letters, digits, '-', '_' or '.'."),
    ("no prompt", HEAD + SINGLE.replace("    prompt: P\n", ""),
     "4: q1: field 'prompt' is missing in question"),
    ("unknown field of the quiz", "id: t\ntitle: T\nlessons: L00\nquestions:\n" + SINGLE,
     "3: -: unknown field 'lessons' in quiz (did you mean 'lesson'?)"),
]


@pytest.mark.parametrize(("case", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_malformed_case_has_its_line(tmp_path, case, content, expected):
    path = tmp_path / "t.yaml"
    path.write_text(content)
    problems = validate_file(path)
    assert any(p.startswith(f"{path}:{expected}") for p in problems), problems
    assert all("\n" not in p for p in problems)
    with pytest.raises(QuizError):
        load_file(path)


@pytest.mark.parametrize("garbage", [b"\x00\x01\x02", b"\xff\xfe\xfa", b"{{{{", b"!!python/object:os.system x",
                                     b"id: t\nquestions: [[[]]]\n", b"- - - -\n", b"42"])
def test_garbage_never_raises(tmp_path, garbage):
    path = tmp_path / "t.yaml"
    path.write_bytes(garbage)
    problems = validate_file(path)
    assert problems and all(p.startswith(f"{path}:") for p in problems)


def test_every_course_quiz_is_valid():
    assert quiz_files(), "no quiz files"
    assert validate() == []


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert main(["quiz", "validate"]) == 0
    bad = tmp_path / "t.yaml"
    bad.write_text(BILINGUAL + "  - id: q1\n    type: essay\n    prompt: {en: P, az: P}\n")
    assert main(["quiz", "validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out == (f"{bad}:6: q1: Got type='essay' instead, expected one of 'single', 'multi', "
                   "'truefalse', 'numeric', 'matching', 'text'.\n")
    assert main(["quiz", "validate", str(tmp_path / "missing.yaml")]) == 1


ACCEPT_ANY = """\
  - id: q4
    type: single
    prompt: {en: "Q4 (stem lost in the source)", az: "4 [sual itib]"}
    note: {en: Stem reconstructed from the surviving options, az: Sual bərpa olunub}
    accept_any: {en: The key is lost with the stem, az: Açar sualla birlikdə itib}
    options:
      - {id: c, text: {en: The customer, az: müştəri}}
      - {id: all, text: {en: All answers are correct, az: bütün cavablar düzgündür}, pin: true}
"""
BILINGUAL = "id: t\ntitle: {en: T, az: T}\nlanguages: [en, az]\nquestions:\n"


def test_accept_any_and_note_are_valid_without_a_key(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL + ACCEPT_ANY)
    assert validate_file(path) == []
    q4 = load_file(path).question("q4")
    assert q4.accept_any["en"] == "The key is lost with the stem"
    assert q4.note["az"] == "Sual bərpa olunub"


@pytest.mark.parametrize(("case", "body", "expected"), [
    ("accept_any with a key", ACCEPT_ANY.replace("text: {en: The customer, az: müştəri}}",
                                                 "text: {en: The customer, az: müştəri}, "
                                                 "correct: true}"),
     "9: q4: a question that accepts any answer gives no key; remove the key or accept_any"),
    ("untranslated note", ACCEPT_ANY.replace(", az: Sual bərpa olunub}", "}"),
     "8: q4: missing translation 'az' of field 'note'"),
    ("accept_any not a text", ACCEPT_ANY.replace(
        "{en: The key is lost with the stem, az: Açar sualla birlikdə itib}", "[1, 2]"),
     "9: q4: Got accept_any=[1, 2] instead, expected a text, or a mapping of languages such as "
     "{en: ..., az: ...}."),
], ids=["accept_any with a key", "untranslated note", "accept_any not a text"])
def test_accept_any_and_note_are_checked(tmp_path, case, body, expected):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL + body)
    assert f"{path}:{expected}" in validate_file(path)


def test_validate_holds_every_quiz_to_the_course_languages(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text("id: t\ntitle: T\nlanguages: [en]\nquestions:\n"
                    "  - {id: q, type: truefalse, prompt: P, answer: true}\n")
    assert validate_file(path) == []  # a quiz outside the course may have one language
    assert validate([path]) == [
        f"{path}:3: -: the quiz lacks course language(s) az: languages must list en, az"]
    assert main(["quiz", "validate", str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}:3: -: the quiz lacks")


@pytest.mark.parametrize(("unit", "expected"), [
    ("'%'", None),
    ("{en: points, az: faiz bəndi}", None),
    ("{en: points}", "9: q: missing translation 'az' of field 'unit'"),
    ("{en: points, az: bal, ms: mata}", "9: q: language 'ms' of field 'unit' is not declared in "
                                        "'languages'"),
    ("[1, 2]", "9: q: Got unit=[1, 2] instead, expected a text, or a mapping of languages such as "
               "{en: ..., az: ...}."),
])
def test_numeric_unit_is_a_text_or_a_mapping_of_languages(tmp_path, unit, expected):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL + "  - id: q\n    type: numeric\n    prompt: {en: P, az: P}\n"
                    f"    answer: 1\n    unit: {unit}\n")
    problems = validate_file(path)
    assert problems == ([] if expected is None else [f"{path}:{expected}"])


SEVERAL = """\
  - id: q16
    type: single
    prompt: {en: "What role does power play? [course note: garbled]", az: "16 Rol? [kursun qeydi: yəni rol]"}
    accept_several: true
    garbled: [prompt, b]
    explanation: {en: Both (a) and (b) say it matters., az: "(a) da, (b) də bunu deyir."}
    options:
      - {id: a, text: {en: Very important, az: çox vacib}, correct: true}
      - {id: b, text: {en: "It matters [course note: literally 'issues']", az: "məsələlər [kursun qeydi: yəni «əhəmiyyəti var»]"}, correct: true}
      - {id: c, text: {en: None, az: fərq etməz}}
"""


def test_accept_several_and_garbled_are_valid(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL + SEVERAL)
    assert validate_file(path) == []
    q16 = load_file(path).question("q16")
    assert q16.garbled == ("prompt", "b")
    assert [o.id for o in q16.options if o.correct] == ["a", "b"]


@pytest.mark.parametrize(("case", "body", "expected"), [
    ("several correct without accept_several", SEVERAL.replace("    accept_several: true\n", ""),
     "10: q16: a single-choice question has 2 correct options; use type multi, or "
     "accept_several: true when each of them earns the point"),
    ("accept_several with one correct option", SEVERAL.replace("az: çox vacib}, correct: true}",
                                                               "az: çox vacib}}"),
     "8: q16: accept_several needs at least two options marked correct, got 1"),
    ("accept_several without an explanation",
     SEVERAL.replace(SEVERAL.splitlines(keepends=True)[5], ""),
     "8: q16: a question that accepts several answers must say why in its explanation"),
    ("accept_several not a flag",
     SEVERAL.replace("accept_several: true", "accept_several: yes please"),
     "8: q16: Got accept_several='yes please' instead, expected true or false."),
    ("accept_several with accept_any",
     SEVERAL.replace("    accept_several: true\n",
                     "    accept_several: true\n    accept_any: {en: Lost, az: İtib}\n"),
     "9: q16: a question that accepts any answer gives no key; remove the key or accept_any"),
    ("garbled part unknown", SEVERAL.replace("[prompt, b]", "[prompt, d]"),
     "9: q16: garbled part 'd' is neither the prompt nor an item id; expected one of "
     "'prompt', 'a', 'b', 'c'"),
    ("garbled part without a gloss", SEVERAL.replace("[prompt, b]", "[prompt, a]"),
     "9: q16: garbled part 'a' carries no course gloss in square brackets in 'en'"),
    ("garbled part glossed in one language", SEVERAL.replace(" [kursun qeydi: yəni rol]", ""),
     "9: q16: garbled part 'prompt' carries no course gloss in square brackets in 'az'"),
    ("garbled not a list", SEVERAL.replace("[prompt, b]", "b"),
     "9: q16: Got garbled='b' instead, expected a list of the garbled parts: prompt or item ids."),
], ids=lambda value: value if " " in value and ":" not in value else None)
def test_accept_several_and_garbled_are_checked(tmp_path, case, body, expected):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL + body)
    assert f"{path}:{expected}" in validate_file(path), validate_file(path)


def test_a_release_drops_accept_several_from_a_graded_question():
    from crmlab.publish.release import strip_quiz

    data = {"id": "t", "mode": "graded", "questions": [
        {"id": "q", "type": "single", "prompt": "P", "accept_several": True, "garbled": ["a"],
         "explanation": "E", "options": [{"id": "a", "text": "A [gloss]", "correct": True},
                                         {"id": "b", "text": "B", "correct": True}]}]}
    released = strip_quiz(data)["questions"][0]
    assert released == {"id": "q", "type": "single", "prompt": "P", "garbled": ["a"],
                        "options": [{"id": "a", "text": "A [gloss]"}, {"id": "b", "text": "B"}]}


def test_validate_on_a_folder_without_quizzes_fails(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a quiz")
    assert validate([tmp_path]) == [
        f"{tmp_path}: nothing to validate: no quiz file (*.yaml) in this folder"]
    assert main(["quiz", "validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (f"{tmp_path}: nothing to validate: no quiz file (*.yaml) in this "
                            "folder\n")
    assert "valid" not in captured.err.replace("validate", "")


def test_validate_counts_the_files_it_checked(tmp_path, capsys):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"id: {name}\ntitle: {{en: T, az: T}}\nlanguages: [en, az]\nquestions:\n"
            "  - {id: q, type: truefalse, prompt: {en: P, az: P}, answer: true}\n")
    assert main(["quiz", "validate", str(tmp_path)]) == 0
    assert capsys.readouterr().err == "2 quiz file(s) valid\n"
