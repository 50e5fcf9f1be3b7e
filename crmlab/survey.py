"""Satisfaction surveys: NPS, CSAT (top-two-box and mean) with confidence intervals, and the
link between satisfaction and later repeat purchase.

* NPS (Reichheld 2003): answers 0-10; promoters 9-10, passives 7-8, detractors 0-6;
  NPS = 100 * (share of promoters - share of detractors). Its interval uses the variance of the
  score variable (+1 promoter, 0 passive, -1 detractor) and the normal approximation.
* CSAT on a 1-5 scale: top-two-box (share answering 4 or 5), with a Wilson interval, and the mean,
  with a t interval.

* The difference of two groups' NPS (:func:`nps_difference`) comes with its interval, and is
  called clear only when the interval excludes 0.

* :func:`repeat_by_satisfaction` asks the same of a score given before any purchase could be
  affected (the course's welcome call, ``customers.welcome_csat``): did the customer buy again
  within a year of the first order, by band of that score?

Answers outside the scale raise ``ValueError`` naming the row. Whether a respondent bought again
after answering follows the one rule of :mod:`crmlab.repeat_purchase`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlab.core.i18n import message
from crmlab.core.validation import (
    check_choice,
    check_columns,
    check_each,
    check_rate,
    expected,
    is_finite_number,
)
from crmlab.repeat_purchase import bought_again

__all__ = ["nps", "nps_difference", "csat", "satisfaction_vs_repeat", "repeat_by_satisfaction",
           "WELCOME_BANDS"]

#: The welcome-call bands of ``datasets.effects()``: low, middle and high satisfaction.
WELCOME_BANDS = {"1-2": (1, 2), "3": (3, 3), "4-5": (4, 5)}


def _validate(answers, low: int, high: int, field: str) -> np.ndarray:
    values = answers if isinstance(answers, pd.Series) else pd.Series(list(answers), dtype=object)
    if len(values) == 0:
        raise expected(field, [], "at least one answer")
    check_each(field, values, minimum=low, maximum=high, whole=True)
    return values.to_numpy(dtype=float)


def _z(confidence: float) -> float:
    # scipy.special's quantiles are the very functions scipy.stats calls (the same bits), without
    # importing scipy.stats, which costs a lesson's kernel several times as long.
    from scipy.special import ndtri

    check_rate("confidence", confidence, low_open=True, high_open=True)
    return float(ndtri(0.5 + confidence / 2))


def _nps_scores(v: np.ndarray) -> np.ndarray:
    """The score variable of validated 0-10 answers: +1 promoter, 0 passive, -1 detractor."""
    return np.where(v >= 9, 1.0, np.where(v <= 6, -1.0, 0.0))


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
    ValueError: Got nps=11 at row 1 instead, expected a whole number from 0 to 10.
    """
    v = _validate(answers, 0, 10, "nps")
    score = _nps_scores(v)
    n = len(score)
    value = 100 * score.mean()
    se = 100 * score.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    z = _z(confidence)
    return {"nps": round(float(value), 6), "promoters": round(float((v >= 9).mean()), 6),
            "passives": round(float(((v >= 7) & (v <= 8)).mean()), 6),
            "detractors": round(float((v <= 6).mean()), 6), "n": n,
            "ci_low": float(value - z * se), "ci_high": float(value + z * se)}


