"""A lesson's quiz in a real JupyterLab, driven through Debian's Chromium.

Opens L00, waits for an idle kernel, runs all cells, answers a practice question wrongly and then
correctly (checking the feedback each time), answers a graded question (checking that no verdict
is shown), and finally checks the answers on disk in the saved-answers format.
"""

import re

import pytest

from crmlab.quiz.submission import parse_answers

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

LESSON = "notebooks/00_start_here.ipynb"


def _question(page, question_id):
    return page.locator(f".crmlab-q-{question_id}")


def _choose_radio(question, label):
    question.locator(".widget-radio-box label", has_text=label).first.click()


def test_quiz_feedback_and_saved_answers(lab, page, artifacts):
    base, token, home = lab
    page.goto(f"{base}/lab/tree/{LESSON}?token={token}", timeout=90_000)
    try:
        page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=120_000)
        page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()

        practice = _question(page, "run-order")
        practice.wait_for(state="attached", timeout=120_000)
        practice.scroll_into_view_if_needed()
        _choose_radio(practice, "Reinstall crmlab with make lab")
        practice.locator("button", has_text="Check").click()
        feedback = practice.locator(".crmlab-feedback")
        feedback.get_by_text("Not quite").wait_for(timeout=30_000)

        _choose_radio(practice, "Restart the kernel and run all cells from the top")
        practice.locator("button", has_text="Check").click()
        feedback.get_by_text("Correct").wait_for(timeout=30_000)

        graded = _question(page, "submit")
        graded.scroll_into_view_if_needed()
        _choose_radio(graded, "Send screenshots of the quiz widgets")
        graded.locator("button", has_text="Save answer").click()
        graded_feedback = graded.locator(".crmlab-feedback")
        graded_feedback.get_by_text("Answer saved").wait_for(timeout=30_000)
        text = graded_feedback.inner_text()
        assert not re.search(r"Correct|Not quite|Partly", text)
        graded.scroll_into_view_if_needed()
    finally:
        page.screenshot(path=str(artifacts / "jupyterlab-quiz.png"))

    saved = parse_answers((home / "answers" / "anonymous" / "L00.json").read_bytes(), "L00.json")
    assert saved["quiz_id"] == "L00"
    order = saved["answers"]["run-order"]
    assert order["answer"] == "restart" and order["attempts"] == 2
    assert [h["answer"] for h in order["history"]] == ["reinstall", "restart"]
    assert saved["answers"]["submit"]["answer"] == "screenshot"
