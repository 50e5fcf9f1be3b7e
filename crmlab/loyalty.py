"""Loyalty and retention economics (L01): Huete's repeat-customer diagnostic and the cost ratios.

Huete (1997: 40) would diagnose the health of a business with a single question: what share of
its customers are repeat customers? :func:`repeat_rate` answers it on order data, overall, by
acquisition cohort and by acquisition channel. Late cohorts have had less time to come back, so
``window=`` compares cohorts fairly: a customer counts as a repeat customer only when they
ordered again within ``window`` days of the first order, and only customers whose whole window
lies inside the data are counted (the one rule of :mod:`crmlab.repeat_purchase`).

:func:`retention_economics` prices a change in retention with the ratios seed 000 quotes from
"statistics": acquiring a new customer costs 5-10 times, and winning back a lost one 50-100 times,
as much as keeping an existing one (``SOURCE_RATIOS``). The source gives only ratios, no absolute
cost of keeping a customer, so ``keep_cost`` is always the caller's assumption. The value of the
customer base uses :func:`crmlab.clv.simple_clv` (Gupta & Lehmann 2003).
"""

from __future__ import annotations

import pandas as pd

from crmlab.clv import simple_clv
from crmlab.core.display import StableWidgetRepr
from crmlab.core.validation import (
    check_choice,
    check_column_options,
    check_columns,
    check_number,
    check_pair,
    check_rate,
    check_whole,
    expected,
)
from crmlab.repeat_purchase import bought_again

__all__ = ["SOURCE_RATIOS", "repeat_customers", "repeat_rate", "retention_rate",
           "retention_economics", "retention_comparison", "calculator"]

#: Cost of acquiring / winning back a customer, as a multiple of the cost of keeping one (seed 000).
SOURCE_RATIOS = {"acquire": (5.0, 10.0), "win_back": (50.0, 100.0)}

_BY = (None, "cohort", "channel")


def _first_orders(orders, customer_id, order_id, date, channel):
    """Per customer: the date (and channel) of the first order, and whether another day followed."""
    cols = [customer_id, order_id, date] + ([channel] if channel else [])
    data = orders[cols].drop_duplicates(order_id).assign(**{date: pd.to_datetime(orders[date])})
    data = data.sort_values([customer_id, date, order_id], kind="stable")
    first = data.drop_duplicates(customer_id).set_index(customer_id)
    days = data[date].dt.normalize().groupby(data[customer_id], sort=False).nunique()
    out = pd.DataFrame({"first": first[date], "later_day": days.reindex(first.index) > 1})
    if channel:
        out["channel"] = first[channel].astype(str)
    return out


def repeat_customers(orders: pd.DataFrame, *, window: int | None = None, as_of=None,
                     customer_id: str = "customer_id", order_id: str = "order_id",
                     date: str = "order_date", channel: str | None = None) -> pd.DataFrame:
    """One row per customer: the first order and whether the customer ordered again.

    The customers behind :func:`repeat_rate`, for questions the rate alone cannot answer:
    which first orders a cohort with a full window holds, or how repeat buying differs by a
    customer attribute (group ``repeat`` by it).

    Parameters
    ----------
    orders : DataFrame
        One row per order line; several lines of one order share ``order_id``; not modified.
    window : int, optional
        Days. ``repeat`` is True when the customer ordered again within ``window`` days after
        the day of the first order; customers whose window does not end before ``as_of`` are
        left out (the rule of :func:`crmlab.repeat_purchase.bought_again`). Without it,
        ``repeat`` is True for any order on a later day than the first.
    as_of : date-like, optional
        End of the observation (orders on or after it are ignored); default the day after the
        last order.
    channel : str, optional
        A column of ``orders``: adds ``channel``, the one of the first order.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``first`` (the time of the first order), ``channel`` (if
        asked) and ``repeat`` (bool).

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5],
    ...     "customer_id": ["a", "a", "b", "c", "c"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-01",
    ...                                   "2024-04-02", "2024-04-20"])})
    >>> repeat_customers(orders)
                     first  repeat
    customer_id
    a           2024-01-05    True
    b           2024-02-01   False
    c           2024-04-02    True
    >>> repeat_customers(orders, window=60, as_of="2024-05-01")  # c's window is not over
                     first  repeat
    customer_id
    a           2024-01-05    True
    b           2024-02-01   False
    """
    names = {"customer_id": customer_id, "order_id": order_id, "date": date}
    if channel is not None:
        names["channel"] = channel
    check_column_options(orders, **names)
    if window is not None:
        window = check_whole("window", window, minimum=1, unit="days")
    if len(orders) == 0:
        raise expected("orders", "an empty table", "at least one order")
    dates = pd.to_datetime(orders[date])
    if as_of is None:
        end = dates.max() + pd.Timedelta(days=1)
    else:
        end = pd.Timestamp(as_of)
        orders = orders[(dates < end).to_numpy()]
        if len(orders) == 0:
            raise expected("as_of", as_of, "a date after the first order")
    firsts = _first_orders(orders, customer_id, order_id, date, channel)
    if window is None:
        repeat = firsts["later_day"]
    else:
        events = pd.DataFrame({customer_id: firsts.index, "_first": firsts["first"].to_numpy()},
                              index=firsts.index)
        again = bought_again(events, orders, window_days=window, date="_first", as_of=end,
                             customer_id=customer_id, order_date=date)
        if again.isna().all():
            raise expected("window", window, "a window that leaves at least one customer whose "
                           f"first order is more than {window} days before {end.date()}")
        firsts, repeat = firsts[again.notna()], again.dropna().astype(bool)
    out = firsts.drop(columns="later_day").assign(repeat=repeat.to_numpy())
    out.index.name = customer_id
    return out


