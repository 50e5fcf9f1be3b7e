"""Helpers of the accessibility and offline checks: axe-core (pinned in package-lock.json,
installed by ``npm ci`` from the Makefile) and a route that records and blocks every request
leaving the machine."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")


def axe_source() -> str:
    if not AXE.is_file():
        message = f"axe-core is missing at {AXE} (cd tests/browser && npm ci)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def axe_run(page, *, context=None) -> list[dict]:
    """Run axe-core on the page (or on the ``context`` selector); return its violations as
    ``{"id", "impact", "help", "targets"}``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context || document,
                {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""", [context, WCAG_TAGS])


def axe_serious(page, *, context=None) -> list[dict]:
    """The violations of impact serious or critical."""
    return [v for v in axe_run(page, context=context) if v["impact"] in SERIOUS]


def block_external(page) -> list[str]:
    """Abort every request that leaves the machine; return the list the aborted URLs go to."""
    blocked: list[str] = []
    page.route(re.compile(r"^(https?|wss?|ftp)://(?!127\.0\.0\.1[:/]|localhost[:/]).*"),
               lambda route: (blocked.append(route.request.url), route.abort()))
    return blocked
