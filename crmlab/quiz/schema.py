"""The one schema of every quiz file: what a quiz and a question may hold, and its checks.

The form of every field is the JSON Schema ``crmlab/schemas/quiz.schema.json``, checked with
``jsonschema`` (:mod:`crmlab.core.schemas`); each question type contributes the part about its
own fields (:meth:`~crmlab.quiz.types.base.QuestionType.schema`), so :func:`quiz_schema` is the
file's shared parts plus the part of every registered type. What a schema cannot say is checked
here once (the id is the file's name, every text in every declared language, unique question
ids, ``garbled``, ``accept_any`` without a key) and by each type (its key, its cross-field rules).

``validate_file(path)`` returns every problem as ``FILE:LINE: QUESTION_ID: message`` and never
raises, whatever the file holds. The format is documented in ``quizzes/README.md``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from crmlab.core.i18n import LANGUAGES
from crmlab.core.yaml_lines import Map, read
from crmlab.datasets._variant import steps
from crmlab.quiz.checker import Checker, ident
from crmlab.quiz.types import get_type, type_names

__all__ = ["validate_file", "read_quiz", "check_quiz", "quiz_schema", "schema_text", "key_fields", "MODES",
           "COMMON_KEY_FIELDS", "GLOSS"]

#: A question's mode: practice (feedback at once) or graded (feedback after grading).
MODES = ("practice", "graded")
#: Fields of every question that reveal its key (each type adds its own).
COMMON_KEY_FIELDS = frozenset({"explanation", "accept_any"})
#: A course gloss inside a text taken from a source: a note in square brackets.
GLOSS = re.compile(r"\[[^\[\]]+\]")
#: The items a question may list, with the field that holds each item's text.
_ITEMS = (("options", "text"), ("choices", "text"), ("pairs", "left"))
#: The question's own texts (each type checks the texts of its fields).
_TEXTS = ("prompt", "explanation", "note", "accept_any")


def quiz_schema() -> dict:
    """The JSON Schema of a quiz file: the shared parts of ``crmlab/schemas/quiz.schema.json``
    and, generated, the part of every registered question type (``definitions.question`` picks
    ``definitions.question-<type>`` by the question's ``type``).

    Examples
    --------
    >>> schema = quiz_schema()
    >>> schema["definitions"]["question"]["properties"]["type"]["enum"][:3]
    ['single', 'multi', 'truefalse']
    >>> sorted(schema["definitions"]["question-truefalse"]["properties"])[:4]
    ['accept_any', 'answer', 'explanation', 'garbled']
    """
    from crmlab.core.schemas import load_schema

    schema = load_schema("quiz")
    definitions = schema["definitions"]
    for name in [n for n in definitions if n == "question" or n.startswith("question-")]:
        del definitions[name]
    common = definitions["common"]["properties"]
    names = list(type_names())
    branches = []
    for name in names:
        kind = get_type(name)
        part = kind.schema()
        own = part.get("properties", {})
        if set(own) != set(kind.fields) or set(own) & set(common):
            raise TypeError(f"question type {name!r}: schema() must describe exactly its fields "
                            f"{sorted(kind.fields)}, none of the common ones")
        branch = {"title": "question",
                  "description": f"A question of type {name} (crmlab/quiz/types/).",
                  "properties": {**{field: True for field in common}, **own},
                  "additionalProperties": False}
        if part.get("required"):
            branch["required"] = list(part["required"])
        definitions[f"question-{name}"] = branch
        branches.append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                         "then": {"$ref": f"#/definitions/question-{name}"}})
    definitions["question"] = {
        "title": "question", "type": "object",
        "errorMessage": "expected a question: a mapping of fields",
        "properties": {"type": {"enum": names, "description": "The question type."}},
        "allOf": [{"$ref": "#/definitions/common"}, *branches]}
    return schema


def schema_text(name: str) -> str:
    """The published text of the schema ``name`` (:data:`crmlab.core.schemas.SCHEMAS`), as
    ``crmlab schema NAME`` prints it: the quiz schema with the part of every registered type,
    the others as their files hold them.

    Examples
    --------
    >>> from crmlab.core.schemas import schema_file
    >>> schema_text("quiz") == schema_file("quiz").read_text(encoding="utf-8")
    True
    """
    import json

    from crmlab.core.schemas import schema_file

    if name == "quiz":
        return json.dumps(quiz_schema(), indent=2, ensure_ascii=False) + "\n"
    return schema_file(name).read_text(encoding="utf-8")


def key_fields(type_name: str | None = None) -> frozenset:
    """The fields a student release drops from a graded question (of one type, or of any).

    Examples
    --------
    >>> sorted(key_fields("numeric"))
    ['accept_any', 'answer', 'explanation', 'tolerance']
    """
    if type_name is not None:
        return COMMON_KEY_FIELDS | get_type(type_name).key_fields
    return COMMON_KEY_FIELDS.union(*(get_type(name).key_fields for name in type_names()))


def _check_question(c: Checker, q, released: bool, qid: str) -> None:
    """The rules of one question a schema cannot say (its fields have their forms already, or
    the schema reported them)."""
    for name in _TEXTS:
        c.text(q, name, qid)
    _check_garbled(c, q, qid)
    if q.get("type") not in type_names():
        return
    kind = get_type(q["type"])
    accept_any = "accept_any" in q
    if accept_any and kind.key_given(q):
        c.add(q.lines["accept_any"], qid, "a question that accepts any answer gives no key; "
                                          "remove the key or accept_any")
    keyless = (released and q.get("mode") == "graded") or accept_any
    kind.check(c, q, qid, keyless=keyless)
    _check_variant(c, q, qid, kind)


def _check_variant(c: Checker, q, qid: str, kind) -> None:
    """A number of one's own is a graded question of a type whose key may be one's own; a
    formula question's inputs are ranges ``low <= high`` with a positive step, each shown in
    every language's prompt, and only a question on the student's variant has them."""
    variant, inputs = q.get("variant", "shared"), q.get("inputs")
    if variant == "student" and not (kind.own_key and q.get("mode") == "graded"):
        c.add(q.lines["variant"], qid, "variant: student is for graded numbers only (a "
                                       "graded question of a type such as numeric)")
    if not isinstance(inputs, dict):
        return  # absent, or the schema said what it must be
    line = q.lines["inputs"]
    if variant != "student":
        c.add(line, qid, "inputs are the student's own: give the question variant: student")
    prompt = q.get("prompt")
    texts = prompt.items() if isinstance(prompt, dict) else [("", prompt)]
    for name, spec in inputs.items():
        numbers = isinstance(spec, list) and len(spec) == 3 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in spec)  # else the schema said what each must be
        if numbers and steps(*spec) is None:
            c.add(line, qid, f"input {name!r}: expected [low, high, step] with low <= high, a "
                             "step above 0 and high - low a whole number of steps")
        for lang, words in texts:
            if isinstance(words, str) and f"{{{name}}}" not in words:
                where = f" ({lang})" if lang else ""
                c.add(line, qid, f"input {name!r} is not shown in the prompt{where}: write "
                                 f"{{{name}}} where the student reads it")


def _check_garbled(c: Checker, q, qid: str) -> None:
    """``garbled`` lists the parts of a question whose source wording is garbled (``prompt`` or
    the id of an option, choice or pair); each carries a course gloss in every language."""
    listed = q.get("garbled")
    if not isinstance(listed, list) or not all(isinstance(part, str) for part in listed):
        return  # the schema says what garbled must be
    line = q.lines["garbled"]
    parts = {"prompt": q.get("prompt")}
    for key, text_key in _ITEMS:
        items = q.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("id") is not None:
                parts.setdefault(str(item["id"]), item.get(text_key))
    for part in listed:
        if part not in parts:
            c.add(line, qid, f"garbled part {part!r} is neither the prompt nor an item id; "
                             f"expected one of {', '.join(map(repr, parts))}")
            continue
        value = parts[part]
        texts = value.items() if isinstance(value, dict) else [(None, value)]
        for lang, words in texts:
            if isinstance(words, str) and not GLOSS.search(words):
                where = f" in {lang!r}" if lang else ""
                c.add(line, qid, f"garbled part {part!r} carries no course gloss in square "
                                 f"brackets{where}")


def _question_ids(data) -> list[str]:
    """The id each problem of question ``i`` is reported under: its id, or ``#i+1``."""
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list):
        return []
    return [ident(q) or f"#{i + 1}" for i, q in enumerate(questions)]


