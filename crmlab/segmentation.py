"""Customer segmentation: RFM scores and segments, the customer pyramid, ABC of customers.

RFM ties rule: customers are ranked with ``method="dense"`` (equal values get the same rank) and
the dense ranks are cut into ``bins`` equal-width groups of rank, so two customers with the same
recency, frequency or monetary value always get the same score. Recency is reversed: the most
recent buyers score highest. With many ties a score may be unused; that is the price of the rule.

The customer pyramid follows Zeithaml, Rust & Lemon (2001) (platinum, gold, iron, lead tiers by
profitability; Curry & Curry's pyramid in the source of L05 is the same idea). The cut-offs
(top 1%, next 4%, next 15%, rest by default, as cumulative shares of customers) are a teaching
convention of this course, not figures from the paper; pass others with ``cutoffs``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._validation import check_column_options

__all__ = ["rfm_table", "rfm_scores", "rfm_segment", "customer_pyramid", "customer_abc"]

_SEGMENTS = [
    ("champions", lambda r, f: (r >= 4) & (f >= 4)),
    ("loyal", lambda r, f: (r >= 3) & (f >= 3)),
    ("new or promising", lambda r, f: (r >= 4) & (f <= 2)),
    ("at risk", lambda r, f: (r <= 2) & (f >= 3)),
    ("lost", lambda r, f: (r <= 1) & (f <= 2)),
]


def rfm_table(orders: pd.DataFrame, *, customer_id: str = "customer_id", date: str = "order_date",
              value: str = "revenue", order_id: str | None = "order_id", as_of=None) -> pd.DataFrame:
    """Per customer: ``recency`` (days since last order), ``frequency`` (orders), ``monetary``.

    Vectorised (one groupby), so it handles millions of order lines.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 1, 2, 3], "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-10", "2024-01-05"]),
    ...     "revenue": [5.0, 5.0, 20.0, 8.0]})
    >>> rfm_table(orders, as_of="2024-01-11").reset_index()
      customer_id  recency  frequency  monetary
    0           a        1          2      30.0
    1           b        6          1       8.0
    """
    cols = {"customer_id": customer_id, "date": date, "value": value}
    if order_id is not None:
        cols["order_id"] = order_id
    check_column_options(orders, **cols)
    dates = pd.to_datetime(orders[date])
    ref = dates.max() + pd.Timedelta(days=1) if as_of is None else pd.Timestamp(as_of)
    g = orders.assign(**{date: dates}).groupby(customer_id, sort=True)
    out = pd.DataFrame({
        "recency": (ref - g[date].max()).dt.days.astype("int64"),
        "frequency": (g[order_id].nunique() if order_id is not None else g.size()).astype("int64"),
        "monetary": g[value].sum().astype(float),
    })
    return out


def _score(values: pd.Series, bins: int, reverse: bool) -> np.ndarray:
    dense = values.rank(method="dense", ascending=not reverse).to_numpy()
    top = dense.max() if len(dense) else 1
    return np.ceil(dense * bins / top).astype("int64")


def rfm_scores(table: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Add ``R``, ``F``, ``M`` scores 1..bins and the ``RFM`` code to an :func:`rfm_table`.

    Equal values always share a score (dense ranks, then equal-width bins of rank); recency is
    reversed so recent buyers score high.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [1, 5, 5, 30], "frequency": [9, 3, 3, 1],
    ...                   "monetary": [500.0, 90.0, 90.0, 10.0]}, index=list("abcd"))
    >>> rfm_scores(t, bins=3)[["R", "F", "M", "RFM"]]
       R  F  M  RFM
    a  3  3  3  333
    b  2  2  2  222
    c  2  2  2  222
    d  1  1  1  111
    """
    if int(bins) != bins or bins < 2:
        raise ValueError(f"Got bins={bins!r} instead, expected a whole number >= 2.")
    check_column_options(table, recency="recency", frequency="frequency", monetary="monetary")
    out = table.copy()
    out["R"] = _score(table["recency"], bins, reverse=True)
    out["F"] = _score(table["frequency"], bins, reverse=False)
    out["M"] = _score(table["monetary"], bins, reverse=False)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def rfm_segment(scores: pd.DataFrame) -> pd.Series:
    """Name segments from 1-5 R and F scores (first matching rule wins, else ``"other"``).

    Rules: champions R>=4 & F>=4; loyal R>=3 & F>=3; new or promising R>=4 & F<=2; at risk
    R<=2 & F>=3; lost R<=1 & F<=2. They are a common convention, not a standard.

    Examples
    --------
    >>> rfm_segment(pd.DataFrame({"R": [5, 1, 3], "F": [5, 4, 1]})).tolist()
    ['champions', 'at risk', 'other']
    """
    check_column_options(scores, R="R", F="F")
    r, f = scores["R"].to_numpy(), scores["F"].to_numpy()
    conds = [rule(r, f) for _, rule in _SEGMENTS]
    names = np.select(conds, [name for name, _ in _SEGMENTS], default="other")
    return pd.Series(names, index=scores.index, name="segment")


