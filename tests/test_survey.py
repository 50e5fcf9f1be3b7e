"""Tests of crmlab.survey: NPS, CSAT, intervals, out-of-scale rows, repeat purchase link."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.survey import (
    WELCOME_BANDS,
    csat,
    nps,
    nps_difference,
    repeat_by_satisfaction,
    satisfaction_vs_repeat,
)


def test_nps_shares_and_interval():
    r = nps([10] * 5 + [8] * 3 + [2] * 2)
    assert (r["nps"], r["promoters"], r["passives"], r["detractors"]) == (30.0, 0.5, 0.3, 0.2)
    assert r["ci_low"] < 30 < r["ci_high"]


@pytest.mark.parametrize("answers, msg", [
    (pd.Series([5, 11], index=["r1", "r2"]), "Got nps=11 at row 'r2' instead, expected a whole "
                                             "number from 0 to 10."),
    ([5, -1], "Got nps=-1 at row 1 instead, expected a whole number from 0 to 10."),
    ([5, 7.5], "Got nps=7.5 at row 1 instead, expected a whole number from 0 to 10."),
    ([5, None], "Got nps=None at row 1 instead, expected a whole number from 0 to 10."),
    ([5, True], "Got nps=True at row 1 instead, expected a whole number from 0 to 10."),
    ([], "Got nps=[] instead, expected at least one answer."),
])
def test_nps_out_of_scale_names_row(answers, msg):
    with pytest.raises(ValueError) as err:
        nps(answers)
    assert str(err.value) == msg


def test_csat_top2_mean_and_errors():
    r = csat([5, 5, 4, 1])
    assert (r["top2"], r["mean"], r["n"]) == (0.75, 3.75, 4)
    assert 0 <= r["top2_low"] < 0.75 < r["top2_high"] <= 1
    with pytest.raises(ValueError, match=r"^Got csat=0 at row 2 instead, expected a whole number "
                                         r"from 1 to 5\.$"):
        csat([5, 4, 0])
    with pytest.raises(ValueError, match=r"^Got confidence=1 instead, expected a rate in \(0, 1\)"):
        csat([5, 4], confidence=1)


def test_satisfaction_vs_repeat_on_course_data():
    survey = datasets.load("survey")
    orders = datasets.load("orders")
    before = survey.copy()
    out = satisfaction_vs_repeat(survey, orders)
    pd.testing.assert_frame_equal(survey, before)
    # Respondents whose 180-day window runs past the end of the data are left out.
    end = orders["order_date"].max() + pd.Timedelta(days=1)
    full = survey["survey_date"] + pd.Timedelta(days=180) < end
    assert out["respondents"].sum() == full.sum() < len(survey)
    # the course data is built so that satisfied customers buy again more often
    assert out.loc[5, "repeat_rate"] > out.loc[[1, 2], "repeaters"].sum() / out.loc[
        [1, 2], "respondents"].sum()


def test_quiz_l06_numeric_keys_match_the_practice_variant():
    from crmlab.channel_consistency import channel_consistency
    from crmlab.quiz import load

    practice = datasets.Variant()  # each is a number of one's own, keyed on the practice variant
    survey = practice.load("survey")
    keys = {
        "nps-phone": round(nps(survey.loc[survey["channel"] == "phone", "nps"])["nps"], 1),
        "top2-welcome": round(csat(practice.load("customers")["welcome_csat"].dropna())["top2"]
                              * 100, 1),
        "repeat-5-120": round(float(satisfaction_vs_repeat(
            survey, practice.load("orders"), window_days=120).loc[5, "repeat_rate"]) * 100, 1),
        "n-three-channels": len(channel_consistency(practice.load("interactions"),
                                                    min_channels=3)),
    }
    quiz = load("L06")
    for question_id, value in keys.items():
        assert quiz.question(question_id).answer == pytest.approx(value, abs=1e-9), question_id


def test_quiz_l06_slow_flag_key_matches_the_course_data():
    from crmlab.channel_consistency import response_by_channel
    from crmlab.quiz import load

    pairs = response_by_channel(datasets.load("interactions"))
    most = pairs.loc[pairs["slow"], "offices"].value_counts().idxmax()
    keyed = [o.id for o in load("L06").question("slow-flag").options if o.correct]
    assert keyed == [{"back only": "back-office", "front only": "front-office"}[most]]


def test_satisfaction_vs_repeat_by_hand():
    survey = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                           "survey_date": pd.to_datetime(["2024-01-01", "2024-01-01",
                                                          "2024-01-01", "2024-06-01"]),
                           "nps": [10, 10, 3, 10]})
    orders = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                           "order_date": pd.to_datetime(["2024-01-01", "2024-01-31",
                                                         "2024-02-01", "2024-06-05"])})
    # a bought on the day of the answer only; b on day 30; c on day 31; d's window runs past
    # the end of the data (2024-06-05).
    got = satisfaction_vs_repeat(survey, orders, window_days=30, score="nps")
    assert got.to_dict("index") == {3: {"respondents": 1, "repeaters": 0, "repeat_rate": 0.0},
                                    10: {"respondents": 2, "repeaters": 1, "repeat_rate": 0.5}}
    with pytest.raises(ValueError) as err:
        satisfaction_vs_repeat(survey, orders, score="ces")
    assert str(err.value) == "Got score='ces' instead, expected one of 'csat', 'nps'."


def test_nps_difference_by_hand():
    a = [10] * 60 + [3] * 40   # NPS 20, variance of the score 0.96 * 100 / 99
    b = [10] * 30 + [3] * 70   # NPS -40, variance 0.84 * 100 / 99
    got = nps_difference(a, b)
    se = 100 * ((0.96 / 99) + (0.84 / 99)) ** 0.5
    assert (got["nps_a"], got["nps_b"], got["difference"]) == (20.0, -40.0, 60.0)
    assert got["se"] == pytest.approx(se)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((60 - 1.959964 * se,
                                                             60 + 1.959964 * se))
    assert got["clear"] and (got["n_a"], got["n_b"]) == (100, 100)
    # The same shares in samples a tenth as large: the interval straddles 0.
    small = nps_difference(a[::10], [10] * 3 + [3] * 7)
    assert small["difference"] == 60.0 and not small["clear"]
    assert nps_difference(b, a)["difference"] == -60.0
    with pytest.raises(ValueError, match=r"^Got nps=11 at row 0 instead"):
        nps_difference([11], a)


def test_nps_of_accounting_customers_is_reported_with_its_interval():
    from crmlab.contact_outcomes import touched_comparison

    survey, interactions = datasets.load("survey"), datasets.load("interactions")
    touched = survey["customer_id"].isin(
        interactions.loc[interactions["touchpoint"] == "accounting", "customer_id"])
    got = nps_difference(survey.loc[touched, "nps"], survey.loc[~touched, "nps"])
    table = touched_comparison(interactions, datasets.load("orders"), survey,
                               touchpoint="accounting")
    assert got["difference"] == pytest.approx(table.loc["touched", "nps"]
                                              - table.loc["not touched", "nps"])
    assert got["clear"] == (got["ci_high"] < 0 or got["ci_low"] > 0)


def _welcome():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                              "welcome_csat": pd.array([5, 1, 3, None, 4], dtype="Int64")})
    orders = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "d", "d", "e", "e"],
                           "order_date": pd.to_datetime([
                               "2023-01-01", "2023-01-01", "2023-01-10", "2023-04-11",
                               "2023-02-01", "2023-01-01", "2023-01-02", "2024-11-01",
                               "2024-11-02"])})
    return customers, orders


def test_repeat_by_satisfaction_by_hand_and_no_mutation():
    customers, orders = _welcome()
    before = customers.copy(), orders.copy()
    got = repeat_by_satisfaction(customers, orders, window_days=90)
    pd.testing.assert_frame_equal(customers, before[0])
    pd.testing.assert_frame_equal(orders, before[1])
    # a: a second order on the day of the first does not count; b: day 91, outside 90 days;
    # c: one order; d: no score; e: the window runs past the end of the data (2024-11-03).
    assert got.index.tolist() == list(WELCOME_BANDS)
    assert got.to_dict("index")["1-2"] == {"customers": 1, "repeaters": 0, "repeat_rate": 0.0}
    assert got.loc["4-5", "customers"] == 1 and got.loc["3", "repeaters"] == 0
    assert repeat_by_satisfaction(customers, orders, window_days=91).loc["1-2", "repeaters"] == 1
    one = repeat_by_satisfaction(customers, orders, bands={"all": (1, 5)}, window_days=2,
                                 as_of="2025-01-01")
    assert one.to_dict("index") == {"all": {"customers": 4, "repeaters": 1, "repeat_rate": 0.25}}


@pytest.mark.parametrize("kwargs, message", [
    ({"bands": {"top": (5, 4)}},
     "Got bands['top']=(5, 4) instead, expected a (low, high) pair of scores with low <= high."),
    ({"bands": {"top": 5}},
     "Got bands['top']=5 instead, expected a (low, high) pair of scores with low <= high."),
    ({"score": "csat"}, "Got customers without the column 'csat' instead, expected the columns "
                        "'customer_id', 'csat'."),
    ({"window_days": 0}, "Got window_days=0 instead, expected a whole number of days >= 1."),
])
def test_repeat_by_satisfaction_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        repeat_by_satisfaction(*_welcome(), **kwargs)
    assert str(err.value) == message


def test_repeat_by_satisfaction_recovers_the_built_in_effect():
    # The course data is synthetic: satisfaction drives buying by construction, with sizes
    # documented per welcome-call band.
    got = repeat_by_satisfaction(datasets.load("customers"), datasets.load("orders"))
    built_in = datasets.effects().loc["satisfaction"]
    for band in WELCOME_BANDS:
        row = built_in.loc[f"bought again within 365 days of the first order, welcome_csat {band}"]
        assert abs(got.loc[band, "repeat_rate"] - row["value"]) <= row["tolerance"], band
