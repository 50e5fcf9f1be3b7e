"""Speed and memory benchmarks of crmlab (``make bench``).

Every ``benchmarks/bench_*.py`` module exposes ``run() -> list[dict]``; each dict has the keys
``name``, ``value``, ``target``, ``unit`` and ``note``. Figures are ratios against a floor
measured in the same run wherever the target allows, so they mean the same on any machine.
"""
