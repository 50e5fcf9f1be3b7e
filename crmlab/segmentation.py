"""Customer segmentation: RFM scores and segments, the customer pyramid, ABC of customers.

RFM scores follow the quintile definition (with ``bins=5``): the customers are sorted by a
value and cut into five groups of as close to a fifth of the customers each as the ties allow,
the lowest group scoring 1. Recency is reversed: the most recent buyers score highest. Precisely,
for one value column with ``n`` customers and ``k`` distinct values:

* Customers with equal values always share a score (a cut never falls inside a tie).
* If ``k >= bins``, the sorted distinct values are cut into ``bins`` non-empty runs of
  consecutive values, choosing the cut points that minimise the sum over the scores of
  ``(customers with the score - n / bins) ** 2``; the run with the lowest values scores 1.
  Among equally good cuts the lowest cut points win (in the reversed order for recency), so
  the result is deterministic. Without ties this gives the usual quintiles (group sizes differing by at
  most one); with a large tie (a third of the customers with exactly one order) that tie
  becomes one score and the other scores split the rest as evenly as they can.
* If ``k < bins``, each distinct value gets a score of its own: the score in whose fifth the
  value's middle customer falls (``ceil(bins * (customers below + half the value's own) / n)``),
  moved up or down just enough to keep the scores of different values different and within
  1..bins. Some scores then stay empty.

:func:`rfm_distribution` shows how many customers hold each score and which values it covers.
The dense-rank binning this replaces (:func:`dense_rank_scores`, kept for L05 to show it) put
most of the course customers in F = 1.

The segments of :func:`rfm_segment` cover the whole 5 x 5 grid of R and F scores (see
``RFM_SEGMENTS``); they are a common convention of RFM practice, not a standard.

The customer pyramid with tiers of 1%, 4%, 15% and 80% of the customers, ranked by what they
bring (the Currys rank by revenue) and called top, big, medium and small, is Curry & Curry's
(Curry, J. & Curry, A. (2000), *The Customer Marketing Method*; seed 001 cites their CRM book
(2002) and names the customer pyramid among the concepts of CRM without giving its tiers). Other tier names come from
elsewhere: Zeithaml, Rust & Lemon (2001) call their profitability tiers platinum, gold, iron and
lead, without fixed shares. Pass ``tiers=`` and ``cutoffs=`` for another pyramid.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.validation import check_column_options, check_each, check_whole, expected

__all__ = ["rfm_table", "rfm_scores", "rfm_distribution", "dense_rank_scores", "RFM_SEGMENTS",
           "rfm_segment", "segment_ranges", "CURRY_TIERS", "CURRY_CUTOFFS", "customer_pyramid",
           "customer_abc", "CONTENT"]

#: Segment name -> (R scores, F scores, what it means); the rules cover the 5 x 5 grid once.
RFM_SEGMENTS = {
    "champions": ((4, 5), (4, 5), "bought recently and most often"),
    "loyal": ((3, 4, 5), (3, 4, 5), "buy regularly, recently enough (not champions)"),
    "new or promising": ((4, 5), (1, 2), "bought recently but seldom so far"),
    "needs attention": ((3,), (1, 2), "middling recency, few orders"),
    "at risk": ((1, 2), (3, 4, 5), "used to buy often, not lately"),
    "lost": ((1, 2), (1, 2), "bought seldom, long ago"),
}

#: What each segment means, in every language (``crmlab/data/content/<lang>/segmentation.yaml``);
#: the segment names are codes with catalog labels (``value.champions``).
CONTENT = Domain("segmentation", lambda: [meaning for *_, meaning in RFM_SEGMENTS.values()])

#: Curry & Curry's customer pyramid: the tier names, from the top.
CURRY_TIERS = ("top", "big", "medium", "small")
#: The cumulative shares of customers ending Curry & Curry's first three tiers: top 1%, big 4%,
#: medium 15% (small: the other 80%).
CURRY_CUTOFFS = (0.01, 0.05, 0.20)


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


def _cuts(sizes: np.ndarray, bins: int) -> np.ndarray:
    """Where to cut ``k >= bins`` consecutive tie groups into ``bins`` runs (the module's rule).

    Returns the ``bins - 1`` group indices at which runs 2..bins start. Dynamic programming over
    the cut points, with integer costs ``(bins * size - n) ** 2`` (so ties between cuts are
    exact) and the divide-and-conquer speed-up that the costs' Monge property allows: the best
    previous cut never moves left as the current cut moves right. Each level of the recursion
    is one vectorised step over all its sub-problems.
    """
    k, n = len(sizes), int(sizes.sum())
    total = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def cost(i, j):
        return (bins * (total[j] - total[i]) - n) ** 2

    prev = cost(np.zeros(k + 1, dtype=np.int64), np.arange(k + 1))  # one run: groups 0..j-1
    prev[0] = np.iinfo(np.int64).max // 4
    choices = []
    for m in range(2, bins):
        # runs 1..m end at j (m <= j <= k - (bins - m)); run m starts at i (m - 1 <= i < j)
        cur = np.full(k + 1, np.iinfo(np.int64).max // 4, dtype=np.int64)
        arg = np.zeros(k + 1, dtype=np.int64)
        tasks = np.array([[m, k - (bins - m), m - 1, k - (bins - m) - 1]], dtype=np.int64)
        while len(tasks):
            lo, hi, opt_lo, opt_hi = tasks.T
            mid = (lo + hi) // 2
            top = np.minimum(mid - 1, opt_hi)
            lengths = top - opt_lo + 1
            owner = np.repeat(np.arange(len(tasks)), lengths)
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            i = np.repeat(opt_lo, lengths) + np.arange(lengths.sum()) - np.repeat(offsets, lengths)
            values = prev[i] + cost(i, mid[owner])
            best_value = np.minimum.reduceat(values, offsets)
            hits = np.flatnonzero(values == best_value[owner])
            first = hits[np.unique(owner[hits], return_index=True)[1]]  # leftmost best
            best = i[first]
            cur[mid], arg[mid] = best_value, best
            left = np.column_stack([lo, mid - 1, opt_lo, best])[lo <= mid - 1]
            right = np.column_stack([mid + 1, hi, best, opt_hi])[mid + 1 <= hi]
            tasks = np.concatenate([left, right])
        prev = cur
        choices.append(arg)
    i = np.arange(bins - 1, k)
    last = prev[i] + cost(i, np.full_like(i, k))
    cut = int(i[np.argmin(last)])  # argmin takes the leftmost best
    starts = [cut]
    for arg in reversed(choices):
        cut = int(arg[cut])
        starts.append(cut)
    return np.array(starts[::-1], dtype=np.int64)


def _score(values: pd.Series, bins: int, reverse: bool) -> np.ndarray:
    """Scores 1..bins by the module's quintile rule; ``reverse``: the lowest values score high."""
    data = -values.to_numpy(dtype=float) if reverse else values.to_numpy(dtype=float)
    if len(data) == 0:
        return np.zeros(0, dtype="int64")
    distinct, group, sizes = np.unique(data, return_inverse=True, return_counts=True)
    k, n = len(distinct), len(data)
    if k >= bins:
        group_score = np.ones(k, dtype="int64")
        for start in _cuts(sizes, bins):
            group_score[start:] += 1
    else:
        below = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        wanted = [min(bins, max(1, math.ceil(bins * (b + s / 2) / n)))
                  for b, s in zip(below, sizes)]
        for j in range(1, k):  # different values, different scores
            wanted[j] = max(wanted[j], wanted[j - 1] + 1)
        wanted[-1] = min(wanted[-1], bins)
        for j in range(k - 2, -1, -1):
            wanted[j] = min(wanted[j], wanted[j + 1] - 1)
        group_score = np.array(wanted, dtype="int64")
    return group_score[group.reshape(-1)]


def rfm_scores(table: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Add ``R``, ``F``, ``M`` scores 1..bins and the ``RFM`` code to an :func:`rfm_table`.

    Scores follow the quintile rule of this module (for ``bins=5``): equal values share a score
    and each score holds as close to ``1 / bins`` of the customers as the ties allow; recency
    is reversed so recent buyers score high. The table is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [1, 5, 5, 30, 40, 60], "frequency": [9, 3, 3, 1, 1, 1],
    ...                   "monetary": [500.0, 90.0, 90.0, 10.0, 12.0, 11.0]}, index=list("abcdef"))
    >>> rfm_scores(t, bins=3)[["R", "F", "M", "RFM"]]
       R  F  M  RFM
    a  3  3  3  333
    b  3  2  3  323
    c  3  2  3  323
    d  2  1  1  211
    e  2  1  2  212
    f  1  1  2  112
    """
    bins = check_whole("bins", bins, minimum=2)
    check_column_options(table, recency="recency", frequency="frequency", monetary="monetary")
    for column in ("recency", "frequency", "monetary"):
        check_each(column, table[column], item="customer")
    out = table.copy()
    out["R"] = _score(table["recency"], bins, reverse=True)
    out["F"] = _score(table["frequency"], bins, reverse=False)
    out["M"] = _score(table["monetary"], bins, reverse=False)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def rfm_distribution(scores: pd.DataFrame, *, bins: int | None = None) -> pd.DataFrame:
    """How many customers hold each R, F and M score, their share, and the values each covers.

    ``bins`` is the number of scores (default: the highest score in ``scores``).

    Returns
    -------
    DataFrame
        Indexed by score; for each of ``R``, ``F``, ``M`` the columns ``customers``, ``share``
        and ``from`` / ``to``, the lowest and highest underlying value of the score (days since
        the last order for R, orders for F, money for M). A score nobody holds shows 0
        customers and no range.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [1, 5, 5, 30, 40, 60], "frequency": [9, 3, 3, 1, 1, 1],
    ...                   "monetary": [500.0, 90.0, 90.0, 10.0, 12.0, 11.0]})
    >>> rfm_distribution(rfm_scores(t, bins=3))["F"]
           customers  share  from  to
    score
    1              3  0.500   1.0  1.0
    2              2  0.333   3.0  3.0
    3              1  0.167   9.0  9.0
    """
    check_column_options(scores, R="R", F="F", M="M", recency="recency", frequency="frequency",
                         monetary="monetary")
    if bins is None:
        top = int(max(scores[["R", "F", "M"]].max().max(), 1)) if len(scores) else 1
    else:
        top = check_whole("bins", bins, minimum=2)
    index = pd.RangeIndex(1, top + 1, name="score")
    parts = {}
    for letter, column in (("R", "recency"), ("F", "frequency"), ("M", "monetary")):
        g = scores.groupby(letter)[column]
        parts[letter] = pd.DataFrame({
            "customers": g.size().reindex(index).fillna(0).astype("int64"),
            "share": (g.size() / len(scores)).reindex(index).fillna(0.0).round(3),
            "from": g.min().reindex(index).astype(float),
            "to": g.max().reindex(index).astype(float),
        })
    return pd.concat(parts, axis=1)


def dense_rank_scores(table: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """R, F, M scores by dense-rank binning, the rule :func:`rfm_scores` replaced (shown in L05).

    Each distinct value is one step of rank (equal values share a rank) and the ranks are cut
    into ``bins`` groups of equal width: score = ceil(bins * dense rank / distinct values),
    recency reversed. Ties stay together, but the score counts distinct values, not customers:
    when a few customers spread over many high values (dozens of orders) and most share a few
    low ones, the lowest fifth of the *values* holds most of the *customers*. Kept so that a
    lesson can set it beside the quintile rule; do not use it to segment. Same output columns
    as :func:`rfm_scores`, so :func:`rfm_distribution` reads it too.

    Examples
    --------
    >>> t = pd.DataFrame({"recency": range(1, 11), "frequency": [1, 1, 1, 2, 2, 3, 4, 10, 20, 30],
    ...                   "monetary": [float(x) for x in range(10)]})
    >>> dense_rank_scores(t, bins=3)["F"].tolist()
    [1, 1, 1, 1, 1, 2, 2, 3, 3, 3]
    >>> rfm_scores(t, bins=3)["F"].tolist()
    [1, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    """
    bins = check_whole("bins", bins, minimum=2)
    check_column_options(table, recency="recency", frequency="frequency", monetary="monetary")
    for column in ("recency", "frequency", "monetary"):
        check_each(column, table[column], item="customer")
    out = table.copy()
    for letter, column, reverse in (("R", "recency", True), ("F", "frequency", False),
                                    ("M", "monetary", False)):
        dense = table[column].astype(float).rank(method="dense", ascending=not reverse)
        top = dense.max() if len(dense) else 1.0
        out[letter] = np.ceil(dense * bins / top).astype("int64").to_numpy()
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def rfm_segment(scores: pd.DataFrame) -> pd.Series:
    """Name the segment of each customer from 1-5 R and F scores, by ``RFM_SEGMENTS``.

    ===================  =========  =========  ==========================================
    segment              R          F          meaning
    ===================  =========  =========  ==========================================
    champions            4-5        4-5        bought recently and most often
    loyal                3-5        3-5        regular and recent enough (not champions)
    new or promising     4-5        1-2        bought recently but seldom so far
    needs attention      3          1-2        middling recency, few orders
    at risk              1-2        3-5        used to buy often, not lately
    lost                 1-2        1-2        bought seldom, long ago
    ===================  =========  =========  ==========================================

    With quintile scores, R 1-2 is the two fifths of customers who bought longest ago and F 1-2
    the customers with the fewest orders (as close to two fifths as the ties allow). Every
    (R, F) pair falls in exactly one segment. The rules are a common convention, not a standard.

    Examples
    --------
    >>> rfm_segment(pd.DataFrame({"R": [5, 1, 3, 4], "F": [5, 4, 1, 2]})).tolist()
    ['champions', 'at risk', 'needs attention', 'new or promising']
    """
    check_column_options(scores, R="R", F="F")
    for letter in ("R", "F"):
        check_each(letter, scores[letter], minimum=1, maximum=5, whole=True, item="customer")
    r, f = scores["R"].to_numpy(), scores["F"].to_numpy()
    names = np.full(len(scores), "", dtype=object)
    for name, (r_in, f_in, _) in reversed(list(RFM_SEGMENTS.items())):
        names[np.isin(r, r_in) & np.isin(f, f_in)] = name
    return pd.Series(names, index=scores.index, name="segment")


def segment_ranges(scores: pd.DataFrame) -> pd.DataFrame:
    """Read each segment of ``RFM_SEGMENTS`` in days and orders, on the scores given.

    A segment is defined on scores; what a score means depends on the data (the quintile cut
    points). For each segment: its ``R`` and ``F`` scores, its ``meaning``, the ``customers``
    in it and their ``share``, and the range of days since the last order (``days_from``,
    ``days_to``) and of orders (``orders_from``, ``orders_to``) that its scores cover, from
    :func:`rfm_distribution` (NaN where no customer holds the scores).

    Examples
    --------
    >>> t = pd.DataFrame({"recency": [5, 10, 20, 40, 80, 160, 320, 640, 700, 720],
    ...                   "frequency": [9, 1, 7, 5, 1, 2, 6, 1, 3, 1],
    ...                   "monetary": [1.0] * 10})
    >>> segment_ranges(rfm_scores(t)).loc[["champions", "lost"],
    ...     ["R", "F", "customers", "days_from", "days_to", "orders_from", "orders_to"]]
                 R    F  customers  days_from  days_to  orders_from  orders_to
    segment
    champions  4-5  4-5          3        5.0     40.0          5.0        9.0
    lost       1-2  1-2          2      320.0    720.0          1.0        2.0
    """
    dist = rfm_distribution(scores, bins=5)
    segments = rfm_segment(scores)
    rows = {}
    for name, (r_in, f_in, meaning) in RFM_SEGMENTS.items():
        r, f = dist["R"].loc[list(r_in)], dist["F"].loc[list(f_in)]
        n = int((segments == name).sum())
        rows[name] = {
            "R": _span(r_in), "F": _span(f_in), "meaning": meaning, "customers": n,
            "share": round(n / len(scores), 3) if len(scores) else 0.0,
            "days_from": r["from"].min(), "days_to": r["to"].max(),
            "orders_from": f["from"].min(), "orders_to": f["to"].max(),
        }
    return text_table(pd.DataFrame.from_dict(rows, orient="index").rename_axis("segment"))


def _span(values) -> str:
    """(4, 5) -> "4-5"; (3,) -> "3"."""
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def customer_pyramid(values: pd.Series, *, cutoffs=CURRY_CUTOFFS,
                     tiers=CURRY_TIERS) -> pd.Series:
    """Tier customers by profitability, most profitable first: Curry & Curry's customer pyramid.

    By default the top 1% of customers by ``values`` are *top*, the next 4% *big*, the next 15%
    *medium* and the other 80% *small* (Curry & Curry 2000; see the module docstring for where
    other tier names come from). ``cutoffs`` are the cumulative shares of customers ending the
    tiers before the last, one fewer than ``tiers``. Ties on value are broken by the index
    order, so the result is deterministic.

    Examples
    --------
    >>> v = pd.Series([100.0, 50, 20, 10, 5, 1, 0, 0, 0, -3], index=list("abcdefghij"))
    >>> customer_pyramid(v, cutoffs=(0.1, 0.3, 0.6)).tolist()
    ['top', 'big', 'big', 'medium', 'medium', 'medium', 'small', 'small', 'small', 'small']
    >>> customer_pyramid(v, cutoffs=(0.1, 0.3, 0.6),
    ...                  tiers=("platinum", "gold", "iron", "lead")).tolist()[:4]
    ['platinum', 'gold', 'gold', 'iron']
    """
    cutoffs, tiers = tuple(cutoffs), tuple(tiers)
    if len(cutoffs) != len(tiers) - 1 or not all(
            a < b for a, b in zip((0,) + cutoffs, cutoffs + (1,))):
        raise expected("cutoffs", cutoffs, f"{len(tiers) - 1} increasing shares within (0, 1), "
                       f"one fewer than the tiers {tiers}")
    check_each("value", values, item="customer")
    v = values.astype(float)
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

    The cut-offs are the Pareto convention of ``crmlab.abc_analysis.CUTOFFS``, not the source's.

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
