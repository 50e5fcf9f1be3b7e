"""Tests of crmlab.survey: NPS, CSAT, intervals, out-of-scale rows, repeat purchase link."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.survey import csat, nps, satisfaction_vs_repeat


def test_nps_shares_and_interval():
    r = nps([10] * 5 + [8] * 3 + [2] * 2)
    assert (r["nps"], r["promoters"], r["passives"], r["detractors"]) == (30.0, 0.5, 0.3, 0.2)
    assert r["ci_low"] < 30 < r["ci_high"]


@pytest.mark.parametrize("answers, msg", [
    (pd.Series([5, 11], index=["r1", "r2"]), "Got nps=11 at row 'r2'; expected a whole number "
                                             "from 0 to 10."),
    ([5, -1], "Got nps=-1 at row 1; expected a whole number from 0 to 10."),
    ([5, 7.5], "Got nps=7.5 at row 1; expected a whole number from 0 to 10."),
])
def test_nps_out_of_scale_names_row(answers, msg):
    with pytest.raises(ValueError) as err:
        nps(answers)
    assert str(err.value) == msg


def test_csat_top2_mean_and_errors():
    r = csat([5, 5, 4, 1])
    assert (r["top2"], r["mean"], r["n"]) == (0.75, 3.75, 4)
    assert 0 <= r["top2_low"] < 0.75 < r["top2_high"] <= 1
    with pytest.raises(ValueError, match=r"^Got csat=0 at row 2; expected a whole number from 1 "
                                         r"to 5\.$"):
        csat([5, 4, 0])


def test_satisfaction_vs_repeat_on_course_data():
    survey = datasets.load("survey")
    orders = datasets.load("orders")
    before = survey.copy()
    out = satisfaction_vs_repeat(survey, orders)
    pd.testing.assert_frame_equal(survey, before)
    assert out["respondents"].sum() == len(survey)
    # the course data is built so that satisfied customers buy again more often
    assert out.loc[5, "repeat_rate"] > out.loc[[1, 2], "repeaters"].sum() / out.loc[
        [1, 2], "respondents"].sum()


def test_quiz_l06_numeric_keys_match_the_course_data():
    from crmlab.channels import channel_consistency
    from crmlab.quiz import load

    survey = datasets.load("survey")
    keys = {
        "nps-value": round(nps(survey["nps"])["nps"], 1),
        "top2": round(csat(survey["csat"])["top2"] * 100, 1),
        "repeat-5": round(float(satisfaction_vs_repeat(survey, datasets.load("orders")).loc[
            5, "repeat_rate"]) * 100, 1),
        "n-multichannel": len(channel_consistency(datasets.load("interactions"))),
    }
    quiz = load("L06")
    for question_id, value in keys.items():
        assert quiz.question(question_id).answer == pytest.approx(value, abs=1e-9), question_id
