"""Tests of crmlab.core.display: text tables show every cell whole, in the library and in every
committed notebook of both editions."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from crmlab import datasets, glossary, marketing, references, taxonomy
from crmlab.core.display import TEXT_TABLE_CLASS, TextTable, text_table
from crmlab.crm_selection import course_company_needs
from crmlab.lessons import course_map
from crmlab.publish.notebooks import all_notebooks
from crmlab.segmentation import rfm_scores, rfm_table, segment_ranges
from crmlab.service_levels import service_level_rules
from crmlab.touchpoints import touchpoint_map

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = all_notebooks(ROOT / "notebooks")
#: pandas cuts a cell to this many characters, the last three "...".
CUT = pd.get_option("display.max_colwidth")

LONG = "the more you know about the audience, the more precise the campaign; in practice " \
       "you address groups with the same traits"


def _frame():
    frame = pd.DataFrame({"step": ["know your target market better"], "meaning": [LONG]},
                         index=pd.Index([1], name="#"))
    frame.attrs["provenance"] = "seed 000"
    return frame


def test_plain_and_html_show_every_cell_whole():
    assert "..." in repr(_frame())  # what pandas does to a plain frame
    shown = text_table(_frame())
    assert LONG in repr(shown) and "..." not in repr(shown)
    page = shown._repr_html_()
    assert html.escape(LONG) in page and "..." not in page
    assert f'class="dataframe {TEXT_TABLE_CLASS}"' in page
    assert "text-align: left" in page and "white-space: normal" in page


def test_every_row_shows_too():
    long = text_table(pd.DataFrame({"term": [f"term {i}" for i in range(200)]}))
    assert "term 100" in repr(long) and "term 100" in long._repr_html_()


def test_a_text_table_is_a_dataframe_whose_selections_stay_text_tables():
    shown = text_table(_frame())
    assert isinstance(shown, pd.DataFrame)
    assert shown["step"].tolist() == ["know your target market better"]
    assert isinstance(shown[["meaning"]], TextTable)
    assert isinstance(shown.assign(n=1), TextTable)
    assert isinstance(shown.loc[[1]], TextTable)
    assert shown.attrs == {"provenance": "seed 000"}


def test_input_is_not_mutated_and_a_change_to_the_copy_stays_there():
    frame = _frame()
    shown = text_table(frame)
    shown.attrs["provenance"] = "changed"
    assert type(frame) is pd.DataFrame and frame.attrs == {"provenance": "seed 000"}
    pd.testing.assert_frame_equal(frame, _frame())


@pytest.mark.parametrize("bad, kind", [(["a", "b"], "list"), (pd.Series(["a"]), "Series"),
                                       (None, "NoneType")])
def test_only_a_dataframe(bad, kind):
    with pytest.raises(ValueError, match=rf"^Got frame of type {kind} instead, expected a pandas "
                                         r"DataFrame\.$"):
        text_table(bad)


def test_azerbaijani_labels_and_whole_text_together():
    from crmlab.core.i18n import translate_labels

    shown = translate_labels(text_table(_frame()), lang="az")
    assert isinstance(shown, TextTable) and "..." not in repr(shown)


TABLES = {
    "marketing.table": lambda: marketing.table("personalisation_steps"),
    "marketing.evolution": marketing.evolution,
    "taxonomy.table": lambda: taxonomy.table("principles"),
    "datasets.describe": lambda: datasets.describe("suppliers"),
    "datasets.effects": datasets.effects,
    "course_map": course_map,
    "glossary.table": glossary.table,
    "references.table": references.table,
    "service_level_rules": service_level_rules,
    "touchpoint_map": lambda: touchpoint_map(datasets.load("interactions")),
    "course_company_needs": lambda: course_company_needs(
        datasets.load("orders"), datasets.load("interactions"), datasets.load("purchases"),
        year=2024),
    "segment_ranges": lambda: segment_ranges(rfm_scores(rfm_table(datasets.load("orders")))),
}


@pytest.mark.parametrize("make", TABLES.values(), ids=TABLES)
def test_every_text_table_of_the_library_is_shown_whole(make):
    assert isinstance(make(), TextTable)


# --- the committed notebooks ------------------------------------------------------------------

class _Cells(HTMLParser):
    """The text of every td and th of an HTML output."""

    def __init__(self):
        super().__init__()
        self.cells, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open is not None:
            self.cells.append("".join(self._open).strip())
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def _cut(text: str) -> bool:
    """A cell as pandas leaves it when it cuts one: CUT characters, the last three '...', less
    the one space pandas puts before a text value (stripped here)."""
    return CUT - 1 <= len(text) <= CUT and text.endswith("...")


def cut_cells(nb: dict) -> list[tuple[int, str]]:
    """(cell index, text) of every cut-off table cell in the outputs of a notebook."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = "".join(data.get("text/html", ""))
            if page:
                parser = _Cells()
                parser.feed(page)
                found += [(index, text) for text in parser.cells if _cut(text)]
            plain = "".join(data.get("text/plain", "")) or "".join(output.get("text", ""))
            # A plain table's cells are separated by two spaces or more.
            found += [(index, field) for line in plain.splitlines()
                      for field in re.split(r"\s{2,}", line.strip()) if _cut(field)]
    return sorted(set(found))


def test_the_scan_finds_what_pandas_cuts():
    frame = _frame()
    bundle = {"text/plain": repr(frame), "text/html": frame._repr_html_()}
    nb = {"cells": [{"cell_type": "code", "outputs": [{"data": bundle}]}]}
    assert cut_cells(nb) == [(0, LONG[:CUT - 4] + "...")]
    shown = text_table(frame)
    bundle = {"text/plain": repr(shown), "text/html": shown._repr_html_()}
    assert cut_cells({"cells": [{"cell_type": "code", "outputs": [{"data": bundle}]}]}) == []


@pytest.mark.parametrize("path", NOTEBOOKS,
                         ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_no_committed_table_cuts_its_text(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cut = cut_cells(nb)
    assert not cut, (f"{path.relative_to(ROOT)}: text cut off by pandas (re-execute the "
                     "notebook; a table of sentences needs crmlab.core.display.text_table): "
                     + "; ".join(f"cell {index}: {text!r}" for index, text in cut))
