"""crmlab.crm_selection against hand-computed cases, and every invalid input."""

import math

import numpy as np
import pandas as pd
import pytest

from crmlab import taxonomy
from crmlab.crm_selection import (
    SIEBEL_MODULE_NEEDS,
    course_company_needs,
    cumulative_cash_flow,
    needs_matrix,
    normalise_weights,
    payback_period,
    phased_benefits,
    rollout_order,
    sensitivity,
    weighted_scores,
)

SCORES = pd.DataFrame({"sfa": [5, 3, 4], "analytics": [2, 5, 3], "price": [3, 2, 5]},
                      index=["Siebel", "SalesLogix", "Terrasoft"])
WEIGHTS = {"sfa": 0.5, "analytics": 0.3, "price": 0.2}


def test_weighted_scores_by_hand():
    # Siebel 5*.5+2*.3+3*.2 = 3.7; SalesLogix 1.5+1.5+.4 = 3.4; Terrasoft 2+.9+1 = 3.9
    result = weighted_scores(SCORES, WEIGHTS)
    assert result.index.tolist() == ["Terrasoft", "Siebel", "SalesLogix"]
    assert result.round(6).tolist() == [3.9, 3.7, 3.4]


def test_weights_are_normalised_and_inputs_untouched():
    before_scores, before_weights = SCORES.copy(), dict(WEIGHTS)
    doubled = {k: v * 2 for k, v in WEIGHTS.items()}
    pd.testing.assert_series_equal(weighted_scores(SCORES, doubled), weighted_scores(SCORES, WEIGHTS))
    pd.testing.assert_frame_equal(SCORES, before_scores)
    assert WEIGHTS == before_weights


def test_sensitivity_by_hand():
    # Raising price's weight by d (others rescaled by (0.8 - d)/0.8):
    # Terrasoft - Siebel = (-1*.5 + 1*.3)(0.8-d)/0.8 + 2(.2+d) = -0.2(0.8-d)/0.8 + 0.4 + 2d
    # = 0.2 + 2.25 d -> Siebel wins when d < -0.2/2.25 = -0.0889
    table = sensitivity(SCORES, WEIGHTS).set_index("requirement")
    assert table.loc["price", "change"] == pytest.approx(-0.2 / 2.25, abs=1e-6)
    assert table.loc["price", "new_winner"] == "Siebel"
    # Raising sfa's weight by d: margin = -1(.5+d) + (.3*1 + .2*2)(.5-d)/.5
    # = -0.5 - d + 0.7 - 1.4 d = 0.2 - 2.4 d -> d = 0.0833
    assert table.loc["sfa", "change"] == pytest.approx(0.2 / 2.4, abs=1e-6)
    smallest = sensitivity(SCORES, WEIGHTS).iloc[0]
    assert smallest["requirement"] == "sfa"


def test_sensitivity_when_nothing_changes_the_winner():
    dominant = pd.DataFrame({"a": [5, 1], "b": [5, 1]}, index=["X", "Y"])
    table = sensitivity(dominant, {"a": 1, "b": 1})
    assert table["change"].isna().all() and (table["new_winner"] == "").all()


