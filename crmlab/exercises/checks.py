"""What runs inside an exercise notebook: the data variant and the checks.

A check compares the student's value with the value computed from the student's own variant by
the instructor's keys (``notebooks/instructor/exercise_keys.py``, registered in
:data:`EXPECTED` when :func:`~crmlab.exercises.keys.load_keys` loads them: nothing in this
package computes an expected value), so no expected number is ever written in a notebook.
``check`` gives feedback without revealing the answer: in a student's notebook it compares a
keyed digest (the notebook's ``check_digests``, written by ``crmlab exercises assign``, see
:mod:`crmlab.exercises.keys`); in the instructor's checkout it may compute the value.
``hidden_check`` (only in the instructor's source, put back at grading) records the verdict for
the grader.

Where verdicts go: while the grader judges a submission (outside the student's kernel, see
:mod:`crmlab.grading.runner`) they go to the grader's collector; elsewhere, when
``CRMLAB_EXERCISE_RESULTS`` names a file, every verdict is appended to it as one JSON line (how
CI runs a solution notebook with papermill).

Data variants: ``variant(seed, name)`` reads ``<variants>/<seed>/`` from the folder of prepared
variants (``CRMLAB_VARIANTS``, read-only while grading) when it holds that seed, and otherwise
generates the variant once into ``CRMLAB_HOME/variants/<seed>``.
"""

from __future__ import annotations

import json
import os
import sys
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from crmlab.core.validation import check_choice
from crmlab.exercises.keys import EXPECTED, register

__all__ = ["variant", "check", "hidden_check", "register", "EXPECTED", "prepare_variant",
           "judging", "clv_parameters"]

#: The grader's collector of hidden verdicts and its folder of prepared variants, while judging.
_JUDGING: ContextVar = ContextVar("crmlab_judging", default=None)


