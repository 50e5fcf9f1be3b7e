"""crmlab.core.safe_files: a regular file is read whole up to its cap; a link, a FIFO, a device,
a socket, a folder, a larger file and one that grows past the cap while read are refused, each
with its kind and one line."""

import errno
import os
import pickle
import socket
import threading

import pytest

from crmlab.core import safe_files
from crmlab.core.exceptions import CrmlabError
from crmlab.core.safe_files import (
    NOT_REGULAR,
    OS_ERROR,
    TOO_LARGE,
    FileRefused,
    read_regular,
    read_regular_stat,
)

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")


def _refused(path, **options) -> FileRefused:
    """The refusal of reading ``path``, from a thread: a FIFO opened for reading without
    O_NONBLOCK would wait for a writer for ever; the test says so instead of hanging."""
    caught = []

    def read():
        try:
            read_regular(path, **options)
        except FileRefused as refused:
            caught.append(refused)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # let it go: a writer opening the FIFO unblocks the reader
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"reading {path} blocked")
    assert len(caught) == 1, f"{path} was read"
    return caught[0]


@pytest.mark.parametrize("size", [0, 1, 99, 100])
def test_a_regular_file_up_to_the_cap_is_read_whole(tmp_path, size):
    path = tmp_path / "L00.json"
    path.write_bytes(b"x" * size)
    assert read_regular(path, max_bytes=100) == b"x" * size
    assert read_regular(str(path), max_bytes=100, follow_links=True) == b"x" * size


def test_a_file_over_the_cap_is_refused_with_its_size(tmp_path):
    path = tmp_path / "L00.json"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileRefused) as caught:
        read_regular(path, max_bytes=100)
    refused = caught.value
    assert (refused.kind, refused.size, refused.max_bytes, refused.error) == (TOO_LARGE, 101,
                                                                             100, None)
    assert refused.why == "101 bytes, larger than the cap of 100"
    assert str(refused) == f"{path}: 101 bytes, larger than the cap of 100"
    assert isinstance(refused, CrmlabError)


def test_a_sparse_file_over_the_cap_is_refused_unread(tmp_path):
    path = tmp_path / "tokens.csv"
    with open(path, "wb") as handle:  # 2 GB on paper, nothing on the disk
        handle.truncate(2**31)
    with pytest.raises(FileRefused, match=f"^{path}: {2**31} bytes, larger than the cap of 10$"):
        read_regular(path, max_bytes=10)


def _link_to_file(path):
    target = path.with_name("target.json")
    target.write_bytes(b"{}")
    path.symlink_to(target)


def _link_to_zero(path):
    path.symlink_to("/dev/zero")


def _dangling_link(path):
    path.symlink_to(path.with_name("nowhere.json"))


def _fifo(path):
    os.mkfifo(path)


def _folder(path):
    path.mkdir()


def _socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


@posix_only
@pytest.mark.parametrize("make", [_link_to_file, _link_to_zero, _dangling_link, _fifo, _folder,
                                  _socket])
def test_a_link_or_a_special_file_is_refused_without_waiting(tmp_path, make):
    path = tmp_path / "L00.json"
    made = make(path)
    try:
        refused = _refused(path, max_bytes=100)
    finally:
        if made is not None:
            made.close()
    assert (refused.kind, refused.why, refused.size, refused.error) == (NOT_REGULAR,
                                                                       "not a regular file",
                                                                       None, None)
    assert str(refused) == f"{path}: not a regular file"


@posix_only
@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(path):
    for follow_links in (False, True):
        refused = _refused(path, max_bytes=10, follow_links=follow_links)
        assert (refused.kind, str(refused)) == (NOT_REGULAR, f"{path}: not a regular file")


@posix_only
def test_following_links_reads_a_regular_target_only(tmp_path):
    _link_to_file(tmp_path / "linked.json")
    assert read_regular(tmp_path / "linked.json", max_bytes=10, follow_links=True) == b"{}"
    for make in (_link_to_zero, _fifo):
        path = tmp_path / f"{make.__name__}.yaml"
        make(path)
        assert _refused(path, max_bytes=10, follow_links=True).kind == NOT_REGULAR
    _dangling_link(tmp_path / "dangling.yaml")
    refused = _refused(tmp_path / "dangling.yaml", max_bytes=10, follow_links=True)
    assert (refused.kind, refused.why) == (OS_ERROR, "No such file or directory")


@posix_only
def test_a_file_is_read_in_the_folder_held_open(tmp_path):
    """``dir_fd``: the file is looked up in the folder the caller holds open, so a folder
    swapped for a link after it was opened is never followed; a link inside it is refused."""
    folder, elsewhere = tmp_path / "answers", tmp_path / "elsewhere"
    for where, data in ((folder, b"mine"), (elsewhere, b"theirs")):
        where.mkdir()
        (where / "L00.json").write_bytes(data)
    _link_to_zero(folder / "L01.json")
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        folder.rename(tmp_path / "moved")
        folder.symlink_to(elsewhere)
        assert read_regular("L00.json", max_bytes=10, dir_fd=fd) == b"mine"
        assert read_regular_stat("L00.json", max_bytes=10, dir_fd=fd)[0] == b"mine"
        refused = _refused("L01.json", max_bytes=10, dir_fd=fd)
    finally:
        os.close(fd)
    assert (refused.kind, str(refused)) == (NOT_REGULAR, "L01.json: not a regular file")


