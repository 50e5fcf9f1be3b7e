"""crmlab.customers is kept for existing lessons: every old name is the new module's object."""

import pytest

import crmlab.customers as old
from crmlab import consent, profiles, record_linkage, service_levels

MOVED = {
    "PURPOSES": consent, "select_customers": consent, "normalise_email": record_linkage,
    "normalise_phone": record_linkage, "name_key": record_linkage, "CustomerView": record_linkage,
    "single_customer_view": record_linkage, "merge_quality": record_linkage,
    "customer_profiles": profiles, "purchase_history": profiles,
    "service_levels": service_levels, "SERVICE_OFFERS": service_levels,
    "win_back_candidates": service_levels,
}


@pytest.mark.parametrize("name", sorted(MOVED))
def test_old_name_is_the_new_object(name):
    assert getattr(old, name) is getattr(MOVED[name], name)


def test_selection_is_the_renamed_consented_selection():
    assert old.Selection is consent.ConsentedSelection
    assert set(old.__all__) == set(MOVED) | {"Selection"}
