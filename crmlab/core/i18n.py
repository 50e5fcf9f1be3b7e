"""The student's language: one message catalog for every string crmlab shows a student.

The catalog is one YAML file per language in ``crmlab/data/messages/<lang>.yaml``, a flat
mapping of dotted keys (``quiz.check``, ``plot.clv.title``) to text with ``{field}`` placeholders.
:func:`message` looks a key up in the current language; English is the source and every shipped
language holds every key (a test checks it), so a third language is one more file.

The current language, first match wins:

1. :func:`set_language` called in this process;
2. the ``CRMLAB_LANG`` environment variable;
3. the student's setting, kept in ``CRMLAB_HOME/config.json`` (``crmlab student language az``,
   or :func:`save_language`);
4. English.

Numbers in a message read as the language writes them: a field formatted with a thousands
separator (``{customers:,}``) takes the separator of the catalog's ``format.thousands`` entry
("1,000" in English, "1 000" with a narrow no-break space in Azerbaijani).

Tables keep their identifiers and codes (lesson code indexes them); in a language other than
English, :func:`set_language` installs an IPython display formatter that shows DataFrames and
Series in the reader's language (:func:`translate_labels`): column and index labels through the
``column.<name>`` entries, and every text value, cell or index label, that crmlab can translate:
a code through its ``value.<code>`` entry (``champions``, ``back``), a text of the course's
content through its translation (:mod:`crmlab.core.content`). The data itself is never touched.
``set_language("en")`` removes the formatter.

Examples
--------
>>> message("quiz.check", lang="az")
'Yoxla'
>>> message("quiz.check", lang="en")
'Check'
>>> set_language("xx")
Traceback (most recent call last):
...
crmlab.core.exceptions.CrmlabError: Got language='xx' instead, expected one of en, az.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources

from crmlab.core.exceptions import CrmlabError

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "set_language", "get_language", "message",
           "catalog", "check_language", "save_language", "saved_language", "column_label",
           "translate_labels", "shown_value", "reader_language", "localized", "Messages",
           "label"]

#: The languages crmlab ships, the source language first.
LANGUAGES = ("en", "az")
#: The name of each language in itself, for a language switch.
LANGUAGE_NAMES = {"en": "English", "az": "Azərbaycanca"}

_current: str | None = None


def check_language(lang) -> str:
    """Return ``lang`` if crmlab ships it, else raise a one-line error."""
    if lang not in LANGUAGES:  # the language itself is in question: said in English
        raise CrmlabError(message("error.expected", "en", field="language", value=repr(lang),
                                  where="", what=f"one of {', '.join(LANGUAGES)}"))
    return lang


def set_language(lang: str | None) -> str:
    """Use ``lang`` for everything crmlab shows from now on in this process.

    ``None`` forgets the call, so the environment and the student's setting apply again.
    Returns the language now in effect.
    """
    global _current
    _current = None if lang is None else check_language(lang)
    now = get_language()
    _sync_display(now)
    return now


def saved_language() -> str | None:
    """The language the student saved (``CRMLAB_HOME/config.json``), or None."""
    return _configured()


def save_language(lang: str) -> str:
    """Save ``lang`` as the student's language in ``CRMLAB_HOME/config.json`` (set once, like
    the student id); other settings in the file are kept.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> save_language("az"), saved_language(), get_language()
    ('az', 'az', 'az')
    >>> save_language("en")
    'en'
    >>> save_language("xx")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: Got language='xx' instead, expected one of en, az.
    """
    from crmlab.core import settings

    settings.update(language=check_language(lang))
    return lang


def _configured() -> str | None:
    from crmlab.core import settings

    try:
        value = settings.read().get("language")
    except CrmlabError:  # a broken settings file: the student id's commands say so
        return None
    return value if value in LANGUAGES else None


def get_language() -> str:
    """The language in effect (see the module docstring for the order)."""
    if _current is not None:
        return _current
    env = os.environ.get("CRMLAB_LANG")
    if env:
        return check_language(env)
    return _configured() or "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of ``lang``: ``{key: text}``."""
    from crmlab.core.yaml_lines import read_plain

    path = resources.files("crmlab").joinpath(f"data/messages/{check_language(lang)}.yaml")
    return read_plain(path, error=CrmlabError) or {}


class _Numbers(string.Formatter):
    """``str.format`` whose thousands separator (the ``,`` of a format spec) is the language's."""

    def __init__(self, separator: str):
        super().__init__()
        self.separator = separator

    def format_field(self, value, format_spec):
        text = format(value, format_spec)
        if "," in format_spec and self.separator != ",":
            text = text.replace(",", self.separator)
        return text


@cache
def _numbers(lang: str) -> _Numbers:
    sample = catalog(lang).get("format.thousands") or catalog("en")["format.thousands"]
    return _Numbers(sample.strip("0123456789") or ",")