def check_quiz(path: Path, data, *, required=()) -> list[tuple[int, str, str]]:
    """The problems of parsed quiz data as ``(line, question id, message)``; ``required`` are
    languages the quiz must declare (the course's, for the course's own quizzes)."""
    from crmlab.core.schemas import schema_problems, shown_path

    c = Checker()
    qids = _question_ids(data)

    def label(path):
        if len(path) >= 2 and path[0] == "questions":
            return shown_path(path[2:]) if len(path) > 2 else "question"
        return shown_path(path)

    for problem in schema_problems(quiz_schema(), data, label=label):
        where = problem.path
        qid = qids[where[1]] if len(where) >= 2 and where[0] == "questions" else "-"
        c.add(problem.line, qid, problem.message)
    if not isinstance(data, Map):
        return c.problems
    langs = data.get("languages", ["en"])
    if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
        c.languages = tuple(langs)
        lacking = [lang for lang in required if lang not in langs]
        if lacking:
            c.add(data.lines.get("languages", data.line), "-",
                  f"the quiz lacks course language(s) {', '.join(lacking)}: languages must "
                  f"list {', '.join(required)}")
    quiz_id = data.get("id")
    if isinstance(quiz_id, str) and quiz_id and quiz_id != path.stem:
        c.add(data.lines["id"], "-", f"quiz id {quiz_id!r} must equal the file name "
                                     f"{path.stem!r}")
    c.text(data, "title", "-")
    c.text(data, "description", "-")
    questions = data.get("questions")
    if not isinstance(questions, list):
        return c.problems
    seen: set[str] = set()
    default_mode = data.get("mode", "practice")
    released = data.get("released") is True
    for q, qid in zip(questions, qids):
        if not isinstance(q, Map):
            continue
        if qid in seen:
            c.add(q.lines.get("id", q.line), qid, f"duplicate question id {qid!r}")
        seen.add(qid)
        if "mode" not in q:
            q = _with_default(q, "mode", default_mode)
        _check_question(c, q, released, qid)
    return c.problems