def nps_difference(answers_a, answers_b, *, confidence: float = 0.95) -> dict:
    """The difference of two groups' NPS (a minus b), its interval, and whether it is clear.

    The groups are independent samples; the difference of the means of the score variable
    (+1 promoter, 0 passive, -1 detractor) has the variance ``var_a / n_a + var_b / n_b``, and
    the interval uses the normal approximation. The difference is *clear* when the interval
    excludes 0; otherwise the data cannot tell the two groups' NPS apart at that confidence,
    however large the difference of the two numbers looks.

    Returns
    -------
    dict
        ``nps_a``, ``nps_b``, ``difference``, ``se`` (its standard error, in NPS points),
        ``ci_low``, ``ci_high``, ``confidence``, ``clear``, ``verdict`` (whether the difference
        is clear, in words, in the language in effect), ``n_a`` and ``n_b``.

    Examples
    --------
    >>> r = nps_difference([10] * 6 + [3] * 4, [10] * 4 + [8] * 2 + [3] * 4)
    >>> r["nps_a"], r["nps_b"], r["difference"], r["clear"]
    (20.0, 0.0, 20.0, False)
    >>> r["verdict"]
    'not a clear difference, the interval includes 0'
    >>> r = nps_difference([10] * 60 + [3] * 40, [10] * 30 + [3] * 70)
    >>> r["difference"], round(r["ci_low"], 1), round(r["ci_high"], 1), r["clear"]
    (60.0, 33.6, 86.4, True)
    """
    a = _nps_scores(_validate(answers_a, 0, 10, "nps"))
    b = _nps_scores(_validate(answers_b, 0, 10, "nps"))
    z = _z(confidence)
    variance = sum(x.var(ddof=1) / len(x) if len(x) > 1 else float("nan") for x in (a, b))
    se = 100 * math.sqrt(variance)
    difference = 100 * (a.mean() - b.mean())
    low, high = difference - z * se, difference + z * se
    clear = bool(low > 0 or high < 0)
    return {"nps_a": round(float(100 * a.mean()), 6), "nps_b": round(float(100 * b.mean()), 6),
            "difference": round(float(difference), 6), "se": float(se),
            "ci_low": float(low), "ci_high": float(high), "confidence": confidence,
            "clear": clear, "verdict": message("survey.clear" if clear else "survey.not_clear"),
            "n_a": len(a), "n_b": len(b)}


def csat(answers, *, confidence: float = 0.95) -> dict:
    """CSAT on 1-5: top-two-box share (Wilson interval) and mean (t interval).

    Examples
    --------
    >>> r = csat([5, 4, 3, 2, 5])
    >>> r["top2"], r["mean"], r["n"]
    (0.6, 3.8, 5)
    """
    from scipy.special import stdtrit  # scipy.stats.t.ppf, see _z

    v = _validate(answers, 1, 5, "csat")
    n = len(v)
    z = _z(confidence)
    p = float((v >= 4).mean())
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    mean = float(v.mean())
    if n > 1:
        mhalf = float(stdtrit(n - 1, 0.5 + confidence / 2) * v.std(ddof=1) / math.sqrt(n))
    else:
        mhalf = float("nan")
    return {"top2": round(p, 6), "top2_low": centre - half, "top2_high": centre + half,
            "mean": round(mean, 6), "mean_low": mean - mhalf, "mean_high": mean + mhalf, "n": n}


def satisfaction_vs_repeat(survey: pd.DataFrame, orders: pd.DataFrame, *,
                           window_days: int = 180, score: str = "csat",
                           as_of=None) -> pd.DataFrame:
    """Share of respondents who ordered again within ``window_days`` after answering, by score.

    A respondent "repeats" by the rule of :func:`crmlab.repeat_purchase.bought_again`: an order
    on one of the ``window_days`` days after the survey date. Respondents whose window does not
    end before ``as_of`` (default: the day after the last order) are left out, so every
    respondent counted had the same time to buy again. Association, not causation: satisfied
    customers may differ in other ways.

    Returns
    -------
    DataFrame
        One row per score value: ``respondents``, ``repeaters``, ``repeat_rate``.

    Examples
    --------
    >>> survey = pd.DataFrame({"customer_id": ["a", "b", "c"], "survey_date": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-01", "2024-12-01"]), "csat": [5, 2, 5]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "c"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-12-31"])})
    >>> satisfaction_vs_repeat(survey, orders)
          respondents  repeaters  repeat_rate
    csat
    2               1          0          0.0
    5               1          1          1.0
    """
    check_choice("score", score, ("csat", "nps"))
    check_columns(survey, ["customer_id", "survey_date", score], table="survey")
    check_columns(orders, ["customer_id", "order_date"], table="orders")
    low, high = (1, 5) if score == "csat" else (0, 10)
    _validate(survey[score], low, high, score)
    again = bought_again(survey, orders, window_days=window_days, date="survey_date",
                         as_of=as_of)
    counted = pd.DataFrame({score: survey[score].to_numpy(), "repeat": again.to_numpy()})
    counted = counted[again.notna().to_numpy()].astype({"repeat": bool})
    out = counted.groupby(score).agg(respondents=("repeat", "size"), repeaters=("repeat", "sum"))
    out["repeaters"] = out["repeaters"].astype("int64")
    out["repeat_rate"] = (out["repeaters"] / out["respondents"]).round(4)
    return out


