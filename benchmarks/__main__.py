"""Run every benchmark module and print one table: ``python -m benchmarks [NAME ...]``.

Each benchmark module runs in a fresh interpreter, as each command it measures would: what one
benchmark imported or built (a cluster's modules, a million order lines) never burdens the next
one's forked processes nor its memory figures. Each row says whether its figure meets its target
(``ok``), misses it (``MISSED``) or could not be measured (``FAILED``, with the reason). After
every benchmark has run, the command exits 1 when any row failed or missed its target, so a
regression cannot pass unnoticed.
"""

from __future__ import annotations

import importlib
import json
import operator
import pkgutil
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import benchmarks

_COMPARE = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


def status(row: dict) -> str:
    """``ok``, ``MISSED`` or ``FAILED`` for one row (a row without a numeric target is ok).

    Examples
    --------
    >>> status({"value": 1.4, "target": "<= 2.0"}), status({"value": 2.6, "target": "<= 2.0"})
    ('ok', 'MISSED')
    >>> status({"value": None, "target": ""})
    'FAILED'
    """
    if row["value"] is None:
        return "FAILED"
    found = re.fullmatch(r"\s*(<=|>=|<|>)\s*([-+\d.eE]+)\s*", str(row.get("target", "")))
    if not found:
        return "ok"
    return "ok" if _COMPARE[found.group(1)](row["value"], float(found.group(2))) else "MISSED"


class Failed(Exception):
    """A benchmark's process could not measure: the message is its error, type first."""


def rows_of(name: str) -> list[dict]:
    """The rows of the benchmark module ``name``, measured in a fresh interpreter (its output
    goes to this one's); :class:`Failed` says why there are none."""
    with tempfile.TemporaryDirectory(prefix="crmlab-bench-") as folder:
        out = Path(folder) / "rows.json"
        done = subprocess.run([sys.executable, "-m", "benchmarks", "--one", name, str(out)])
        if not out.exists():
            raise Failed(f"its process ended with code {done.returncode} and no rows")
        found = json.loads(out.read_text())
    if isinstance(found, dict):
        raise Failed(found["error"])
    return found


def _one(name: str, out: str) -> int:
    """In the benchmark's own interpreter: run ``name`` and write its rows (or its error) to
    ``out`` as JSON."""
    try:
        found = importlib.import_module(f"benchmarks.{name}").run()
    except Exception as exc:
        traceback.print_exc()
        found = {"error": f"{type(exc).__name__}: {exc}"}
    Path(out).write_text(json.dumps(found))
    return 0


def main(argv: list[str]) -> int:
    """Run the benchmarks named in ``argv`` (default all), print the table, return the exit code."""
    wanted = set(argv)
    names = sorted(
        info.name for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_") and (not wanted or info.name in wanted)
    )
    rows = []
    for name in names:
        started = time.perf_counter()
        print(f"# {name} ...", flush=True)
        try:
            rows.extend(rows_of(name))
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            said = str(exc) if isinstance(exc, Failed) else f"{type(exc).__name__}: {exc}"
            rows.append({"name": name, "value": None, "target": "", "unit": "",
                         "note": f"FAILED: {said}"})
        print(f"#   done in {time.perf_counter() - started:.1f} s", flush=True)
    print()
    print(f"{'benchmark':<52} {'value':>10} {'unit':<8} {'target':<10} {'status':<7} note")
    for row in rows:
        row["status"] = status(row)
        value = "-" if row["value"] is None else f"{row['value']:.3g}"
        print(f"{row['name']:<52} {value:>10} {row['unit']:<8} {row['target']!s:<10} "
              f"{row['status']:<7} {row['note']}")
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=2))
    bad = [f"{row['name']} ({row['status']})" for row in rows if row["status"] != "ok"]
    if bad:  # reported after every benchmark has run
        print(f"\n{len(bad)} benchmark row(s) not ok: {'; '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.exit(_one(*sys.argv[2:4]))
    sys.exit(main(sys.argv[1:]))
