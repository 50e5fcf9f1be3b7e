"""A student's feedback page renders in Chromium from the file alone and requests nothing else."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crmlab.grading.gradebook import course_gradebook
from crmlab.publish.feedback import write_feedback

pytestmark = [pytest.mark.browser, pytest.mark.kernel]


def test_feedback_page_renders_offline(inputs, tmp_path, page, artifacts):
    book = course_gradebook(**inputs)
    files = write_feedback(book, tmp_path / "feedback",
                           now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    path = next(p for p in files if p.name == "s1.html")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url == path.as_uri()
               else route.abort())
    page.goto(path.as_uri())
    assert page.locator("h1").inner_text() == "Feedback for s1"
    assert page.locator("section h2").all_inner_texts() == ["Quiz Q: Q", "Exercise EX-fixture"]
    assert page.locator(".question").count() == 2
    assert page.locator(".question.right").count() == 2  # both answers right, late penalty apart
    assert "Weighted total: 62.5%" in page.locator("body").inner_text()
    assert page.locator("table").first.is_visible()
    page.screenshot(path=str(artifacts / "feedback-s1.png"), full_page=True)
    assert requests == [path.as_uri()]  # the page itself, nothing more
