"""One validation layer for the whole package: one helper per kind of check, one message shape.

Every helper raises ``ValueError`` (or the error class the caller passes as ``error=``) with a
message of one shape, naming the option and the value it got, then what was expected (the shape
and the common descriptions are catalog entries, ``error.*``, so the student reads them in their
language)::

    Got window=0 instead, expected a whole number >= 1.
    Got by='week' instead, expected one of 'cohort', 'channel'.
    Got orders without the column 'order_date' instead, expected the columns 'customer_id', ...

Callers validate at their entry point and never modify their inputs. A helper that accepts a
value returns it in its checked form (an ``int``, a ``float``), so a caller can write
``window = check_whole("window", window, minimum=1)``.

Where one bad entry must not stop the others, problems are collected instead of raised, in one
of two collectors: :class:`LineProblems` for the entries of one file (reported as
``FILE:LINE: WHERE: message``: the course file, the quiz schema) and :class:`Problems` for what
a grading run set aside (the rows of its ``problems.csv``, :data:`PROBLEM_COLUMNS`).
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "expected",
    "is_finite_number",
    "Problems",
    "PROBLEM_COLUMNS",
    "LineProblems",
    "check_columns",
    "check_no_columns",
    "check_column_options",
    "check_each",
    "check_unique",
    "check_choice",
    "check_whole",
    "check_number",
    "check_rate",
    "check_pair",
    "check_fitted",
]


def _shown(values) -> str:
    return ", ".join(repr(v) for v in values)


def _say(key: str, **fields) -> str:
    """The catalog entry ``error.<key>`` in the language in effect (English when the language
    cannot be read): the message shape and the descriptions of the common checks read in the
    student's language."""
    from crmlab.core.exceptions import CrmlabError
    from crmlab.core.i18n import get_language, message

    try:
        lang = get_language()
    except CrmlabError:
        lang = "en"
    return message(f"error.{key}", lang, **fields)


def _word(kind: str, name: str) -> str:
    """``name`` (a unit, an item, a kind of number) as the catalog's ``error.<kind>.<name>``
    says it in the language in effect, else as given."""
    from crmlab.core.i18n import catalog

    key = f"error.{kind}.{name}"
    return _say(f"{kind}.{name}") if key in catalog("en") else name


def expected(field: str, value, what: str, *, where: str = "",
             error: type[Exception] = ValueError) -> Exception:
    """Build (not raise) the error ``Got field=value instead, expected what.``

    For a rule no helper below covers; the message keeps the one shape. ``where`` says where
    the value sits (" for supplier 'S1'", " at row 3") and follows the value; every helper below
    takes it too.

    Examples
    --------
    >>> raise expected("cutoffs", (0.9, 0.8), "two increasing shares within (0, 1]")
    Traceback (most recent call last):
    ...
    ValueError: Got cutoffs=(0.9, 0.8) instead, expected two increasing shares within (0, 1].
    >>> raise expected("supply_risk", "huge", "one of 'low', 'medium', 'high'",
    ...                where=" for supplier 'S1'")
    Traceback (most recent call last):
    ...
    ValueError: Got supply_risk='huge' for supplier 'S1' instead, expected one of 'low', \
'medium', 'high'.
    """
    return error(_say("expected", field=field, value=_value(value), where=where, what=what))


#: The longest value a message repeats in full: a submitted answer can be two megabytes.
SHOWN = 120


def _value(value) -> str:
    """``repr(value)``, cut to :data:`SHOWN` characters and its length.

    Examples
    --------
    >>> _value("x" * 10), _value("x" * 1000)[-24:]
    ("'xxxxxxxxxx'", 'xxx... (1002 characters)')
    """
    shown = repr(value)
    return shown if len(shown) <= SHOWN else f"{shown[:SHOWN]}... ({len(shown)} characters)"


def check_columns(data, columns, *, table: str = "a table", kind: str = "column",
                  error: type[Exception] = ValueError) -> None:
    """Every name in ``columns`` must be a column of ``data`` (a table named ``table``).

    ``data`` may also be a mapping (a profile given as a dict): its keys are then its fields,
    and ``kind="field"`` words the message for it.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"customer_id": [1], "amount": [9.5]})
    >>> check_columns(orders, ["customer_id", "amount"], table="orders")
    >>> check_columns(orders, ["customer_id", "order_date"], table="orders")
    Traceback (most recent call last):
    ...
    ValueError: Got orders without the column 'order_date' instead, expected the columns \
'customer_id', 'order_date'.
    """
    present = set(data.columns) if hasattr(data, "columns") else set(data)
    missing = [c for c in columns if c not in present]
    if missing:
        raise error(f"Got {table} without the {kind} {missing[0]!r} instead, expected the "
                    f"{kind}s {_shown(columns)}.")


