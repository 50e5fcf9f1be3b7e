"""Multichannel customers (seed 001): are the customers who use more channels more profitable?

Seed 001 closes its CRM model with the claim "Pelanggan berbilang saluran biasanya paling
menguntungkan" (multichannel customers are usually the most profitable) and gives no figures.
:func:`profit_by_channel_count` puts the claim to the course data: customers grouped by the
number of sales channels they bought through, with their profit per customer and per order.
Profit per order is there because a customer with more orders has more chances to use another
channel: a gap per customer that vanishes per order says more about buying often than about
channels. :func:`profit_per_order_interval` adds the interval that says whether the profit per
order differs at all between the groups.
"""

from __future__ import annotations

import math

import pandas as pd

from crmlab.core.validation import check_column_options

__all__ = ["profit_by_channel_count", "profit_per_order_interval"]


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
    customers, and the interval uses the normal approximation. Groups whose intervals overlap
    cannot be told apart by the data. A group of one customer has no interval (NaN).

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

    check_column_options(orders, value=value, customer_id=customer_id, order_id=order_id,
                         channel=channel)
    z = _z(confidence)
    g = orders.groupby(customer_id, observed=True)
    per = pd.DataFrame({"channels": g[channel].nunique(), "orders": g[order_id].nunique(),
                        "profit": g[value].sum()})
    rows = {}
    for channels, group in per.groupby("channels"):
        n, profit, count = len(group), group["profit"].astype(float), group["orders"]
        ratio = float(profit.sum() / count.sum())
        se = ((profit - ratio * count).std(ddof=1) / (math.sqrt(n) * count.mean()) if n > 1
              else float("nan"))
        rows[channels] = {"customers": n, "orders": int(count.sum()), "profit_per_order": ratio,
                          "ci_low": ratio - z * se, "ci_high": ratio + z * se}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "channels"
    return out.astype({"customers": "int64", "orders": "int64"})
