"""The instructor's exercise keys: the expected value of every exercise check, computed from
the student's own data variant.

Each function is registered under the check's name with :func:`~crmlab.exercises.checks.register`
and takes the student's seed. This is course content (which analysis each exercise asks for);
the machinery that compares values lives in :mod:`crmlab.exercises.checks`. A new exercise
registers its checks here.

This file is not part of the ``crmlab`` package and ``crmlab release`` never copies
``notebooks/instructor/``: a student who knows their seed cannot compute their answers with it.
:func:`crmlab.exercises.keys.load_keys` loads it by path (the grader, ``crmlab exercises
assign``, the release's practice copies, the instructor's own run of a solution notebook).
"""

from __future__ import annotations

from crmlab.exercises.checks import clv_parameters, register, variant

__all__: list = []


def _suppliers(seed):
    """The variant's suppliers that sold something in its last year (the exercises' first cell:
    a variant is a small company, and a supplier with no purchases has a profit share of 0)."""
    suppliers = variant(seed, "suppliers")
    return suppliers[suppliers["annual_spend"] > 0].reset_index(drop=True)


@register("abc-class-a")
def _abc_class_a(seed):
    from crmlab.abc_analysis import abc_analysis

    ranked = abc_analysis(_suppliers(seed), value="profit_share", label="supplier_id")
    return set(ranked.loc[ranked["abc_class"] == "A", "supplier_id"])


@register("abc-share-a")
def _abc_share_a(seed):
    from crmlab.abc_analysis import abc_analysis

    ranked = abc_analysis(_suppliers(seed), value="profit_share", label="supplier_id")
    return round(float(ranked.loc[ranked["abc_class"] == "A", "share"].sum()), 4)


@register("abc-misranked")
def _abc_misranked(seed):
    from crmlab.abc_analysis import abc_analysis

    suppliers = _suppliers(seed)
    by_profit = abc_analysis(suppliers, value="profit_share", label="supplier_id")
    by_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")
    a_profit = set(by_profit.loc[by_profit["abc_class"] == "A", "supplier_id"])
    a_cost = set(by_cost.loc[by_cost["abc_class"] == "A", "supplier_id"])
    return len(a_cost - a_profit)


def _classified(seed):
    from crmlab.relationships import classify_supplier

    return classify_supplier(_suppliers(seed))


@register("cls-partners")
def _cls_partners(seed):
    result = _classified(seed)
    return set(result.loc[result["type"] == 4, "supplier_id"])


@register("cls-counts")
def _cls_counts(seed):
    return {label: int(n) for label, n in _classified(seed)["relationship"].value_counts().items()}


@register("cls-flagged")
def _cls_flagged(seed):
    result = _classified(seed)
    return set(result.loc[result["special_cases"] != "", "supplier_id"])


def _selection(seed):
    from crmlab.crm_selection import (
        example_candidates,
        requirement_profile,
        sensitivity,
        weighted_scores,
    )

    profile = requirement_profile(seed)
    return (weighted_scores(example_candidates(), profile),
            sensitivity(example_candidates(), profile))


@register("sel-winner")
def _sel_winner(seed):
    """The winner with its lead over the runner-up: with two or three plausible winners, a
    name alone could be guessed."""
    ranking = _selection(seed)[0]
    return ranking.index[0], round(float(ranking.iloc[0] - ranking.iloc[1]), 3)


@register("sel-flip")
def _sel_flip(seed):
    """The requirement whose weight flips the winner soonest, with the size of that change:
    the requirement alone is the same for most seeds."""
    first = _selection(seed)[1].iloc[0]
    return first["requirement"], round(abs(float(first["change"])), 3)


def _people_orders(seed):
    """The variant's orders with the ``person`` of the single customer view: the lessons count
    people, not customer records (L04)."""
    from crmlab.record_linkage import orders_with_person

    return orders_with_person(variant(seed, "orders"), variant(seed, "customers"))


def _rfm(seed):
    from crmlab.segmentation import rfm_scores, rfm_segment, rfm_table

    scores = rfm_scores(rfm_table(_people_orders(seed), customer_id="person"))
    return scores.assign(segment=rfm_segment(scores))


@register("rfm-champions")
def _rfm_champions(seed):
    return int((_rfm(seed)["segment"] == "champions").sum())


@register("rfm-top")
def _rfm_top(seed):
    from crmlab.segmentation import customer_pyramid

    tiers = customer_pyramid(_rfm(seed)["monetary"])
    return set(tiers.index[tiers == tiers.cat.categories[0]])  # the top tier, whatever its name


@register("survey-nps")
def _survey_nps(seed):
    from crmlab.survey import nps

    return round(float(nps(variant(seed, "survey")["nps"])["nps"]), 1)


@register("survey-top2")
def _survey_top2(seed):
    from crmlab.survey import csat

    return round(float(csat(variant(seed, "survey")["csat"])["top2"]), 3)


@register("clv-value")
def _clv_value(seed):
    from crmlab.clv import simple_clv

    p = clv_parameters(seed)
    return round(simple_clv(p["margin"], retention=p["retention"], discount=0.1), 2)


@register("clv-repeat")
def _clv_repeat(seed):
    from crmlab.loyalty import repeat_rate

    return round(repeat_rate(_people_orders(seed), customer_id="person", window=180), 3)


@register("clv-gain")
def _clv_gain(seed):
    from crmlab.clv import simple_clv

    p = clv_parameters(seed)
    base = simple_clv(p["margin"], retention=p["retention"], discount=0.1)
    better = simple_clv(p["margin"], retention=p["retention"] + 0.05, discount=0.1)
    return round(better - base, 2)
