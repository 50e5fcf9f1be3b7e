"""Forked workers that never outlive the process that started them.

Grading forks readers (and the report's figure drawers) that inherit what they work on rather
than receive it. If the grading process dies without shutting its pool down (killed by the
out-of-memory killer, by ``kill -9``, by a crash in a C library), the workers would wait for
work forever, holding every file the grader had open: a pipe read by whoever started
``crmlab grade`` never ends. On Linux each worker asks the kernel to kill it when its parent
dies (``PR_SET_PDEATHSIG``); elsewhere the pool is an ordinary one.

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

__all__ = ["fork_pool"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In a worker: be killed when the process ``parent`` ends (at once if it already has)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL),
                   ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def fork_pool(workers: int):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` forked processes
    (they inherit this process's memory) that die with this process. Start it from the
    thread that lives as long as the pool: Linux ties the request to the forking thread."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