def customer_pyramid(values: pd.Series, *, cutoffs=(0.01, 0.05, 0.20),
                     tiers=("platinum", "gold", "iron", "lead")) -> pd.Series:
    """Tier customers by profitability, most profitable first (Zeithaml, Rust & Lemon 2001).

    ``cutoffs`` are cumulative shares of customers ending the first tiers (a course convention).
    Ties on value are broken by the index, so the result is deterministic.

    Examples
    --------
    >>> v = pd.Series([100.0, 50, 20, 10, 5, 1, 0, 0, 0, -3], index=list("abcdefghij"))
    >>> customer_pyramid(v, cutoffs=(0.1, 0.3, 0.6)).tolist()
    ['platinum', 'gold', 'gold', 'iron', 'iron', 'iron', 'lead', 'lead', 'lead', 'lead']
    """
    cutoffs = tuple(cutoffs)
    if len(cutoffs) != len(tiers) - 1 or not all(
            a < b for a, b in zip((0,) + cutoffs, cutoffs + (1,))):
        raise ValueError(f"Got cutoffs={cutoffs!r} instead, expected {len(tiers) - 1} increasing "
                         "shares within (0, 1).")
    v = pd.to_numeric(values, errors="coerce")
    if v.isna().any():
        where = v.index[v.isna().to_numpy()][0]
        raise ValueError(f"Got value {values.loc[where]!r} for customer {where!r}; expected a "
                         "number.")
    order = np.lexsort((np.arange(len(v)), -v.to_numpy()))
    position = np.empty(len(v))
    position[order] = (np.arange(len(v)) + 1) / len(v)
    idx = np.searchsorted(np.asarray(cutoffs) + 1e-12, position, side="left")
    labels = np.asarray(tiers, dtype=object)[idx]
    return pd.Series(pd.Categorical(labels, categories=list(tiers), ordered=True),
                     index=values.index, name="tier")


def customer_abc(table: pd.DataFrame, *, value: str = "monetary",
                 cutoffs=(0.8, 0.95)) -> pd.DataFrame:
    """ABC of customers by their share of ``value``, via :func:`crmlab.abc_analysis.abc_analysis`.

    Examples
    --------
    >>> t = pd.DataFrame({"monetary": [80.0, 15, 5]}, index=pd.Index(list("xyz"), name="customer_id"))
    >>> customer_abc(t)[["customer_id", "abc_class"]].values.tolist()
    [['x', 'A'], ['y', 'B'], ['z', 'C']]
    """
    from crmlab.abc_analysis import abc_analysis

    name = table.index.name or "customer_id"
    data = table.rename_axis(name).reset_index()
    return abc_analysis(data, value=value, label=name, cutoffs=cutoffs)
