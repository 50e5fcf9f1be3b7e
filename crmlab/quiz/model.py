"""The parsed form of a quiz: :class:`Quiz`, :class:`Question` and their parts.

These are plain frozen records; what a question *does* (check, score, render, export) belongs
to its type in :mod:`crmlab.quiz.types`. A question carries the parts the built-in
types share (options, pairs, choices, a key ``answer`` with its ``tolerance`` and ``unit``);
a type with parts of its own keeps them in ``extra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmlab.core.exceptions import QuizError

__all__ = ["Option", "Pair", "Question", "Quiz"]


@dataclass(frozen=True)
class Option:
    """An option of a choice question, or a choice of a matching question."""

    id: str
    text: object
    correct: bool = False
    feedback: object = None
    pin: bool = False


@dataclass(frozen=True)
class Pair:
    """A left-hand item of a matching question and the id of the choice it matches."""

    id: str
    left: object
    match: str | None


@dataclass(frozen=True)
class Question:
    """One question; ``type`` names its question type, ``mode`` is practice or graded.

    ``note`` is a remark shown with the prompt (e.g. "stem reconstructed"); ``accept_any`` is
    the reason why every answer scores full points (a question whose key is lost in the
    source); ``garbled`` names the parts (``prompt`` or item ids) whose source wording is
    garbled and carries a course gloss; ``extra`` holds the fields of a question type the
    common parts do not cover. ``variant`` is ``"student"`` for a graded number computed on
    each student's own data variant (its key is computed at grading; ``answer`` is the key on
    the practice variant) and ``inputs`` gives a formula question's own inputs as
    ``{name: (low, high, step)}``, shown in the prompt as ``{name}``
    (:mod:`crmlab.quiz.variants`).
    """

    id: str
    type: str
    prompt: object
    mode: str
    points: float = 1.0
    options: tuple[Option, ...] = ()
    answer: object = None
    tolerance: tuple[str, float] = ("absolute", 0.0)
    unit: object = ""
    pairs: tuple[Pair, ...] = ()
    choices: tuple[Option, ...] = ()
    explanation: object = None
    shuffle: bool = True
    tags: dict = field(default_factory=dict)
    note: object = None
    accept_any: object = None
    garbled: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)
    variant: str = "shared"
    inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Quiz:
    """A validated quiz file: its questions in file order and the languages it gives."""

    id: str
    title: object
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path | None = None
    lesson: str = ""
    mode: str = "practice"
    description: object = None
    released: bool = False

    def question(self, question_id: str) -> Question:
        """The question with this id, or a QuizError naming the known ids."""
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(repr(q.id) for q in self.questions)
        raise QuizError(f"quiz {self.id!r}: unknown question {question_id!r}; expected one of "
                        f"{known}")