def repeat_rate(orders: pd.DataFrame, *, by: str | None = None, window: int | None = None,
                as_of=None, cohort: str = "Q", customer_id: str = "customer_id",
                order_id: str = "order_id", date: str = "order_date", channel: str = "channel"):
    """Share of customers who ordered again after their first order (Huete's diagnostic question).

    A repeat customer is one who ordered again on a later day than the first order (a second
    order on the same day is the same shopping occasion). With ``window``, the rule of
    :func:`crmlab.repeat_purchase.bought_again` applies to the day of the first order.

    Parameters
    ----------
    orders : DataFrame
        One row per order line; several lines of one order share ``order_id``.
    by : {None, "cohort", "channel"}, default None
        None returns one rate. ``"cohort"`` groups customers by the period of their first order,
        ``"channel"`` by the channel of their first order (their acquisition channel).
    window : int, optional
        Days. Count a customer as a repeat customer only if they ordered again within
        ``window`` days after the day of the first order, and leave out customers whose window
        does not end before ``as_of``: every cohort then had the same time to come back.
    as_of : date-like, optional
        End of the observation (orders on or after it are ignored); default the day after the
        last order.
    cohort : str, default "Q"
        Pandas period code of the cohorts ("M", "Q", "Y").

    Returns
    -------
    float or DataFrame
        The rate; or per group ``customers``, ``repeat_customers`` and ``repeat_rate``.

    See Also
    --------
    repeat_customers : the customers behind the rate, one row each.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4, 5],
    ...     "customer_id": ["a", "a", "b", "c", "c"], "channel": ["web", "store", "web", "store", "store"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-01",
    ...                                   "2024-04-02", "2024-04-20"])})
    >>> round(repeat_rate(orders), 3)
    0.667
    >>> repeat_rate(orders, by="channel")
             customers  repeat_customers  repeat_rate
    channel
    store            1                 1          1.0
    web              2                 1          0.5
    >>> repeat_rate(orders, window=60, as_of="2024-05-01")
    0.5
    """
    check_choice("by", by, _BY)
    firsts = repeat_customers(orders, window=window, as_of=as_of, customer_id=customer_id,
                              order_id=order_id, date=date,
                              channel=channel if by == "channel" else None)
    repeat = firsts["repeat"]
    if by is None:
        return float(repeat.mean())
    key = (firsts["first"].dt.to_period(cohort).astype(str).rename("cohort") if by == "cohort"
           else firsts["channel"].rename("channel"))
    g = repeat.groupby(key, sort=True)
    out = pd.DataFrame({"customers": g.size(), "repeat_customers": g.sum().astype("int64")})
    out["repeat_rate"] = out["repeat_customers"] / out["customers"]
    return out


