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
objects, and each job still runs papermill in a fresh process on the worker.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

__all__ = ["LocalExecutor"]


class LocalExecutor:
    """Run jobs on this machine, ``workers`` at a time, with an optional progress bar."""

    def __init__(self, workers: int = 2, *, progress: bool = True):
        if workers < 1:
            raise ValueError(f"Got workers={workers!r} instead, expected an integer >= 1.")
        self.workers, self.progress = workers, progress

    def map(self, function, jobs):
        from tqdm.auto import tqdm

        jobs = list(jobs)
        results = [None] * len(jobs)
        with ThreadPoolExecutor(max_workers=self.workers) as pool, \
                tqdm(total=len(jobs), desc="grading", unit="nb",
                     disable=not self.progress or None) as bar:
            futures = {pool.submit(function, job): i for i, job in enumerate(jobs)}
            for future in futures:
                results[futures[future]] = future.result()
                bar.update()
        return results
