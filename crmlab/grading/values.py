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

__all__ = ["encode", "decode", "dump", "load", "read_plain", "Unreadable", "names_read_by",
           "export_code"]

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


#: Bounds of what :func:`load` builds from one file, whatever it holds (an honest export of a
#: 50,000-row frame is far below every one of them).
MAX_DEPTH = 24  # encode() stops at 20
MAX_CONTAINERS = 300_000  # "{" and "[" in the raw file, before it is parsed
MAX_ITEMS = 2_000_000  # elements built, all the values of one file together
MAX_ARRAY_BYTES = 256 * 2 ** 20
MAX_DIGITS = 1_000  # an integer with more digits is Unreadable
MAX_DIMS = 32
_NUMERIC = re.compile(r"[<>=|]?(bool|b1|[iuf][1248]|f16|c8|c16|u?int(8|16|32|64)|"
                      r"float(16|32|64)|complex(64|128))")
_DATETIME = re.compile(r"[<>=]?(datetime64|timedelta64|[Mm]8)\[(Y|M|W|D|h|m|s|ms|us|ns)\]")
_TEXT = re.compile(r"[<>=|]?[US]\d{1,7}")
_SERIES_ONLY = re.compile(r"category|string|str|boolean|U?Int(8|16|32|64)|Float(32|64)")


class _BigInt:
    """What the parser gives for an integer of more than :data:`MAX_DIGITS` digits."""

    def __init__(self, digits: int):
        self.digits = digits


def _parse_int(text: str):
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else _BigInt(len(text))


class _TooLarge(Exception):
    """One value asks for more than the file's budget or the bounds allow."""


class _Budget:
    """Elements and array bytes built so far from one file."""

    def __init__(self):
        self.items = self.array_bytes = 0

    def take(self, items: int = 0, array_bytes: int = 0) -> None:
        self.items += items
        self.array_bytes += array_bytes
        if self.items > MAX_ITEMS:
            raise _TooLarge(f"more than {MAX_ITEMS} elements")
        if self.array_bytes > MAX_ARRAY_BYTES:
            raise _TooLarge(f"arrays larger than {MAX_ARRAY_BYTES // 2 ** 20} MB")


def decode(data, budget=None):
    """The value that :func:`encode` described; only data is built, never code.

    Every size is checked before anything is allocated: nesting, the number of elements and
    the bytes of arrays (one budget for all the values of a file), the type of an array
    (numbers, booleans, dates, objects; text only as wide as its longest string), its shape.
    A value that breaks a rule, or fails while being built, arrives as :class:`Unreadable`.

    Examples
    --------
    >>> decode(encode({"a": {1, 2}, "b": (1.5, float("nan"))}))
    {'a': {1, 2}, 'b': (1.5, nan)}
    >>> decode({"t": "unreadable", "v": "function"})
    Unreadable('function')
    >>> decode({"t": "array", "dtype": "U400000000", "shape": [1], "v": ["x"]}).kind
    'array dtype'
    """
    budget = budget or _Budget()
    try:
        return _decode(data, budget, 0)
    except _TooLarge as exc:
        return Unreadable(f"too large: {exc}")
    except Exception as exc:  # noqa: BLE001  (OverflowError, RecursionError, pandas' own ...)
        kind = data.get("t") if isinstance(data, dict) else type(data).__name__
        return Unreadable(f"{str(kind)[:40]}: {type(exc).__name__}")


def _items(value, budget: _Budget, depth: int) -> list:
    if not isinstance(value, list):
        raise TypeError("not a list")
    budget.take(items=len(value))
    return [_decode(v, budget, depth + 1) for v in value]


def _decode(data, budget: _Budget, depth: int):
    if depth > MAX_DEPTH:
        raise _TooLarge(f"nested deeper than {MAX_DEPTH}")
    if isinstance(data, _BigInt):
        raise _TooLarge(f"an integer of {data.digits} digits")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if not isinstance(data, dict):
        return Unreadable(type(data).__name__)
    kind, value = data.get("t"), data.get("v")
    if kind == "float":
        return float(value) if value in ("nan", "inf", "-inf") else Unreadable("float")
    if kind in ("list", "tuple", "set", "frozenset"):
        items = _items(value, budget, depth)
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
    if kind == "dict":
        if not isinstance(value, list):
            raise TypeError("a dict without pairs")
        budget.take(items=2 * len(value))
        return {_decode(k, budget, depth + 1): _decode(v, budget, depth + 1) for k, v in value}
    if kind == "array":
        return _array(data, value, budget, depth)
    if kind == "series":
        return _series(data, value, budget, depth)
    if kind == "frame":
        return _frame(data, value, budget, depth)
    if kind in ("timestamp", "timedelta"):
        import pandas as pd

        if not isinstance(value, str) or len(value) > 64:
            return Unreadable(kind)
        return (pd.Timestamp if kind == "timestamp" else pd.Timedelta)(value)
    return Unreadable(str(value)[:64] if kind == "unreadable" else str(kind)[:64])


