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

from pathlib import Path

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


def _where(quiz, question, lang: str) -> tuple[str, str]:
    """The words before and after ``quiz.show("ID")`` in the line that says where to answer."""
    if question.mode == "graded":
        words = message("site.graded_in_lab", lang=lang, mode=label(question.mode, lang),
                        code="\0")
    else:
        words = message("site.answer_in_lab", lang=lang, code="\0")
    before, _, after = words.partition("\0")
    return before, after


def quiz_html(quiz, *, lang: str = "en"):
    """The quiz as accessible HTML forms (fieldset and legend per question) with its data,
    from the template ``site_templates/quiz.html.j2``.

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> page = quiz_html(load("L00"))
    >>> page.count("<fieldset") == len(load("L00").questions), "crmlab-quiz-data" in page
    (True, True)
    """
    questions = []
    for number, question in enumerate(quiz.questions, 1):
        entry = {"id": question.id, "mode": question.mode, "number": number,
                 "label": label("question", lang), "prompt": localized(question.prompt, lang),
                 "mode_label": label(question.mode, lang), "points": f"{question.points:g}",
                 "unit": label("point" if question.points == 1 else "points", lang),
                 "note": localized(question.note, lang) if question.note else "",
                 "inputs": None}
        if _checkable(question):
            entry["inputs"] = get_type(question.type).browser_input(
                question, lang=lang, base=f"q-{quiz.id}-{question.id}",
                order=lambda items, q=question: _order(quiz, q, items))
        else:
            entry["listed"] = [localized(o.text, lang)
                               for o in _order(quiz, question, question.options)]
            entry["listed"] += [localized(p.left, lang) for p in question.pairs]
            entry["where"] = _where(quiz, question, lang)
        questions.append(entry)
    return _templates().get_template("quiz.html.j2").render(
        quiz_id=quiz.id, lang=lang, title=localized(quiz.title, lang), questions=questions,
        check=label("check", lang), data=checking_data(quiz, lang=lang)).rstrip("\n")


def _templates():
    from crmlab.core.html import templates

    return templates(str(Path(__file__).with_name("site_templates")))


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
