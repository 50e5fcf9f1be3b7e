"""Numeric quiz keys are computed from the course data by crmlab, so they can never drift.

A number of one's own (``variant: student``) is keyed in its quiz file on the practice variant
(``datasets.Variant()``), with the practice variant's inputs for a formula question; each
student's key is the instructor's key function on the student's variant, which these
computations, written apart from it, check on other variants too.
"""

import pytest

from crmlab import datasets
from crmlab.abc_analysis import abc_analysis
from crmlab.crm_selection import payback_period
from crmlab.datasets._variant import token_for
from crmlab.quiz import load
from crmlab.quiz.variants import question_inputs
from crmlab.relationships import classify_supplier
from crmlab.value_exchange import csat_and_order_value, value_for_cost_interval


def _view(data):
    from crmlab.record_linkage import single_customer_view

    return single_customer_view(data.load("customers"))


def _profiles(data):
    from crmlab.profiles import customer_profiles

    return customer_profiles(data.load("customers"), data.load("orders"), view=_view(data),
                             products=data.load("products"))


def _by_person(data):
    from crmlab.record_linkage import orders_with_person

    return orders_with_person(data.load("orders"), data.load("customers"))


def _retention_quarter(data):
    from crmlab.loyalty import retention_rate

    quarters = retention_rate(_by_person(data), customer_id="person", period="Q")
    return round(float(quarters.loc["2024Q1", "retention"]) * 100, 1)


def _repeat_phone_90(data):
    from crmlab.loyalty import repeat_rate

    by_channel = repeat_rate(_by_person(data), customer_id="person", by="channel", window=90)
    return round(float(by_channel.loc["phone", "repeat_rate"]) * 100, 1)


def _net_value(data, *, new_retention, cost_per_customer):
    from crmlab.loyalty import retention_economics, retention_rate

    # The figures of lesson L01's calculator, on the course data whatever the variant: people
    # active in 2023, their retention into 2024 (3 decimals) and margin per customer (2
    # decimals); the programme reaches the whole active base; the student's own inputs set the
    # new retention and the cost per customer reached.
    by_person = _by_person(datasets)
    in_2023 = by_person[by_person["order_date"].dt.year == 2023]
    active = in_2023["person"].nunique()
    rate = round(float(retention_rate(by_person, customer_id="person").loc["2023", "retention"]), 3)
    assert (active, rate) == (1322, 0.377)  # as the lesson's calculator and the key say
    economics = retention_economics(customers=active, retention=rate,
                                    new_retention=new_retention,
                                    margin=round(float(in_2023["margin"].sum()) / active, 2),
                                    cost_per_customer=cost_per_customer, reach="active")["amount"]
    return round(economics[("present value", "net value of the programme")])


def _win_back_count(data):
    from crmlab.service_levels import win_back_candidates

    return len(win_back_candidates(_profiles(data), lost_after=120))


def _email_excluded(data):
    from crmlab.consent import select_customers

    profiled = select_customers(_profiles(data), purpose="profiling").customers
    return select_customers(profiled, purpose="email_campaign").excluded


def _people_by_name(data):
    from crmlab.record_linkage import name_key

    customers = data.load("customers")
    return int(name_key(customers["first_name"], customers["last_name"]).nunique())


def _touchpoint_risk():
    from crmlab.contact_outcomes import touchpoint_risk

    return touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))


def _welcome_contacts(data=datasets):
    """The interaction log with each contact's welcome-call score (C4's strata); ``data``: the
    course data or a variant of it."""
    from crmlab.contact_outcomes import welcome_contacts

    return welcome_contacts(data.load("interactions"), data.load("customers"))


def _gap(strata, window_days, office, data=datasets):
    from crmlab.contact_outcomes import repeat_gap_within_strata

    return repeat_gap_within_strata(_welcome_contacts(data), data.load("orders"), strata=strata,
                                    window_days=window_days, office=office)


def _resolved_high_welcome(data):
    from crmlab.touchpoints import office_of

    log = _welcome_contacts(data)
    back = log[(office_of(log["touchpoint"]) == "back").to_numpy()]
    return round(float(back.loc[back["welcome_csat"].isin([4, 5]), "resolved"].mean()) * 100, 1)


