"""crmlab.core.ids: one student-id rule for the setting, rosters, bundles, the hub and names."""

import re

import pytest

from crmlab.core.exceptions import CrmlabError, SubmissionError
from crmlab.core.ids import ANCHORED, PATTERN, RULE, is_id, validate_id

GOOD = ["s1", "s-1042", "ana.lopez", "_x", "007", "a" * 64, "a_b"]
BAD = ["", ".hidden", "../etc", "a..b", "a/b", "a b", "a" * 65, "ş1", None, 7, ["s1"], "s1\n",
       "s1\r\n", " s1", "=HYPERLINK(1)", "s1\n\n", "..", "s1\0"]


@pytest.mark.parametrize("value", GOOD)
def test_good_ids(value):
    assert is_id(value) and validate_id(value) == value
    assert re.match(ANCHORED, value)


@pytest.mark.parametrize("value", BAD)
def test_bad_ids_are_refused_with_the_rule(value):
    assert not is_id(value)
    with pytest.raises(CrmlabError) as error:
        validate_id(value)
    assert str(error.value) == f"Got student_id={value!r} instead, expected {RULE}."
    # JupyterHub applies the pattern with re.match: it must refuse a final newline too
    assert not (isinstance(value, str) and re.match(ANCHORED, value))


def test_the_error_class_is_the_callers():
    with pytest.raises(SubmissionError):
        validate_id("../x", error=SubmissionError)


def test_the_url_pattern_is_the_rule_without_its_anchors():
    assert ANCHORED.endswith(f"{PATTERN}\\Z")


def test_the_hub_and_every_reader_use_this_rule():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    config = (root / "deploy" / "jupyterhub" / "jupyterhub_config.py").read_text()
    assert "c.Authenticator.username_pattern = ANCHORED" in config
    copies = [path for path in (root / "crmlab").rglob("*.py")
              if "A-Za-z0-9._-" in path.read_text() and path.name != "ids.py"]
    assert copies == []
