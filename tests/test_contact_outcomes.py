"""Tests of crmlab.contact_outcomes: the naive gap per touchpoint, the survey as a control, and the
gap within strata of a confounder, on hand-made and on simulated data with a known effect."""

import numpy as np
import pandas as pd
import pytest

from crmlab import datasets
from crmlab.contact_outcomes import (
    csat_after_contacts,
    repeat_gap_within_strata,
    risk_difference,
    touched_comparison,
    touchpoint_risk,
    welcome_contacts,
)


def _contacts():
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "interaction_date": pd.to_datetime(["2024-01-01"] * 4 + ["2024-02-01", "2024-11-20"]),
        "touchpoint": ["accounting"] * 4 + ["website", "website"],
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
    # f's contact (2024-11-20) has no full 90-day window before the end (2024-12-31): left out.
    assert risk.index.tolist() == ["accounting", "website"]
    acc = risk.loc["accounting"]
    assert (acc["office"], acc["contacts"], acc["unresolved"]) == ("back", 4, 2)
    assert (acc["repeat_if_resolved"], acc["repeat_if_unresolved"], acc["gap"]) == (1.0, 0.0, 1.0)
    assert acc["risk_per_contact"] == 0.5  # 2 of 4 unresolved x gap 1.0
    assert acc["repeat_gap_x_contacts"] == 2.0
    web = risk.loc["website"]
    assert (web["office"], web["contacts"], web["unresolved"]) == ("front", 1, 0)
    assert pd.isna(web["repeat_if_unresolved"]) and web["repeat_gap_x_contacts"] == 0.0
    assert (risk["contacts"] * risk["risk_per_contact"]).tolist() == \
        risk["repeat_gap_x_contacts"].tolist()
    # A longer window reaches c's order of 2024-12-01 (335 days after the contact).
    longer = touchpoint_risk(contacts, orders, window_days=340)
    assert longer.loc["accounting", "repeat_if_unresolved"] == 0.5


@pytest.mark.parametrize("kwargs, message", [
    ({"window_days": 0}, "Got window_days=0 instead, expected a whole number of days >= 1."),
    ({"window_days": 400}, "Got window_days=400 instead, expected a window that leaves at least "
                           "one contact with a full window before the end of the data."),
])
def test_touchpoint_risk_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        touchpoint_risk(_contacts(), _orders(), **kwargs)
    assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        touchpoint_risk(_contacts(), _orders().rename(columns={"order_date": "day"}))
    assert str(err.value) == ("Got orders without the column 'order_date' instead, expected the "
                              "columns 'customer_id', 'order_date'.")


def test_accounting_has_the_largest_naive_gap_x_contacts_of_the_course_company():
    risk = touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))
    assert risk.index[0] == "accounting" and risk.loc["accounting", "office"] == "back"
    assert (risk["repeat_gap_x_contacts"] >= 0).all()



def _risk():
    return pd.DataFrame({"office": ["back", "back", "front"], "contacts": [400, 100, 50],
                         "unresolved": [100, 50, 0], "repeat_if_resolved": [0.5, 0.6, 0.4],
                         "repeat_if_unresolved": [0.3, 0.1, np.nan]},
                        index=["accounting", "shop", "website"])


def test_risk_difference_by_hand_and_no_mutation():
    risk = _risk()
    before = risk.copy()
    got = risk_difference(risk, "accounting", "shop")
    pd.testing.assert_frame_equal(risk, before)
    # accounting: q = 0.25, g = 0.2; shop: q = 0.5, g = 0.5.
    var_a = 0.2 ** 2 * 0.25 * 0.75 / 400 + 0.25 ** 2 * (0.25 / 300 + 0.21 / 100)
    var_b = 0.5 ** 2 * 0.25 / 100 + 0.5 ** 2 * (0.24 / 50 + 0.09 / 50)
    se = (var_a + var_b) ** 0.5
    assert (got["value_a"], got["value_b"]) == pytest.approx((0.05, 0.25))
    assert got["difference"] == pytest.approx(-0.2) and got["se"] == pytest.approx(se)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((-0.2 - 1.959964 * se,
                                                             -0.2 + 1.959964 * se))
    assert got["clear"] == (got["ci_high"] < 0)
    # Weighted by the contacts: the counts are exact, so value and error scale with them.
    total = risk_difference(risk, "accounting", "shop", column="repeat_gap_x_contacts")
    assert (total["value_a"], total["value_b"]) == pytest.approx((20.0, 25.0))
    assert total["se"] == pytest.approx((400 ** 2 * var_a + 100 ** 2 * var_b) ** 0.5)
    assert risk_difference(risk, "shop", "accounting")["difference"] == pytest.approx(0.2)


