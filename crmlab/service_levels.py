"""Service levels (L04, L05): a different service for each kind of customer, and the win-back list.

The source's twelfth step of personalisation offers different levels of service: special
rewards for the best customers, incentives to buy more for regular ones, special offers to
those who recently left. :func:`service_levels` assigns those levels from the profiles of
:func:`crmlab.profiles.customer_profiles`; :func:`win_back_candidates` turns the recently lost
into a win-back list. Both select customers for a purpose, so both go through
:func:`crmlab.consent.select_customers` and say how many the consent rules removed.
"""

from __future__ import annotations

import pandas as pd

from crmlab.consent import ConsentedSelection, select_customers
from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.i18n import message
from crmlab.core.validation import check_column_options, check_columns, check_rate, check_whole

__all__ = ["SERVICE_OFFERS", "SOURCE_LEVELS", "service_level_rules", "service_levels",
           "win_back_candidates", "CONTENT"]

#: The source's twelfth step of personalisation: a different service for each kind of customer.
#: "lapsed" and "prospect" are the course's: the source names only the first three levels.
SERVICE_OFFERS = {
    "best": "special rewards",
    "regular": "incentives to buy more products or services",
    "recently lost": "a special offer to come back",
    "lapsed": "none: left before the win-back window",
    "prospect": "none: no purchase yet",
}


#: The offers in every language (``crmlab/data/content/<lang>/service_levels.yaml``): the
#: tables keep them as written here, the display shows them translated.
CONTENT = Domain("service_levels", lambda: SERVICE_OFFERS.values())


def _check_thresholds(best_share, lost_after, lost_within) -> None:
    check_rate("best_share", best_share, low_open=True, high_open=True)
    check_whole("lost_after", lost_after, minimum=1, unit="days")
    check_whole("lost_within", lost_within, minimum=lost_after + 1, unit="days")


#: The levels the source's twelfth step names; the other keys of ``SERVICE_OFFERS`` are the
#: course's, so that every customer gets a level.
SOURCE_LEVELS = ("best", "regular", "recently lost")


def service_level_rules(*, best_share: float = 0.2, lost_after: int = 180,
                        lost_within: int = 365, lang: str | None = None) -> pd.DataFrame:
    """Each service level of :func:`service_levels`: its rule, its offer and who names it, in
    ``lang`` (default: the language in effect).

    The same thresholds as :func:`service_levels` (and checked the same way), written out:
    one row per level of ``SERVICE_OFFERS`` with ``last_order`` (days before ``as_of``),
    ``by_margin`` (how the active customers are split), ``offer``, and ``named_by``
    ("source (step 12)" for the levels of ``SOURCE_LEVELS``, else "course").

    Examples
    --------
    >>> rules = service_level_rules(best_share=0.15, lost_after=120)
    >>> rules[["last_order", "by_margin", "named_by"]]
                             last_order         by_margin          named_by
    service_level
    best           at most 120 days ago  top 15% (active)  source (step 12)
    regular        at most 120 days ago         other 85%  source (step 12)
    recently lost   121 to 365 days ago                    source (step 12)
    lapsed            over 365 days ago                              course
    prospect                       none                              course
    """
    _check_thresholds(best_share, lost_after, lost_within)

    def say(key, **fields):
        return message(f"service_levels.{key}", lang, **fields)

    active = say("at_most", days=lost_after)
    top = round(best_share * 100, 6)
    last_order = {"best": active, "regular": active,
                  "recently lost": say("between", low=lost_after + 1, high=lost_within),
                  "lapsed": say("over", days=lost_within), "prospect": say("none")}
    by_margin = {"best": say("top", share=f"{top:g}"),
                 "regular": say("other", share=f"{100 - top:g}")}
    levels = list(SERVICE_OFFERS)
    table = pd.DataFrame({
        "last_order": [last_order[level] for level in levels],
        "by_margin": [by_margin.get(level, "") for level in levels],
        "offer": [CONTENT(SERVICE_OFFERS[level], lang) for level in levels],
        "named_by": [say("by_source") if level in SOURCE_LEVELS else say("by_course")
                     for level in levels],
    }, index=pd.Index(levels, name="service_level"))
    return text_table(table)


