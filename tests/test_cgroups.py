"""The sandbox's cgroups: one job's memory counted wherever it lives, and one switch to kill it."""

import os
import subprocess
import sys
import time

import pytest

from crmlab.grading import cgroups

FOUND = cgroups.layout()
needs_memory = pytest.mark.skipif(not FOUND["memory"],
                                  reason="no memory cgroup here (root with cgroups only)")


def _join_and_run(groups, code: str) -> subprocess.Popen:
    """A child that joins the job's cgroups before it runs ``code`` (as _confine does)."""
    joins = "".join(f"open({os.path.join(f, 'cgroup.procs')!r}, 'w').write(str(os.getpid()))\n"
                    for f in groups.join())
    return subprocess.Popen([sys.executable, "-I", "-S", "-c", f"import os\n{joins}{code}"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


@needs_memory
def test_memory_held_in_in_memory_files_is_counted_and_killed_at_the_limit():
    """An in-memory file is outside the address-space limit; the job's memory cgroup counts it."""
    groups = cgroups.create(f"{cgroups.PREFIX}61899-test{os.getpid()}", memory=64, processes=16)
    try:
        child = _join_and_run(groups, (
            "held = []\nfor _ in range(50):\n    fd = os.memfd_create('hold')\n"
            "    os.write(fd, b'x' * 4 * 2**20)\n    held.append(fd)\nprint('held 200 MB')"))
        output, _ = child.communicate(timeout=60)
        assert child.returncode == -9 and b"held" not in output
        assert groups.oom_kills() == 1
    finally:
        groups.kill()
        assert groups.remove()
    assert not any(os.path.exists(f) for f in groups.folders.values())


@pytest.mark.skipif(not (FOUND["kill"] or FOUND["pids"]), reason="no cgroup to kill with here")
def test_one_switch_kills_every_process_of_a_job_even_a_detached_one():
    groups = cgroups.create(f"{cgroups.PREFIX}61899-kill{os.getpid()}", memory=256,
                            processes=16)
    try:
        child = _join_and_run(groups, (
            "import subprocess\nsubprocess.Popen(['sleep', '600'], start_new_session=True)\n"
            "print('started', flush=True)\nimport time\ntime.sleep(600)"))
        assert child.stdout.readline() == b"started\n"
        members = groups.folders.get("kill") or groups.folders.get("pids")
        assert len(open(os.path.join(members, "cgroup.procs")).read().split()) == 2
        started = time.monotonic()
        assert groups.kill() is True
        assert time.monotonic() - started < 2
        assert child.wait(timeout=10) == -9
        assert open(os.path.join(members, "cgroup.procs")).read() == ""
    finally:
        groups.kill()
        assert groups.remove()


@pytest.mark.parametrize(("mounts", "own", "expected"), [
    ("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n", "0::/user.slice\n", {"v2": "/sys/fs/cgroup"}),
    ("cgroup /c/pids cgroup rw,pids 0 0\ncgroup /c/mem cgroup rw,memory 0 0\n",
     "8:pids:/\n4:memory:/a\n", {"pids": "/c/pids", "memory": "/c/mem"}),
])
def test_the_hierarchies_are_read_from_the_mount_table(mounts, own, expected):
    assert cgroups._mounts(mounts) == expected
    assert set(cgroups._own(own)) == set(expected)