@pytest.mark.parametrize("args, kwargs, message", [
    (("accounting", "lobby"), {}, "Got b='lobby' instead, expected one of 'accounting', 'shop', "
                                  "'website'."),
    (("website", "shop"), {}, "Got a='website' instead, expected a touchpoint with both "
                              "resolved and unresolved contacts in the risk table."),
    (("accounting", "shop"), {"column": "gap"},
     "Got column='gap' instead, expected one of 'risk_per_contact', 'repeat_gap_x_contacts'."),
    (("accounting", "shop"), {"confidence": 1}, "Got confidence=1 instead, expected a rate in "
                                                "(0, 1)."),
])
def test_risk_difference_errors(args, kwargs, message):
    with pytest.raises(ValueError) as err:
        risk_difference(_risk(), *args, **kwargs)
    assert str(err.value) == message


def test_risk_per_contact_of_the_back_office_touchpoints_cannot_be_ranked():
    # The generator builds the same leaving effect into every back-office touchpoint: the
    # differences of their risk per contact are noise, and the interval says so.
    risk = touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))
    back = risk.index[risk["office"] == "back"]
    top = risk.loc[back, "risk_per_contact"].idxmax()
    assert not any(risk_difference(risk, top, other)["clear"] for other in back if other != top)


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
    assert by_office.loc["touched", "customers"] == 2  # the website: e and f


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Got touchpoint, office=(None, None) instead, expected exactly one of them."),
    ({"touchpoint": "shop", "office": "front"},
     "Got touchpoint, office=('shop', 'front') instead, expected exactly one of them."),
    ({"touchpoint": "acounting"},
     "Got touchpoint='acounting' instead, expected one of 'accounting', 'website'."),
    ({"office": "middle"}, "Got office='middle' instead, expected one of 'front', 'back'."),
])
def test_touched_comparison_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        touched_comparison(_contacts(), _orders(), _survey(), **kwargs)
    assert str(err.value) == message


def test_csat_after_contacts_counts_only_contacts_before_the_answer():
    got = csat_after_contacts(_survey(), _contacts())
    # a (resolved, 5) and c (unresolved, 2) answered after their accounting contacts; e's web
    # contact was resolved (4); f's came after the survey and is left out.
    assert got.loc["accounting"].tolist() == [5.0, 2.0, 1, 1]
    assert got.loc["website", "csat_resolved"] == 4.0 and got.loc["website", "n_unresolved"] == 0
    with pytest.raises(ValueError, match=r"^Got survey without the column 'csat' instead"):
        csat_after_contacts(_survey().drop(columns="csat"), _contacts())


def test_gap_within_strata_by_hand():
    # Two bands; in each, resolution makes a difference of +0.5 (high) and 0.0 (low).
    contacts = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(10)],
        "interaction_date": pd.to_datetime(["2024-01-01"] * 10),
        "touchpoint": ["accounting"] * 8 + ["website"] * 2,
        "resolved": [True, True, True, True, False, False, True, False, True, False],
        "band": ["high"] * 6 + ["low"] * 2 + ["high", None]})
    orders = pd.DataFrame({"customer_id": ["c0", "c1", "c2", "c3", "c4", "c8", "zz"],
                           "order_date": pd.to_datetime(["2024-02-01"] * 6 + ["2024-12-31"])})
    before = contacts.copy()
    got = repeat_gap_within_strata(contacts, orders, strata="band", window_days=90)
    pd.testing.assert_frame_equal(contacts, before)
    # high: c0-c3, c8 resolved, all bought (1.0); c4, c5 unresolved, c4 bought (0.5): gap 0.5.
    # low: c6 resolved, c7 unresolved, neither bought: gap 0.0. c9 has no band: left out.
    table = got.table
    assert table.loc["high", ["contacts", "resolved", "unresolved"]].tolist() == [7, 5, 2]
    assert table["gap"].to_dict() == {"high": 0.5, "low": 0.0}
    # By default each band weighs by its unresolved contacts (2 and 1): the effect on them.
    assert table["weight"].to_dict() == {"high": pytest.approx(2 / 3), "low": pytest.approx(1 / 3)}
    assert got.adjusted_gap == pytest.approx(0.5 * 2 / 3) and got.weights == "unresolved"
    by_contacts = repeat_gap_within_strata(contacts, orders, strata="band", window_days=90,
                                           weights="contacts")
    assert by_contacts.table["weight"].to_dict() == {"high": pytest.approx(7 / 9),
                                                     "low": pytest.approx(2 / 9)}
    assert by_contacts.adjusted_gap == pytest.approx(0.5 * 7 / 9)
    assert got.naive_gap == pytest.approx(5 / 6 - 1 / 3)  # resolved 5 of 6, unresolved 1 of 3
    assert got.ci_low < got.adjusted_gap < got.ci_high
    only_accounting = repeat_gap_within_strata(contacts, orders, strata="band", window_days=90,
                                               touchpoint="accounting")
    assert only_accounting.table["contacts"].to_dict() == {"high": 6, "low": 2}
    back = repeat_gap_within_strata(contacts, orders, strata="band", window_days=90,
                                    office="back")
    pd.testing.assert_frame_equal(back.table, only_accounting.table)