def test_a_missing_file_is_an_os_error_with_its_strerror(tmp_path):
    path = tmp_path / "gone.json"
    refused = _refused(path, max_bytes=10)
    assert (refused.kind, refused.why, refused.size) == (OS_ERROR, "No such file or directory",
                                                         None)
    assert isinstance(refused.error, FileNotFoundError)
    assert refused.error.errno == errno.ENOENT
    assert refused.__cause__ is refused.error
    assert str(refused) == f"{path}: No such file or directory"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_an_os_error(tmp_path):
    path = tmp_path / "L00.json"
    path.write_bytes(b"{}")
    path.chmod(0)
    refused = _refused(path, max_bytes=10)
    assert (refused.kind, refused.why) == (OS_ERROR, "Permission denied")
    assert isinstance(refused.error, PermissionError)


def _reported_size(monkeypatch, size):
    """Have ``os.fstat`` (the function itself, so for every module) say a file holds ``size``
    bytes: a file that grows between the size check and the read. Shared with
    test_submission."""
    real = os.fstat

    def fstat(fd):
        found = real(fd)
        return os.stat_result((found.st_mode, found.st_ino, found.st_dev, found.st_nlink,
                               found.st_uid, found.st_gid, size, *found[7:10]))

    monkeypatch.setattr(safe_files.os, "fstat", fstat)


@pytest.mark.parametrize("reported", [0, 10, 99])
def test_a_file_growing_while_read_is_read_whole_or_refused(tmp_path, monkeypatch, reported):
    path = tmp_path / "s1.zip"
    data = bytes(range(100))
    path.write_bytes(data)
    _reported_size(monkeypatch, reported)  # the file grew past what fstat said
    assert read_regular(path, max_bytes=100) == data  # every byte, not reported + 1
    assert read_regular(path, max_bytes=1000) == data
    with pytest.raises(FileRefused) as caught:
        read_regular(path, max_bytes=99)
    assert (caught.value.kind, caught.value.size) == (TOO_LARGE, None)
    assert str(caught.value) == f"{path}: larger than the cap of 99 bytes"


def _while_read(monkeypatch, change):
    """Call ``change(fd)`` once the file is open and checked, just before its bytes are read."""
    real = open

    def opened(fd, *args, **kwargs):
        change(fd)
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(safe_files, "open", opened, raising=False)


def test_the_status_is_the_open_files_after_the_read(tmp_path, monkeypatch):
    path = tmp_path / "s1.zip"
    path.write_bytes(b"PK")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    inode = path.stat().st_ino

    def change(fd):  # while read, the open file is touched and another put in its place
        os.utime(fd, (1_700_000_100, 1_700_000_100))
        other = tmp_path / "other.zip"
        other.write_bytes(b"PK!")
        os.utime(other, (1_700_000_200, 1_700_000_200))
        os.replace(other, path)

    _while_read(monkeypatch, change)
    data, info = read_regular_stat(path, max_bytes=2)
    # neither the status before the read (...000) nor the path's after it (...200, 3 bytes)
    assert (data, info.st_mtime, info.st_size, info.st_ino) == (b"PK", 1_700_000_100, 2, inode)
    with pytest.raises(FileRefused, match="larger than the cap of 2$"):
        read_regular_stat(path, max_bytes=2)


@posix_only
def test_the_file_is_read_blocking_and_never_as_a_terminal(tmp_path, monkeypatch):
    """O_NONBLOCK keeps a FIFO from waiting for a writer; a regular file is then read blocking
    (a mount that honours O_NONBLOCK could otherwise hand back None); O_NOCTTY keeps a linked
    terminal from becoming the reader's controlling terminal."""
    path = tmp_path / "course.yaml"
    path.write_bytes(b"title: x\n")
    real_open, flags, blocking = os.open, [], []

    def os_open(name, mode, *args, **kwargs):
        flags.append(mode)
        return real_open(name, mode, *args, **kwargs)

    monkeypatch.setattr(safe_files.os, "open", os_open)
    _while_read(monkeypatch, lambda fd: blocking.append(os.get_blocking(fd)))
    assert read_regular(path, max_bytes=100, follow_links=True) == b"title: x\n"
    assert flags[0] & os.O_NONBLOCK and flags[0] & os.O_NOCTTY
    assert blocking == [True]


@pytest.mark.parametrize("refused", [
    FileRefused("s1/L00.json", NOT_REGULAR, max_bytes=10),
    FileRefused("s1/L00.json", TOO_LARGE, max_bytes=10, size=11),
    FileRefused("s1/L00.json", TOO_LARGE, max_bytes=10),
    FileRefused("s1/L00.json", OS_ERROR, max_bytes=10,
                error=FileNotFoundError(errno.ENOENT, "No such file or directory")),
])
def test_a_refusal_survives_pickling(refused):
    """A refusal raised in a forked reader crosses to the parent whole (an exception that
    cannot be unpickled would break the pool, and every student's grading with it)."""
    again = pickle.loads(pickle.dumps(refused))
    assert type(again) is FileRefused
    assert (again.path, again.kind, again.max_bytes, again.size, again.why, str(again)) == (
        refused.path, refused.kind, refused.max_bytes, refused.size, refused.why, str(refused))
    assert type(again.error) is type(refused.error)
    assert str(again.error) == str(refused.error)