def test_payback_by_hand():
    assert payback_period(10_000, [1_000] * 12) == 10
    assert payback_period(10_000, [2_500] * 12) == 4
    assert payback_period(10_000, [1_000] * 9) is None
    # 12% a year, discounted monthly as (1.12)^(-m/12): ten months give 9_459 < 10_000,
    # eleven give 10_404 >= 10_000
    flows = [1_000 * 1.12 ** (-m / 12) for m in range(1, 13)]
    assert sum(flows[:10]) < 10_000 <= sum(flows[:11])
    assert payback_period(10_000, [1_000] * 12, annual_rate=0.12) == 11
    series = cumulative_cash_flow(1_000, [400, 400, 400])
    assert series.tolist() == [-1000.0, -600.0, -200.0, 200.0]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: normalise_weights({"a": -1, "b": 1}),
     "Got weight=-1 at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": math.nan}),
     "Got weight=nan at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": "high"}),
     "Got weight='high' at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": 0, "b": 0}),
     "Got weights={'a': 0, 'b': 0} instead, expected at least one requirement with a weight > 0."),
    (lambda: weighted_scores(SCORES, {"sfa": 1, "mobile": 1}),
     "Got scores without the column 'mobile' instead, expected the columns 'sfa', 'mobile'."),
    (lambda: weighted_scores(SCORES.assign(price=[3, np.nan, 5]), WEIGHTS),
     "Got price=nan at candidate 'SalesLogix' instead, expected a number."),
    (lambda: payback_period(0, [1]), "Got investment=0 instead, expected a finite amount > 0."),
    (lambda: payback_period(100, [1], annual_rate=-0.1),
     "Got annual_rate=-0.1 instead, expected a finite rate >= 0."),
    (lambda: payback_period(100, []),
     "Got monthly_benefits=[] instead, expected at least one month's benefit."),
    (lambda: payback_period(100, [5, None]),
     "Got monthly_benefits=None at month 2 instead, expected a number."),
])
def test_invalid_inputs(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


def test_rollout_order_by_hand_with_a_tie_and_no_mutation():
    needs = pd.Series({"contacts": 30, "orders": 30, "offers": 10, "staff": 0})
    meets = {"a": ("offers",), "b": ("contacts",), "c": ("orders",), "d": ("orders", "offers"),
             "e": ()}
    before = needs.copy()
    got = rollout_order(needs, meets)
    pd.testing.assert_series_equal(needs, before)
    # d meets 40; then b and c would both add 30: b is listed first; then a adds nothing
    # (offers met by d), so it follows in the order of meets, before e
    assert got["module"].tolist() == ["d", "b", "a", "c", "e"]
    assert got["weight_added"].tolist() == [40, 30, 0, 0, 0]
    assert got["share_met"].tolist() == pytest.approx([40 / 70, 1, 1, 1, 1])
    assert got.loc[1, "newly_met"] == "orders; offers"


def test_rollout_order_puts_modules_adding_nothing_last():
    got = rollout_order({"x": 1, "y": 5}, {"none": (), "small": ("x",), "big": ("y",)})
    assert got["module"].tolist() == ["big", "small", "none"]


@pytest.mark.parametrize("needs, meets, message", [
    ({"x": 1}, {"m": ("z",)}, "Got need='z' for module 'm' instead, expected one of 'x'."),
    ({"x": -1}, {"m": ("x",)}, "Got need weight=-1 at need 'x' instead, expected a number >= 0."),
    ({"x": 0}, {"m": ("x",)}, "Got needs={'x': 0.0} instead, expected at least one need with a "
                              "weight > 0."),
])
def test_rollout_order_errors(needs, meets, message):
    with pytest.raises(ValueError) as err:
        rollout_order(needs, meets)
    assert str(err.value) == message


def test_siebel_module_needs_lists_the_source_modules():
    assert list(SIEBEL_MODULE_NEEDS) == taxonomy.table("siebel_modules")["module"].tolist()


def test_course_company_needs_by_hand():
    orders = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3", "o4"],
                           "customer_id": ["a", "a", "b", "a", "c"],
                           "order_date": pd.to_datetime(["2024-01-05"] * 3 + ["2024-03-01",
                                                                              "2023-12-31"]),
                           "channel": ["web", "web", "phone", "field_sales", "phone"]})
    interactions = pd.DataFrame({"interaction_date": pd.to_datetime(
        ["2024-02-01", "2024-02-02", "2023-05-05"]), "offer": ["WEB10", "", "LOYAL5"]})
    purchases = pd.DataFrame({"purchase_date": pd.to_datetime(["2024-01-31", "2022-01-31"])})
    got = course_company_needs(orders, interactions, purchases, year=2024)["cases"].to_dict()
    assert got == {"process orders": 3, "answer customer contacts": 2,
                   "support the salespeople": 2, "rank customers by value": 2,
                   "target offers": 1, "coordinate suppliers": 1}
    with pytest.raises(ValueError) as err:
        course_company_needs(orders, interactions, purchases, year=1999)
    assert str(err.value) == ("Got year=1999 instead, expected a year with orders, contacts or "
                              "invoices in the data.")


def test_phased_benefits_by_hand_and_errors():
    plan = pd.DataFrame({"live from month": [1, 5, 9], "monthly benefit": [6, 4, 5]})
    before = plan.copy()
    assert phased_benefits(plan, months=10) == [6] * 4 + [10] * 4 + [15] * 2
    pd.testing.assert_frame_equal(plan, before)
    assert phased_benefits(plan.assign(**{"monthly benefit": [0.5, 0, 0]}), months=1) == [0.5]
    with pytest.raises(ValueError) as err:
        phased_benefits(plan, months=0)
    assert str(err.value) == "Got months=0 instead, expected a whole number >= 1."
    with pytest.raises(ValueError) as err:
        phased_benefits(plan, start="from")
    assert str(err.value) == ("Got start='from' instead, expected one of the columns "
                              "'live from month', 'monthly benefit'.")


def test_needs_matrix_marks_each_module_need_and_rejects_an_unknown_need():
    got = needs_matrix(pd.Series({"a": 3, "b": 1}), {"m": ("b",), "n": ("a", "b")})
    assert got.to_dict("index") == {"a": {"m": "", "n": "x"}, "b": {"m": "x", "n": "x"}}
    with pytest.raises(ValueError) as err:
        needs_matrix(["a"], {"m": ("z",)})
    assert str(err.value) == "Got need='z' for module 'm' instead, expected one of 'a'."
