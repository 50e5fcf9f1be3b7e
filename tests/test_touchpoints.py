"""Tests of crmlab.touchpoints: offices by the source's list, and the touchpoint map."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.touchpoints import TOUCHPOINT_OFFICE, office_of, touchpoint_map


@pytest.mark.parametrize("touchpoint, office", [
    ("call_centre", "front"), ("sales_rep", "front"),                        # seed 002, front
    ("after_sales", "back"), ("accounting", "back"), ("shop", "back"),       # seed 002, back
])
def test_the_touchpoints_the_source_names_are_coded_as_the_source_says(touchpoint, office):
    assert office_of([touchpoint]).tolist() == [office]
    assert TOUCHPOINT_OFFICE[touchpoint][1].startswith("seed 002: ")


def test_every_other_touchpoint_is_marked_as_the_course_s_coding():
    for office, basis in TOUCHPOINT_OFFICE.values():
        assert office in ("front", "back")
        assert basis.startswith(("seed 002: ", "course: "))


def test_touchpoint_map_on_the_course_data():
    interactions = datasets.load("interactions")
    before = interactions.copy()
    tp = touchpoint_map(interactions)
    pd.testing.assert_frame_equal(interactions, before)
    assert set(tp.index) <= set(TOUCHPOINT_OFFICE)
    assert tp.loc["shop", "office"] == "back"
    assert {"after_sales", "accounting", "shop"} <= set(tp.index[tp["office"] == "back"])
    assert tp["contacts"].sum() == len(interactions)
    assert tp["office"].tolist() == sorted(tp["office"])  # back office first


def test_errors():
    with pytest.raises(ValueError) as err:
        touchpoint_map(pd.DataFrame({"customer_id": ["a"], "touchpoint": ["shop"],
                                     "resolved": [True]}))
    assert str(err.value) == ("Got interactions without the column 'response_hours' instead, "
                              "expected the columns 'customer_id', 'touchpoint', "
                              "'response_hours', 'resolved'.")
    with pytest.raises(ValueError, match=r"^Got touchpoint='lobby' instead, expected a "
                                         r"touchpoint of TOUCHPOINT_OFFICE: 'call_centre'"):
        office_of(pd.Series(["shop", "lobby"]))
