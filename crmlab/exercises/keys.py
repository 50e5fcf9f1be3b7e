"""The instructor's exercise keys, loaded by path, and the digests a student's notebook carries.

The functions that compute each check's expected value from a seed are course content that a
student must not be able to run: they live in the instructor's module
``notebooks/instructor/exercise_keys.py`` (:func:`~crmlab.core.paths.exercise_keys_file`), a
folder ``crmlab release`` never copies, and nothing in the ``crmlab`` package defines them.
:func:`load_keys` loads that module by path (registering its functions in
:data:`~crmlab.exercises.checks.EXPECTED`); the grader, ``crmlab exercises assign`` and the
release's practice copies call it, in the instructor's checkout.

A student's notebook carries, for each *visible* check, a keyed digest instead of the value:
HMAC-SHA256(per-notebook random key, seed, check name, the value in :func:`canonical` form),
written by ``assign`` (and by the release for the practice seed) as the parameter
``check_digests``. ``check()`` hashes the student's value the same way and compares. A digest
does not reveal the value, but the key sits beside it: a value with few possibilities (a count
from 0 to 10,000) can be found by trying them all. Checks that exist only as hidden checks get
no digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import numbers
import secrets
from pathlib import Path

from crmlab.core.exceptions import ExerciseError

__all__ = ["EXPECTED", "register", "load_keys", "keys_source", "canonical", "kind_of", "digest", "make_digests",
           "matches", "DECIMALS", "DIGESTS"]

#: A number is compared at this many decimals (the hidden checks' tolerance is 1e-6).
DECIMALS = 6
#: The parameter a student's notebook sets to its digests.
DIGESTS = "check_digests"
_MODULE = "crmlab_instructor_exercise_keys"
_LOADED: dict = {}
#: name -> function(seed) returning the expected value: empty until the instructor's keys are
#: loaded (:func:`load_keys`), which only the instructor's checkout can; re-exported by
#: :mod:`crmlab.exercises.checks`.
EXPECTED: dict = {}


def register(name):
    """Decorator: register the function computing the expected value of check ``name``."""
    def wrap(function):
        EXPECTED[name] = function
        return function
    return wrap


def keys_source(path: str | Path | None = None) -> str:
    """The source of the instructor's keys module; a one-line :class:`ExerciseError` when it
    is not there (a student's copy of the course has none)."""
    from crmlab.core.instructor import read_source
    from crmlab.core.paths import exercise_keys_file

    return read_source(path or exercise_keys_file(), what="the instructor's exercise keys",
                       where_to="assign, release and grade in the instructor's checkout",
                       error=ExerciseError)


def load_keys(path: str | Path | None = None, *, source: str | None = None) -> None:
    """Load the instructor's keys module (from ``path``, its default place, or its ``source``
    text as the grader ships it to a worker), registering every check's expected-value
    function; a source already loaded is not run again.

    Examples
    --------
    >>> load_keys()
    >>> "rfm-champions" in EXPECTED
    True
    >>> load_keys("/nowhere/exercise_keys.py")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: /nowhere/exercise_keys.py: the instructor's exercise keys ...
    """
    from crmlab.core.instructor import run_source

    if source is None:
        source = keys_source(path)
    fingerprint = hashlib.sha256(source.encode()).hexdigest()
    if fingerprint in _LOADED:
        return
    _LOADED[fingerprint] = run_source(source, str(path or _MODULE), what="the exercise keys",
                                      error=ExerciseError, module=_MODULE)


def kind_of(expected) -> str:
    """How a value is compared (as ``check`` compares it): ``number``, ``tuple``, ``set``,
    ``series``, ``mapping`` or ``plain``.

    Examples
    --------
    >>> kind_of(3), kind_of(0.5), kind_of(("a", 1)), kind_of({"x"}), kind_of({"a": 1})
    ('number', 'number', 'tuple', 'set', 'mapping')
    """
    import pandas as pd

    if isinstance(expected, numbers.Real) and not isinstance(expected, bool):
        return "number"
    if isinstance(expected, tuple):
        return "tuple"
    if isinstance(expected, (set, frozenset)):
        return "set"
    if isinstance(expected, pd.Series):
        return "series"
    if isinstance(expected, dict):
        return "mapping"
    return "plain"


def _scalar(value) -> str:
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        return json.dumps(bool(value))
    if isinstance(value, numbers.Real):
        number = round(float(value), DECIMALS)
        return f"{number + 0.0:.{DECIMALS}f}"  # + 0.0: -0.0 is 0.0
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot compare a {type(value).__name__}")


def canonical(value, kind: str) -> str:
    """The text a value is hashed as, compared as ``kind`` (:func:`kind_of` the expected
    value): numbers at :data:`DECIMALS` decimals, a set's members sorted, a tuple part by part.
    A value that cannot be compared so raises TypeError (it is not the expected one).

    Examples
    --------
    >>> canonical(0.81230000001, "number"), canonical(3, "number")
    ('0.812300', '3.000000')
    >>> canonical(["S2", "S1"], "set"), canonical(["S1", 0.5], "tuple")
    ('{"S1","S2"}', '("S1",0.500000)')
    """
    import numpy as np
    import pandas as pd

    if kind == "number":
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError("not a number")
        return _scalar(value)
    if kind in ("tuple", "set", "series"):
        if isinstance(value, (str, bytes, dict, pd.DataFrame)):
            raise TypeError("not a collection of values")
        parts = [_scalar(part) for part in
                 (pd.Series(value).tolist() if kind == "series" else list(value))]
        if kind == "set":
            return "{" + ",".join(sorted(set(parts))) + "}"
        return "(" + ",".join(parts) + ")"
    if kind == "mapping":
        if not isinstance(value, dict):
            raise TypeError("not a mapping")
        return "{" + ",".join(sorted(f"{_scalar(k)}:{_scalar(v)}" for k, v in value.items())) + "}"
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)):
        raise TypeError("not one value")
    return _scalar(value)


