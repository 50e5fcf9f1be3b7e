"""The course bibliography: every work the sources cite and every work the course adds.

The works live in ``crmlab/data/references.yaml``, one entry each with a stable ``key``
(``huete1997``), its bibliographic details as far as a source gives them, ``seeds`` (how each
source cites it: the exact in-text citations ``cited_as`` and bibliography entry ``listed_as``,
as the glossary records ``attested`` text), the ``lessons`` that use it, and for a work no source
cites, ``added_by_course: true`` with ``why``. Where a source gives only an author and a year,
that is all the entry records, and ``missing`` says what is not given.

Lessons cite in the author-year form :func:`cite` writes ("Huete (1997)", "Huete (1997: 40)",
or inside brackets "(Huete 1997)"); :func:`find_citations` finds such citations in a text and
the works they name, and a test holds every lesson to the bibliography with it.

Examples
--------
>>> cite("huete1997", page=40)
'Huete (1997: 40)'
>>> lookup("Carrion (2000)")["seeds"]["001"]["listed_as"]
'Carrión (2000), «Kepintaran Perniagaan dan Pengurusan Pengetahuan», diterbitkan di gestiondelconocimiento.com'
>>> table(lesson="L06")[["citation", "origin", "lessons"]]
                      citation  origin   lessons
0             Reichheld (2003)  course       L06
1  Schenker & Gentleman (2001)  course  L06, L07
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from crmlab.core.content import Domain
from crmlab.core.curated import normalise, read_checked, unknown
from crmlab.core.display import text_table
from crmlab.core.exceptions import DataError
from crmlab.core.validation import check_choice, expected

__all__ = ["SEEDS", "ORIGINS", "PATH", "CONTENT", "Citation", "entries", "lookup", "cite",
           "find_citations", "table"]

#: The source texts (``seeds/NNN_*.txt``): 000 Azerbaijani, 001 Malay, 002 Slovenian.
SEEDS = ("000", "001", "002")
#: Where a work comes from: a source cites it, or the course adds it from the literature.
ORIGINS = ("source", "course")
#: The references file.
PATH = Path(__file__).resolve().parent / "data" / "references.yaml"

_FIELDS = ("key", "authors", "year", "title", "title_en", "published", "language", "seeds",
           "lessons", "added_by_course", "why", "missing")
_SEED_FIELDS = {"cited_as", "listed_as", "where"}
_KEY = re.compile(r"[a-z]+(?:\d{4}[a-z]*)?")
_LESSON = re.compile(r"L\d\d|C\d|GLOSSARY|FINAL")
_DECADE = re.compile(r"\d{4}s")
_EXAMPLE = "huete1997"

# One author: a capitalised name, possibly with initials ("Kraljic, P."); several are joined by
# commas, "&" or "and" ("Fader, Hardie & Lee"). Then the year, bare or in brackets with an
# optional page: "Huete 1997", "Huete (1997)", "Alet (1994: 35)".
_NAME = r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[-'’][^\W\d_]+)*"
_INITIALS = r"(?:,\s+(?:[A-Z]\.\s?){1,3})?"
_AUTHORS = (rf"{_NAME}{_INITIALS}(?:(?:,\s+|,?\s+(?:&|and)\s+){_NAME}{_INITIALS})*"
            r"(?:\s+et\s+al\.)?")
_CITATION = re.compile(
    rf"(?P<authors>{_AUTHORS}),?\s+(?P<open>\()?(?P<year>1[5-9]\d\d|20\d\d)"
    rf"(?(open)(?::\s*(?P<page>\d+(?:[-–]\d+)?))?\))"
    r"(?![\d\w])"
)
# lookup() forgives case: "huete (1997)" finds Huete (1997).
_CITATION_ANY_CASE = re.compile(_CITATION.pattern, re.IGNORECASE)
# Capitalised words that can stand before a year without being an author ("In 1997").
_NOT_AUTHORS = frozenset(
    "in since from until by before after during of the a an and to at on for between about "
    "around spring summer autumn winter early late mid end q".split()
    + "january february march april may june july august september october november "
      "december".split()
)


class Citation(NamedTuple):
    """An author-year citation found in a text, and the keys of the works it may name."""

    text: str
    authors: tuple[str, ...]
    year: int
    keys: tuple[str, ...]


def _check_seed(where: str, number, cited) -> None:
    if number not in SEEDS:
        raise DataError(f"{where}: seeds: {number!r}, expected one of {SEEDS}")
    if not isinstance(cited, dict) or set(cited) != _SEED_FIELDS:
        raise DataError(f"{where}: seeds: {number}: expected exactly the fields "
                        f"{tuple(sorted(_SEED_FIELDS))}")
    texts = cited["cited_as"]
    if (not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts)
            or not isinstance(cited["listed_as"], (str, type(None)))
            or not (texts or cited["listed_as"])):
        raise DataError(f"{where}: seeds: {number}: cited_as must be a list of texts and "
                        "listed_as a text or null, not both empty")


def _check(entries) -> None:
    if not isinstance(entries, list):
        raise DataError(f"{PATH}: expected a list of works, got {type(entries).__name__}")
    seen = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{PATH}: work {number}"
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
            raise DataError(f"{where}: expected exactly the fields {_FIELDS}")
        where = f"{PATH}: work {entry['key']!r}"
        if not isinstance(entry["key"], str) or not _KEY.fullmatch(entry["key"]):
            raise DataError(f"{where}: key must be a surname and a year, such as 'huete1997'")
        if entry["key"] in seen:
            raise DataError(f"{where}: the key is used twice")
        seen.add(entry["key"])
        authors = entry["authors"]
        if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip()
                                                    for a in authors):
            raise DataError(f"{where}: authors must be a list of names")
        year = entry["year"]
        if not (year is None or (isinstance(year, int) and not isinstance(year, bool))
                or (isinstance(year, str) and _DECADE.fullmatch(year))):
            raise DataError(f"{where}: year {year!r}, expected a year, a decade such as "
                            "'1960s', or null")
        for field in ("title", "title_en", "published", "language", "why", "missing"):
            if not isinstance(entry[field], (str, type(None))):
                raise DataError(f"{where}: {field} must be a text or null")
        if not authors and not entry["title"]:
            raise DataError(f"{where}: a work needs authors or a title")
        if not isinstance(entry["seeds"], dict):
            raise DataError(f"{where}: seeds must be a mapping of source numbers")
        for seed, cited in entry["seeds"].items():
            _check_seed(where, seed, cited)
        lessons = entry["lessons"]
        if not isinstance(lessons, list) or not all(isinstance(x, str) and _LESSON.fullmatch(x)
                                                    for x in lessons):
            raise DataError(f"{where}: lessons must be a list of course ids such as 'L01'")
        if not isinstance(entry["added_by_course"], bool):
            raise DataError(f"{where}: added_by_course must be true or false")
        if entry["added_by_course"] != bool(entry["why"]):
            raise DataError(f"{where}: a work added by the course says why, and only such a work")
        if not entry["added_by_course"] and not entry["seeds"]:
            raise DataError(f"{where}: a work no source cites must be added_by_course")


@lru_cache(maxsize=1)
def _load() -> tuple[dict, ...]:
    return read_checked(PATH, _check)


def _surnames(entry: dict) -> tuple[str, ...]:
    return tuple(name.split(",")[0].strip() for name in entry["authors"])


def _names(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"


def _cite(entry: dict, page=None) -> str:
    who = _names(_surnames(entry)) if entry["authors"] else entry["title"]
    when = "n.d." if entry["year"] is None else str(entry["year"])
    return f"{who} ({when}: {page})" if page is not None else f"{who} ({when})"


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Every normalised key and citation -> the spelling to suggest."""
    index = {}
    for entry in _load():
        index.setdefault(normalise(entry["key"]), entry["key"])
        index.setdefault(normalise(_cite(entry), accents=False), _cite(entry))
    return index


