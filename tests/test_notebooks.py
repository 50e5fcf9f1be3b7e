"""Every notebook is committed executed and follows the course skeleton.

nbval silently skips code cells whose execution_count is null, so an unexecuted notebook would
make strict comparison lax without anyone noticing: these tests close that gap.
"""

import json
from pathlib import Path

import nbformat
import pytest

from crmlab.lessons import list_lessons
from crmlab.publish.notebooks import NAV_START, all_notebooks, navigation_markdown
from crmlab.publish.translations import editions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = all_notebooks(ROOT / "notebooks")
LESSONS = list_lessons(ROOT / "notebooks")


def _ids(paths):
    return [str(p.relative_to(ROOT / "notebooks")) for p in paths]


def test_course_has_notebooks():
    assert LESSONS and LESSONS[0].id == "L00"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_code_cell_is_executed_in_order(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    counts = [c.get("execution_count") for c in nb["cells"]
              if c["cell_type"] == "code" and "".join(c.get("source", "")).strip()]
    assert None not in counts, f"{path.name}: unexecuted code cell(s); run make notebooks"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not run top to bottom once"
    assert not any(o.get("output_type") == "error" for c in nb["cells"]
                   for o in c.get("outputs", [])), f"{path.name}: committed with an error output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_valid_nbformat(path):
    nbformat.validate(nbformat.read(path, as_version=4))


def _headings(nb):
    return [line.strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("#")]


SKELETON = {
    "lesson": ["## In this lesson", "## Worked example", "## Try it", "## Quiz",
               "## In this lesson we"],
    "case": ["## In this case", "## Worked example", "## Try it", "## Quiz", "## In this case we"],
    "appendix": [],
}


@pytest.mark.parametrize("lesson", LESSONS, ids=[item.id for item in LESSONS])
def test_skeleton(lesson):
    nb = nbformat.read(lesson.path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {lesson.id} · ")
    headings = _headings(nb)
    positions = []
    for wanted in SKELETON[lesson.kind]:
        assert wanted in headings, f"{lesson.path.name}: missing heading {wanted!r}"
        positions.append(headings.index(wanted))
    assert positions == sorted(positions), f"{lesson.path.name}: skeleton sections out of order"
    if lesson.kind != "appendix":
        assert lesson.quiz, f"{lesson.path.name}: metadata crmlab.quiz is missing"
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert f'quiz.show("{lesson.quiz}")' in code


EDITIONS = {"en": LESSONS, **{lang: list_lessons(ROOT / "notebooks" / lang)
                              for lang in editions()}}
NAV = [(lang, index) for lang, lessons in EDITIONS.items() for index in range(len(lessons))]


@pytest.mark.parametrize(("lang", "index"), NAV,
                         ids=[f"{lang}-{EDITIONS[lang][i].id}" for lang, i in NAV])
def test_navigation_is_stamped(lang, index):
    lessons = EDITIONS[lang]
    assert len(lessons) == len(LESSONS)
    nb = nbformat.read(lessons[index].path, as_version=4)
    navs = [c.source for c in nb.cells if c.cell_type == "markdown"
            and c.source.lstrip().startswith(NAV_START)]
    expected = navigation_markdown(index, lessons, lang=lang)
    assert navs == [expected, expected], "navigation is stale: run crmlab notebooks stamp"
    assert nb.cells[1].source == expected and nb.cells[-1].source == expected


def test_no_helper_functions_defined_in_lessons():
    """Logic lives in crmlab: lessons call library functions rather than defining their own."""
    offenders = []
    for lesson in LESSONS:
        nb = nbformat.read(lesson.path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and any(
                line.startswith(("def ", "class ")) for line in cell.source.splitlines()
            ):
                offenders.append(lesson.path.name)
    assert offenders == []
