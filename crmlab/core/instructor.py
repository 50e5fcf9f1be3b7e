"""The instructor's own Python files (exercise keys, quiz keys), read and run by path.

They are course content a student must not be able to run, so they live outside the
``crmlab`` package (``notebooks/instructor/``, which ``crmlab release`` never copies) and are
loaded from their text. One reader and one runner for both: a missing or unreadable file and a
file that does not run are each one line naming the file (and the line), never a traceback.

Examples
--------
>>> run_source("x = 1 +", "keys.py", what="the keys", error=ValueError)
Traceback (most recent call last):
...
ValueError: keys.py:1: the keys do not run: SyntaxError: invalid syntax (keys.py, line 1)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["read_source", "run_source"]


def read_source(path: str | Path, *, what: str, where_to: str, error=ValueError) -> str:
    """The text of the instructor's file ``path`` (``what`` it holds, ``where_to`` use it when
    it is missing); an ``error`` of one line when it is missing or not UTF-8.

    Examples
    --------
    >>> read_source("/nowhere/keys.py", what="the keys", where_to="grade there")
    Traceback (most recent call last):
    ...
    ValueError: /nowhere/keys.py: the keys are not here (a student's copy of the course has none): grade there
    """
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError:
        raise error(f"{path}: {what} are not here (a student's copy of the course has none): "
                    f"{where_to}") from None


def run_source(source: str, where: str, *, what: str, error=ValueError,
               module: str = "crmlab_instructor_file"):
    """Run the instructor's ``source`` (shown as the file ``where``) as a module of its own and
    return it; an exception it raises is an ``error`` of one line naming the file and line."""
    namespace = importlib.util.module_from_spec(importlib.util.spec_from_loader(module,
                                                                                loader=None))
    try:
        exec(compile(source, where, "exec"), namespace.__dict__)  # the instructor's file
    except Exception as exc:  # the instructor's file: one line saying where, never a traceback
        line = getattr(exc, "lineno", None) or _line_of(exc, where)
        raise error(f"{where}:{line or '?'}: {what} do not run: {type(exc).__name__}: {exc}") \
            from None
    return namespace


def _line_of(exc: BaseException, filename: str) -> int | None:
    """The line of ``filename`` where ``exc`` was raised (the innermost frame in it)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
