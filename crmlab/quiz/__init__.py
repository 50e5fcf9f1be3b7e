"""Quizzes: data in ``quizzes/*.yaml``, one schema, question types as plugins, one widget, one
grader.

- :func:`load` reads and validates a quiz (by id, e.g. ``"L02"``, or by path);
- :func:`show` renders it with ipywidgets in JupyterLab;
- :func:`record` saves one answer to disk at once and returns the feedback the student may see
  (practice questions: right or wrong, with the explanation; graded ones: only "saved");
- :func:`validate` lists the problems of quiz files as ``FILE:LINE: QUESTION_ID: message``.

Modules, one job each: ``model`` (the records), ``checker`` and ``schema`` (validation),
``loading`` (build and cache), ``types`` (one module per question type), ``scoring`` (the one
scorer), ``recording``, ``storage`` (the student's answer files), ``submission`` (the one format
of answer files and bundles), ``submit`` (``crmlab submit``'s zip), ``widget``, ``gift``,
``simulate``. Grading the answers is :mod:`crmlab.grading.quizzes`.

Examples
--------
>>> import os, tempfile
>>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
>>> quiz = load("L00")
>>> quiz.id, len(quiz.questions) >= 6
('L00', True)
>>> feedback = record("L00", "run-order", "restart")
>>> feedback.saved, feedback.correct
(True, True)
"""

from __future__ import annotations

from pathlib import Path

from crmlab.quiz.loading import load, quiz_files, validate
from crmlab.quiz.model import Question, Quiz
from crmlab.quiz.recording import Feedback, record

__all__ = ["load", "show", "record", "validate", "Feedback", "Quiz", "Question", "quiz_files"]


def show(quiz: str | Path, *, lang: str | None = None):
    """Render a quiz in JupyterLab (ipywidgets), e.g. ``quiz.show("L02")``."""
    from crmlab.quiz.widget import QuizView  # ipywidgets loads only when a quiz is shown

    return QuizView(load(quiz), lang=lang)
