"""Where grading jobs run. The grading code only calls ``executor.map(function, jobs)``.

- :class:`LocalExecutor` runs ``workers`` jobs at once in threads of this process; each job
  starts its own sandboxed kernel, so the threads only wait and a crash or hang never touches
  the others.
- :class:`DaskExecutor` runs them on a ``dask.distributed`` cluster (``pip install
  'crmlab[cluster]'``): an existing one (``tcp://HOST:PORT``) or a ``LocalCluster`` of N worker
  processes on this machine (``local:N``). Jobs and results are plain picklable values; a job
  whose worker is lost is run again on another worker by the scheduler, and its result counts
  once. Each worker needs the same Python environment as the grader (the grader checks crmlab's
  fingerprint on every job) and the output folder at the same path (the feedback notebooks and
  the prepared data variants are written there).

Both show a tqdm progress bar, and both return the results in the order of the jobs. A function
may carry ``progress_label`` (the bar's title) and ``on_error(job, exc)`` (the result of a job
that could not run, instead of stopping the batch).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Protocol, runtime_checkable

from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import check_whole

__all__ = ["Executor", "LocalExecutor", "DaskExecutor", "executor_for"]


@runtime_checkable
class Executor(Protocol):
    """What the grader needs from an executor: results in the order of the jobs."""

    def map(self, function: Callable, jobs: Iterable) -> list:
        """Apply ``function`` to every job; return the results in the order of the jobs."""
        ...  # pragma: no cover


def _outcome(function, job, error):
    handler = getattr(function, "on_error", None)
    if handler is None:
        raise error
    return handler(job, error)


def _bar(function, total: int, progress: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=getattr(function, "progress_label", "jobs"), unit="job",
                disable=not progress or None)


class LocalExecutor:
    """Run jobs on this machine, ``workers`` at a time, with a tqdm progress bar.

    Examples
    --------
    >>> LocalExecutor(2, progress=False).map(abs, [-1, 2, -3])
    [1, 2, 3]
    >>> isinstance(LocalExecutor(1), Executor)
    True
    """

    def __init__(self, workers: int = 2, *, progress: bool = True):
        self.workers, self.progress = check_whole("workers", workers, minimum=1), progress

    def map(self, function, jobs):
        """Run the jobs ``workers`` at a time; results in the order of the jobs."""
        jobs = list(jobs)
        results = [None] * len(jobs)
        with ThreadPoolExecutor(max_workers=self.workers) as pool, \
                _bar(function, len(jobs), self.progress) as bar:
            futures = {pool.submit(function, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:
                    results[i] = _outcome(function, jobs[i], exc)
                bar.update()
        return results


class DaskExecutor:
    """Run jobs on a dask.distributed cluster, with a tqdm progress bar.

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``tcp://HOST:PORT`` (a running scheduler), ``local:N`` (start a ``LocalCluster`` of N
        worker processes, one thread each, closed by :meth:`close`), or a connected client.
    progress : bool
        Show the progress bar.
    timeout : float, default 30
        Seconds to keep trying to reach a ``tcp://`` scheduler before giving up.

    Examples
    --------
    >>> DaskExecutor("local:0")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got scheduler='local:0' instead, expected tcp://HOST:PORT or local:N with N >= 1.
    """

    def __init__(self, scheduler, *, progress: bool = True, timeout: float = 30):
        self.progress, self.timeout = progress, timeout
        self.client = self.cluster = None
        if isinstance(scheduler, str):
            found = re.fullmatch(r"local:(\d+)", scheduler)
            if found and int(found.group(1)) >= 1:
                self.local = int(found.group(1))
            elif re.fullmatch(r"(tcp|tls|ucx|inproc)://\S+", scheduler):
                self.local = None
            else:
                raise ExerciseError(f"Got scheduler={scheduler!r} instead, expected "
                                    "tcp://HOST:PORT or local:N with N >= 1.")
            self.address = scheduler
        else:
            self.client, self.local, self.address = scheduler, None, None

    def _connect(self):
        if self.client is not None:
            return self.client
        try:
            import logging

            from distributed import Client, LocalCluster
        except ImportError:
            raise ExerciseError("--scheduler needs dask.distributed: pip install "
                                "'crmlab[cluster]'") from None
        if self.local:
            self.cluster = LocalCluster(n_workers=self.local, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout=f"{self.timeout}s")
            except OSError as exc:
                raise ExerciseError(f"cannot reach the dask scheduler at {self.address} "
                                    f"({exc})") from None
        return self.client

    @property
    def workers(self) -> int:
        """Jobs the cluster runs at once (its worker threads)."""
        return max(1, sum(self._connect().nthreads().values()))

    def map(self, function, jobs):
        """Submit every job; results in the order of the jobs, each counted once."""
        from distributed import as_completed as completed

        client = self._connect()
        jobs = list(jobs)
        if not jobs:
            return []
        # pure=False: two identical jobs are still two runs; a job lost with its worker is
        # run again by the scheduler, and gather returns one result per future.
        futures = client.map(function, jobs, pure=False)
        where = {future.key: i for i, future in enumerate(futures)}
        results = [None] * len(jobs)
        with _bar(function, len(jobs), self.progress) as bar:
            for future in completed(futures):
                i = where[future.key]
                if future.status == "finished":
                    results[i] = future.result()
                else:
                    results[i] = _outcome(function, jobs[i], future.exception())
                bar.update()
        return results

    def close(self) -> None:
        """Disconnect; stop the LocalCluster this executor started."""
        if self.address is None:
            return  # a client given by the caller stays theirs
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def executor_for(scheduler: str, *, progress: bool = True) -> DaskExecutor:
    """The executor of ``--scheduler`` (``tcp://HOST:PORT`` or ``local:N``)."""
    return DaskExecutor(scheduler, progress=progress)
