"""Quizzes in the static site: a form per question, checked in the browser by ``site_quiz.js``.

The browser's checking data comes from the one quiz schema (:func:`checking_data`): practice
questions only, with exactly what :func:`crmlab.course.quiz.scoring.score` reads (correct
flags, the numeric key with its absolute tolerance, the matches), the explanation and the option
feedback. Graded questions ship no key: the page shows their prompt and says to answer them in
JupyterLab. :func:`answer_table` lists answers (right, wrong, partial, edge cases) with the
verdict the library gives; the browser tests check the JavaScript against it on every practice
question of the course.
"""

from __future__ import annotations

import html
import json

from crmlab.course.quiz.i18n import label, text
from crmlab.course.quiz.scoring import has_key, score
from crmlab.course.quiz.types import get_type
from crmlab.course.quiz.widget import option_order

__all__ = ["checking_data", "quiz_html", "answer_table", "expected_verdict", "SITE_TYPES"]

#: The question types the site's checker knows; others say to answer them in JupyterLab.
SITE_TYPES = ("single", "multi", "truefalse", "numeric", "matching")

_LABELS = ("correct", "partly", "incorrect", "choose", "not_number", "any_answer", "check")


def _key(question, lang: str) -> dict:
    """The type-specific part of a practice question's checking data."""
    kind = get_type(question.type)
    if not kind.has_key(question):
        return {}
    if question.type in ("single", "multi"):
        return {"options": [{"id": o.id, "correct": bool(o.correct),
                             "feedback": text(o.feedback, lang)} for o in question.options]}
    if question.type == "truefalse":
        return {"answer": bool(question.answer)}
    if question.type == "numeric":
        return {"answer": float(question.answer), "allowed": kind.allowed(question)}
    return {"pairs": [{"id": p.id, "match": p.match} for p in question.pairs]}


def _checkable(question) -> bool:
    return (question.mode == "practice" and question.type in SITE_TYPES and has_key(question))


def checking_data(quiz, *, lang: str = "en") -> dict:
    """What the browser needs to check ``quiz``'s practice questions; graded ones carry no key.

    Examples
    --------
    >>> from crmlab.course.quiz import load
    >>> data = checking_data(load("L00"))
    >>> sorted({q["mode"] for q in data["questions"]})
    ['graded', 'practice']
    >>> [sorted(q) for q in data["questions"] if q["mode"] == "graded"][0]
    ['id', 'mode']
    """
    questions = []
    for question in quiz.questions:
        if not _checkable(question):
            questions.append({"id": question.id, "mode": question.mode})
            continue
        # Option feedback is needed for every option, not only for keyed ones.
        entry = {"id": question.id, "mode": "practice", "type": question.type,
                 "points": float(question.points),
                 "explanation": text(question.explanation, lang),
                 "accept_any": text(question.accept_any, lang) if question.accept_any else ""}
        entry.update(_key(question, lang))
        if question.type in ("single", "multi") and "options" not in entry:
            entry["options"] = [{"id": o.id, "correct": False, "feedback": text(o.feedback, lang)}
                                for o in question.options]
        questions.append(entry)
    return {"quiz": quiz.id, "lang": lang, "labels": {k: label(k, lang) for k in _LABELS},
            "questions": questions}


def _order(quiz, question, items):
    # The site has no student: one fixed shuffled order, the same on every build.
    return option_order(list(items), student="site", quiz=quiz.id, question=question.id,
                        shuffle=question.shuffle)


