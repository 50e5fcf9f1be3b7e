"""Quizzes in the static site: a form per question, checked in the browser by ``site_quiz.js``.

The browser's checking data comes from the one quiz schema (:func:`checking_data`): practice
questions only, with exactly what :func:`crmlab.quiz.scoring.score` reads (correct
flags, the numeric key with its absolute tolerance, the matches), the explanation and the option
feedback. Graded questions ship no key: the page shows their prompt and says to answer them in
JupyterLab. :func:`answer_table` lists answers (right, wrong, partial, edge cases) with the
verdict the library gives; the browser tests check the JavaScript against it on every practice
question of the course.
"""

from __future__ import annotations

import html
import json

from crmlab.core.i18n import label, localized, message
from crmlab.quiz.scoring import has_key, score
from crmlab.quiz.types import get_type
from crmlab.quiz.widget import option_order

__all__ = ["checking_data", "quiz_html", "answer_table", "expected_verdict"]

_LABELS = ("correct", "partly", "incorrect", "choose", "not_number", "any_answer", "check")


def _checkable(question) -> bool:
    """A practice question with a key, of a type the site's checker knows."""
    return (question.mode == "practice" and has_key(question)
            and get_type(question.type).browser_key(question) is not None)


def checking_data(quiz, *, lang: str = "en") -> dict:
    """What the browser needs to check ``quiz``'s practice questions; graded ones carry no key.

    Examples
    --------
    >>> from crmlab.quiz import load
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
        entry = {"id": question.id, "mode": "practice", "type": question.type,
                 "points": float(question.points),
                 "explanation": localized(question.explanation, lang),
                 "accept_any": localized(question.accept_any, lang) if question.accept_any else ""}
        entry.update(get_type(question.type).browser_key(question, lang))
        questions.append(entry)
    return {"quiz": quiz.id, "lang": lang, "labels": {k: label(k, lang) for k in _LABELS},
            "questions": questions}


def _order(quiz, question, items):
    # The site has no student: one fixed shuffled order, the same on every build.
    return option_order(list(items), student="site", quiz=quiz.id, question=question.id,
                        shuffle=question.shuffle)


def _graded(quiz, question, lang: str) -> str:
    esc = html.escape
    listed = [localized(o.text, lang) for o in _order(quiz, question, question.options)]
    listed += [f"{localized(p.left, lang)}" for p in question.pairs]
    items = "".join(f"<li>{esc(words)}</li>" for words in listed)
    code = f'<code>quiz.show("{esc(quiz.id)}")</code>'
    if question.mode == "graded":
        where = esc(message("site.graded_in_lab", lang=lang, mode=label(question.mode, lang),
                            code="\0")).replace("\0", code)
    else:
        where = esc(message("site.answer_in_lab", lang=lang, code="\0")).replace("\0", code)
    return (f'{"<ul>" + items + "</ul>" if items else ""}'
            f'<p class="crmlab-where">{where}</p>')


def quiz_html(quiz, *, lang: str = "en") -> str:
    """The quiz as accessible HTML forms (fieldset and legend per question) with its data.

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> page = quiz_html(load("L00"))
    >>> page.count("<fieldset") == len(load("L00").questions), "crmlab-quiz-data" in page
    (True, True)
    """
    esc = html.escape
    parts = []
    for number, question in enumerate(quiz.questions, 1):
        base = f"q-{esc(quiz.id)}-{esc(question.id)}"
        unit = label("point" if question.points == 1 else "points", lang)
        note = (f'<p class="crmlab-note"><i>{esc(localized(question.note, lang))}</i></p>'
                if question.note else "")
        legend = (f'<legend><b>{esc(label("question", lang))} {number}.</b> '
                  f'{esc(localized(question.prompt, lang))} <span class="crmlab-badge">'
                  f'({esc(label(question.mode, lang))}, {question.points:g} {esc(unit)})</span>'
                  f'</legend>')
        if _checkable(question):
            inputs = get_type(question.type).browser_input(
                question, lang=lang, base=base,
                order=lambda items, q=question: _order(quiz, q, items))
            body = (f'{note}{inputs}</fieldset>'
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
            f'{esc(localized(quiz.title, lang))}</h2>{"".join(parts)}'
            f'<script type="application/json" class="crmlab-quiz-data">{data}</script></section>')


# ---------------------------------------------------------------- the table of answers
def expected_verdict(question, answer, *, lang: str = "en") -> dict:
    """The feedback the library gives a practice answer, in the form ``site_quiz.js`` returns.

    ``answer`` is what the page's inputs hold: an option id, a list of ids, a bool, the raw
    text of a number field, or ``{pair id: choice id or None}``; None is "nothing chosen".
    """
    kind = get_type(question.type)
    try:
        answer = kind.browser_answer(question, answer)
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
            "explanation": localized(question.explanation, lang),
            "option_feedback": list(kind.option_feedback(question, canonical, lang)),
            "accepted_any": localized(question.accept_any, lang)}


def answer_table(quiz, *, lang: str = "en") -> list[dict]:
    """Answers to every practice question the site checks, each with the library's verdict.

    Rows are ``{"quiz", "question", "type", "answer", "expected"}``; ``answer`` is in the form the
    page's inputs give (see :func:`expected_verdict`).

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> rows = answer_table(load("L00"))
    >>> {row["expected"]["status"] for row in rows} >= {"ok", "choose"}
    True
    """
    rows = []
    for question in quiz.questions:
        if not _checkable(question):
            continue
        for answer in get_type(question.type).browser_answers(question):
            rows.append({"quiz": quiz.id, "question": question.id, "type": question.type,
                         "answer": answer,
                         "expected": expected_verdict(question, answer, lang=lang)})
    return rows
