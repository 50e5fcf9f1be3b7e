"""Reading a download to collect: a folder or a zip (and the zips inside it), in place, bounded.

Whatever the download holds, reading it never follows a link, never writes a file, never reads
more than :class:`ReadLimits` allows, and never stops at one bad file: each file becomes one
:class:`Item`, which is a notebook (with its bytes), another file, a file skipped on purpose
(operating-system litter, Jupyter checkpoints), or a file refused, each with its reason (a
:class:`~crmlab.grading.results.Reason` of :data:`~crmlab.grading.results.COLLECT_REASONS`):

- ``absolute_name``, ``climbing_name``, ``empty_name``: an unsafe entry name (never used as a
  path, but a sign of a crafted archive);
- ``symlink``, ``special_file``: a symbolic link (never followed), a device or pipe;
- ``too_large``: a notebook above the cap, whatever the zip's header claims (at most the cap
  plus one byte is ever read, so a zip bomb costs nothing);
- ``encrypted``, ``bad_entry``, ``bad_zip``, ``too_many_entries``, ``too_deep``,
  ``over_budget``: archives that cannot or should not be read;
- skipped: ``macos_metadata``, ``jupyter_checkpoint``, ``system_litter``.

Names are repaired and normalised as they are read: an entry written without the zip's UTF-8
flag (Canvas's zips) is decoded as UTF-8 when its bytes are UTF-8 (zipfile reads it as cp437),
``\\`` separators become ``/``, every name is NFC (folders extracted on macOS are NFD) and a
control character in a name is shown as ``_``. The notebooks read are held in memory (at most
:attr:`ReadLimits.total` bytes in all).
Times are kept with their kind (``file``: a file's modification time; ``zip``: a zip entry's
time, a local time without zone read in this machine's zone); neither is a receipt.
"""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.safe_files import NOT_REGULAR, TOO_LARGE, FileRefused, read_regular_stat
from crmlab.core.validation import check_whole
from crmlab.grading.results import Reason

__all__ = ["ReadLimits", "Item", "read_source", "NOTEBOOK", "OTHER", "SKIPPED", "REFUSED"]

#: The kinds of :class:`Item`.
NOTEBOOK, OTHER, SKIPPED, REFUSED = "notebook", "other", "skipped", "refused"

_MB = 1_000_000
#: Files that come with downloads and copies and are nobody's work.
_LITTER = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class ReadLimits:
    """What reading one download may cost.

    Parameters
    ----------
    notebook : int
        Bytes of one notebook once uncompressed.
    archive : int
        Bytes of a zip inside the download (read into memory to be opened).
    entries : int
        Entries of one zip, or files of a folder.
    total : int
        Bytes read from the whole download.
    depth : int
        Zips inside zips: 1 opens the zips the download holds, but none inside those.

    Examples
    --------
    >>> ReadLimits().notebook
    20000000
    >>> ReadLimits(depth=-1)
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got depth=-1 instead, expected a whole number >= 0.
    """

    notebook: int = 20 * _MB
    archive: int = 200 * _MB
    entries: int = 20_000
    total: int = 2_000 * _MB
    depth: int = 2

    def __post_init__(self):
        for name in ("notebook", "archive", "entries", "total"):
            check_whole(name, getattr(self, name), minimum=1, error=ExerciseError)
        check_whole("depth", self.depth, minimum=0, error=ExerciseError)


@dataclass(frozen=True)
class Item:
    """One file of the download.

    ``parts`` is its path inside the download, across zips (``("CRM101.zip", "Ana_8801_assign
    submission_file", "ex.ipynb")`` for a zip inside a folder; ``zips`` holds the indexes of the
    parts that are zips, here ``(0,)``); ``name`` shows it as ``CRM101.zip!/Ana.../ex.ipynb``.
    ``kind`` is :data:`NOTEBOOK` (``data`` holds its bytes), :data:`OTHER`, :data:`SKIPPED` or
    :data:`REFUSED` (``reason`` says why).
    """

    parts: tuple
    kind: str
    data: bytes | None = None
    mtime: datetime | None = None
    time_kind: str = ""
    reason: Reason | None = None
    zips: tuple = ()

    @property
    def name(self) -> str:
        """The path inside the download, ``!`` after each zip opened on the way."""
        return "/".join(part + ("!" if index in self.zips and index < len(self.parts) - 1
                                else "") for index, part in enumerate(self.parts))

    @property
    def basename(self) -> str:
        """The file's own name (the last part of its path)."""
        return self.parts[-1] if self.parts else ""


class _Budget:
    def __init__(self, total: int):
        self.left = total

    def take(self, size: int) -> bool:
        self.left -= size
        return self.left >= 0


