"""A floor the benchmarks share: a fresh kernel started, given one piece of code, shut down."""

from __future__ import annotations

import os
import time


def fresh_kernel_seconds(code: str, *, kernels: int = 3) -> list[float]:
    """Seconds, one per kernel, for a fresh ``python3`` kernel to start (as nbval and the
    grader start one, with jupyter_client), run ``code`` and shut down."""
    from jupyter_client.manager import KernelManager

    times = []
    for _ in range(kernels):
        started = time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            km = KernelManager(kernel_name="python3")
            km.start_kernel(stdout=devnull, stderr=devnull)
            try:
                kc = km.client()
                kc.start_channels()
                kc.wait_for_ready(timeout=300)
                kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
                kc.stop_channels()
            finally:
                km.shutdown_kernel(now=True)
        times.append(time.perf_counter() - started)
    return times
