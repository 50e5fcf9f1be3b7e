"""Numeric quiz keys are computed from the course data by crmlab, so they can never drift."""

import pytest

from crmlab import datasets
from crmlab.abc_analysis import abc_analysis
from crmlab.crm_selection import payback_period
from crmlab.quiz import load
from crmlab.relationships import classify_supplier


def _view():
    from crmlab.record_linkage import single_customer_view

    return single_customer_view(datasets.load("customers"))


def _profiles():
    from crmlab.profiles import customer_profiles

    return customer_profiles(datasets.load("customers"), datasets.load("orders"), view=_view())


def _by_person():
    return _view().assign(datasets.load("orders"))


def _retention_quarter():
    from crmlab.loyalty import retention_rate

    quarters = retention_rate(_by_person(), customer_id="person", period="Q")
    return round(quarters.loc["2024Q1", "retention"] * 100, 1)


def _repeat_phone_90():
    from crmlab.loyalty import repeat_rate

    by_channel = repeat_rate(_by_person(), customer_id="person", by="channel", window=90)
    return round(by_channel.loc["phone", "repeat_rate"] * 100, 1)


def _net_per_year():
    from crmlab.loyalty import retention_economics, retention_rate

    # The figures of lesson L01's calculator: people active in 2023, their retention into 2024
    # (3 decimals) and margin per customer (2 decimals), keeping a customer 10 AZN a year.
    by_person = _by_person()
    in_2023 = by_person[by_person["order_date"].dt.year == 2023]
    active = in_2023["person"].nunique()
    rate = round(float(retention_rate(by_person, customer_id="person").loc["2023", "retention"]), 3)
    economics = retention_economics(customers=active, retention=rate, new_retention=0.48,
                                    margin=round(float(in_2023["margin"].sum()) / active, 2),
                                    keep_cost=10)["low"]
    return round(economics["margin they bring per period"] - economics["cost of keeping them"])


def _win_back_count():
    from crmlab.consent import select_customers
    from crmlab.service_levels import service_levels

    levels = service_levels(_profiles()).customers
    return len(select_customers(levels[levels["service_level"] == "recently lost"],
                                purpose="win_back"))


def _email_excluded():
    from crmlab.consent import select_customers

    return select_customers(_profiles(), purpose="email_campaign").excluded


def _touchpoint_risk():
    from crmlab.contact_outcomes import touchpoint_risk

    return touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))


def _back_resolved():
    interactions = datasets.load("interactions")
    return round(interactions.loc[interactions["office"] == "back", "resolved"].mean() * 100, 1)


def _accounting_nps():
    from crmlab.contact_outcomes import touched_comparison

    table = touched_comparison(datasets.load("interactions"), datasets.load("orders"),
                               datasets.load("survey"), touchpoint="accounting")
    return round(table.loc["touched", "nps"], 1)


def _suppliers_abc():
    return abc_analysis(datasets.load("suppliers"), value="profit_share", label="supplier_id")


def _class_a():
    ranked = _suppliers_abc()
    return ranked[ranked["abc_class"] == "A"]


KEYS = [
    ("L00", "n-perishable",
     lambda: int(datasets.load("products")["shelf_life_days"].notna().sum())),
    ("L02", "n-class-a", lambda: len(_class_a())),
    ("L02", "share-class-a", lambda: round(_class_a()["share"].sum() * 100, 1)),
    ("C2", "strategic-count",
     lambda: int((classify_supplier(datasets.load("suppliers"))["type"] == 4).sum())),
    ("L03", "payback-calc", lambda: payback_period(60_000, [7_000] * 24)),
    ("C3", "discounted", lambda: payback_period(120_000, [12_000] * 24, annual_rate=0.12)),
    ("L01", "repeat-phone-90", _repeat_phone_90),
    ("L01", "retention-quarter", _retention_quarter),
    ("L01", "net-per-year", _net_per_year),
    ("L04", "n-people", lambda: _view().n_people),
    ("L04", "email-excluded", _email_excluded),
    ("L04", "win-back-n", _win_back_count),
    ("C4", "back-resolved", _back_resolved),
    ("C4", "unresolved-repeat",
     lambda: round(_touchpoint_risk().loc["accounting", "repeat_if_unresolved"] * 100, 1)),
    ("C4", "accounting-nps", _accounting_nps),
]


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), KEYS,
                         ids=[f"{k[0]}:{k[1]}" for k in KEYS])
def test_numeric_key_matches_the_data(quiz_id, question_id, compute):
    question = load(quiz_id).question(question_id)
    assert question.answer == pytest.approx(compute(), abs=1e-9)


def test_riskiest_touchpoint_key_matches_the_data():
    question = load("C4").question("riskiest")
    keyed = [option.id for option in question.options if option.correct]
    assert keyed == [_touchpoint_risk().index[0].replace("_", "-")]


def _keyed(quiz_id, question_id):
    return {option.id for option in load(quiz_id).question(question_id).options if option.correct}


def test_highest_risk_per_contact_key_matches_the_data():
    risk = _touchpoint_risk()
    assert _keyed("C4", "highest-risk") == {risk["risk_per_contact"].idxmax().replace("_", "-")}


# Pair ids of question C1 "types" -> the partner profiles that notebook C1 classifies.
C1_PAIRS = {"office": "office supplies", "packaging": "custom packaging",
            "producer": "competitor producing for the programme"}


def _c1_partner(pair_id):
    from crmlab.marketing import ARTLIFE_PARTNERS

    return ARTLIFE_PARTNERS[C1_PAIRS[pair_id]]


def test_partner_types_key_matches_the_classifier():
    question = load("C1").question("types")
    keyed = {pair.id: pair.match for pair in question.pairs}
    assert keyed == {pair_id: f"t{int(classify_supplier(_c1_partner(pair_id)).type)}"
                     for pair_id in C1_PAIRS}


def test_type_4_only_reasons_key_matches_the_classifier():
    options = {option.id for option in load("C1").question("reasons").options}
    only_4 = {reason.criterion.replace("_", "-")
              for reason in classify_supplier(_c1_partner("producer")).reasons
              if tuple(reason.points_to) == (4,)}
    assert _keyed("C1", "reasons") == only_4 & options
