"""Did the customer buy again within N days of a date? One rule for the whole course.

Three analyses ask this question of different dates: the first order (the repeat-customer rate
of L01, :func:`crmlab.loyalty.repeat_rate`), a contact at a touchpoint (C4,
:func:`crmlab.contact_outcomes.touchpoint_risk`) and a survey answer (L06,
:func:`crmlab.survey.satisfaction_vs_repeat`). :func:`bought_again` answers it once, by one rule:

* **The window.** An event on day ``d`` is followed by a purchase when the customer has an order
  on one of the days ``d + 1`` to ``d + window_days``. An order on the day of the event itself
  does not count: for a contact or an answer we cannot tell whether it came before or after,
  and a second order on the day of the first is one shopping occasion (the purchase days of
  :func:`crmlab.clv.summary_from_transactions` count the same way).
* **The end of the data.** The data ends the day before ``as_of`` (default: the day after the
  last order). An event whose window is not wholly inside the data (``d + window_days >=
  as_of``) gets ``<NA>``, whether or not an order already came: counting the early buyers of
  such an event while leaving out the others would inflate the rate, and counting the others
  as "did not buy" would deflate it. Callers leave ``<NA>`` events out, so every event they
  count had the same time to be followed by a purchase.
"""

from __future__ import annotations

import pandas as pd

from crmlab.core.validation import check_column_options, check_whole, expected

__all__ = ["bought_again"]


def _days(values) -> pd.Series:
    # One resolution on both sides: merge_asof refuses to compare seconds with nanoseconds.
    return pd.to_datetime(pd.Series(values)).dt.normalize().astype("datetime64[ns]")


def bought_again(events: pd.DataFrame, orders: pd.DataFrame, *, window_days: int, date: str,
                 as_of=None, customer_id: str = "customer_id",
                 order_date: str = "order_date") -> pd.Series:
    """For each event, did its customer order again within ``window_days`` days after it?

    Parameters
    ----------
    events : DataFrame
        One row per event (a first order, a contact, a survey answer) with the columns
        ``customer_id`` and ``date``; not modified.
    orders : DataFrame
        The orders, columns ``customer_id`` and ``order_date`` (order lines are fine); not
        modified.
    window_days : int
        Length of the window in days, >= 1.
    date : str
        The column of ``events`` holding the event's date.
    as_of : date-like, optional
        The first day after the data; orders on or after it are ignored. Default: the day after
        the last order.

    Returns
    -------
    Series of the nullable boolean dtype
        Indexed like ``events``: ``True`` (an order within the window), ``False`` (none) or
        ``<NA>`` (the window runs past the end of the data, or the event has no date).

    Examples
    --------
    >>> events = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "day": pd.to_datetime(
    ...     ["2024-01-01", "2024-03-01", "2024-01-01", "2024-12-20"])})
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "order_date": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-31", "2024-02-01", "2024-12-21"])})
    >>> bought_again(events, orders, window_days=30, date="day", as_of="2025-01-01").tolist()
    [True, False, False, <NA>]
    """
    window_days = check_whole("window_days", window_days, minimum=1, unit="days")
    check_column_options(events, customer_id=customer_id, date=date)
    check_column_options(orders, customer_id=customer_id, order_date=order_date)
    ordered = _days(orders[order_date]).to_numpy()
    end = (pd.Series(ordered).max() + pd.Timedelta(days=1) if as_of is None
           else pd.Timestamp(as_of).normalize())
    if pd.isna(end):
        raise expected("orders", "a table without dated orders", "at least one order")
    window = pd.Timedelta(days=window_days)
    # Customer ids of any type (codes, numbers, categories) compare as plain objects.
    left = pd.DataFrame({"_customer": events[customer_id].astype(object).to_numpy(),
                         "_day": _days(events[date]).to_numpy(),
                         "_row": range(len(events))})
    right = pd.DataFrame({"_customer": orders[customer_id].astype(object).to_numpy(),
                          "_next": ordered})
    right = right[right["_next"] < end].sort_values("_next", kind="stable")
    dated = left.dropna(subset=["_day"]).sort_values("_day", kind="stable")
    # The first order strictly after the event's day, per customer.
    nxt = pd.merge_asof(dated, right, left_on="_day", right_on="_next", by="_customer",
                        direction="forward", allow_exact_matches=False)
    again = (nxt["_next"] - nxt["_day"] <= window).to_numpy()
    full = (nxt["_day"] + window < end).to_numpy()
    out = pd.Series(pd.NA, index=range(len(events)), dtype="boolean")
    out.iloc[nxt["_row"].to_numpy()[full]] = again[full]
    out.index = events.index
    return out.rename("bought_again")
