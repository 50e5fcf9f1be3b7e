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

from crmlab._validation import check_choice

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
    check_choice("name", name, sorted(EXPECTED), error=KeyError)
    return _same(value, EXPECTED[name](int(seed)))


def check(name: str, value, *, seed: int) -> None:
    """Visible check: print whether ``value`` is right, without revealing the expected value."""
    passed = _verdict(name, value, seed)
    _record(name, passed, "visible")
    print(f"{name}: {'correct' if passed else 'not yet: look again at the method, not the number'}")


def hidden_check(name: str, value, *, seed: int) -> None:
    """Hidden check (instructor's source only): record the verdict quietly."""
    _record(name, _verdict(name, value, seed), "hidden")
