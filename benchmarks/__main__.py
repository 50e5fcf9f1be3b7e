"""Run every benchmark module and print one table: ``python -m benchmarks [NAME ...]``.

Exits 1 when a benchmark failed (its row says why), after every other one has run.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import benchmarks


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
    print(f"{'benchmark':<52} {'value':>10} {'unit':<8} {'target':<10} note")
    for row in rows:
        value = "-" if row["value"] is None else f"{row['value']:.3g}"
        print(f"{row['name']:<52} {value:>10} {row['unit']:<8} {row['target']!s:<10} {row['note']}")
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=2))
    failed = [row["name"] for row in rows if row["value"] is None]
    if failed:  # a broken benchmark must fail `make bench`, after the others have reported
        print(f"\n{len(failed)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