def _accounting_nps():
    from crmlab.contact_outcomes import touched_comparison

    table = touched_comparison(datasets.load("interactions"), datasets.load("orders"),
                               datasets.load("survey"), touchpoint="accounting")
    return round(table.loc["touched", "nps"], 1)


def _class_a_by_spend(data):
    """L02's graded setting: class A by purchase value with the cut-offs 70% and 90%."""
    ranked = abc_analysis(data.load("suppliers"), value="annual_spend", label="supplier_id",
                          cutoffs=(0.7, 0.9))
    return ranked[ranked["abc_class"] == "A"]


def _email_value_for_cost(data):
    table = csat_and_order_value(data.load("orders"), data.load("survey"),
                                 customers=data.load("customers"))
    ratio = value_for_cost_interval(table, by="preferred_channel", benefit="csat",
                                    cost="order_value", per=100)
    return round(float(ratio.loc["email", "value_for_cost"]), 2)


def _partnership_profit(data):
    suppliers = data.load("suppliers")
    types = classify_supplier(suppliers)["type"].to_numpy()
    return round(float(suppliers.loc[types == 4, "profit_share"].sum()) * 100, 1)


def _payback(data, *, investment, monthly_benefit, rate):
    return payback_period(investment, [monthly_benefit] * 60, annual_rate=rate / 100)


# Numbers of one's own: computed on a variant (``data``), with the question's inputs as keywords;
# a share is rounded as a Python float (numpy rounds a half-way 27.35 the other way).
OWN = [
    ("L00", "n-perishable", lambda data: int(data.load("products")["shelf_life_days"].notna()
                                             .sum())),
    ("L02", "n-class-a-spend", lambda data: len(_class_a_by_spend(data))),
    ("L02", "share-class-a-spend",
     lambda data: round(float(_class_a_by_spend(data)["share"].sum()) * 100, 1)),
    ("C2", "partnership-profit", _partnership_profit),
    ("L03", "payback-calc", _payback),
    ("C3", "discounted", lambda data, *, outlay, monthly, rate: payback_period(
        outlay, [monthly] * 36, annual_rate=rate / 100)),
    ("C4", "resolved-high-welcome", _resolved_high_welcome),
    ("C4", "adjusted-gap-180",
     lambda data: round(float(_gap("welcome_csat", 180, "back", data).adjusted_gap) * 100, 1)),
    ("L07", "email-ratio", _email_value_for_cost),
    ("L01", "repeat-phone-90", _repeat_phone_90),
    ("L01", "retention-quarter", _retention_quarter),
    ("L01", "net-value", _net_value),
    ("L04", "n-people", _people_by_name),
    ("L04", "email-excluded", _email_excluded),
    ("L04", "win-back-n", _win_back_count),
]

KEYS = [
    ("C4", "accounting-nps", _accounting_nps),
]


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), KEYS,
                         ids=[f"{k[0]}:{k[1]}" for k in KEYS])
def test_numeric_key_matches_the_data(quiz_id, question_id, compute):
    question = load(quiz_id).question(question_id)
    assert question.answer == pytest.approx(compute(), abs=1e-9)


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), OWN,
                         ids=[f"{k[0]}:{k[1]}" for k in OWN])
def test_number_of_one_s_own_is_keyed_on_the_practice_variant(quiz_id, question_id, compute):
    question = load(quiz_id).question(question_id)
    assert question.variant == "student"
    practice = datasets.Variant()
    inputs = question_inputs(question, practice, quiz_id=quiz_id)
    assert question.answer == pytest.approx(compute(practice, **inputs), abs=1e-9)


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), OWN,
                         ids=[f"{k[0]}:{k[1]}" for k in OWN])
def test_instructor_key_function_computes_what_the_question_asks(quiz_id, question_id, compute):
    # On three students' variants (and their own inputs): the instructor's function agrees
    # with the computation above, and the students' keys differ.
    from crmlab.grading.variant_keys import KEYS as INSTRUCTOR
    from crmlab.grading.variant_keys import load_keys

    load_keys()
    question = load(quiz_id).question(question_id)
    keys = []
    for student in ("s01", "s02", "s03"):
        mine = datasets.Variant(token_for(b"course-secret", student))
        inputs = question_inputs(question, mine, quiz_id=quiz_id)
        key = INSTRUCTOR[(quiz_id, question_id)](mine, **inputs)
        assert key == pytest.approx(compute(mine, **inputs), abs=1e-9)
        keys.append(key)
    assert len(set(keys)) > 1  # (a payback month may coincide for two of them)