def message(key: str, lang: str | None = None, **fields) -> str:
    """The text of catalog entry ``key`` in ``lang`` (default: :func:`get_language`), formatted
    with ``fields``; an entry a language lacks falls back to English. A number formatted with
    a thousands separator takes the language's (``format.thousands``).

    Examples
    --------
    >>> message("format.thousands", "en")
    '1,000'
    >>> message("calculator.summary", "az", customers=1322, retention=0.377, margin=17.27)
    'Saxlanma kalkulyatoru: 1\u202f322 müştəri, saxlanma 37.7%, hər müştəriyə bir dövr üçün marja 17.27. Proqramı qiymətləndirmək üçün sürgüləri hərəkət etdirin.'
    """
    lang = lang or get_language()
    entries = catalog(lang)
    text = entries.get(key)
    if text is None:
        text = catalog("en")[key]
    return _numbers(lang).format(text, **fields) if fields else text


def reader_language(lang) -> str:
    """The language a reader gets: ``lang`` when crmlab ships it, else English (the one
    fallback, for the quiz widget, the site and the feedback pages alike).

    Examples
    --------
    >>> reader_language("az"), reader_language("sl"), reader_language(None)
    ('az', 'en', 'en')
    """
    return lang if lang in LANGUAGES else "en"


def localized(value, lang: str = "en") -> str:
    """The text of a field that is a string (the same in every language) or a mapping of
    languages (a quiz's prompt): ``lang``'s, else English, else the first given.

    Examples
    --------
    >>> localized({"en": "Supplier", "az": "Təchizatçı"}, "az")
    'Təchizatçı'
    >>> localized({"en": "Supplier"}, "sl"), localized("Supplier", "az"), localized(None)
    ('Supplier', 'Supplier', '')
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values())))
    return str(value)


class Messages(Mapping):
    """The catalog entries ``<prefix>.*`` for one reader: ``messages(key, lang, **fields)`` is
    the entry in :func:`reader_language` (English where the language lacks it), fields filled;
    as a mapping, ``{lang: {key: text}}`` of every shipped language (a view: a language added
    to the catalog is here too).

    Examples
    --------
    >>> feedback = Messages("feedback")
    >>> feedback("out_of", points="3", possible="5"), feedback("passed", "az")
    ('3 of 5', 'keçdi')
    >>> feedback("passed", "sl")  # a language crmlab does not ship: English
    'passed'
    """

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, key: str, lang: str = "en", **fields) -> str:
        return message(f"{self.prefix}.{key}", reader_language(lang), **fields)

    def __getitem__(self, lang):
        if lang not in LANGUAGES:
            raise KeyError(lang)
        start = f"{self.prefix}."
        return {key[len(start):]: text for key, text in catalog(lang).items()
                if key.startswith(start)}

    def __iter__(self):
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


#: The quiz widget's own words (``quiz.*``: Check, Correct, ...), seen in JupyterLab, on the
#: site and on feedback pages: ``label("check", "az")``.
label = Messages("quiz")


@cache
def _content(lang: str) -> dict[str, str]:
    """Every content text of ``lang``, all domains together: ``{english: text}``
    (``crmlab/data/content/<lang>/*.yaml``, checked by :mod:`crmlab.core.content`, which
    reads them one domain at a time)."""
    import yaml

    folder = resources.files("crmlab").joinpath(f"data/content/{lang}")
    texts: dict[str, str] = {}
    if not folder.is_dir():
        return texts
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if not file.name.endswith(".yaml"):
            continue
        for entry in yaml.safe_load(file.read_text(encoding="utf-8")) or ():
            if isinstance(entry, dict) and entry.get("text"):
                texts.setdefault(entry["en"], entry["text"])
    return texts


@cache
def _values(lang: str) -> dict[str, str]:
    """Every text value crmlab shows in ``lang``: content texts, then the codes' labels."""
    shown = dict(_content(lang)) if lang != "en" else {}
    start = "value."
    shown.update({key[len(start):]: text for key, text in catalog(lang).items()
                  if key.startswith(start)})
    return shown


#: Separators of a cell that lists several codes or texts ("process orders; target offers",
#: "monopoly-like market + uninterested in our volumes", "seed 001, seed 002"): each part reads
#: in the language.
_LIST_SEPARATORS = ("; ", " | ", " + ", ", ")


def shown_value(value, lang: str | None = None):
    """How a value of a table reads in ``lang``: a code's ``value.<code>`` label, a content
    text's translation, a list of them joined by "; ", " + " or ", " part by part (when every part
    has a translation), anything else unchanged (the data is never touched).

    Examples
    --------
    >>> shown_value("champions", "az"), shown_value("champions", "en")
    ('çempionlar', 'champions')
    >>> shown_value("web; store", "az"), shown_value("web; S001", "az")
    ('veb; mağaza', 'web; S001')
    >>> shown_value("C00001", "az"), shown_value(3, "az")
    ('C00001', 3)
    """
    if not isinstance(value, str):
        return value
    known = _values(lang or get_language())
    shown = known.get(value)
    if shown is not None:
        return shown
    for separator in _LIST_SEPARATORS:
        parts = value.split(separator)
        if len(parts) > 1 and all(part in known for part in parts):
            return separator.join(known[part] for part in parts)
    return value


def column_label(name, lang: str | None = None):
    """The label shown for a column or index named ``name``: its ``column.<name>`` entry in
    ``lang``, else its label as a value (:func:`shown_value`: a pivoted code such as a channel),
    else ``name`` itself.

    Examples
    --------
    >>> column_label("customers", lang="az"), column_label("customers", lang="en")
    ('müştərilər', 'customers')
    >>> column_label("C00001", lang="az"), column_label(3, lang="az")
    ('C00001', 3)
    """
    if not isinstance(name, str):
        return name
    lang = lang or get_language()
    text = catalog(lang).get(f"column.{name}")
    return shown_value(name, lang) if text is None else text


def _shown_values(values, lang: str):
    """A Series' values as they read in ``lang`` (text and categories only)."""
    import pandas as pd

    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        labels = [shown_value(c, lang) for c in categories]
        if labels == list(categories):
            return values
        if len(set(labels)) == len(labels):
            return values.cat.rename_categories(labels)
        return values.astype(object).map(lambda v: shown_value(v, lang))
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        return values.map(lambda v: shown_value(v, lang))
    return values


def translate_labels(table, lang: str | None = None):
    """A copy of a DataFrame or Series as it reads in ``lang``: column labels, axis names and
    (Series) name through :func:`column_label`, text values and the labels of a named row index
    through :func:`shown_value` (an unnamed row index, column names turned into rows, through
    :func:`column_label`); the numbers, and ``table`` itself, are unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"customers": [3], "repeat_rate": [0.5], "segment": ["champions"]})
    >>> translate_labels(df, lang="az").columns.tolist()
    ['müştərilər', 'təkrar alış payı', 'seqment']
    >>> translate_labels(df, lang="az")["seqment"].tolist(), df["segment"].tolist()
    (['çempionlar'], ['champions'])
    """
    import pandas as pd

    lang = lang or get_language()
    shown = table.copy(deep=False)
    if lang == "en":
        return shown

    def rename(index, labels=column_label):
        names = [column_label(n, lang) for n in index.names]
        if isinstance(index, pd.MultiIndex):
            return pd.MultiIndex.from_tuples(
                [tuple(labels(v, lang) for v in key) for key in index], names=names)
        return index.map(lambda v: labels(v, lang)).set_names(names[0])

    # A named row index holds data (effects, channels, segments): its values read as values.
    # An unnamed one is most often column names turned into rows (a row of a table, dtypes).
    rows = shown_value if any(n is not None for n in table.index.names) else column_label

    if isinstance(shown, pd.DataFrame):
        for i in range(shown.shape[1]):
            shown.isetitem(i, _shown_values(shown.iloc[:, i], lang))  # never in place
        shown.columns = rename(shown.columns)
    else:
        shown = _shown_values(shown, lang)
        name = table.name
        shown.name = (tuple(column_label(part, lang) for part in name)
                      if isinstance(name, tuple) else column_label(name, lang))
    shown.index = rename(table.index, rows)
    return shown


# --- display in IPython --------------------------------------------------------------------

_installed: list = []


def _shown(table):
    try:
        return translate_labels(table)
    except Exception:  # relabelling is a courtesy: an odd table must still display
        return table


def _html(table):
    return _shown(table)._repr_html_()


def _plain(table, printer, cycle):
    printer.text(repr(_shown(table)))


def _sync_display(lang: str) -> None:
    """Install the label formatter when ``lang`` is not English and IPython runs; remove it
    (restoring what was there) when it is."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    if lang == "en":
        while _installed:
            mime, kind, before = _installed.pop()
            formatters[mime].type_printers.pop(kind, None)
            if before is not None:
                formatters[mime].for_type(kind, before)
        return
    if _installed:
        return
    import pandas as pd

    from crmlab.core.display import TextTable

    # IPython's plain-text printer stops at the first class of the MRO that defines __repr__,
    # so a TextTable (which does, to show its cells whole) needs its own entry.
    for mime, kind, printer in (("text/html", pd.DataFrame, _html),
                                ("text/plain", pd.DataFrame, _plain),
                                ("text/plain", TextTable, _plain),
                                ("text/plain", pd.Series, _plain)):
        _installed.append((mime, kind, formatters[mime].for_type(kind, printer)))


def _install_for_session() -> None:
    """At import: a language set by ``CRMLAB_LANG`` or the student's setting takes effect in
    IPython without a :func:`set_language` call."""
    try:
        lang = get_language()
    except CrmlabError:
        return
    if lang != "en":
        _sync_display(lang)
