"""Reading a file someone else wrote: a regular file only, never a link or a special file, and
never more than a cap of bytes.

A student's answers and bundles, what a grading kernel left behind, a download from the LMS, the
hub's tokens file and the course's YAML files are all read by :func:`read_regular`. The file is
opened with ``O_NOFOLLOW``, so a link as the file's own name (to ``/dev/zero``, to another
student's file) is refused, even one swapped in after a check; that is all it refuses: folders
on the way to the file are followed, and a hard link is a regular file like any other (a
caller that must stay inside a folder walks it itself). It is opened with ``O_NONBLOCK`` too (a
FIFO does not wait for a writer) and ``O_NOCTTY`` (a terminal is never made the reader's
controlling terminal), then checked on the open descriptor (a device, a FIFO or a folder is
refused), made blocking again to be read, and never read past the cap and one byte (a file
that grows while it is read). Each refusal is one :class:`FileRefused` whose ``kind`` says
which it is; a caller turns it into its own error in a line or two.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from crmlab.core.exceptions import CrmlabError

__all__ = ["FileRefused", "NOT_REGULAR", "TOO_LARGE", "OS_ERROR", "read_regular",
           "read_regular_stat"]

#: The kinds of :class:`FileRefused`.
NOT_REGULAR, TOO_LARGE, OS_ERROR = "not_regular", "too_large", "os_error"


class FileRefused(CrmlabError):
    """A file :func:`read_regular` did not read, and why.

    ``kind`` is :data:`NOT_REGULAR` (a link, a FIFO, a device, a socket, a folder),
    :data:`TOO_LARGE` (``size``: the bytes the file said it held, None when it grew past
    ``max_bytes`` while read) or :data:`OS_ERROR` (``error``: the :class:`OSError`, a missing
    file one of :class:`FileNotFoundError`). ``why`` says it without the path (the OS error's
    ``strerror``); the message is ``PATH: why``.
    """

    def __init__(self, path: str | Path, kind: str, *, max_bytes: int, size: int | None = None,
                 error: OSError | None = None):
        self.path, self.kind, self.max_bytes, self.size, self.error = (path, kind, max_bytes,
                                                                      size, error)
        if kind == NOT_REGULAR:
            self.why = "not a regular file"
        elif kind == TOO_LARGE and size is None:
            self.why = f"larger than the cap of {max_bytes} bytes"
        elif kind == TOO_LARGE:
            self.why = f"{size} bytes, larger than the cap of {max_bytes}"
        else:
            self.why = str(error.strerror or error)
        super().__init__(f"{path}: {self.why}")

    def __reduce__(self):
        # Rebuilt from its fields (the options are keyword-only, which the default pickling of
        # an exception cannot pass): a refusal raised in a forked reader reaches the parent as
        # itself, never as a broken pool.
        return _rebuild, (self.path, self.kind, self.max_bytes, self.size, self.error)


def _rebuild(path, kind: str, max_bytes: int, size: int | None,
             error: OSError | None) -> FileRefused:
    return FileRefused(path, kind, max_bytes=max_bytes, size=size, error=error)


def read_regular(path: str | Path, *, max_bytes: int, follow_links: bool = False,
                 dir_fd: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them; else raise
    :class:`FileRefused`.

    The file is read as large as it says it is, plus one byte to see it grow (then the rest, up
    to one byte past the cap): asking for ``max_bytes`` at once would have Python allocate that
    much for every small file (38 us a read with a 2 MB cap against 4 us, measured on the
    graders' answer files). A file that grows while it is read is read whole if it stays within
    the cap, and refused if it does not.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int
        The cap: a larger file is refused, however it got larger.
    follow_links : bool
        Read a link's target (still only a regular one): for the course's own files, which an
        instructor may link into place; never for a file a student or a job could have written.
    dir_fd : int, optional
        An open folder that ``path`` is relative to: a caller that walks a folder one level at
        a time (each opened with ``O_NOFOLLOW``) reads the file in the folder it holds open, so
        no folder on the way can be swapped for a link.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "L00.json"
    >>> _ = path.write_bytes(b"{}")
    >>> read_regular(path, max_bytes=2)
    b'{}'
    >>> read_regular(path, max_bytes=1)
    Traceback (most recent call last):
    ...
    crmlab.core.safe_files.FileRefused: ...L00.json: 2 bytes, larger than the cap of 1
    >>> read_regular("/dev/zero", max_bytes=10)
    Traceback (most recent call last):
    ...
    crmlab.core.safe_files.FileRefused: /dev/zero: not a regular file
    >>> try:
    ...     read_regular(path.with_name("gone.json"), max_bytes=10)
    ... except FileRefused as refused:
    ...     print(refused.kind, "|", refused.why, "|", type(refused.error).__name__)
    os_error | No such file or directory | FileNotFoundError
    """
    return _read(path, max_bytes, follow_links, dir_fd, with_stat=False)[0]


def read_regular_stat(path: str | Path, *, max_bytes: int, follow_links: bool = False,
                      dir_fd: int | None = None) -> tuple[bytes, os.stat_result]:
    """:func:`read_regular` and the file's status as it was read (taken on the open file after
    the read, so its modification time is that of the bytes returned, with no second lookup of
    ``path``).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s1.zip"
    >>> _ = path.write_bytes(b"PK")
    >>> os.utime(path, (1_700_000_000, 1_700_000_000))
    >>> data, info = read_regular_stat(path, max_bytes=10)
    >>> data, info.st_mtime
    (b'PK', 1700000000.0)
    """
    return _read(path, max_bytes, follow_links, dir_fd, with_stat=True)


def _read(path, max_bytes: int, follow_links: bool, dir_fd: int | None, *,
          with_stat: bool) -> tuple[bytes, os.stat_result | None]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        # ELOOP: the file is a link (O_NOFOLLOW); ENXIO: a socket, which cannot be opened
        if exc.errno == errno.ENXIO or (exc.errno == errno.ELOOP and not follow_links):
            raise FileRefused(path, NOT_REGULAR, max_bytes=max_bytes) from None
        raise FileRefused(path, OS_ERROR, max_bytes=max_bytes, error=exc) from exc
    try:  # checked on the descriptor: os.open opens a folder too (on Linux); fstat refuses it
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, NOT_REGULAR, max_bytes=max_bytes)
        # O_NONBLOCK was for a FIFO; some mounts (FUSE, network) honour it for a regular file
        # too, where a read could then return None instead of waiting for the bytes
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        if info.st_size > max_bytes:
            raise FileRefused(path, TOO_LARGE, max_bytes=max_bytes, size=info.st_size)
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # grew while read: the rest, up to one byte past the cap
                data += handle.read(max_bytes + 1 - len(data))
        if len(data) > max_bytes:
            raise FileRefused(path, TOO_LARGE, max_bytes=max_bytes)
        return data, (os.fstat(fd) if with_stat else None)
    except OSError as exc:
        raise FileRefused(path, OS_ERROR, max_bytes=max_bytes, error=exc) from exc
    finally:
        os.close(fd)
