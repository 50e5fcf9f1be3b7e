"""Value exchange (seed 000, CRM in the supply chain): the ratio of benefit to cost per segment.

Seed 000 builds CRM management on the exchange of values: the customer gets values from the
supply chain (``crmlab.taxonomy.CUSTOMER_VALUES``: speed and quality of service, fast reaction
to demand, ..., discounts on repeat turnover), and "the ratio of the value of the benefits of
obtaining the service (goods) to its actual cost, or the estimate of total benefit against costs
in money (points)" measures them. The source gives the measure, not a way to compute it from
data.

:func:`value_for_cost` computes that ratio per segment for any per-customer benefit and cost.
The course's operationalisation, which is the course's and not the source's: the **benefit**
is the customer's own estimate of the total benefit in points, their CSAT answer (1-5) in the
survey; the **cost** is what they pay for one order, their revenue per order in the orders
table. The ratio, scaled by ``per=100``, reads "CSAT points per 100 of money paid per order":
higher means more satisfaction for the money. The course data is synthetic, so a difference
between segments describes how the data was generated, not a market.

:func:`value_for_cost_interval` adds a confidence interval to each segment's ratio, and
:func:`value_for_cost_difference` the interval of the difference between two segments, which is
what says whether they differ: two intervals can overlap while the difference is clear
(Schenker & Gentleman 2001). Both rest on a normal approximation of means, which fails when the
cost has a very long tail (the course data's order values have infinite variance: a few
customers' orders dominate any mean); :func:`median_comparison` compares the segments' costs by
rank instead. :func:`csat_and_order_value` builds the per-customer table of the course's
operationalisation.
"""

from __future__ import annotations

import pandas as pd

from crmlab._ratio import difference, ratio_and_se
from crmlab.core.validation import (
    check_choice,
    check_column_options,
    check_columns,
    check_each,
    check_no_columns,
    check_number,
    check_unique,
    expected,
)

__all__ = ["value_for_cost", "value_for_cost_interval", "value_for_cost_difference",
           "median_comparison", "csat_and_order_value", "csat_per_order_value"]


def value_for_cost(table: pd.DataFrame, *, by: str, benefit: str, cost: str,
                   per: float = 1.0) -> pd.DataFrame:
    """Per segment ``by``: mean benefit, mean cost and their ratio (benefit per ``per`` of cost).

    Parameters
    ----------
    table : DataFrame
        One row per customer with the columns ``by``, ``benefit`` and ``cost``; not modified.
        Rows missing the benefit or the cost are left out.
    by : str
        The column naming each customer's segment.
    benefit, cost : str
        Columns of the benefit (points or money) and of the cost (money, > 0).
    per : float, default 1.0
        Scale of the ratio: ``per=100`` gives the benefit per 100 of cost.

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``, ``benefit`` (mean), ``cost`` (mean) and
        ``value_for_cost`` = total benefit / total cost x ``per``, highest first.

    Examples
    --------
    >>> customers = pd.DataFrame({"segment": ["web", "web", "store", "store"],
    ...     "csat": [5, 3, 4, 4], "order_value": [40.0, 40.0, 100.0, 60.0]})
    >>> value_for_cost(customers, by="segment", benefit="csat", cost="order_value", per=100)
             customers  benefit  cost  value_for_cost
    segment
    web              2      4.0  40.0            10.0
    store            2      4.0  80.0             5.0

    :func:`csat_per_order_value` applies it to the course data.
    """
    check_column_options(table, by=by, benefit=benefit, cost=cost)
    check_number("per", per, minimum=0, strict=True)
    rows = table[[by, benefit, cost]].dropna(subset=[benefit, cost])
    if rows.empty:
        raise expected("table", "no row with both a benefit and a cost",
                       "at least one customer with both")
    check_each(benefit, rows[benefit], item="row")
    check_each(cost, rows[cost], minimum=0, item="row")
    g = rows.assign(**{by: rows[by].astype(str)}).groupby(by)
    out = pd.DataFrame({
        "customers": g.size().astype("int64"),
        "benefit": g[benefit].mean(),
        "cost": g[cost].mean(),
    })
    totals = g[cost].sum()
    if (totals <= 0).any():
        raise expected(cost, 0, "a positive total cost in every segment",
                       where=f" in segment {totals.index[totals <= 0][0]!r}")
    out["value_for_cost"] = g[benefit].sum() / totals * per
    out.index.name = by
    return out.sort_values("value_for_cost", ascending=False, kind="stable")


