"""What follows a contact at a touchpoint (C4): repeat buying and satisfaction, naive and adjusted.

Seed 002 warns that a sophisticated CRM project is wasted if the customer is "received" by your
accountant, and that mastering touchpoints means weighing events by their importance and risk,
not fighting every small incident. These analyses measure that on the course's interaction log:

* :func:`touchpoint_risk`: per touchpoint, the share of customers who bought again after a
  resolved and after an unresolved contact, and that naive gap weighted by the contacts;
* :func:`risk_difference`: the difference of two touchpoints' risk (per contact or weighted by
  the contacts) with its interval, so that a ranking is read only as far as the data can tell;
* :func:`touched_comparison`: customers with a contact at a touchpoint against the others;
* :func:`csat_after_contacts`: the survey as a control: satisfaction after resolved and
  unresolved contacts;
* :func:`repeat_gap_within_strata`: the gap compared within strata of a confounder (such as
  satisfaction, which makes a contact both more likely to be resolved and the customer more
  likely to buy again), pooled over the strata with weights that say which quantity is
  estimated: by default the effect on the unresolved contacts;
* :func:`welcome_contacts`: the interaction log with each contact's welcome-call score, the
  strata the case compares within (and one stratum for everyone, the naive comparison).

The naive gap is an association: customers whose contacts are left unresolved may differ in
other ways. Offices come from :data:`crmlab.touchpoints.TOUCHPOINT_OFFICE`. Whether a customer
bought again follows the one rule of :func:`crmlab.repeat_purchase.bought_again`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab.core.validation import (
    check_choice,
    check_columns,
    check_no_columns,
    check_rate,
    check_unique,
    expected,
)
from crmlab.repeat_purchase import bought_again
from crmlab.touchpoints import office_of

__all__ = ["touchpoint_risk", "risk_difference", "touched_comparison", "csat_after_contacts", "StratifiedGap",
           "repeat_gap_within_strata", "welcome_contacts"]


def _contacts_followed(interactions, orders, window_days, as_of) -> pd.DataFrame:
    """The contacts with a full window, with ``_again``: did the customer buy again in it."""
    check_columns(interactions, ["customer_id", "interaction_date", "touchpoint", "resolved"],
                  table="interactions")
    check_columns(orders, ["customer_id", "order_date"], table="orders")
    again = bought_again(interactions, orders, window_days=window_days, date="interaction_date",
                         as_of=as_of)
    if again.isna().all():
        raise expected("window_days", window_days, "a window that leaves at least one contact "
                       "with a full window before the end of the data")
    contacts = interactions[again.notna().to_numpy()]
    return contacts.assign(_again=again.dropna().astype(bool).to_numpy(),
                           touchpoint=contacts["touchpoint"].astype(str),
                           resolved=contacts["resolved"].astype(bool))


def touchpoint_risk(interactions: pd.DataFrame, orders: pd.DataFrame, *, window_days: int = 180,
                    as_of=None) -> pd.DataFrame:
    """Per touchpoint: repeat buying after resolved and unresolved contacts, and the naive gap.

    For every contact whose whole window lies inside the data (the rule of
    :func:`crmlab.repeat_purchase.bought_again`), did the customer order again within
    ``window_days`` days? Per touchpoint: ``contacts``, ``unresolved``, the share of contacts
    followed by a purchase after a resolved (``repeat_if_resolved``) and an unresolved contact
    (``repeat_if_unresolved``), their difference ``gap``, ``risk_per_contact`` = share of
    contacts left unresolved x gap (0 when the gap is negative) and ``repeat_gap_x_contacts`` =
    contacts x risk per contact = unresolved contacts x gap: importance x risk. Sorted by it, so
    that effort goes where the stakes are, not to the loudest incident.

    The gap is naive: it is not the number of repeat buyers an unresolved contact loses. Where
    resolution and repeat buying both depend on something else (satisfaction), the gap mixes
    that in; :func:`repeat_gap_within_strata` compares within strata of it.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "interaction_date": pd.to_datetime(["2024-01-01"] * 4),
    ...     "touchpoint": ["accounting"] * 4, "resolved": [True, True, False, False]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "b", "c", "a"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-12-01", "2024-12-30"])})
    >>> touchpoint_risk(log, orders, window_days=90).iloc[0].to_dict()
    {'office': 'back', 'contacts': 4, 'unresolved': 2, 'repeat_if_resolved': 1.0, 'repeat_if_unresolved': 0.0, 'gap': 1.0, 'risk_per_contact': 0.5, 'repeat_gap_x_contacts': 2.0}
    """
    contacts = _contacts_followed(interactions, orders, window_days, as_of)
    g = contacts.groupby("touchpoint")
    out = pd.DataFrame({
        "contacts": g.size().astype("int64"),
        "unresolved": g["resolved"].agg(lambda s: int((~s).sum())).astype("int64"),
    })
    out.insert(0, "office", office_of(out.index.to_series()).to_numpy())
    rates = contacts.groupby(["touchpoint", "resolved"])["_again"].mean().unstack()
    out["repeat_if_resolved"] = rates.get(True, pd.Series(dtype=float)).reindex(out.index) \
        .astype(float)
    out["repeat_if_unresolved"] = rates.get(False, pd.Series(dtype=float)).reindex(out.index) \
        .astype(float)
    out["gap"] = out["repeat_if_resolved"] - out["repeat_if_unresolved"]
    out["risk_per_contact"] = (out["unresolved"] / out["contacts"]
                               * out["gap"].clip(lower=0)).fillna(0.0)
    out["repeat_gap_x_contacts"] = out["contacts"] * out["risk_per_contact"]
    out.index.name = "touchpoint"
    return out.sort_values(["repeat_gap_x_contacts", "contacts", "touchpoint"],
                           ascending=[False, False, True], kind="stable")


_RISK_COLUMNS = ("risk_per_contact", "repeat_gap_x_contacts")


def risk_difference(risk: pd.DataFrame, a: str, b: str, *, column: str = "risk_per_contact",
                    confidence: float = 0.95) -> dict:
    """Two touchpoints' risk, ``a`` minus ``b``, with its interval and whether it is clear.

    A ranking of touchpoints is only as good as the differences behind it: two touchpoints whose
    risks differ by less than the noise of the data cannot be ranked. The risk per contact is
    the share of contacts left unresolved, ``q``, times the naive gap, ``g``; its variance is
    taken by the delta method as ``g**2 var(q) + q**2 var(g)``, with binomial variances for the
    share and for the two repeat-buying rates of the gap. ``repeat_gap_x_contacts`` is the risk
    times the contacts, which are counted, not estimated. The two touchpoints are treated as
    independent samples (a customer with contacts at both makes them slightly dependent).

    Parameters
    ----------
    risk : DataFrame
        A :func:`touchpoint_risk` table.
    a, b : str
        Two touchpoints of the table, each with resolved and unresolved contacts.
    column : {"risk_per_contact", "repeat_gap_x_contacts"}, default "risk_per_contact"
        The quantity compared.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    dict
        ``value_a``, ``value_b``, ``difference``, ``se``, ``ci_low``, ``ci_high`` and ``clear``
        (the interval excludes 0). The table clips a negative gap to 0; the values here do not,
        so that the interval stays honest (the two agree where the gaps are positive).

    Examples
    --------
    >>> risk = pd.DataFrame({"contacts": [400, 400, 40],
    ...     "unresolved": [200, 100, 20], "repeat_if_resolved": [0.5, 0.5, 0.5],
    ...     "repeat_if_unresolved": [0.2, 0.2, 0.2]}, index=["accounting", "shop", "website"])
    >>> r = risk_difference(risk, "accounting", "shop")
    >>> r["value_a"], r["value_b"], round(r["difference"], 3), r["clear"]
    (0.15, 0.075, 0.075, True)
    >>> risk_difference(risk, "accounting", "website")["clear"]
    False
    >>> risk_difference(risk, "accounting", "lobby")
    Traceback (most recent call last):
    ...
    ValueError: Got b='lobby' instead, expected one of 'accounting', 'shop', 'website'.
    """
    from crmlab.survey import _z

    check_columns(risk, ["contacts", "unresolved", "repeat_if_resolved",
                         "repeat_if_unresolved"], table="risk")
    check_choice("column", column, _RISK_COLUMNS)
    z = _z(confidence)
    values, variances = [], []
    for field, touchpoint in (("a", a), ("b", b)):
        check_choice(field, touchpoint, list(risk.index))
        row = risk.loc[touchpoint]
        n, u = float(row["contacts"]), float(row["unresolved"])
        p_r, p_u = float(row["repeat_if_resolved"]), float(row["repeat_if_unresolved"])
        if not 0 < u < n or math.isnan(p_r) or math.isnan(p_u):
            raise expected(field, touchpoint, "a touchpoint with both resolved and unresolved "
                           "contacts in the risk table")
        q, g = u / n, p_r - p_u
        variance = (g ** 2 * q * (1 - q) / n
                    + q ** 2 * (p_r * (1 - p_r) / (n - u) + p_u * (1 - p_u) / u))
        scale = n if column == "repeat_gap_x_contacts" else 1.0
        values.append(scale * q * g)
        variances.append(scale ** 2 * variance)
    difference = values[0] - values[1]
    se = math.sqrt(sum(variances))
    low, high = difference - z * se, difference + z * se
    return {"value_a": values[0], "value_b": values[1], "difference": difference, "se": se,
            "ci_low": low, "ci_high": high, "clear": bool(low > 0 or high < 0)}


def _at(interactions: pd.DataFrame, touchpoint, office) -> np.ndarray:
    """Which contacts are at ``touchpoint`` or in ``office`` (exactly one of them given)."""
    if (touchpoint is None) == (office is None):
        raise expected("touchpoint, office", (touchpoint, office), "exactly one of them")
    check_columns(interactions, ["customer_id", "touchpoint"], table="interactions")
    touchpoints = interactions["touchpoint"].astype(str)
    if touchpoint is not None:
        check_choice("touchpoint", touchpoint, sorted(touchpoints.unique()))
        return (touchpoints == touchpoint).to_numpy()
    check_choice("office", office, ("front", "back"))
    return office_of(touchpoints).to_numpy() == office


def touched_comparison(interactions: pd.DataFrame, orders: pd.DataFrame, survey: pd.DataFrame, *,
                       touchpoint: str | None = None, office: str | None = None) -> pd.DataFrame:
    """Customers with a contact at ``touchpoint`` (or in ``office``) against all the others.

    Rows ``touched`` and ``not touched``: buying customers, their repeat-customer rate
    (:func:`crmlab.loyalty.repeat_rate`), survey respondents, mean CSAT and NPS
    (:func:`crmlab.survey.nps`). Give exactly one of ``touchpoint`` and ``office``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["accounting", "website"]})
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

    ids = interactions.loc[_at(interactions, touchpoint, office), "customer_id"]
    check_columns(survey, ["customer_id", "csat", "nps"], table="survey")
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
    check_columns(interactions, ["customer_id", "interaction_date", "touchpoint", "resolved"],
                  table="interactions")
    check_columns(survey, ["response_id", "customer_id", "survey_date", "csat"], table="survey")
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
    # The touchpoint breaks ties, so equal counts come in the same order on every machine.
    return out.sort_values(["n_unresolved", "n_resolved", "touchpoint"],
                           ascending=[False, False, True], kind="stable")


