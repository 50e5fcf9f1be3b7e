"""Languages: the text of a quiz field in one language, and the widget's own labels.

Quiz text fields are a string (the same in every language) or a mapping of languages
(:func:`text`). The widget's labels (Check, Correct, ...) come from one catalog, :data:`LABELS`,
read only through :func:`label`, so a new language or a message catalog plugs in here.
"""

from __future__ import annotations

__all__ = ["text", "label", "LABELS", "LANGUAGE_NAMES"]

#: The widget's labels by language; :func:`label` falls back to English.
LABELS = {
    "en": {"check": "Check", "save": "Save answer", "correct": "Correct", "incorrect": "Not quite",
           "partly": "Partly right", "saved": "Answer saved. It will be graded later.",
           "points": "points", "point": "point", "practice": "practice", "graded": "graded",
           "language": "Language", "choose": "(choose)", "number": "Enter a number",
           "true": "True", "false": "False", "question": "Question",
           "not_number": "Please enter a number, e.g. 12.5",
           "pending": "Answer saved. It will be graded by hand.",
           "any_answer": "Any answer is accepted",
           "text_answer": "Write your answer here", "words": "words"},
    "az": {"check": "Yoxla", "save": "Cavabı saxla", "correct": "Düzdür", "incorrect": "Səhvdir",
           "partly": "Qismən düzdür", "saved": "Cavab saxlanıldı. Sonra qiymətləndiriləcək.",
           "points": "bal", "point": "bal", "practice": "məşq", "graded": "qiymətləndirilən",
           "language": "Dil", "choose": "(seçin)", "number": "Ədəd daxil edin",
           "true": "Doğru", "false": "Yanlış", "question": "Sual",
           "not_number": "Zəhmət olmasa ədəd daxil edin, məs. 12.5",
           "pending": "Cavab saxlanıldı. Müəllim tərəfindən qiymətləndiriləcək.",
           "any_answer": "İstənilən cavab qəbul olunur",
           "text_answer": "Cavabınızı buraya yazın", "words": "söz"},
}
#: The name of each language in itself, for the language switch.
LANGUAGE_NAMES = {"en": "English", "az": "Azərbaycanca"}


def label(key: str, lang: str = "en") -> str:
    """The widget label ``key`` in ``lang`` (English when the language has no catalog).

    Examples
    --------
    >>> label("check", "az"), label("check", "sl")
    ('Yoxla', 'Check')
    """
    return LABELS.get(lang, LABELS["en"]).get(key) or LABELS["en"][key]


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