def _by_key(key: str) -> dict | None:
    return next((entry for entry in _load() if entry["key"] == key), None)


def _split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    et_al = bool(re.search(r"\s+et\s+al\.$", text))
    text = re.sub(r"\s+et\s+al\.$", "", text)
    text = re.sub(r",\s+(?:[A-Z]\.\s?){1,3}", "", text)  # initials
    names = re.split(r",?\s+(?:&|and)\s+|,\s+", text)
    return tuple(name.strip() for name in names if name.strip()), et_al


def _matches(names: tuple[str, ...], et_al: bool, year: int) -> tuple[str, ...]:
    wanted = tuple(normalise(name, accents=False) for name in names)
    found = []
    for entry in _load():
        if entry["year"] != year:
            continue
        have = tuple(normalise(name, accents=False) for name in _surnames(entry))
        if (have[:1] == wanted[:1] and len(have) >= 3) if et_al else have == wanted:
            found.append(entry["key"])
    return tuple(found)


def _resolve(authors: str, year: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names that make the citation and the keys they name, dropping leading words
    that are not authors ("Already, Huete (1997)" cites Huete)."""
    names, et_al = _split_authors(authors)
    for start in range(len(names)):
        keys = _matches(names[start:], et_al, year)
        if keys:
            return names[start:], keys
    return names, ()


def _texts():
    """The course's words about each work: the English rendering of a foreign title, what a
    source leaves out, why the course adds a work, and where a source cites it."""
    for entry in _load():
        yield from (entry["title_en"], entry["why"], entry["missing"])
        for seed in (entry["seeds"] or {}).values():
            yield seed.get("where")


#: The course's words about the works, in every language
#: (``crmlab/data/content/<lang>/references.yaml``); titles, authors and the sources' own
#: citations stay as they are.
CONTENT = Domain("references", _texts)


def _in(entry: dict, lang: str | None) -> dict:
    """A copy of ``entry`` with the course's words in ``lang``."""
    entry = copy.deepcopy(entry)
    for field in ("title_en", "why", "missing"):
        entry[field] = CONTENT(entry[field], lang)
    for seed in (entry["seeds"] or {}).values():
        if "where" in seed:
            seed["where"] = CONTENT(seed["where"], lang)
    return entry


def entries() -> list[dict]:
    """Return the works as parsed from ``crmlab/data/references.yaml``.

    The file is read once; each call returns a fresh copy, so changing it leaves the
    bibliography as it was.

    Returns
    -------
    list of dict
        One dict per work, in file order, with the keys ``key``, ``authors``, ``year``,
        ``title``, ``title_en``, ``published``, ``language``, ``seeds``, ``lessons``,
        ``added_by_course``, ``why`` and ``missing`` (see the file's header for each).

    Examples
    --------
    >>> works = entries()
    >>> works[0]["key"], works[0]["authors"], works[0]["year"]
    ('alet1994', ['Alet, J.'], 1994)
    >>> sum(work["added_by_course"] for work in works) < len(works)
    True
    """
    return copy.deepcopy(list(_load()))


def lookup(ref: str, *, lang: str | None = None) -> dict:
    """Return one work, found by its key or by an author-year citation of it, the course's
    words about it (``title_en``, ``why``, ``missing``, where each source cites it) in ``lang``
    (default: the language in effect).

    Parameters
    ----------
    ref : str
        A key (``"huete1997"``) or a citation in the form lessons use: ``"Huete (1997)"``,
        ``"Huete (1997: 40)"``, ``"Huete 1997"``, ``"Clancy & Shulman (1994)"``. Case, accents
        and extra spaces in a citation are ignored ("Carrion (2000)" finds Carrión).

    Returns
    -------
    dict
        A copy of the work's entry (see :func:`entries`).

    Raises
    ------
    ValueError
        If no work has this key or matches this citation (suggesting the closest one), or if the
        citation fits two works (then use a key).

    Examples
    --------
    >>> lookup("huete1997")["published"]
    'Deusto, Madrid'
    >>> lookup("Fader, Hardie & Lee (2005)")["key"]
    'fader2005'
    >>> lookup("Huete (1998)")
    Traceback (most recent call last):
    ...
    ValueError: Got ref='Huete (1998)' instead, expected a reference key such as 'huete1997' or a citation such as 'Huete (1997)' (see crmlab.references.table()); did you mean 'Huete (1997)'?
    >>> lookup("Curry & Curry (2000)")
    Traceback (most recent call last):
    ...
    ValueError: Got ref='Curry & Curry (2000)' instead, expected a citation of one work; it fits 'curry2000', 'curry2000method', so give the key.
    """
    entry = _by_key(ref) if isinstance(ref, str) else None
    if entry is None and isinstance(ref, str):
        match = _CITATION_ANY_CASE.fullmatch(" ".join(ref.split()))
        if match:
            _, keys = _resolve(match["authors"], int(match["year"]))
            if len(keys) > 1:
                raise expected("ref", ref, "a citation of one work; it fits "
                               f"{', '.join(repr(key) for key in keys)}, so give the key")
            entry = _by_key(keys[0]) if keys else None
    if entry is None:
        key = normalise(ref, accents=False) if isinstance(ref, str) else ""
        raise unknown("ref", ref, _index(), key=key,
                      expected=f"a reference key such as {_EXAMPLE!r} or a citation such as "
                               f"{_cite(_by_key(_EXAMPLE))!r} (see crmlab.references.table())")
    return _in(entry, lang)


def cite(key: str, *, page: int | str | None = None) -> str:
    """Return the author-year citation of a work, as lessons write it.

    Parameters
    ----------
    key : str
        The work's key, e.g. ``"huete1997"``.
    page : int or str, optional
        A page or page range, written after the year.

    Returns
    -------
    str
        Surnames joined by commas and "&", then the year in brackets; ``n.d.`` when the source
        gives no year, the title when it names no author.

    Raises
    ------
    ValueError
        If no work has this key (suggesting the closest one).

    Examples
    --------
    >>> cite("huete1997")
    'Huete (1997)'
    >>> cite("alet1994", page=35)
    'Alet (1994: 35)'
    >>> cite("zeithaml2001")
    'Zeithaml, Rust & Lemon (2001)'
    >>> cite("tretyak"), cite("drucker")
    ('Tretyak (n.d.)', 'Drucker (1960s)')
    >>> cite("huete1979")
    Traceback (most recent call last):
    ...
    ValueError: Got key='huete1979' instead, expected a reference key such as 'huete1997' (see crmlab.references.table()); did you mean 'huete1997'?
    """
    entry = _by_key(key) if isinstance(key, str) else None
    if entry is None:
        keys = {normalise(e["key"]): e["key"] for e in _load()}
        raise unknown("key", key, keys, expected=f"a reference key such as {_EXAMPLE!r} "
                                                 "(see crmlab.references.table())")
    return _cite(entry, page)


def find_citations(text: str) -> list[Citation]:
    """Find the author-year citations in a text, and the works each may name.

    Recognised: ``Huete (1997)``, ``Huete (1997: 40)``, ``Huete 1997`` (as inside brackets),
    ``Kraljic, P. (1983)``, several authors joined by commas, "&" or "and", and "et al.".
    A capitalised word before a year that is not a name ("In 1997", "June 1998") is skipped.

    Parameters
    ----------
    text : str
        Any text, e.g. the markdown of a lesson.

    Returns
    -------
    list of Citation
        In the order they occur: the citation's ``text``, its ``authors`` (surnames), ``year``
        and the ``keys`` of the works it fits (empty when none does; two when two works by the
        same authors share the year).

    Examples
    --------
    >>> found = find_citations("Loyalty has two dimensions (Huete 1997). In 2024 sales rose; "
    ...                        "Fader, Hardie & Lee (2005) fit BG/NBD.")
    >>> [(c.text, c.keys) for c in found]
    [('Huete 1997', ('huete1997',)), ('Fader, Hardie & Lee (2005)', ('fader2005',))]
    >>> find_citations("Smith (1999)")[0].keys
    ()
    """
    found = []
    for match in _CITATION.finditer(text):
        year = int(match["year"])
        names, keys = _resolve(match["authors"], year)
        if not keys and all(normalise(name) in _NOT_AUTHORS for name in names[-1:]):
            continue
        start = match.start("authors") + match["authors"].find(names[0])
        found.append(Citation(text[start:match.end()], names, year, keys))
    return found


def _reference(entry: dict) -> str:
    year = f"({'n.d.' if entry['year'] is None else entry['year']})"
    title = entry["title"]
    if title and entry["title_en"] and entry["title_en"] != title:  # a rendering the reader needs
        title = f"{title} [{entry['title_en']}]"
    # A work without authors goes by its title, as library catalogues list it.
    text = f"{'; '.join(entry['authors'])} {year}" if entry["authors"] else f"{title} {year}"
    for part in (title if entry["authors"] else None, entry["published"]):
        if part:
            text += f"{'' if text.endswith('.') else '.'} {part}"
    return text if text.endswith(".") else f"{text}."


def table(*, lesson: str | None = None, origin: str | None = None, lang: str | None = None):
    """Return the bibliography as a DataFrame, for one lesson or all, one origin or both, the
    course's words (a title's rendering, the note) in ``lang`` (default: the language in
    effect).

    Parameters
    ----------
    lesson : str, optional
        A course id (``"L05"``, ``"C2"``, ``"FINAL"``): keep only the works it uses.
    origin : {"source", "course"}, optional
        Keep only the works a source cites, or only those the course adds.

    Returns
    -------
    pandas.DataFrame
        One row per work, in the file's order, with a fresh 0-based index and the columns
        ``key``, ``citation`` (as :func:`cite`), ``reference`` (authors, year, title with the
        course's English rendering in square brackets, publisher), ``origin``, ``cited_by``
        (the sources that cite it, e.g. ``"seed 001"``), ``lessons`` (comma-separated) and
        ``note``: for a work a source cites, what the source leaves out ("not given: ..."); for a
        work the course adds, why.

    Raises
    ------
    ValueError
        If ``lesson`` is not a course id or ``origin`` not one of :data:`ORIGINS`.

    Examples
    --------
    >>> table(lesson="L02")[["citation", "reference"]]
             citation                                          reference
    0  Kraljic (1983)  Kraljic, P. (1983). Purchasing must become sup...
    >>> table(origin="course")["origin"].unique().tolist()
    ['course']
    >>> table(origin="seed")
    Traceback (most recent call last):
    ...
    ValueError: Got origin='seed' instead, expected one of 'source', 'course'.
    """
    import pandas as pd

    if lesson is not None and not (isinstance(lesson, str) and _LESSON.fullmatch(lesson)):
        raise expected("lesson", lesson, "a course id such as 'L01', 'C2', 'GLOSSARY' or 'FINAL'")
    if origin is not None:
        check_choice("origin", origin, ORIGINS)
    from crmlab.core.i18n import message

    rows = []
    for entry in _load():
        entry_origin = "course" if entry["added_by_course"] else "source"
        if (lesson is not None and lesson not in entry["lessons"]) or (
                origin is not None and origin != entry_origin):
            continue
        entry = _in(entry, lang)
        note = (entry["why"] if entry["added_by_course"] else message(
            "references.not_given", lang, missing=entry["missing"]) if entry["missing"] else "")
        rows.append({
            "key": entry["key"], "citation": _cite(entry), "reference": _reference(entry),
            "origin": entry_origin,
            "cited_by": ", ".join(f"seed {seed}" for seed in entry["seeds"]),
            "lessons": ", ".join(entry["lessons"]),
            "note": " ".join(note.split()),
        })
    columns = ["key", "citation", "reference", "origin", "cited_by", "lessons", "note"]
    return text_table(pd.DataFrame(rows, columns=columns))
