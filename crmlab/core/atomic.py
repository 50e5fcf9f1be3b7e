"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed.

A reader (or a crash at any moment) sees the old file or the new one, never half of one. Every
file crmlab rewrites goes through here; a log that only grows (the collection service's
receipts) is appended with :func:`append_text`, flushed to disk before it returns.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["write_bytes", "write_text", "write_json", "append_text"]


#: The process's file-creation mask, read once (reading it means setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically and durably.

    The file gets ``mode``, else the mode of the file it replaces, else what ``open()`` would
    give a new file (0o666 less the umask): never the temporary file's owner-only 0o600, which
    would hide a release, a schema or a notebook from the other accounts that read it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> oct(write_bytes(folder / "a", b"x").stat().st_mode & 0o777) == oct(0o666 & ~_UMASK)
    True
    >>> oct(write_bytes(folder / "b", b"x", mode=0o600).stat().st_mode & 0o777)
    '0o600'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
    return path


def write_text(path: str | Path, text: str, *, mode: int | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (``mode``: as :func:`write_bytes`)."""
    return write_bytes(path, text.encode("utf-8"), mode=mode)


def write_json(path: str | Path, data) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def append_text(path: str | Path, text: str) -> Path:
    """Append ``text`` (UTF-8) to ``path`` and flush it to disk: what was there stays untouched.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = append_text(path, "a,1\\n"), append_text(path, "b,2\\n")
    >>> path.read_text().splitlines()
    ['a,1', 'b,2']
    """
    path = Path(path)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return path