def service_levels(profiles: pd.DataFrame, *, as_of=None, best_share: float = 0.2,
                   lost_after: int = 180, lost_within: int = 365) -> ConsentedSelection:
    """Differentiated service levels (best, regular, recently lost), for profiled customers only.

    Deciding a service level from someone's purchases is profiling, so customers without
    ``consent_profiling`` are left out and counted. Of the rest, with ``idle`` the days from the
    last order to ``as_of`` (default: the day after the last order of the table):

    * *prospect*: no order yet;
    * *recently lost*: idle more than ``lost_after`` days and at most ``lost_within``;
    * *lapsed*: idle more than ``lost_within`` days, gone too long for a win-back offer;
    * *best*: the top ``best_share`` by margin of the active customers (idle at most
      ``lost_after`` days);
    * *regular*: the other active customers.

    The thresholds are the course's defaults, not the source's (it names the three levels,
    not the cut-offs). Each level gets the offer of ``SERVICE_OFFERS``.

    Examples
    --------
    >>> profiles = pd.DataFrame({"margin": [90.0, 10.0, 20.0, 5.0, 0.0],
    ...     "last_order": pd.to_datetime(["2024-12-01", "2024-11-01", "2024-03-01", "2024-10-01",
    ...                                   None]),
    ...     "consent_profiling": [True, True, True, False, True]}, index=list("abcde"))
    >>> levels = service_levels(profiles, as_of="2025-01-01", best_share=0.5)
    >>> levels
    Selection for 'profiling' (profiling (segments, service levels, personal offers)): 4 of 5 selected, 1 excluded without consent_profiling
    >>> levels.customers["service_level"].to_dict()
    {'a': 'best', 'b': 'regular', 'c': 'recently lost', 'e': 'prospect'}
    """
    _check_thresholds(best_share, lost_after, lost_within)
    check_columns(profiles, ["margin", "last_order"], table="profiles")
    chosen = select_customers(profiles, purpose="profiling")
    table = chosen.customers
    last = pd.to_datetime(table["last_order"])
    end = (last.max() + pd.Timedelta(days=1)) if as_of is None else pd.Timestamp(as_of)
    idle = (end - last).dt.days
    level = pd.Series("regular", index=table.index, dtype=object)
    level[last.isna()] = "prospect"
    level[(idle > lost_after) & (idle <= lost_within)] = "recently lost"
    level[idle > lost_within] = "lapsed"
    active = level == "regular"
    if active.any():
        ranked = table.loc[active, "margin"].rank(method="first", ascending=False)
        n_best = max(1, int(round(best_share * int(active.sum()))))
        level[ranked[ranked <= n_best].index] = "best"
    table = table.assign(service_level=level.to_numpy(),
                         offer=level.map(SERVICE_OFFERS).to_numpy())
    return ConsentedSelection(purpose="profiling", customers=table, excluded=chosen.excluded)


def win_back_candidates(profiles: pd.DataFrame, *, as_of=None, lost_after: int = 180,
                        lost_within: int = 365, value: str = "margin") -> ConsentedSelection:
    """The win-back list: recently lost customers who agreed to win-back offers, most valuable first.

    Two consent rules apply on the way, and both counts are reported: setting service levels
    is profiling (:func:`service_levels` leaves out customers without ``consent_profiling``),
    and a win-back offer needs ``consent_winback`` (:func:`crmlab.consent.select_customers`).
    Give it the profiles of the single customer view (one row per person), so that a refusal
    in any of a person's records holds.

    Parameters
    ----------
    profiles : DataFrame
        Columns ``margin``, ``last_order``, ``consent_profiling``, ``consent_winback`` and
        ``value``; not modified.
    as_of, lost_after, lost_within
        As in :func:`service_levels`.
    value : str, default "margin"
        Column ranking the list, largest first.

    Examples
    --------
    >>> profiles = pd.DataFrame({"margin": [90.0, 10.0, 20.0, 5.0, 60.0],
    ...     "last_order": pd.to_datetime(["2024-12-01", "2024-05-01", "2024-03-01", "2024-04-01",
    ...                                   "2024-04-01"]),
    ...     "consent_profiling": [True, True, True, False, True],
    ...     "consent_winback": [True, True, True, True, False]}, index=list("abcde"))
    >>> chosen = win_back_candidates(profiles, as_of="2025-01-01")
    >>> chosen
    Selection for 'win_back' (win-back offers to customers who stopped buying): 2 of 3 selected, 1 excluded without consent_winback; earlier 1 excluded without consent_profiling
    >>> chosen.customers.index.tolist()
    ['c', 'b']
    """
    levels = service_levels(profiles, as_of=as_of, lost_after=lost_after,
                            lost_within=lost_within)
    check_column_options(profiles, value=value)
    lost = levels.customers[levels.customers["service_level"] == "recently lost"]
    chosen = select_customers(lost, purpose="win_back")
    ranked = chosen.customers.sort_values(value, ascending=False, kind="stable")
    return ConsentedSelection(purpose="win_back", customers=ranked, excluded=chosen.excluded,
                              earlier=((levels.consent, levels.excluded),))