def value_for_cost_interval(table: pd.DataFrame, *, by: str, benefit: str, cost: str,
                            per: float = 1.0, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`value_for_cost` with a confidence interval for each segment's ratio.

    A segment's ratio is a ratio of two means over its customers, ``R = mean(b) / mean(c)``.
    Its standard error is the usual linearisation of a ratio estimator,
    ``sd(b - R c) / (sqrt(n) mean(c))``, and the interval uses the normal approximation. A
    segment of one customer has no interval (NaN). Whether two segments differ is not read off
    their intervals (two intervals can overlap while the difference is clear): use
    :func:`value_for_cost_difference`. With a long-tailed cost the normal approximation is
    unreliable; see :func:`median_comparison`.

    Parameters
    ----------
    table, by, benefit, cost, per
        As for :func:`value_for_cost`; ``table`` is not modified.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        The columns of :func:`value_for_cost` plus ``ci_low`` and ``ci_high`` (on the scale of
        ``value_for_cost``), highest ratio first.

    Examples
    --------
    >>> customers = pd.DataFrame({"segment": ["web"] * 3 + ["store"] * 3,
    ...     "csat": [5, 3, 4, 4, 5, 3], "order_value": [40.0, 40.0, 40.0, 100.0, 60.0, 80.0]})
    >>> value_for_cost_interval(customers, by="segment", benefit="csat", cost="order_value",
    ...                         per=100).round(2)
             customers  benefit  cost  value_for_cost  ci_low  ci_high
    segment
    web              3      4.0  40.0            10.0    7.17    12.83
    store            3      4.0  80.0             5.0    2.55     7.45
    """
    from crmlab.survey import _z

    z = _z(confidence)
    out = value_for_cost(table, by=by, benefit=benefit, cost=cost, per=per)
    low, high = {}, {}
    for segment, (ratio, se) in _ratios(table, by, benefit, cost).items():
        low[segment], high[segment] = (ratio - z * se) * per, (ratio + z * se) * per
    return out.assign(ci_low=pd.Series(low), ci_high=pd.Series(high))


def _ratios(table, by, benefit, cost) -> dict:
    """``{segment: (ratio, se)}`` over the rows with both a benefit and a cost."""
    rows = table[[by, benefit, cost]].dropna(subset=[benefit, cost])
    rows = rows.assign(**{by: rows[by].astype(str)})
    return {segment: ratio_and_se(group[benefit], group[cost])
            for segment, group in rows.groupby(by)}


def value_for_cost_difference(table: pd.DataFrame, *, by: str, benefit: str, cost: str,
                              against: str, per: float = 1.0,
                              confidence: float = 0.95) -> pd.DataFrame:
    """Each segment's value-for-cost ratio minus that of segment ``against``, with an interval.

    The question "do two segments differ?" is answered by the interval of their difference,
    not by whether their own intervals overlap: two 95% intervals can overlap while the
    difference between the estimates is clear (Schenker & Gentleman 2001). The segments are
    independent samples, so the difference has the standard error ``sqrt(se_a**2 + se_b**2)``,
    each from :func:`value_for_cost_interval`'s linearisation, and the interval uses the normal
    approximation, which a long-tailed cost makes unreliable (see :func:`median_comparison`).

    Parameters
    ----------
    table, by, benefit, cost, per
        As for :func:`value_for_cost`; ``table`` is not modified.
    against : str
        The segment every other segment is compared with.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        Indexed by the other segments, in the order of :func:`value_for_cost`:
        ``value_for_cost``, ``against`` (the ratio of ``against``), ``difference`` (the first
        minus the second), ``ci_low``, ``ci_high`` (on the scale of ``value_for_cost``) and
        ``clear`` (the interval excludes 0).

    Examples
    --------
    >>> customers = pd.DataFrame({"segment": ["web"] * 3 + ["store"] * 3,
    ...     "csat": [5, 3, 4, 4, 5, 3], "order_value": [40.0, 40.0, 40.0, 100.0, 60.0, 80.0]})
    >>> value_for_cost_difference(customers, by="segment", benefit="csat", cost="order_value",
    ...                           against="store", per=100).round(2)
             value_for_cost  against  difference  ci_low  ci_high  clear
    segment
    web                10.0      5.0         5.0    1.26     8.74   True
    >>> value_for_cost_difference(customers, by="segment", benefit="csat", cost="order_value",
    ...                           against="shop")
    Traceback (most recent call last):
    ...
    ValueError: Got against='shop' instead, expected one of 'store', 'web'.
    """
    from crmlab.survey import _z

    z = _z(confidence)
    order = value_for_cost(table, by=by, benefit=benefit, cost=cost, per=per).index
    ratios = _ratios(table, by, benefit, cost)
    check_choice("against", against, sorted(ratios))
    rows = {}
    for segment in order:
        if segment == against:
            continue
        d = difference(ratios[segment], ratios[against], z)
        rows[segment] = {"value_for_cost": ratios[segment][0] * per,
                         "against": ratios[against][0] * per,
                         "difference": d["difference"] * per, "ci_low": d["ci_low"] * per,
                         "ci_high": d["ci_high"] * per, "clear": d["clear"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by
    return out


def median_comparison(table: pd.DataFrame, *, by: str, value: str,
                      against: str) -> pd.DataFrame:
    """Each segment's median ``value`` beside that of segment ``against``, compared by rank.

    A mean, and a ratio of means, is at the mercy of a few extreme values when ``value`` has a
    very long tail; when its variance is infinite (a Pareto tail with an index of 2 or less, as
    the course data's order values have), no normal-approximation interval on a mean can be
    trusted, with or without a few values trimmed. Ranks do not care how extreme the largest
    values are: the Mann-Whitney test asks whether a customer of one segment tends to have a
    larger ``value`` than a customer of the other. Rows without ``value`` are left out.

    Parameters
    ----------
    table : DataFrame
        One row per customer with the columns ``by`` and ``value``; not modified.
    by : str
        The column naming each customer's segment.
    value : str
        The column compared (a cost, an order value).
    against : str
        The segment every other segment is compared with.

    Returns
    -------
    DataFrame
        Indexed by the other segments, sorted by name: ``customers``, ``median``,
        ``median_against`` and ``p_value`` (two-sided Mann-Whitney U test against ``against``).

    Examples
    --------
    >>> customers = pd.DataFrame({"segment": ["a"] * 6 + ["b"] * 6,
    ...     "order_value": [10, 12, 11, 13, 9, 400, 10, 11, 12, 13, 9, 14.0]})
    >>> median_comparison(customers, by="segment", value="order_value", against="b").round(3)
             customers  median  median_against  p_value
    segment
    a                6    11.5            11.5      1.0
    """
    from scipy.stats import mannwhitneyu

    check_column_options(table, by=by, value=value)
    rows = table[[by, value]].dropna(subset=[value])
    check_each(value, rows[value], item="row")
    groups = {str(k): g[value].astype(float) for k, g in rows.groupby(by, observed=True)}
    check_choice("against", against, sorted(groups))
    base = groups[against]
    out = pd.DataFrame([{by: segment, "customers": len(values), "median": values.median(),
                         "median_against": base.median(),
                         "p_value": float(mannwhitneyu(values, base,
                                                       alternative="two-sided").pvalue)}
                        for segment, values in sorted(groups.items()) if segment != against])
    return out.set_index(by).astype({"customers": "int64"})


def csat_and_order_value(orders: pd.DataFrame, survey: pd.DataFrame, *,
                         customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer who answered the survey and ordered: their CSAT and their revenue per order.

    The benefit and the cost of the course's operationalisation (see the module docstring):
    ``csat`` is the customer's latest answer (if they answered twice), ``order_value`` their
    revenue divided by their number of orders.

    Parameters
    ----------
    orders : DataFrame
        Columns ``customer_id``, ``order_id``, ``revenue`` (order lines); not modified.
    survey : DataFrame
        Columns ``customer_id``, ``survey_date``, ``csat``; not modified.
    customers : DataFrame, optional
        One row per customer, with the column ``customer_id``; not modified. Its other columns
        are added to each customer's row (left empty for a customer it lacks), so that any of
        them (an acquisition channel, a city) can segment the table in :func:`value_for_cost`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, columns ``csat`` and ``order_value``, then those of
        ``customers``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 1, 2, 3], "customer_id": ["x", "x", "x", "y"],
    ...                        "revenue": [30.0, 10.0, 60.0, 20.0]})
    >>> survey = pd.DataFrame({"customer_id": ["x", "x", "z"], "csat": [1, 4, 5],
    ...     "survey_date": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-01-01"])})
    >>> csat_and_order_value(orders, survey)
                 csat  order_value
    customer_id
    x               4         50.0
    >>> customers = pd.DataFrame({"customer_id": ["x", "y"], "city": ["Baku", "Ganja"]})
    >>> csat_and_order_value(orders, survey, customers=customers)
                 csat  order_value  city
    customer_id
    x               4         50.0  Baku
    """
    check_column_options(orders, customer_id="customer_id", order_id="order_id",
                         revenue="revenue")
    check_column_options(survey, customer_id="customer_id", survey_date="survey_date",
                         csat="csat")
    if customers is not None:
        check_columns(customers, ["customer_id"], table="customers")
        check_unique("customer_id", customers["customer_id"], item="customer")
        check_no_columns(customers, ["csat", "order_value"], table="customers")
    g = orders.groupby("customer_id")
    order_value = (g["revenue"].sum() / g["order_id"].nunique()).rename("order_value")
    latest = survey.sort_values("survey_date", kind="stable").drop_duplicates("customer_id",
                                                                             keep="last")
    table = latest.set_index("customer_id")[["csat"]].join(order_value, how="inner")
    if customers is None:
        return table
    return table.join(customers.set_index("customer_id"))


def csat_per_order_value(orders: pd.DataFrame, survey: pd.DataFrame, *, segments: pd.Series,
                         per: float = 100.0) -> pd.DataFrame:
    """The course's value-for-cost ratio per segment: CSAT points per ``per`` paid per order.

    For every customer who answered the survey and ordered: the benefit is their CSAT answer
    (their latest, if they answered twice), the cost their revenue per order; then
    :func:`value_for_cost` per segment. An operationalisation of the course, not of the source
    (see the module docstring).

    Parameters
    ----------
    orders, survey : DataFrame
        As for :func:`csat_and_order_value` (which builds the per-customer table); not modified.
    segments : Series
        The segment of each customer, indexed by ``customer_id`` (an acquisition channel, an
        RFM segment, a service level); customers without one are left out.

    Examples
    --------
    >>> from crmlab import datasets
    >>> customers = datasets.load("customers").set_index("customer_id")
    >>> ratio = csat_per_order_value(datasets.load("orders"), datasets.load("survey"),
    ...                              segments=customers["acquisition_channel"])
    >>> ratio.columns.tolist(), sorted(ratio.index)
    (['customers', 'benefit', 'cost', 'value_for_cost'], ['field_sales', 'phone', 'store', 'web'])
    """
    table = csat_and_order_value(orders, survey)
    table = table.join(pd.Series(segments, name="segment"), how="inner")
    return value_for_cost(table, by="segment", benefit="csat", cost="order_value", per=per)
