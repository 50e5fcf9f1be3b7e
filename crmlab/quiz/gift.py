"""Moodle GIFT export of a quiz, and a small GIFT parser used to check the export.

Each question type writes its own answer block (see its module in
:mod:`crmlab.quiz.types`). Option feedback follows ``#``; the explanation is the general
feedback after ``####``. A question's ``note`` is kept as a ``// note:`` comment line before it;
a question that accepts any answer gets a ``// accepts any answer:`` comment, every option at
full marks in a one-answer multiple-choice block (an essay for types without options), and its
reason first in the general feedback. A single-choice question that accepts several answers is
one-answer multiple choice with each of them at full marks. A graded number of one's own
(``variant: student``) has no key Moodle could hold (each student's is computed by ``crmlab
grade``): it is exported as an essay that collects the answer, with a ``// number of one's
own:`` comment, and a formula question's prompt shows the practice variant's inputs.

:func:`parse_gift` reads a block the way Moodle's importer does
(``question/format/gift/format.php``): with a ``~`` it is multiple choice, one answer only when
it also holds an ``=``; ``=`` answers alone make a short-answer question. So a test can check
what Moodle will make of the export, not only what it says.
"""

from __future__ import annotations

import re
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.i18n import localized
from crmlab.quiz.model import Quiz
from crmlab.quiz.types import get_type, gift_escape
from crmlab.quiz.variants import prompt_text

__all__ = ["export_gift", "to_gift", "parse_gift"]


def _comment(value) -> str:
    return " ".join(str(value).split())


