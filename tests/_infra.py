"""Helpers shared by the tests that need outside programs (Chromium, JupyterHub)."""

from __future__ import annotations

import os
import socket

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def skip_or_fail(what: str, problem: str | None) -> None:
    """Skip ``what`` with ``problem`` outside CI; in CI (CI=true) a missing piece is a failure,
    because `.ci/run` installs everything these tests need."""
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{what} cannot run in CI: {problem}")
        pytest.skip(f"{what} skipped: {problem}")
