"""Validation shared by the analysis modules: one message for a column option that is not there."""

from __future__ import annotations

__all__ = ["check_column_options"]


def check_column_options(data, **fields) -> None:
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
            known = ", ".join(repr(c) for c in data.columns)
            raise ValueError(f"Got {field}={name!r} instead, expected one of the columns {known}.")
