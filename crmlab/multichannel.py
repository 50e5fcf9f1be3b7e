"""Multichannel customers (seed 001): are the customers who use more channels more profitable?

Seed 001 closes its CRM model with the claim "Pelanggan berbilang saluran biasanya paling
menguntungkan" (multichannel customers are usually the most profitable) and gives no figures.
:func:`profit_by_channel_count` puts the claim to the course data: customers grouped by the
number of sales channels they bought through, with their profit per customer and per order.
Profit per order is there because a customer with more orders has more chances to use another
channel: a gap per customer that vanishes per order says more about buying often than about
channels. :func:`profit_per_order_interval` adds each group's interval, and
:func:`profit_per_order_difference` the interval of each group's difference from one group,
which is what says whether the profit per order differs at all: two intervals can overlap while
the difference is clear (Schenker & Gentleman 2001).
"""

from __future__ import annotations

import pandas as pd

from crmlab._ratio import difference, ratio_and_se
from crmlab.core.validation import check_choice, check_column_options

__all__ = ["profit_by_channel_count", "profit_per_order_interval",
           "profit_per_order_difference"]


def profit_by_channel_count(orders: pd.DataFrame, *, value: str = "margin",
                            customer_id: str = "customer_id", order_id: str = "order_id",
                            channel: str = "channel") -> pd.DataFrame:
    """Customers grouped by how many channels they bought through: their profit and orders.

    Parameters
    ----------
    orders : DataFrame
        One row per order line with the customer, the order, the sales channel and ``value``
        (the profit of the line: ``margin`` in the course data); not modified.
    value : str, default "margin"
        The column summed as profit.

    Returns
    -------
    DataFrame
        Indexed by ``channels`` (1, 2, ...): ``customers``, ``orders_per_customer``,
        ``profit_per_customer`` (mean), ``median_profit``, ``profit_per_order`` and
        ``profit_share`` (of the total).

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5],
    ...     "customer_id": ["a", "a", "b", "c", "c"],
    ...     "channel": ["web", "store", "web", "phone", "phone"],
    ...     "margin": [10.0, 30.0, 5.0, 7.0, 8.0]})
    >>> table = profit_by_channel_count(orders).round(3)
    >>> table[["customers", "orders_per_customer", "profit_per_customer", "profit_per_order"]]
              customers  orders_per_customer  profit_per_customer  profit_per_order
    channels
    1                 2                  1.5                 10.0             6.667
    2                 1                  2.0                 40.0            20.000
    """
    check_column_options(orders, value=value, customer_id=customer_id, order_id=order_id,
                         channel=channel)
    g = orders.groupby(customer_id, observed=True)
    per = pd.DataFrame({"channels": g[channel].nunique(), "orders": g[order_id].nunique(),
                        "profit": g[value].sum()})
    by = per.groupby("channels")
    out = pd.DataFrame({
        "customers": by.size().astype("int64"),
        "orders_per_customer": by["orders"].mean(),
        "profit_per_customer": by["profit"].mean(),
        "median_profit": by["profit"].median(),
        "profit_per_order": by["profit"].sum() / by["orders"].sum(),
        "profit_share": by["profit"].sum() / per["profit"].sum(),
    })
    return out


