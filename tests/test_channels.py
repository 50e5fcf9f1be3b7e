"""crmlab.channels is kept for existing lessons: its names are the new modules' objects, and its
touchpoint_risk keeps the old column name beside the new one."""

import pandas as pd
import pytest

import crmlab.channels as old
from crmlab import channel_consistency, contact_outcomes, touchpoints

MOVED = {"channel_consistency": channel_consistency, "touchpoint_map": touchpoints,
         "touched_comparison": contact_outcomes, "csat_after_contacts": contact_outcomes}


@pytest.mark.parametrize("name", sorted(MOVED))
def test_old_name_is_the_new_object(name):
    assert getattr(old, name) is getattr(MOVED[name], name)


def test_touchpoint_risk_keeps_the_old_column():
    log = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["shop", "shop"],
                        "interaction_date": pd.to_datetime(["2024-01-01"] * 2),
                        "resolved": [True, False]})
    orders = pd.DataFrame({"customer_id": ["a", "b"],
                           "order_date": pd.to_datetime(["2024-01-05", "2024-12-31"])})
    new = contact_outcomes.touchpoint_risk(log, orders)
    got = old.touchpoint_risk(log, orders)
    pd.testing.assert_frame_equal(got.drop(columns="repeat_buyers_lost"), new)
    assert got["repeat_buyers_lost"].tolist() == new["repeat_gap_x_contacts"].tolist()
    assert set(old.__all__) == set(MOVED) | {"touchpoint_risk"}
