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

:func:`response_by_channel` shows where the slow-channel flag comes from: one row per customer
and channel, with the ratio to the channel's norm and whether the contacts went to the front
office, the back office or both (offices from :mod:`crmlab.touchpoints`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.core.validation import check_columns, check_each, check_number, check_whole
from crmlab.touchpoints import office_of

__all__ = ["channel_consistency", "response_by_channel"]

_NEEDED = ["customer_id", "channel", "response_hours", "offer", "price_index"]
_OFFICES = ["front only", "both", "back only"]


def _norms(log: pd.DataFrame, norms: dict | None) -> pd.Series:
    """Each channel's norm in hours: its median over the log, or the caller's figure."""
    norm = log.groupby("channel")["response_hours"].median()
    for channel, hours in (norms or {}).items():
        check_number(f"norms[{channel!r}]", hours, minimum=0, strict=True, what="number of hours")
        norm[channel] = float(hours)
    return norm


def _relative(per_channel: pd.DataFrame, norm: pd.Series) -> pd.Series:
    """Mean hours of each customer-channel row as a multiple of its channel's norm."""
    # A channel whose norm is 0 hours (answered at once) cannot be slower than its norm by a
    # ratio; a tenth of an hour stands in for it.
    return per_channel["hours"] / per_channel["channel"].map(norm).clip(lower=0.1)


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
    per_channel = log.groupby(["customer_id", "channel"], observed=True).agg(
        price=("price_index", "mean"), hours=("response_hours", "mean")).reset_index()
    per_channel["relative"] = _relative(per_channel, _norms(log, norms))
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


def response_by_channel(interactions: pd.DataFrame, *, min_channels: int = 2,
                        response_ratio: float = 2.0, norms: dict | None = None) -> pd.DataFrame:
    """One row per customer and channel: response time against the channel's norm, by office.

    The rows behind the ``slow_channel`` flag of :func:`channel_consistency` (same options,
    same norms): a customer is flagged when one of their rows here is ``slow``. The column
    ``offices`` says where the row's contacts were handled, so a reader can see whether slow
    answers come from the channel or from the office behind it.

    Parameters
    ----------
    interactions : DataFrame
        The interaction log, columns ``customer_id``, ``channel``, ``touchpoint`` and
        ``response_hours``; not modified. Offices come from
        :data:`crmlab.touchpoints.TOUCHPOINT_OFFICE`.
    min_channels, response_ratio, norms
        As in :func:`channel_consistency`.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` and ``channel``: ``contacts``, ``mean_hours``, ``norm_hours``
        (the channel's norm), ``ratio`` (mean hours / norm), ``slow`` (ratio above
        ``response_ratio``) and ``offices`` ("front only", "both" or "back only").

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
    ...     "channel": ["phone", "phone", "email", "phone", "email"],
    ...     "touchpoint": ["accounting", "complaints", "email", "call_centre", "accounting"],
    ...     "response_hours": [3.0, 2.0, 10.0, 0.5, 20.0]})
    >>> response_by_channel(log, norms={"phone": 1.0, "email": 12.0})
                         contacts  mean_hours  norm_hours  ratio   slow    offices
    customer_id channel
    a           email           1        10.0        12.0   0.83  False  front only
                phone           2         2.5         1.0   2.50   True   back only
    b           email           1        20.0        12.0   1.67  False   back only
                phone           1         0.5         1.0   0.50  False  front only
    """
    check_columns(interactions, ["customer_id", "channel", "touchpoint", "response_hours"],
                  table="interactions")
    min_channels = check_whole("min_channels", min_channels, minimum=1)
    check_number("response_ratio", response_ratio, minimum=0, strict=True)
    check_each("response_hours", interactions["response_hours"], minimum=0)
    log = pd.DataFrame({"customer_id": interactions["customer_id"].to_numpy(),
                        "channel": interactions["channel"].astype(str).to_numpy(),
                        "response_hours": interactions["response_hours"].to_numpy(),
                        "back": office_of(interactions["touchpoint"]).to_numpy() == "back"})
    norm = _norms(log, norms)
    out = log.groupby(["customer_id", "channel"]).agg(
        contacts=("back", "size"), hours=("response_hours", "mean"), back=("back", "mean"))
    out = out.reset_index()
    channels = out.groupby("customer_id")["channel"].transform("size")
    out = out[(channels >= min_channels).to_numpy()]
    ratio = _relative(out, norm)
    return pd.DataFrame({
        "contacts": out["contacts"].astype("int64").to_numpy(),
        "mean_hours": out["hours"].round(2).to_numpy(),
        "norm_hours": out["channel"].map(norm).to_numpy(),
        "ratio": ratio.round(2).to_numpy(),
        "slow": (ratio > response_ratio).to_numpy(),
        "offices": pd.Categorical(
            np.select([out["back"] == 0, out["back"] == 1], ["front only", "back only"], "both"),
            categories=_OFFICES),
    }, index=pd.MultiIndex.from_frame(out[["customer_id", "channel"]]))
