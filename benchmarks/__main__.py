"""Run every benchmark module and print one table: ``python -m benchmarks [NAME ...]``.

Each row says whether its figure meets its target (``ok``), misses it (``MISSED``) or could not
be measured (``FAILED``, with the reason). After every benchmark has run, the command exits 1
when any row failed or missed its target, so a regression cannot pass unnoticed.
"""

from __future__ import annotations

import importlib
import json
import operator
import pkgutil
import re
import sys
import time
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
            rows.extend(importlib.import_module(f"benchmarks.{name}").run())
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            rows.append({"name": name, "value": None, "target": "", "unit": "",
                         "note": f"FAILED: {type(exc).__name__}: {exc}"})
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
    sys.exit(main(sys.argv[1:]))
