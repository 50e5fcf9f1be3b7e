"""A deterministic simulated cohort answering a real quiz, for the instructor notebook and the
grading benchmark.

Each student has an ability ``theta ~ N(0, 1)``; each question a difficulty ``b`` drawn once
from the seed. A student answers right with probability ``1 / (1 + exp(-(theta - b)))``;
otherwise they give a wrong answer drawn by the question's type (for choice questions the first
distractors more often than the later ones, so some are never chosen, as in real cohorts). One
question per quiz can be given a deliberately wrong key (``miskeyed``) to show what negative
discrimination looks like. Bundles are written in the one submission format.

A graded number of one's own (``variant: student``) is answered on the student's own key when
``own`` is given: a function ``own(student_id) -> (variant digest, {question id: key})`` (the
grader's :class:`~crmlab.grading.variant_keys.StudentKeys` gives both); each such answer then
records the variant, as the widget records it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

from crmlab.core.atomic import write_bytes
from crmlab.quiz import submission
from crmlab.quiz.model import Quiz
from crmlab.quiz.types import get_type

__all__ = ["simulate_answers", "write_cohort", "write_bundles"]


def simulate_answers(quiz: Quiz, *, n_students: int, seed: int, miskeyed: str | None = None,
                     own=None):
    """Return ``{student_id: {question_id: answer}}`` for a simulated cohort.

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> cohort = simulate_answers(load("L00"), n_students=3, seed=1)
    >>> sorted(cohort), len(cohort["sim-0001"]) == len(load("L00").questions)
    (['sim-0001', 'sim-0002', 'sim-0003'], True)
    """
    rng = np.random.default_rng(seed)
    difficulty = rng.normal(-0.3, 1.0, len(quiz.questions))
    ability = rng.normal(0.0, 1.0, n_students)
    kinds = [get_type(question.type) for question in quiz.questions]
    cohort = {}
    for s in range(n_students):
        answers = {}
        student = f"sim-{s + 1:04d}"
        own_keys = own(student)[1] if own is not None else {}
        for question, kind, b in zip(quiz.questions, kinds, difficulty):
            if isinstance(own_keys.get(question.id), (int, float)):
                question = replace(question, answer=own_keys[question.id])
            p_right = 1 / (1 + np.exp(-(ability[s] - b)))
            if question.id == miskeyed:
                p_right = 1 - p_right  # strong students avoid the "key": a wrong key
            right = rng.random() < p_right
            if question.accept_any is not None:  # every valid answer is right: any option
                answers[question.id] = kind.wrong_answer(question, rng)
            else:
                answers[question.id] = (kind.right_answer(question) if right
                                        else kind.wrong_answer(question, rng))
        cohort[student] = answers
    return cohort


def write_cohort(quiz: Quiz, out: str | Path, *, n_students: int, seed: int,
                 miskeyed: str | None = None, own=None) -> list[Path]:
    """Write one ``crmlab submit`` bundle per simulated student into ``out`` (``own``: as
    :func:`simulate_answers` takes it)."""
    out = Path(out)
    created = "2026-11-20T10:00:00+00:00"
    paths = []
    for student, answers in simulate_answers(quiz, n_students=n_students, seed=seed,
                                             miskeyed=miskeyed, own=own).items():
        variants = {}
        if own is not None:
            digest, keys = own(student)
            variants = {question_id: digest for question_id in keys}
        raw = submission.answers_bytes(submission.answers_file(student, quiz.id, answers,
                                                               at=created, variants=variants))
        paths.append(write_bytes(out / f"{student}.zip",
                                 submission.bundle_bytes(student, [(quiz.id, raw)],
                                                         created=created)))
    return paths


def write_bundles(answers: dict, out: str | Path, *, received: dict | None = None,
                  created: str = "2026-11-20T10:00:00+00:00", own: dict | None = None) \
        -> list[Path]:
    """Write one ``crmlab submit`` bundle per student holding several quizzes.

    ``answers`` is ``{student_id: {quiz_id: {question_id: answer}}}``; ``received`` maps a
    student id to the time the instructor received the bundle, which becomes the file's time
    (as if collected then; :mod:`crmlab.grading.receipts` reads it). ``own`` maps a quiz id to
    the function :func:`simulate_answers` takes: its numbers of one's own record the student's
    variant, as the widget records it.

    Examples
    --------
    >>> import os, tempfile
    >>> from datetime import datetime, timezone
    >>> when = datetime(2026, 10, 3, 20, 0, tzinfo=timezone.utc)
    >>> paths = write_bundles({"s1": {"L00": {"run-order": "restart"}}}, tempfile.mkdtemp(),
    ...                       received={"s1": when})
    >>> paths[0].name, os.path.getmtime(paths[0]) == when.timestamp()
    ('s1.zip', True)
    """
    out = Path(out)
    paths = []
    own = own or {}
    for student, quizzes in answers.items():
        files = []
        for quiz_id, items in quizzes.items():
            variants = {}
            if quiz_id in own:
                digest, keys = own[quiz_id](student)
                variants = {question_id: digest for question_id in keys}
            files.append((quiz_id, submission.answers_bytes(submission.answers_file(
                student, quiz_id, items, at=created, variants=variants))))
        path = write_bytes(out / f"{student}.zip",
                           submission.bundle_bytes(student, files, created=created))
        when: datetime | None = (received or {}).get(student)
        if when is not None:
            os.utime(path, (when.timestamp(), when.timestamp()))
        paths.append(path)
    return paths