def digest(key: str, name: str, seed: int, text: str) -> str:
    """HMAC-SHA256 of one check's canonical value, keyed by the notebook's ``key``."""
    message = f"{name}\0{int(seed)}\0{text}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def make_digests(names, seed: int, *, key: str | None = None) -> dict:
    """The ``check_digests`` of a notebook for ``seed``: a fresh random key (unless given) and,
    for each check in ``names``, how it is compared and the digest of its expected value. The
    instructor's keys are loaded.

    Examples
    --------
    >>> digests = make_digests(["rfm-champions"], 2024, key="00" * 16)
    >>> sorted(digests), sorted(digests["checks"]["rfm-champions"])
    (['checks', 'key', 'seed'], ['digest', 'kind'])
    """
    load_keys()
    key = key or secrets.token_hex(16)
    checks = {}
    for name in sorted(set(names)):
        if name not in EXPECTED:
            raise ExerciseError(f"check {name!r}: the instructor's exercise keys do not define it")
        expected = EXPECTED[name](int(seed))
        kind = kind_of(expected)
        checks[name] = {"kind": kind, "digest": digest(key, name, seed, canonical(expected, kind))}
    return {"seed": int(seed), "key": key, "checks": checks}


def matches(digests: dict, name: str, value, seed: int) -> bool:
    """Whether ``value`` has the digest ``digests`` hold for check ``name`` (a value that
    cannot be compared does not).

    Examples
    --------
    >>> digests = make_digests(["clv-value"], 2024)
    >>> right = EXPECTED["clv-value"](2024)
    >>> matches(digests, "clv-value", right, 2024), matches(digests, "clv-value", right + 1, 2024)
    (True, False)
    >>> matches(digests, "clv-value", "lots", 2024)
    False
    """
    entry = digests["checks"][name]
    kind, expected = entry["kind"], entry["digest"]
    try:
        text = canonical(value, kind)
    except Exception:  # a value that cannot even be compared is not the right one
        return False
    return hmac.compare_digest(digest(digests["key"], name, seed, text), expected)
