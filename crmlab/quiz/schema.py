"""The one schema of every quiz file: what a quiz and a question may hold, and its checks.

``validate_file(path)`` returns every problem as ``FILE:LINE: QUESTION_ID: message`` and never
raises, whatever the file holds. The fields every question shares are checked here; the fields
of each question type by the type (:mod:`crmlab.quiz.types`). The format is documented
in ``quizzes/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from crmlab.core.exceptions import QuizError
from crmlab.core.i18n import LANGUAGES
from crmlab.core.validation import is_finite_number
from crmlab.core.yaml_lines import Map, read
from crmlab.quiz.checker import Checker
from crmlab.quiz.types import get_type, type_names

__all__ = ["validate_file", "check_quiz", "key_fields", "MODES", "QUIZ_FIELDS", "COMMON_FIELDS",
           "COMMON_KEY_FIELDS", "GLOSS"]

#: A question's mode: practice (feedback at once) or graded (feedback after grading).
MODES = ("practice", "graded")
#: The fields a quiz file may have at its top level.
QUIZ_FIELDS = frozenset({"id", "title", "languages", "lesson", "mode", "shuffle", "description",
                         "questions", "released"})
#: Fields every question may have, whatever its type.
COMMON_FIELDS = frozenset({"id", "type", "prompt", "explanation", "points", "shuffle", "mode",
                           "tags", "note", "accept_any", "garbled"})
#: Fields of every question that reveal its key (each type adds its own).
COMMON_KEY_FIELDS = frozenset({"explanation", "accept_any"})
#: A course gloss inside a text taken from a source: a note in square brackets.
GLOSS = re.compile(r"\[[^\[\]]+\]")
#: The items a question may list, with the field that holds each item's text.
_ITEMS = (("options", "text"), ("choices", "text"), ("pairs", "left"))


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


def _check_question(c: Checker, q, index: int, released: bool, quiz_line: int,
                    seen: set) -> None:
    if not isinstance(q, Map):
        c.add(quiz_line, f"#{index + 1}", "a question must be a mapping of fields")
        return
    qid = c.ident(q, f"#{index + 1}", "question") or f"#{index + 1}"
    if qid in seen:
        c.add(q.lines.get("id", q.line), qid, f"duplicate question id {qid!r}")
    seen.add(qid)
    try:
        kind = get_type(q.get("type"))
    except QuizError as exc:
        c.add(q.lines.get("type", q.line), qid, str(exc))
        every = COMMON_FIELDS.union(*(get_type(name).fields for name in type_names()))
        c.unknown_fields(q, every, qid, "question")
        return
    c.unknown_fields(q, COMMON_FIELDS | kind.fields, qid, "question")
    for name in ("prompt", "explanation", "note", "accept_any"):
        c.text(q, name, qid, required=name == "prompt")
    mode = q.get("mode", "practice")
    if mode not in MODES:
        c.add(q.lines.get("mode", q.line), qid, f"mode {mode!r} is not one of practice, graded")
    if "points" in q and not (is_finite_number(q["points"]) and q["points"] > 0):
        c.add(q.lines["points"], qid, f"points must be a positive number, got {q['points']!r}")
    c.flag(q, "shuffle", qid)
    if "tags" in q and not isinstance(q["tags"], (dict, list)):
        c.add(q.lines["tags"], qid, "tags must be a mapping (lesson, topic) or a list")
    _check_garbled(c, q, qid)
    accept_any = "accept_any" in q
    if accept_any and kind.key_given(q):
        c.add(q.lines["accept_any"], qid, "a question that accepts any answer gives no key; "
                                          "remove the key or accept_any")
    kind.check(c, q, qid, keyless=(released and mode == "graded") or accept_any)


def _check_garbled(c: Checker, q, qid: str) -> None:
    """``garbled`` lists the parts of a question whose source wording is garbled (``prompt`` or
    the id of an option, choice or pair); each carries a course gloss in every language."""
    if "garbled" not in q:
        return
    line, listed = q.lines["garbled"], q["garbled"]
    if not isinstance(listed, list) or not listed \
            or not all(isinstance(part, str) for part in listed):
        c.add(line, qid, "garbled must list the garbled parts: prompt or item ids")
        return
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


def check_quiz(path: Path, data, *, required=()) -> list[tuple[int, str, str]]:
    """The problems of parsed quiz data as ``(line, question id, message)``; ``required`` are
    languages the quiz must declare (the course's, for the course's own quizzes)."""
    c = Checker()
    if not isinstance(data, Map):
        c.add(getattr(data, "line", 1) or 1, "-", "the file must be a mapping with id, title "
                                                   "and questions")
        return c.problems
    langs = data.get("languages", ["en"])
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        c.add(data.lines.get("languages", data.line), "-",
              "languages must be a list such as [en, az]")
    else:
        c.languages = tuple(langs)
        lacking = [lang for lang in required if lang not in langs]
        if lacking:
            c.add(data.lines.get("languages", data.line), "-",
                  f"the quiz lacks course language(s) {', '.join(lacking)}: languages must "
                  f"list {', '.join(required)}")
    c.unknown_fields(data, QUIZ_FIELDS, "-", "quiz")
    quiz_id = data.get("id")
    if not isinstance(quiz_id, str) or not quiz_id:
        c.add(data.lines.get("id", data.line), "-", "the quiz has no 'id'")
    elif quiz_id != path.stem:
        c.add(data.lines["id"], "-", f"quiz id {quiz_id!r} must equal the file name "
                                     f"{path.stem!r}")
    c.text(data, "title", "-", required=True)
    c.text(data, "description", "-", required=False)
    if data.get("mode", "practice") not in MODES:
        c.add(data.lines.get("mode", data.line), "-",
              f"mode {data.get('mode')!r} is not one of practice, graded")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        c.add(data.lines.get("questions", data.line), "-", "questions must be a non-empty list")
        return c.problems
    seen: set[str] = set()
    default_mode = data.get("mode", "practice")
    released = data.get("released") is True
    for index, q in enumerate(questions):
        if isinstance(q, Map) and "mode" not in q:
            q = _with_default(q, "mode", default_mode)
        _check_question(c, q, index, released, questions.lines[index], seen)
    return c.problems


def _with_default(q: Map, key, value) -> Map:
    copy = Map(q)
    copy.line, copy.lines = q.line, dict(q.lines)
    copy[key] = value
    return copy


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
    path = Path(path)
    data, problem = read(path)
    if problem:
        return [problem.at(path)]
    return [f"{path}:{line}: {qid}: {message}" for line, qid, message in
            sorted(check_quiz(path, data, required=LANGUAGES if course else ()),
                   key=lambda p: p[0])]
