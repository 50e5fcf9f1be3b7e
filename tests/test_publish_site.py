"""crmlab.publish.site and site_quiz without a browser: every page comes from a template (the
site's nbconvert template, Jinja2 templates with autoescape), nothing is patched afterwards.
The pages in Chromium (axe-core, the keyboard, the quiz checker) and two whole builds compared
byte for byte: tests/browser/test_site.py."""

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from crmlab.publish import site
from crmlab.publish.site_quiz import quiz_html
from crmlab.quiz import load

ROOT = Path(__file__).resolve().parent.parent
TRICKY = 'A "quoted" <title> & more'


def _notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["crmlab"] = {"id": "L98", "kind": "lesson"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# L98 · Test\n\nSee [the next](99_next.ipynb#Top), "
                                      "[a site](https://example.org/x.ipynb) and "
                                      "[a folder](exercises/x.ipynb)."),
        nbformat.v4.new_code_cell('ax = abc_curve(ranked, label="Share & <profit>")', outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                         "text/plain": "<Figure>"})],
            execution_count=1),
        nbformat.v4.new_code_cell("calculator()", outputs=[
            nbformat.v4.new_output("display_data", data={
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": "abc", "version_major": 2, "version_minor": 0},
                "text/plain": "Calculator()"})], execution_count=2),
    ]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {"abc": {"model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls",
                          "model_module_version": "2.0.0", "state": {}}},
        "version_major": 2, "version_minor": 0}}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = _notebook(tmp_path_factory.mktemp("nb") / "98_test.ipynb")
    lesson = SimpleNamespace(id="L98", title=TRICKY, kind="lesson", path=path)
    sitebar = site._sitebar([lesson], "../", "az", ["en", "az"], "98_test")
    return site._page(lesson, site._exporter("az", "../"), sitebar, "../", "az")


def test_a_page_has_the_sites_blocks(page):
    assert page.startswith("<!DOCTYPE html>\n\n<html lang=\"az\">")
    assert '<link href="../static/site.css" rel="stylesheet"/>' in page
    assert '<script defer="" src="../static/site_quiz.js"></script>' in page
    assert '<a class="crmlab-skip" href="#crmlab-main">' in page
    assert '<input aria-controls="crmlab-search-results" autocomplete="off" ' \
           'id="crmlab-search-box" type="search"/>' in page
    assert '<main id="crmlab-main">' in page
    assert "<script src=\"../static/require.js\"></script>" in page


def test_links_between_notebooks_become_links_between_pages(page):
    assert 'href="99_next.html#Top"' in page
    assert 'href="https://example.org/x.ipynb"' in page  # another site's file stays
    assert 'href="exercises/x.ipynb"' in page  # not a page of this site


def test_a_figure_carries_its_text_alternative_escaped(page):
    from crmlab.core.i18n import message

    alt = site.figure_alt('ax = abc_curve(ranked, label="Share & <profit>")', "az")
    assert alt.startswith("Şəkil: Share & <profit>. ") and message("site.alt.abc_curve",
                                                                   lang="az") in alt
    assert 'alt="Şəkil: Share &amp; &lt;profit&gt;. ' in page
    assert "No description has been provided" not in page


def test_widget_outputs_are_numbered_in_page_order(page):
    assert 'id="crmlab-widget-1"' in page
    assert "getElementById('crmlab-widget-1')" in page
    assert "crmlab-widget-2" not in page


def test_the_title_is_escaped_once_in_the_navigation_and_the_course_map(page):
    assert "title='A \"quoted\" &lt;title&gt; &amp; more'" in page  # as BeautifulSoup writes it
    lesson = SimpleNamespace(id="L98", title=TRICKY, kind="lesson", path=Path("98_test.ipynb"))
    index = site._index([lesson], site._sitebar([lesson], "", "en", ["en"], "index"), "", "en")
    assert '<a href="98_test.html">A &#34;quoted&#34; &lt;title&gt; &amp; more</a>' in index
    assert index.count("crmlab-skip") == 1 and "<html lang='en'>" in index


def test_a_quiz_text_is_escaped_and_its_data_is_safe_in_a_script(tmp_path):
    quiz = load("L00")
    page = quiz_html(quiz)
    data = page.split('class="crmlab-quiz-data">', 1)[1].rsplit("</script>", 1)[0]
    assert "</" not in data
    assert json.loads(data)["quiz"] == "L00"
    assert "restart clears the kernel\\u0027s memory" in data  # ' escaped for HTML


def _calls_to_html_escape(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "escape" and getattr(node.func.value, "id", "") == "html"]


def test_no_html_is_glued_with_escape_calls():
    """The site and the question types' inputs build HTML with Jinja2 templates (autoescape),
    never with f-strings and html.escape."""
    files = [ROOT / "crmlab" / "publish" / name for name in ("site.py", "site_quiz.py")]
    files += sorted((ROOT / "crmlab" / "quiz" / "types").glob("*.py"))
    assert [hit for path in files for hit in _calls_to_html_escape(path)] == []


def test_the_site_npm_packages_are_locked():
    npm = ROOT / "crmlab" / "publish" / "site_npm"
    manifest = json.loads((npm / "package.json").read_text())
    lock = json.loads((npm / "package-lock.json").read_text())
    assert manifest["dependencies"] == site.NPM_PACKAGES
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    for name, version in manifest["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert all("integrity" in entry for key, entry in lock["packages"].items() if key)
