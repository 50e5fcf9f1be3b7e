"""Recording an answer: check it, save it at once, say what the student may see.

The first step of the answer's path: record -> store (:mod:`crmlab.quiz.storage`) ->
bundle (:mod:`crmlab.quiz.submit`) -> read -> judge -> gradebook
(:mod:`crmlab.grading.quizzes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from crmlab.core.i18n import localized
from crmlab.quiz.loading import load

__all__ = ["Feedback", "record"]


@dataclass(frozen=True)
class Feedback:
    """What the student may see after answering.

    Graded questions get only ``saved=True``; practice questions their verdict, the feedback of
    the options they chose, the explanation and, for a question that accepts any answer, the
    reason (``accepted_any``). ``pending`` marks an answer a person will grade.
    """

    saved: bool
    mode: str
    correct: bool | None = None
    points: float | None = None
    max_points: float | None = None
    explanation: str = ""
    option_feedback: tuple[str, ...] = ()
    accepted_any: str = ""
    pending: bool = False


def record(quiz_id, question_id: str, answer, *, lang: str = "en") -> Feedback:
    """Save one answer of the current student at once, then return the feedback.

    ``quiz_id`` is a quiz id (``"L02"``) or the path of a quiz file. The answer is validated
    first (unknown question, option, pair or choice ids raise a QuizError naming them) and
    written atomically, so it survives a killed kernel. Practice questions get their verdict and
    explanation; graded questions only ``saved=True``.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> feedback = record("L00", "run-order", "restart")
    >>> feedback.saved, feedback.correct
    (True, True)
    """
    # Scoring and storage load with the first answer: a lesson's `from crmlab import quiz` stays
    # light.
    from crmlab.quiz.scoring import has_key, score
    from crmlab.quiz.storage import save_answer
    from crmlab.quiz.types import get_type
    from crmlab.student import get_id

    quiz = load(quiz_id)
    question = quiz.question(question_id)
    kind = get_type(question.type)
    canonical = kind.canonical(question, answer)
    own = None
    if question.variant == "student":  # a number of one's own: say which data it came from
        from crmlab.datasets import variant

        own = variant().digest
    save_answer(get_id(), quiz.id, question.id, canonical, variant=own)
    if question.mode == "graded" or not has_key(question):
        return Feedback(saved=True, mode=question.mode,
                        pending=not kind.machine_scored and question.accept_any is None)
    verdict = score(question, canonical)
    if verdict.pending:
        return Feedback(saved=True, mode=question.mode, pending=True)
    return Feedback(saved=True, mode="practice", correct=verdict.correct, points=verdict.points,
                    max_points=verdict.max_points, explanation=localized(question.explanation, lang),
                    option_feedback=kind.option_feedback(question, canonical, lang),
                    accepted_any=localized(question.accept_any, lang))
