"""The course glossary: its key terms in English, Azerbaijani, Malay and Slovenian.

The terms live in ``crmlab/data/glossary.yaml``, one entry each with an ``id``, the ``lesson``
that teaches it, a one-line English ``definition`` and a form in every language. A non-English
form also says whether the course source in that language uses it (seed 000 is Azerbaijani,
001 Malay, 002 Slovenian): ``attested`` holds the source's own text where the form occurs
(possibly inflected or capitalised), or ``None`` when the course supplied a standard translation.

A form may also name the variants an edition must not use for the concept, so that one concept
has one name in notebooks, quizzes and catalog alike (``tests/test_terminology.py`` enforces
it): ``avoid``, a list of forms (each word may carry a suffix); ``avoid_in``, the course ids
(``L03``, ``C4``) where they are avoided, when a variant is right elsewhere; ``allow``, longer
phrases that contain an avoided form and are right (a verb beside an avoided noun).

Examples
--------
>>> lookup("müştəri loyallığı", lang="sl")
'zvestoba strank'
>>> table(lang="ms", lesson="L05")[["id", "ms", "attested"]]
                 id                   ms             attested
0      segmentation           segmentasi           Segmentasi
1  customer_pyramid    piramid pelanggan    piramid pelanggan
2          win_back  pemulihan pelanggan  pemulihan pelanggan
"""

from __future__ import annotations

import copy
import difflib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.curated import normalise as _normalise
from crmlab.core.curated import read_checked
from crmlab.core.display import text_table
from crmlab.core.exceptions import DataError
from crmlab.core.validation import check_choice, expected

__all__ = ["LANGUAGES", "LESSONS", "SEEDS", "PATH", "CONTENT", "terms", "lookup", "table"]

#: The glossary's languages: English, Azerbaijani, Malay, Slovenian.
LANGUAGES = ("en", "az", "ms", "sl")
#: The lessons a term can belong to.
LESSONS = ("L01", "L02", "L03", "L04", "L05", "L06")
#: The number of the source text (``seeds/NNN_*.txt``) in each non-English language.
SEEDS = {"az": "000", "ms": "001", "sl": "002"}
#: The glossary file.
PATH = Path(__file__).resolve().parent / "data" / "glossary.yaml"

_FIELDS = ("id", "lesson", "definition", *LANGUAGES)
_VARIANT_KEYS = ("avoid", "avoid_in", "allow")
_FORM_KEYS = {"form", "attested", *_VARIANT_KEYS}
_EXAMPLE = "relationship_marketing"


def _check(entries) -> None:
    if not isinstance(entries, list):
        raise DataError(f"{PATH}: expected a list of terms, got {type(entries).__name__}")
    seen = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{PATH}: term {number}"
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
            raise DataError(f"{where}: expected exactly the fields {_FIELDS}")
        where = f"{PATH}: term {entry['id']!r}"
        if entry["id"] in seen:
            raise DataError(f"{where}: the id is used twice")
        seen[entry["id"]] = entry
        if entry["lesson"] not in LESSONS:
            raise DataError(f"{where}: lesson {entry['lesson']!r}, expected one of {LESSONS}")
        if not all(isinstance(entry[key], str) and entry[key].strip()
                   for key in ("id", "definition", "en")):
            raise DataError(f"{where}: id, definition and en must be non-empty text")
        for lang in LANGUAGES[1:]:
            form = entry[lang]
            if (not isinstance(form, dict) or not {"form", "attested"} <= set(form) <= _FORM_KEYS
                    or not isinstance(form["form"], str) or not form["form"].strip()
                    or not isinstance(form["attested"], (str, type(None)))):
                raise DataError(f"{where}: {lang} must be {{form: text, attested: text or null}}"
                                f", optionally with {', '.join(_VARIANT_KEYS)}")
            _check_variants(form, f"{where}: {lang}")


def _check_variants(form: dict, where: str) -> None:
    for key in _VARIANT_KEYS:
        if key not in form:
            continue
        value = form[key]
        if (not isinstance(value, list) or not value
                or not all(isinstance(item, str) and item.strip() for item in value)):
            raise DataError(f"{where}: {key} must be a non-empty list of text")
        if key != "avoid" and "avoid" not in form:
            raise DataError(f"{where}: {key} without avoid")
    for course_id in form.get("avoid_in", ()):
        if not re.fullmatch(r"[A-Z][A-Z0-9]*", course_id):
            raise DataError(f"{where}: avoid_in {course_id!r}, expected a course id such as 'L03'")


@lru_cache(maxsize=1)
def _load() -> tuple[dict, ...]:
    return read_checked(PATH, _check)


#: The definitions in every language (``crmlab/data/content/<lang>/glossary.yaml``): the
#: glossary keeps one English definition per term, each reader reads it in theirs.
CONTENT = Domain("glossary", lambda: [entry["definition"] for entry in _load()])


def _forms(entry: dict) -> dict[str, str]:
    return {lang: entry[lang] if lang == "en" else entry[lang]["form"] for lang in LANGUAGES}


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, str]]:
    """Every normalised id and form -> (term id, spelling to suggest)."""
    index = {}
    for entry in _load():
        for name in (entry["id"], *_forms(entry).values()):
            key = _normalise(name)
            if index.get(key, (entry["id"],))[0] != entry["id"]:
                raise DataError(f"{PATH}: {name!r} names both {index[key][0]!r} and "
                                f"{entry['id']!r}")
            index.setdefault(key, (entry["id"], name))
    return index


