"""The one grader of a question: ``score(question, answer)``.

The practice feedback in the widget, the instructor's ``crmlab grade`` and the item analysis's
strategy scores all call it, so a student sees the same judgement the gradebook records. The
rule of each type is in its module (:mod:`crmlab.quiz.types`) and in
``quizzes/README.md``; a question with ``accept_any`` gives full points for every valid answer;
an answer to a type that is not machine-scored stays pending.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmlab.core.exceptions import QuizError
from crmlab.quiz.types import get_type

__all__ = ["Score", "score", "check_answer", "has_key"]


@dataclass(frozen=True)
class Score:
    """The verdict on one answer; ``pending`` when a person still has to grade it."""

    points: float
    max_points: float
    correct: bool
    pending: bool = False


def has_key(question) -> bool:
    """Whether ``question`` can be scored here (a student release keeps graded keys away)."""
    return question.accept_any is not None or get_type(question.type).has_key(question)


def check_answer(question, answer):
    """Return ``answer`` in canonical form, or raise QuizError naming what is wrong.

    Canonical forms: single -> option id; multi -> sorted list of option ids; truefalse -> bool;
    numeric -> float; matching -> {pair id: choice id} (each type says its own).
    """
    return get_type(question.type).canonical(question, answer)


def score(question, answer) -> Score:
    """Score one answer to one question.

    Examples
    --------
    >>> from crmlab.quiz.model import Question, Option
    >>> q = Question(id="q", type="multi", prompt="Pick", mode="practice", points=2,
    ...              options=(Option("a", "A", True), Option("b", "B", True),
    ...                       Option("c", "C", False)))
    >>> score(q, ["a", "b"])
    Score(points=2.0, max_points=2.0, correct=True, pending=False)
    >>> score(q, ["a", "c"]).points, score(q, ["a"]).points
    (0.0, 1.0)
    """
    kind = get_type(question.type)
    points = float(question.points)
    if question.accept_any is not None:
        kind.canonical(question, answer)
        return Score(points=points, max_points=points, correct=True)
    if not kind.machine_scored:
        kind.canonical(question, answer)
        return Score(points=float("nan"), max_points=points, correct=False, pending=True)
    if not kind.has_key(question):
        raise QuizError(f"question {question.id!r} has no answer key here (a student release "
                        "keeps graded keys with the instructor)")
    fraction = kind.fraction(question, kind.canonical(question, answer))
    return Score(points=round(points * fraction, 6), max_points=points, correct=fraction == 1.0)
