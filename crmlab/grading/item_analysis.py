"""Item analysis of a graded cohort (difficulty, discrimination, distractors), and the scores
of constant-answer strategies on any quiz.

- difficulty ``p``: the mean share of the points students earned on the item (1 = everyone
  right);
- ``point_biserial``: the correlation between the item score and the rest score (the total
  without this item, so the item does not correlate with itself); NaN when either is constant;
- ``upper_lower``: the share of the item's points in the top 27% of students by total minus the
  share in the bottom 27% (Kelley 1939); groups have ``ceil(0.27 n)`` students, ties broken by
  student id;
- option counts: how many students chose each option, distractors never chosen included (the
  question's type says what it counts).

Flags (a convention, see the instructor notebook): p > 0.9 "too easy", p < 0.2 "too hard",
discrimination < 0.1 "low discrimination", negative "negative discrimination: check the key".
An item weighted 0 by the instructor is left out.

:func:`constant_strategies` scores the strategies a student can follow without reading the
questions ("always the first option", "always the last option", "always 'all answers are
correct'", ...; each question type says which it offers) and flags a strategy that beats
:data:`STRATEGY_LIMIT` of the points.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd

from crmlab.grading.files import ITEM_ANALYSIS_COLUMNS, STRATEGY_COLUMNS
from crmlab.quiz.scoring import score
from crmlab.quiz.types import get_type

__all__ = ["item_analysis", "flag", "constant_strategies", "STRATEGY_LIMIT"]

#: A constant-answer strategy scoring more than this share of a quiz's points is flagged.
STRATEGY_LIMIT = 0.40


def flag(difficulty: float, discrimination: float) -> str:
    """The revision flag of an item.

    Examples
    --------
    >>> flag(0.95, 0.3), flag(0.5, -0.2), flag(0.5, 0.4)
    ('too easy', 'negative discrimination: check the key', '')
    """
    flags = []
    if not math.isnan(discrimination) and discrimination < 0:
        flags.append("negative discrimination: check the key")
    elif not math.isnan(discrimination) and discrimination < 0.1:
        flags.append("low discrimination")
    if difficulty > 0.9:
        flags.append("too easy")
    elif difficulty < 0.2:
        flags.append("too hard")
    return "; ".join(flags)


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def item_analysis(responses: pd.DataFrame, *, questions=None) -> pd.DataFrame:
    """Analyse every item of a long responses table.

    Parameters
    ----------
    responses : DataFrame
        Columns student_id, quiz_id, question_id, points, max_points and, for option counts,
        ``answer`` (an option id, a list of them, or a bool; or ``answer_text``, its JSON).
    questions : dict, optional
        ``{(quiz_id, question_id): Question}``, used for option ids and types.

    Examples
    --------
    >>> r = pd.DataFrame({"student_id": ["a", "b", "c", "d"], "quiz_id": "Q",
    ...                   "question_id": "q1", "points": [1, 1, 0, 0], "max_points": 1,
    ...                   "answer": ["x", "x", "y", "y"]})
    >>> row = item_analysis(r).iloc[0]
    >>> float(row["difficulty"]), float(row["upper_lower"]), row["option_counts"]
    (0.5, 1.0, 'x:2; y:2')
    """
    if not responses.empty:
        used = [c for c in ("student_id", "quiz_id", "question_id", "points", "max_points",
                            "answer_text" if "answer_text" in responses else "answer")
                if c in responses]  # only these are copied (200,000 rows in a large cohort)
        responses = responses.loc[(responses["max_points"] > 0) & responses["points"].notna(),
                                  used]
    if responses.empty:
        return pd.DataFrame(columns=ITEM_ANALYSIS_COLUMNS)
    points = responses["points"].to_numpy(dtype=float)
    scores = points / responses["max_points"].to_numpy(dtype=float)
    totals = responses.groupby("student_id")["points"].sum()
    order = totals.reset_index().sort_values(["points", "student_id"], kind="mergesort")
    n_group = math.ceil(0.27 * len(order))
    # A student can be in both groups when there are very few students.
    lower = totals.index.isin(order["student_id"].iloc[:n_group])
    upper = totals.index.isin(order["student_id"].iloc[len(order) - n_group:])
    codes = totals.index.get_indexer(responses["student_id"])
    rest = totals.to_numpy(dtype=float)[codes] - points
    in_lower, in_upper = lower[codes], upper[codes]
    parsed = "answer_text" in responses
    column = "answer_text" if parsed else "answer"
    answers = responses[column].to_numpy(dtype=object) if column in responses else None
    rows = []
    for (quiz_id, question_id), at in responses.groupby(["quiz_id", "question_id"],
                                                        sort=True).indices.items():
        item = scores[at]
        top, bottom = item[in_upper[at]], item[in_lower[at]]
        upper_lower = (top.mean() if len(top) else np.nan) - \
                      (bottom.mean() if len(bottom) else np.nan)
        question = (questions or {}).get((quiz_id, question_id))
        counts = _option_counts(None if answers is None else answers[at], question,
                                parsed=parsed)
        difficulty = float(item.mean())
        pbis = _corr(item, rest[at])
        rows.append({
            "quiz_id": quiz_id, "question_id": question_id,
            "type": question.type if question else "",
            "n": len(at), "difficulty": round(difficulty, 4),
            "point_biserial": round(pbis, 4) if not math.isnan(pbis) else float("nan"),
            "upper_lower": round(float(upper_lower), 4),
            "option_counts": "; ".join(f"{k}:{v}" for k, v in counts.items()),
            "never_chosen": " ".join(k for k, v in counts.items() if v == 0),
            "flag": flag(difficulty, pbis),
        })
    return pd.DataFrame(rows, columns=ITEM_ANALYSIS_COLUMNS)


def _option_counts(answers, question, *, parsed: bool) -> dict:
    """Choices per counted id; answers given as JSON texts are counted once per distinct text."""
    if answers is None:
        return {}
    counts: dict = {}
    if question is not None:
        kind = get_type(question.type)
        counted = kind.counted(question)
        if counted is None:
            return {}
        counts = dict.fromkeys(counted, 0)
    if parsed:
        distinct = Counter(answers)
        chosen = [(json.loads(raw), n) for raw, n in distinct.items()]
    else:
        chosen = [(answer, 1) for answer in answers]
    for answer, n in chosen:
        if question is not None:
            ids = kind.chosen(question, answer)
        else:
            ids = [str(a).lower() if isinstance(a, bool) else str(a)
                   for a in (answer if isinstance(answer, list) else [answer])]
        for key in ids:
            counts[key] = counts.get(key, 0) + n
    return counts


def constant_strategies(quiz, *, weights=None) -> pd.DataFrame:
    """Score every constant-answer strategy on ``quiz``, without any submission.

    A strategy ("first option", "last option", "all answers are correct", ...) gives the same
    kind of answer to every question whose type offers it and nothing elsewhere. The score
    counts the graded questions (the whole quiz when it has none), each with its points times
    the instructor's weight (``weights``: see :mod:`crmlab.grading.weights`); ``flag`` says
    when a strategy beats :data:`STRATEGY_LIMIT` of the points.

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> table = constant_strategies(load("L00"))
    >>> table.columns.tolist()
    ['quiz_id', 'strategy', 'questions', 'points', 'max_points', 'share', 'flag']
    >>> bool((table["share"] <= 1).all())
    True
    """
    from crmlab.grading.weights import apply_weights

    if weights is not None:
        quiz = apply_weights({quiz.id: quiz}, weights)[quiz.id]
    counted = [q for q in quiz.questions if q.mode == "graded"] or list(quiz.questions)
    offered = [(q, get_type(q.type).strategies(q)) for q in counted]
    names = list(dict.fromkeys(name for _, found in offered for name in found))
    possible = sum(q.points for q in counted)
    rows = []
    for name in names:
        earned = sum(score(q, found[name]).points for q, found in offered if name in found)
        share = earned / possible if possible else 0.0
        rows.append({"quiz_id": quiz.id, "strategy": name,
                     "questions": sum(name in found for _, found in offered),
                     "points": round(earned, 4), "max_points": round(possible, 4),
                     "share": round(share, 4),
                     "flag": f"beats {STRATEGY_LIMIT:.0%}" if share > STRATEGY_LIMIT else ""})
    return pd.DataFrame(rows, columns=STRATEGY_COLUMNS)
