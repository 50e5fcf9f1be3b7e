"""crmlab.crm_selection against hand-computed cases, and every invalid input."""

import math

import numpy as np
import pandas as pd
import pytest

from crmlab.crm_selection import (
    cumulative_cash_flow,
    normalise_weights,
    payback_period,
    sensitivity,
    weighted_scores,
)

SCORES = pd.DataFrame({"sfa": [5, 3, 4], "analytics": [2, 5, 3], "price": [3, 2, 5]},
                      index=["Siebel", "SalesLogix", "Terrasoft"])
WEIGHTS = {"sfa": 0.5, "analytics": 0.3, "price": 0.2}


def test_weighted_scores_by_hand():
    # Siebel 5*.5+2*.3+3*.2 = 3.7; SalesLogix 1.5+1.5+.4 = 3.4; Terrasoft 2+.9+1 = 3.9
    result = weighted_scores(SCORES, WEIGHTS)
    assert result.index.tolist() == ["Terrasoft", "Siebel", "SalesLogix"]
    assert result.round(6).tolist() == [3.9, 3.7, 3.4]


def test_weights_are_normalised_and_inputs_untouched():
    before_scores, before_weights = SCORES.copy(), dict(WEIGHTS)
    doubled = {k: v * 2 for k, v in WEIGHTS.items()}
    pd.testing.assert_series_equal(weighted_scores(SCORES, doubled), weighted_scores(SCORES, WEIGHTS))
    pd.testing.assert_frame_equal(SCORES, before_scores)
    assert WEIGHTS == before_weights


def test_sensitivity_by_hand():
    # Raising price's weight by d (others rescaled by (0.8 - d)/0.8):
    # Terrasoft - Siebel = (-1*.5 + 1*.3)(0.8-d)/0.8 + 2(.2+d) = -0.2(0.8-d)/0.8 + 0.4 + 2d
    # = 0.2 + 2.25 d -> Siebel wins when d < -0.2/2.25 = -0.0889
    table = sensitivity(SCORES, WEIGHTS).set_index("requirement")
    assert table.loc["price", "change"] == pytest.approx(-0.2 / 2.25, abs=1e-6)
    assert table.loc["price", "new_winner"] == "Siebel"
    # Raising sfa's weight by d: margin = -1(.5+d) + (.3*1 + .2*2)(.5-d)/.5
    # = -0.5 - d + 0.7 - 1.4 d = 0.2 - 2.4 d -> d = 0.0833
    assert table.loc["sfa", "change"] == pytest.approx(0.2 / 2.4, abs=1e-6)
    smallest = sensitivity(SCORES, WEIGHTS).iloc[0]
    assert smallest["requirement"] == "sfa"


def test_sensitivity_when_nothing_changes_the_winner():
    dominant = pd.DataFrame({"a": [5, 1], "b": [5, 1]}, index=["X", "Y"])
    table = sensitivity(dominant, {"a": 1, "b": 1})
    assert table["change"].isna().all() and (table["new_winner"] == "").all()


def test_payback_by_hand():
    assert payback_period(10_000, [1_000] * 12) == 10
    assert payback_period(10_000, [2_500] * 12) == 4
    assert payback_period(10_000, [1_000] * 9) is None
    # 12% a year, discounted monthly as (1.12)^(-m/12): ten months give 9_459 < 10_000,
    # eleven give 10_404 >= 10_000
    flows = [1_000 * 1.12 ** (-m / 12) for m in range(1, 13)]
    assert sum(flows[:10]) < 10_000 <= sum(flows[:11])
    assert payback_period(10_000, [1_000] * 12, annual_rate=0.12) == 11
    series = cumulative_cash_flow(1_000, [400, 400, 400])
    assert series.tolist() == [-1000.0, -600.0, -200.0, 200.0]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: normalise_weights({"a": -1, "b": 1}),
     "Got weight=-1 at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": math.nan}),
     "Got weight=nan at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": "high"}),
     "Got weight='high' at requirement 'a' instead, expected a number >= 0."),
    (lambda: normalise_weights({"a": 0, "b": 0}),
     "Got weights={'a': 0, 'b': 0} instead, expected at least one requirement with a weight > 0."),
    (lambda: weighted_scores(SCORES, {"sfa": 1, "mobile": 1}),
     "Got scores without the column 'mobile' instead, expected the columns 'sfa', 'mobile'."),
    (lambda: weighted_scores(SCORES.assign(price=[3, np.nan, 5]), WEIGHTS),
     "Got price=nan at candidate 'SalesLogix' instead, expected a number."),
    (lambda: payback_period(0, [1]), "Got investment=0 instead, expected a finite amount > 0."),
    (lambda: payback_period(100, [1], annual_rate=-0.1),
     "Got annual_rate=-0.1 instead, expected a finite rate >= 0."),
    (lambda: payback_period(100, []),
     "Got monthly_benefits=[] instead, expected at least one month's benefit."),
    (lambda: payback_period(100, [5, None]),
     "Got monthly_benefits=None at month 2 instead, expected a number."),
])
def test_invalid_inputs(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message
