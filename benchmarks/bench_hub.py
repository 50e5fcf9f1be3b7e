"""How many students this machine's hub serves: spawn time and memory per user, N = 1, 5, 10, 20.

The demo hub of ``deploy/jupyterhub`` (SimpleLocalProcessSpawner: every server runs as this
user, so no accounts are created) is started on free ports with an admin service token; for each
N, N students' servers are started at once through the REST API, and the time until all are
ready and the memory in use (resident set of the hub, the proxy, the collection service and the
N single-user servers, from /proc) are recorded; then the servers are stopped. The floor is
N = 1 in the same run: each row reports the time to serve N students at once against N times the
time to serve one (below 1: the starts overlap; far above: the machine is saturated).

Needs the ``hub`` extra and ``make hub-deps`` (the proxy); without them the rows say FAILED with
the reason.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks._proc import tree_rss
from crmlab.publish.demo_hub import demo_hub

ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
SIZES = (1, 5, 10, 20)
USERS = [f"u{i:03d}" for i in range(1, max(SIZES) + 1)]


def _api(base: str, path: str, token: str, method: str = "GET"):
    request = urllib.request.Request(base + path, method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.25)


def _ready(base, token, user) -> bool:
    server = (_api(base, f"/hub/api/users/{user}", token).get("servers") or {}).get("")
    return bool(server and server.get("ready"))


def _serve(base, token, users) -> float:
    started = time.perf_counter()
    for user in users:
        _api(base, f"/hub/api/users/{user}/server", token, method="POST")
    _wait(lambda: all(_ready(base, token, u) for u in users), 600, f"{len(users)} servers")
    return time.perf_counter() - started


def _stop(base, token, users) -> None:
    for user in users:
        try:
            _api(base, f"/hub/api/users/{user}/server", token, method="DELETE")
        except urllib.error.HTTPError:
            pass
    _wait(lambda: not any(_ready(base, token, u) for u in users), 300, "servers to stop")


def run() -> list[dict]:
    import jupyterhub  # noqa: F401  (the hub extra)

    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: run `make hub-deps`")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as state, \
            demo_hub(state, students=USERS, instructors=["teacher"]) as hub:
        base, token = hub.base, hub.token
        idle = tree_rss(hub.process.pid) / 2**20
        times, memory = {}, {}
        for n in SIZES:
            users = USERS[:n]
            times[n] = _serve(base, token, users)
            memory[n] = tree_rss(hub.process.pid) / 2**20
            _stop(base, token, users)
        floor = times[1]
        for n in SIZES[1:]:
            per_user = (memory[n] - idle) / n
            rows.append({"name": f"hub: {n} servers at once / {n} x one server",
                         "value": times[n] / (n * floor), "target": "", "unit": "x",
                         "note": f"all {n} ready in {times[n]:.1f} s (one: {floor:.1f} s); "
                                 f"{memory[n]:.0f} MB in use, {per_user:.0f} MB per student "
                                 f"(hub, proxy and service idle: {idle:.0f} MB)"})
    return rows
