"""The course's content in every language: one way to declare it, one way to read it.

Content is what crmlab prints that a lesson teaches: the sources' lists and tables, the
remarks and their notes, row labels, the data dictionary, the titles of the built-in effects,
the classifier's criteria and practices, the glossary's definitions. English is the source and
stays where the content is declared (a subject module's constants, a curated YAML file); each
other language keeps its text in one file per **domain**,
``crmlab/data/content/<lang>/<domain>.yaml``, a list of entries::

    - en: attract new consumers
      text: Yeni istehlakçıların cəlb edilməsi
      attested: Yeni istehlakçıların cəlb edilməsi

``en`` is the English text exactly as crmlab declares it (the key, as in a gettext catalogue);
``text`` is the translation (empty: not translated yet); ``attested`` is, as in the glossary, the source's own words where
the translation takes its wording from the source in that language (seed 000 for Azerbaijani),
or ``null`` where the course supplies the translation. An optional ``note`` tells the next
translator why (a garbled source sentence, a term chosen). When an English text changes, its old
entry no longer matches: the translation check reports it missing (and the old one orphan).

A domain is declared once, by the module whose content it holds, with the function that lists
its English texts::

    CONTENT = Domain("marketing", lambda: [*NEW_CONSUMER, *PERSONALISATION_AIMS, ...])

and read through it: ``CONTENT("attract new consumers")`` is the text in the language in effect
(:func:`crmlab.core.i18n.get_language`), ``CONTENT.frame(table)`` a copy of a table whose text
cells read in it. Short words that label data values (tiers, channels, segments) are not content
but catalog entries (``value.<code>``): the data keeps the code and the display shows the label
(:func:`crmlab.core.i18n.translate_labels`), which also shows every content text a table holds
(an index of effect quantities, a column of module names) in the reader's language, all domains
together.

Examples
--------
>>> demo = Domain("demo", lambda: ["supplier", "buyer"], files={"az": {"supplier": "təchizatçı"}})
>>> demo("supplier", "az"), demo("supplier", "en"), demo("buyer", "az")
('təchizatçı', 'supplier', 'buyer')
>>> [str(p) for p in demo.problems("az")]
["crmlab/data/content/az/demo.yaml: 'buyer': missing (az)"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crmlab.core.exceptions import DataError

__all__ = ["Domain", "Entry", "Problem", "FOLDER", "path", "read", "write_stub"]

#: Where the translation files live: ``FOLDER / <lang> / <domain>.yaml``.
FOLDER = Path(__file__).resolve().parent.parent / "data" / "content"
_FIELDS = {"en", "text", "attested", "note"}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Entry:
    """One translated text: the translation, and the source's words it is taken from (or None:
    supplied by the course)."""

    text: str
    attested: str | None = None


@dataclass(frozen=True)
class Problem:
    """A text of a domain with no translation (``missing``), or a translation of a text the
    domain no longer has (``orphan``)."""

    file: str
    text: str
    kind: str
    lang: str

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        return f"{self.file}: {shown!r}: {self.kind} ({self.lang})"


def path(domain: str, lang: str) -> Path:
    """The translation file of ``domain`` in ``lang``."""
    return FOLDER / lang / f"{domain}.yaml"


def _shown_path(file: Path) -> str:
    try:
        return file.relative_to(FOLDER.parent.parent.parent).as_posix()
    except ValueError:
        return str(file)


def _check(entries, file: Path) -> dict[str, Entry]:
    where = _shown_path(file)
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise DataError(f"{where}: expected a list of entries (en, text, attested), got "
                        f"{type(entries).__name__}")
    found: dict[str, Entry] = {}
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not {"en", "text", "attested"} <= set(entry) <= _FIELDS:
            raise DataError(f"{where}: entry {number}: expected the fields en, text, attested "
                            "(and optionally note)")
        english, text, attested = entry["en"], entry["text"], entry["attested"]
        if not isinstance(english, str) or not english.strip():
            raise DataError(f"{where}: entry {number}: en must be non-empty text")
        if text is not None and not isinstance(text, str):
            raise DataError(f"{where}: entry {number} ({english[:40]!r}): text must be text")
        if attested is not None and (not isinstance(attested, str) or not attested.strip()):
            raise DataError(f"{where}: entry {number} ({english[:40]!r}): attested must be the "
                            "source's words or null")
        if english in seen:
            raise DataError(f"{where}: entry {number}: {english[:60]!r} is translated twice")
        seen.add(english)
        if text and text.strip():  # an empty text (a stub) is not a translation yet
            found[english] = Entry(text, attested)
    return found


@cache
def read(domain: str, lang: str) -> dict[str, Entry]:
    """The translations of ``domain`` in ``lang``: ``{english: Entry}`` (empty without a file).

    Raises :class:`~crmlab.core.exceptions.DataError` naming the file, the entry and the field
    when the file is malformed.
    """
    import yaml

    file = path(domain, lang)
    if not file.exists():
        return {}
    try:
        entries = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise DataError(f"{_shown_path(file)}: not valid YAML: {err}".splitlines()[0]) from None
    return _check(entries, file)


class Domain:
    """The content of one module, in every language (see the module docstring).

    Parameters
    ----------
    name : str
        The domain, and the name of its translation files (``marketing`` ->
        ``crmlab/data/content/<lang>/marketing.yaml``).
    texts : callable
        Returns every English text of the domain (the check compares them with the files).
    files : dict, optional
        ``{lang: {english: text}}`` instead of the files (for tests and examples).
    """

    def __init__(self, name: str, texts: Callable[[], Iterable[str]], *,
                 files: dict[str, dict[str, str]] | None = None):
        if not _NAME.fullmatch(name):
            raise ValueError(f"Got name={name!r} instead, expected a snake_case domain name.")
        self.name = name
        self._texts = texts
        self._files = None if files is None else {
            lang: {en: Entry(text) for en, text in entries.items()}
            for lang, entries in files.items()}

    def __repr__(self) -> str:
        return f"Domain({self.name!r})"

    def texts(self) -> tuple[str, ...]:
        """The English texts of the domain, each once, in the order declared."""
        return tuple(dict.fromkeys(t for t in self._texts() if isinstance(t, str) and t))

    def translations(self, lang: str) -> dict[str, Entry]:
        """``{english: Entry}`` of ``lang`` (English: none, it is the source)."""
        if lang == "en":
            return {}
        if self._files is not None:
            return self._files.get(lang, {})
        return read(self.name, lang)

    def __call__(self, text, lang: str | None = None):
        """``text`` in ``lang`` (default: the language in effect); a text without a
        translation, and anything that is not text, comes back unchanged."""
        if not isinstance(text, str):
            return text
        from crmlab.core.i18n import get_language

        entry = self.translations(lang or get_language()).get(text)
        return text if entry is None else entry.text

    def each(self, texts: Iterable, lang: str | None = None) -> tuple:
        """Every item of ``texts`` in ``lang``."""
        from crmlab.core.i18n import get_language

        lang = lang or get_language()
        return tuple(self(t, lang) for t in texts)

    def frame(self, table, *, columns=None, index: bool = False, lang: str | None = None):
        """A copy of the DataFrame ``table`` whose text cells (of ``columns``, default every
        column) read in ``lang``; ``index=True`` translates the index labels too. ``table`` is
        not modified; its ``attrs`` carry over."""
        from crmlab.core.i18n import get_language

        lang = lang or get_language()
        shown = table.copy()
        if lang == "en":
            return shown
        from pandas.api.types import is_object_dtype, is_string_dtype

        for column in shown.columns if columns is None else columns:
            values = shown[column]
            if is_object_dtype(values.dtype) or is_string_dtype(values.dtype):
                shown[column] = values.map(lambda v: self(v, lang))
        if index:
            shown.index = shown.index.map(lambda v: self(v, lang))
        return shown

    def problems(self, lang: str) -> list[Problem]:
        """Texts of the domain without a translation in ``lang``, and translations of texts it
        no longer has (none in English: it is the source)."""
        if lang == "en":
            return []
        file = "crmlab/data/content/" + f"{lang}/{self.name}.yaml"
        texts = self.texts()
        have = self.translations(lang)
        found = [Problem(file, t, "missing", lang) for t in texts if t not in have]
        known = set(texts)
        return found + [Problem(file, t, "orphan", lang) for t in have if t not in known]


def write_stub(domain: Domain, lang: str) -> Path:
    """Add an entry with an empty ``text`` for every text of ``domain`` that ``lang`` lacks, at
    the end of its file (created if need be); existing entries are kept as they are."""
    import yaml

    from crmlab.core.atomic import write_text

    file = path(domain.name, lang)
    read(domain.name, lang)  # a malformed file is reported, not appended to
    entries = yaml.safe_load(file.read_text(encoding="utf-8")) if file.exists() else None
    have = {entry["en"] for entry in entries or ()}
    missing = [t for t in domain.texts() if t not in have]
    text = file.read_text(encoding="utf-8") if file.exists() else (
        f"# {lang} text of crmlab's content, domain {domain.name}: one entry per English text "
        "(see crmlab/core/content.py).\n")
    if missing:
        stub = [{"en": t, "text": "", "attested": None} for t in missing]
        text = text.rstrip("\n") + "\n" + yaml.safe_dump(stub, allow_unicode=True,
                                                          sort_keys=False, width=100)
    file.parent.mkdir(parents=True, exist_ok=True)
    write_text(file, text)
    read.cache_clear()
    return file