def _keyed(quiz_id, question_id):
    return {option.id for option in load(quiz_id).question(question_id).options if option.correct}


def test_classify_milk_key_is_the_classifier_s_verdict_on_the_profile_it_gives():
    # C2's Try it, part 1: the natural-milk farm S020 with a second developed farm.
    farm = datasets.load("suppliers").set_index("supplier_id").loc["S020"].to_dict()
    developed = {**farm, "n_alternatives": 2, "switching_ease": "moderate"}
    question = load("C2").question("classify-milk")
    prompt = question.prompt["en"]
    # The prompt gives all nine criteria, with S020's values.
    for words in ("strategic product", "high supply risk", f"{farm['profit_share']:.2%}",
                  "not standardised", "medium buyer power", "two alternative farms",
                  "moderate switching", "high mutual dependence",
                  f"value creation of {farm['value_creation_share']:.0%}"):
        assert words in prompt, words
    assert (farm["product_criticality"], farm["supply_risk"], farm["quality_standardised"],
            farm["buyer_power"], farm["mutual_dependence"]) == ("strategic", "high", False,
                                                                "medium", "high")
    assert _keyed("C2", "classify-milk") == {f"t{int(classify_supplier(developed).type)}"}


def test_gap_x_contacts_key_says_what_the_column_measures():
    risk = _touchpoint_risk()
    # The keyed reading: unresolved contacts x the naive gap ...
    assert risk["repeat_gap_x_contacts"].tolist() == pytest.approx(
        (risk["unresolved"] * risk["gap"].clip(lower=0)).tolist())
    # ... not lost buyers: within welcome-CSAT bands the back office's gap is smaller.
    within = _gap("welcome_csat", 180, "back")
    assert within.adjusted_gap < within.naive_gap
    assert _keyed("C4", "gap-x-contacts") == {"naive-stakes"}


def test_clear_differences_key_follows_the_intervals():
    from crmlab.contact_outcomes import risk_difference
    from crmlab.survey import nps_difference

    survey, log = datasets.load("survey"), datasets.load("interactions")
    touched = survey["customer_id"].isin(log.loc[log["touchpoint"] == "accounting",
                                                 "customer_id"])
    clear = {
        "nps-accounting": nps_difference(survey.loc[touched, "nps"],
                                         survey.loc[~touched, "nps"])["clear"],
        "delivery-accounting": risk_difference(_touchpoint_risk(), "delivery",
                                               "accounting")["clear"],
        "naive-back": _gap("everyone", 90, "back").clear,
        "within-back": _gap("welcome_csat", 90, "back").clear,
        "within-front": _gap("welcome_csat", 90, "front").clear,
    }
    options = {option.id for option in load("C4").question("clear-differences").options}
    assert options == set(clear)
    assert _keyed("C4", "clear-differences") == {key for key, is_clear in clear.items() if is_clear}
    # The option claims a direction; where it is clear, the direction must hold too.
    assert _gap("everyone", 90, "back").adjusted_gap > 0
    assert _gap("welcome_csat", 90, "back").adjusted_gap > 0


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


def test_store_gap_key_follows_the_differences_and_the_ranks():
    from crmlab.value_exchange import (
        csat_and_order_value,
        median_comparison,
        value_for_cost_difference,
    )

    table = csat_and_order_value(datasets.load("orders"), datasets.load("survey"),
                                 customers=datasets.load("customers"))
    ratio = value_for_cost_interval(table, by="preferred_channel", benefit="csat",
                                    cost="order_value", per=100)
    assert ratio.index[-1] == "store"  # the prompt: the store's ratio is again the lowest
    against = value_for_cost_difference(table, by="preferred_channel", benefit="csat",
                                        cost="order_value", against="store", per=100)
    # The keyed option: clearly below the web and field sales by the difference intervals ...
    assert set(against.index[against["clear"]]) == {"web", "field_sales"}
    # ... yet no channel's order values differ from the store's by rank.
    ranks = median_comparison(table, by="preferred_channel", value="order_value",
                              against="store")
    assert (ranks["p_value"] > 0.05).all()
    assert _keyed("L07", "store-gap") == {"tail"}
