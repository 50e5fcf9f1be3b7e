"""The one grader of a question: ``score(question, answer)``.

The practice feedback in the widget and the instructor's ``crmlab grade`` both call it, so a
student sees the same judgement the gradebook records. Rules (also in ``quizzes/README.md``):

- single, truefalse: all or nothing.
- multi: ``max(0, (right ticks - wrong ticks) / number of correct options)`` of the points, so
  ticking everything earns nothing and a missed correct option costs its share.
- numeric: full points when ``|answer - key| <= tolerance`` (absolute), or
  ``<= tolerance * |key|`` (relative); otherwise none.
- matching: the share of left items matched to their correct choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from crmlab.course.quiz.schema import Question
from crmlab.exceptions import QuizError

__all__ = ["Score", "score", "check_answer"]


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float
    correct: bool


def check_answer(question: Question, answer):
    """Return ``answer`` in canonical form, or raise QuizError naming what is wrong.

    Canonical forms: single -> option id; multi -> sorted list of option ids; truefalse -> bool;
    numeric -> float; matching -> {pair id: choice id}.
    """
    qid = question.id
    if question.type == "single":
        ids = {o.id for o in question.options}
        if not isinstance(answer, str) or answer not in ids:
            raise QuizError(f"question {qid!r}: unknown option {answer!r}; expected one of "
                            f"{', '.join(sorted(ids))}")
        return answer
    if question.type == "multi":
        ids = {o.id for o in question.options}
        if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
            raise QuizError(f"question {qid!r}: a multi answer is a list of option ids, "
                            f"got {answer!r}")
        unknown = [a for a in answer if a not in ids]
        if unknown:
            raise QuizError(f"question {qid!r}: unknown option {unknown[0]!r}; expected one of "
                            f"{', '.join(sorted(ids))}")
        return sorted(set(answer))
    if question.type == "truefalse":
        if not isinstance(answer, bool):
            raise QuizError(f"question {qid!r}: a truefalse answer is true or false, "
                            f"got {answer!r}")
        return answer
    if question.type == "numeric":
        if isinstance(answer, bool):
            raise QuizError(f"question {qid!r}: a numeric answer is a number, got {answer!r}")
        try:
            value = float(answer)
        except (TypeError, ValueError):
            raise QuizError(f"question {qid!r}: a numeric answer is a number, "
                            f"got {answer!r}") from None
        if not math.isfinite(value):
            raise QuizError(f"question {qid!r}: a numeric answer must be finite, got {answer!r}")
        return value
    if question.type == "matching":
        pairs = {p.id for p in question.pairs}
        choices = {c.id for c in question.choices}
        if not isinstance(answer, dict):
            raise QuizError(f"question {qid!r}: a matching answer maps pair ids to choice ids, "
                            f"got {answer!r}")
        for left, right in answer.items():
            if left not in pairs:
                raise QuizError(f"question {qid!r}: unknown pair {left!r}; expected one of "
                                f"{', '.join(sorted(pairs))}")
            if right is not None and right not in choices:
                raise QuizError(f"question {qid!r}: unknown choice {right!r} for pair {left!r}; "
                                f"expected one of {', '.join(sorted(choices))}")
        return {k: answer[k] for k in sorted(answer) if answer[k] is not None}
    raise QuizError(f"question {qid!r}: unknown type {question.type!r}")


def score(question: Question, answer) -> Score:
    """Score one answer to one question.

    Examples
    --------
    >>> from crmlab.course.quiz.schema import Question, Option
    >>> q = Question(id="q", type="multi", prompt="Pick", mode="practice", points=2,
    ...              options=(Option("a", "A", True), Option("b", "B", True),
    ...                       Option("c", "C", False)))
    >>> score(q, ["a", "b"])
    Score(points=2.0, max_points=2.0, correct=True)
    >>> score(q, ["a", "c"])
    Score(points=0.0, max_points=2.0, correct=False)
    >>> score(q, ["a"])
    Score(points=1.0, max_points=2.0, correct=False)
    """
    if not question.has_key:
        raise QuizError(f"question {question.id!r} has no answer key here (a student release "
                        "keeps graded keys with the instructor)")
    answer = check_answer(question, answer)
    points = float(question.points)
    if question.type == "single":
        fraction = float(any(o.correct and o.id == answer for o in question.options))
    elif question.type == "multi":
        correct = {o.id for o in question.options if o.correct}
        chosen = set(answer)
        fraction = max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    elif question.type == "truefalse":
        fraction = float(answer == question.answer)
    elif question.type == "numeric":
        kind, amount = question.tolerance
        allowed = amount if kind == "absolute" else amount * abs(float(question.answer))
        fraction = float(abs(answer - float(question.answer)) <= allowed + 1e-12)
    else:
        right = sum(answer.get(p.id) == p.match for p in question.pairs)
        fraction = right / len(question.pairs)
    return Score(points=round(points * fraction, 6), max_points=points, correct=fraction == 1.0)
