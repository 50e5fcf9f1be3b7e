"""Tests of crmlab.segmentation: RFM ties, segments, pyramid, ABC of customers."""

import numpy as np
import pandas as pd
import pytest

from crmlab.segmentation import customer_abc, customer_pyramid, rfm_scores, rfm_segment, rfm_table


def _orders():
    return pd.DataFrame({
        "order_id": [1, 1, 2, 3, 4, 5],
        "customer_id": ["a", "a", "a", "b", "c", "c"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-10", "2024-01-05",
                                      "2024-01-09", "2024-01-10"]),
        "revenue": [5.0, 5.0, 20.0, 8.0, 3.0, 4.0],
    })


def test_rfm_table_values_and_no_mutation():
    orders = _orders()
    before = orders.copy()
    t = rfm_table(orders, as_of="2024-01-11")
    pd.testing.assert_frame_equal(orders, before)
    assert t.loc["a"].tolist() == [1, 2, 30.0]
    assert t.loc["b"].tolist() == [6, 1, 8.0]
    assert t.loc["c"].tolist() == [1, 2, 7.0]


def test_rfm_ties_never_split():
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"recency": rng.integers(0, 10, 500), "frequency": rng.integers(1, 4, 500),
                      "monetary": rng.integers(1, 50, 500).astype(float)})
    s = rfm_scores(t)
    for col, score in [("recency", "R"), ("frequency", "F"), ("monetary", "M")]:
        assert (s.groupby(col)[score].nunique() == 1).all()
    assert s["R"].between(1, 5).all()
    # recency reversed: the most recent buyers get the top score
    assert s.loc[s["recency"].idxmin(), "R"] == 5


def test_rfm_scores_bad_bins():
    with pytest.raises(ValueError, match=r"^Got bins=1 instead, expected a whole number >= 2\.$"):
        rfm_scores(pd.DataFrame({"recency": [1], "frequency": [1], "monetary": [1.0]}), bins=1)


def test_rfm_segment_rules():
    s = rfm_segment(pd.DataFrame({"R": [5, 3, 5, 2, 1, 3], "F": [5, 3, 1, 4, 1, 1]}))
    assert s.tolist() == ["champions", "loyal", "new or promising", "at risk", "lost", "other"]


def test_pyramid_shares_and_bad_cutoffs():
    v = pd.Series(np.arange(100, 0, -1, dtype=float))
    tiers = customer_pyramid(v)
    assert tiers.value_counts().reindex(["platinum", "gold", "iron", "lead"]).tolist() == [
        1, 4, 15, 80]
    with pytest.raises(ValueError, match=r"^Got cutoffs=\(0\.5, 0\.2, 0\.9\) instead"):
        customer_pyramid(v, cutoffs=(0.5, 0.2, 0.9))


def test_customer_abc():
    t = pd.DataFrame({"monetary": [80.0, 15, 5]}, index=pd.Index(list("xyz"), name="customer_id"))
    assert customer_abc(t)["abc_class"].astype(str).tolist() == ["A", "B", "C"]



def _l05_keys():
    from crmlab import datasets
    from crmlab.clv import BetaGeo, simple_clv, summary_from_transactions

    orders = datasets.load("orders")
    segments = rfm_segment(rfm_scores(rfm_table(orders)))
    margin = rfm_table(orders, value="margin")["monetary"]
    tiers = customer_pyramid(margin)
    s = summary_from_transactions(datasets.load("cdnow_sample"), calibration_end="1997-09-30")
    model = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    return {
        "n-champions": int((segments == "champions").sum()),
        "platinum-share": round(float(margin[tiers == "platinum"].sum() / margin.sum() * 100), 1),
        "clv": round(simple_clv(100, retention=0.8, discount=0.1), 2),
        "bgnbd-r": round(model.params_["r"], 3),
        "expected": round(model.expected_purchases(39, 2, 30.43, 38.86), 3),
    }


def test_quiz_l05_numeric_keys_match_the_course_data():
    from crmlab.quiz import load

    quiz = load("L05")
    for question_id, value in _l05_keys().items():
        assert quiz.question(question_id).answer == pytest.approx(value, abs=1e-9), question_id