def welcome_contacts(interactions: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The interaction log with each contact's welcome-call score: the strata of case C4.

    The welcome call asks a 1-5 CSAT question on the day a customer record is created, before
    any contact, so no contact can have moved the answer: within one score, resolved and
    unresolved contacts come from customers about equally satisfied to begin with. The table
    is what :func:`repeat_gap_within_strata` compares within: ``strata="welcome_csat"`` for the
    bands, ``strata="everyone"`` for one stratum of all the contacts (the naive comparison).

    Parameters
    ----------
    interactions : DataFrame
        The contacts, with the column ``customer_id`` and without the two columns added
        (``welcome_csat``, ``everyone``); not modified.
    customers : DataFrame
        One row per customer, columns ``customer_id`` and ``welcome_csat`` (empty where the call
        did not reach the customer); not modified.

    Returns
    -------
    DataFrame
        A copy of ``interactions`` with ``welcome_csat`` (the customer's score, ``<NA>`` for a
        customer not reached or not in ``customers``) and ``everyone`` (``"all"``).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "a"], "resolved": [True, False, True]})
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"],
    ...                           "welcome_csat": pd.array([4, None], dtype="Int64")})
    >>> welcome_contacts(log, customers)
      customer_id  resolved  welcome_csat everyone
    0           a      True             4      all
    1           b     False          <NA>      all
    2           a      True             4      all
    >>> welcome_contacts(log, customers.drop(columns="welcome_csat"))
    Traceback (most recent call last):
    ...
    ValueError: Got customers without the column 'welcome_csat' instead, expected the columns \
