"""Tests of crmlab.channels: consistency flags, touchpoint map, touchpoint risk, missing columns."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.channels import (
    channel_consistency,
    csat_after_contacts,
    touched_comparison,
    touchpoint_map,
    touchpoint_risk,
)


def _log():
    return pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c"],
        "channel": ["web", "store", "web", "web", "phone"],
        "touchpoint": ["website", "shop", "website", "website", "call_centre"],
        "office": ["front"] * 5,
        "response_hours": [2.0, 10.0, 1.0, 3.0, 4.0],
        "offer": ["X", "Y", "", "Z", None],
        "price_index": [1.0, 0.95, 1.0, 1.0, 1.01],
        "resolved": [True] * 5,
    })


def test_consistency_flags_and_no_mutation():
    log = _log()
    before = log.copy()
    out = channel_consistency(log)
    pd.testing.assert_frame_equal(log, before)
    assert list(out.index) == ["a", "c"]
    assert out.loc["a", ["price_conflict", "offer_conflict", "slow_channel"]].tolist() == [
        True, True, True]
    assert bool(out.loc["c", "consistent"])


def test_missing_column():
    with pytest.raises(ValueError, match=r"^The interactions table lacks the column 'offer'\.$"):
        channel_consistency(_log().drop(columns="offer"))


def test_touchpoint_map_has_back_office_on_course_data():
    tp = touchpoint_map(datasets.load("interactions"))
    back = set(tp.index[tp["office"] == "back"])
    assert {"after_sales", "accounting"} <= back
    assert "shop" in tp.index
    assert tp["contacts"].sum() == len(datasets.load("interactions"))


def _contacts():
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "interaction_date": pd.to_datetime(["2024-01-01"] * 4 + ["2024-02-01", "2024-11-20"]),
        "touchpoint": ["accounting"] * 4 + ["shop", "shop"],
        "office": ["back"] * 4 + ["front", "front"],
        "resolved": [True, True, False, False, True, False]})


def _orders():
    return pd.DataFrame({
        "order_id": ["1", "2", "3", "4", "5", "6"],
        "customer_id": ["a", "b", "c", "a", "e", "f"],
        "order_date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-12-01", "2024-12-30",
                                      "2024-02-02", "2024-11-25"])})


def test_touchpoint_risk_by_hand():
    contacts, orders = _contacts(), _orders()
    before = contacts.copy(), orders.copy()
    risk = touchpoint_risk(contacts, orders, window_days=90)
    pd.testing.assert_frame_equal(contacts, before[0])
    pd.testing.assert_frame_equal(orders, before[1])
    # f's contact (2024-11-20) is less than 90 days before the end (2024-12-31): left out.
    assert risk.index.tolist() == ["accounting", "shop"]
    acc = risk.loc["accounting"]
    assert (acc["contacts"], acc["unresolved"]) == (4, 2)
    assert (acc["repeat_if_resolved"], acc["repeat_if_unresolved"], acc["gap"]) == (1.0, 0.0, 1.0)
    assert acc["repeat_buyers_lost"] == 2.0
    shop = risk.loc["shop"]
    assert (shop["contacts"], shop["unresolved"], shop["repeat_if_resolved"]) == (1, 0, 1.0)
    assert pd.isna(shop["repeat_if_unresolved"]) and shop["repeat_buyers_lost"] == 0.0
    # A longer window reaches c's order of 2024-12-01 (335 days after the contact).
    longer = touchpoint_risk(contacts, orders, window_days=340)
    assert longer.loc["accounting", "repeat_if_unresolved"] == 0.5


@pytest.mark.parametrize("kwargs, message", [
    ({"window_days": 0}, "Got window_days=0 instead, expected a whole number >= 1."),
    ({"window_days": 400}, "Got window_days=400 instead, expected a window that leaves at least "
                           "one contact with a full window before the end of the data."),
])
def test_touchpoint_risk_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        touchpoint_risk(_contacts(), _orders(), **kwargs)
    assert str(err.value) == message
    with pytest.raises(ValueError, match="The orders table lacks the column 'order_date'."):
        touchpoint_risk(_contacts(), _orders().rename(columns={"order_date": "day"}))


def test_accounting_is_the_riskiest_touchpoint_of_the_course_company():
    risk = touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))
    assert risk.index[0] == "accounting"
    assert risk.loc["accounting", "office"] == "back"
    assert (risk["repeat_buyers_lost"] >= 0).all()


def test_risk_per_contact_times_contacts_is_the_loss():
    risk = touchpoint_risk(_contacts(), _orders(), window_days=90)
    assert risk.loc["accounting", "risk_per_contact"] == 0.5  # 2 of 4 unresolved x gap 1.0
    assert (risk["contacts"] * risk["risk_per_contact"]).tolist() == \
        risk["repeat_buyers_lost"].tolist()


def _survey():
    return pd.DataFrame({"response_id": ["r1", "r2", "r3", "r4"],
                         "customer_id": ["a", "c", "e", "f"],
                         "survey_date": pd.to_datetime(["2024-03-01"] * 4),
                         "csat": [5, 2, 4, 3], "nps": [10, 2, 9, 7]})


def test_touched_comparison_by_hand():
    got = touched_comparison(_contacts(), _orders(), _survey(), touchpoint="accounting")
    # Touched: a, b, c, d; buyers a (2 orders), b, c (1 each); respondents a (5, 10), c (2, 2).
    assert got.loc["touched"].to_dict() == {"customers": 3, "repeat_rate": pytest.approx(1 / 3),
                                            "respondents": 2, "csat_mean": 3.5, "nps": 0.0}
    # Not touched: e, f, one order each; respondents e (4, 9), f (3, 7).
    assert got.loc["not touched"].to_dict() == {"customers": 2, "repeat_rate": 0.0,
                                                "respondents": 2, "csat_mean": 3.5, "nps": 50.0}
    by_office = touched_comparison(_contacts(), _orders(), _survey(), office="front")
    assert by_office.loc["touched", "customers"] == 2


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Got touchpoint=None, office=None instead, expected exactly one of them."),
    ({"touchpoint": "shop", "office": "front"},
     "Got touchpoint='shop', office='front' instead, expected exactly one of them."),
    ({"touchpoint": "acounting"},
     "Got touchpoint='acounting' instead, expected one of ['accounting', 'shop']."),
])
def test_touched_comparison_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        touched_comparison(_contacts(), _orders(), _survey(), **kwargs)
    assert str(err.value) == message


def test_csat_after_contacts_counts_only_contacts_before_the_answer():
    got = csat_after_contacts(_survey(), _contacts())
    # a (resolved, 5) and c (unresolved, 2) answered after their accounting contacts; e's shop
    # contact was resolved (4); f's came after the survey and is left out.
    assert got.loc["accounting"].tolist() == [5.0, 2.0, 1, 1]
    assert got.loc["shop", "csat_resolved"] == 4.0 and got.loc["shop", "n_unresolved"] == 0
    with pytest.raises(ValueError, match="The survey table lacks the column 'csat'."):
        csat_after_contacts(_survey().drop(columns="csat"), _contacts())
