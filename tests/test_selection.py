"""crmlab.selection is kept for existing lessons: every name is crmlab.crm_selection's object."""

import pytest

import crmlab.selection as old
from crmlab import crm_selection


@pytest.mark.parametrize("name", old.__all__)
def test_old_name_is_the_new_object(name):
    assert getattr(old, name) is getattr(crm_selection, name)


def test_every_public_name_is_kept():
    assert set(old.__all__) == set(crm_selection.__all__)
