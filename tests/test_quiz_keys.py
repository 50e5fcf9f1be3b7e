"""Numeric quiz keys are computed from the course data by crmlab, so they can never drift."""

import pytest

from crmlab import datasets
from crmlab.abc import abc_analysis
from crmlab.quiz import load
from crmlab.relationships import classify_supplier
from crmlab.selection import payback_period


def _suppliers_abc():
    return abc_analysis(datasets.load("suppliers"), value="profit_share", label="supplier_id")


def _class_a():
    ranked = _suppliers_abc()
    return ranked[ranked["abc_class"] == "A"]


KEYS = [
    ("L00", "n-datasets", lambda: len(datasets.names())),
    ("L02", "n-class-a", lambda: len(_class_a())),
    ("L02", "share-class-a", lambda: round(_class_a()["share"].sum() * 100, 1)),
    ("C2", "strategic-count",
     lambda: int((classify_supplier(datasets.load("suppliers"))["type"] == 4).sum())),
    ("L03", "payback-calc", lambda: payback_period(60_000, [7_000] * 24)),
    ("C3", "discounted", lambda: payback_period(120_000, [12_000] * 24, annual_rate=0.12)),
]


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), KEYS,
                         ids=[f"{k[0]}:{k[1]}" for k in KEYS])
def test_numeric_key_matches_the_data(quiz_id, question_id, compute):
    question = load(quiz_id).question(question_id)
    assert question.answer == pytest.approx(compute(), abs=1e-9)
