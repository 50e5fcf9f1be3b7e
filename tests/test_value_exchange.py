"""Tests of crmlab.value_exchange: the benefit-to-cost ratio per segment, by hand and on the
course's operationalisation (CSAT points per money paid per order)."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.value_exchange import (
    csat_and_order_value,
    csat_per_order_value,
    median_comparison,
    value_for_cost,
    value_for_cost_difference,
    value_for_cost_interval,
)


def test_value_for_cost_by_hand_and_no_mutation():
    table = pd.DataFrame({"segment": ["a", "a", "b", "b", "b"],
                          "points": [5.0, 3.0, 4.0, 2.0, None],
                          "paid": [50.0, 30.0, 10.0, 30.0, 99.0]})
    before = table.copy()
    got = value_for_cost(table, by="segment", benefit="points", cost="paid", per=10)
    pd.testing.assert_frame_equal(table, before)
    # a: 8 points for 80 paid -> 1.0 per 10; b (without the row missing points): 6 for 40 -> 1.5
    assert got.index.tolist() == ["b", "a"]
    assert got.to_dict("index") == {
        "b": {"customers": 2, "benefit": 3.0, "cost": 20.0, "value_for_cost": 1.5},
        "a": {"customers": 2, "benefit": 4.0, "cost": 40.0, "value_for_cost": 1.0}}


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "tier"}, "Got by='tier' instead, expected one of the columns 'segment', 'points', "
                     "'paid'."),
    ({"per": 0}, "Got per=0 instead, expected a finite number > 0."),
])
def test_value_for_cost_errors(kwargs, message):
    table = pd.DataFrame({"segment": ["a"], "points": [5.0], "paid": [50.0]})
    with pytest.raises(ValueError) as err:
        value_for_cost(table, **{"by": "segment", "benefit": "points", "cost": "paid", **kwargs})
    assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        value_for_cost(table.assign(paid=-1.0), by="segment", benefit="points", cost="paid")
    assert str(err.value) == "Got paid=-1.0 at row 0 instead, expected a number >= 0."


def _orders_and_survey():
    orders = pd.DataFrame({"order_id": [1, 1, 2, 3, 4], "customer_id": ["x", "x", "x", "y", "z"],
                           "revenue": [30.0, 10.0, 60.0, 20.0, 5.0]})
    survey = pd.DataFrame({"customer_id": ["x", "x", "y", "w"], "csat": [1, 4, 2, 5],
                           "survey_date": pd.to_datetime(["2024-01-01", "2024-06-01",
                                                          "2024-01-01", "2024-01-01"])})
    return orders, survey


def test_csat_per_order_value_by_hand():
    orders, survey = _orders_and_survey()
    segments = pd.Series({"x": "web", "y": "web", "z": "store"})
    got = csat_per_order_value(orders, survey, segments=segments)
    # x: latest CSAT 4, 100 over 2 orders = 50; y: 2, 20; z and w are not both in the data.
    assert got.to_dict("index") == {
        "web": {"customers": 2, "benefit": 3.0, "cost": 35.0,
                "value_for_cost": pytest.approx(6 / 70 * 100)}}


def test_on_the_course_data_every_segment_has_a_positive_ratio():
    customers = datasets.load("customers").set_index("customer_id")
    got = csat_per_order_value(datasets.load("orders"), datasets.load("survey"),
                               segments=customers["acquisition_channel"])
    assert (got["value_for_cost"] > 0).all() and got["value_for_cost"].is_monotonic_decreasing
    assert got["customers"].sum() <= datasets.load("survey")["customer_id"].nunique()


def test_value_for_cost_interval_by_hand_and_no_mutation():
    table = pd.DataFrame({"segment": ["a", "a", "a", "b"], "points": [5.0, 3.0, 4.0, 2.0],
                          "paid": [40.0, 40.0, 40.0, 10.0]})
    before = table.copy()
    got = value_for_cost_interval(table, by="segment", benefit="points", cost="paid", per=100,
                                  confidence=0.95)
    pd.testing.assert_frame_equal(table, before)
    # a: R = 0.1; residuals 5-4, 3-4, 4-4 have sd 1; se = 1 / (sqrt(3) 40); z = 1.959964
    half = 1.959964 * 1 / (3 ** 0.5 * 40) * 100
    assert got.loc["a", "ci_low"] == pytest.approx(10 - half, rel=1e-6)
    assert got.loc["a", "ci_high"] == pytest.approx(10 + half, rel=1e-6)
    assert got.loc["b"].isna()[["ci_low", "ci_high"]].all()  # one customer: no interval
    plain = value_for_cost(table, by="segment", benefit="points", cost="paid", per=100)
    pd.testing.assert_frame_equal(got.drop(columns=["ci_low", "ci_high"]), plain)


@pytest.mark.parametrize("confidence", [0, 1, 1.5])
def test_value_for_cost_interval_rejects_a_bad_confidence(confidence):
    table = pd.DataFrame({"segment": ["a", "a"], "points": [5.0, 3.0], "paid": [40.0, 30.0]})
    with pytest.raises(ValueError, match=rf"^Got confidence={confidence!r} instead"):
        value_for_cost_interval(table, by="segment", benefit="points", cost="paid",
                                confidence=confidence)


def test_csat_and_order_value_is_the_table_behind_the_ratio():
    orders, survey = datasets.load("orders"), datasets.load("survey")
    table = csat_and_order_value(orders, survey)
    assert table.index.is_unique and table.columns.tolist() == ["csat", "order_value"]
    customers = datasets.load("customers").set_index("customer_id")
    by_hand = value_for_cost(table.join(customers["acquisition_channel"]), by="acquisition_channel",
                             benefit="csat", cost="order_value", per=100)
    got = csat_per_order_value(orders, survey, segments=customers["acquisition_channel"])
    pd.testing.assert_frame_equal(got, by_hand.rename_axis("segment"))


def test_csat_and_order_value_with_the_customers_columns_by_hand_and_no_mutation():
    orders, survey = _orders_and_survey()
    customers = pd.DataFrame({"customer_id": ["z", "x", "w"], "city": ["Ganja", "Baku", "Quba"],
                              "preferred_channel": ["web", "store", "email"]})
    before = orders.copy(), survey.copy(), customers.copy()
    got = csat_and_order_value(orders, survey, customers=customers)
    for table, copy in zip((orders, survey, customers), before):
        pd.testing.assert_frame_equal(table, copy)
    # The rows are the table's own (x and y answered and ordered: z and w add none); y is not
    # in the customers table, so its columns are left empty.
    plain = csat_and_order_value(orders, survey)
    pd.testing.assert_frame_equal(got[["csat", "order_value"]], plain)
    assert got.columns.tolist() == ["csat", "order_value", "city", "preferred_channel"]
    assert got.loc["x"].tolist() == [4, 50.0, "Baku", "store"]
    assert got.loc["y", ["city", "preferred_channel"]].isna().all()


@pytest.mark.parametrize("customers, message", [
    (pd.DataFrame({"id": ["x"], "city": ["Baku"]}),
     "Got customers without the column 'customer_id' instead, expected the columns "
     "'customer_id'."),
    (pd.DataFrame({"customer_id": ["x", "y", "x"], "city": ["Baku", "Quba", "Baku"]}),
     "Got customer_id='x' instead, expected one row per customer (it appears twice)."),
    (pd.DataFrame({"customer_id": ["x"], "order_value": [9.0]}),
     "Got customers with the column 'order_value' instead, expected no column named 'csat' or "
     "'order_value'."),
])
def test_csat_and_order_value_names_a_bad_customers_table(customers, message):
    with pytest.raises(ValueError) as err:
        csat_and_order_value(*_orders_and_survey(), customers=customers)
    assert str(err.value) == message


def test_overlapping_intervals_can_hide_a_clear_difference():
    # Two segments of 200 customers each: ratios 1.0 and 1.2 per unit, se about 0.06 each.
    import numpy as np

    rng = np.random.default_rng(0)
    cost = rng.uniform(5, 15, 400)
    benefit = np.r_[cost[:200] * 1.0, cost[200:] * 1.2] + rng.normal(0, 6, 400)
    table = pd.DataFrame({"segment": ["a"] * 200 + ["b"] * 200, "points": benefit,
                          "paid": cost})
    before = table.copy()
    own = value_for_cost_interval(table, by="segment", benefit="points", cost="paid")
    assert own.loc["a", "ci_high"] > own.loc["b", "ci_low"]  # the two intervals overlap ...
    got = value_for_cost_difference(table, by="segment", benefit="points", cost="paid",
                                    against="a")
    assert got.loc["b", "clear"] and got.loc["b", "ci_low"] > 0  # ... yet b is clearly above
    pd.testing.assert_frame_equal(table, before)
    se = {s: (own.loc[s, "ci_high"] - own.loc[s, "value_for_cost"]) / 1.959964 for s in "ab"}
    half = 1.959964 * (se["a"] ** 2 + se["b"] ** 2) ** 0.5
    assert got.loc["b", "ci_low"] == pytest.approx(got.loc["b", "difference"] - half)


def test_value_for_cost_difference_names_a_bad_segment():
    table = pd.DataFrame({"segment": ["a", "a", "b", "b"], "points": [5.0, 3.0, 4.0, 2.0],
                          "paid": [40.0, 40.0, 10.0, 20.0]})
    with pytest.raises(ValueError) as err:
        value_for_cost_difference(table, by="segment", benefit="points", cost="paid",
                                  against="c")
    assert str(err.value) == "Got against='c' instead, expected one of 'a', 'b'."


def test_median_comparison_by_rank_ignores_the_size_of_the_largest_values():
    table = pd.DataFrame({"segment": ["a"] * 5 + ["b"] * 5,
                          "value": [10.0, 11.0, 12.0, 13.0, 14.0, 10.5, 11.5, 12.5, 13.5, 14.5]})
    before = table.copy()
    got = median_comparison(table, by="segment", value="value", against="a")
    pd.testing.assert_frame_equal(table, before)
    huge = table.assign(value=table["value"].where(table.index != 9, 10_000.0))
    # The largest value grows a thousandfold: the mean of b explodes, its ranks do not move.
    assert median_comparison(huge, by="segment", value="value", against="a").equals(got)
    assert got.loc["b", ["customers", "median", "median_against"]].tolist() == [5, 12.5, 12.0]
    with pytest.raises(ValueError) as err:
        median_comparison(table, by="segment", value="value", against="z")
    assert str(err.value) == "Got against='z' instead, expected one of 'a', 'b'."


def test_on_the_course_data_the_store_gap_is_the_tail():
    table = csat_and_order_value(datasets.load("orders"), datasets.load("survey"),
                                 customers=datasets.load("customers"))
    against = value_for_cost_difference(table, by="acquisition_channel", benefit="csat",
                                        cost="order_value", against="store", per=100)
    assert set(against.index[against["clear"]]) == {"web", "field_sales"}
    ranks = median_comparison(table, by="acquisition_channel", value="order_value",
                              against="store")
    assert (ranks["p_value"] > 0.05).all()
