"""The instructor's quiz keys: each student's key of a graded number of one's own.

A quiz question with ``variant: student`` is computed on each student's own variant of the
course data; its key is computed at grading by the function registered here for it, with
:func:`~crmlab.grading.variant_keys.register`. A function takes the student's
:class:`~crmlab.datasets.Variant` (``variant.load(name)`` gives a table of it) and, for a
formula question, the student's inputs as keywords, and returns the number.

This file is not part of the ``crmlab`` package and ``crmlab release`` never copies
``notebooks/instructor/``. :func:`crmlab.grading.variant_keys.load_keys` loads it by path
(``crmlab grade``, ``crmlab quiz keys``). The quiz file's ``answer`` of such a question is its
key on the practice variant; ``tests/test_quiz_variants.py`` holds every function to it.
"""

from __future__ import annotations

from crmlab.grading.variant_keys import register


@register("L05", "n-champions")
def _n_champions(variant):
    from crmlab.segmentation import rfm_scores, rfm_segment, rfm_table

    orders = variant.load("orders")
    earlier = orders[orders["order_date"] < "2024-01-01"]
    segments = rfm_segment(rfm_scores(rfm_table(earlier, as_of="2024-01-01")))
    return int((segments == "champions").sum())


# L05-L07, C3, C4


def _percent(share: float, decimals: int = 1) -> float:
    """A share as the percent a question asks for, rounded as it asks."""
    return round(float(share) * 100, decimals)


@register("L05", "platinum-share")
def _platinum_share(variant):
    from crmlab.segmentation import customer_pyramid, rfm_table

    margin = rfm_table(variant.load("orders"), value="margin")["monetary"]
    tiers = customer_pyramid(margin, cutoffs=(0.02, 0.10, 0.30))
    return _percent(margin[tiers == "top"].sum() / margin.sum())


@register("L05", "clv")
def _clv(variant, *, margin, retention, discount):
    from crmlab.clv import simple_clv

    return round(simple_clv(margin, retention=retention / 100, discount=discount / 100), 2)


_PAPER_MODEL: list = []


def _paper_model():
    """L05's BG/NBD model, fitted once: the CDNOW sample is shared by every variant."""
    if not _PAPER_MODEL:
        from crmlab.clv import BetaGeo, summary_from_transactions
        from crmlab.datasets import load

        summary = summary_from_transactions(load("cdnow_sample"), calibration_end="1997-09-30")
        _PAPER_MODEL.append(BetaGeo().fit(summary["frequency"], summary["recency"],
                                          summary["T"]))
    return _PAPER_MODEL[0]


@register("L05", "expected")
def _expected(variant, *, frequency, recency):
    return round(float(_paper_model().expected_purchases(39, frequency, recency, 38.86)), 3)


@register("L06", "nps-phone")
def _nps_phone(variant):
    from crmlab.survey import nps

    survey = variant.load("survey")
    return round(float(nps(survey.loc[survey["channel"] == "phone", "nps"])["nps"]), 1)


@register("L06", "top2-welcome")
def _top2_welcome(variant):
    from crmlab.survey import csat

    return _percent(csat(variant.load("customers")["welcome_csat"].dropna())["top2"])


@register("L06", "repeat-5-120")
def _repeat_5_120(variant):
    from crmlab.survey import satisfaction_vs_repeat

    repeat = satisfaction_vs_repeat(variant.load("survey"), variant.load("orders"),
                                    window_days=120)
    return _percent(repeat.loc[5, "repeat_rate"])


@register("L06", "n-three-channels")
def _n_three_channels(variant):
    from crmlab.channel_consistency import channel_consistency

    return len(channel_consistency(variant.load("interactions"), min_channels=3))


@register("L07", "email-ratio")
def _email_ratio(variant):
    from crmlab.value_exchange import csat_and_order_value, value_for_cost_interval

    customers = variant.load("customers").set_index("customer_id")
    table = csat_and_order_value(variant.load("orders"), variant.load("survey")).join(customers)
    ratio = value_for_cost_interval(table, by="preferred_channel", benefit="csat",
                                    cost="order_value", per=100)
    return round(float(ratio.loc["email", "value_for_cost"]), 2)


@register("C3", "discounted")
def _discounted(variant, *, outlay, monthly, rate):
    from crmlab.crm_selection import payback_period

    return payback_period(outlay, [monthly] * 36, annual_rate=rate / 100)


def _welcome_contacts(variant):
    """C4's contacts: the interaction log with each customer's welcome-call score."""
    welcome = variant.load("customers").set_index("customer_id")["welcome_csat"]
    log = variant.load("interactions")
    return log.assign(welcome_csat=log["customer_id"].map(welcome), everyone="all")


@register("C4", "resolved-high-welcome")
def _resolved_high_welcome(variant):
    from crmlab.touchpoints import office_of

    contacts = _welcome_contacts(variant)
    back = contacts[(office_of(contacts["touchpoint"]) == "back").to_numpy()]
    return _percent(back.loc[back["welcome_csat"].isin([4, 5]), "resolved"].mean())


@register("C4", "adjusted-gap-180")
def _adjusted_gap_180(variant):
    from crmlab.contact_outcomes import repeat_gap_within_strata

    gap = repeat_gap_within_strata(_welcome_contacts(variant), variant.load("orders"),
                                   strata="welcome_csat", window_days=180, office="back")
    return _percent(gap.adjusted_gap)
