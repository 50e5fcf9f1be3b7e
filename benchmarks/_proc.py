"""Memory in use by a process and everything it started, read from /proc (Linux): how the
benchmarks count memory (the hub with its servers, the quiz grader with its forked readers)."""

from __future__ import annotations

from pathlib import Path


def tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def rss_bytes(pids) -> int:
    """The resident set of ``pids`` together, in bytes (processes gone meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def tree_rss(root: int) -> int:
    """The resident set of ``root`` and its descendants, in bytes."""
    return rss_bytes(tree(root))