def repeat_by_satisfaction(customers: pd.DataFrame, orders: pd.DataFrame, *,
                           score: str = "welcome_csat", bands: dict | None = None,
                           window_days: int = 365, as_of=None) -> pd.DataFrame:
    """Share of customers who bought again within ``window_days`` of their first order, by band.

    Each customer with a ``score`` and at least one order counts once: did they order again
    on one of the ``window_days`` days after the day of the first order (the rule of
    :func:`crmlab.repeat_purchase.bought_again`; customers whose window runs past the end of
    the data are left out)? A score taken before the first purchase, such as the course's
    welcome call, cannot have been moved by what happened after it.

    Parameters
    ----------
    customers : DataFrame
        Columns ``customer_id`` and ``score``; customers without a score are left out.
    orders : DataFrame
        Columns ``customer_id`` and ``order_date``.
    score : str, default "welcome_csat"
        The column of ``customers`` holding the score.
    bands : dict, optional
        Label -> (low, high), both ends included. Default ``WELCOME_BANDS``: 1-2, 3 and 4-5,
        the bands of ``crmlab.datasets.effects()``.
    window_days, as_of
        As in :func:`crmlab.repeat_purchase.bought_again`.

    Returns
    -------
    DataFrame
        One row per band, in the order given: ``customers``, ``repeaters``, ``repeat_rate``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "welcome_csat": [5, 2, 4, None]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d", "d"],
    ...     "order_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2023-02-01",
    ...                                   "2023-03-01", "2023-01-01", "2023-01-05"])})
    >>> repeat_by_satisfaction(customers, orders, as_of="2024-12-31")
         customers  repeaters  repeat_rate
    band
    1-2          1          0          0.0
    3            0          0          NaN
    4-5          2          1          0.5
    >>> repeat_by_satisfaction(customers, orders, bands={"top": (5, 4)})
    Traceback (most recent call last):
    ...
    ValueError: Got bands['top']=(5, 4) instead, expected a (low, high) pair of scores with \
low <= high.
    """
    bands = WELCOME_BANDS if bands is None else bands
    for label, pair in bands.items():
        try:
            low, high = pair
            ok = all(is_finite_number(v) for v in (low, high)) and low <= high
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise expected(f"bands[{label!r}]", pair, "a (low, high) pair of scores with "
                           "low <= high")
    check_columns(customers, ["customer_id", score], table="customers")
    check_columns(orders, ["customer_id", "order_date"], table="orders")
    first = pd.to_datetime(orders["order_date"]).groupby(orders["customer_id"]).min()
    scores = customers.drop_duplicates("customer_id").set_index("customer_id")[score]
    events = pd.DataFrame({"customer_id": first.index, "first_order": first.to_numpy(),
                           "score": scores.reindex(first.index).astype(float).to_numpy()})
    again = bought_again(events, orders, window_days=window_days, date="first_order",
                         as_of=as_of)
    rows = {}
    for label, (low, high) in bands.items():
        inside = (events["score"].between(low, high) & again.notna()).to_numpy()
        hits = again[inside].astype(bool)
        rows[label] = {"customers": int(inside.sum()), "repeaters": int(hits.sum()),
                       "repeat_rate": float(hits.mean()) if len(hits) else float("nan")}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "band"
    return out
