"""ABC analysis by cumulative share of a value column (profit, purchase value, revenue).

Items are ranked by value, largest first (ties by label), and classed by the cumulative share of
the total *before* each item: A while it is below the first cut-off, B while below the second,
C after. So the item whose share crosses a cut-off belongs to the upper class (the one that
brought the cumulative share to the cut-off).

The cut-offs are a convention, not the source's: seed 000 speaks of A, B and C items without
giving any share. The default ``CUTOFFS`` (80% and 95%) follow the usual Pareto convention of
inventory management; pass others with ``cutoffs``.

Seed 000 ranks items "gəlirlilik və satınalmaların dəyəri baxımından": by profitability AND by
purchase value, where profitability is an item's share of the *total* profit, not a high unit
margin. It calls ranking by the cost of a unit a common mistake, because a cheap item bought in
bulk can dominate the total. :func:`abc_rankings` puts the rankings side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.core.validation import check_column_options, check_columns, check_each, expected

__all__ = ["CUTOFFS", "abc_analysis", "abc_summary", "abc_rankings"]

#: Cumulative shares ending classes A and B: the usual Pareto convention, not the source's.
CUTOFFS = (0.8, 0.95)


def _check_cutoffs(cutoffs) -> tuple[float, float]:
    try:
        a, b = (float(c) for c in cutoffs)
        ok = 0 < a < b <= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise expected("cutoffs", tuple(cutoffs) if hasattr(cutoffs, "__iter__") else cutoffs,
                       "two increasing shares within (0, 1], e.g. (0.8, 0.95)")
    return a, b


def abc_analysis(data: pd.DataFrame, *, value: str, label: str | None = None,
                 cutoffs: tuple[float, float] = CUTOFFS) -> pd.DataFrame:
    """Return a new DataFrame ranked by ``value`` with share, cumulative share and class.

    Parameters
    ----------
    data : DataFrame
        One row per item (supplier, product, customer); not modified.
    value : str
        Column to rank by, e.g. ``"profit_share"`` or ``"annual_spend"``; values >= 0.
    label : str, optional
        Column that names the items and breaks ties (default: the index).
    cutoffs : (float, float), default ``CUTOFFS`` = (0.8, 0.95)
        Cumulative shares ending classes A and B; increasing, within (0, 1]. A convention.

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
    a, b = _check_cutoffs(cutoffs)
    named = data[value].set_axis(data[label] if label else data.index)
    check_each(value, named, minimum=0, item="item")
    values = data[value].astype(float)
    total = float(values.sum())
    if total <= 0:
        raise expected(value, "values summing to 0", "a column with a positive total to rank")
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


def abc_summary(ranked: pd.DataFrame) -> pd.DataFrame:
    """Per class of an :func:`abc_analysis` table: how many items, and what share of them and of
    the value.

    A count alone hides what ABC is about: a small share of the items bringing a large share of
    the value. Classes without an item show 0.

    Parameters
    ----------
    ranked : DataFrame
        A table returned by :func:`abc_analysis` (columns ``share`` and ``abc_class``); not
        modified.

    Returns
    -------
    DataFrame
        Indexed by ``abc_class`` (A, B, C): ``n_items``, ``share_of_items`` (of all the items)
        and ``share_of_value`` (of the total value).

    Examples
    --------
    >>> items = pd.DataFrame({"item": list("vwxyz"), "profit": [60, 22, 10, 5, 3]})
    >>> abc_summary(abc_analysis(items, value="profit", label="item"))
               n_items  share_of_items  share_of_value
    abc_class
    A                2             0.4            0.82
    B                2             0.4            0.15
    C                1             0.2            0.03
    >>> abc_summary(items)
    Traceback (most recent call last):
    ...
    ValueError: Got ranked without the column 'share' instead, expected the columns 'share', \
'abc_class'.
    """
    check_columns(ranked, ["share", "abc_class"], table="ranked")
    classes = ranked["abc_class"].astype(pd.CategoricalDtype(["A", "B", "C"], ordered=True))
    grouped = ranked["share"].groupby(classes, observed=False)
    count = grouped.size().astype("int64")
    return pd.DataFrame({
        "n_items": count,
        "share_of_items": (count / max(len(ranked), 1)).round(6),
        "share_of_value": grouped.sum().round(6),
    }).rename_axis("abc_class")


def abc_rankings(data: pd.DataFrame, *, values, label: str,
                 cutoffs: tuple[float, float] = CUTOFFS) -> pd.DataFrame:
    """Several ABC rankings of the same items side by side: rank and class by each value.

    For suppliers: ``values=["profit_share", "annual_spend", "unit_cost"]`` shows the source's
    two rankings (share of the total profit, purchase value) and beside them the unit-cost
    ranking the source calls a common mistake.

    Parameters
    ----------
    data : DataFrame
        One row per item; not modified.
    values : sequence of str
        The columns to rank by, each as in :func:`abc_analysis`.
    label : str
        The column naming the items.
    cutoffs : (float, float), default ``CUTOFFS``
        As in :func:`abc_analysis`, the same for every ranking.

    Returns
    -------
    DataFrame
        Indexed by ``label``, ordered by the first ranking: for each value ``v`` the columns
        ``rank_v`` and ``class_v``.

    Examples
    --------
    >>> items = pd.DataFrame({"item": ["bulk", "rare", "mid"], "profit": [70, 5, 25],
    ...                       "unit_cost": [0.5, 90.0, 4.0]})
    >>> abc_rankings(items, values=["profit", "unit_cost"], label="item", cutoffs=(0.7, 0.9))
          rank_profit class_profit  rank_unit_cost class_unit_cost
    item
    bulk            1            A               3               C
    mid             2            B               2               C
    rare            3            C               1               A
    """
    values = [values] if isinstance(values, str) else list(values)
    if not values:
        raise expected("values", values, "at least one column to rank by")
    check_column_options(data, label=label)
    columns = {}
    for value in values:
        ranked = abc_analysis(data, value=value, label=label, cutoffs=cutoffs).set_index(label)
        columns[f"rank_{value}"] = ranked["rank"]
        columns[f"class_{value}"] = ranked["abc_class"]
    first = columns[f"rank_{values[0]}"]
    out = pd.DataFrame({name: column.reindex(first.index) for name, column in columns.items()})
    return out
