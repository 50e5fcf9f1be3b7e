"""Small curated data files: read and checked once, names matched forgivingly, did-you-mean.

Shared by :mod:`crmlab.glossary` (terms in four languages) and :mod:`crmlab.references` (works
and their citations), so both read their file the same way, forgive the same things and word
their errors alike.

Examples
--------
>>> index = {normalise(name): name for name in ("Huete (1997)", "Alet (1994)")}
>>> normalise("  HUETE   (1997) ") in index
True
>>> raise unknown("ref", "Huete (1998)", index, expected="a citation such as 'Alet (1994)'")
Traceback (most recent call last):
...
ValueError: Got ref='Huete (1998)' instead, expected a citation such as 'Alet (1994)'; did you mean 'Huete (1997)'?
"""

from __future__ import annotations

import difflib
import unicodedata

__all__ = ["read_checked", "normalise", "unknown"]


def read_checked(path, check) -> tuple:
    """The YAML list in ``path``, as a tuple, after ``check(entries)`` found nothing wrong.

    The file is read by the course's one YAML reader (:func:`crmlab.core.yaml_lines.read_plain`:
    a duplicate key, nesting too deep, aliases past their budget or a file too large is a
    DataError ``FILE:LINE: WHERE: message``). ``check`` raises a :class:`crmlab.core.exceptions.DataError` naming the file, the entry and the
    field; callers cache the result, so a file is read once.
    """
    from crmlab.core.exceptions import DataError
    from crmlab.core.yaml_lines import read_plain

    entries = read_plain(path, error=DataError)
    check(entries)
    return tuple(entries)


def normalise(text: str, *, accents: bool = True) -> str:
    """Fold case and whitespace so that spellings a reader would call equal compare equal.

    ``accents=False`` also drops accents ("Carrión" -> "carrion"); the glossary keeps them,
    since Azerbaijani ö and o, ş and s are different letters, while an author's name is often
    written without them in English text.

    Examples
    --------
    >>> normalise("  Müştəri   LOYALLIĞI ")
    'müştəri loyalliği'
    >>> normalise("İDARƏ") == normalise("idarə")
    True
    >>> normalise("Carrión", accents=False)
    'carrion'
    """
    # casefold() knows no Azerbaijani: İ becomes "i" plus a combining dot and I becomes "i",
    # not "ı". Dropping the dot and folding "ı" into "i" lets "İDARƏ" match "idarə" and
    # "LOYALLIĞI" match "loyallığı".
    folded = unicodedata.normalize("NFC", text).casefold().replace("\u0307", "")
    folded = folded.replace("ı", "i")
    if not accents:
        folded = "".join(char for char in unicodedata.normalize("NFD", folded)
                         if not unicodedata.combining(char))
        folded = unicodedata.normalize("NFC", folded)
    return " ".join(folded.split())


def unknown(field: str, value, index: dict[str, str], *, expected: str,
            key: str | None = None) -> ValueError:
    """Build (not raise) ``Got field=value instead, expected ...`` with the closest known name.

    ``index`` maps each normalised known name to the spelling to suggest; ``key`` is ``value``
    normalised the way the index was (default :func:`normalise` of ``value``). A value that is
    not text gets no suggestion.
    """
    if key is None:
        key = normalise(value) if isinstance(value, str) else ""
    close = difflib.get_close_matches(key, index, n=1) if key else []
    hint = f"; did you mean {index[close[0]]!r}?" if close else "."
    return ValueError(f"Got {field}={value!r} instead, expected {expected}{hint}")