def _with_default(q: Map, key, value) -> Map:
    copy = Map(q)
    copy.line, copy.lines = q.line, dict(q.lines)
    copy[key] = value
    return copy


def read_quiz(path: str | Path, *, course: bool = False) -> tuple[object, list[str]]:
    """The data of one quiz file (with its lines) and its problems, each as
    ``FILE:LINE: QUESTION_ID: message``: the file is read once for both."""
    path = Path(path)
    data, problem = read(path)
    if problem:
        return None, [problem.at(path)]
    return data, [f"{path}:{line}: {qid}: {message}" for line, qid, message in
                  sorted(check_quiz(path, data, required=LANGUAGES if course else ()),
                         key=lambda p: p[0])]


def validate_file(path: str | Path, *, course: bool = False) -> list[str]:
    """Return the problems of one quiz file, each as ``FILE:LINE: QUESTION_ID: message``.

    ``course=True`` (a quiz of the course, as ``crmlab quiz validate`` checks them) also requires
    every course language (:data:`crmlab.core.i18n.LANGUAGES`) in its ``languages``.

    Examples
    --------
    >>> from crmlab.core.paths import quizzes_dir
    >>> validate_file(quizzes_dir() / "L00.yaml", course=True)
    []
    """
    return read_quiz(path, course=course)[1]
