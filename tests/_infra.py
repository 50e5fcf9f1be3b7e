"""Helpers shared by the tests that need outside programs (Chromium, JupyterHub)."""

from __future__ import annotations

import os

import pytest

from crmlab.publish.demo_hub import free_port

__all__ = ["free_port", "skip_or_fail"]


def skip_or_fail(what: str, problem: str | None) -> None:
    """Skip ``what`` with ``problem`` outside CI; in CI (CI=true) a missing piece is a failure,
    because `.ci/run` installs everything these tests need."""
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{what} cannot run in CI: {problem}")
        pytest.skip(f"{what} skipped: {problem}")
