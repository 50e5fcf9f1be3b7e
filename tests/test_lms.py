"""crmlab.grading.lms: the gradebook layouts both graders write."""

import pandas as pd
import pytest

from crmlab.core.exceptions import CrmlabError
from crmlab.grading.lms import FORMATS, layout

BOOK = pd.DataFrame({"student_id": ["s1", "s2"], "L00": [5.0, None], "C1": [1.0, 2.0],
                     "total": [6.0, 2.0]})
ROSTER = pd.DataFrame({"student_id": ["s2", "s1"], "name": ["Elvin", "Aysel"],
                       "email": ["s2@uni.az", "s1@uni.az"], "section": ["B", "A"]})


def test_plain_is_the_gradebook_itself():
    assert layout(BOOK, possible={"L00": 7, "C1": 3}) is BOOK


def test_canvas_has_points_possible_and_roster_columns():
    canvas = layout(BOOK, possible={"L00": 7.0, "C1": 3.0}, roster=ROSTER, format="canvas")
    assert canvas.columns.tolist() == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                                       "Quiz L00", "Quiz C1"]
    assert canvas.iloc[0].tolist() == ["    Points Possible", "", "", "", "", 7.0, 3.0]
    assert canvas.iloc[1, :5].tolist() == ["Aysel", "", "s1", "s1@uni.az", "A"]


@pytest.mark.parametrize("kind", ["Quiz", "Exercise"])
def test_moodle_names_each_item_by_kind(kind):
    moodle = layout(BOOK, possible={"L00": 7.0, "C1": 3.0}, format="moodle", kind=kind)
    assert moodle.columns.tolist() == ["ID number", "Email address", f"{kind}: L00 (Real)",
                                       f"{kind}: C1 (Real)"]
    assert moodle["Email address"].tolist() == ["", ""]  # no roster: no emails


def test_unknown_format_and_inputs_unchanged():
    before = BOOK.copy()
    with pytest.raises(CrmlabError) as info:
        layout(BOOK, possible={}, format="xls")
    assert str(info.value) == "Got format='xls' instead, expected one of 'plain', 'canvas', 'moodle'."
    layout(BOOK, possible={"L00": 7.0, "C1": 3.0}, roster=ROSTER, format="canvas")
    pd.testing.assert_frame_equal(BOOK, before)
    assert FORMATS == ("plain", "canvas", "moodle")