def retention_rate(orders: pd.DataFrame, *, period: str = "Y", customer_id: str = "customer_id",
                   date: str = "order_date") -> pd.DataFrame:
    """Period-to-period retention: of the customers who bought in one period, who bought in the next.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "c", "d"],
    ...     "order_date": pd.to_datetime(["2023-02-01", "2023-05-01", "2023-07-01",
    ...                                   "2024-01-10", "2024-03-03", "2024-04-04"])})
    >>> retention_rate(orders)
            customers  retained  retention
    period
    2023            3         2   0.666667
    """
    check_column_options(orders, customer_id=customer_id, date=date)
    periods = pd.to_datetime(orders[date]).dt.to_period(period)
    active = pd.DataFrame({"c": orders[customer_id].to_numpy(), "p": periods.to_numpy()})
    active = active.drop_duplicates()
    rows = []
    ordered = sorted(active["p"].unique())
    for this, nxt in zip(ordered, ordered[1:]):
        now = set(active.loc[active["p"] == this, "c"])
        later = set(active.loc[active["p"] == nxt, "c"])
        rows.append((str(this), len(now), len(now & later)))
    out = pd.DataFrame(rows, columns=["period", "customers", "retained"]).set_index("period")
    out["retention"] = out["retained"] / out["customers"]
    return out


def retention_economics(*, customers: int, retention: float, new_retention: float, margin: float,
                        keep_cost: float, discount: float = 0.1,
                        acquire_ratio=SOURCE_RATIOS["acquire"],
                        win_back_ratio=SOURCE_RATIOS["win_back"]) -> pd.DataFrame:
    """What a change in retention is worth, with the source's cost ratios as low/high bounds.

    Parameters
    ----------
    customers : int
        Customers at the start of a period.
    retention, new_retention : float
        Share of them who buy again in the next period, now and after the change, in [0, 1).
    margin : float
        Margin per customer per period.
    keep_cost : float
        What keeping one customer costs per period: the course's assumption, not the source's.
    discount : float, default 0.1
        Discount rate per period for the value of the customer base.
    acquire_ratio, win_back_ratio : (low, high)
        Cost of acquiring / winning back a customer as a multiple of ``keep_cost``; default the
        source's 5-10x and 50-100x.

    Returns
    -------
    DataFrame
        One row per quantity, columns ``low`` and ``high`` (equal where no ratio is involved).

    Examples
    --------
    >>> retention_economics(customers=1000, retention=0.6, new_retention=0.65, margin=100,
    ...                     keep_cost=10).round(2)
                                                     low       high
    item
    customers kept per period                      50.00      50.00
    cost of keeping them                          500.00     500.00
    cost of replacing them with new customers    2500.00    5000.00
    cost of winning them back                   25000.00   50000.00
    margin they bring per period                 5000.00    5000.00
    customer base value now                    120000.00  120000.00
    customer base value after the change       144444.44  144444.44
    value of the change                         24444.44   24444.44
    """
    check_whole("customers", customers, minimum=0)
    check_rate("retention", retention, high_open=True)
    check_rate("new_retention", new_retention, high_open=True)
    check_number("margin", margin, minimum=0, what="amount")
    check_number("keep_cost", keep_cost, minimum=0, what="amount")
    acquire = check_pair("acquire_ratio", acquire_ratio)
    win_back = check_pair("win_back_ratio", win_back_ratio)
    kept = customers * (new_retention - retention)
    now = customers * simple_clv(margin, retention=retention, discount=discount)
    after = customers * simple_clv(margin, retention=new_retention, discount=discount)
    rows = {
        "customers kept per period": (kept, kept),
        "cost of keeping them": (kept * keep_cost,) * 2,
        "cost of replacing them with new customers": tuple(kept * keep_cost * r for r in acquire),
        "cost of winning them back": tuple(kept * keep_cost * r for r in win_back),
        "margin they bring per period": (kept * margin,) * 2,
        "customer base value now": (now, now),
        "customer base value after the change": (after, after),
        "value of the change": (after - now, after - now),
    }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"], dtype=float)
    out.index.name = "item"
    return out


#: What retention_comparison compares: (label, basis, row of retention_economics divided by
#: another row).
_COMPARED = (
    ("margin / cost of keeping", "per period", "margin they bring per period",
     "cost of keeping them"),
    ("cost of replacing / value of the change", "once",
     "cost of replacing them with new customers", "value of the change"),
    ("cost of winning back / value of the change", "once", "cost of winning them back",
     "value of the change"),
)


