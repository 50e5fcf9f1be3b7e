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