def read_source(source: str | Path, *, limits: ReadLimits | None = None) -> list[Item]:
    """Every file of the download ``source`` (a folder or a zip), sorted by path.

    A ``source`` that does not exist, is a link, or is neither a folder nor a readable zip is a
    one-line :class:`~crmlab.core.exceptions.ExerciseError`; anything inside it is an
    :class:`Item`, refused with its reason when it cannot be read.

    Examples
    --------
    >>> import io, tempfile, zipfile
    >>> path = Path(tempfile.mkdtemp()) / "download.zip"
    >>> with zipfile.ZipFile(path, "w") as archive:
    ...     archive.writestr("Ana_1_assignsubmission_file/ex.ipynb", "{}")
    ...     archive.writestr("../escape.ipynb", "{}")
    ...     archive.writestr("__MACOSX/._ex.ipynb", "")
    >>> [(item.name, item.kind, item.reason) for item in read_source(path)]
    [('../escape.ipynb', 'refused', Reason('climbing_name')), ('Ana_1_assignsubmission_file/ex.ipynb', 'notebook', None), ('__MACOSX/._ex.ipynb', 'skipped', Reason('macos_metadata'))]
    """
    limits = limits or ReadLimits()
    source = Path(source)
    try:
        info = os.lstat(source)
    except OSError as exc:
        raise ExerciseError(f"{source}: cannot read the download ({exc.strerror or exc})") \
            from None
    budget = _Budget(limits.total)
    if stat.S_ISLNK(info.st_mode):
        raise ExerciseError(f"{source}: is a symbolic link; give the folder or zip itself")
    if stat.S_ISDIR(info.st_mode):
        items = _read_folder(source, limits, budget)
    elif stat.S_ISREG(info.st_mode):
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise ExerciseError(f"{source}: not a folder nor a readable zip "
                                f"({_detail(exc)})") from None
        with archive:
            if len(archive.infolist()) > limits.entries:
                raise ExerciseError(f"{source}: holds {len(archive.infolist())} entries, more "
                                    f"than the cap of {limits.entries}")
            items = _read_zip(archive, (), limits, budget, depth=0, zips=())
    else:
        raise ExerciseError(f"{source}: not a folder nor a zip")
    return sorted(items, key=lambda item: item.parts)


# ------------------------------------------------------------------------------ names
def _clean(name: str, *, utf8_flag: bool = True) -> str:
    """A zip or folder name as the student wrote it: UTF-8 repaired, ``/`` separators, NFC."""
    if not utf8_flag:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass  # really cp437 (or another legacy code page): kept as read
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    # A control character (a newline in an entry name) would break a report's line: shown as _.
    return "".join("_" if unicodedata.category(c) == "Cc" else c for c in name)


def _unsafe(name: str) -> str:
    """The code of why an entry name is unsafe ("" if it is not)."""
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute_name"
    if any(part == ".." for part in name.split("/")):
        return "climbing_name"
    return ""


def _skipped(parts) -> str:
    """The code of why a file is skipped as nobody's work ("" if it is not)."""
    base = parts[-1]
    if any(p == "__MACOSX" for p in parts[:-1]) or base.startswith("._"):
        return "macos_metadata"
    if any(p == ".ipynb_checkpoints" for p in parts[:-1]):
        return "jupyter_checkpoint"
    if base.lower() in _LITTER:
        return "system_litter"
    return ""


def _kind_of(parts) -> str:
    if _skipped(parts):
        return SKIPPED
    return NOTEBOOK if parts[-1].lower().endswith(".ipynb") else OTHER


def _is_zip(parts) -> bool:
    return parts[-1].lower().endswith(".zip") and not _skipped(parts)


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ------------------------------------------------------------------------------ folders
def _read_folder(root: Path, limits: ReadLimits, budget: _Budget) -> list[Item]:
    items, count = [], 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder).relative_to(root).parts
        here = tuple(_clean(p) for p in here)
        for name in sorted(dirs):
            if os.path.islink(os.path.join(folder, name)):  # listed, never entered
                items.append(Item(here + (_clean(name),), REFUSED, reason=Reason("symlink")))
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            count += 1
            if count > limits.entries:
                raise ExerciseError(f"{root}: holds more than the cap of {limits.entries} "
                                    "files")
            items.extend(_read_file(Path(folder, name), here + (_clean(name),), limits,
                                    budget))
    return items


