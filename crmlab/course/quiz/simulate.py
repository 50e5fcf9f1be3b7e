"""A deterministic simulated cohort answering a real quiz, for the instructor notebook and the
grading benchmark.

Each student has an ability ``theta ~ N(0, 1)``; each question a difficulty ``b`` drawn once
from the seed. A student answers right with probability ``1 / (1 + exp(-(theta - b)))``;
otherwise they pick a distractor, the first distractors more often than the later ones (so some
are never chosen, as in real cohorts). One question per quiz can be given a deliberately
wrong key (``miskeyed``) to show what negative discrimination looks like.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from crmlab.atomic import write_bytes
from crmlab.course.quiz.schema import Quiz
from crmlab.course.submit import bundle_bytes

__all__ = ["simulate_answers", "write_cohort"]


def _right(question):
    if question.type == "single":
        return next(o.id for o in question.options if o.correct)
    if question.type == "multi":
        return sorted(o.id for o in question.options if o.correct)
    if question.type == "truefalse":
        return question.answer
    if question.type == "numeric":
        return float(question.answer)
    return {p.id: p.match for p in question.pairs}


def _wrong(question, rng):
    if question.type in ("single", "multi"):
        wrong = [o.id for o in question.options if not o.correct]
        weights = np.array([0.6 ** i for i in range(len(wrong))])
        weights[-1] *= 0.05  # the last distractor is almost never chosen
        pick = wrong[rng.choice(len(wrong), p=weights / weights.sum())]
        if question.type == "single":
            return pick
        right = [o.id for o in question.options if o.correct]
        return sorted(set(right[: max(1, len(right) - 1)]) | {pick})
    if question.type == "truefalse":
        return not question.answer
    if question.type == "numeric":
        return round(float(question.answer) * float(rng.choice([0.5, 0.8, 1.25, 2.0])), 4)
    choices = [c.id for c in question.choices]
    return {p.id: (p.match if rng.random() < 0.5 else choices[rng.integers(len(choices))])
            for p in question.pairs}


def simulate_answers(quiz: Quiz, *, n_students: int, seed: int, miskeyed: str | None = None):
    """Return ``{student_id: {question_id: answer}}`` for a simulated cohort.

    Examples
    --------
    >>> from crmlab.course.quiz import load
    >>> cohort = simulate_answers(load("L00"), n_students=3, seed=1)
    >>> sorted(cohort), len(cohort["sim-0001"]) == len(load("L00").questions)
    (['sim-0001', 'sim-0002', 'sim-0003'], True)
    """
    rng = np.random.default_rng(seed)
    difficulty = rng.normal(-0.3, 1.0, len(quiz.questions))
    ability = rng.normal(0.0, 1.0, n_students)
    cohort = {}
    for s in range(n_students):
        answers = {}
        for question, b in zip(quiz.questions, difficulty):
            p_right = 1 / (1 + np.exp(-(ability[s] - b)))
            if question.id == miskeyed:
                p_right = 1 - p_right  # strong students avoid the "key": a wrong key
            answers[question.id] = (_right(question) if rng.random() < p_right
                                    else _wrong(question, rng))
        cohort[f"sim-{s + 1:04d}"] = answers
    return cohort


def write_cohort(quiz: Quiz, out: str | Path, *, n_students: int, seed: int,
                 miskeyed: str | None = None) -> list[Path]:
    """Write one ``crmlab submit`` bundle per simulated student into ``out``."""
    out = Path(out)
    created = "2026-11-20T10:00:00+00:00"
    paths = []
    for student, answers in simulate_answers(quiz, n_students=n_students, seed=seed,
                                             miskeyed=miskeyed).items():
        data = {"format_version": 1, "student_id": student, "quiz_id": quiz.id,
                "answers": {q: {"answer": a, "answered_at": created, "attempts": 1,
                                "history": [{"answer": a, "answered_at": created}]}
                            for q, a in answers.items()}}
        raw = json.dumps(data, sort_keys=True).encode()
        paths.append(write_bytes(out / f"{student}.zip",
                                 bundle_bytes(student, [(quiz.id, raw)], created=created)))
    return paths
