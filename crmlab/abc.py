"""ABC analysis by cumulative share of a value column (profit, purchase value, revenue).

Items are ranked by value, largest first (ties by label), and classed by the cumulative share of
the total *before* each item: A while it is below the first cut-off, B while below the second,
C after. So the item whose share crosses a cut-off belongs to the upper class (the one that
brought the cumulative share to the cut-off). The default cut-offs, 80% and 95%, are the usual
Pareto convention, not a law; pass others with ``cutoffs``.

The source of L02 warns against ranking by the cost of a unit: what matters is each item's
share of the *total* profit or purchase value, which a cheap item bought in bulk can dominate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._validation import check_column_options

__all__ = ["abc_analysis"]


def abc_analysis(data: pd.DataFrame, *, value: str, label: str | None = None,
                 cutoffs: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """Return a new DataFrame ranked by ``value`` with share, cumulative share and class.

    Parameters
    ----------
    data : DataFrame
        One row per item (supplier, product, customer); not modified.
    value : str
        Column to rank by, e.g. ``"profit_share"`` or ``"annual_spend"``; values >= 0.
    label : str, optional
        Column that names the items and breaks ties (default: the index).
    cutoffs : (float, float), default (0.8, 0.95)
        Cumulative shares ending classes A and B; increasing, within (0, 1].

    Returns
    -------
    DataFrame
        The rows of ``data``, sorted, with columns ``rank``, ``share``, ``cumulative_share``
        and ``abc_class`` (categorical A < B < C).

    Examples
    --------
    >>> items = pd.DataFrame({"item": list("wxyz"), "profit": [50, 30, 15, 5]})
    >>> abc_analysis(items, value="profit", label="item")[["item", "cumulative_share", "abc_class"]]
      item  cumulative_share abc_class
    0    w              0.50         A
    1    x              0.80         A
    2    y              0.95         B
    3    z              1.00         C
    >>> abc_analysis(items, value="price")
    Traceback (most recent call last):
    ...
    ValueError: Got value='price' instead, expected one of the columns 'item', 'profit'.
    """
    check_column_options(data, value=value, **({"label": label} if label is not None else {}))
    a, b = cutoffs if len(tuple(cutoffs)) == 2 else (None, None)
    if a is None or not (0 < a < b <= 1):
        raise ValueError(f"Got cutoffs={tuple(cutoffs)!r} instead, expected two increasing "
                         "shares within (0, 1], e.g. (0.8, 0.95).")
    values = pd.to_numeric(data[value], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        where = data.index[bad.to_numpy()][0]
        name = data.loc[where, label] if label else where
        raise ValueError(f"Got {value}={data.loc[where, value]!r} for item {name!r}; values must "
                         "be numbers >= 0.")
    total = float(values.sum())
    if total <= 0:
        raise ValueError(f"The column {value!r} sums to 0; nothing to rank.")
    keys = data[label] if label else pd.Series(data.index, index=data.index)
    order = np.lexsort((keys.astype(str).to_numpy(), -values.to_numpy()))
    out = data.iloc[order].copy()
    share = values.iloc[order].to_numpy() / total
    cumulative = np.cumsum(share)
    before = cumulative - share
    classes = np.where(before < a - 1e-12, "A", np.where(before < b - 1e-12, "B", "C"))
    out["rank"] = np.arange(1, len(out) + 1)
    out["share"] = share.round(6)
    out["cumulative_share"] = cumulative.round(6)
    out["abc_class"] = pd.Categorical(classes, categories=["A", "B", "C"], ordered=True)
    return out.reset_index(drop=True)
