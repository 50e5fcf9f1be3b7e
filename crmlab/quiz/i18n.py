"""Languages: the text of a quiz field in one language, and the widget's own labels.

Quiz text fields are a string (the same in every language) or a mapping of languages
(:func:`text`). The widget's labels (Check, Correct, ...) come from crmlab's one message catalog
(:mod:`crmlab.core.i18n`), read here only through :func:`label`.
"""

from __future__ import annotations

from crmlab.core.i18n import LANGUAGE_NAMES, LANGUAGES, message

__all__ = ["text", "label", "LANGUAGE_NAMES"]


def label(key: str, lang: str = "en") -> str:
    """The widget label ``key`` in ``lang``, from crmlab's one message catalog
    (:mod:`crmlab.core.i18n`, keys ``quiz.<key>``); English when the language has no catalog.

    Examples
    --------
    >>> label("check", "az"), label("check", "sl")
    ('Yoxla', 'Check')
    """
    return message(f"quiz.{key}", lang if lang in LANGUAGES else "en")


def text(value, lang: str = "en") -> str:
    """The text of a field in ``lang`` (a plain string is the same in every language).

    Examples
    --------
    >>> text({"en": "Supplier", "az": "Təchizatçı"}, "az")
    'Təchizatçı'
    >>> text("Supplier", "az")
    'Supplier'
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values())))
    return str(value)
