"""Item analysis of a graded cohort: difficulty, discrimination, distractors.

- difficulty ``p``: the mean share of the points students earned on the item (1 = everyone
  right);
- ``point_biserial``: the correlation between the item score and the rest score (the total
  without this item, so the item does not correlate with itself); NaN when either is constant;
- ``upper_lower``: the share of the item's points in the top 27% of students by total minus the
  share in the bottom 27% (Kelley 1939); groups have ``ceil(0.27 n)`` students, ties broken by
  student id;
- option counts: how many students chose each option, distractors never chosen included.

Flags (a convention, see the instructor notebook): p > 0.9 "too easy", p < 0.2 "too hard",
discrimination < 0.1 "low discrimination", negative "negative discrimination: check the key".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["item_analysis", "flag"]

COLUMNS = ["quiz_id", "question_id", "type", "n", "difficulty", "point_biserial",
           "upper_lower", "option_counts", "never_chosen", "flag"]


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
        ``answer`` (an option id, a list of them, or a bool).
    questions : dict, optional
        ``{(quiz_id, question_id): Question}``, used for option ids and types.

    Examples
    --------
    >>> r = pd.DataFrame({"student_id": ["a", "b", "c", "d"], "quiz_id": "Q",
    ...                   "question_id": "q1", "points": [1, 1, 0, 0], "max_points": 1,
    ...                   "answer": ["x", "x", "y", "y"]})
    >>> row = item_analysis(r).iloc[0]
    >>> float(row["difficulty"]), float(row["upper_lower"])
    (0.5, 1.0)
    """
    if responses.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = responses.assign(score=responses["points"] / responses["max_points"])
    totals = frame.groupby("student_id")["points"].sum()
    order = totals.reset_index().sort_values(["points", "student_id"], kind="mergesort")
    n_group = math.ceil(0.27 * len(order))
    lower = set(order["student_id"].iloc[:n_group])
    upper = set(order["student_id"].iloc[len(order) - n_group:])
    rows = []
    for (quiz_id, question_id), item in frame.groupby(["quiz_id", "question_id"], sort=True):
        scores = item["score"].to_numpy(dtype=float)
        rest = (totals.loc[item["student_id"]].to_numpy(dtype=float)
                - item["points"].to_numpy(dtype=float))
        in_upper = item["student_id"].isin(upper).to_numpy()
        in_lower = item["student_id"].isin(lower).to_numpy()
        upper_lower = (scores[in_upper].mean() if in_upper.any() else np.nan) - \
                      (scores[in_lower].mean() if in_lower.any() else np.nan)
        question = (questions or {}).get((quiz_id, question_id))
        counts = _option_counts(item.get("answer"), question)
        difficulty = float(scores.mean())
        pbis = _corr(scores, rest)
        rows.append({
            "quiz_id": quiz_id, "question_id": question_id,
            "type": question.type if question else "",
            "n": len(item), "difficulty": round(difficulty, 4),
            "point_biserial": round(pbis, 4) if not math.isnan(pbis) else float("nan"),
            "upper_lower": round(float(upper_lower), 4),
            "option_counts": "; ".join(f"{k}:{v}" for k, v in counts.items()),
            "never_chosen": " ".join(k for k, v in counts.items() if v == 0),
            "flag": flag(difficulty, pbis),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def _option_counts(answers, question) -> dict:
    if answers is None:
        return {}
    counts: dict = {}
    if question is not None and question.type in ("single", "multi"):
        counts = {o.id: 0 for o in question.options}
    elif question is not None and question.type == "truefalse":
        counts = {"true": 0, "false": 0}
    elif question is not None:
        return {}
    for answer in answers:
        chosen = answer if isinstance(answer, list) else [answer]
        for option in chosen:
            key = str(option).lower() if isinstance(option, bool) else str(option)
            counts[key] = counts.get(key, 0) + 1
    return counts
