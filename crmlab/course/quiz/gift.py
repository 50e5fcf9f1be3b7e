"""Moodle GIFT export of a quiz, and a small GIFT parser used to check the export.

Mapping: single -> ``{=right ~wrong}``; multi -> ``{~%w%option ...}`` with ``100/n`` for each
of the n correct options and ``-100/n`` for each wrong one (the course's partial-credit rule;
Moodle floors a negative total at 0); truefalse -> ``{TRUE}``/``{FALSE}``; numeric ->
``{#value:tolerance}`` (a relative tolerance becomes the absolute one); matching ->
``{=left -> right ...}`` with unused choices as ``= -> distractor``. Option feedback follows
``#``, the explanation is the general feedback after ``####``.
"""

from __future__ import annotations

import re
from pathlib import Path

from crmlab.atomic import write_text
from crmlab.course.quiz.schema import Quiz, text

__all__ = ["export_gift", "to_gift", "parse_gift"]

_SPECIAL = re.compile(r"([~=#{}:\\])")


def _esc(value) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def to_gift(quiz: Quiz, *, lang: str = "en") -> str:
    """Return the GIFT text of a quiz (keys included: this is for the instructor's LMS)."""
    blocks = [f"// crmlab quiz {quiz.id}: {text(quiz.title, lang)}", f"$CATEGORY: crmlab/{quiz.id}"]
    for q in quiz.questions:
        prompt = _esc(text(q.prompt, lang))
        general = f" ####{_esc(text(q.explanation, lang))}" if q.explanation else ""
        if q.type in ("single", "multi"):
            n_correct = sum(o.correct for o in q.options)
            parts = []
            for o in q.options:
                feedback = f"#{_esc(text(o.feedback, lang))}" if o.feedback else ""
                if q.type == "single":
                    parts.append(f"{'=' if o.correct else '~'}{_esc(text(o.text, lang))}{feedback}")
                else:
                    w = 100 / n_correct * (1 if o.correct else -1)
                    parts.append(f"~%{_weight(w)}%{_esc(text(o.text, lang))}{feedback}")
            body = " ".join(parts)
        elif q.type == "truefalse":
            body = "TRUE" if q.answer else "FALSE"
        elif q.type == "numeric":
            kind, amount = q.tolerance
            tolerance = amount if kind == "absolute" else amount * abs(float(q.answer))
            body = f"#{float(q.answer):g}:{tolerance:g}"
        else:
            used = {p.match for p in q.pairs}
            choice_text = {c.id: text(c.text, lang) for c in q.choices}
            parts = [f"={_esc(text(p.left, lang))} -> {_esc(choice_text[p.match])}"
                     for p in q.pairs]
            parts += [f"= -> {_esc(t)}" for cid, t in choice_text.items() if cid not in used]
            body = " ".join(parts)
        blocks.append(f"::{_esc(q.id)}::[markdown]{prompt} {{{body}{general}}}")
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


def parse_gift(source: str) -> list[dict]:
    """Parse GIFT questions back into dicts (id, type, prompt, answers, general feedback).

    Examples
    --------
    >>> parse_gift("::q1::Sky? {TRUE}")[0]["type"], parse_gift("::n::N? {#3:0.5}")[0]["answer"]
    ('truefalse', (3.0, 0.5))
    """
    questions = []
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("//", "$"))]
    for block in re.split(r"\n\s*\n", "\n".join(lines)):
        block = block.strip()
        if not block:
            continue
        match = re.match(r"::(.*?)(?<!\\)::(?:\[markdown\])?(.*?)(?<!\\)\{(.*)(?<!\\)\}\s*$",
                         block, re.S)
        if not match:
            raise ValueError(f"not a GIFT question: {block[:60]!r}")
        qid, prompt, body = _unesc(match.group(1)), _unesc(match.group(2)), match.group(3)
        body, general = _cut(body, "####")
        question = {"id": qid, "prompt": prompt,
                    "general_feedback": _unesc(general) if general is not None else None}
        body = body.strip()
        if body in ("TRUE", "FALSE", "T", "F"):
            question.update(type="truefalse", answer=body.startswith("T"))
        elif body.startswith("#"):
            value, tolerance = body[1:].split(":")
            question.update(type="numeric", answer=(float(value), float(tolerance)))
        elif "->" in body:
            pairs = []
            for _, item in _split(body, "="):
                left, right = item.split("->", 1)
                pairs.append((_unesc(left), _unesc(right)))
            question.update(type="matching", pairs=pairs)
        else:
            answers = []
            for mark, item in _split(body, "=~"):
                weight = None
                found = re.match(r"\s*%(-?[\d.]+)%", item)
                if found:
                    weight, item = float(found.group(1)), item[found.end():]
                answer, feedback = _cut(item, "#")
                answers.append({"text": _unesc(answer), "correct": mark == "=",
                                "weight": weight,
                                "feedback": _unesc(feedback) if feedback is not None else None})
            is_multi = any(a["weight"] is not None for a in answers)
            question.update(type="multi" if is_multi else "single", answers=answers)
        questions.append(question)
    return questions
