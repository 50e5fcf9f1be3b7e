"""Multichannel consistency and the touchpoint map (L06, seed 002).

The source of L06 stresses that a customer who meets the company in several channels must be
treated the same way in each (the same price, the same offer, a similar response time), and that
back-office touchpoints (after-sales, accounting, the shop floor) can undo what the front office
builds. These functions measure both on an interaction log with the course's columns
``customer_id``, ``channel``, ``touchpoint``, ``office``, ``response_hours``, ``offer``,
``price_index``, ``resolved``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["channel_consistency", "touchpoint_map", "touchpoint_risk"]

_NEEDED = ["customer_id", "channel", "touchpoint", "office", "response_hours", "offer",
           "price_index", "resolved"]


def _check(interactions: pd.DataFrame, needed) -> None:
    for col in needed:
        if col not in interactions.columns:
            raise ValueError(f"The interactions table lacks the column {col!r}.")


def channel_consistency(interactions: pd.DataFrame, *, min_channels: int = 2,
                        price_tolerance: float = 0.02,
                        response_ratio: float = 2.0) -> pd.DataFrame:
    """Per customer active in at least ``min_channels`` channels: how consistent was treatment?

    A customer is flagged ``price_conflict`` when the price index differs across channels by more
    than ``price_tolerance``, ``offer_conflict`` when different channels made different
    (non-empty) offers, ``slow_channel`` when the slowest channel's mean response time is more
    than ``response_ratio`` times the fastest's. These thresholds are teaching conventions.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "channel": ["web", "store", "web"],
    ...     "touchpoint": ["website", "shop", "website"], "office": ["front"] * 3,
    ...     "response_hours": [2.0, 10.0, 1.0], "offer": ["X", "Y", ""],
    ...     "price_index": [1.0, 0.95, 1.0], "resolved": [True] * 3})
    >>> row = channel_consistency(log).loc["a"]
    >>> [bool(row[k]) for k in ["price_conflict", "offer_conflict", "slow_channel", "consistent"]]
    [True, True, True, False]
    """
    _check(interactions, _NEEDED)
    if int(min_channels) != min_channels or min_channels < 1:
        raise ValueError(f"Got min_channels={min_channels!r} instead, expected a whole number "
                         ">= 1.")
    log = interactions[_NEEDED].copy()
    log["offer"] = log["offer"].fillna("").astype(str).str.strip()
    per_channel = log.groupby(["customer_id", "channel"]).agg(
        price=("price_index", "mean"), hours=("response_hours", "mean"))
    g = per_channel.groupby(level="customer_id")
    out = pd.DataFrame({
        "n_channels": g.size().astype("int64"),
        "price_spread": (g["price"].max() - g["price"].min()).round(4),
        "response_ratio": (g["hours"].max() / g["hours"].min().clip(lower=0.1)).round(2),
    })
    offers = log[log["offer"] != ""].groupby("customer_id")["offer"].nunique()
    out["n_offers"] = offers.reindex(out.index).fillna(0).astype("int64")
    out = out[out["n_channels"] >= min_channels]
    out["price_conflict"] = out["price_spread"] > price_tolerance
    out["offer_conflict"] = out["n_offers"] > 1
    out["slow_channel"] = out["response_ratio"] > response_ratio
    out["consistent"] = ~(out["price_conflict"] | out["offer_conflict"] | out["slow_channel"])
    return out


def touchpoint_map(interactions: pd.DataFrame) -> pd.DataFrame:
    """One row per touchpoint: office (front/back), contacts, customers, response and resolution.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "a"], "touchpoint": ["shop", "accounting",
    ...     "accounting"], "office": ["front", "back", "back"], "response_hours": [1.0, 30.0, 50.0],
    ...     "resolved": [True, False, True]})
    >>> touchpoint_map(log).reset_index()
       touchpoint office  contacts  customers  mean_response_hours  resolved_share
    0  accounting   back         2          2                 40.0             0.5
    1        shop  front         1          1                  1.0             1.0
    """
    _check(interactions, ["customer_id", "touchpoint", "office", "response_hours", "resolved"])
    g = interactions.groupby("touchpoint")
    out = pd.DataFrame({
        "office": g["office"].agg(lambda s: s.mode().iloc[0]),
        "contacts": g.size().astype("int64"),
        "customers": g["customer_id"].nunique().astype("int64"),
        "mean_response_hours": g["response_hours"].mean().round(1),
        "resolved_share": g["resolved"].mean().round(3),
    })
    out["office"] = out["office"].astype(str)
    return out.sort_values(["office", "contacts"], ascending=[True, False])


def touchpoint_risk(interactions: pd.DataFrame, orders: pd.DataFrame, *, window_days: int = 180,
                    as_of=None) -> pd.DataFrame:
    """Which touchpoints cost repeat purchases when a contact there is left unresolved?

    For every contact, did the customer order again within ``window_days`` after it? Contacts
    less than ``window_days`` before ``as_of`` (default: the day after the last order) are left
    out, so every contact had the same time. Per touchpoint: the share of customers who bought
    again after a resolved and after an unresolved contact, the gap between them, and
    ``repeat_buyers_lost`` = unresolved contacts x gap (0 when the gap is negative): where an
    unresolved contact went with the most lost repeat purchases. Sorted by it, so that effort goes
    where the stakes are, not to the loudest incident. An association, not proof of cause.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "interaction_date": pd.to_datetime(["2024-01-01"] * 4),
    ...     "touchpoint": ["accounting"] * 4, "office": ["back"] * 4,
    ...     "resolved": [True, True, False, False]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "a"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-12-01", "2024-12-30"])})
    >>> touchpoint_risk(log, orders, window_days=90).iloc[0].to_dict()
    {'office': 'back', 'contacts': 4, 'unresolved': 2, 'repeat_if_resolved': 1.0, 'repeat_if_unresolved': 0.0, 'gap': 1.0, 'repeat_buyers_lost': 2.0}
    """
    _check(interactions, ["customer_id", "interaction_date", "touchpoint", "office", "resolved"])
    for col in ("customer_id", "order_date"):
        if col not in orders.columns:
            raise ValueError(f"The orders table lacks the column {col!r}.")
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ValueError(f"Got window_days={window_days!r} instead, expected a whole number >= 1.")
    order_dates = pd.to_datetime(orders["order_date"])
    end = order_dates.max() + pd.Timedelta(days=1) if as_of is None else pd.Timestamp(as_of)
    window = pd.Timedelta(days=window_days)
    contacts = interactions.assign(_date=pd.to_datetime(interactions["interaction_date"]),
                                   _row=range(len(interactions)))
    contacts = contacts[contacts["_date"] <= end - window]
    if contacts.empty:
        raise ValueError(f"Got window_days={window_days!r} instead, expected a window that leaves "
                         "at least one contact with a full window before the end of the data.")
    pairs = contacts[["_row", "customer_id", "_date"]].merge(
        pd.DataFrame({"customer_id": orders["customer_id"], "_order": order_dates}),
        on="customer_id")
    later = pairs[(pairs["_order"] > pairs["_date"]) & (pairs["_order"] <= pairs["_date"] + window)]
    contacts = contacts.assign(_again=contacts["_row"].isin(later["_row"]))
    g = contacts.groupby("touchpoint", observed=True)
    out = pd.DataFrame({
        "office": g["office"].agg(lambda s: str(s.mode().iloc[0])),
        "contacts": g.size().astype("int64"),
        "unresolved": g["resolved"].agg(lambda s: int((~s.astype(bool)).sum())).astype("int64"),
    })
    rates = contacts.groupby(["touchpoint", "resolved"], observed=True)["_again"].mean().unstack()
    out["repeat_if_resolved"] = rates.get(True).reindex(out.index).astype(float)
    out["repeat_if_unresolved"] = rates.get(False).reindex(out.index).astype(float)
    out["gap"] = out["repeat_if_resolved"] - out["repeat_if_unresolved"]
    out["repeat_buyers_lost"] = (out["unresolved"] * out["gap"].clip(lower=0)).fillna(0.0)
    out.index = out.index.astype(str)
    return out.sort_values(["repeat_buyers_lost", "contacts"], ascending=False)

