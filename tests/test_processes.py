"""crmlab.core.processes: forked workers that die with the process that started them."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from crmlab.core import processes
from crmlab.core.processes import fork_pool

#: A parent that starts two workers, writes their pids and dies as the out-of-memory killer
#: would kill it: no shutdown, no clean-up. ``KERNEL`` False: the workers cannot ask Linux and
#: watch their parent instead.
SCRIPT = textwrap.dedent("""
    import os, sys, time
    from crmlab.core import processes

    if sys.argv[2] == "watch":
        processes._prctl = lambda: None
    pool = processes.fork_pool(2)
    futures = [pool.submit(time.sleep, 60) for _ in range(2)]
    time.sleep(0.5)  # both workers started
    children = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == os.getpid():
            children.append(pid)
    with open(sys.argv[1], "w") as handle:
        handle.write(" ".join(children))
    os.kill(os.getpid(), 9)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has died
    except FileNotFoundError:
        return False


def test_a_worker_runs_in_a_fork():
    with fork_pool(1) as pool:
        assert pool.submit(os.getppid).result() == os.getpid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["kernel", "watch"])
def test_workers_die_when_the_process_that_started_them_is_killed(tmp_path, how):
    if how == "kernel" and processes._prctl() is None:
        pytest.skip("prctl is not available here")
    pids, log = tmp_path / "pids", tmp_path / "log"
    workers = []
    try:
        with open(log, "wb") as out:  # a file, not a pipe: a survivor cannot hang the test
            run = subprocess.run([sys.executable, "-c", SCRIPT, str(pids), how], stdout=out,
                                 stderr=out, timeout=30, start_new_session=True)
        assert run.returncode == -signal.SIGKILL, log.read_text()
        workers = [int(pid) for pid in pids.read_text().split()]
        assert len(workers) == 2
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        for pid in workers:  # a failing test leaves no process behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
