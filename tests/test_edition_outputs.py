"""What a student of a translated edition reads in the outputs is in the edition's language.

Three checks, over the committed notebooks:

* **No English prose in the outputs of an edition.** Every text output of every code cell of
  ``notebooks/<lang>/`` (streams, text/plain, each cell of an HTML table) is cut into segments
  (a line, a table cell) and a segment fails when it holds a word of :data:`ENGLISH`, a
  vocabulary of common English function words: prose cannot do without them, and data values,
  ids and code identifiers (``field_sales``, ``crmlab.datasets.load``) do not need them.
  Identifiers, file names, addresses and ``key='value'`` pairs are taken out before the count.
  What may stay English is small and justified (:func:`allowed`): the titles of English works
  in a bibliographic reference, the sources' own words in their own language, and the English
  form of each glossary term (the glossary gives every term in four languages).
* **No figure text is an English literal in a code cell** of the source notebooks (a title,
  an axis label, a legend, an annotation): it comes from the catalog, like the figures of
  :mod:`crmlab.plots` (``tests/test_i18n.py`` checks those).
* **Every column a lesson names in its code has a label in the catalog** (``column.<name>``,
  or ``value.<name>`` for a code), so the display can show it in the reader's language.
"""

from __future__ import annotations

import ast
import html
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crmlab.core.i18n import catalog
from crmlab.publish.translations import editions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

#: Common English function words. Left out, because the outputs legitimately hold them as words
#: of another language: "in", "so", "to", "no", "a"-less forms of Slovenian (the seed 002 quotes:
#: "in" = and, "so" = are, "to" = this), and Azerbaijani "on" (ten), "at", "an", "it", "can",
#: "may" (words of the language).
ENGLISH = frozenset("""
    the of and is are was were be been being for with by from that this these those which who
    whom whose what how when where there their they them its our your you we has have had does
    do did not or but than into onto upon also only each every any all both per as if
    would will shall should could must about after before between within without over under
    """.split())

#: Identifiers and other non-prose runs, removed before counting: dotted or snake_case names,
#: hyphenated ids, ``key=value`` code pairs, quoted identifiers, file names, web and e-mail
#: addresses.
_CODE = re.compile(
    r"""`[^`]*`"""                                    # inline code
    r"""|\b[\w-]+@[\w.-]+"""                          # e-mail addresses
    r"""|\b(?:https?://)?[\w-]+(?:\.[\w-]+)*\.(?:com|ru|ua|az|org|net|io)\b\S*"""  # web
    r"""|\b\w+(?:[._-]\w+)+\b"""                       # snake_case, dotted.names, ids-like-this
    r"""|\b\w+=\S+"""                                   # key=value
    r"""|'[A-Za-z_]\w*'""")                                # a quoted identifier: 'alpha', 'a'
_WORD = re.compile(r"[^\W\d_]+")  # words of any alphabet: "aşağı" is one word, not "a", "a"


class _Cells(HTMLParser):
    """The text of each cell (td, th) of an HTML output, and of what lies outside tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells, self._parts, self._depth = [], [], 0
        self._skip = False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._flush()
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag):
        if tag in ("td", "th", "tr", "p", "div", "li", "br"):
            self._flush()
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self._parts.append(data)

    def _flush(self):
        text = " ".join("".join(self._parts).split())
        if text:
            self.cells.append(text)
        self._parts = []

    def close(self):
        super().close()
        self._flush()


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def segments(cell) -> list[str]:
    """The texts a reader sees in the outputs of one code cell: table cells and lines."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            found += _text(output["text"]).splitlines()
            continue
        data = output.get("data", {})
        if "text/html" in data:
            parser = _Cells()
            parser.feed(_text(data["text/html"]))
            parser.close()
            found += parser.cells
        elif "text/plain" in data and not ({"image/png", "image/svg+xml"} & set(data)):
            found += _text(data["text/plain"]).splitlines()
    return [s for s in (" ".join(seg.split()) for seg in found) if s]


@cache
def _allowed_texts() -> tuple[str, ...]:
    """Texts that keep their language: bibliographic references (titles of English works), the
    sources' own words (Malay, Slovenian, Azerbaijani) and the glossary's English forms (the
    glossary lists each term in four languages), longest first."""
    from crmlab import glossary, marketing, references
    from crmlab.core.i18n import LANGUAGES

    texts = {text for lang in LANGUAGES for text in references.table(lang=lang)["reference"]}
    texts |= {words for _, _, _, words, _ in marketing.REMARKS.values()}
    for entry in references.entries():
        for seed in (entry.get("seeds") or {}).values():
            texts.add(seed.get("listed_as") or "")
            texts |= set(seed.get("cited_as") or ())
    # The glossary shows each term in its four languages, English among them.
    texts |= {term["en"] for term in glossary.terms()}
    return tuple(sorted((t for t in texts if t), key=len, reverse=True))


def allowed(text: str) -> str:
    """``text`` without what may stay English or another language (see :func:`_allowed_texts`)."""
    for kept in _allowed_texts():
        if kept in text:
            text = text.replace(kept, " ")
    return text


