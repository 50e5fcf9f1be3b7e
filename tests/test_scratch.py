"""A job's scratch folder: removal that always ends, and a tmpfs that counts what a job hides."""

import os
import subprocess
import sys

import pytest

from crmlab.grading import scratch

LINUX_ROOT = sys.platform.startswith("linux") and os.geteuid() == 0


def _deep(top, depth: int) -> None:
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        below = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.close(fd)


@pytest.fixture
def memory_path(tmp_path):
    """A folder in memory when the machine has one (the algorithm is the same on any file
    system; a disk spends 1-4 ms per removed folder on a loaded machine, 10,000 of them here)."""
    if not os.access("/dev/shm", os.W_OK):
        yield tmp_path
        return
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="crmlab-test-", dir="/dev/shm"))
    yield folder
    subprocess.run(["rm", "-rf", "--one-file-system", str(folder)], check=False)


def test_a_tree_10000_deep_is_removed(memory_path):
    """shutil.rmtree recursed once per level: at 1,000 levels it raised RecursionError, the
    job became a grader problem and its tree stayed for the next job with that uid."""
    tmp_path = memory_path
    top = tmp_path / "uid-61000-abc"
    top.mkdir()
    _deep(top, 10_000)
    (top / "d" / "link").symlink_to(tmp_path)  # never followed
    keep = tmp_path / "keep.txt"
    keep.write_text("the parent's other files stay")
    assert scratch.remove_tree(top) is True
    assert not top.exists() and keep.read_text() == "the parent's other files stay"


def test_removal_answers_false_instead_of_raising(tmp_path):
    top = tmp_path / "job"
    top.mkdir()
    (top / "a").mkdir()
    assert scratch.remove_tree(top, budget=1) is False  # past its budget: the caller retires it
    assert top.exists()
    assert scratch.remove_tree(top) is True
    assert scratch.remove_tree(tmp_path / "missing") is True
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert scratch.remove_tree(plain) is True and not plain.exists()


@pytest.mark.skipif(not LINUX_ROOT, reason="only root mounts a tmpfs scratch folder")
def test_a_tmpfs_scratch_counts_deleted_open_files_and_stops_at_its_size(tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    scratch.mount_tmpfs(folder, size=8 * 2 ** 20, uid=os.getuid(), gid=os.getgid())
    try:
        assert scratch.is_mount(folder)
        held = []
        with pytest.raises(OSError) as info:
            for i in range(4):  # 4 x 3 MB, each deleted while still open
                handle = open(folder / f"f{i}", "wb")
                held.append(handle)
                handle.write(b"x" * 3 * 2 ** 20)
                handle.flush()
                os.remove(folder / f"f{i}")
        assert info.value.errno == 28
        # Two files nobody can see any more, and the one that did not fit: the disk is full.
        assert os.listdir(folder) == ["f2"] and scratch.used(folder) > 7 * 2 ** 20
        for handle in held:
            try:
                handle.close()
            except OSError:
                pass
        os.remove(folder / "f2")
        assert scratch.used(folder) < 2 ** 20
        assert scratch.inodes_left(folder) == scratch.INODES - 1  # the root folder
    finally:
        assert scratch.unmount(folder)
    assert not scratch.is_mount(folder)