def _read_file(path: Path, parts: tuple, limits: ReadLimits, budget: _Budget) -> list[Item]:
    try:
        info = os.lstat(path)
    except OSError as exc:
        return [Item(parts, REFUSED, reason=Reason("unreadable_file", detail=_detail(exc)))]
    if stat.S_ISLNK(info.st_mode):
        return [Item(parts, REFUSED, reason=Reason("symlink"))]
    if not stat.S_ISREG(info.st_mode):
        return [Item(parts, REFUSED, reason=Reason("special_file"))]
    kind = _kind_of(parts)
    if kind == SKIPPED:
        return [Item(parts, SKIPPED, reason=Reason(_skipped(parts)))]
    wanted = _is_zip(parts) and limits.depth > 0
    if kind == OTHER and not wanted:
        return [Item(parts, OTHER, mtime=_file_time(info), time_kind="file")]
    cap = limits.archive if wanted else limits.notebook
    if info.st_size > cap:
        return [Item(parts, REFUSED, reason=Reason("too_large", limit=cap))]
    if info.st_size > budget.left:  # would not fit as listed: refused unread
        return [Item(parts, REFUSED, reason=Reason("over_budget", limit=limits.total))]
    try:  # a file swapped for a link or a FIFO after lstat is refused, not followed
        data, opened = read_regular_stat(path, max_bytes=cap)
    except FileRefused as refused:
        reason = (Reason("special_file") if refused.kind == NOT_REGULAR else
                  Reason("too_large", limit=cap) if refused.kind == TOO_LARGE else
                  Reason("unreadable_file", detail=_detail(refused.error)))
        return [Item(parts, REFUSED, reason=reason)]
    # The bytes read, and their time, not the listing's: the file may have grown since.
    if not budget.take(len(data)):
        return [Item(parts, REFUSED, reason=Reason("over_budget", limit=limits.total))]
    if wanted:
        return _read_nested(data, parts, limits, budget, depth=1, zips=(len(parts) - 1,))
    return [Item(parts, NOTEBOOK, data=data, mtime=_file_time(opened), time_kind="file")]


def _file_time(info: os.stat_result) -> datetime:
    return datetime.fromtimestamp(info.st_mtime, tz=timezone.utc)


# ------------------------------------------------------------------------------ zips
def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    try:  # a DOS time carries no zone: this machine's local time
        return datetime(*info.date_time).astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _read_nested(data: bytes, parts: tuple, limits: ReadLimits, budget: _Budget, *,
                 depth: int, zips: tuple) -> list[Item]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        return [Item(parts, REFUSED, reason=Reason("bad_zip", detail=_detail(exc)))]
    with archive:
        if len(archive.infolist()) > limits.entries:
            return [Item(parts, REFUSED, reason=Reason("too_many_entries",
                                                       limit=limits.entries))]
        return _read_zip(archive, parts, limits, budget, depth=depth, zips=zips)


def _read_zip(archive: zipfile.ZipFile, prefix: tuple, limits: ReadLimits, budget: _Budget, *,
              depth: int, zips: tuple) -> list[Item]:
    items = []
    for info in archive.infolist():
        name = _clean(info.filename, utf8_flag=bool(info.flag_bits & 0x800))
        if info.is_dir() or name.endswith("/"):
            continue
        parts = prefix + tuple(p for p in name.split("/") if p not in ("", "."))
        why = _unsafe(name) or ("" if parts[len(prefix):] else "empty_name")
        if why:
            items.append(Item(prefix + (name,), REFUSED, reason=Reason(why), zips=zips))
            continue
        unix_mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(unix_mode):
            items.append(Item(parts, REFUSED, reason=Reason("symlink"), zips=zips))
            continue
        kind = _kind_of(parts)
        if kind == SKIPPED:
            items.append(Item(parts, SKIPPED, reason=Reason(_skipped(parts)), zips=zips))
            continue
        wanted = _is_zip(parts)
        if wanted and depth >= limits.depth:
            items.append(Item(parts, REFUSED, reason=Reason("too_deep", depth=limits.depth),
                              zips=zips))
            continue
        if kind == OTHER and not wanted:
            items.append(Item(parts, OTHER, mtime=_zip_time(info), time_kind="zip",
                              zips=zips))
            continue
        if info.flag_bits & 0x1:
            items.append(Item(parts, REFUSED, reason=Reason("encrypted"), zips=zips))
            continue
        cap = limits.archive if wanted else limits.notebook
        if info.file_size > cap:
            items.append(Item(parts, REFUSED, reason=Reason("too_large", limit=cap),
                              zips=zips))
            continue
        # The header's size may lie: never read more than the cap and one byte. A zip entry
        # is read in chunks as it inflates, so asking for the cap allocates none of it (unlike
        # a file on disk; measured: the same time and peak memory with a 20 or a 200 MB cap).
        try:
            with archive.open(info) as handle:
                data = handle.read(cap + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
                zlib.error, ValueError) as exc:
            items.append(Item(parts, REFUSED, reason=Reason("bad_entry", detail=_detail(exc)),
                              zips=zips))
            continue
        if len(data) > cap:
            items.append(Item(parts, REFUSED, reason=Reason("too_large", limit=cap),
                              zips=zips))
            continue
        if not budget.take(len(data)):
            items.append(Item(parts, REFUSED, reason=Reason("over_budget", limit=limits.total),
                              zips=zips))
            continue
        if wanted:
            items.extend(_read_nested(data, parts, limits, budget, depth=depth + 1,
                                      zips=zips + (len(parts) - 1,)))
            continue
        items.append(Item(parts, NOTEBOOK, data=data, mtime=_zip_time(info), time_kind="zip",
                          zips=zips))
    return items
