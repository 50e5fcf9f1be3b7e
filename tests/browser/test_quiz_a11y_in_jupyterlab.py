"""A lesson with its quiz in a real JupyterLab: axe-core finds no serious or critical WCAG 2.1
A/AA violation in the quiz, and none in JupyterLab outside the reviewed allow-list
(``axe_allowlist_jupyterlab.json``: rule id, where and why each; an entry that no longer occurs
fails too, so the list cannot outlive its reason). Then every question type of the quiz is
answered right with the keyboard alone, and the saved answers prove that the keys chose them.
One JupyterLab start serves both, to keep the suite short.

The keyboard works in the quiz because the course scopes JupyterLab's command-mode keys away
from widget outputs (:mod:`crmlab.publish.labsettings`, installed by ``make install``); the test
also checks that those keys still reach JupyterLab outside the quiz.
"""

import json
from pathlib import Path

import pytest
from _a11y import axe_run, block_external

from crmlab.quiz import load
from crmlab.quiz.scoring import score
from crmlab.quiz.submission import parse_answers
from crmlab.quiz.types import get_type

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

LESSON = "notebooks/00_start_here.ipynb"
ALLOWLIST = Path(__file__).with_name("axe_allowlist_jupyterlab.json")
FOCUSED = "document.activeElement"


def _serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _focus_in(page, question_id) -> bool:
    return page.evaluate(f"{FOCUSED}.closest('.crmlab-q-{question_id}') !== null")


def _focus_on_button(page) -> bool:
    return page.evaluate(f"{FOCUSED}.closest('.crmlab-submit') !== null")


def _focused_label(page) -> str:
    return page.evaluate(f"({FOCUSED}.closest('label') || {FOCUSED}.labels?.[0])?.innerText"
                         " || ''").strip()


def _tab_until(page, done, limit, what):
    for _ in range(limit):
        if done():
            return
        page.keyboard.press("Tab")
    assert done(), f"{what}: focus is on {page.evaluate(f'{FOCUSED}.outerHTML.slice(0, 200)')}"


def _english(value):
    return value["en"] if isinstance(value, dict) else value


def _settle(page, quiet: float = 0.4, timeout: float = 30):
    """Wait until the kernel has been idle for ``quiet`` seconds. ipywidgets holds back a
    model's next change until the kernel has answered its last one, while a button's click goes
    out at once: a click right after a choice could reach the kernel before the choice does."""
    import time

    status = page.get_by_text("(ipykernel) |").first
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if status.inner_text().strip().endswith("Idle"):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        page.wait_for_timeout(50)
    raise AssertionError("the kernel did not settle")


def _answer_with_keys(page, question):
    """From wherever the focus is above the question, Tab into it, answer it right with keys
    only (Tab, Space, arrows, typing) and press Enter on its button."""
    _tab_until(page, lambda: _focus_in(page, question.id), 60, question.id)
    kind, right = question.type, get_type(question.type).right_answer(question)
    inputs = page.locator(f".crmlab-q-{question.id} .crmlab-input").locator(
        "input, select, textarea")
    if kind in ("single", "truefalse"):
        # ipywidgets radio buttons are each in the Tab order: Tab to the right one, Space.
        want = ({True: "True", False: "False"}[right] if kind == "truefalse"
                else _english(next(o.text for o in question.options if o.id == right)))
        _tab_until(page, lambda: _focused_label(page) == want, inputs.count(), question.id)
        page.keyboard.press("Space")
    elif kind == "multi":
        wanted = {_english(o.text) for o in question.options if o.correct}
        for _ in range(inputs.count()):
            if _focused_label(page) in wanted:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    elif kind == "numeric":
        page.keyboard.type(f"{right:g}")
    elif kind == "matching":
        choices = {c.id: _english(c.text) for c in question.choices}
        lefts = {_english(p.left): p.id for p in question.pairs}
        for _ in range(inputs.count()):
            options = page.evaluate(f"[...{FOCUSED}.options].map(o => o.value)")
            want = options.index(choices[right[lefts[_focused_label(page)]]])
            # Nothing chosen yet is index -1: the first arrow lands on "(choose)".
            for _ in range(len(options) + 1):
                if page.evaluate(f"{FOCUSED}.selectedIndex") == want:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
    else:
        raise AssertionError(f"no keyboard path written for the {kind} type")
    _tab_until(page, lambda: _focus_on_button(page), inputs.count() + 1, question.id)
    outline = page.evaluate(f"getComputedStyle({FOCUSED}).outlineStyle")
    assert outline != "none", f"{question.id}: no visible focus on the button"
    _settle(page)
    page.keyboard.press("Enter")


def test_quiz_in_jupyterlab_axe_and_keyboard(lab, page, artifacts):
    base, token, home = lab
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

    assert _serious(axe_run(page, context=".crmlab-quiz")) == []
    found = {v["id"] for v in _serious(axe_run(page))}
    assert sorted(found - set(allowed)) == [], "serious violations outside the allow-list"
    assert sorted(set(allowed) - found) == [], "allow-list entries that no longer occur"

    questions = load("L00").questions
    chosen, types = [], set()
    for question in questions:
        if question.type not in types and get_type(question.type).machine_scored:
            types.add(question.type)
            chosen.append(question)
    assert types == {"single", "truefalse", "matching", "multi", "numeric"}
    try:
        # Where the keyboard starts is the one step that is not a key press.
        page.locator(f".crmlab-q-{questions[0].id} .crmlab-input input").first.focus()
        for question in chosen:
            _answer_with_keys(page, question)
            expected = "Correct" if question.mode == "practice" else "Answer saved"
            page.locator(f".crmlab-q-{question.id} .crmlab-feedback").get_by_text(
                expected).first.wait_for(timeout=30_000)

        # Outside the quiz, JupyterLab's own keys still work: with the quiz's cell itself
        # focused (command mode), ArrowUp selects the cell above.
        def active_cell():
            return int(page.locator(".jp-Notebook-cell.jp-mod-active").get_attribute(
                "data-windowed-list-index"))
        before = active_cell()
        page.keyboard.press("ArrowUp")  # on the last Check button: stays in the quiz
        assert active_cell() == before and _focus_on_button(page)
        page.locator(".jp-Notebook-cell", has=quiz).evaluate("cell => cell.focus()")
        page.keyboard.press("ArrowUp")
        after = active_cell()
        assert int(after) == int(before) - 1
    finally:
        page.screenshot(path=str(artifacts / "jupyterlab-quiz-keyboard.png"))
    assert blocked == []

    saved = parse_answers((home / "answers" / "anonymous" / "L00.json").read_bytes(), "L00.json")
    for question in chosen:
        answer = saved["answers"][question.id]["answer"]
        assert score(question, answer).correct, (question.id, answer)
