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

__all__ = ["channel_consistency", "touchpoint_map", "touchpoint_risk", "touched_comparison",
           "csat_after_contacts"]

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
    again after a resolved and after an unresolved contact, the gap between them,
    ``risk_per_contact`` = share of contacts left unresolved x gap (0 when the gap is negative),
    and ``repeat_buyers_lost`` = contacts x risk per contact: importance x risk, where an
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
    {'office': 'back', 'contacts': 4, 'unresolved': 2, 'repeat_if_resolved': 1.0, 'repeat_if_unresolved': 0.0, 'gap': 1.0, 'risk_per_contact': 0.5, 'repeat_buyers_lost': 2.0}
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
    out["risk_per_contact"] = (out["unresolved"] / out["contacts"]
                               * out["gap"].clip(lower=0)).fillna(0.0)
    out["repeat_buyers_lost"] = out["contacts"] * out["risk_per_contact"]
    out.index = out.index.astype(str)
    return out.sort_values(["repeat_buyers_lost", "contacts"], ascending=False)


def _touched_ids(interactions: pd.DataFrame, touchpoint, office) -> pd.Series:
    if (touchpoint is None) == (office is None):
        raise ValueError(f"Got touchpoint={touchpoint!r}, office={office!r} instead, expected "
                         "exactly one of them.")
    column, value = ("touchpoint", touchpoint) if touchpoint is not None else ("office", office)
    _check(interactions, ["customer_id", column])
    known = sorted(map(str, interactions[column].dropna().unique()))
    if value not in known:
        raise ValueError(f"Got {column}={value!r} instead, expected one of {known}.")
    return interactions.loc[interactions[column].astype(str) == value, "customer_id"]


def touched_comparison(interactions: pd.DataFrame, orders: pd.DataFrame, survey: pd.DataFrame, *,
                       touchpoint: str | None = None, office: str | None = None) -> pd.DataFrame:
    """Customers with a contact at ``touchpoint`` (or in ``office``) against all the others.

    Rows ``touched`` and ``not touched``: buying customers, their repeat-customer rate
    (:func:`crmlab.loyalty.repeat_rate`), survey respondents, mean CSAT and NPS
    (:func:`crmlab.survey.nps`). Give exactly one of ``touchpoint`` and ``office``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["accounting", "shop"],
    ...                     "office": ["back", "front"]})
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": ["a", "b", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"])})
    >>> survey = pd.DataFrame({"customer_id": ["a", "b"], "csat": [2, 5], "nps": [3, 10]})
    >>> touched_comparison(log, orders, survey, touchpoint="accounting")
                 customers  repeat_rate  respondents  csat_mean    nps
    touched              1          0.0            1        2.0 -100.0
    not touched          1          1.0            1        5.0  100.0
    """
    from crmlab.loyalty import repeat_rate
    from crmlab.survey import nps

    ids = _touched_ids(interactions, touchpoint, office)
    rows = {}
    for label, touched in (("touched", True), ("not touched", False)):
        buyers = orders[orders["customer_id"].isin(ids) == touched]
        answers = survey[survey["customer_id"].isin(ids) == touched]
        rows[label] = {
            "customers": buyers["customer_id"].nunique(),
            "repeat_rate": repeat_rate(buyers) if len(buyers) else float("nan"),
            "respondents": len(answers),
            "csat_mean": answers["csat"].mean(),
            "nps": nps(answers["nps"])["nps"] if len(answers) else float("nan"),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def csat_after_contacts(survey: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """The survey as a control of each touchpoint: CSAT after resolved vs unresolved contacts.

    For each touchpoint, the respondents who had a contact there on or before the day they
    answered, split by whether all those contacts were resolved: mean CSAT and number of
    respondents in each group, most unresolved respondents first.

    Examples
    --------
    >>> survey = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "customer_id": ["a", "b", "c"],
    ...     "survey_date": pd.to_datetime(["2024-03-01"] * 3), "csat": [2, 4, 5]})
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "b", "c"],
    ...     "interaction_date": pd.to_datetime(["2024-02-01", "2024-02-01", "2024-02-10",
    ...                                         "2024-04-01"]),
    ...     "touchpoint": ["accounting"] * 4, "resolved": [False, True, True, False]})
    >>> csat_after_contacts(survey, log)
                csat_resolved  csat_unresolved  n_resolved  n_unresolved
    touchpoint
    accounting            4.0              2.0           1             1
    """
    _check(interactions, ["customer_id", "interaction_date", "touchpoint", "resolved"])
    for col in ("response_id", "customer_id", "survey_date", "csat"):
        if col not in survey.columns:
            raise ValueError(f"The survey table lacks the column {col!r}.")
    answered = survey[["response_id", "customer_id", "survey_date", "csat"]].merge(
        interactions[["customer_id", "interaction_date", "touchpoint", "resolved"]],
        on="customer_id")
    before = answered[pd.to_datetime(answered["interaction_date"])
                      <= pd.to_datetime(answered["survey_date"])]
    per_respondent = before.groupby(["touchpoint", "response_id"], observed=True).agg(
        csat=("csat", "first"), all_resolved=("resolved", "min"))
    g = per_respondent.groupby(["touchpoint", "all_resolved"], observed=True)["csat"]
    means, sizes = g.mean().unstack(), g.size().unstack()
    out = pd.DataFrame({
        "csat_resolved": means.get(True), "csat_unresolved": means.get(False),
        "n_resolved": sizes.get(True), "n_unresolved": sizes.get(False),
    }, index=means.index)
    out[["n_resolved", "n_unresolved"]] = out[["n_resolved", "n_unresolved"]].fillna(0) \
        .astype("int64")
    out.index = out.index.astype(str)
    out.index.name = "touchpoint"
    return out.sort_values(["n_unresolved", "n_resolved"], ascending=False)

