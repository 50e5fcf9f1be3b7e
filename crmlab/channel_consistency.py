"""Multichannel consistency (L06, seed 002): is a customer treated alike in every channel?

The source of L06 says the stakes of multichannel work are high: the company's commercial
credibility and its power to influence the consumer just when he is ready to buy. So the
messages of every channel must agree. :func:`channel_consistency` checks three kinds of
agreement on an interaction log with the course's columns ``customer_id``, ``channel``,
``response_hours``, ``offer`` and ``price_index``:

* the price: the same product at the same price index in each channel;
* the offer: no two different promotional offers for the same customer;
* the response time: each channel answers at its own normal speed. Channels differ by nature (a
  phone call is answered in minutes, a field visit in days), so each channel is compared with
  its own norm, never with another channel: a customer was served slowly in a channel when
  their mean response time there is more than ``response_ratio`` times that channel's norm
  (by default its median over the whole log).
"""

from __future__ import annotations

import pandas as pd

from crmlab._validation import check_columns, check_each, check_number, check_whole

__all__ = ["channel_consistency"]

_NEEDED = ["customer_id", "channel", "response_hours", "offer", "price_index"]


def channel_consistency(interactions: pd.DataFrame, *, min_channels: int = 2,
                        price_tolerance: float = 0.02, response_ratio: float = 2.0,
                        norms: dict | None = None) -> pd.DataFrame:
    """Per customer active in at least ``min_channels`` channels: how consistent was treatment?

    Parameters
    ----------
    interactions : DataFrame
        The interaction log, columns ``customer_id``, ``channel``, ``response_hours``,
        ``offer`` and ``price_index``; not modified.
    min_channels : int, default 2
        Customers active in fewer channels are left out (one channel cannot disagree with
        itself).
    price_tolerance : float, default 0.02
        ``price_conflict`` when the customer's mean price index differs across channels by more
        than this.
    response_ratio : float, default 2.0
        ``slow_channel`` when the customer's mean response time in some channel is more than
        this many times that channel's norm.
    norms : dict, optional
        The norm of each channel in hours (a service-level target such as ``{"phone": 1,
        "email": 24}``); channels not named keep their median. Default: every channel's median
        response time over the log.

    Returns
    -------
    DataFrame
        Indexed by customer: ``n_channels``, ``price_spread`` (max - min of the channel means),
        ``response_ratio`` (the customer's mean response time in their slowest channel as a
        multiple of that channel's norm), ``slowest_channel`` (that channel), ``n_offers``
        (distinct non-empty offers), the flags ``price_conflict``, ``offer_conflict``,
        ``slow_channel`` and ``consistent`` (no flag). The thresholds are teaching conventions,
        not the source's.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
    ...     "channel": ["phone", "email", "phone", "email"],
    ...     "response_hours": [0.5, 60.0, 2.0, 20.0], "offer": ["X", "X", "", ""],
    ...     "price_index": [1.0, 1.0, 1.0, 0.97]})
    >>> table = channel_consistency(log, norms={"phone": 1.0, "email": 24.0})
    >>> table[["response_ratio", "slowest_channel", "slow_channel"]]
                 response_ratio slowest_channel  slow_channel
    customer_id
    a                       2.5           email          True
    b                       2.0           phone         False
    >>> table[["price_conflict", "offer_conflict", "consistent"]]
                 price_conflict  offer_conflict  consistent
    customer_id
    a                     False           False       False
    b                      True           False       False
    """
    check_columns(interactions, _NEEDED, table="interactions")
    min_channels = check_whole("min_channels", min_channels, minimum=1)
    check_number("price_tolerance", price_tolerance, minimum=0)
    check_number("response_ratio", response_ratio, minimum=0, strict=True)
    check_each("response_hours", interactions["response_hours"], minimum=0)
    log = interactions[_NEEDED].copy()
    log["channel"] = log["channel"].astype(str)
    log["offer"] = log["offer"].fillna("").astype(str).str.strip()
    norm = log.groupby("channel")["response_hours"].median()
    for channel, hours in (norms or {}).items():
        check_number(f"norms[{channel!r}]", hours, minimum=0, strict=True, what="number of hours")
        norm[channel] = float(hours)
    per_channel = log.groupby(["customer_id", "channel"], observed=True).agg(
        price=("price_index", "mean"), hours=("response_hours", "mean")).reset_index()
    # A channel whose norm is 0 hours (answered at once) cannot be slower than its norm by a
    # ratio; a tenth of an hour stands in for it.
    per_channel["relative"] = (per_channel["hours"]
                               / per_channel["channel"].map(norm).clip(lower=0.1))
    slowest = per_channel.sort_values(["customer_id", "relative", "channel"],
                                      ascending=[True, False, True], kind="stable") \
        .drop_duplicates("customer_id").set_index("customer_id")
    g = per_channel.groupby("customer_id")
    out = pd.DataFrame({
        "n_channels": g.size().astype("int64"),
        "price_spread": (g["price"].max() - g["price"].min()).round(4),
    })
    relative = slowest["relative"].reindex(out.index)
    out["response_ratio"] = relative.round(2)
    out["slowest_channel"] = slowest["channel"].reindex(out.index)
    offers = log[log["offer"] != ""].groupby("customer_id")["offer"].nunique()
    out["n_offers"] = offers.reindex(out.index).fillna(0).astype("int64")
    out["price_conflict"] = out["price_spread"] > price_tolerance
    out["offer_conflict"] = out["n_offers"] > 1
    out["slow_channel"] = relative > response_ratio
    out = out[out["n_channels"] >= min_channels].copy()
    out["consistent"] = ~(out["price_conflict"] | out["offer_conflict"] | out["slow_channel"])
    out.index.name = "customer_id"
    return out
