"""The course's demo hub on free ports, for the hub tests and the hub benchmark.

:func:`demo_hub` starts ``deploy/jupyterhub/jupyterhub_config.py`` the way ``make hub`` does
(``CRMLAB_HUB_DEMO=1``: DummyAuthenticator with a random shared password), but on free ports,
with its state in a folder of the caller's and an admin *service* token the caller drives the
REST API with. It waits until the hub answers, and on the way out stops it: the hub first
(it stops the single-user servers and the collection service), then anything left in its process
group. Never for a hub students can reach: the password is shared.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crmlab.core.paths import course_dir

__all__ = ["DemoHub", "demo_hub", "free_port"]

#: What the admin service may do unless the caller says otherwise.
ADMIN_SCOPES = ("admin:users", "admin:servers", "list:users")
#: Variables of the caller's environment that must not leak into the hub and its servers.
_UNSET = ("CRMLAB_HOME", "CRMLAB_COURSE_DIR", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class DemoHub:
    """A running demo hub: ``base`` URL, the admin service ``token``, the shared ``password``,
    its ``state`` folder (database, release, submission store), its ``log`` file and
    ``process``."""

    base: str
    token: str
    password: str
    state: Path
    log: Path
    process: subprocess.Popen


def _answers(base: str, token: str) -> bool:
    request = urllib.request.Request(base + "/hub/api/", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5):
            return True
    except OSError:
        return False


@contextmanager
def demo_hub(state: str | Path, *, students: list[str], instructors: list[str],
             spawner: str = "simple", scopes: tuple[str, ...] = ADMIN_SCOPES,
             ready: Callable[[DemoHub], bool] | None = None,
             timeout: float = 120) -> Iterator[DemoHub]:
    """Run the demo hub while the ``with`` block runs.

    ``spawner`` is ``simple`` (every server runs as this user) or ``local`` (one system user per
    student; root only); ``ready`` is an extra condition to wait for (the collection service
    answering, say). A hub that exits or is not ready within ``timeout`` seconds raises
    RuntimeError with the end of its log.
    """
    state = Path(state)
    state.mkdir(parents=True, exist_ok=True)
    token, password = secrets.token_hex(32), secrets.token_hex(8)
    config = state / "demo_hub_config.py"
    main_config = course_dir() / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    config.write_text(
        f"load_subconfig({str(main_config)!r})\n"
        f"c.JupyterHub.services.append({{'name': 'demo-admin', 'api_token': {token!r}}})\n"
        "c.JupyterHub.load_roles.append({'name': 'demo-admin', 'services': ['demo-admin'], "
        f"'scopes': {list(scopes)!r}}})\n", encoding="utf-8")
    port = free_port()
    env = dict(os.environ, CRMLAB_HUB_DEMO="1", CRMLAB_HUB_DEMO_PASSWORD=password,
               CRMLAB_HUB_SPAWNER=spawner, CRMLAB_HUB_STATE=str(state),
               CRMLAB_HUB_STUDENTS=",".join(students),
               CRMLAB_HUB_INSTRUCTORS=",".join(instructors),
               CRMLAB_HUB_PORT=str(port), CRMLAB_HUB_API_PORT=str(free_port()),
               CRMLAB_HUB_PROXY_API_PORT=str(free_port()),
               CRMLAB_HUB_SERVICE_PORT=str(free_port()))
    for name in _UNSET:
        env.pop(name, None)
    log_path = state / "jupyterhub.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                   cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        hub = DemoHub(f"http://127.0.0.1:{port}", token, password, state, log_path, process)
        try:
            deadline = time.monotonic() + timeout
            while not (_answers(hub.base, token) and (ready is None or ready(hub))):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("the demo hub did not start:\n"
                                       + log_path.read_text(encoding="utf-8")[-4000:])
                time.sleep(0.5)
            yield hub
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the hub stops the servers and the service
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the proxy and service, if still there
    except ProcessLookupError:
        pass
    process.wait(timeout=10)