def clv_parameters(seed):
    """The margin and retention rate of one student's CLV exercise, drawn from the seed (the
    exercise's notebook and its expected values both call it)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return {"margin": int(rng.integers(8, 31)) * 10, "retention": round(float(rng.uniform(0.55, 0.85)), 2)}


def prepare_variant(seed: int, root) -> Path:
    """Generate the data variant of ``seed`` into ``root/<seed>`` unless it is there; return it.

    Written aside and renamed whole, so a process reading the same variant never sees half of
    it, and two processes preparing the same seed do not collide.

    Examples
    --------
    >>> import tempfile
    >>> folder = prepare_variant(7, tempfile.mkdtemp())
    >>> folder.name, (folder / "suppliers.csv").is_file()
    ('7', True)
    """
    import shutil
    import tempfile

    from crmlab import datasets

    folder = Path(root) / str(int(seed))
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{int(seed)}.", dir=folder.parent))
        for path in datasets.write(datasets.generate(seed=int(seed), n_customers=300), tmp):
            path.chmod(0o644)  # written private (atomically); a sandboxed kernel's user reads it
        tmp.chmod(0o755)  # mkdtemp makes it private too
        try:
            tmp.rename(folder)
        except OSError:  # another process finished the same variant first
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


@lru_cache(maxsize=64)
def _variant_in(root: str, seed: int) -> str:
    return str(prepare_variant(seed, root))


def _variant_dir(seed: int) -> str:
    judging = _JUDGING.get()
    prepared = (judging or {}).get("variants") or os.environ.get("CRMLAB_VARIANTS")
    if prepared and (Path(prepared) / str(seed)).is_dir():
        return str(Path(prepared) / str(seed))
    if judging and prepared:
        return _variant_in(str(prepared), seed)
    from crmlab.core.paths import variants_dir

    return _variant_in(str(variants_dir()), seed)


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
    if isinstance(expected, tuple):
        # answers judged together (a name with its number): each part as its own check
        try:
            parts = tuple(value)
        except TypeError:
            return False
        return len(parts) == len(expected) and all(
            _same(part, want) for part, want in zip(parts, expected, strict=True))
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
    # A comparison that is not one truth value (a Series or an array compared with a number,
    # a string or a mapping) is not the expected answer: say "not yet", never crash.
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)):
        return False
    result = value == expected
    return isinstance(result, (bool, np.bool_)) and bool(result)


def _record(name: str, passed: bool, kind: str) -> None:
    target = os.environ.get("CRMLAB_EXERCISE_RESULTS")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"check": name, "passed": passed, "kind": kind}) + "\n")


def _instructor_keys() -> bool:
    """Load the instructor's keys when this is the instructor's checkout (the file is there)
    and not a grading kernel (a student's code runs there); return whether they are loaded."""
    from crmlab.core.paths import exercise_keys_file

    if os.environ.get("CRMLAB_SANDBOX_JOB") or not exercise_keys_file().is_file():
        return False
    from crmlab.exercises.keys import load_keys

    load_keys()
    return True


def _verdict(name: str, value, seed: int) -> bool:
    if name not in EXPECTED:
        _instructor_keys()
    check_choice("name", name, sorted(EXPECTED), error=KeyError)
    expected = EXPECTED[name](int(seed))
    try:
        return _same(value, expected)
    except Exception:  # a value that cannot be compared is not the right one
        return False


def _visible_verdict(name: str, value, seed: int, digests) -> tuple:
    """``(passed or None, the message's key and fields)``: from the keys when they are loaded,
    else from the notebook's digests, else from the instructor's keys when they are here."""
    checks = digests.get("checks", {}) if isinstance(digests, dict) else {}
    if name not in EXPECTED and name in checks:
        from crmlab.exercises.keys import matches

        try:
            if int(digests.get("seed", -1)) != int(seed):
                return None, ("check.other_seed", {"seed": digests.get("seed")})
            passed = matches(digests, name, value, int(seed))
        except (KeyError, TypeError, ValueError, AttributeError):  # digests edited by hand
            return None, ("check.no_key", {})
    elif name in EXPECTED or _instructor_keys() and name in EXPECTED:
        passed = _verdict(name, value, seed)
    elif os.environ.get("CRMLAB_SANDBOX_JOB"):  # the grader's kernel: the verdict comes later
        return None, ("check.by_the_grader", {})
    else:
        return None, ("check.no_key", {})
    return passed, ("check.correct" if passed else "check.not_yet", {})


def check(name: str, value, *, seed: int) -> None:
    """Visible check: print whether ``value`` is right, without revealing the expected value.

    The notebook's digests are its variable ``check_digests`` (in the namespace the check is
    called from: the notebook's); a notebook without a digest for ``name`` and without the
    instructor's keys says so and judges nothing.
    """
    digests = sys._getframe(1).f_globals.get("check_digests")
    passed, (key, fields) = _visible_verdict(name, value, seed, digests)
    if passed is not None:
        _record(name, passed, "visible")
    from crmlab.core.i18n import message

    print(message(key, name=name, **fields))


def _absent(value) -> bool:
    """No value to judge: the variable a check reads was not defined (``globals().get`` gave
    None), or one of the values judged together was not."""
    return value is None or (isinstance(value, tuple) and any(part is None for part in value))


def hidden_check(name: str, value, *, seed: int) -> None:
    """Hidden check (instructor's source only): record the verdict quietly.

    While the grader judges, the verdict is True or False, or None when there was no value to
    judge (see :class:`judging`).
    """
    passed = _verdict(name, value, seed)
    judging = _JUDGING.get()
    if judging is not None:
        judging["verdicts"][name] = None if not passed and _absent(value) else passed
    else:
        _record(name, passed, "hidden")


class judging:
    """Context of the grader judging one submission: hidden verdicts collected (``{check:
    True | False | None}``, None when there was no value to judge), variants read from the
    prepared folder ``variants`` (a folder of ``<seed>/`` variants, or None).

    Examples
    --------
    >>> register("demo-double")(lambda seed: 2 * seed)  # doctest: +ELLIPSIS
    <function <lambda> at ...>
    >>> with judging(variants=None) as verdicts:
    ...     hidden_check("demo-double", 14, seed=7)
    ...     hidden_check("demo-double", 15, seed=7)
    >>> verdicts
    {'demo-double': False}
    >>> with judging(variants=None) as verdicts:
    ...     hidden_check("demo-double", None, seed=7)
    >>> verdicts
    {'demo-double': None}
    >>> del EXPECTED["demo-double"]
    """

    def __init__(self, *, variants=None):
        self.state = {"verdicts": {}, "variants": str(variants) if variants else None}

    def __enter__(self) -> dict:
        self.token = _JUDGING.set(self.state)
        return self.state["verdicts"]

    def __exit__(self, *exc) -> None:
        _JUDGING.reset(self.token)
