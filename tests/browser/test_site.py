"""The static course site, in Chromium, opened from disk: quizzes checked by the library's rules,
no key of a graded question, no external request, axe-core clean, usable with the keyboard,
searchable, and built byte for byte the same twice."""

import json
import re
from pathlib import Path

import pytest
from _a11y import axe_serious, block_external

from crmlab.publish.site import build
from crmlab.publish.site_quiz import answer_table
from crmlab.quiz import load
from crmlab.quiz.types import get_type

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

_DATA = re.compile(r'<script[^>]*class="crmlab-quiz-data"[^>]*>(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = build(out)
    return out, pages


def _quiz_data(page: Path) -> list[dict]:
    return [json.loads(raw.replace("<\\/", "</"))
            for raw in _DATA.findall(page.read_text(encoding="utf-8"))]


def test_pages_reference_no_cdn(site):
    out, pages = site
    assert (out / "static" / "embed-amd.js").stat().st_size > 100_000
    for page in pages:
        text = page.read_text(encoding="utf-8")
        sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]*)"', text)
        sources += re.findall(r"widgetRendererSrc = '([^']*)'", text)
        assert all(not src.startswith(("http:", "https:", "//")) for src in sources), page.name


def test_index_is_the_course_map(site):
    out, _ = site
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Course map" in index and 'href="00_start_here.html"' in index


def test_graded_questions_ship_no_key(site):
    _, pages = site
    seen = {"graded": 0, "practice": 0}
    for page in pages:
        for data in _quiz_data(page):
            quiz = load(data["quiz"])
            for entry in data["questions"]:
                seen[entry["mode"]] += 1
                if entry["mode"] == "graded":
                    assert sorted(entry) == ["id", "mode"], (page.name, entry["id"])
                    assert quiz.question(entry["id"]).mode == "graded"
    assert seen["graded"] > 0 and seen["practice"] > 0
    text = (site[0] / "99_final_test.html").read_text(encoding="utf-8")
    assert "answer it in JupyterLab" in text


def _rows_by_page(pages):
    for page in pages:
        for data in _quiz_data(page):
            yield page, data["lang"], answer_table(load(data["quiz"]), lang=data["lang"])


def test_practice_verdicts_equal_the_library(site, page):
    """Every practice question of the course: the JavaScript's verdict on each answer of the
    generated table equals crmlab.quiz.scoring's."""
    _, pages = site
    blocked = block_external(page)
    checked, types, statuses = 0, set(), set()
    for path, _, rows in _rows_by_page(pages):
        page.goto(path.as_uri())
        got = page.evaluate(
            "rows => rows.map(r => window.crmlabQuiz.check(r.quiz, r.question, r.answer))",
            [{k: row[k] for k in ("quiz", "question", "answer")} for row in rows])
        for row, result in zip(rows, got, strict=True):
            expected = row["expected"]
            where = (path.name, row["question"], row["answer"])
            assert result["status"] == expected["status"], where
            if expected["status"] == "ok":
                assert abs(result.pop("points") - expected["points"]) < 1e-9, where
                assert result == {k: v for k, v in expected.items() if k != "points"}, where
            types.add(row["type"])
            statuses.add(expected.get("verdict", expected["status"]))
            checked += 1
    assert types == {"single", "multi", "truefalse", "numeric", "matching"}
    assert statuses == {"correct", "partly", "incorrect", "choose", "not_number"}
    assert checked > 500
    assert blocked == []


def test_every_page_has_no_serious_axe_violation(site, page):
    _, pages = site
    blocked = block_external(page)
    found = {}
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        if page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count():
            # Checked once the stored widgets have rendered, not before.
            page.locator(".jupyter-widgets .widget-inline-hbox, .jupyter-widgets .widget-box") \
                .first.wait_for(state="attached", timeout=30_000)
        violations = axe_serious(page)
        if violations:
            found[str(path.relative_to(site[0]))] = violations
    assert found == {}
    assert blocked == []


def _feedback(page, qid):
    return page.locator(f'form[data-question="{qid}"] .crmlab-feedback')


def _answer_with_keys(page, question):
    """Reach ``question`` by Tab from wherever focus is, answer it right and press Check,
    with the keyboard only; return its feedback box."""
    kind = question.type
    form = page.locator(f'form[data-question="{question.id}"]')
    inputs = form.locator("input, select")
    here = "document.activeElement.closest('form')?.dataset.question"
    for _ in range(600):
        page.keyboard.press("Tab")
        if page.evaluate(here) == question.id:
            break
    assert page.evaluate(here) == question.id, kind
    right = get_type(kind).right_answer(question)
    if kind in ("single", "truefalse"):
        want = str(right).lower() if kind == "truefalse" else right
        page.keyboard.press("Space")
        for _ in range(inputs.count()):
            if page.evaluate("document.activeElement.value") == want:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
    elif kind == "multi":
        for _ in range(inputs.count()):
            if page.evaluate("document.activeElement.value") in right:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    elif kind == "numeric":
        page.keyboard.type(f"{right:g}".replace(".", ","))
        page.keyboard.press("Tab")
    else:
        for _ in range(inputs.count()):
            pair = page.evaluate("document.activeElement.dataset.pair")
            options = page.evaluate("[...document.activeElement.options].map(o => o.value)")
            for _ in range(options.index(right[pair])):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "crmlab-submit", kind
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", f"{kind}: no visible focus on the Check button"
    page.keyboard.press("Enter")
    return _feedback(page, question.id)