def _check_lang(lang) -> None:
    check_choice("lang", lang, LANGUAGES)


def terms() -> list[dict]:
    """Return the glossary entries as parsed from ``crmlab/data/glossary.yaml``.

    The file is read once; each call returns a fresh copy, so changing it leaves the
    glossary as it was.

    Returns
    -------
    list of dict
        One dict per term, in file order, with the keys ``id``, ``lesson``, ``definition``,
        ``en`` (the English form) and ``az``, ``ms``, ``sl``, each a dict
        ``{"form": ..., "attested": ...}``, and for some forms the variants to avoid
        (``avoid``, ``avoid_in``, ``allow``; see the module's description).

    Examples
    --------
    >>> entry = terms()[0]
    >>> entry["id"], entry["en"]
    ('customer_relationship', 'customer relationship')
    >>> entry["sl"]
    {'form': 'odnos s strankami', 'attested': 'odnos s strankami'}
    """
    return copy.deepcopy(list(_load()))


def lookup(term: str, *, lang: str = "en") -> str:
    """Translate a glossary term: find it by id or by its form in any language.

    Parameters
    ----------
    term : str
        A term id (``"customer_loyalty"``) or the term's form in English, Azerbaijani, Malay or
        Slovenian. Case, surrounding and repeated whitespace are ignored.
    lang : {"en", "az", "ms", "sl"}, default "en"
        The language of the form returned.

    Returns
    -------
    str
        The term's form in ``lang``, whether attested in the sources or supplied by the course
        (see :func:`table` for which).

    Raises
    ------
    ValueError
        If ``term`` is not in the glossary (naming the closest term when there is one), or
        ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> lookup("customer_loyalty", lang="az")
    'müştəri loyallığı'
    >>> lookup("  Pemasaran   HUBUNGAN ", lang="en")
    'relationship marketing'
    >>> lookup("CRM", lang="ms")
    'pengurusan hubungan pelanggan'
    >>> lookup("custmer loyalty")
    Traceback (most recent call last):
    ...
    ValueError: Got term='custmer loyalty' instead, expected a glossary term such as 'customer loyalty' (see crmlab.glossary.table()).
    >>> lookup("tender", lang="fr")
    Traceback (most recent call last):
    ...
    ValueError: Got lang='fr' instead, expected one of 'en', 'az', 'ms', 'sl'.
    """
    _check_lang(lang)
    index = _index()
    key = _normalise(term) if isinstance(term, str) else ""
    if key not in index:
        close = difflib.get_close_matches(key, index, n=1) if key else []
        example = index[close[0]][1] if close else _EXAMPLE  # the closest term when there is one
        raise expected("term", term, f"a glossary term such as {example!r} (see "
                       "crmlab.glossary.table())")
    entry = next(e for e in _load() if e["id"] == index[key][0])
    return _forms(entry)[lang]


def table(*, lang: str | None = None, lesson: str | None = None,
          reader: str | None = None) -> pd.DataFrame:
    """Return the glossary as a DataFrame, for one language or all, one lesson or all; the
    definitions in the ``reader``'s language (default: the language in effect).

    Parameters
    ----------
    lang : {"en", "az", "ms", "sl"}, optional
        Without it, the columns are ``id, lesson, en, az, ms, sl, definition``. With it, the
        columns are ``id, lesson, en``, the form in ``lang``, its ``attested`` text from the
        source (``None`` when the course supplied the form; no such column for English) and
        ``definition``.
    lesson : {"L01", "L02", "L03", "L04", "L05", "L06"}, optional
        Keep only the terms taught in this lesson.

    Returns
    -------
    pandas.DataFrame
        One row per term, in the glossary's order, with a fresh 0-based index.

    Raises
    ------
    ValueError
        If ``lang`` or ``lesson`` is not one of the values above.

    Examples
    --------
    >>> table().columns.tolist()
    ['id', 'lesson', 'en', 'az', 'ms', 'sl', 'definition']
    >>> table(lang="sl", lesson="L06")[["en", "sl", "attested"]]
                               en                        sl                attested
    0                  touchpoint              stična točka            stične točke
    1                front office              front-office            front-office
    2                 back office               back-office             back-office
    3  front part of a CRM system  sprednji del sistema CRM                    None
    4                     contact                      stik                   stike
    5                multichannel              večkanalnost            Večkanalnost
    6         satisfaction survey    raziskava zadovoljstva  Raziskava zadovoljstva
    >>> table(lesson="L7")
    Traceback (most recent call last):
    ...
    ValueError: Got lesson='L7' instead, expected one of 'L01', 'L02', 'L03', 'L04', 'L05', 'L06'.
    """
    if lang is not None:
        _check_lang(lang)
    if lesson is not None:
        check_choice("lesson", lesson, LESSONS)
    if lang is None:
        columns = ["id", "lesson", *LANGUAGES, "definition"]
    elif lang == "en":
        columns = ["id", "lesson", "en", "definition"]
    else:
        columns = ["id", "lesson", "en", lang, "attested", "definition"]
    rows = [
        {"id": entry["id"], "lesson": entry["lesson"], **_forms(entry),
         "attested": entry[lang]["attested"] if lang not in (None, "en") else None,
         "definition": CONTENT(entry["definition"], reader)}
        for entry in _load() if lesson is None or entry["lesson"] == lesson
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if "attested" in frame:
        # Kept as None, as in the file: pandas would otherwise turn it into NaN.
        frame["attested"] = pd.Series([row["attested"] for row in rows], dtype=object)
    return text_table(frame)
