"""Tests of crmlab.profiles: the personalised profile of a person and their purchase history."""

import pandas as pd
import pytest
from test_record_linkage import _record

from crmlab.profiles import customer_profiles, purchase_history
from crmlab.record_linkage import single_customer_view


def _profiles_fixture():
    records = [
        _record("C1", "Emil", "Valiyev", "", "+994 50 111 22 33", "Fuzuli str. 2",
                interests="Dairy;Beverages", consent_email=True),
        _record("C2", "EMIL", "VALIYEV", "", "0501112233", "Fuzuli str. 2",
                interests="Household", consent_email=False, preferred_channel="phone"),
        _record("C3", "Emil", "Valiev", "emil@x.az", "+994501112233", "Fuzuli str. 2",
                interests=None),
        _record("C9", "Ann", "Lee", "ann@x.az", "0509999999", "Bulbul str. 1")]
    customers = pd.DataFrame(records)
    orders = pd.DataFrame({
        "order_id": ["O1", "O1", "O2", "O3", "O4"], "customer_id": ["C1", "C1", "C2", "C3", "C9"],
        "order_date": pd.to_datetime(["2024-01-05"] * 2 + ["2024-02-01", "2024-06-30",
                                                           "2024-03-03"]),
        "revenue": [10.0, 5.0, 20.0, 7.5, 3.0], "margin": [2.0, 1.0, 4.0, 1.5, 0.5],
        "product_id": ["P1", "P2", "P2", "P1", "P1"]})
    products = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["Dairy", "Household"]})
    return customers, orders, products


def test_profile_gathers_the_five_kinds_of_information():
    customers, orders, products = _profiles_fixture()
    before = customers.copy(), orders.copy()
    view = single_customer_view(customers)
    profiles = customer_profiles(customers, orders, view=view, products=products)
    pd.testing.assert_frame_equal(customers, before[0])
    pd.testing.assert_frame_equal(orders, before[1])
    emil = profiles.loc["C1"]
    assert emil["records"] == "C1; C2; C3"
    assert emil["name"] == "Emil Valiyev" and emil["address"] == "Fuzuli str. 2"
    assert emil["emails"] == "emil@x.az" and emil["phones"] == "+994 50 111 22 33"
    assert emil["interests"] == "Beverages; Dairy; Household"
    assert emil["preferred_channel"] == "web"  # the latest record (C3) keeps the default
    assert (emil["orders"], emil["revenue"], emil["margin"]) == (3, 42.5, 8.5)
    assert emil["first_order"] == pd.Timestamp("2024-01-05")
    assert emil["last_order"] == pd.Timestamp("2024-06-30")
    assert emil["top_category"] == "Household"  # 25.0 against 17.5
    # A refusal in one channel holds for the person.
    assert not emil["consent_email"] and emil["consent_profiling"]
    assert profiles.loc["C9", "consent_email"]
    history = purchase_history(orders, view=view, person="C1")
    assert history.to_dict("index") == {"2024Q1": {"orders": 2, "revenue": 35.0},
                                        "2024Q2": {"orders": 1, "revenue": 7.5}}
    with pytest.raises(ValueError, match=r"^Got person='C2' instead, expected a person"):
        purchase_history(orders, view=view, person="C2")
