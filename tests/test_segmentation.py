"""Tests of crmlab.segmentation: RFM quintile scores and their ties, segments, pyramid, ABC."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from crmlab.segmentation import (
    CURRY_TIERS,
    RFM_SEGMENTS,
    customer_abc,
    customer_pyramid,
    dense_rank_scores,
    rfm_distribution,
    rfm_scores,
    rfm_segment,
    rfm_table,
    segment_ranges,
)


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


def _table(frequency):
    frequency = np.asarray(frequency)
    return pd.DataFrame({"recency": np.arange(len(frequency)), "frequency": frequency,
                         "monetary": np.arange(len(frequency), dtype=float)})


def _best_sizes(values, bins):
    """Brute force: the smallest sum of (bins * size - n) ** 2 over all cuts between ties."""
    _, counts = np.unique(values, return_counts=True)
    n, k = counts.sum(), len(counts)
    best = None
    for cuts in combinations(range(1, k), bins - 1):
        edges = [0, *cuts, k]
        sizes = [int(counts[a:b].sum()) for a, b in zip(edges, edges[1:])]
        cost = sum((bins * size - n) ** 2 for size in sizes)
        best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("n", [5, 10, 11, 99, 1000])
def test_without_ties_each_score_holds_a_fifth(n):
    scores = rfm_scores(_table(np.arange(n) + 1))
    for letter in "RFM":
        counts = scores[letter].value_counts()
        assert sorted(counts.index) == [1, 2, 3, 4, 5]
        assert set(counts) <= {n // 5, -(-n // 5)} and counts.sum() == n
    assert scores["F"].is_monotonic_increasing and scores["R"].is_monotonic_decreasing


# Hand-made frequencies with ties: (frequencies as value x count, the counts of scores 1..5).
TIES = [
    ({1: 60, 2: 10, 3: 10, 4: 10, 5: 10}, [60, 10, 10, 10, 10]),
    ({1: 33, 2: 18, 3: 13, 4: 7, 5: 6, 6: 5, 7: 3, 8: 4, 9: 11}, [33, 18, 13, 18, 18]),
    ({1: 20, 2: 20, 3: 20, 4: 20, 5: 20}, [20, 20, 20, 20, 20]),
    ({1: 10, 2: 30, 3: 10, 4: 10, 5: 10, 6: 30}, [10, 30, 10, 20, 30]),
    ({1: 95, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}, [95, 1, 1, 1, 2]),
]


@pytest.mark.parametrize("counts, expected", TIES, ids=[str(c[1]) for c in TIES])
def test_ties_share_a_score_and_the_cuts_are_the_best_the_ties_allow(counts, expected):
    frequency = np.repeat(list(counts), list(counts.values()))
    scores = rfm_scores(_table(frequency))
    assert (scores.groupby("frequency")["F"].nunique() == 1).all()
    got = scores["F"].value_counts().reindex(range(1, 6), fill_value=0).tolist()
    assert got == expected
    n = len(frequency)
    assert sum((5 * size - n) ** 2 for size in got) == _best_sizes(frequency, 5)


@pytest.mark.parametrize("seed", range(12))
def test_random_ties_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    bins = int(rng.integers(2, 6))
    values = rng.geometric(rng.uniform(0.2, 0.7), size=int(rng.integers(bins * 3, 300)))
    if len(np.unique(values)) < bins or len(np.unique(values)) > 14:
        values = np.minimum(values, 12)
        values[:bins] = np.arange(1, bins + 1)
    scores = rfm_scores(_table(values), bins=bins)
    got = scores["F"].value_counts().reindex(range(1, bins + 1), fill_value=0).to_numpy()
    assert (got > 0).all()
    assert (scores.groupby("frequency")["F"].nunique() == 1).all()
    assert scores.sort_values("frequency")["F"].is_monotonic_increasing
    assert int(((bins * got - len(values)) ** 2).sum()) == _best_sizes(values, bins)


@pytest.mark.parametrize("frequency, expected", [
    ([1] * 10, [3] * 10),                              # one value: the middle score
    ([1] * 9 + [2], [3] * 9 + [5]),                    # middles at 45% and 95%
    ([1] * 5 + [2] * 5, [2] * 5 + [4] * 5),            # middles at 25% and 75%
    ([1] * 96 + [2] * 2 + [3] * 2, [3] * 96 + [4] * 2 + [5] * 2),  # 97% and 99%: moved down
    ([1, 2, 3, 4], [1, 2, 4, 5]),                       # middles at 12.5%, 37.5%, 62.5%, 87.5%
])
def test_fewer_values_than_scores(frequency, expected):
    assert rfm_scores(_table(frequency))["F"].tolist() == expected


def test_recency_is_reversed():
    scores = rfm_scores(pd.DataFrame({"recency": [3, 1, 2, 5, 4], "frequency": [1] * 5,
                                      "monetary": [1.0] * 5}))
    assert scores["R"].tolist() == [3, 5, 4, 1, 2]


def test_rfm_scores_errors_and_no_mutation():
    with pytest.raises(ValueError, match=r"^Got bins=1 instead, expected a whole number >= 2\.$"):
        rfm_scores(pd.DataFrame({"recency": [1], "frequency": [1], "monetary": [1.0]}), bins=1)
    bad = pd.DataFrame({"recency": [1, 2], "frequency": [1, None], "monetary": [1.0, 2.0]},
                       index=["a", "b"])
    with pytest.raises(ValueError) as err:
        rfm_scores(bad)
    assert str(err.value) == "Got frequency=nan at customer 'b' instead, expected a number."
    table = _table([1, 1, 2, 3, 5, 8])
    before = table.copy()
    rfm_scores(table)
    pd.testing.assert_frame_equal(table, before)


def test_distribution_counts_shares_and_ranges():
    # Four values for five scores: each value its own score, at its middle customer's fifth
    # (30%, 70%, 85%, 95% -> 2, 4, 5, 5), moved down to keep them apart: 2, 3, 4, 5.
    scores = rfm_scores(_table([1] * 6 + [2] * 2 + [3, 4]))
    got = rfm_distribution(scores)
    f = got["F"]
    assert f["customers"].tolist() == [0, 6, 2, 1, 1]
    assert f["share"].tolist() == [0.0, 0.6, 0.2, 0.1, 0.1]
    assert f["from"].tolist()[1:] == [1.0, 2.0, 3.0, 4.0] and pd.isna(f.loc[1, "from"])
    assert got["R"]["customers"].tolist() == [2, 2, 2, 2, 2]
    assert got.columns.get_level_values(0).unique().tolist() == ["R", "F", "M"]
    assert rfm_distribution(scores, bins=6)["F"]["customers"].tolist() == [0, 6, 2, 1, 1, 0]


def test_dense_rank_scores_count_values_not_customers():
    # 60 customers with one order, 10 with two, then ten customers with ten distinct counts:
    # 12 distinct values, so the lowest fifth of the values (ranks 1-2) is 70 of 80 customers.
    table = _table([1] * 60 + [2] * 10 + list(range(3, 13)))
    before = table.copy()
    dense = dense_rank_scores(table)
    pd.testing.assert_frame_equal(table, before)
    assert dense["F"].value_counts().reindex(range(1, 6)).tolist() == [70, 2, 3, 2, 3]
    assert (dense.groupby("frequency")["F"].nunique() == 1).all()
    assert rfm_scores(table)["F"].value_counts()[1] == 60
    assert dense.columns.tolist() == rfm_scores(table).columns.tolist()
    assert dense.loc[dense["recency"].idxmin(), "R"] == 5
    with pytest.raises(ValueError, match=r"^Got bins=1 instead, expected a whole number >= 2\.$"):
        dense_rank_scores(table, bins=1)


def test_segment_ranges_read_each_segment_from_the_scores():
    rng = np.random.default_rng(3)
    t = pd.DataFrame({"recency": rng.integers(1, 700, 300), "frequency": rng.geometric(0.3, 300),
                      "monetary": rng.uniform(1, 100, 300)})
    scores = rfm_scores(t)
    ranges = segment_ranges(scores)
    segments = rfm_segment(scores)
    assert ranges.index.tolist() == list(RFM_SEGMENTS)
    assert ranges["customers"].sum() == len(scores)
    for name, row in ranges.iterrows():
        inside = scores[segments == name]
        assert row["customers"] == len(inside)
        # every customer of the segment lies within the ranges its scores cover
        assert inside["recency"].between(row["days_from"], row["days_to"]).all()
        assert inside["frequency"].between(row["orders_from"], row["orders_to"]).all()
    assert ranges.loc["champions", ["R", "F"]].tolist() == ["4-5", "4-5"]
    assert ranges.loc["needs attention", "R"] == "3"


def test_rfm_segment_rules_cover_the_grid_once():
    grid = pd.DataFrame([(r, f) for r in range(1, 6) for f in range(1, 6)], columns=["R", "F"])
    segments = rfm_segment(grid)
    assert (segments != "").all()
    for name, (r_in, f_in, _) in RFM_SEGMENTS.items():
        inside = grid["R"].isin(r_in) & grid["F"].isin(f_in)
        if name == "loyal":  # loyal is the 3-5 x 3-5 square without the champions
            inside &= ~(grid["R"].isin((4, 5)) & grid["F"].isin((4, 5)))
        assert (segments[inside] == name).all(), name
    assert segments.value_counts().sum() == 25
    s = rfm_segment(pd.DataFrame({"R": [5, 3, 5, 2, 1, 3], "F": [5, 3, 1, 4, 1, 1]}))
    assert s.tolist() == ["champions", "loyal", "new or promising", "at risk", "lost",
                          "needs attention"]
    with pytest.raises(ValueError) as err:
        rfm_segment(pd.DataFrame({"R": [5, 6], "F": [1, 1]}))
    assert str(err.value) == "Got R=6 at customer 1 instead, expected a whole number from 1 to 5."


def test_pyramid_is_curry_and_curry_s_and_takes_other_tiers():
    v = pd.Series(np.arange(100, 0, -1, dtype=float))
    tiers = customer_pyramid(v)
    assert list(tiers.cat.categories) == list(CURRY_TIERS) == ["top", "big", "medium", "small"]
    assert tiers.value_counts().reindex(CURRY_TIERS).tolist() == [1, 4, 15, 80]
    zeithaml = customer_pyramid(v, tiers=("platinum", "gold", "iron", "lead"))
    assert zeithaml.value_counts().reindex(["platinum", "gold", "iron", "lead"]).tolist() == [
        1, 4, 15, 80]
    with pytest.raises(ValueError, match=r"^Got cutoffs=\(0\.5, 0\.2, 0\.9\) instead"):
        customer_pyramid(v, cutoffs=(0.5, 0.2, 0.9))
    with pytest.raises(ValueError) as err:
        customer_pyramid(pd.Series([1.0, "x"], index=["a", "b"]))
    assert str(err.value) == "Got value='x' at customer 'b' instead, expected a number."


def test_customer_abc():
    t = pd.DataFrame({"monetary": [80.0, 15, 5]}, index=pd.Index(list("xyz"), name="customer_id"))
    assert customer_abc(t)["abc_class"].astype(str).tolist() == ["A", "B", "C"]


def _l05_keys():
    """The L05 keys, each from other inputs than the lesson prints (tests/test_quiz_leaks.py).

    Every graded number but bgnbd-r is a number of one's own, keyed on the practice variant
    (the formula questions with the practice variant's inputs); bgnbd-r is on the real CDNOW
    data, which every variant shares."""
    from crmlab import datasets
    from crmlab.clv import BetaGeo, simple_clv, summary_from_transactions
    from crmlab.quiz import load

    practice = datasets.Variant()
    quiz = load("L05")
    clv, expected = (practice.inputs("L05", q, quiz.question(q).inputs)
                     for q in ("clv", "expected"))
    orders = practice.load("orders")
    earlier = orders[orders["order_date"] < "2024-01-01"]
    segments = rfm_segment(rfm_scores(rfm_table(earlier, as_of="2024-01-01")))
    margin = rfm_table(orders, value="margin")["monetary"]
    tiers = customer_pyramid(margin, cutoffs=(0.02, 0.10, 0.30))
    cdnow = datasets.load("cdnow_sample")
    paper = summary_from_transactions(cdnow, calibration_end="1997-09-30")
    model = BetaGeo().fit(paper["frequency"], paper["recency"], paper["T"])
    longer = summary_from_transactions(cdnow, calibration_end="1997-12-31")
    refit = BetaGeo().fit(longer["frequency"], longer["recency"], longer["T"])
    return {
        "n-champions": int((segments == "champions").sum()),
        "platinum-share": round(float(margin[tiers == "top"].sum() / margin.sum() * 100), 1),
        "clv": round(simple_clv(clv["margin"], retention=clv["retention"] / 100,
                                discount=clv["discount"] / 100), 2),
        "bgnbd-r": round(refit.params_["r"], 3),
        "expected": round(model.expected_purchases(39, expected["frequency"],
                                                   expected["recency"], 38.86), 3),
    }


def test_quiz_l05_numeric_keys_match_the_data():
    from crmlab.quiz import load

    quiz = load("L05")
    for question_id, value in _l05_keys().items():
        assert quiz.question(question_id).answer == pytest.approx(value, abs=1e-9), question_id