def _input(quiz, question, lang: str, base: str) -> str:
    esc = html.escape
    if question.type in ("single", "multi", "truefalse"):
        kind = "checkbox" if question.type == "multi" else "radio"
        if question.type == "truefalse":
            items = [("true", label("true", lang)), ("false", label("false", lang))]
        else:
            items = [(o.id, text(o.text, lang)) for o in _order(quiz, question, question.options)]
        return "".join(
            f'<div class="crmlab-option"><input type="{kind}" name="{base}" id="{base}-{esc(oid)}"'
            f' value="{esc(oid)}"><label for="{base}-{esc(oid)}">{esc(words)}</label></div>'
            for oid, words in items)
    if question.type == "numeric":
        unit = (f' <span id="{base}-unit">{esc(question.unit)}</span>' if question.unit else "")
        described = f' aria-describedby="{base}-unit"' if question.unit else ""
        return (f'<div class="crmlab-option"><label for="{base}-value">{esc(label("number", lang))}'
                f'</label> <input type="text" inputmode="decimal" autocomplete="off" '
                f'id="{base}-value" name="{base}"{described}>{unit}</div>')
    choices = _order(quiz, question, question.choices)
    options = f'<option value="">{esc(label("choose", lang))}</option>' + "".join(
        f'<option value="{esc(c.id)}">{esc(text(c.text, lang))}</option>' for c in choices)
    return "".join(
        f'<div class="crmlab-pair"><label for="{base}-{esc(p.id)}">{esc(text(p.left, lang))}'
        f'</label> <select id="{base}-{esc(p.id)}" data-pair="{esc(p.id)}">{options}</select></div>'
        for p in _order(quiz, question, question.pairs))


def _graded(quiz, question, lang: str) -> str:
    esc = html.escape
    listed = [text(o.text, lang) for o in _order(quiz, question, question.options)]
    listed += [f"{text(p.left, lang)}" for p in question.pairs]
    items = "".join(f"<li>{esc(words)}</li>" for words in listed)
    where = (f'This is a {esc(label(question.mode, lang))} question: answer it in JupyterLab '
             f'(<code>quiz.show("{esc(quiz.id)}")</code>). The site holds no key for it.'
             if question.mode == "graded" else
             f'Answer this question in JupyterLab (<code>quiz.show("{esc(quiz.id)}")</code>).')
    return (f'{"<ul>" + items + "</ul>" if items else ""}'
            f'<p class="crmlab-where">{where}</p>')


def quiz_html(quiz, *, lang: str = "en") -> str:
    """The quiz as accessible HTML forms (fieldset and legend per question) with its data.

    Examples
    --------
    >>> from crmlab.course.quiz import load
    >>> page = quiz_html(load("L00"))
    >>> page.count("<fieldset") == len(load("L00").questions), "crmlab-quiz-data" in page
    (True, True)
    """
    esc = html.escape
    parts = []
    for number, question in enumerate(quiz.questions, 1):
        base = f"q-{esc(quiz.id)}-{esc(question.id)}"
        unit = label("point" if question.points == 1 else "points", lang)
        note = (f'<p class="crmlab-note"><i>{esc(text(question.note, lang))}</i></p>'
                if question.note else "")
        legend = (f'<legend><b>{esc(label("question", lang))} {number}.</b> '
                  f'{esc(text(question.prompt, lang))} <span class="crmlab-badge">'
                  f'({esc(label(question.mode, lang))}, {question.points:g} {esc(unit)})</span>'
                  f'</legend>')
        if _checkable(question):
            body = (f'{note}{_input(quiz, question, lang, base)}</fieldset>'
                    f'<button type="submit" class="crmlab-submit">{esc(label("check", lang))}'
                    f'</button><div class="crmlab-feedback" role="status" aria-live="polite">'
                    f'</div>')
        else:
            body = f"{note}{_graded(quiz, question, lang)}</fieldset>"
        parts.append(f'<form class="crmlab-question crmlab-mode-{esc(question.mode)}" '
                     f'data-question="{esc(question.id)}" novalidate><fieldset>{legend}{body}'
                     f'</form>')
    data = json.dumps(checking_data(quiz, lang=lang), ensure_ascii=False, sort_keys=True)
    # "</" inside a script element would end it early.
    data = data.replace("</", "<\\/")
    return (f'<section class="crmlab-quiz" data-quiz="{esc(quiz.id)}" lang="{esc(lang)}" '
            f'aria-labelledby="quiz-{esc(quiz.id)}-title"><h2 id="quiz-{esc(quiz.id)}-title">'
            f'{esc(text(quiz.title, lang))}</h2>{"".join(parts)}'
            f'<script type="application/json" class="crmlab-quiz-data">{data}</script></section>')


