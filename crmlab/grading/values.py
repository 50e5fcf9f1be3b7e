"""The student's values, carried out of the kernel as plain JSON for the hidden checks.

The hidden checks never run in the student's kernel: after the student's last cell, the grader
asks the kernel for the variables the checks read (:func:`export_code`), and judges them in its
own process. The file crosses a trust boundary, so it holds data only: numbers, strings, lists,
tuples, sets, mappings, numpy scalars and arrays, pandas Series and DataFrames, each tagged with
its type. Reading it (:func:`load`) builds those values back and can run no code, whatever the
kernel wrote; anything else arrives as :class:`Unreadable` and fails its check. Forging the file
gains nothing a student could not get by assigning the variable.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

__all__ = ["encode", "decode", "dump", "load", "Unreadable", "names_read_by", "export_code"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEPTH = 20


class Unreadable:
    """A value the format cannot carry (a function, a module, a custom object): never equal."""

    def __init__(self, kind: str):
        self.kind = kind

    def __eq__(self, other) -> bool:
        return False

    __hash__ = None

    def __repr__(self) -> str:
        return f"Unreadable({self.kind!r})"


def _float(value: float):
    return value if math.isfinite(value) else {"t": "float", "v": repr(value)}


def encode(value, depth: int = 0):
    """A JSON-ready, type-tagged form of ``value``.

    Examples
    --------
    >>> encode({"a": {1, 2}, "b": (1.5, None)})
    {'t': 'dict', 'v': [['a', {'t': 'set', 'v': [1, 2]}], ['b', {'t': 'tuple', 'v': [1.5, None]}]]}
    """
    import numpy as np

    if depth > _DEPTH:
        return {"t": "unreadable", "v": "nested too deep"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if type(value) is int else int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, np.generic):
        return encode(value.item(), depth + 1)
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}[
            next(t for t in (list, tuple, frozenset, set) if isinstance(value, t))]
        items = [encode(v, depth + 1) for v in value]
        if kind in ("set", "frozenset"):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return {"t": kind, "v": items}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)]
                                   for k, v in value.items()]}
    if isinstance(value, np.ndarray):
        return {"t": "array", "dtype": str(value.dtype), "shape": list(value.shape),
                "v": [encode(v, depth + 1) for v in value.ravel().tolist()]}
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover  (pandas is a dependency)
        pd = None
    if pd is not None and isinstance(value, pd.Series):
        return {"t": "series", "dtype": str(value.dtype), "name": encode(value.name, depth + 1),
                "index": encode(list(value.index), depth + 1),
                "v": [encode(v, depth + 1) for v in value.tolist()]}
    if pd is not None and isinstance(value, pd.DataFrame):
        return {"t": "frame", "columns": encode(list(value.columns), depth + 1),
                "index": encode(list(value.index), depth + 1),
                "v": {str(i): encode(value.iloc[:, i], depth + 1)
                      for i in range(value.shape[1])}}
    if pd is not None and isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return {"t": type(value).__name__.lower(), "v": value.isoformat()}
    return {"t": "unreadable", "v": type(value).__name__}


def decode(data):
    """The value that :func:`encode` described; only data is built, never code.

    Examples
    --------
    >>> decode(encode({"a": {1, 2}, "b": (1.5, float("nan"))}))
    {'a': {1, 2}, 'b': (1.5, nan)}
    >>> decode({"t": "unreadable", "v": "function"})
    Unreadable('function')
    """
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if not isinstance(data, dict):
        return Unreadable(type(data).__name__)
    kind, value = data.get("t"), data.get("v")
    try:
        if kind == "float":
            return float(value) if value in ("nan", "inf", "-inf") else Unreadable("float")
        if kind in ("list", "tuple", "set", "frozenset"):
            items = [decode(v) for v in value]
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
        if kind == "dict":
            return {decode(k): decode(v) for k, v in value}
        if kind == "array":
            import numpy as np

            return np.array([decode(v) for v in value], dtype=np.dtype(data["dtype"])).reshape(
                [int(n) for n in data["shape"]])
        if kind == "series":
            import pandas as pd

            return pd.Series([decode(v) for v in value], index=decode(data["index"]),
                             name=decode(data["name"]), dtype=_dtype(data["dtype"]))
        if kind == "frame":
            import pandas as pd

            columns = decode(data["columns"])
            frame = pd.DataFrame({i: decode(value[str(i)]) for i in range(len(columns))})
            frame.columns = columns
            frame.index = decode(data["index"])
            return frame
        if kind in ("timestamp", "timedelta"):
            import pandas as pd

            return (pd.Timestamp if kind == "timestamp" else pd.Timedelta)(str(value))
    except (TypeError, ValueError, KeyError, AttributeError):
        return Unreadable(str(kind))
    return Unreadable(str(value) if kind == "unreadable" else str(kind))


def _dtype(name: str):
    """A dtype from its name, for plain dtypes only (``object``, numbers, dates, category)."""
    if not re.fullmatch(r"[a-z0-9\[\], ]+", str(name)):
        return None
    return name


def dump(values: dict, path, *, limit: int) -> None:
    """Write ``{name: value}`` to ``path``; a value too large for ``limit`` bytes is left out."""
    encoded = {}
    for name, value in values.items():
        try:
            encoded[name] = encode(value)
        except Exception as exc:  # an object whose methods fail is the student's problem
            encoded[name] = {"t": "unreadable", "v": type(exc).__name__}
    text = json.dumps(encoded)
    if len(text) > limit:
        sizes = sorted(encoded, key=lambda n: len(json.dumps(encoded[n])), reverse=True)
        while len(text) > limit and sizes:
            encoded[sizes.pop(0)] = {"t": "unreadable", "v": "too large"}
            text = json.dumps(encoded)
    Path(path).write_text(text, encoding="utf-8")


def load(path, *, limit: int) -> dict:
    """Read what :func:`dump` wrote (at most ``limit`` bytes); ``{}`` when there is nothing."""
    import os
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:  # the kernel owned this folder: no symlink, no FIFO, only a plain file is read
        fd = os.open(path, flags)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return {}
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): decode(value) for name, value in data.items()
            if _IDENTIFIER.fullmatch(str(name))}


def names_read_by(sources) -> list[str]:
    """Every identifier in the hidden checks' sources (names and ``globals().get("x")`` keys).

    Examples
    --------
    >>> names_read_by(['hidden_check("a-b", globals().get("share_a"), seed=seed)'])
    ['a', 'b', 'get', 'globals', 'hidden_check', 'seed', 'share_a']
    """
    return sorted({name for source in sources for name in _IDENTIFIER.findall(source)})


def export_code(names, path, *, limit: int) -> str:
    """The cell the grader runs last in the kernel: write the named globals to ``path``."""
    return ("from crmlab.grading.values import dump as _crmlab_dump\n"
            f"_crmlab_dump({{_n: globals()[_n] for _n in {sorted(names)!r} if _n in globals()}}, "
            f"{str(path)!r}, limit={int(limit)})")
