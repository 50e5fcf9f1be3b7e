"""crmlab handgrade in Chromium: two free-text answers graded and one exercise check overridden
with the keyboard alone; the stores hold exactly what was typed; axe-core finds nothing
serious."""

from __future__ import annotations

import csv
import threading
from contextlib import contextmanager

import pytest
from _a11y import axe_serious, block_external
from _handgrade_inputs import exercise_grading, quiz_grading

from crmlab.grading.rubric import read_store
from crmlab.publish.handgrade import serve

pytestmark = [pytest.mark.browser, pytest.mark.kernel]  # the Playwright driver counts as one


@contextmanager
def server(folder, lang=None):
    httpd, url = serve(folder, lang=lang)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def keyboard_page(browser):
    # bypass_csp: the page forbids every script, axe-core included, which the test injects
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_two_answers_graded_by_keyboard(tmp_path, monkeypatch, keyboard_page, artifacts):
    page = keyboard_page
    folder = quiz_grading(tmp_path, monkeypatch)
    blocked = block_external(page)
    with server(folder) as url:
        assert page.goto(url.split("?")[0]).status == 403  # no token, no page
        page.goto(url)
        assert page.locator("h2").inner_text() == "Answer 1 of 2: quiz T, question why"
        assert "s1" not in page.locator("body").inner_text()
        assert axe_serious(page) == []
        assert focused(page) == "points-1"  # the first field has the focus
        page.keyboard.type("2")
        page.keyboard.press("Tab")
        assert focused(page) == "comment-1"
        page.keyboard.type("Names the cost <clearly>")
        page.keyboard.press("Tab")
        page.keyboard.type("9")  # above the maximum of 1
        page.keyboard.press("Enter")
        assert page.locator("#problem").inner_text() == (
            "Not saved: example: points: Got points='9' instead, expected a number from 0 "
            "to 1.")
        assert page.locator("#comment-1").input_value() == "Names the cost <clearly>"
        assert not (folder / "hand_grades.csv").exists()
        page.locator("#points-2").fill("")  # the one field a grader fixes, by keyboard
        page.locator("#points-2").focus()
        page.keyboard.type("0,5")
        page.keyboard.press("Enter")
        page.wait_for_url("**saved=1**")
        assert page.locator("#saved").inner_text() == "Answer 1 saved."
        assert page.locator("h2").inner_text() == "Answer 2 of 2: quiz T, question why"
        assert "<script>alert('x')</script>" in page.locator("#answer").inner_text()
        assert focused(page) == "points-1"
        page.keyboard.type("1")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.type("0")
        page.keyboard.press("Enter")
        page.wait_for_url("**saved=2**")
        assert page.locator("#progress").inner_text() == (
            "2 of 2 answer(s) graded: every answer is graded.")
        page.keyboard.press("Shift+Tab")  # from the first field back to the links
        assert focused(page) == "names"
        page.keyboard.press("Enter")  # show the student ids
        page.wait_for_url("**names=1**")
        assert page.locator("h2").inner_text().endswith(", student s2")
        page.screenshot(path=str(artifacts / "handgrade-answers.png"), full_page=True)
    assert blocked == []
    grades = {key[0] + "/" + key[3]: (row["points"], row["comment"])
              for key, row in read_store(folder).rows.items()}
    assert grades == {"s1/cost": ("2", "Names the cost <clearly>"), "s1/example": ("0.5", ""),
                      "s2/cost": ("1", ""), "s2/example": ("0", "")}
    changes = list(csv.DictReader((folder / "changes.csv").open()))
    assert [(c["student_id"], c["item"], c["after"], c["reasons"]) for c in changes] == [
        ("s2", "T", "2", "hand grading"), ("s2", "total", "2", "hand grading")]


def test_one_check_overridden_by_keyboard(tmp_path, keyboard_page, artifacts):
    page = keyboard_page
    folder = exercise_grading(tmp_path)
    with server(folder) as url:
        page.goto(url)
        assert page.locator("h2").inner_text() == "Student 1 of 2, exercise EX-fixture"
        assert axe_serious(page) == []
        assert focused(page) == "points-1"
        for _ in range(2):  # past fx-double's points and reason
            page.keyboard.press("Tab")
        assert focused(page) == "points-2"
        page.keyboard.type("1,5")
        page.keyboard.press("Tab")
        page.keyboard.type("right idea, squared the wrong column")
        page.keyboard.press("Enter")
        page.wait_for_url("**saved=1**")
        assert page.locator("#saved").inner_text() == "Student 1 saved."
        assert "set by hand to 1.5" in page.locator("form").inner_text()
        assert page.locator("#status").inner_text() == "2.5 of 3 point(s)."
        page.screenshot(path=str(artifacts / "handgrade-checks.png"), full_page=True)
    rows = list(csv.DictReader((folder / "overrides.csv").open()))
    assert [(r["student_id"], r["check"], r["points"], r["reason"]) for r in rows] == [
        ("s1", "fx-square", "1.5", "right idea, squared the wrong column")]
    changes = list(csv.DictReader((folder / "changes.csv").open()))
    assert [(c["item"], c["before"], c["after"], c["reasons"]) for c in changes] == [
        ("check:fx-square", "0", "1.5", "hand override"), ("EX-fixture", "1", "2.5",
                                                           "hand override")]


def test_the_azerbaijani_page_by_keyboard(tmp_path, monkeypatch, keyboard_page):
    """The page in the grader's language: lang="az", Azerbaijani labels and refusal, and axe-core
    still finds nothing serious."""
    page = keyboard_page
    folder = quiz_grading(tmp_path, monkeypatch)
    with server(folder, lang="az") as url:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "az"
        assert page.locator("h2").inner_text() == "Cavab 1 (cəmi 2): test T, sual why"
        assert page.locator("#save").inner_text() == "Saxla və növbətiyə keç (Enter)"
        assert axe_serious(page) == []
        page.keyboard.type("3")  # above the maximum of 2
        page.keyboard.press("Enter")
        assert page.locator("#problem").inner_text() == (
            "Saxlanmadı: cost: bal: '3' verilib, gözlənilən: 0 ilə 2 arası ədəd.")
        assert axe_serious(page) == []
    assert not (folder / "hand_grades.csv").exists()