# ---------------------------------------------------------------- the table of answers
def _read_number(raw: str):
    # The JupyterLab widget's reading of its number field: a comma is the decimal mark.
    raw = raw.strip().replace(",", ".")
    return float(raw) if raw else None


def expected_verdict(question, answer, *, lang: str = "en") -> dict:
    """The feedback the library gives a practice answer, in the form ``site_quiz.js`` returns.

    ``answer`` is what the page's inputs hold: an option id, a list of ids, a bool, the raw
    text of a number field, or ``{pair id: choice id or None}``; None is "nothing chosen".
    """
    kind = get_type(question.type)
    if question.type == "numeric" and answer is not None:
        try:
            answer = _read_number(answer)
        except ValueError:
            return {"status": "not_number"}
    if answer is None:
        return {"status": "choose"}
    canonical = kind.canonical(question, answer)
    verdict = score(question, canonical)
    return {"status": "ok", "correct": verdict.correct, "points": verdict.points,
            "max_points": verdict.max_points,
            "verdict": "correct" if verdict.correct else "partly" if verdict.points else
            "incorrect",
            "explanation": text(question.explanation, lang),
            "option_feedback": list(kind.option_feedback(question, canonical, lang)),
            "accepted_any": text(question.accept_any, lang)}


def _cases(question) -> list:
    kind = get_type(question.type)
    if question.type == "single":
        return [o.id for o in question.options] + [None]
    if question.type == "truefalse":
        return [True, False, None]
    if question.type == "multi":
        ids = [o.id for o in question.options]
        right = [o.id for o in question.options if o.correct]
        wrong = [i for i in ids if i not in right]
        cases = [right, ids, [], *[[i] for i in ids], right[:-1]]
        if wrong:
            cases += [right + wrong[:1], right[:1] + wrong[:1]]
        return cases
    if question.type == "numeric":
        if not kind.has_key(question):
            return ["1", "0", "", "abc"]
        key, allowed = float(question.answer), kind.allowed(question)
        step = max(allowed, abs(key) * 0.01, 0.01)
        return [repr(key), repr(key + allowed), repr(key - allowed), repr(key + allowed + step),
                repr(key - allowed - step), f" {key:g} ", f"{key:g}".replace(".", ","), "",
                "abc", "1.2.3"]
    pairs, choices = [p.id for p in question.pairs], [c.id for c in question.choices]
    right = {p.id: p.match for p in question.pairs}
    one_off = dict(right)
    one_off[pairs[0]] = next(c for c in choices if c != right[pairs[0]])
    return [right, one_off, {**right, pairs[-1]: None}, {p: None for p in pairs},
            {p: choices[0] for p in pairs}, {p: choices[-1] for p in pairs}]


def answer_table(quiz, *, lang: str = "en") -> list[dict]:
    """Answers to every practice question the site checks, each with the library's verdict.

    Rows are ``{"quiz", "question", "type", "answer", "expected"}``; ``answer`` is in the form the
    page's inputs give (see :func:`expected_verdict`).

    Examples
    --------
    >>> from crmlab.course.quiz import load
    >>> rows = answer_table(load("L00"))
    >>> {row["expected"]["status"] for row in rows} >= {"ok", "choose"}
    True
    """
    rows = []
    for question in quiz.questions:
        if not _checkable(question):
            continue
        for answer in _cases(question):
            rows.append({"quiz": quiz.id, "question": question.id, "type": question.type,
                         "answer": answer,
                         "expected": expected_verdict(question, answer, lang=lang)})
    return rows