def check_no_columns(data, columns, *, table: str = "a table",
                     error: type[Exception] = ValueError) -> None:
    """No name in ``columns`` may be a column of ``data`` (a table named ``table``): the
    columns a function adds to a copy of its input, which would otherwise replace the caller's
    own without a word.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"customer_id": [1], "person": [1]})
    >>> check_no_columns(orders, ["segment"], table="orders")
    >>> check_no_columns(orders, ["segment", "person"], table="orders")
    Traceback (most recent call last):
    ...
    ValueError: Got orders with the column 'person' instead, expected no column named \
'segment' or 'person'.
    """
    present = set(data.columns)
    taken = [c for c in columns if c in present]
    if taken:
        names = [repr(c) for c in columns]
        named = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        raise error(f"Got {table} with the column {taken[0]!r} instead, expected no column "
                    f"named {named}.")


def check_column_options(data, *, error: type[Exception] = ValueError, **fields) -> None:
    """Each keyword names an option and the column the caller chose for it; all must exist.

    Examples
    --------
    >>> import pandas as pd
    >>> check_column_options(pd.DataFrame({"a": [1]}), value="a")
    >>> check_column_options(pd.DataFrame({"a": [1]}), value="b")
    Traceback (most recent call last):
    ...
    ValueError: Got value='b' instead, expected one of the columns 'a'.
    """
    for field, name in fields.items():
        if name not in data.columns:
            raise expected(field, name, f"one of the columns {_shown(data.columns)}",
                           error=error)


def check_each(field: str, values, *, minimum: float | None = None,
               maximum: float | None = None, whole: bool = False, choices=None,
               item: str = "row", what: str | None = None,
               error: type[Exception] = ValueError) -> None:
    """Every value of ``values`` must pass; the first that fails is named with its label.

    ``values`` is a Series (its index labels the items) or a sequence (labelled 0, 1, ...).
    A value passes when it is one of ``choices`` (if given), or else a finite number within
    ``minimum`` and ``maximum``, whole if ``whole``. ``item`` says what a label is ("row",
    "customer", "item"); ``what`` replaces the generated description of what was expected.

    Examples
    --------
    >>> import pandas as pd
    >>> check_each("nps", pd.Series([10, 7]), minimum=0, maximum=10, whole=True)
    >>> check_each("nps", pd.Series([10, 11]), minimum=0, maximum=10, whole=True)
    Traceback (most recent call last):
    ...
    ValueError: Got nps=11 at row 1 instead, expected a whole number from 0 to 10.
    >>> check_each("profit", pd.Series([5.0, -1.0], index=["x", "y"]), minimum=0, item="item")
    Traceback (most recent call last):
    ...
    ValueError: Got profit=-1.0 at item 'y' instead, expected a number >= 0.
    """
    import numpy as np
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if choices is not None:
        choices = tuple(choices)

        def allowed(value) -> bool:
            # numpy scalars as Python ones; a type must match too, so that 1 is not True
            value = value.item() if isinstance(value, np.generic) else value
            return any(type(value) is type(c) and value == c for c in choices)

        bad = ~series.map(allowed).astype(bool)
        description = _say("one_of", choices=_shown(choices))
    else:
        if pd.api.types.is_bool_dtype(series.dtype):
            numbers, is_bool = pd.Series(np.nan, index=series.index), True
        elif pd.api.types.is_numeric_dtype(series.dtype):
            numbers, is_bool = series.astype(float), False  # no bool hides in a numeric column
        else:
            numbers = pd.to_numeric(series, errors="coerce").astype(float)
            is_bool = series.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
        bad = numbers.isna() | ~np.isfinite(numbers.fillna(0)) | is_bool
        if minimum is not None:
            bad |= numbers < minimum
        if maximum is not None:
            bad |= numbers > maximum
        if whole:
            bad |= numbers != np.floor(numbers)
        description = _say("whole_number" if whole else "number") + _bounds(minimum, maximum)
    bad = bad.to_numpy(dtype=bool)
    if bad.any():
        where = int(np.flatnonzero(bad)[0])
        label, value = series.index[where], series.iloc[where]
        label = label.item() if hasattr(label, "item") else label
        value = value.item() if hasattr(value, "item") else value
        raise expected(field, value, what or description, error=error,
                       where=_say("at", item=_word("item", item), label=repr(label)))


def check_unique(field: str, values, *, item: str,
                 error: type[Exception] = ValueError) -> None:
    """Each value of ``values`` (the column ``field`` of a table of one row per ``item``) must
    be there once; the first seen twice is named.

    ``values`` is a Series or a sequence; ``item`` says what a row is ("customer", "record").

    Examples
    --------
    >>> import pandas as pd
    >>> check_unique("customer_id", pd.Series(["a", "b"]), item="customer")
    >>> check_unique("customer_id", pd.Series(["a", "b", "a", "b"]), item="customer")
    Traceback (most recent call last):
    ...
    ValueError: Got customer_id='a' instead, expected one row per customer (it appears twice).
    """
    import numpy as np
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    twice = series.duplicated().to_numpy(dtype=bool)
    if twice.any():
        value = series.iloc[int(np.flatnonzero(twice)[0])]
        value = value.item() if isinstance(value, np.generic) else value
        raise expected(field, value, _say("one_row_per", item=_word("item", item)), error=error)


