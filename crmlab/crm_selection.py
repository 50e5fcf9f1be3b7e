"""Choosing a CRM system: weighted scoring, how robust the winner is, and payback.

Weighted scoring multiplies each candidate's score on each requirement by the requirement's
weight and adds up. The sensitivity analysis asks how much a *single* weight would have to
change (the others rescaled to keep the sum at 1) before another candidate wins. The payback
period of an investment with monthly net benefits is the first month in which the cumulative
(optionally discounted) cash flow is no longer negative; the source (seed 000) cites a typical
CRM payback of 8-12 months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._validation import check_columns, check_each, check_number, expected

__all__ = ["normalise_weights", "weighted_scores", "sensitivity", "payback_period",
           "cumulative_cash_flow", "example_candidates", "requirement_profile"]


def normalise_weights(weights: dict) -> pd.Series:
    """Return weights as a Series summing to 1; negative, NaN or all-zero weights are errors.

    Examples
    --------
    >>> normalise_weights({"price": 2, "support": 1, "features": 1}).tolist()
    [0.5, 0.25, 0.25]
    >>> normalise_weights({"price": -1, "support": 1})
    Traceback (most recent call last):
    ...
    ValueError: Got weight=-1 at requirement 'price' instead, expected a number >= 0.
    """
    raw = weights if isinstance(weights, pd.Series) else pd.Series(weights, dtype=object)
    check_each("weight", raw, minimum=0, item="requirement")
    series = raw.astype(float)
    total = series.sum()
    if total <= 0:
        raise expected("weights", dict(raw), "at least one requirement with a weight > 0")
    return series / total


def _check_scores(scores: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """The score columns of the weighted requirements, each score a number."""
    check_columns(scores, list(weights.index), table="scores")
    for requirement in weights.index:
        check_each(requirement, scores[requirement], item="candidate")
    return scores[list(weights.index)].astype(float)


def weighted_scores(scores: pd.DataFrame, weights: dict) -> pd.Series:
    """Total weighted score of each candidate (rows of ``scores``), best first.

    Parameters
    ----------
    scores : DataFrame
        One row per candidate system (the index names it), one column per requirement.
    weights : dict or Series
        Weight per requirement; normalised to sum to 1 (see :func:`normalise_weights`).

    Examples
    --------
    >>> scores = pd.DataFrame({"price": [4, 2], "support": [2, 5]}, index=["A", "B"])
    >>> weighted_scores(scores, {"price": 0.5, "support": 0.5}).to_dict()
    {'B': 3.5, 'A': 3.0}
    """
    w = normalise_weights(weights)
    table = _check_scores(scores, w)
    total = table.mul(w, axis=1).sum(axis=1)
    order = np.lexsort((total.index.astype(str), -total.to_numpy()))
    return total.iloc[order].rename("weighted_score")


def sensitivity(scores: pd.DataFrame, weights: dict) -> pd.DataFrame:
    """For each requirement, the smallest change of its weight that changes the winner.

    The weight ``w_i`` moves to ``w_i + d`` and the other weights are rescaled by
    ``(1 - w_i - d) / (1 - w_i)`` so the sum stays 1. Scores are linear in ``d``, so the
    change at which each rival overtakes the winner is solved exactly.

    Returns a DataFrame with columns requirement, weight, change (signed; NaN when no change
    within [0, 1] makes another candidate win), new_weight and new_winner, smallest change first.

    Examples
    --------
    >>> scores = pd.DataFrame({"price": [4, 2], "support": [2, 5]}, index=["A", "B"])
    >>> sensitivity(scores, {"price": 0.5, "support": 0.5}).iloc[0].to_dict()
    {'requirement': 'price', 'weight': 0.5, 'change': 0.1, 'new_weight': 0.6, 'new_winner': 'A'}
    """
    w = normalise_weights(weights)
    table = _check_scores(scores, w)
    base = weighted_scores(scores, w)
    winner = base.index[0]
    rows = []
    for req in w.index:
        wi = w[req]
        best = None
        for rival in table.index:
            if rival == winner:
                continue
            diff = table.loc[winner] - table.loc[rival]
            others = diff.drop(req)
            w_others = w.drop(req)
            rest = float((others * w_others).sum())
            # margin(d) = diff_req (wi + d) + rest (1 - wi - d) / (1 - wi); find margin(d) = 0
            if wi < 1:
                slope = float(diff[req]) - rest / (1 - wi)
                intercept = float(diff[req]) * wi + rest
            else:
                slope, intercept = float(diff[req]) - float((others).mean()), float(diff[req])
            if slope == 0:
                continue
            d = -intercept / slope
            if -wi - 1e-12 <= d <= 1 - wi + 1e-12 and (best is None or abs(d) < abs(best[0])):
                best = (d, rival)
        if best is None:
            rows.append({"requirement": req, "weight": round(float(wi), 6), "change": np.nan,
                         "new_weight": np.nan, "new_winner": ""})
        else:
            rows.append({"requirement": req, "weight": round(float(wi), 6),
                         "change": round(best[0], 6), "new_weight": round(float(wi + best[0]), 6),
                         "new_winner": best[1]})
    frame = pd.DataFrame(rows)
    frame["_abs"] = frame["change"].abs()
    return frame.sort_values(["_abs", "requirement"], na_position="last").drop(
        columns="_abs").reset_index(drop=True)


def cumulative_cash_flow(investment: float, monthly_benefits, *,
                         annual_rate: float = 0.0) -> pd.Series:
    """Cumulative cash flow by month (month 0 is the investment), discounted if rate > 0.

    ``monthly_benefits`` are the net benefits of months 1, 2, ...; with ``annual_rate`` (0.1 for
    10% a year) month ``m`` is discounted by ``(1 + annual_rate) ** (-m / 12)``.

    Examples
    --------
    >>> cumulative_cash_flow(1_000, [400, 400, 400]).tolist()
    [-1000.0, -600.0, -200.0, 200.0]
    """
    check_number("investment", investment, minimum=0, strict=True, what="amount")
    check_number("annual_rate", annual_rate, minimum=0, what="rate")
    benefits = list(monthly_benefits)
    if not benefits:
        raise expected("monthly_benefits", benefits, "at least one month's benefit")
    check_each("monthly_benefits", pd.Series(benefits, index=range(1, len(benefits) + 1),
                                             dtype=object), item="month")
    benefits = np.asarray(benefits, dtype=float)
    months = np.arange(1, benefits.size + 1)
    factor = (1 + annual_rate) ** (-months / 12)
    flows = np.concatenate([[-float(investment)], benefits * factor])
    return pd.Series(np.cumsum(flows), index=pd.RangeIndex(0, benefits.size + 1, name="month"),
                     name="cumulative_cash_flow")


def payback_period(investment: float, monthly_benefits, *, annual_rate: float = 0.0):
    """The first month whose cumulative cash flow is >= 0, or None if it never pays back.

    Examples
    --------
    >>> payback_period(10_000, [1_000] * 12)
    10
    >>> payback_period(10_000, [1_000] * 9) is None
    True
    >>> payback_period(10_000, [1_000] * 12, annual_rate=0.12)
    11
    """
    cumulative = cumulative_cash_flow(investment, monthly_benefits, annual_rate=annual_rate)
    paid = np.flatnonzero(cumulative.to_numpy()[1:] >= -1e-9)
    return int(paid[0]) + 1 if paid.size else None


def example_candidates() -> pd.DataFrame:
    """Illustrative 1-5 scores of three systems of the source's Table 5.7 on four requirements.

    The scores are this course's assumptions for practice, not the source's ratings.

    Examples
    --------
    >>> example_candidates().loc["Terrasoft", "price"]
    np.int64(5)
    """
    return pd.DataFrame(
        {"sales automation": [5, 4, 4], "analytics": [5, 3, 3], "call centre": [5, 3, 4],
         "price": [2, 4, 5]},
        index=pd.Index(["Siebel (Oracle)", "SalesLogix", "Terrasoft"], name="candidate"),
    )


def requirement_profile(seed: int) -> dict:
    """A requirements profile (weights summing to 1, rounded to 0.05) drawn from ``seed``.

    Examples
    --------
    >>> profile = requirement_profile(3)
    >>> sorted(profile) == sorted(example_candidates().columns), round(sum(profile.values()), 6)
    (True, 1.0)
    """
    rng = np.random.default_rng(seed)
    raw = rng.dirichlet([1.5, 1.5, 1.0, 2.5])  # price matters more for some students
    steps = np.maximum(np.round(raw * 20), 1)
    steps[np.argmax(steps)] += 20 - steps.sum()
    return {name: round(float(s) / 20, 2) for name, s in zip(example_candidates().columns, steps)}
