"""What runs inside an exercise notebook: the data variant and the checks.

A check compares the student's value with the value crmlab computes from the student's own
variant, so no expected number is ever written in a notebook. ``check`` gives feedback without
revealing the answer; ``hidden_check`` (only in the instructor's source, put back at grading)
records the verdict for the grader. When ``CRMLAB_EXERCISE_RESULTS`` names a file, every verdict
is appended to it as one JSON line.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["variant", "check", "hidden_check", "register", "EXPECTED"]

#: name -> function(seed) returning the expected value; exercises register theirs.
EXPECTED: dict = {}


def register(name):
    """Decorator: register the function computing the expected value of check ``name``."""
    def wrap(function):
        EXPECTED[name] = function
        return function
    return wrap


@lru_cache(maxsize=8)
def _variant_dir(seed: int) -> str:
    from crmlab import datasets
    from crmlab.paths import home_dir

    folder = home_dir() / "variants" / str(seed)
    if not folder.is_dir():
        # Written aside and renamed whole: a kernel reading the same variant never sees half.
        import shutil
        import tempfile

        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{seed}.", dir=folder.parent))
        datasets.write(datasets.generate(seed=seed, n_customers=300), tmp)
        try:
            tmp.rename(folder)
        except OSError:  # another process finished the same variant first
            shutil.rmtree(tmp, ignore_errors=True)
    return str(folder)


def variant(seed: int, name: str):
    """Load dataset ``name`` of the data variant drawn from ``seed`` (typed, like ``load``).

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> len(variant(7, "suppliers"))
    60
    """
    from crmlab import datasets

    return datasets.load(name, data_dir=_variant_dir(int(seed)))


def _same(value, expected) -> bool:
    import numpy as np
    import pandas as pd

    if isinstance(expected, float) or isinstance(value, float):
        try:
            return bool(np.isclose(float(value), float(expected), rtol=1e-6, atol=1e-6))
        except (TypeError, ValueError):
            return False
    if isinstance(expected, (set, frozenset)):
        try:
            return set(value) == expected
        except TypeError:
            return False
    if isinstance(expected, pd.Series):
        try:
            return bool(pd.Series(value).reset_index(drop=True).equals(
                expected.reset_index(drop=True)))
        except (TypeError, ValueError):
            return False
    return value == expected


def _record(name: str, passed: bool, kind: str) -> None:
    target = os.environ.get("CRMLAB_EXERCISE_RESULTS")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"check": name, "passed": passed, "kind": kind}) + "\n")


def _verdict(name: str, value, seed: int) -> bool:
    if name not in EXPECTED:
        raise KeyError(f"no check named {name!r}; known: {', '.join(sorted(EXPECTED))}")
    return _same(value, EXPECTED[name](int(seed)))


def check(name: str, value, *, seed: int) -> None:
    """Visible check: print whether ``value`` is right, without revealing the expected value."""
    passed = _verdict(name, value, seed)
    _record(name, passed, "visible")
    print(f"{name}: {'correct' if passed else 'not yet: look again at the method, not the number'}")


def hidden_check(name: str, value, *, seed: int) -> None:
    """Hidden check (instructor's source only): record the verdict quietly."""
    _record(name, _verdict(name, value, seed), "hidden")


# ---------------------------------------------------------------- expected values of exercises
@register("abc-class-a")
def _abc_class_a(seed):
    from crmlab.abc_analysis import abc_analysis

    ranked = abc_analysis(variant(seed, "suppliers"), value="profit_share", label="supplier_id")
    return set(ranked.loc[ranked["abc_class"] == "A", "supplier_id"])


@register("abc-share-a")
def _abc_share_a(seed):
    from crmlab.abc_analysis import abc_analysis

    ranked = abc_analysis(variant(seed, "suppliers"), value="profit_share", label="supplier_id")
    return round(float(ranked.loc[ranked["abc_class"] == "A", "share"].sum()), 4)


@register("abc-misranked")
def _abc_misranked(seed):
    from crmlab.abc_analysis import abc_analysis

    suppliers = variant(seed, "suppliers")
    by_profit = abc_analysis(suppliers, value="profit_share", label="supplier_id")
    by_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")
    a_profit = set(by_profit.loc[by_profit["abc_class"] == "A", "supplier_id"])
    a_cost = set(by_cost.loc[by_cost["abc_class"] == "A", "supplier_id"])
    return len(a_cost - a_profit)


def _classified(seed):
    from crmlab.relationships import classify_supplier

    return classify_supplier(variant(seed, "suppliers"))


@register("cls-partners")
def _cls_partners(seed):
    result = _classified(seed)
    return set(result.loc[result["type"] == 4, "supplier_id"])


@register("cls-counts")
def _cls_counts(seed):
    return {label: int(n) for label, n in _classified(seed)["relationship"].value_counts().items()}


@register("cls-flagged")
def _cls_flagged(seed):
    result = _classified(seed)
    return set(result.loc[result["special_cases"] != "", "supplier_id"])


def _selection(seed):
    from crmlab.selection import (
        example_candidates,
        requirement_profile,
        sensitivity,
        weighted_scores,
    )

    profile = requirement_profile(seed)
    return (weighted_scores(example_candidates(), profile),
            sensitivity(example_candidates(), profile))


@register("sel-winner")
def _sel_winner(seed):
    return _selection(seed)[0].index[0]


@register("sel-flip")
def _sel_flip(seed):
    return _selection(seed)[1].iloc[0]["requirement"]


@register("sel-change")
def _sel_change(seed):
    return round(abs(float(_selection(seed)[1].iloc[0]["change"])), 3)


def _rfm(seed):
    from crmlab.segmentation import rfm_scores, rfm_segment, rfm_table

    scores = rfm_scores(rfm_table(variant(seed, "orders")))
    return scores.assign(segment=rfm_segment(scores))


@register("rfm-champions")
def _rfm_champions(seed):
    return int((_rfm(seed)["segment"] == "champions").sum())


@register("rfm-platinum")
def _rfm_platinum(seed):
    from crmlab.segmentation import customer_pyramid

    tiers = customer_pyramid(_rfm(seed)["monetary"])
    return set(tiers.index[tiers == tiers.cat.categories[0]])  # the top tier, whatever its name


@register("survey-nps")
def _survey_nps(seed):
    from crmlab.survey import nps

    return round(float(nps(variant(seed, "survey")["nps"])["nps"]), 1)


@register("survey-top2")
def _survey_top2(seed):
    from crmlab.survey import csat

    return round(float(csat(variant(seed, "survey")["csat"])["top2"]), 3)


def clv_parameters(seed):
    """The margin and retention rate of one student's CLV exercise, drawn from the seed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return {"margin": int(rng.integers(8, 31)) * 10, "retention": round(float(rng.uniform(0.55, 0.85)), 2)}


@register("clv-value")
def _clv_value(seed):
    from crmlab.clv import simple_clv

    p = clv_parameters(seed)
    return round(simple_clv(p["margin"], retention=p["retention"], discount=0.1), 2)


@register("clv-repeat")
def _clv_repeat(seed):
    from crmlab.loyalty import repeat_rate

    return round(repeat_rate(variant(seed, "orders"), window=180), 3)


@register("clv-gain")
def _clv_gain(seed):
    from crmlab.clv import simple_clv

    p = clv_parameters(seed)
    base = simple_clv(p["margin"], retention=p["retention"], discount=0.1)
    better = simple_clv(p["margin"], retention=p["retention"] + 0.05, discount=0.1)
    return round(better - base, 2)