def retention_comparison(economics: pd.DataFrame) -> pd.DataFrame:
    """Compare like with like in a :func:`retention_economics` table: ratios of two amounts.

    The table mixes two kinds of amount. The margin of the customers kept and the cost of
    keeping them recur every period; the cost of replacing lost customers or winning them back
    is paid once, and the value of the change is a present value: one sum today for all the
    periods to come. Only amounts of one kind are compared: the margin with the cost of
    keeping, per period; the one-off costs with the value of the change. A ratio above 1 means
    the first amount is the larger.

    Parameters
    ----------
    economics : DataFrame
        A table returned by :func:`retention_economics`; not modified.

    Returns
    -------
    DataFrame
        One row per comparison ("margin / cost of keeping", "cost of replacing / value of the
        change", "cost of winning back / value of the change"), columns ``basis`` ("per
        period" or "once"), ``low`` and ``high``.

    Examples
    --------
    >>> economics = retention_economics(customers=1000, retention=0.6, new_retention=0.65,
    ...                                 margin=100, keep_cost=10)
    >>> retention_comparison(economics).round(3)
                                                     basis     low    high
    comparison
    margin / cost of keeping                    per period  10.000  10.000
    cost of replacing / value of the change           once   0.102   0.205
    cost of winning back / value of the change        once   1.023   2.045
    """
    rows = list(dict.fromkeys(row for _, _, *pair in _COMPARED for row in pair))
    check_columns(economics.index, rows, table="economics", kind="row")
    check_columns(economics, ["low", "high"], table="economics")
    return pd.DataFrame(
        [(basis, *(economics.loc[top] / economics.loc[bottom]).to_numpy())
         for _, basis, top, bottom in _COMPARED],
        columns=["basis", "low", "high"],
        index=pd.Index([label for label, *_ in _COMPARED], name="comparison"))


class _Calculator(StableWidgetRepr):
    """Sliders for :func:`retention_economics`; the table follows them."""

    def __init__(self, widgets, box, table, params):
        self.widget, self._table, self._params = box, table, params
        self._widgets = widgets

    def summary(self) -> str:
        p = self._params
        return (f"Retention calculator: {p['customers']:,} customers, retention "
                f"{p['retention']:.1%}, margin {p['margin']:,.2f} per customer per period. "
                "Move the sliders to price a change in retention.")


def calculator(*, customers: int, retention: float, margin: float, keep_cost: float,
               discount: float = 0.1):
    """An ipywidgets calculator over :func:`retention_economics` for the lesson.

    Sliders set the new retention rate, the cost of keeping a customer and the two cost ratios
    (ranges around the source's 5-10x and 50-100x); the table below them updates on every move.
    """
    import ipywidgets as w

    from crmlab.core.i18n import message, translate_labels

    retention_economics(customers=customers, retention=retention, new_retention=retention,
                        margin=margin, keep_cost=keep_cost, discount=discount)
    shared = {"style": {"description_width": "170px"}, "layout": w.Layout(width="520px")}
    new = w.FloatSlider(value=min(round(retention + 0.05, 2), 0.99), min=0.0, max=0.99,
                        step=0.01, description=message("calculator.new_retention"),
                        readout_format=".2f", **shared)
    cost = w.FloatSlider(value=float(keep_cost), min=0.0, max=max(50.0, 4 * keep_cost), step=1.0,
                         description=message("calculator.keep_cost"), **shared)
    acquire = w.FloatRangeSlider(value=SOURCE_RATIOS["acquire"], min=1.0, max=20.0, step=0.5,
                                 description=message("calculator.acquire"), **shared)
    win_back = w.FloatRangeSlider(value=SOURCE_RATIOS["win_back"], min=10.0, max=200.0, step=5.0,
                                  description=message("calculator.win_back"), **shared)
    table = w.HTML()

    def update(_=None):
        frame = retention_economics(customers=customers, retention=retention,
                                    new_retention=new.value, margin=margin, keep_cost=cost.value,
                                    discount=discount, acquire_ratio=acquire.value,
                                    win_back_ratio=win_back.value)
        table.value = translate_labels(frame.round(2)).to_html(float_format="{:,.2f}".format)

    for control in (new, cost, acquire, win_back):
        control.observe(update, names="value")
    update()
    box = w.VBox([new, cost, acquire, win_back, table])
    params = {"customers": customers, "retention": retention, "margin": margin}
    return _Calculator([new, cost, acquire, win_back], box, table, params)