'customer_id', 'welcome_csat'.
    """
    check_columns(interactions, ["customer_id"], table="interactions")
    check_no_columns(interactions, ["welcome_csat", "everyone"], table="interactions")
    check_columns(customers, ["customer_id", "welcome_csat"], table="customers")
    check_unique("customer_id", customers["customer_id"], item="customer")
    welcome = customers.set_index("customer_id")["welcome_csat"]
    return interactions.assign(welcome_csat=interactions["customer_id"].map(welcome),
                               everyone="all")


@dataclass(frozen=True)
class StratifiedGap:
    """The result of :func:`repeat_gap_within_strata`.

    Attributes
    ----------
    table : DataFrame
        One row per stratum: ``contacts``, ``resolved``, ``unresolved``,
        ``repeat_if_resolved``, ``repeat_if_unresolved``, ``gap`` and ``weight`` (the stratum's
        share of the unresolved contacts pooled, or of all the contacts pooled, as ``weights``
        chose; 0 for a stratum without both kinds of contact, which cannot be compared and is
        left out of the pooled gap).
    naive_gap : float
        Repeat buying after resolved minus after unresolved contacts, over all the contacts
        compared, strata ignored.
    adjusted_gap : float
        The strata's gaps averaged with their weights: the gap with the strata held fixed.
    ci_low, ci_high : float
        Normal-approximation interval of the adjusted gap at ``confidence``.
    confidence : float
        The confidence level of the interval.
    weights : str
        ``"unresolved"`` or ``"contacts"``: what the strata were weighted by.
    """

    table: pd.DataFrame
    naive_gap: float
    adjusted_gap: float
    ci_low: float
    ci_high: float
    confidence: float
    weights: str = "unresolved"

    @property
    def clear(self) -> bool:
        """True when the interval of the adjusted gap excludes 0."""
        return self.ci_low > 0 or self.ci_high < 0

    def __repr__(self) -> str:
        from crmlab.core.i18n import message

        if len(self.table) == 1:
            strata = message("contact_outcomes.stratum", n=1)
        else:
            strata = message("contact_outcomes.strata", n=len(self.table),
                             weights=message(f"contact_outcomes.weights.{self.weights}"))
        return message("contact_outcomes.gap", naive=f"{self.naive_gap:+.3f}", strata=strata,
                       adjusted=f"{self.adjusted_gap:+.3f}", confidence=f"{self.confidence:.0%}",
                       low=f"{self.ci_low:+.3f}", high=f"{self.ci_high:+.3f}")


def repeat_gap_within_strata(interactions: pd.DataFrame, orders: pd.DataFrame, *, strata: str,
                             window_days: int = 180, as_of=None, touchpoint: str | None = None,
                             office: str | None = None, weights: str = "unresolved",
                             confidence: float = 0.95) -> StratifiedGap:
    """Repeat buying after resolved vs unresolved contacts, compared within strata of a confounder.

    When something (satisfaction) makes a contact both more likely to be resolved and its
    customer more likely to buy again, the naive gap of :func:`touchpoint_risk` mixes that in.
    Within one stratum of it (one satisfaction band) the two groups are alike in it, so each
    stratum's gap is free of it. It removes only the confounding by the strata column, and only
    as far as the strata are fine enough.

    The pooled gap averages the strata's gaps, and the weights say which quantity it estimates.
    Where the effect of leaving a matter unresolved differs between strata (it is larger where
    more customers would have come back), the two differ:

    * ``"unresolved"`` (default): each stratum weighted by its unresolved contacts. The effect
      on the contacts that were in fact left unresolved, the question "what did the unresolved
      contacts cost?" (in causal-inference terms the effect on the treated; how the course
      data's built-in effect is defined, ``crmlab.datasets.effects()``, ``c4_leaving``).
    * ``"contacts"``: each stratum weighted by all its contacts (direct standardisation to the
      contacts compared): what leaving every contact unresolved would cost, an average over
      contacts most of which were resolved.

    Parameters
    ----------
    interactions : DataFrame
        Columns ``customer_id``, ``interaction_date``, ``touchpoint``, ``resolved`` and
        ``strata``; not modified. The caller adds the strata (e.g. a satisfaction band per
        customer merged from the survey).
    orders : DataFrame
        Columns ``customer_id`` and ``order_date``.
    strata : str
        The column of ``interactions`` naming each contact's stratum; contacts without one are
        left out.
    window_days, as_of
        As in :func:`crmlab.repeat_purchase.bought_again`.
    touchpoint, office : str, optional
        Compare only the contacts at this touchpoint or in this office (at most one).
    weights : {"unresolved", "contacts"}, default "unresolved"
        What each stratum's gap is weighted by (above).
    confidence : float, default 0.95
        Level of the interval. It treats contacts as independent; several contacts of one
        customer are not, so read it as a lower bound on the uncertainty.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": list("abcdefgh"),
    ...     "interaction_date": pd.to_datetime(["2024-01-01"] * 8),
    ...     "touchpoint": ["accounting"] * 8,
    ...     "resolved": [True, True, True, False, True, False, False, False],
    ...     "band": ["high"] * 4 + ["low"] * 4})
    >>> orders = pd.DataFrame({"customer_id": list("abcdx"),
    ...     "order_date": pd.to_datetime(["2024-02-01"] * 4 + ["2024-12-31"])})
    >>> result = repeat_gap_within_strata(log, orders, strata="band", window_days=90)
    >>> round(result.naive_gap, 3), round(result.adjusted_gap, 3)
    (0.5, 0.0)
    >>> result.table[["resolved", "unresolved", "gap", "weight"]]
          resolved  unresolved  gap  weight
    band
    high         3           1  0.0    0.25
    low          1           3  0.0    0.75
    >>> repeat_gap_within_strata(log, orders, strata="band", window_days=90,
    ...                          weights="contacts").table["weight"].tolist()
    [0.5, 0.5]
    """
    check_columns(interactions, [strata], table="interactions")
    check_choice("weights", weights, ("unresolved", "contacts"))
    check_rate("confidence", confidence, low_open=True, high_open=True)
    log = interactions[interactions[strata].notna().to_numpy()]
    if touchpoint is not None or office is not None:
        log = log[_at(log, touchpoint, office)]
    contacts = _contacts_followed(log, orders, window_days, as_of)
    g = contacts.groupby([strata, "resolved"], observed=True)["_again"]
    n, p = g.size().unstack(), g.mean().unstack()
    table = pd.DataFrame({
        "contacts": n.sum(axis=1).astype("int64"),
        "resolved": n.get(True, pd.Series(dtype=float)).reindex(n.index).fillna(0)
        .astype("int64"),
        "unresolved": n.get(False, pd.Series(dtype=float)).reindex(n.index).fillna(0)
        .astype("int64"),
        "repeat_if_resolved": p.get(True, pd.Series(dtype=float)).reindex(n.index),
        "repeat_if_unresolved": p.get(False, pd.Series(dtype=float)).reindex(n.index),
    })
    table["gap"] = table["repeat_if_resolved"] - table["repeat_if_unresolved"]
    usable = table["gap"].notna()
    if not usable.any():
        raise expected("strata", strata, "a column with at least one stratum holding both "
                       "resolved and unresolved contacts")
    size = table["unresolved" if weights == "unresolved" else "contacts"]
    table["weight"] = np.where(usable, size / size[usable].sum(), 0.0)
    kept = contacts[contacts[strata].isin(table.index[usable])]
    naive = float(kept.loc[kept["resolved"], "_again"].mean()
                  - kept.loc[~kept["resolved"], "_again"].mean())
    used = table[usable]
    adjusted = float((used["weight"] * used["gap"]).sum())
    variance = (used["weight"] ** 2 * (
        used["repeat_if_resolved"] * (1 - used["repeat_if_resolved"]) / used["resolved"]
        + used["repeat_if_unresolved"] * (1 - used["repeat_if_unresolved"]) / used["unresolved"]
    )).sum()
    from crmlab.survey import _z

    half = _z(confidence) * math.sqrt(float(variance))
    return StratifiedGap(table=table, naive_gap=naive, adjusted_gap=adjusted,
                         ci_low=adjusted - half, ci_high=adjusted + half, confidence=confidence,
                         weights=weights)
