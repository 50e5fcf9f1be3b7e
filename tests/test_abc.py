"""crmlab.abc: cut-offs, the crossing rule, ties, validation, no mutation."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.abc import abc_analysis


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
])
def test_invalid_arguments(kwargs, message):
    items = pd.DataFrame({"id": ["a", "b"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError) as info:
        abc_analysis(items, **kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_bad_values_name_the_item(bad):
    items = pd.DataFrame({"id": ["a", "b"], "v": [1.0, bad]})
    with pytest.raises(ValueError, match=r"^Got v=.* for item 'b'; values must be numbers >= 0.$"):
        abc_analysis(items, value="v", label="id")


def test_unit_cost_ranking_is_the_mistake_the_source_warns_about():
    suppliers = datasets.load("suppliers")
    by_profit = abc_analysis(suppliers, value="profit_share", label="supplier_id")
    by_unit_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")
    a_profit = set(by_profit.loc[by_profit["abc_class"] == "A", "supplier_id"])
    a_cost = set(by_unit_cost.loc[by_unit_cost["abc_class"] == "A", "supplier_id"])
    assert len(a_profit ^ a_cost) > len(a_profit & a_cost)
