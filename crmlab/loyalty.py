"""Loyalty and retention economics (L01): Huete's repeat-customer diagnostic and the cost ratios.

Huete (1997: 40) would diagnose the health of a business with a single question: what share of
its customers are repeat customers? :func:`repeat_rate` answers it on order data, overall, by
acquisition cohort and by acquisition channel. Late cohorts have had less time to come back, so
``window=`` compares cohorts fairly: a customer counts as a repeat customer only when they
ordered again within ``window`` days of the first order, and only customers whose whole window
lies inside the data are counted (the one rule of :mod:`crmlab.repeat_purchase`).

:func:`retention_path` and :func:`retention_economics` price a retention programme on a closed
cohort: the programme is paid for every customer it reaches (the whole active base, or every
customer who stays), not only for the customers it saves, and its cost is summed over the same
years as the margin it brings, so that present values are compared with present values. The
value of the customer base uses :func:`crmlab.clv.simple_clv` (Gupta & Lehmann 2003). The
source gives no absolute cost of keeping a customer, so ``cost_per_customer`` is always the
caller's assumption. :func:`retention_comparison` sets the ratios seed 000 quotes from
"statistics" beside it: acquiring a new customer costs 5-10 times, and winning back a lost one
50-100 times, as much as keeping one (``SOURCE_RATIOS``; rules of thumb, no study named).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.clv import simple_clv
from crmlab.core.content import Domain
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

__all__ = ["SOURCE_RATIOS", "REACH", "repeat_customers", "repeat_rate", "retention_rate",
           "retention_path", "retention_economics", "retention_comparison", "calculator",
           "CONTENT"]

#: Cost of acquiring / winning back a customer, as a multiple of the cost of keeping one (seed 000,
#: "according to statistics"; rules of thumb with no study named behind them).
SOURCE_RATIOS = {"acquire": (5.0, 10.0), "win_back": (50.0, 100.0)}
#: Whom a retention programme reaches and pays for: every customer active at the start of a
#: period, or every customer who stays.
REACH = ("active", "retained")

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


def _retention_inputs(customers, retention, new_retention, margin, cost_per_customer, reach,
                      discount):
    check_whole("customers", customers, minimum=0)
    check_rate("retention", retention, high_open=True)
    check_rate("new_retention", new_retention, high_open=True)
    check_number("margin", margin, minimum=0, what="amount")
    check_number("cost_per_customer", cost_per_customer, minimum=0, what="amount")
    check_choice("reach", reach, REACH)
    check_number("discount", discount, minimum=0, what="rate")


def retention_path(*, customers: int, retention: float, new_retention: float, margin: float,
                   cost_per_customer: float, reach: str = "active", discount: float = 0.1,
                   periods: int = 5) -> pd.DataFrame:
    """A retention programme year by year, for a closed cohort: who stays, what it brings, what
    it costs.

    The ``customers`` active today are followed with no newcomers. Without the programme a share
    ``retention`` of those still active stays each period, with it ``new_retention``. The
    programme costs ``cost_per_customer`` for every customer it reaches: the whole active base
    at the start of each period (``reach="active"``, e.g. a loyalty mailing) or every customer
    who stays (``reach="retained"``, e.g. a reward), never only the customers it saves, since
    nobody knows in advance who they are. Margins and costs count at the end of each period, as
    in :func:`crmlab.clv.simple_clv`.

    Parameters
    ----------
    customers : int
        Customers active at the start.
    retention, new_retention : float
        Share of the active customers who stay each period, without and with the programme, in
        [0, 1).
    margin : float
        Margin per active customer per period.
    cost_per_customer : float
        What the programme costs per customer it reaches, per period: the caller's assumption.
    reach : {"active", "retained"}, default "active"
        Whom the programme reaches and pays for.
    discount : float, default 0.1
        Discount rate per period.
    periods : int, default 5
        How many periods to show.

    Returns
    -------
    DataFrame
        One row per period (1, 2, ...): ``active_without`` and ``active_with`` (customers still
        active at its end), ``kept`` (the difference: the extra customers), ``reached``,
        ``margin`` (of the extra customers), ``cost`` (of the programme), ``net`` and
        ``discounted_net``.

    Examples
    --------
    >>> path = retention_path(customers=1000, retention=0.5, new_retention=0.6, margin=100,
    ...                       cost_per_customer=5, periods=3)
    >>> path[["active_without", "active_with", "kept", "reached"]]
            active_without  active_with   kept  reached
    period
    1                500.0        600.0  100.0   1000.0
    2                250.0        360.0  110.0    600.0
    3                125.0        216.0   91.0    360.0
    >>> path[["margin", "cost", "net", "discounted_net"]].round(1)
             margin    cost     net  discounted_net
    period
    1       10000.0  5000.0  5000.0          4545.5
    2       11000.0  3000.0  8000.0          6611.6
    3        9100.0  1800.0  7300.0          5484.6
    """
    _retention_inputs(customers, retention, new_retention, margin, cost_per_customer, reach,
                      discount)
    periods = check_whole("periods", periods, minimum=1, unit="periods")
    t = np.arange(1, periods + 1)
    without, with_ = customers * retention ** t, customers * new_retention ** t
    reached = customers * new_retention ** (t - 1 if reach == "active" else t)
    out = pd.DataFrame({"active_without": without, "active_with": with_,
                        "kept": with_ - without, "reached": reached},
                       index=pd.Index(t, name="period"))
    out["margin"] = out["kept"] * margin
    out["cost"] = out["reached"] * cost_per_customer
    out["net"] = out["margin"] - out["cost"]
    out["discounted_net"] = out["net"] / (1 + discount) ** t
    return out


def retention_economics(*, customers: int, retention: float, new_retention: float, margin: float,
                        cost_per_customer: float, reach: str = "active",
                        discount: float = 0.1) -> pd.DataFrame:
    """What a retention programme is worth and what it costs, first period and present value.

    The programme of :func:`retention_path`, summed over all the periods to come. Amounts of
    the first period stand apart from present values (one sum today for every period to come),
    and only amounts of one basis should be compared: the value of the change (the rise of the
    customer base value, the retention-based CLV of Gupta & Lehmann 2003) with the present value
    of the programme's cost, never with its first-period cost.

    The ``per customer`` rows put the same comparison per customer. Each period the
    programme saves a share ``new_retention - retention`` of the customers active at its start,
    customers who would otherwise have left; counted over all periods and discounted, they
    bring the value of the change, so each brings ``margin * (1 + discount) / (1 + discount -
    retention)``, what a new customer who then stays at the old rate would bring. The cost of
    saving one is the programme's present value over the same discounted count: with
    ``reach="active"`` it is ``cost_per_customer / (new_retention - retention)``, since the
    programme pays for everyone to save a few. The break-even is the cost per customer reached
    at which the programme's present value equals the value of the change.

    Parameters
    ----------
    customers, retention, new_retention, margin, cost_per_customer, reach, discount
        As for :func:`retention_path`.

    Returns
    -------
    DataFrame
        One column ``amount``, indexed by ``basis`` ("first period", "present value", "per
        customer") and ``item``. The per-customer rows are NaN when ``new_retention`` is
        not above ``retention`` (the change saves nobody).

    Examples
    --------
    >>> retention_economics(customers=1000, retention=0.5, new_retention=0.6, margin=100,
    ...                     cost_per_customer=5).round(2)
                                                           amount
    basis         item
    first period  customers reached                       1000.00
                  customers kept                           100.00
                  margin of the customers kept           10000.00
                  cost of the programme                   5000.00
    present value customer base value now                83333.33
                  customer base value after the change  120000.00
                  value of the change                    36666.67
                  cost of the programme                  10000.00
                  net value of the programme             26666.67
    per customer  value a saved customer brings            183.33
                  cost of saving one customer               50.00
                  break-even cost per customer reached      18.33
    """
    _retention_inputs(customers, retention, new_retention, margin, cost_per_customer, reach,
                      discount)
    r, r_new, d = retention, new_retention, discount
    now = customers * simple_clv(margin, retention=r, discount=d)
    after = customers * simple_clv(margin, retention=r_new, discount=d)
    # Discounted counts (closed forms of the sums over t = 1, 2, ... of retention_path):
    # customers reached, and customers saved (a share r_new - r of those active at the start
    # of each period, N r_new^(t-1)).
    reached_pv = customers * (1 if reach == "active" else r_new) / (1 + d - r_new)
    saved_pv = customers * (r_new - r) / (1 + d - r_new)
    cost_pv = cost_per_customer * reached_pv
    value = after - now
    saves = r_new > r
    per_saved = (value / saved_pv, cost_pv / saved_pv, value / reached_pv) if saves else (
        (np.nan,) * 3)
    first_reached = customers * (1 if reach == "active" else r_new)
    first_kept = customers * (r_new - r)
    rows = {
        ("first period", "customers reached"): first_reached,
        ("first period", "customers kept"): first_kept,
        ("first period", "margin of the customers kept"): first_kept * margin,
        ("first period", "cost of the programme"): first_reached * cost_per_customer,
        ("present value", "customer base value now"): now,
        ("present value", "customer base value after the change"): after,
        ("present value", "value of the change"): value,
        ("present value", "cost of the programme"): cost_pv,
        ("present value", "net value of the programme"): value - cost_pv,
        ("per customer", "value a saved customer brings"): per_saved[0],
        ("per customer", "cost of saving one customer"): per_saved[1],
        ("per customer", "break-even cost per customer reached"): per_saved[2],
    }
    out = pd.DataFrame({"amount": pd.Series(rows, dtype=float)})
    out.index = out.index.set_names(["basis", "item"])
    return out.loc[list(rows)]


#: The rows of retention_economics that retention_comparison reads.
_PER_SAVED = ("per customer", "value a saved customer brings")
_SAVING = ("per customer", "cost of saving one customer")


def retention_comparison(economics: pd.DataFrame, *, acquire_ratio=SOURCE_RATIOS["acquire"],
                         win_back_ratio=SOURCE_RATIOS["win_back"]) -> pd.DataFrame:
    """Three routes to the same customers, per customer and in present value: keep them, replace
    them with new customers, or win them back.

    Seed 000's ratios make acquiring a customer cost 5-10 times, and winning a lost one back
    50-100 times, as much as keeping one. The course reads "keeping one" as saving one customer
    who would otherwise leave: the programme's cost of saving one customer, from a
    :func:`retention_economics` table. Each route brings customers worth the same, the value a
    saved customer brings, so a route pays when its cost is below that value.

    Parameters
    ----------
    economics : DataFrame
        A table returned by :func:`retention_economics`; not modified.
    acquire_ratio, win_back_ratio : (low, high)
        Cost of acquiring / winning back a customer as a multiple of the cost of keeping one;
        default the source's 5-10x and 50-100x.

    Returns
    -------
    DataFrame
        One row per route ("keep (the programme)", "acquire a new customer instead", "win a
        lost customer back"), columns ``cost_low`` and ``cost_high`` (per customer, at the low
        and the high ratio) and ``value`` (what each customer brings, present value).

    Examples
    --------
    >>> economics = retention_economics(customers=1000, retention=0.5, new_retention=0.6,
    ...                                 margin=100, cost_per_customer=5)
    >>> retention_comparison(economics).round(2)
                                    cost_low  cost_high   value
    route
    keep (the programme)                50.0       50.0  183.33
    acquire a new customer instead     250.0      500.0  183.33
    win a lost customer back          2500.0     5000.0  183.33
    """
    acquire = check_pair("acquire_ratio", acquire_ratio)
    win_back = check_pair("win_back_ratio", win_back_ratio)
    names = [" / ".join(key) for key in (_PER_SAVED, _SAVING)]
    present = [" / ".join(key) for key in economics.index] if isinstance(
        economics.index, pd.MultiIndex) else list(economics.index)
    check_columns(present, names, table="economics", kind="row")
    check_columns(economics, ["amount"], table="economics")
    keep = float(economics.loc[_SAVING, "amount"])
    value = float(economics.loc[_PER_SAVED, "amount"])
    rows = [("keep (the programme)", keep, keep), ("acquire a new customer instead",
             keep * acquire[0], keep * acquire[1]),
            ("win a lost customer back", keep * win_back[0], keep * win_back[1])]
    out = pd.DataFrame(rows, columns=["route", "cost_low", "cost_high"]).set_index("route")
    out["value"] = value
    return out


class _Calculator(StableWidgetRepr):
    """Controls for :func:`retention_economics` and :func:`retention_comparison`; the tables
    follow them."""

    def __init__(self, widgets, box, table, params):
        self.widget, self._table, self._params = box, table, params
        self._widgets = widgets

    def summary(self) -> str:
        from crmlab.core.i18n import message

        p = self._params
        return message("calculator.summary", customers=p["customers"],
                       retention=p["retention"], margin=p["margin"])


def calculator(*, customers: int, retention: float, margin: float, cost_per_customer: float,
               reach: str = "active", discount: float = 0.1):
    """An ipywidgets calculator over :func:`retention_economics` for the lesson.

    Sliders set the new retention rate, the programme's cost per customer reached and the two
    cost ratios (ranges around the source's 5-10x and 50-100x), buttons whom the programme
    reaches; the economics table and the three routes of :func:`retention_comparison` update
    on every move.
    """
    import ipywidgets as w

    from crmlab.core.i18n import message, translate_labels

    retention_economics(customers=customers, retention=retention, new_retention=retention,
                        margin=margin, cost_per_customer=cost_per_customer, reach=reach,
                        discount=discount)
    shared = {"style": {"description_width": "190px"}, "layout": w.Layout(width="540px")}
    new = w.FloatSlider(value=min(round(retention + 0.05, 2), 0.99), min=0.0, max=0.99,
                        step=0.01, description=message("calculator.new_retention"),
                        readout_format=".2f", **shared)
    cost = w.FloatSlider(value=float(cost_per_customer), min=0.0,
                         max=max(20.0, 4 * cost_per_customer), step=0.5,
                         description=message("calculator.cost_per_customer"), **shared)
    whom = w.ToggleButtons(options=[(message("calculator.reach_active"), "active"),
                                    (message("calculator.reach_retained"), "retained")],
                           value=reach, description=message("calculator.reach"),
                           style={"description_width": "190px"})
    acquire = w.FloatRangeSlider(value=SOURCE_RATIOS["acquire"], min=1.0, max=20.0, step=0.5,
                                 description=message("calculator.acquire"), **shared)
    win_back = w.FloatRangeSlider(value=SOURCE_RATIOS["win_back"], min=10.0, max=200.0, step=5.0,
                                  description=message("calculator.win_back"), **shared)
    table = w.HTML()

    def update(_=None):
        economics = retention_economics(customers=customers, retention=retention,
                                        new_retention=new.value, margin=margin,
                                        cost_per_customer=cost.value, reach=whom.value,
                                        discount=discount)
        routes = retention_comparison(economics, acquire_ratio=acquire.value,
                                      win_back_ratio=win_back.value)
        table.value = "".join(translate_labels(frame.round(2)).to_html(
            float_format="{:,.2f}".format, na_rep="") for frame in (economics, routes))

    controls = [new, cost, whom, acquire, win_back]
    for control in controls:
        control.observe(update, names="value")
    update()
    box = w.VBox([*controls, table])
    params = {"customers": customers, "retention": retention, "margin": margin}
    return _Calculator(controls, box, table, params)


def _texts():
    """The row labels of :func:`retention_economics` and the routes of
    :func:`retention_comparison`: identifiers lessons index, shown in the reader's language."""
    economics = retention_economics(customers=10, retention=0.5, new_retention=0.6, margin=1,
                                    cost_per_customer=0.01)
    for labels in economics.index:
        yield from labels
    yield from retention_comparison(economics).index


#: The labels of the module's tables in every language (``crmlab/data/content/<lang>/loyalty.yaml``);
#: the tables keep them as identifiers, the display shows them translated.
CONTENT = Domain("loyalty", _texts)