@pytest.mark.parametrize("name, quiz_id", [("00_start_here", "L00"),
                                           ("c4_received_by_the_accountant", "C4")])
def test_a_quiz_answered_with_the_keyboard_alone(site, page, artifacts, name, quiz_id):
    """Tab, Space, arrows, typing and Enter answer each practice type of the quiz right. No quiz
    of the course has all five types in practice mode: L00 gives four, C4 the numeric one."""
    out, _ = site
    block_external(page)
    page.goto((out / f"{name}.html").as_uri())
    quiz = load(quiz_id)
    practice = {}
    for question in quiz.questions:
        if question.mode == "practice":
            practice.setdefault(question.type, question)
    for question in sorted(practice.values(), key=quiz.questions.index):
        feedback = _answer_with_keys(page, question)
        assert feedback.locator("strong").inner_text() == "Correct", question.type
        points = f"{question.points:g}"
        assert f"({points}/{points})" in feedback.inner_text(), question.type
    page.screenshot(path=str(artifacts / f"site-keyboard-{quiz_id}.png"), full_page=False)


def test_the_keyboard_tests_cover_every_type():
    types = set()
    for quiz_id in ("L00", "C4"):
        types |= {q.type for q in load(quiz_id).questions if q.mode == "practice"}
    assert types == {"single", "multi", "truefalse", "numeric", "matching"}


def test_labels_tie_every_input_to_its_question(site, page):
    out, _ = site
    page.goto((out / "01_relationship_marketing.html").as_uri())
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        '.crmlab-quiz input, .crmlab-quiz select')].filter(el =>
        !el.labels.length || !el.closest('fieldset').querySelector('legend')).map(el => el.id)""")
    assert unlabelled == []


def test_search_finds_lesson_text(site, page):
    out, _ = site
    page.goto((out / "index.html").as_uri())
    page.locator("#crmlab-search-box").fill("supplier relationship")
    results = page.locator("#crmlab-search-results a")
    results.first.wait_for()
    hrefs = results.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert any(h.startswith("02_supplier_relationship_types.html") for h in hrefs)


def test_site_build_is_byte_deterministic(tmp_path):
    """Two builds of the same input give the same bytes. Two notebooks (a quiz, a non-quiz
    widget, plots) keep the test short; the full build runs the same code on every page."""
    import shutil

    from crmlab.core.paths import notebooks_dir

    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ("00_start_here.ipynb", "01_relationship_marketing.ipynb"):
        shutil.copyfile(notebooks_dir() / name, source / name)
    first, second = tmp_path / "one", tmp_path / "two"
    build(first, notebooks=source)
    build(second, notebooks=source)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) >= 9
    differ = [str(p) for p in files if (first / p).read_bytes() != (second / p).read_bytes()]
    assert differ == []


def _lang(out: Path, page: Path) -> str:
    folder = page.relative_to(out).parts
    return folder[0] if len(folder) > 1 else "en"


def test_every_plot_has_its_text_alternative(site):
    from crmlab.core.i18n import message

    out, pages = site
    alts, images = {"en": [], "az": []}, 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        alts[_lang(out, page)] += re.findall(r'<img[^>]*\balt="([^"]*)"', text)
        images += len(re.findall(r"<img\b", text))
    assert sum(map(len, alts.values())) == images >= 20
    for lang, prefix in (("en", "Figure: "), ("az", "Şəkil: ")):
        assert alts[lang] and all(alt.startswith(prefix) and len(alt) > 20
                                  for alt in alts[lang]), (lang, alts[lang])
    assert "Figure: Suppliers by share of total profit. Cumulative share curve" in " ".join(
        alts["en"])
    assert message("site.alt.abc_curve", lang="az") in " ".join(alts["az"])


#: The site's own interface text: catalog keys every page shows, and the index's own.
_CHROME = ("site.skip", "site.search", "nav.course_map")
_INDEX = ("site.heading", "site.map_caption", "site.title", "site.kind.lesson", "site.kind.case")


def test_the_site_speaks_the_language_of_its_edition(site):
    """Each edition's pages show the site's own words (skip link, search box, navigation, course
    map, where to answer a graded question, figure texts) from the catalog in their language."""
    import html

    from crmlab.core.i18n import message

    out, pages = site
    checked = set()
    for page in pages:
        lang = _lang(out, page)
        text = html.unescape(page.read_text(encoding="utf-8"))
        keys = _CHROME + (_INDEX if page.name == "index.html" else ())
        if page.name == "99_final_test.html":
            keys += ("site.graded_in_lab",)
        for key in keys:
            words = message(key, lang=lang).split("{")[0].strip()
            assert words in text, (str(page.relative_to(out)), key)
            english = message(key, lang="en").split("{")[0].strip()
            if lang != "en" and " " in english:  # one English word may be a name in a title
                assert english not in text, (str(page.relative_to(out)), key, english)
        checked.add(lang)
    assert checked == {"en", "az"}
