"""Tests of crmlab.consent: every purpose leaves out the customers without its consent."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.consent import PURPOSES, select_customers
from crmlab.profiles import customer_profiles
from crmlab.record_linkage import single_customer_view


@pytest.mark.parametrize("purpose", list(PURPOSES))
def test_every_purpose_excludes_customers_without_its_consent(purpose):
    customers = datasets.load("customers")
    column = PURPOSES[purpose][0]
    before = customers.copy()
    chosen = select_customers(customers, purpose=purpose)
    pd.testing.assert_frame_equal(customers, before)
    assert chosen.customers[column].all()
    assert chosen.excluded == int((~customers[column]).sum()) > 0
    assert len(chosen) + chosen.excluded == len(customers)
    assert set(chosen.customers["customer_id"]) == set(customers.loc[customers[column],
                                                                     "customer_id"])
    assert f"excluded without {column}" in repr(chosen)


@pytest.mark.parametrize("purpose", list(PURPOSES))
def test_consent_holds_after_the_merge(purpose):
    customers = datasets.load("customers")
    orders = datasets.load("orders")
    view = single_customer_view(customers)
    profiles = customer_profiles(customers, orders, view=view)
    chosen = select_customers(profiles, purpose=purpose)
    column = PURPOSES[purpose][0]
    refused = set(view.person[customers.set_index("customer_id")[column].eq(False)])
    assert refused, "the data should contain refusals"
    assert not refused & set(chosen.customers.index)


def test_unknown_purpose_and_bad_consent_are_errors():
    customers = datasets.load("customers").head(3)
    with pytest.raises(ValueError) as err:
        select_customers(customers, purpose="newsletter")
    assert str(err.value) == ("Got purpose='newsletter' instead, expected one of "
                              "'email_campaign', 'profiling', 'win_back'.")
    with pytest.raises(ValueError) as err:
        select_customers(customers.drop(columns="consent_winback"), purpose="win_back")
    assert str(err.value) == ("Got a table without the column 'consent_winback' instead, "
                              "expected the columns 'consent_winback'.")
    for bad in (None, "yes", 1):
        unknown = customers.astype({"consent_email": object})
        unknown.loc[unknown.index[1], "consent_email"] = bad
        with pytest.raises(ValueError) as err:
            select_customers(unknown, purpose="email_campaign")
        assert str(err.value) == (f"Got consent_email={bad!r} at row 1 instead, expected True "
                                  "or False (a missing consent is not a consent).")
