"""Tests of crmlab.service_levels: levels by hand, their errors, the win-back list."""

import pandas as pd
import pytest

from crmlab.consent import select_customers
from crmlab.service_levels import (
    SERVICE_OFFERS,
    SOURCE_LEVELS,
    service_level_rules,
    service_levels,
    win_back_candidates,
)


def _levels_fixture():
    return pd.DataFrame({
        "margin": [90.0, 10.0, 50.0, 20.0, 5.0, 0.0, 70.0],
        "last_order": pd.to_datetime(["2024-12-01", "2024-11-01", "2024-12-20", "2024-03-01",
                                      "2023-06-01", None, "2024-12-30"]),
        "consent_profiling": [True, True, True, True, True, True, False]},
        index=["a", "b", "c", "d", "e", "f", "g"])


def test_service_levels_by_hand():
    profiles = _levels_fixture()
    before = profiles.copy()
    levels = service_levels(profiles, as_of="2025-01-01", best_share=0.34)
    pd.testing.assert_frame_equal(profiles, before)
    # Active: a, b, c; the top third by margin (1 customer) is a. d: 306 days idle, e: 580.
    assert levels.customers["service_level"].to_dict() == {
        "a": "best", "b": "regular", "c": "regular", "d": "recently lost", "e": "lapsed",
        "f": "prospect"}
    assert levels.excluded == 1 and "g" not in levels.customers.index
    assert levels.customers.loc["d", "offer"] == SERVICE_OFFERS["recently lost"]
    win_back = select_customers(levels.customers[levels.customers["service_level"]
                                                 == "recently lost"].assign(consent_winback=False),
                                purpose="win_back")
    assert len(win_back) == 0 and win_back.excluded == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"best_share": 1.5}, "Got best_share=1.5 instead, expected a rate in (0, 1)."),
    ({"best_share": 0}, "Got best_share=0 instead, expected a rate in (0, 1)."),
    ({"lost_after": 0}, "Got lost_after=0 instead, expected a whole number of days >= 1."),
    ({"lost_after": 400}, "Got lost_within=365 instead, expected a whole number of days >= 401."),
    ({"lost_within": 30.5}, "Got lost_within=30.5 instead, expected a whole number of days "
                            ">= 181."),
])
def test_service_level_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        service_levels(_levels_fixture(), **kwargs)
    assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        service_level_rules(**kwargs)
    assert str(err.value) == message


def test_service_level_rules_write_out_every_level_with_its_thresholds():
    rules = service_level_rules(best_share=0.25, lost_after=90, lost_within=300)
    assert rules.index.tolist() == list(SERVICE_OFFERS)
    assert rules["offer"].to_dict() == SERVICE_OFFERS
    assert rules.loc["best", "by_margin"] == "top 25% (active)"
    assert rules.loc["regular", "by_margin"] == "other 75%"
    assert rules.loc["best", "last_order"] == "at most 90 days ago"
    assert rules.loc["recently lost", "last_order"] == "91 to 300 days ago"
    assert rules.loc["lapsed", "last_order"] == "over 300 days ago"
    named = rules["named_by"]
    assert named[named != "course"].index.tolist() == list(SOURCE_LEVELS)
    assert set(SOURCE_LEVELS) < set(SERVICE_OFFERS)


def test_win_back_candidates_pass_both_consent_rules_and_rank_by_value():
    profiles = _levels_fixture().assign(
        consent_winback=[True, True, True, True, True, True, True])
    profiles.loc["h"] = [40.0, pd.Timestamp("2024-04-01"), True, False]
    profiles.loc["i"] = [80.0, pd.Timestamp("2024-05-01"), True, True]
    before = profiles.copy()
    chosen = win_back_candidates(profiles, as_of="2025-01-01")
    pd.testing.assert_frame_equal(profiles, before)
    # Recently lost (181-365 days idle): d, h, i; h refused win-back offers; g refused profiling.
    assert chosen.customers.index.tolist() == ["i", "d"]
    assert chosen.excluded == 1 and chosen.earlier == (("consent_profiling", 1),)
    assert chosen.purpose == "win_back" and chosen.customers["consent_winback"].all()
    assert repr(chosen).endswith("1 excluded without consent_winback; earlier 1 excluded "
                                 "without consent_profiling")
    by_order = win_back_candidates(profiles, as_of="2025-01-01", value="last_order")
    assert by_order.customers.index.tolist() == ["i", "d"]
    with pytest.raises(ValueError, match=r"^Got value='profit' instead, expected one of the "):
        win_back_candidates(profiles, value="profit")
