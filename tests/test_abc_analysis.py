"""crmlab.abc_analysis: cut-offs, the crossing rule, ties, validation, no mutation."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.abc_analysis import CUTOFFS, abc_analysis, abc_rankings, abc_summary


def test_crossing_item_belongs_to_the_upper_class():
    items = pd.DataFrame({"id": list("abcde"), "v": [60, 25, 10, 4, 1]})
    out = abc_analysis(items, value="v", label="id")
    # cumulative before each item: 0, .60, .85, .95, .99 -> a, b cross 80% -> A; c -> B
    assert out["abc_class"].astype(str).tolist() == ["A", "A", "B", "C", "C"]
    assert out["cumulative_share"].tolist() == [0.6, 0.85, 0.95, 0.99, 1.0]


def test_ties_are_broken_by_label_and_input_is_not_mutated():
    items = pd.DataFrame({"id": ["z", "y", "x"], "v": [5, 5, 5]})
    before = items.copy()
    out = abc_analysis(items, value="v", label="id", cutoffs=(0.5, 0.9))
    assert out["id"].tolist() == ["x", "y", "z"]
    pd.testing.assert_frame_equal(items, before)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"value": "w"}, "Got value='w' instead, expected one of the columns 'id', 'v'."),
    ({"value": "v", "label": "name"},
     "Got label='name' instead, expected one of the columns 'id', 'v'."),
    ({"value": "v", "cutoffs": (0.9, 0.8)},
     "Got cutoffs=(0.9, 0.8) instead, expected two increasing shares within (0, 1], e.g. "
     "(0.8, 0.95)."),
    ({"value": "v", "cutoffs": (0.5, 1.2)},
     "Got cutoffs=(0.5, 1.2) instead, expected two increasing shares within (0, 1], e.g. "
     "(0.8, 0.95)."),
    ({"value": "v", "cutoffs": (0.5,)},
     "Got cutoffs=(0.5,) instead, expected two increasing shares within (0, 1], e.g. "
     "(0.8, 0.95)."),
])
def test_invalid_arguments(kwargs, message):
    items = pd.DataFrame({"id": ["a", "b"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError) as info:
        abc_analysis(items, **kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "x"])
def test_bad_values_name_the_item(bad):
    items = pd.DataFrame({"id": ["a", "b"], "v": [1.0, bad]})
    with pytest.raises(ValueError) as info:
        abc_analysis(items, value="v", label="id")
    assert str(info.value) == f"Got v={bad!r} at item 'b' instead, expected a number >= 0."
    with pytest.raises(ValueError) as info:
        abc_analysis(pd.DataFrame({"v": [0.0, 0.0]}), value="v")
    assert str(info.value) == ("Got v='values summing to 0' instead, expected a column with a "
                               "positive total to rank.")


def test_unit_cost_ranking_is_the_mistake_the_source_warns_about():
    suppliers = datasets.load("suppliers")
    by_profit = abc_analysis(suppliers, value="profit_share", label="supplier_id")
    by_unit_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")
    a_profit = set(by_profit.loc[by_profit["abc_class"] == "A", "supplier_id"])
    a_cost = set(by_unit_cost.loc[by_unit_cost["abc_class"] == "A", "supplier_id"])
    assert len(a_profit ^ a_cost) > len(a_profit & a_cost)


def test_rankings_side_by_side_on_the_suppliers():
    suppliers = datasets.load("suppliers")
    before = suppliers.copy()
    got = abc_rankings(suppliers, values=["profit_share", "annual_spend", "unit_cost"],
                       label="supplier_id")
    pd.testing.assert_frame_equal(suppliers, before)
    assert got.columns.tolist() == ["rank_profit_share", "class_profit_share",
                                    "rank_annual_spend", "class_annual_spend",
                                    "rank_unit_cost", "class_unit_cost"]
    assert got["rank_profit_share"].tolist() == list(range(1, len(suppliers) + 1))
    for value in ("profit_share", "annual_spend", "unit_cost"):
        alone = abc_analysis(suppliers, value=value, label="supplier_id").set_index("supplier_id")
        assert got[f"class_{value}"].to_dict() == alone["abc_class"].to_dict()
    # The two rankings of the source agree more with each other than with unit cost.
    agree = (got["class_profit_share"] == got["class_annual_spend"]).mean()
    assert agree > (got["class_profit_share"] == got["class_unit_cost"]).mean()


def test_rankings_errors_and_the_convention():
    assert CUTOFFS == (0.8, 0.95)
    items = pd.DataFrame({"id": ["a", "b"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError) as info:
        abc_rankings(items, values=[], label="id")
    assert str(info.value) == "Got values=[] instead, expected at least one column to rank by."
    with pytest.raises(ValueError, match=r"^Got label='name' instead"):
        abc_rankings(items, values="v", label="name")
    assert abc_rankings(items, values="v", label="id").index.tolist() == ["b", "a"]


def test_summary_gives_counts_with_their_shares_of_items_and_value():
    items = pd.DataFrame({"id": list("abcdefghij"), "v": [50, 30, 6, 5, 4, 2, 1, 1, 1, 0]})
    ranked = abc_analysis(items, value="v", label="id")
    before = ranked.copy()
    got = abc_summary(ranked)
    pd.testing.assert_frame_equal(ranked, before)
    assert got.index.tolist() == ["A", "B", "C"]
    assert got["n_items"].tolist() == [2, 3, 5]
    assert got["share_of_items"].tolist() == [0.2, 0.3, 0.5]
    assert got["share_of_value"].tolist() == pytest.approx([0.8, 0.15, 0.05])
    assert got["n_items"].sum() == len(items) and got["share_of_value"].sum() == pytest.approx(1)


def test_summary_shows_an_empty_class_and_names_a_missing_column():
    ranked = abc_analysis(pd.DataFrame({"id": ["a"], "v": [1.0]}), value="v", label="id")
    assert abc_summary(ranked)["n_items"].tolist() == [1, 0, 0]
    with pytest.raises(ValueError) as info:
        abc_summary(ranked.drop(columns="abc_class"))
    assert str(info.value) == ("Got ranked without the column 'abc_class' instead, expected the "
                               "columns 'share', 'abc_class'.")