def english_words(text: str) -> list[str]:
    """The words of :data:`ENGLISH` in ``text``, identifiers and allowed texts taken out.

    >>> english_words("profit_share: müştərilər üçün (seed 002: accounting)")
    []
    >>> english_words("flagged: 27.3% of 1309 multichannel customers")
    ['of']
    >>> english_words("Got purpose='newsletter' instead, expected one of 'email_campaign'")
    ['of']
    >>> english_words("crmlab.multichannel.profit_by_channel_count bunu yoxlayır")
    []
    """
    text = _CODE.sub(" ", allowed(html.unescape(text)))
    return [w for w in _WORD.findall(text) if w.isascii()
            and (w == "a" or (len(w) > 1 and not w.isupper() and w.lower() in ENGLISH))]


#: Notebooks of an edition known to print English while a change is under way; each must still
#: fail (strict xfail), so its entry goes as soon as it is fixed. Empty: nothing pending.
PENDING: set[str] = set()


def _pending(name):
    return [pytest.mark.xfail(strict=True, reason="being translated")] if name in PENDING else []


def _edition_notebooks():
    for lang in editions():
        for path in sorted((NOTEBOOKS / lang).rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in path.parts:
                name = path.relative_to(NOTEBOOKS).as_posix()
                yield pytest.param(path, id=name, marks=_pending(name))


@pytest.mark.parametrize("path", list(_edition_notebooks()))
def test_an_edition_prints_no_english_prose(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for text in segments(cell):
            words = english_words(text)
            if words:
                shown = text if len(text) <= 160 else text[:157] + "..."
                found.append(f"{path.relative_to(NOTEBOOKS)}: cell {cell.get('id')}: "
                             f"{shown!r} (English: {', '.join(dict.fromkeys(words))})")
    assert not found, "\n".join(found)


def test_the_detector_finds_english_and_spares_the_rest():
    prose = {"segments": ["flagged: 27.3% of 1309 multichannel customers",
                          "The article opens with a scene from Alet (1994)"]}
    assert [english_words(s) for s in prose["segments"]] == [["of"], ["The", "with", "a", "from"]]
    kept = ["çempionlar 357 0.184", "S040 Quba Mineral Water OJSC key 0.0159",
            "ofis əsas təmaslar müştərilər", "Vložki so visoki: komercialna verodostojnost "
            "podjetja in njegova sposobnost", "naumen.ru; tscrm.ru, terrasoft.com.ua",
            "Name: count, dtype: int64", "abc-class-a: düzdür", "A B C", "xərc (aşağı nisbət)"]
    assert [english_words(s) for s in kept] == [[]] * len(kept)


# --------------------------------------------------------------------------- the code cells
_FIGURE_METHODS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "annotate",
                   "legend"}
_FIGURE_KEYWORDS = {"title", "label", "xlabel", "ylabel"}


def _words(node) -> bool:
    """A string literal (or f-string) with a word in it that is not an identifier (a column
    name passed as ``label="supplier_id"`` names data, it says nothing)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", node.value)) and not re.fullmatch(
            r"[A-Za-z_]\w*", node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_words(part) for part in node.values)
    return False


def _code_cells():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "exercises").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                yield path.name, cell.get("id"), ast.parse(_text(cell["source"]))


def figure_literals(tree) -> list[int]:
    """Lines where a figure gets an English literal as its text.

    >>> figure_literals(ast.parse('ax = s.plot(title="Revenue by month")'))
    [1]
    >>> figure_literals(ast.parse('ax = s.plot(title=message("plot.revenue"), figsize=(8, 3))'))
    []
    """
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        suspects = [kw.value for kw in node.keywords if kw.arg in _FIGURE_KEYWORDS]
        if name in _FIGURE_METHODS:
            suspects += node.args[:1] if name != "text" else node.args[2:3]
        lines += [s.lineno for s in suspects if _words(s)]
    return lines


@pytest.mark.parametrize("_", [pytest.param(0, marks=_pending("figures"))])
def test_no_figure_text_is_an_english_literal_in_a_code_cell(_):
    found = [f"{name}: cell {cell}: line {line}" for name, cell, tree in _code_cells()
             for line in figure_literals(tree)]
    assert found == []


def created_columns(tree) -> list[str]:
    """The literal column names a code cell creates or renames to.

    >>> created_columns(ast.parse('t.assign(within=x).rename(columns={"a": "course data"})'))
    ['course data', 'within']
    >>> created_columns(ast.parse('pd.DataFrame({"quintiles": q}); s.to_frame("dense ranks")'))
    ['quintiles', 'dense ranks']
    """
    names = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in ("assign", "agg"):
            names += [kw.arg for kw in node.keywords if kw.arg]
        elif name == "insert" and len(node.args) >= 2:
            names += [node.args[1]]
        elif name in ("to_frame", "DataFrame") and node.args:
            names += [node.args[0]] if name == "to_frame" else (
                node.args[0].keys if isinstance(node.args[0], ast.Dict) else [])
        if name == "rename":
            for kw in node.keywords:
                if kw.arg == "columns" and isinstance(kw.value, ast.Dict):
                    names += kw.value.values
    found = []
    for item in names:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            found.append(item.value)
    return [n for n in found if re.search(r"[A-Za-z]{2,}", n)]


@pytest.mark.parametrize("_", [pytest.param(0, marks=_pending("columns"))])
def test_every_column_a_lesson_names_has_a_label_in_the_catalog(_):
    entries = catalog("en")
    missing = sorted({f"{name}: cell {cell}: {column!r}" for name, cell, tree in _code_cells()
                      for column in created_columns(tree)
                      if f"column.{column}" not in entries and f"value.{column}" not in entries})
    assert missing == []
