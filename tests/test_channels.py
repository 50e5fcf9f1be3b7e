"""Tests of crmlab.channels: consistency flags, touchpoint map, missing columns."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.channels import channel_consistency, touchpoint_map


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
