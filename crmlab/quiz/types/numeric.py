"""``numeric``: a number within a tolerance of the key.

Answer: a number. Full points when ``|answer - key| <= tolerance`` (absolute), or
``<= tolerance * |key|`` (relative); otherwise none. GIFT: ``{#value:tolerance}`` (a relative
tolerance becomes the absolute one).
"""

from __future__ import annotations

import math

from crmlab.core.i18n import label, localized
from crmlab.quiz.types.base import AnswerInput, QuestionType

__all__ = ["Numeric", "read_number"]


def _tolerance(value) -> tuple[str, float]:
    if value is None:
        return ("absolute", 0.0)
    if isinstance(value, dict):
        kind, amount = next(iter(value.items()))
        return (kind, float(amount))
    return ("absolute", float(value))


def read_number(raw: str) -> float | None:
    """The number a text field holds (a comma is the decimal mark); None when it is empty.

    Examples
    --------
    >>> read_number(" 12,5 "), read_number("")
    (12.5, None)
    """
    raw = raw.strip().replace(",", ".")
    return float(raw) if raw else None


_INPUT = (
    '<div class="crmlab-option"><label for="{{ base }}-value">{{ words }}</label> <input '
    'type="text" inputmode="decimal" autocomplete="off" id="{{ base }}-value" name="{{ base }}"'
    '{% if unit %} aria-describedby="{{ base }}-unit"{% endif %}>{% if unit %} <span '
    'id="{{ base }}-unit">{{ unit }}</span>{% endif %}</div>')


class Numeric(QuestionType):
    """A number with an absolute or relative tolerance and an optional unit."""

    name = "numeric"
    fields = frozenset({"answer", "tolerance", "unit"})
    key_fields = frozenset({"answer", "tolerance"})
    own_key = True
    answer_form = "a number"

    def schema(self):
        """A numeric key; a tolerance that is a number, ``{absolute: X}`` or ``{relative: X}``
        (``X >= 0``, a relative one below 1); a unit that is one text for every language
        (``%``) or a mapping of languages."""
        amount = {"type": "number", "minimum": 0}
        return {"properties": {
            "answer": {"type": "number", "errorMessage": "expected a number (the correct value)"},
            "tolerance": {
                "anyOf": [amount,
                          {"type": "object", "required": ["absolute"],
                           "additionalProperties": False, "properties": {"absolute": amount}},
                          {"type": "object", "required": ["relative"],
                           "additionalProperties": False,
                           "properties": {"relative": {**amount, "exclusiveMaximum": 1}}}],
                "errorMessage": "expected a number >= 0, {absolute: X} or {relative: X} with "
                                "X >= 0 (a relative one below 1)"},
            "unit": {"$ref": "#/definitions/text"}}}

    def check(self, c, q, qid, *, keyless):
        """The key is there unless keyless; a unit given as a mapping gives every language (one
        text, such as ``%``, serves them all)."""
        if isinstance(q.get("unit"), dict):
            c.text(q, "unit", qid)
        if not keyless and "answer" not in q:
            c.add(q.line, qid, "a numeric question needs a numeric answer (the correct value)")

    def key_given(self, q):
        """The key is ``answer``."""
        return "answer" in q

    def build(self, q):
        """The key, its tolerance as (kind, amount) and the unit."""
        return {"answer": q.get("answer"), "tolerance": _tolerance(q.get("tolerance")),
                "unit": q["unit"] if isinstance(q.get("unit"), dict) else str(q.get("unit", ""))}

    def allowed(self, question) -> float:
        """The absolute tolerance around the key."""
        kind, amount = question.tolerance
        return amount if kind == "absolute" else amount * abs(float(question.answer))

    def canonical(self, question, answer):
        """A finite float (a numeric string is read as a number)."""
        try:
            value = None if isinstance(answer, bool) else float(answer)
        except (TypeError, ValueError, OverflowError):  # 10**400 is a JSON number too
            value = None
        if value is None or not math.isfinite(value):
            raise self.expected(question, "answer", answer, "a finite number")
        return value

    def fraction(self, question, answer):
        """1 within the tolerance, else 0."""
        return float(abs(answer - float(question.answer)) <= self.allowed(question) + 1e-12)

    def key_text(self, question, lang="en"):
        """The key, its tolerance and unit: ``79.6 ± 0.5 %``."""
        unit = f" {localized(question.unit, lang)}" if question.unit else ""
        return f"{float(question.answer):g} ± {self.allowed(question):g}{unit}"

    def browser_key(self, question, lang="en"):
        """The key and its absolute tolerance."""
        if not self.has_key(question):
            return {}
        return {"answer": float(question.answer), "allowed": self.allowed(question)}

    def browser_input(self, question, *, lang, order, base):
        """A text field labelled like the widget's, the unit beside it."""
        from crmlab.core.html import render

        return render(_INPUT, base=base, words=label("number", lang),
                      unit=localized(question.unit, lang) if question.unit else "")

    def browser_answers(self, question):
        """The key, both ends of the tolerance, just outside them, white space, a decimal
        comma, an empty field and texts that are not numbers."""
        if not self.has_key(question):
            return ["1", "0", "", "abc"]
        key, allowed = float(question.answer), self.allowed(question)
        step = max(allowed, abs(key) * 0.01, 0.01)
        return [repr(key), repr(key + allowed), repr(key - allowed), repr(key + allowed + step),
                repr(key - allowed - step), f" {key:g} ", f"{key:g}".replace(".", ","), "",
                "abc", "1.2.3"]

    def browser_answer(self, question, answer):
        """The widget's reading of its text field."""
        return None if answer is None else read_number(answer)

    def widget(self, question, *, lang, order):
        """A text field; a comma is read as the decimal mark."""
        import ipywidgets as w

        field = w.Text(placeholder=label("number", lang), description=localized(question.unit, lang),
                       layout=w.Layout(width="260px"))

        return AnswerInput(field, lambda: read_number(field.value))

    def gift_comments(self, question, lang="en"):
        """The unit, which GIFT's numeric answers cannot carry."""
        return [f"unit: {localized(question.unit, lang)}"] if question.unit else []

    def gift(self, question, lang="en"):
        """``#value:absolute tolerance``."""
        return f"#{float(question.answer):g}:{self.allowed(question):g}"

    def right_answer(self, question):
        """The key."""
        return float(question.answer)

    def wrong_answer(self, question, rng):
        """The key off by a factor of 0.5, 0.8, 1.25 or 2."""
        return round(float(question.answer) * float(rng.choice([0.5, 0.8, 1.25, 2.0])), 4)
