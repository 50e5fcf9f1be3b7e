"""A ratio of two sums over a sample of customers, its standard error, and the difference of two
such ratios (shared by :mod:`crmlab.value_exchange` and :mod:`crmlab.multichannel`).

Profit per order, or CSAT points per 100 AZN paid per order, is a ratio of two sums over the
customers of a group, ``R = sum(y) / sum(x)``. The customers are the sample (one customer's
orders are not independent draws); the standard error is the linearisation of a ratio
estimator, ``sd(y - R x) / (sqrt(n) mean(x))``, and intervals use the normal approximation.

Two intervals that overlap do not show that two ratios are alike: the difference of two
estimates can be clear while their intervals overlap (Schenker & Gentleman 2001). So a
comparison of two groups looks at the interval of the difference itself, whose standard error
for independent groups is ``sqrt(se_a**2 + se_b**2)``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ratio_and_se", "difference"]


def ratio_and_se(y, x) -> tuple[float, float]:
    """``(sum(y) / sum(x), its standard error)``; the error is NaN for a single customer.

    Examples
    --------
    >>> ratio, se = ratio_and_se([10.0, 6.0, 8.0], [1, 2, 1])
    >>> round(ratio, 3), round(se, 3)
    (6.0, 2.291)
    """
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    ratio = float(y.sum() / x.sum())
    n = len(y)
    se = float((y - ratio * x).std(ddof=1) / (math.sqrt(n) * x.mean())) if n > 1 else math.nan
    return ratio, se


def difference(a: tuple[float, float], b: tuple[float, float], z: float) -> dict:
    """``a`` minus ``b`` (each a ``(ratio, se)``) with its interval and whether it excludes 0.

    Examples
    --------
    >>> r = difference((10.0, 1.0), (6.0, 1.5), 1.96)
    >>> round(r["difference"], 2), round(r["ci_low"], 2), round(r["ci_high"], 2), r["clear"]
    (4.0, 0.47, 7.53, True)
    """
    diff = a[0] - b[0]
    se = math.sqrt(a[1] ** 2 + b[1] ** 2)
    low, high = diff - z * se, diff + z * se
    return {"difference": diff, "se": se, "ci_low": low, "ci_high": high,
            "clear": bool(low > 0 or high < 0)}