def profit_per_order_interval(orders: pd.DataFrame, *, value: str = "margin",
                              customer_id: str = "customer_id", order_id: str = "order_id",
                              channel: str = "channel", confidence: float = 0.95) -> pd.DataFrame:
    """Profit per order of the customers of each number of channels, with a confidence interval.

    The profit per order of a group is its profit over its orders, a ratio of two sums over its
    customers. A customer's orders are not independent draws (one customer places many), so the
    customers, not the orders, are the sample: the standard error is the linearisation of a ratio
    estimator, ``sd(profit - R orders) / (sqrt(n) mean(orders))`` over the group's ``n``
    customers, and the interval uses the normal approximation. A group of one customer has no
    interval (NaN). Whether two groups differ is read off the interval of their difference
    (:func:`profit_per_order_difference`), not off whether their intervals overlap.

    Parameters
    ----------
    orders, value, customer_id, order_id, channel
        As for :func:`profit_by_channel_count`; ``orders`` is not modified.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        Indexed by ``channels``: ``customers``, ``orders``, ``profit_per_order``, ``ci_low``
        and ``ci_high``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5, 6, 7],
    ...     "customer_id": ["a", "a", "b", "c", "c", "d", "e"],
    ...     "channel": ["web", "store", "web", "web", "phone", "store", "store"],
    ...     "margin": [10.0, 6.0, 5.0, 7.0, 11.0, 4.0, 8.0]})
    >>> profit_per_order_interval(orders).round(2)
              customers  orders  profit_per_order  ci_low  ci_high
    channels
    1                 3       3              5.67    3.31     8.02
    2                 2       4              8.50    7.52     9.48
    """
    from crmlab.survey import _z

    z = _z(confidence)
    rows = {}
    for channels, group in _per_customer(orders, value, customer_id, order_id,
                                         channel).groupby("channels"):
        ratio, se = ratio_and_se(group["profit"], group["orders"])
        rows[channels] = {"customers": len(group), "orders": int(group["orders"].sum()),
                          "profit_per_order": ratio, "ci_low": ratio - z * se,
                          "ci_high": ratio + z * se}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "channels"
    return out.astype({"customers": "int64", "orders": "int64"})


def _per_customer(orders, value, customer_id, order_id, channel) -> pd.DataFrame:
    """Per customer: the number of channels, of orders and the profit."""
    check_column_options(orders, value=value, customer_id=customer_id, order_id=order_id,
                         channel=channel)
    g = orders.groupby(customer_id, observed=True)
    return pd.DataFrame({"channels": g[channel].nunique(), "orders": g[order_id].nunique(),
                         "profit": g[value].sum().astype(float)})


def profit_per_order_difference(orders: pd.DataFrame, *, against: int = 1, value: str = "margin",
                                customer_id: str = "customer_id", order_id: str = "order_id",
                                channel: str = "channel",
                                confidence: float = 0.95) -> pd.DataFrame:
    """Each group's profit per order minus that of the customers of ``against`` channels.

    Do the customers of more channels bring more profit per order? Two groups' intervals that
    overlap do not answer it: the difference between two estimates can be clear while their
    intervals overlap (Schenker & Gentleman 2001). The groups are independent samples of
    customers, so the difference has the standard error ``sqrt(se_a**2 + se_b**2)``, each from
    :func:`profit_per_order_interval`'s linearisation, and a normal-approximation interval.

    Parameters
    ----------
    orders, value, customer_id, order_id, channel
        As for :func:`profit_by_channel_count`; ``orders`` is not modified.
    against : int, default 1
        The number of channels every other group is compared with.
    confidence : float, default 0.95
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    DataFrame
        Indexed by ``channels`` (the other groups): ``profit_per_order``, ``against`` (that of
        the customers of ``against`` channels), ``difference``, ``ci_low``, ``ci_high`` and
        ``clear`` (the interval excludes 0).

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5, 6, 7],
    ...     "customer_id": ["a", "a", "b", "c", "c", "d", "e"],
    ...     "channel": ["web", "store", "web", "web", "phone", "store", "store"],
    ...     "margin": [10.0, 6.0, 5.0, 7.0, 11.0, 4.0, 8.0]})
    >>> profit_per_order_difference(orders).round(2)
              profit_per_order  against  difference  ci_low  ci_high  clear
    channels
    2                      8.5     5.67        2.83    0.28     5.38   True
    >>> profit_per_order_difference(orders, against=3)
    Traceback (most recent call last):
    ...
    ValueError: Got against=3 instead, expected one of 1, 2.
    """
    from crmlab.survey import _z

    z = _z(confidence)
    groups = {int(k): ratio_and_se(g["profit"], g["orders"]) for k, g in
              _per_customer(orders, value, customer_id, order_id, channel).groupby("channels")}
    check_choice("against", against, sorted(groups))
    rows = {}
    for channels, estimate in groups.items():
        if channels == against:
            continue
        d = difference(estimate, groups[against], z)
        rows[channels] = {"profit_per_order": estimate[0], "against": groups[against][0],
                          "difference": d["difference"], "ci_low": d["ci_low"],
                          "ci_high": d["ci_high"], "clear": d["clear"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "channels"
    return out
