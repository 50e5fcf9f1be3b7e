"""Read one dataset file and check it against its data dictionary."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab.core.exceptions import DataError
from crmlab.core.validation import check_columns, expected
from crmlab.datasets._schema import Column, Table

_TRUE = {"true": True, "false": False}


def _fail(path: Path, column: str, row: int, value, what: str):
    """A bad value: ``FILE: line N: Got column='value' instead, expected what.``"""
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise DataError(f"{path}: line {row + 2}: {expected(column, shown, what, error=DataError)}")


def _convert(path: Path, col: Column, raw: pd.Series) -> pd.Series:
    empty = raw == ""
    if empty.any() and not col.nullable and col.dtype != "str":
        _fail(path, col.name, int(np.argmax(empty.to_numpy())), "", "a value (not empty)")
    if col.dtype in ("str", "category"):
        if not col.nullable and empty.any():
            _fail(path, col.name, int(np.argmax(empty.to_numpy())), "", "a value (not empty)")
        if col.allowed:
            bad = ~raw.isin(col.allowed)
            if bad.any():
                i = int(np.argmax(bad.to_numpy()))
                allowed = ", ".join(repr(a) for a in col.allowed)
                _fail(path, col.name, i, raw.iat[i], f"one of {allowed}")
        if col.dtype == "category":
            return pd.Series(pd.Categorical(raw, categories=list(col.allowed)), index=raw.index,
                             name=col.name)
        return raw.astype("string" if col.nullable else "str")
    if col.dtype == "bool":
        lowered = raw.str.lower()
        bad = ~lowered.isin(_TRUE)
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            _fail(path, col.name, i, raw.iat[i], "true or false")
        return lowered.map(_TRUE).astype(bool)
    if col.dtype == "date":
        values = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        bad = values.isna()
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            _fail(path, col.name, i, raw.iat[i], "a date YYYY-MM-DD")
        return values
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = numbers.isna() & ~empty
    if col.dtype == "int":
        bad |= numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        kind = "an integer" if col.dtype == "int" else "a number"
        _fail(path, col.name, i, raw.iat[i], kind)
    out_of_range = pd.Series(False, index=raw.index)
    if col.min is not None:
        out_of_range |= numbers < col.min
    if col.max is not None:
        out_of_range |= numbers > col.max
    if out_of_range.any():
        i = int(np.argmax(out_of_range.to_numpy()))
        _fail(path, col.name, i, raw.iat[i], col.rule())
    if col.dtype == "int":
        # An int column that may be empty holds pandas' nullable integers (<NA> when empty).
        return numbers.astype("Int64" if col.nullable else "int64")
    return numbers.astype("float64")


def read_table(path: Path, table: Table) -> pd.DataFrame:
    """Load ``path`` as ``table``: typed columns, or a one-line DataError."""
    if not path.is_file():
        raise DataError(f"{path}: file not found (dataset {table.name!r})")
    with path.open(encoding="utf-8", newline="") as handle:
        header_line = handle.readline()
    if not header_line.strip():
        raise DataError(f"{path}: the file is empty, expected a header line")
    header = next(csv.reader([header_line]))
    columns = [c.name for c in table.columns]
    if len(header) == 1 and any(sep in header_line for sep in ";\t|"):
        raise DataError(f"{path}: wrong delimiter in the header line, expected ',' between "
                        f"columns {', '.join(columns[:3])}, ...")
    check_columns(pd.DataFrame(columns=header), columns, table=str(path), error=DataError)
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise DataError(f"{path}: column {unknown[0]!r} is not in the data dictionary of "
                        f"{table.name!r}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                          engine="c", encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be parsed as CSV ({' '.join(str(exc).split())})") \
            from None
    if raw.empty:
        raise DataError(f"{path}: no data rows below the header")
    return pd.DataFrame({c.name: _convert(path, c, raw[c.name]) for c in table.columns})
