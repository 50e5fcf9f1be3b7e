"""The static course site renders the quiz widgets offline, from its own static/ folder."""

import re

import pytest

from crmlab.course.site import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = build(out)
    return out, pages


def test_pages_reference_no_cdn(site):
    out, pages = site
    assert (out / "static" / "embed-amd.js").stat().st_size > 100_000
    for page in pages:
        text = page.read_text(encoding="utf-8")
        sources = re.findall(r'<script[^>]+src="([^"]*)"', text)
        sources += re.findall(r"widgetRendererSrc = '([^']*)'", text)
        assert all(not src.startswith(("http:", "https:", "//")) for src in sources), page.name


def test_index_is_the_course_map(site):
    out, _ = site
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Course map" in index and 'href="00_start_here.html"' in index


def test_quiz_widgets_render_offline(site, page, artifacts):
    out, _ = site
    blocked = []
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"),
               lambda route: (blocked.append(route.request.url), route.abort()))
    page.goto((out / "00_start_here.html").as_uri())
    quiz = page.locator(".crmlab-quiz").first
    quiz.wait_for(state="visible", timeout=30_000)
    assert page.locator(".crmlab-quiz .widget-button, .crmlab-quiz button").count() > 0
    assert page.locator(".crmlab-quiz .widget-radio-box, .crmlab-quiz input").count() > 0
    quiz.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "site-00_start_here.png"), full_page=False)
    assert blocked == []
