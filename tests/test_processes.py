"""crmlab.core.processes: forked workers that die with the process that started them."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from crmlab.core.processes import fork_pool

SCRIPT = textwrap.dedent("""
    import os, sys, time
    from crmlab.core.processes import fork_pool

    pool = fork_pool(2)
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
    print(" ".join(children), flush=True)
    os.kill(os.getpid(), 9)  # as the out-of-memory killer would: no shutdown, no cleanup
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"  # a zombie has died
    except FileNotFoundError:
        return False


def test_a_worker_runs_in_a_fork():
    with fork_pool(1) as pool:
        assert pool.submit(os.getppid).result() == os.getpid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_when_the_process_that_started_them_is_killed():
    # start_new_session: the killed parent's workers are not this test's children either
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=60, start_new_session=True)
    assert run.returncode == -signal.SIGKILL, run.stderr
    workers = [int(pid) for pid in run.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
