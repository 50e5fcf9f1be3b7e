"""Multichannel customers (seed 001): are the customers who use more channels more profitable?

Seed 001 closes its CRM model with the claim "Pelanggan berbilang saluran biasanya paling
menguntungkan" (multichannel customers are usually the most profitable) and gives no figures.
:func:`profit_by_channel_count` puts the claim to the course data: customers grouped by the
number of sales channels they bought through, with their profit per customer and per order.
Profit per order is there because a customer with more orders has more chances to use another
channel: a gap per customer that vanishes per order says more about buying often than about
channels.
"""

from __future__ import annotations

import pandas as pd

from crmlab.core.validation import check_column_options

__all__ = ["profit_by_channel_count"]


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
