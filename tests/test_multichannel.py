"""Tests of crmlab.multichannel: profit per customer by the number of channels used."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.multichannel import profit_by_channel_count


def test_by_hand_and_no_mutation():
    orders = pd.DataFrame({
        "order_id": [1, 1, 2, 3, 4, 5, 6],
        "customer_id": ["a", "a", "a", "b", "c", "c", "c"],
        "channel": ["web", "web", "store", "web", "phone", "web", "store"],
        "margin": [4.0, 6.0, 30.0, 5.0, 7.0, 8.0, 15.0]})
    before = orders.copy()
    got = profit_by_channel_count(orders)
    pd.testing.assert_frame_equal(orders, before)
    # a: 2 channels, 2 orders, 40; b: 1 channel, 1 order, 5; c: 3 channels, 3 orders, 30.
    assert got.index.tolist() == [1, 2, 3]
    assert got["customers"].tolist() == [1, 1, 1]
    assert got["profit_per_customer"].tolist() == [5.0, 40.0, 30.0]
    assert got["profit_per_order"].tolist() == [5.0, 20.0, 10.0]
    assert got["profit_share"].sum() == pytest.approx(1.0)
    assert profit_by_channel_count(orders, value="margin", channel="customer_id")[
        "customers"].to_dict() == {1: 3}


def test_on_the_course_data_every_customer_is_counted_once():
    orders = datasets.load("orders")
    got = profit_by_channel_count(orders)
    assert got["customers"].sum() == orders["customer_id"].nunique()
    assert got["profit_share"].sum() == pytest.approx(1.0)


def test_errors():
    with pytest.raises(ValueError, match=r"^Got value='profit' instead, expected one of the "):
        profit_by_channel_count(datasets.load("orders").head(), value="profit")


def test_profit_per_order_interval_by_hand_and_no_mutation():
    from crmlab.multichannel import profit_per_order_interval

    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6, 7],
        "customer_id": ["a", "a", "b", "c", "c", "d", "e"],
        "channel": ["web", "store", "web", "web", "phone", "store", "store"],
        "margin": [10.0, 6.0, 5.0, 7.0, 11.0, 4.0, 8.0]})
    before = orders.copy()
    got = profit_per_order_interval(orders)
    pd.testing.assert_frame_equal(orders, before)
    # Two channels: a (16 on 2 orders) and c (18 on 2): R = 34 / 4; residuals -1 and +1.
    two = got.loc[2]
    assert two["profit_per_order"] == 8.5 and two["orders"] == 4
    se = (2 ** 0.5) / (2 ** 0.5 * 2)
    assert two["ci_low"] == pytest.approx(8.5 - 1.959964 * se, abs=1e-6)
    # The interval of a group of one customer is unknown, not zero.
    single = profit_per_order_interval(orders[orders["customer_id"] == "b"])
    assert single["ci_low"].isna().all()
    with pytest.raises(ValueError, match=r"^Got confidence=1\.5 instead"):
        profit_per_order_interval(orders, confidence=1.5)


def test_on_the_course_people_profit_per_order_shows_no_trend_within_the_noise():
    from crmlab.multichannel import profit_per_order_interval
    from crmlab.record_linkage import orders_with_person

    by_person = orders_with_person(datasets.load("orders"), datasets.load("customers"))
    got = profit_per_order_interval(by_person, customer_id="person")
    assert got.index.tolist() == [1, 2, 3, 4]
    # The point estimates do not rise with the channels (the generator builds no link) ...
    assert not got["profit_per_order"].is_monotonic_increasing
    # ... and no group differs from the people of one channel by the interval of the difference.
    from crmlab.multichannel import profit_per_order_difference

    differences = profit_per_order_difference(by_person, customer_id="person")
    assert differences.index.tolist() == [2, 3, 4] and not differences["clear"].any()


def test_profit_per_order_difference_by_hand_and_no_mutation():
    from crmlab.multichannel import profit_per_order_difference, profit_per_order_interval

    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "customer_id": ["a", "a", "b", "c", "c", "d", "e", "e"],
        "channel": ["web", "store", "web", "web", "phone", "store", "store", "store"],
        "margin": [10.0, 6.0, 5.0, 7.0, 11.0, 4.0, 8.0, 6.0]})
    before = orders.copy()
    got = profit_per_order_difference(orders, against=1)
    pd.testing.assert_frame_equal(orders, before)
    groups = profit_per_order_interval(orders)
    se = {k: (groups.loc[k, "ci_high"] - groups.loc[k, "profit_per_order"]) / 1.959964
          for k in (1, 2)}
    row = got.loc[2]
    assert row["difference"] == pytest.approx(groups.loc[2, "profit_per_order"]
                                              - groups.loc[1, "profit_per_order"])
    half = 1.959964 * (se[1] ** 2 + se[2] ** 2) ** 0.5
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (row["difference"] - half, row["difference"] + half), abs=1e-6)
    assert row["clear"] == (row["ci_low"] > 0 or row["ci_high"] < 0)
    with pytest.raises(ValueError) as err:
        profit_per_order_difference(orders, against=5)
    assert str(err.value) == "Got against=5 instead, expected one of 1, 2."
