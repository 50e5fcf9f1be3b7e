"""Tests of crmlab.record_linkage: the single customer view and the quality of a merge."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.record_linkage import (
    merge_quality,
    name_key,
    normalise_email,
    normalise_phone,
    orders_with_person,
    single_customer_view,
)


def _record(cid, first, last, email, phone, address, city="Baku", **extra):
    row = {"customer_id": cid, "first_name": first, "last_name": last, "email": email,
           "phone": phone, "address": address, "city": city, "preferred_channel": "web",
           "signup_date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(cid[1:])),
           "interests": "Dairy", "consent_email": True, "consent_profiling": True,
           "consent_winback": True}
    row.update(extra)
    return row


# Each case: records, and the groups a correct merge makes (the others stay single).
CASES = {
    "same e-mail in another case and with spaces": (
        [_record("C1", "Leyla", "Aliyeva", "leyla.a@x.az", "+994 50 111 22 33", "Nizami str. 1"),
         _record("C2", "Leyla", "Aliyeva", "  LEYLA.A@X.AZ ", "0557654321", "Nizami str. 1")],
        [{"C1", "C2"}]),
    "one phone in three formats": (
        [_record("C1", "Emil", "Valiyev", "", "+994 50 111 22 33", "Fuzuli str. 2"),
         _record("C2", "EMIL", "VALIYEV", "", "0501112233", "Fuzuli str. 2"),
         _record("C3", "Emil", "Valiev", "emil@x.az", "+994501112233", "Fuzuli str. 2")],
        [{"C1", "C2", "C3"}]),
    "a chain: e-mail links 1-2, phone links 2-3": (
        [_record("C1", "Aysel", "Guliyeva", "ays@x.az", "0501000001", "Bulbul str. 5"),
         _record("C2", "Aysel", "Guliyeva", "AYS@x.az", "0502000002", "Bulbul str. 5"),
         _record("C3", "AYSEL", "GULIEVA", "", "+994 50 200 00 02", "Bulbul str. 5")],
        [{"C1", "C2", "C3"}]),
    "empty e-mails never match": (
        [_record("C1", "Murad", "Jafarov", "", "0501000001", "Nizami str. 1"),
         _record("C2", "Sabina", "Huseynova", "", "0502000002", "Nizami str. 9")],
        []),
    "namesakes in one city": (
        [_record("C1", "Rashad", "Orujov", "r1@x.az", "0501000001", "Nizami str. 1"),
         _record("C2", "Rashad", "Orujov", "r2@x.az", "0502000002", "Fuzuli str. 7")],
        []),
    "namesakes with look-alike e-mail, nothing else shared": (
        [_record("C1", "Rashad", "Orujov", "rashad.orujov758@x.az", "0511094758", "Nizami str. 1",
                 city="Mingachevir"),
         _record("C2", "Rashad", "Orujov", "rashad.orujov758@x.az", "0511495758", "Nizami str. 57",
                 city="Shirvan")],
        []),
    "a household: same address and landline, another person": (
        [_record("C1", "Ann", "Lee", "ann@x.az", "0121234567", "Nizami str. 1"),
         _record("C2", "Bob", "Lee", "bob@x.az", "0121234567", "Nizami str. 1")],
        []),
    "same address, nothing else": (
        [_record("C1", "Ann", "Lee", "ann@x.az", "0501000001", "Nizami str. 1"),
         _record("C2", "Ann", "Lee", "", "0502000002", "Nizami str. 1")],
        []),
    "a name typo with both contact keys equal": (
        [_record("C1", "Narmin", "Mammadova", "nm@x.az", "0501000001", "Nizami str. 1"),
         _record("C2", "Narmn", "Mammadova", "nm@x.az", "0501000001", "Nizami str. 1")],
        [{"C1", "C2"}]),
}


def _groups(view):
    groups = view.person.groupby(view.person).apply(lambda s: frozenset(s.index))
    return {g for g in groups if len(g) > 1}


@pytest.mark.parametrize("case", list(CASES))
def test_merge_on_constructed_duplicates(case):
    records, expected = CASES[case]
    table = pd.DataFrame(records)
    before = table.copy()
    view = single_customer_view(table)
    pd.testing.assert_frame_equal(table, before)
    assert _groups(view) == {frozenset(g) for g in expected}
    assert view.n_people == len(table) - sum(len(g) - 1 for g in expected)


def test_pairs_left_apart_are_reported_for_review():
    view = single_customer_view(pd.DataFrame(CASES["a household: same address and landline, "
                                                   "another person"][0]))
    assert view.review.to_dict("records") == [
        {"customer_id": "C1", "other_id": "C2", "evidence": "phone+address", "same_name": False}]
    view = single_customer_view(pd.DataFrame(CASES["namesakes with look-alike e-mail, nothing "
                                                   "else shared"][0]))
    assert view.review[["evidence", "same_name"]].values.tolist() == [["email", True]]


def test_report_names_the_evidence_of_each_merge():
    view = single_customer_view(pd.DataFrame(CASES["a chain: e-mail links 1-2, phone links 2-3"][0]))
    assert view.report[["customer_id", "other_id", "person", "evidence"]].values.tolist() == [
        ["C1", "C2", "C1", "email+address"], ["C2", "C3", "C1", "phone+address"]]
    assert view.report["same_name"].all()


def test_merge_of_the_course_data_recovers_the_true_people():
    customers = datasets.load("customers")
    truth = datasets.load("customer_links").set_index("customer_id")["person_id"]
    view = single_customer_view(customers)
    quality = merge_quality(view.person, truth)
    assert quality["recall"] == 1.0 and quality["precision"] == 1.0
    assert view.n_people == truth.nunique()
    # The pairs sharing a key by coincidence are real traps of the data, and none was merged.
    assert len(view.review) >= 1
    for a, b in view.review[["customer_id", "other_id"]].itertuples(index=False):
        assert truth[a] != truth[b]


def test_name_matching_alone_would_merge_strangers():
    customers = datasets.load("customers")
    truth = datasets.load("customer_links").set_index("customer_id")["person_id"]
    key = name_key(customers["first_name"], customers["last_name"])
    by_name = pd.Series(key.to_numpy(), index=customers["customer_id"].to_numpy())
    assert merge_quality(by_name, truth)["precision"] < 0.1


@pytest.mark.parametrize("raw, expected", [
    ("+994 50 123 45 67", "501234567"), ("+994501234567", "501234567"), ("0501234567", "501234567"),
    ("(050) 123-45-67", "501234567"), ("123", None), ("", None), (None, None),
])
def test_normalise_phone(raw, expected):
    got = normalise_phone(pd.Series([raw]))[0]
    assert (got is pd.NA and expected is None) or got == expected


def test_normalise_email_and_name_key():
    assert normalise_email(pd.Series([" A@B.AZ", "   "])).tolist() == ["a@b.az", pd.NA]
    assert name_key(pd.Series(["  LEYLA "]), pd.Series(["Aliyeva"])).tolist() == ["leyla alieva"]


@pytest.mark.parametrize("kwargs, message", [
    ({"on": ("name",)}, "Got on=('name',) instead, expected a non-empty subset of ('email', 'phone')."),
    ({"on": ()}, "Got on=() instead, expected a non-empty subset of ('email', 'phone')."),
])
def test_view_option_errors(kwargs, message):
    table = pd.DataFrame(CASES["namesakes in one city"][0])
    with pytest.raises(ValueError) as err:
        single_customer_view(table, **kwargs)
    assert str(err.value) == message


def test_view_takes_one_key_as_a_string():
    table = pd.DataFrame(CASES["one phone in three formats"][0])
    assert single_customer_view(table, on="phone").n_people == 1
    with pytest.raises(ValueError, match=r"^Got on=\('mail',\) instead"):
        single_customer_view(table, on="mail")


def test_view_input_errors():
    table = pd.DataFrame(CASES["namesakes in one city"][0])
    with pytest.raises(ValueError, match=r"^Got customers without the column 'address'"):
        single_customer_view(table.drop(columns="address"))
    twice = pd.concat([table, table.iloc[[0]]])
    with pytest.raises(ValueError) as err:
        single_customer_view(twice)
    assert str(err.value) == ("Got customer_id='C1' instead, expected one row per record (it "
                              "appears twice).")


def test_orders_with_person_by_hand_and_no_mutation():
    customers = pd.DataFrame(CASES["same e-mail in another case and with spaces"][0]
                             + [_record("C3", "Leyla", "Aliyeva", "leyla@y.az", "0709999999",
                                        "Fuzuli str. 7")])
    orders = pd.DataFrame({"order_id": [1, 2, 3, 4], "customer_id": ["C2", "C1", "C3", "C2"],
                           "revenue": [10.0, 20.0, 30.0, 40.0]})
    before = orders.copy(), customers.copy()
    got = orders_with_person(orders, customers)
    pd.testing.assert_frame_equal(orders, before[0])
    pd.testing.assert_frame_equal(customers, before[1])
    # C2 is the person first seen as C1; the namesake C3, who shares nothing, is another.
    pd.testing.assert_frame_equal(got, orders.assign(person=["C1", "C1", "C3", "C1"]))
    view = single_customer_view(customers)
    assert got["person"].tolist() == orders["customer_id"].map(view.person).tolist()


@pytest.mark.parametrize("change, message", [
    (lambda orders, customers: (orders.drop(columns="customer_id"), customers),
     "Got orders without the column 'customer_id' instead, expected the columns 'customer_id'."),
    (lambda orders, customers: (orders.assign(customer_id="C9"), customers),
     "Got customer_id='C9' instead, expected a record of the customer view."),
    (lambda orders, customers: (orders.assign(person="mine"), customers),
     "Got orders with the column 'person' instead, expected no column named 'person'."),
    (lambda orders, customers: (orders, customers.drop(columns="phone")),
     "Got customers without the column 'phone' instead, expected the columns 'customer_id', "
     "'first_name', 'last_name', 'address', 'city', 'email', 'phone'."),
])
def test_orders_with_person_errors(change, message):
    customers = pd.DataFrame(CASES["namesakes in one city"][0])
    orders = pd.DataFrame({"order_id": [1], "customer_id": ["C1"]})
    with pytest.raises(ValueError) as err:
        orders_with_person(*change(orders, customers))
    assert str(err.value) == message


def test_the_view_adds_person_to_a_table_without_one():
    customers = pd.DataFrame(CASES["namesakes in one city"][0])
    view = single_customer_view(customers)
    table = pd.DataFrame({"customer_id": ["C1"], "person": ["someone"]})
    with pytest.raises(ValueError) as err:
        view.assign(table)
    assert str(err.value) == ("Got a table with the column 'person' instead, expected no column "
                              "named 'person'.")
    assert table["person"].tolist() == ["someone"]


def test_merge_quality_by_hand_and_errors():
    found = pd.Series({"r1": "a", "r2": "a", "r3": "b", "r4": "b", "r5": "c"})
    truth = pd.Series({"r1": "x", "r2": "x", "r3": "x", "r4": "y", "r5": "y"})
    # true pairs: r1r2 r1r3 r2r3 r4r5 = 4; merged: r1r2 r3r4 = 2; correct: r1r2 = 1
    assert merge_quality(found, truth) == {"true_pairs": 4, "merged_pairs": 2, "correct_pairs": 1,
                                           "precision": 0.5, "recall": 0.25}
    with pytest.raises(ValueError) as err:
        merge_quality(found, truth.drop("r5"))
    assert str(err.value) == ("Got record='r5' instead, expected a record of both person and "
                              "truth (it is in only one of them).")