def test_a_stratum_without_both_groups_gets_no_weight():
    contacts = pd.DataFrame({
        "customer_id": list("abcd"), "interaction_date": pd.to_datetime(["2024-01-01"] * 4),
        "touchpoint": ["accounting"] * 4, "resolved": [True, False, True, True],
        "band": ["x", "x", "y", "y"]})
    orders = pd.DataFrame({"customer_id": ["a", "z"],
                           "order_date": pd.to_datetime(["2024-01-10", "2024-12-31"])})
    got = repeat_gap_within_strata(contacts, orders, strata="band", window_days=30)
    assert got.table["weight"].to_dict() == {"x": 1.0, "y": 0.0}
    assert got.adjusted_gap == 1.0 and got.naive_gap == 1.0
    with pytest.raises(ValueError) as err:
        repeat_gap_within_strata(contacts[contacts["band"] == "y"], orders, strata="band",
                                 window_days=30)
    assert str(err.value) == ("Got strata='band' instead, expected a column with at least one "
                              "stratum holding both resolved and unresolved contacts.")


def _contacts_and_orders(band, resolved, repeat):
    """One accounting contact a customer on 1 January, with its satisfaction band and whether
    it was resolved; an order on 15 February from each customer who bought again."""
    ids = np.array([f"c{i}" for i in range(len(band))])
    contacts = pd.DataFrame({"customer_id": ids, "interaction_date": pd.Timestamp("2024-01-01"),
                             "touchpoint": "accounting", "resolved": resolved,
                             "satisfaction": np.array(["low", "mid", "high"])[band]})
    orders = pd.DataFrame({"customer_id": np.append(ids[repeat], "end"),
                           "order_date": np.append(
                               np.full(repeat.sum(), np.datetime64("2024-02-15")),
                               np.datetime64("2024-12-31"))})
    return contacts, orders


def _simulated(effect, *, seed=2024, n=30_000):
    """Contacts whose resolution and repeat buying both rise with satisfaction, plus an effect
    of resolution itself of ``effect`` on the probability of buying again."""
    rng = np.random.default_rng(seed)
    band = rng.choice([0, 1, 2], size=n, p=[0.3, 0.4, 0.3])
    resolved = rng.random(n) < np.array([0.3, 0.6, 0.9])[band]
    repeat = rng.random(n) < np.array([0.15, 0.35, 0.6])[band] + effect * resolved
    return _contacts_and_orders(band, resolved, repeat)


@pytest.mark.parametrize("effect", [0.0, 0.1, -0.1])
def test_the_gap_within_strata_recovers_a_known_effect_the_naive_gap_overstates(effect):
    contacts, orders = _simulated(effect)
    got = repeat_gap_within_strata(contacts, orders, strata="satisfaction", window_days=90)
    assert got.naive_gap - effect > 0.1  # the confounding by satisfaction
    assert abs(got.adjusted_gap - effect) < 0.02
    assert got.ci_low < effect < got.ci_high
    assert got.clear == (effect != 0.0)
    assert repr(got).startswith("Repeat buying after resolved minus unresolved contacts: naive ")


def _heterogeneous(*, seed=2024, n=40_000):
    """Satisfaction bands whose resolution rates and whose effects of resolution differ: the
    effect on the unresolved contacts and the average over all contacts are not the same."""
    rng = np.random.default_rng(seed)
    band = rng.choice([0, 1, 2], size=n, p=[0.3, 0.4, 0.3])
    resolved = rng.random(n) < np.array([0.3, 0.6, 0.9])[band]
    effect = np.array([0.05, 0.1, 0.2])[band]
    repeat = rng.random(n) < np.array([0.15, 0.35, 0.5])[band] + effect * resolved
    contacts, orders = _contacts_and_orders(band, resolved, repeat)
    unresolved = np.array([0.3 * 0.7, 0.4 * 0.4, 0.3 * 0.1])
    on_unresolved = float((unresolved * [0.05, 0.1, 0.2]).sum() / unresolved.sum())
    over_all = float(np.dot([0.3, 0.4, 0.3], [0.05, 0.1, 0.2]))
    return contacts, orders, on_unresolved, over_all