def check_choice(field: str, value, choices, *, where: str = "",
                 error: type[Exception] = ValueError):
    """``value`` must be one of ``choices``; returns it.

    Examples
    --------
    >>> check_choice("by", "cohort", ("cohort", "channel"))
    'cohort'
    >>> check_choice("by", "week", ("cohort", "channel"))
    Traceback (most recent call last):
    ...
    ValueError: Got by='week' instead, expected one of 'cohort', 'channel'.
    """
    choices = tuple(choices)
    try:
        ok = value in choices
    except TypeError:  # an unhashable value against a set or dict
        ok = False
    if not ok:
        raise expected(field, value, _say("one_of", choices=_shown(choices)), where=where,
                       error=error)
    return value


def _bounds(minimum, maximum) -> str:
    """" from 1 to 5", " >= 0", " <= 10" or "" for the bounds of a number."""
    def shown(bound):
        return f"{bound:g}" if isinstance(bound, float) else str(bound)

    if minimum is not None and maximum is not None:
        return _say("between", low=shown(minimum), high=shown(maximum))
    if minimum is not None:
        return f" >= {shown(minimum)}"
    if maximum is not None:
        return f" <= {shown(maximum)}"
    return ""


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_finite_number(value) -> bool:
    """True for a finite real number that is not a bool: the one test of "a number" for
    values read from files and given as options.

    Examples
    --------
    >>> is_finite_number(2.5), is_finite_number(True), is_finite_number(float("inf"))
    (True, False, False)
    >>> is_finite_number("3"), is_finite_number(None)
    (False, False)
    """
    return _is_real(value) and math.isfinite(value)


def check_whole(field: str, value, *, minimum: int | None = None, maximum: int | None = None,
                unit: str = "", where: str = "", error: type[Exception] = ValueError) -> int:
    """``value`` must be a whole number (``True``/``False`` and ``2.5`` are not) within bounds.

    ``unit`` names what is counted ("days"), as in "a whole number of days >= 1".

    Examples
    --------
    >>> check_whole("window", 180, minimum=1, unit="days")
    180
    >>> check_whole("window", 0, minimum=1, unit="days")
    Traceback (most recent call last):
    ...
    ValueError: Got window=0 instead, expected a whole number of days >= 1.
    >>> check_whole("bins", 2.5, minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: Got bins=2.5 instead, expected a whole number >= 2.
    """
    whole = is_finite_number(value) and float(value).is_integer()
    if whole and (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
        return int(value)
    what = (_say("whole_number_of", unit=_word("unit", unit)) if unit
            else _say("whole_number")) + _bounds(minimum, maximum)
    raise expected(field, value, what, where=where, error=error)


def check_number(field: str, value, *, minimum: float | None = None,
                 strict: bool = False, what: str = "number", where: str = "",
                 error: type[Exception] = ValueError) -> float:
    """``value`` must be a finite number, at least ``minimum`` (above it when ``strict``).

    ``what`` names the kind of number in the message ("amount", "price").

    Examples
    --------
    >>> check_number("margin", 12.5, minimum=0)
    12.5
    >>> check_number("margin", float("nan"), minimum=0, what="amount")
    Traceback (most recent call last):
    ...
    ValueError: Got margin=nan instead, expected a finite amount >= 0.
    >>> check_number("unit_days", 0, minimum=0, strict=True)
    Traceback (most recent call last):
    ...
    ValueError: Got unit_days=0 instead, expected a finite number > 0.
    """
    ok = is_finite_number(value)
    if ok and minimum is not None:
        ok = value > minimum if strict else value >= minimum
    if ok:
        return float(value)
    bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum:g}"
    raise expected(field, value, _say("finite", what=_word("kind", what)) + bound, where=where,
                   error=error)


def check_rate(field: str, value, *, high_open: bool = False, low_open: bool = False,
               where: str = "", error: type[Exception] = ValueError) -> float:
    """``value`` must be a rate in [0, 1] (``high_open``: below 1; ``low_open``: above 0).

    Examples
    --------
    >>> check_rate("retention", 0.8, high_open=True)
    0.8
    >>> check_rate("retention", 1.0, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Got retention=1.0 instead, expected a rate in [0, 1).
    >>> check_rate("confidence", 0, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Got confidence=0 instead, expected a rate in (0, 1).
    """
    ok = is_finite_number(value)
    if ok:
        ok = (value > 0 if low_open else value >= 0) and (value < 1 if high_open else value <= 1)
    if ok:
        return float(value)
    interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
    raise expected(field, value, _say("rate", interval=interval), where=where, error=error)


