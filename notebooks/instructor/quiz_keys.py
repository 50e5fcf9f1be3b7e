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


# L00-L04, C2 ---------------------------------------------------------------------------------
# Each number is computed on the student's own variant as the question's explanation says,
# with the lesson's functions; a formula question takes the student's inputs as keywords.


def _by_person(variant):
    """The variant's orders (or the course data's: ``crmlab.datasets``) with each order's
    person (L01)."""
    from crmlab.record_linkage import orders_with_person

    return orders_with_person(variant.load("orders"), variant.load("customers"))


def _profiles(variant):
    """The variant's customer profiles, built as lesson L04 builds them."""
    from crmlab.profiles import customer_profiles
    from crmlab.record_linkage import single_customer_view

    customers = variant.load("customers")
    return customer_profiles(customers, variant.load("orders"),
                             view=single_customer_view(customers),
                             products=variant.load("products"))


def _class_a_by_spend(variant):
    """L02's graded setting: class A by purchase value with the cut-offs 70% and 90%."""
    from crmlab.abc_analysis import abc_analysis

    ranked = abc_analysis(variant.load("suppliers"), value="annual_spend", label="supplier_id",
                          cutoffs=(0.7, 0.9))
    return ranked[ranked["abc_class"] == "A"]


@register("L00", "n-perishable")
def _n_perishable(variant):
    return int(variant.load("products")["shelf_life_days"].notna().sum())


@register("L01", "repeat-phone-90")
def _repeat_phone_90(variant):
    from crmlab.loyalty import repeat_rate

    by_channel = repeat_rate(_by_person(variant), customer_id="person", by="channel", window=90)
    return round(float(by_channel.loc["phone", "repeat_rate"]) * 100, 1)


@register("L01", "retention-quarter")
def _retention_quarter(variant):
    from crmlab.loyalty import retention_rate

    quarters = retention_rate(_by_person(variant), customer_id="person", period="Q")
    return round(float(quarters.loc["2024Q1", "retention"]) * 100, 1)


@register("L01", "net-value")
def _net_value(variant, *, new_retention, cost_per_customer):
    # A formula question: the calculator's figures are the course's (the lesson's worked
    # example, on the shared course data: people active in 2023, their retention into 2024 to
    # 3 decimals, margin per customer to 2 decimals); the student's own are the two inputs.
    from crmlab import datasets
    from crmlab.loyalty import retention_economics, retention_rate

    by_person = _by_person(datasets)
    in_2023 = by_person[by_person["order_date"].dt.year == 2023]
    active = in_2023["person"].nunique()
    rate = round(float(retention_rate(by_person, customer_id="person").loc["2023", "retention"]),
                 3)
    economics = retention_economics(customers=active, retention=rate,
                                    new_retention=new_retention,
                                    margin=round(float(in_2023["margin"].sum()) / active, 2),
                                    cost_per_customer=cost_per_customer, reach="active")
    return round(float(economics["amount"][("present value", "net value of the programme")]))


@register("L02", "n-class-a-spend")
def _n_class_a_spend(variant):
    return len(_class_a_by_spend(variant))


@register("L02", "share-class-a-spend")
def _share_class_a_spend(variant):
    return round(float(_class_a_by_spend(variant)["share"].sum()) * 100, 1)


@register("L03", "payback-calc")
def _payback_calc(variant, *, investment, monthly_benefit, rate):
    from crmlab.crm_selection import payback_period

    return payback_period(investment, [monthly_benefit] * 60, annual_rate=rate / 100)


@register("L04", "n-people")
def _n_people(variant):
    from crmlab.record_linkage import name_key

    customers = variant.load("customers")
    return int(name_key(customers["first_name"], customers["last_name"]).nunique())


@register("L04", "email-excluded")
def _email_excluded(variant):
    from crmlab.consent import select_customers

    profiled = select_customers(_profiles(variant), purpose="profiling").customers
    return select_customers(profiled, purpose="email_campaign").excluded


@register("L04", "win-back-n")
def _win_back_n(variant):
    from crmlab.service_levels import win_back_candidates

    return len(win_back_candidates(_profiles(variant), lost_after=120))


@register("C2", "partnership-profit")
def _partnership_profit(variant):
    from crmlab.relationships import classify_supplier

    suppliers = variant.load("suppliers")
    types = classify_supplier(suppliers)["type"].to_numpy()
    return round(float(suppliers.loc[types == 4, "profit_share"].sum()) * 100, 1)


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

    table = csat_and_order_value(variant.load("orders"), variant.load("survey"),
                                 customers=variant.load("customers"))
    ratio = value_for_cost_interval(table, by="preferred_channel", benefit="csat",
                                    cost="order_value", per=100)
    return round(float(ratio.loc["email", "value_for_cost"]), 2)


@register("C3", "discounted")
def _discounted(variant, *, outlay, monthly, rate):
    from crmlab.crm_selection import payback_period

    return payback_period(outlay, [monthly] * 36, annual_rate=rate / 100)


def _welcome_contacts(variant):
    """C4's contacts: the interaction log with each customer's welcome-call score."""
    from crmlab.contact_outcomes import welcome_contacts

    return welcome_contacts(variant.load("interactions"), variant.load("customers"))


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
