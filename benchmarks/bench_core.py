"""Foundation figures: the cost of ``import crmlab`` and of running the lessons under nbval."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _subprocess_seconds(code: str, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def import_time() -> list[dict]:
    """What a lesson's first cell costs: importing crmlab, its datasets and quiz."""
    floor = _subprocess_seconds("pass")
    with_crmlab = _subprocess_seconds("import crmlab, crmlab.datasets, crmlab.quiz")
    cost_ms = max(with_crmlab - floor, 0.0) * 1000
    return [
        {"name": "import crmlab (+ datasets, quiz) over bare interpreter", "value": cost_ms,
         "target": "<= 150", "unit": "ms",
         "note": f"interpreter floor {floor * 1000:.0f} ms measured in the same run"},
    ]


def _bare_kernel_seconds(repeat: int = 3) -> float:
    from jupyter_client.manager import start_new_kernel

    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        try:
            kc.execute_interactive("1 + 1", timeout=60)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def lesson_suite_ratio() -> list[dict]:
    """The nbval run of every notebook against bare kernel starts, in the same run."""
    from crmlab.publish.notebooks import all_notebooks

    notebooks = all_notebooks(ROOT / "notebooks")
    bare = _bare_kernel_seconds()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"),
         *map(str, notebooks)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    suite = time.perf_counter() - started
    ratio = suite / (len(notebooks) * bare)
    return [
        {"name": "lesson suite: nbval time / (notebooks x bare kernel)", "value": ratio,
         "target": "<= 2.0", "unit": "x",
         "note": f"{len(notebooks)} notebooks in {suite:.1f} s; bare kernel "
                 f"start-execute-stop {bare:.2f} s"},
    ]


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    return import_time() + lesson_suite_ratio()
