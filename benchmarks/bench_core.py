"""Foundation figures: the cost of ``import crmlab`` and of running the lessons under nbval.

(a) ``import crmlab`` (with datasets and quiz) over a bare interpreter (target <= 150 ms).
(b) the lesson suite, every notebook under strict nbval as ``make test`` runs it, against a
floor of one fresh kernel per notebook that imports what a lesson imports before its own work
(pandas, matplotlib's pyplot, ipywidgets, crmlab; :data:`LESSON_STACK`), target <= 2.0: what is
left over is the lessons' own work (data, models, figures, widgets) and nbval's comparisons.
"""

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


#: What a lesson's kernel loads before the lesson's own work: pandas, matplotlib's pyplot (with
#: the kernel's inline backend), ipywidgets (the quiz) and crmlab. The floor of the lesson suite.
LESSON_STACK = "import pandas, matplotlib.pyplot, ipywidgets, crmlab"


def lesson_suite_ratio(kernels: int = 3) -> list[dict]:
    """The strict nbval run of every notebook against, per notebook, one fresh kernel that starts,
    imports the lesson stack and shuts down: ``kernels`` of them timed before the suite and as
    many after, in the same run (median), so that load on the machine falls on both sides."""
    from benchmarks._kernel import fresh_kernel_seconds
    from crmlab.publish.notebooks import all_notebooks

    notebooks = all_notebooks(ROOT / "notebooks")
    bare = statistics.median(fresh_kernel_seconds("1 + 1", kernels=kernels))
    before = fresh_kernel_seconds(LESSON_STACK, kernels=kernels)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"),
         *map(str, notebooks)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    suite = time.perf_counter() - started
    floor = statistics.median(before + fresh_kernel_seconds(LESSON_STACK, kernels=kernels))
    return [
        {"name": "lesson suite: nbval time / (notebooks x kernel with the stack)",
         "value": suite / (len(notebooks) * floor), "target": "<= 2.0", "unit": "x",
         "note": f"{len(notebooks)} notebooks in {suite:.1f} s; a kernel importing pandas, "
                 f"pyplot, ipywidgets, crmlab {floor:.2f} s (bare kernel {bare:.2f} s: "
                 f"{suite / (len(notebooks) * bare):.1f}x)"},
    ]


def run() -> list[dict]:
    """Measure; one row per figure (see the package docstring)."""
    return import_time() + lesson_suite_ratio()
