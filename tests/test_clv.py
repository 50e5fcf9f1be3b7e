"""Tests of crmlab.clv: the paper's CDNOW numbers, the summary, the formulas and bad input."""

import numpy as np
import pandas as pd
import pytest

from crmlab import datasets
from crmlab.clv import (
    BetaGeo,
    GammaGamma,
    alive_against_holdout,
    simple_clv,
    summary_from_transactions,
)


@pytest.fixture(scope="module")
def cdnow_summary():
    log = datasets.load("cdnow_sample")
    return summary_from_transactions(log, calibration_end="1997-09-30")


def test_summary_counts_same_day_once_and_does_not_mutate():
    log = pd.DataFrame({"customer_id": [1, 1, 1, 2],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15",
                                                "2024-01-08"]),
                        "amount": [10.0, 5.0, 20.0, 7.0]})
    before = log.copy()
    out = summary_from_transactions(log, calibration_end="2024-01-29", unit_days=1)
    pd.testing.assert_frame_equal(log, before)
    assert out.loc[1].tolist() == [1, 14.0, 28.0, 20.0]
    assert out.loc[2].tolist() == [0, 0.0, 21.0, 0.0]


def test_summary_unknown_column():
    log = pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]})
    with pytest.raises(ValueError, match=r"^Got amount='amt' instead, expected one of the "
                                         r"columns 'customer_id', 'date'\.$"):
        summary_from_transactions(log, amount="amt")


def test_cdnow_summary_shape(cdnow_summary):
    assert len(cdnow_summary) == 2357
    assert int((cdnow_summary["frequency"] > 0).sum()) == 946


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_summary):
    s = cdnow_summary
    model = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    p = model.params_
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (
        0.243, 4.414, 0.793, 2.426)
    assert round(model.log_likelihood_, 1) == -9582.4
    # The paper's example: x=2, t_x=30.43, T=38.86 -> 1.226 purchases in the next 39 weeks.
    assert round(model.expected_purchases(39, 2, 30.43, 38.86), 3) == 1.226


def test_gamma_gamma_reproduces_fader_hardie(cdnow_summary):
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    gg = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    p = gg.params_
    assert (round(p["p"], 2), round(p["q"], 2), round(p["gamma"], 2)) == (6.25, 3.74, 15.44)


def test_probability_alive_bounds():
    m = BetaGeo().set_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    pa = m.probability_alive(np.array([0, 1, 5]), np.array([0, 30.0, 2.0]), np.array([38, 38, 38]))
    assert pa[0] == 1.0 and 0 < pa[2] < pa[1] < 1


@pytest.mark.parametrize("x, tx, T, message", [
    ([1, -1], [1, 1], [2, 2], "(-1.0, 1.0, 2.0) at customer 'B' instead, expected values >= 0."),
    ([1, 1], [1, 3], [2, 2], "(1.0, 3.0, 2.0) at customer 'B' instead, expected recency <= T."),
    ([1, 0], [1, 1], [2, 2], "(0.0, 1.0, 2.0) at customer 'B' instead, expected recency 0 when "
                             "frequency is 0."),
    ([1, np.nan], [1, 1], [2, 2], "(nan, 1.0, 2.0) at customer 'B' instead, expected no missing "
                                  "value (NaN)."),
    ([1, 1.5], [1, 1], [2, 2], "(1.5, 1.0, 2.0) at customer 'B' instead, expected a whole number "
                               "of repeat purchases."),
])
def test_bgnbd_bad_input_names_customer(x, tx, T, message):
    idx = pd.Index(["A", "B"], name="customer_id")
    with pytest.raises(ValueError) as err:
        BetaGeo().fit(pd.Series(x, index=idx), pd.Series(tx, index=idx), pd.Series(T, index=idx))
    assert str(err.value) == "Got frequency, recency, T=" + message


def test_simple_clv():
    assert simple_clv(100, retention=0.8, discount=0.1) == pytest.approx(100 * 0.8 / 0.3)
    assert simple_clv(100, retention=0.8, discount=0.1, horizon=200) == pytest.approx(
        simple_clv(100, retention=0.8, discount=0.1), rel=1e-9)
    with pytest.raises(ValueError, match=r"^Got discount=-0.1 instead, expected a finite rate "
                                         r">= 0\.$"):
        simple_clv(100, retention=0.5, discount=-0.1)
    with pytest.raises(ValueError, match=r"^Got horizon=2.5 instead, expected a whole number of "
                                         r"periods >= 0\.$"):
        simple_clv(100, retention=0.5, discount=0.1, horizon=2.5)


def test_unfitted_models_and_gamma_gamma_input():
    with pytest.raises(ValueError) as err:
        BetaGeo().probability_alive(1, 1, 2)
    assert str(err.value) == ("Got an unfitted BetaGeo instead, expected a fitted model; call "
                              "fit() or set_params() first.")
    with pytest.raises(ValueError, match=r"^Got an unfitted GammaGamma instead"):
        GammaGamma().expected_spend(1, 10.0)
    with pytest.raises(ValueError) as err:
        GammaGamma().fit(pd.Series([1, 0], index=["a", "b"]), pd.Series([5.0, 3.0]))
    assert str(err.value) == ("Got frequency, monetary_value=(0.0, 3.0) at customer 'b' instead, "
                              "expected both > 0 (only customers with a repeat purchase).")


def test_bgnbd_bad_input_exact_message():
    with pytest.raises(ValueError) as err:
        BetaGeo().fit([1, 2], [1, 5], [3, 4])
    assert str(err.value) == ("Got frequency, recency, T=(2.0, 5.0, 4.0) at row 1 instead, "
                              "expected recency <= T.")


def test_holdout_frequency_counts_days_after_calibration():
    log = pd.DataFrame({"customer_id": [1, 1, 1, 1], "amount": [1.0, 2.0, 3.0, 4.0],
                        "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01",
                                                "2024-03-01"])})
    out = summary_from_transactions(log, calibration_end="2024-01-15", holdout_end="2024-02-28")
    assert out.loc[1, "holdout_frequency"] == 1 and out.loc[1, "frequency"] == 0


def test_p_alive_of_one_for_no_repeat_purchase_is_an_artefact_the_holdout_shows():
    log = datasets.load("cdnow_sample")
    summary = summary_from_transactions(log, calibration_end="1997-09-30",
                                        holdout_end="1998-06-30")
    before = summary.copy()
    model = BetaGeo().set_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    got = alive_against_holdout(model, summary)
    pd.testing.assert_frame_equal(summary, before)
    assert got.index.tolist() == ["none", "one or more"]
    assert got["customers"].tolist() == [1411, 946]
    none, repeat = got.loc["none"], got.loc["one or more"]
    # P(alive) is 1 for every customer without a repeat purchase ...
    assert none["p_alive_min"] == 1.0 and none["p_alive_mean"] == 1.0
    # ... yet far fewer of them bought in the holdout than of the repeat buyers, whose
    # P(alive) is below 1 on average.
    assert none["bought_in_holdout"] < repeat["bought_in_holdout"] / 3
    assert repeat["p_alive_mean"] < 1


def test_alive_against_holdout_needs_the_holdout_column():
    summary = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [5.0]})
    model = BetaGeo().set_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(ValueError) as info:
        alive_against_holdout(model, summary)
    assert str(info.value) == ("Got summary without the column 'holdout_frequency' instead, "
                               "expected the columns 'frequency', 'recency', 'T', "
                               "'holdout_frequency'.")