def test_the_weights_choose_which_effect_is_estimated():
    contacts, orders, on_unresolved, over_all = _heterogeneous()
    assert over_all - on_unresolved > 0.03  # two different quantities
    default = repeat_gap_within_strata(contacts, orders, strata="satisfaction", window_days=90)
    assert abs(default.adjusted_gap - on_unresolved) < 0.015
    every = repeat_gap_within_strata(contacts, orders, strata="satisfaction", window_days=90,
                                     weights="contacts")
    assert abs(every.adjusted_gap - over_all) < 0.015
    with pytest.raises(ValueError) as err:
        repeat_gap_within_strata(contacts, orders, strata="satisfaction", weights="resolved")
    assert str(err.value) == ("Got weights='resolved' instead, expected one of 'unresolved', "
                              "'contacts'.")


def _welcome_customers():
    return pd.DataFrame({"customer_id": ["a", "b", "c", "e"],
                         "welcome_csat": pd.array([5, 2, 2, None], dtype="Int64"),
                         "city": ["Baku"] * 4})


def test_welcome_contacts_by_hand_and_no_mutation():
    contacts, customers = _contacts(), _welcome_customers()
    before = contacts.copy(), customers.copy()
    got = welcome_contacts(contacts, customers)
    pd.testing.assert_frame_equal(contacts, before[0])
    pd.testing.assert_frame_equal(customers, before[1])
    # Every contact kept in its order, with its customer's score: e was not reached, d and f are
    # not in the customers table; one stratum, "all", for everyone.
    pd.testing.assert_frame_equal(got[contacts.columns], contacts)
    assert got.columns.tolist() == [*contacts.columns, "welcome_csat", "everyone"]
    assert got["welcome_csat"].tolist() == [5, 2, 2, pd.NA, pd.NA, pd.NA]
    assert got["everyone"].eq("all").all()
    # The strata of repeat_gap_within_strata: the scores (contacts without one left out), or
    # one stratum of every contact with a full window (f's has none).
    by_welcome = repeat_gap_within_strata(got, _orders(), strata="welcome_csat", window_days=90)
    assert by_welcome.table["contacts"].to_dict() == {2: 2, 5: 1}
    everyone = repeat_gap_within_strata(got, _orders(), strata="everyone", window_days=90)
    assert everyone.table["contacts"].to_dict() == {"all": 5}


@pytest.mark.parametrize("table, drop, message", [
    ("interactions", "customer_id", "Got interactions without the column 'customer_id' instead, "
                                    "expected the columns 'customer_id'."),
    ("customers", "welcome_csat", "Got customers without the column 'welcome_csat' instead, "
                                  "expected the columns 'customer_id', 'welcome_csat'."),
    ("customers", "customer_id", "Got customers without the column 'customer_id' instead, "
                                 "expected the columns 'customer_id', 'welcome_csat'."),
])
def test_welcome_contacts_names_a_missing_column(table, drop, message):
    tables = {"interactions": _contacts(), "customers": _welcome_customers()}
    tables[table] = tables[table].drop(columns=drop)
    with pytest.raises(ValueError) as err:
        welcome_contacts(tables["interactions"], tables["customers"])
    assert str(err.value) == message


@pytest.mark.parametrize("column", ["welcome_csat", "everyone"])
def test_welcome_contacts_refuses_to_replace_a_column_of_the_interactions(column):
    contacts = _contacts().assign(**{column: "mine"})
    before = contacts.copy()
    with pytest.raises(ValueError) as err:
        welcome_contacts(contacts, _welcome_customers())
    assert str(err.value) == (f"Got interactions with the column {column!r} instead, expected "
                              "no column named 'welcome_csat' or 'everyone'.")
    pd.testing.assert_frame_equal(contacts, before)


def test_welcome_contacts_refuses_a_customer_twice():
    customers = pd.concat([_welcome_customers(), _welcome_customers().iloc[[1]]])
    with pytest.raises(ValueError) as err:
        welcome_contacts(_contacts(), customers)
    assert str(err.value) == ("Got customer_id='b' instead, expected one row per customer (it "
                              "appears twice).")
