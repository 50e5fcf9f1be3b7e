"""A lesson with its quiz in a real JupyterLab: axe-core finds no serious or critical WCAG 2.1
A/AA violation in the quiz, and none in JupyterLab outside the reviewed allow-list
(``axe_allowlist_jupyterlab.json``: rule id and reason each)."""

import json
from pathlib import Path

import pytest
from _a11y import axe_run, block_external

pytestmark = pytest.mark.browser

LESSON = "notebooks/00_start_here.ipynb"
ALLOWLIST = Path(__file__).with_name("axe_allowlist_jupyterlab.json")


def test_quiz_in_jupyterlab_has_no_serious_axe_violation(lab, page, artifacts):
    base, token, _ = lab
    blocked = block_external(page)
    allowed = {entry["id"]: entry["reason"] for entry in json.loads(ALLOWLIST.read_text())}
    assert all(reason.strip() for reason in allowed.values())
    page.goto(f"{base}/lab/tree/{LESSON}?token={token}", timeout=90_000)
    page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=120_000)
    page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    quiz = page.locator(".crmlab-quiz").first
    quiz.wait_for(state="attached", timeout=120_000)
    quiz.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "jupyterlab-quiz-axe.png"))

    serious = [v for v in axe_run(page) if v["impact"] in ("serious", "critical")]
    in_quiz = [v for v in axe_run(page, context=".crmlab-quiz")
               if v["impact"] in ("serious", "critical")]
    assert in_quiz == []
    assert sorted({v["id"] for v in serious} - set(allowed)) == []
    assert blocked == []