def check_pair(field: str, value, *, error: type[Exception] = ValueError) -> tuple[float, float]:
    """``value`` must be a ``(low, high)`` pair of finite numbers with ``0 < low <= high``.

    Examples
    --------
    >>> check_pair("acquire_ratio", (5, 10))
    (5.0, 10.0)
    >>> check_pair("acquire_ratio", (10, 5))
    Traceback (most recent call last):
    ...
    ValueError: Got acquire_ratio=(10, 5) instead, expected a (low, high) pair with 0 < low <= high.
    """
    try:
        low, high = value
        ok = all(is_finite_number(v) for v in (low, high)) and 0 < low <= high
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise expected(field, value, "a (low, high) pair with 0 < low <= high", error=error)
    return float(low), float(high)


def check_fitted(model, attribute: str = "params_", *,
                 error: type[Exception] = ValueError) -> None:
    """``model`` must be fitted: ``model.<attribute>`` is set (not ``None``, present).

    Examples
    --------
    >>> class BetaGeo:
    ...     params_ = None
    >>> check_fitted(BetaGeo())
    Traceback (most recent call last):
    ...
    ValueError: Got an unfitted BetaGeo instead, expected a fitted model; call fit() or \
set_params() first.
    """
    if getattr(model, attribute, None) is None:
        raise error(f"Got an unfitted {type(model).__name__} instead, expected a fitted model; "
                    "call fit() or set_params() first.")


# ------------------------------------------------------------------------------ collectors
#: The columns of every ``problems.csv`` a grading run writes: the file or input the problem
#: came from, the student, the assessment (quiz or exercise id), the item in it (a question or
#: a check) when it concerns one, the problem's ``code`` and its ``params`` (a JSON object;
#: the codes are those of :mod:`crmlab.grading.results`), and the ``reason`` in English, for
#: the instructor's eyes (readers use the code).
PROBLEM_COLUMNS = ["source", "student_id", "assessment", "item", "code", "params", "reason"]


class Problems(list):
    """What a run set aside and why, one row (a dict of :data:`PROBLEM_COLUMNS`) per problem.

    A problem's ``reason`` is a code with parameters: anything with ``code``,
    ``params_text()`` and ``text()`` (a :class:`crmlab.grading.results.Reason`); the row keeps
    all three, the sentence in English.

    Examples
    --------
    >>> class Reason:  # what crmlab.grading.results.Reason offers
    ...     code = "no_receipt"
    ...     def params_text(self): return ""
    ...     def text(self): return "no receipt time for this submission"
    >>> problems = Problems()
    >>> problems.add("subs/s1.zip", "s1", assessment="L02", reason=Reason())
    >>> problems.frame()[["student_id", "assessment", "code", "reason"]].values.tolist()
    [['s1', 'L02', 'no_receipt', 'no receipt time for this submission']]
    """

    def add(self, source, student: str = "", *, assessment: str = "", item: str = "",
            reason) -> None:
        """Record one problem."""
        self.append({"source": str(source), "student_id": student, "assessment": assessment,
                     "item": item, "code": reason.code, "params": reason.params_text(),
                     "reason": reason.text()})

    def frame(self):
        """The problems as a DataFrame with the columns of ``problems.csv``."""
        import pandas as pd

        return pd.DataFrame(list(self), columns=PROBLEM_COLUMNS)


class LineProblems:
    """The problems of one file, each at a line: reported as ``FILE:LINE: WHERE: message``,
    sorted by line (problems at the same line keep their order).

    Examples
    --------
    >>> problems = LineProblems("course.yaml")
    >>> problems.add(7, "assessments[1].weight", "Got weight=-1 instead, expected a number >= 0.")
    >>> problems.add(3, "timezone", "unknown time zone 'Mars/Base'")
    >>> problems.lines()
    ["course.yaml:3: timezone: unknown time zone 'Mars/Base'", 'course.yaml:7: assessments[1].weight: Got weight=-1 instead, expected a number >= 0.']
    """

    def __init__(self, path=""):
        self.path = path
        self.problems: list[tuple[int, str, str]] = []

    def add(self, line: int, where: str, message: str) -> None:
        """Record one problem at ``line`` of the file, about ``where`` (a field, an id)."""
        self.problems.append((line, where, message))

    def lines(self, path=None) -> list[str]:
        """Every problem as ``FILE:LINE: WHERE: message``, by line."""
        path = self.path if path is None else path
        return [f"{path}:{line}: {where}: {message}"
                for line, where, message in sorted(self.problems, key=lambda p: p[0])]

    def __len__(self) -> int:
        return len(self.problems)
