"""Forked workers that never outlive the process that started them.

Grading forks readers (and the report's figure drawers) that inherit what they work on rather
than receive it. If the grading process dies without shutting its pool down (killed by the
out-of-memory killer, by ``kill -9``, by a crash in a C library), the workers would wait for
work forever, holding every file the grader had open: a pipe read by whoever started
``crmlab grade`` never ends. On Linux each worker asks the kernel to kill it when its parent
dies (``PR_SET_PDEATHSIG``); elsewhere a thread of each worker watches its parent.

Examples
--------
>>> with fork_pool(1) as pool:
...     pool.submit(sum, [1, 2, 3]).result()
6
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from functools import cache

__all__ = ["fork_pool"]

_PR_SET_PDEATHSIG = 1


@cache
def _prctl():
    """libc's ``prctl`` on Linux (looked up once, in the process that forks), else None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _die_with_parent(parent: int, prctl) -> None:
    """In a worker: be killed when the process ``parent`` ends (at once if it already has).
    Where the kernel cannot be asked (not Linux, or ``prctl`` refused), a thread of the worker
    watches its parent twice a second instead."""
    import ctypes

    asked = prctl is not None and prctl(
        ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
        ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    if not asked:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def fork_pool(workers: int):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` forked processes
    (they inherit this process's memory) that die with this process.

    With the fork context the workers are forked at the pool's first ``submit``, by the thread
    that calls it, and Linux ties the request to die with the parent to that thread: submit
    first from a thread that outlives the pool (grading submits and shuts its pools down from
    the one thread that made them)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with_parent, initargs=(os.getpid(), _prctl()))