def to_gift(quiz: Quiz, *, lang: str = "en") -> str:
    """Return the GIFT text of a quiz (keys included: this is for the instructor's LMS)."""
    from crmlab.datasets import Variant

    blocks = [f"// crmlab quiz {quiz.id}: {localized(quiz.title, lang)}", f"$CATEGORY: crmlab/{quiz.id}"]
    for q in quiz.questions:
        kind = get_type(q.type)
        lines, general = [], [localized(q.explanation, lang)] if q.explanation else []
        if q.note:
            lines.append(f"// note: {_comment(localized(q.note, lang))}")
        lines += [f"// {_comment(line)}" for line in kind.gift_comments(q, lang)]
        if q.variant == "student":
            lines.append("// number of one's own: each student's key is computed on their own "
                         "data variant by crmlab grade; Moodle only collects the answer")
            body = ""
        elif q.accept_any:
            reason = localized(q.accept_any, lang)
            lines.append(f"// accepts any answer: {_comment(reason)}")
            general.insert(0, reason)
            body = kind.gift_any(q, lang)
        else:
            body = kind.gift(q, lang)
        feedback = f" ####{gift_escape(' '.join(general))}" if general else ""
        prompt = prompt_text(q, lang, Variant(), quiz_id=quiz.id)
        lines.append(f"::{gift_escape(q.id)}::[markdown]{gift_escape(prompt)} "
                     f"{{{body}{feedback}}}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def export_gift(quiz: Quiz, path: str | Path, *, lang: str = "en") -> Path:
    """Write the GIFT export of ``quiz`` to ``path`` atomically."""
    return write_text(path, to_gift(quiz, lang=lang))


def _unesc(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value).strip()


def _split(body: str, marks: str) -> list[tuple[str, str]]:
    """Split an answer block at unescaped marks; return (mark, text) pairs."""
    items, current, mark, i = [], "", None, 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current += body[i:i + 2]
            i += 2
            continue
        if ch in marks:
            if mark is not None:
                items.append((mark, current))
            mark, current = ch, ""
        else:
            current += ch
        i += 1
    if mark is not None:
        items.append((mark, current))
    return items


def _cut(value: str, mark: str) -> tuple[str, str | None]:
    match = re.search(rf"(?<!\\){re.escape(mark)}", value)
    if not match:
        return value, None
    return value[:match.start()], value[match.end():]


def _holds(body: str, mark: str) -> bool:
    """Whether ``mark`` occurs in ``body`` unescaped."""
    return mark in re.sub(r"\\.", "", body)


def _choices(body: str, marks: str, *, default: float) -> list[dict]:
    """The answers of a choice or short-answer block, each with Moodle's fraction of the marks:
    ``%w%`` gives ``w / 100``, an ``=`` answer of a multiple-choice block 1, else ``default``."""
    answers = []
    for mark, item in _split(body, marks):
        found = re.match(r"\s*%(-?[\d.]+)%", item)
        if found:
            fraction, item = float(found.group(1)) / 100, item[found.end():]
        else:
            fraction = 1.0 if mark == "=" else default
        answer, feedback = _cut(item, "#")
        answers.append({"text": _unesc(answer), "fraction": fraction,
                        "feedback": _unesc(feedback) if feedback is not None else None})
    return answers


def _answers(body: str) -> dict:
    """The question Moodle imports from one answer block, in the course's type names.

    ``moodle`` is Moodle's question type; a multiple-choice block is ``single`` (one answer,
    radio buttons) when it holds an ``=``, else ``multi``; every answer carries ``fraction``,
    the share of the marks Moodle gives it.
    """
    if body == "":
        return {"type": "essay", "moodle": "essay"}
    if body.startswith("#"):
        value, tolerance = body[1:].split(":")
        return {"type": "numeric", "moodle": "numerical",
                "answer": (float(value), float(tolerance))}
    if _holds(body, "~"):
        single = _holds(body, "=")
        return {"type": "single" if single else "multi", "moodle": "multichoice",
                "single": single, "answers": _choices(body, "=~", default=0.0)}
    if _holds(body, "=") and "->" in body:
        pairs = []
        for _, item in _split(body, "="):
            left, right = item.split("->", 1)
            pairs.append((_unesc(left), _unesc(right)))
        return {"type": "matching", "moodle": "match", "pairs": pairs}
    if _cut(body, "#")[0].strip() in ("TRUE", "FALSE", "T", "F"):
        return {"type": "truefalse", "moodle": "truefalse", "answer": body.startswith("T")}
    return {"type": "shortanswer", "moodle": "shortanswer",
            "answers": _choices(body, "=", default=1.0)}


def parse_gift(source: str) -> list[dict]:
    """Parse GIFT questions back into dicts (id, type as Moodle imports it, prompt, answers,
    general feedback, and the ``//`` comment lines just before the question).

    Examples
    --------
    >>> parse_gift("::q1::Sky? {TRUE}")[0]["type"], parse_gift("::n::N? {#3:0.5}")[0]["answer"]
    ('truefalse', (3.0, 0.5))
    >>> parse_gift("// note: rebuilt\\n::e::Why? {}")[0]["comments"]
    ['note: rebuilt']
    >>> [(q["type"], [a["fraction"] for a in q["answers"]])
    ...  for q in parse_gift("::a::A? {=x ~%100%y ~z}\\n\\n::b::B? {=x =y}")]
    [('single', [1.0, 1.0, 0.0]), ('shortanswer', [1.0, 1.0])]
    """
    questions = []
    for block in re.split(r"\n\s*\n", source):
        comments = [line.strip()[2:].strip() for line in block.splitlines()
                    if line.lstrip().startswith("//")]
        block = "\n".join(line for line in block.splitlines()
                          if not line.lstrip().startswith(("//", "$"))).strip()
        if not block:
            continue
        match = re.match(r"::(.*?)(?<!\\)::(?:\[markdown\])?(.*?)(?<!\\)\{(.*)(?<!\\)\}\s*$",
                         block, re.S)
        if not match:
            raise ValueError(f"not a GIFT question: {block[:60]!r}")
        body, general = _cut(match.group(3), "####")
        questions.append({"id": _unesc(match.group(1)), "prompt": _unesc(match.group(2)),
                          "general_feedback": _unesc(general) if general is not None else None,
                          "comments": comments, **_answers(body.strip())})
    return questions
