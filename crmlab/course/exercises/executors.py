"""Where grading jobs run. The grading code only calls ``executor.map(function, jobs)``.

``LocalExecutor`` runs each job in a thread that starts its own Python process (which starts its
own kernel), so N workers grade N notebooks at once and one crash or hang never touches the
others. A distributed engine plugs in with the same one method, for example with dask::

    class DaskExecutor:
        def __init__(self, client):            # a dask.distributed.Client
            self.client = client
        def map(self, function, jobs):
            return self.client.gather(self.client.map(function, jobs, pure=False))

and ``grade(..., executor=DaskExecutor(client))``: the jobs and results are plain picklable
objects, and each job still runs papermill in a fresh process on the worker. The jobs name
files (the prepared notebook, its results and feedback paths), so the workers need the grading
folder on a shared filesystem, as in any dask cluster reading course data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Protocol, runtime_checkable

from crmlab._validation import check_whole

__all__ = ["Executor", "LocalExecutor"]


@runtime_checkable
class Executor(Protocol):
    """What the grader needs from an executor: results in the order of the jobs."""

    def map(self, function: Callable, jobs: Iterable) -> list:
        """Apply ``function`` to every job; return the results in the order of the jobs."""
        ...  # pragma: no cover


class LocalExecutor:
    """Run jobs on this machine, ``workers`` at a time, with a tqdm progress bar.

    Each job (:func:`crmlab.course.exercises.autograde.run_job`) starts its own process, so threads
    are enough here: the pool only waits, the notebooks run in separate processes.

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
        from tqdm.auto import tqdm

        jobs = list(jobs)
        results = [None] * len(jobs)
        with ThreadPoolExecutor(max_workers=self.workers) as pool, \
                tqdm(total=len(jobs), desc="grading", unit="nb",
                     disable=not self.progress or None) as bar:
            futures = {pool.submit(function, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        return results