def _array(data: dict, value, budget: _Budget, depth: int):
    import numpy as np

    shape = data.get("shape")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
            type(n) is int and 0 <= n <= MAX_ITEMS for n in shape):
        return Unreadable("array shape")
    if not isinstance(value, list) or math.prod(shape) != len(value):
        return Unreadable("array shape")
    dtype = _dtype(data.get("dtype"))
    if dtype is None:
        return Unreadable("array dtype")
    items = _items(value, budget, depth)
    if dtype.kind in "US":  # as wide as the longest string present, never as declared
        width = max((len(v) for v in items if isinstance(v, (str, bytes))), default=1)
        dtype = np.dtype(f"{dtype.kind}{max(width, 1)}")
    budget.take(array_bytes=dtype.itemsize * len(items))
    return np.array(items, dtype=dtype).reshape(shape)


def _series(data: dict, value, budget: _Budget, depth: int):
    import pandas as pd

    dtype = _dtype(data.get("dtype"), series=True)
    if dtype is None:
        return Unreadable("series dtype")
    items = _items(value, budget, depth)
    index = _decode(data.get("index"), budget, depth + 1)
    if not isinstance(index, list) or len(index) != len(items):
        return Unreadable("series index")
    if getattr(dtype, "kind", "") in ("U", "S"):
        dtype = object
    budget.take(array_bytes=8 * len(items))
    return pd.Series(items, index=index, name=_decode(data.get("name"), budget, depth + 1),
                     dtype=dtype)


def _frame(data: dict, value, budget: _Budget, depth: int):
    import pandas as pd

    columns = _decode(data.get("columns"), budget, depth + 1)
    if not isinstance(columns, list) or not isinstance(value, dict) or \
            len(value) != len(columns):
        return Unreadable("frame columns")
    series = {i: _decode(value.get(str(i)), budget, depth + 1) for i in range(len(columns))}
    if not all(isinstance(s, pd.Series) for s in series.values()):
        return Unreadable("frame column")
    frame = pd.DataFrame(series)
    frame.columns = columns
    index = _decode(data.get("index"), budget, depth + 1)
    if not isinstance(index, list) or len(index) != len(frame):
        return Unreadable("frame index")
    frame.index = index
    return frame


def _dtype(name, *, series: bool = False):
    """An allowed numpy dtype from its name, else None (never a sub-array, record or void).

    Examples
    --------
    >>> _dtype("int64"), _dtype("(15000,15000)f8"), _dtype("category", series=True)
    (dtype('int64'), None, 'category')
    """
    import numpy as np

    name = str(name)
    if len(name) > 32:
        return None
    if series and _SERIES_ONLY.fullmatch(name):
        return name  # pandas' own dtypes, built element by element
    if name in ("object", "O", "|O"):
        return np.dtype(object)
    if not (_NUMERIC.fullmatch(name) or _DATETIME.fullmatch(name) or _TEXT.fullmatch(name)):
        return None
    dtype = np.dtype(name)
    return None if dtype.shape != () or dtype.fields is not None or dtype.kind == "V" else dtype


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


def read_plain(path, *, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a plain file that a job or a student wrote; None when it is
    missing, a link, a FIFO or anything but a regular file, or larger than ``limit``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.json"
    >>> _ = path.write_text("{}")
    >>> read_plain(path, limit=10), read_plain(path, limit=1)
    (b'{}', None)
    """
    from crmlab.core.safe_files import FileRefused, read_regular

    try:  # the kernel owned this folder: no symlink, no FIFO, only a plain file is read
        return read_regular(path, max_bytes=limit)
    except FileRefused:
        return None


def load(path, *, limit: int) -> dict:
    """Read what :func:`dump` wrote (at most ``limit`` bytes); ``{}`` when there is nothing.

    The file is counted before it is parsed (at most :data:`MAX_CONTAINERS` ``{``/``[``, at most
    :data:`MAX_ITEMS` commas), integers longer than :data:`MAX_DIGITS` digits are never built,
    and the values share one budget (:func:`decode`): a crafted file costs the grader no more
    than an honest one of the same size.
    """
    raw = read_plain(path, limit=limit)
    if raw is None:
        return {}
    if raw.count(b"{") + raw.count(b"[") > MAX_CONTAINERS or raw.count(b",") > MAX_ITEMS:
        return {}
    try:
        data = json.loads(raw, parse_int=_parse_int)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    budget = _Budget()
    return {str(name): decode(value, budget) for name, value in data.items()
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
    """The cell the grader runs last in the kernel: write the named globals to ``path``.

    It first takes the open-files reserve (the soft limit up to the hard one, with ``resource``
    imported when the kernel started): a notebook that used up its open files still exports.
    """
    return ("import resource as _crmlab_r\n"
            "_crmlab_r.setrlimit(_crmlab_r.RLIMIT_NOFILE, "
            "(_crmlab_r.getrlimit(_crmlab_r.RLIMIT_NOFILE)[1],) * 2)\n"
            "from crmlab.grading.values import dump as _crmlab_dump\n"
            f"_crmlab_dump({{_n: globals()[_n] for _n in {sorted(names)!r} if _n in globals()}}, "
            f"{str(path)!r}, limit={int(limit)})")
