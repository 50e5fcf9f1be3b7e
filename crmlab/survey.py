"""Satisfaction surveys: NPS, CSAT (top-two-box and mean) with confidence intervals, and the
link between satisfaction and later repeat purchase.

* NPS (Reichheld 2003): answers 0-10; promoters 9-10, passives 7-8, detractors 0-6;
  NPS = 100 * (share of promoters - share of detractors). Its interval uses the variance of the
  score variable (+1 promoter, 0 passive, -1 detractor) and the normal approximation.
* CSAT on a 1-5 scale: top-two-box (share answering 4 or 5), with a Wilson interval, and the mean,
  with a t interval.

Answers outside the scale raise ``ValueError`` naming the row.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["nps", "csat", "satisfaction_vs_repeat"]


def _validate(answers, low: int, high: int, field: str) -> np.ndarray:
    s = pd.Series(answers)
    values = pd.to_numeric(s, errors="coerce")
    bad = values.isna() | (values < low) | (values > high) | (values != np.floor(values))
    if bad.any():
        where = s.index[bad.to_numpy()][0]
        value = s.loc[where]
        value = value.item() if hasattr(value, "item") else value
        where = where.item() if hasattr(where, "item") else where
        raise ValueError(f"Got {field}={value!r} at row {where!r}; expected a whole "
                         f"number from {low} to {high}.")
    if len(values) == 0:
        raise ValueError(f"No {field} answers given.")
    return values.to_numpy(dtype=float)


def _z(confidence: float) -> float:
    from scipy.stats import norm

    if not 0 < confidence < 1:
        raise ValueError(f"Got confidence={confidence!r} instead, expected a number in (0, 1).")
    return float(norm.ppf(0.5 + confidence / 2))


def nps(answers, *, confidence: float = 0.95) -> dict:
    """Net Promoter Score with shares and a normal-approximation confidence interval.

    Examples
    --------
    >>> r = nps([10, 9, 8, 7, 6, 0, 10, 9, 9, 3])
    >>> r["nps"], r["promoters"], r["detractors"], r["n"]
    (20.0, 0.5, 0.3, 10)
    >>> nps([10, 11])
    Traceback (most recent call last):
    ...
    ValueError: Got nps=11 at row 1; expected a whole number from 0 to 10.
    """
    v = _validate(answers, 0, 10, "nps")
    score = np.where(v >= 9, 1.0, np.where(v <= 6, -1.0, 0.0))
    n = len(score)
    value = 100 * score.mean()
    se = 100 * score.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    z = _z(confidence)
    return {"nps": round(float(value), 6), "promoters": round(float((v >= 9).mean()), 6),
            "passives": round(float(((v >= 7) & (v <= 8)).mean()), 6),
            "detractors": round(float((v <= 6).mean()), 6), "n": n,
            "ci_low": float(value - z * se), "ci_high": float(value + z * se)}


def csat(answers, *, confidence: float = 0.95) -> dict:
    """CSAT on 1-5: top-two-box share (Wilson interval) and mean (t interval).

    Examples
    --------
    >>> r = csat([5, 4, 3, 2, 5])
    >>> r["top2"], r["mean"], r["n"]
    (0.6, 3.8, 5)
    """
    from scipy.stats import t as t_dist

    v = _validate(answers, 1, 5, "csat")
    n = len(v)
    z = _z(confidence)
    p = float((v >= 4).mean())
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    mean = float(v.mean())
    if n > 1:
        mhalf = float(t_dist.ppf(0.5 + confidence / 2, n - 1) * v.std(ddof=1) / math.sqrt(n))
    else:
        mhalf = float("nan")
    return {"top2": round(p, 6), "top2_low": centre - half, "top2_high": centre + half,
            "mean": round(mean, 6), "mean_low": mean - mhalf, "mean_high": mean + mhalf, "n": n}


def satisfaction_vs_repeat(survey: pd.DataFrame, orders: pd.DataFrame, *,
                           window_days: int = 180, score: str = "csat") -> pd.DataFrame:
    """Share of respondents who ordered again within ``window_days`` after answering, by score.

    A respondent "repeats" when the customer has an order dated after the survey date and within
    the window. Association, not causation: satisfied customers may differ in other ways.

    Returns
    -------
    DataFrame
        One row per score value: ``respondents``, ``repeaters``, ``repeat_rate``.

    Examples
    --------
    >>> survey = pd.DataFrame({"customer_id": ["a", "b"], "survey_date": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-01"]), "csat": [5, 2]})
    >>> orders = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-02-01"])})
    >>> satisfaction_vs_repeat(survey, orders)["repeat_rate"].tolist()
    [0.0, 1.0]
    """
    for field, cols, df in [("survey", ["customer_id", "survey_date", score], survey),
                            ("orders", ["customer_id", "order_date"], orders)]:
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"The {field} table lacks the column {missing[0]!r}.")
    low, high = (1, 5) if score == "csat" else (0, 10)
    _validate(survey[score], low, high, score)
    s = survey[["customer_id", "survey_date", score]].reset_index(drop=True)
    s["_row"] = np.arange(len(s))
    o = orders[["customer_id", "order_date"]]
    m = s.merge(o, on="customer_id", how="left")
    delta = (m["order_date"] - m["survey_date"]).dt.days
    m["_hit"] = (delta > 0) & (delta <= window_days)
    hit = m.groupby("_row")["_hit"].any()
    s["repeat"] = hit.reindex(s["_row"]).to_numpy()
    out = s.groupby(score).agg(respondents=("repeat", "size"), repeaters=("repeat", "sum"))
    out["repeaters"] = out["repeaters"].astype("int64")
    out["repeat_rate"] = (out["repeaters"] / out["respondents"]).round(4)
    return out
