"""What a question type is, and the registry the rest of the quiz engine asks.

A question type is one subclass of :class:`QuestionType` holding everything particular to it:
the schema check of its fields, how its parts are built, the canonical form of an answer, its
scoring, its key as the instructor reads it, its widget, its GIFT export, simulated answers,
the option counts of the item analysis and the constant-answer strategies. Everything else in
the engine calls :func:`get_type` and never branches on a type's name.

Register a new type with :func:`register` (a decorator on the class); the built-in types are in
the modules beside this one. A type that is not machine-scored (``machine_scored = False``)
leaves its answers pending until graded by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crmlab.core.exceptions import QuizError
from crmlab.core.validation import check_choice, expected

__all__ = ["QuestionType", "AnswerInput", "register", "unregister", "get_type", "type_names",
           "gift_escape", "gift_weight", "gift_one_answer"]

_REGISTRY: dict[str, QuestionType] = {}
_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def gift_escape(value) -> str:
    """A text on one line with GIFT's special characters escaped.

    Examples
    --------
    >>> gift_escape("a=b {c}\\n d")
    'a\\\\=b \\\\{c\\\\} d'
    """
    return _GIFT_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def gift_weight(value: float) -> str:
    """A GIFT answer weight without trailing zeros (``33.33333``, ``-50``)."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def gift_one_answer(answers) -> str:
    """The answer block of a one-answer multiple-choice question in which every right answer
    earns full marks; ``answers`` are ``(text, right, feedback)``, text and feedback escaped
    (feedback ``""`` for none).

    Moodle's GIFT import reads a block holding a ``~`` as multiple choice, and as one answer
    only (radio buttons) when it also holds an ``=``; an ``=`` answer and a ``~%100%`` answer
    earn full marks, any other ``~`` answer nothing. A block of ``=`` answers alone is a
    short-answer question. So the first right answer is marked ``=`` and any other right answer
    ``~%100%``: a question with several right answers, even one whose every answer is right,
    stays a multiple-choice question.

    Examples
    --------
    >>> gift_one_answer([("A", False, ""), ("B", True, ""), ("C", False, "")])
    '~A =B ~C'
    >>> gift_one_answer([("A", True, ""), ("B", True, "Also right"), ("C", False, "")])
    '=A ~%100%B#Also right ~C'
    """
    blocks, first = [], True
    for words, right, feedback in answers:
        mark = ("=" if first else "~%100%") if right else "~"
        first = first and not right
        blocks.append(f"{mark}{words}{'#' + feedback if feedback else ''}")
    return " ".join(blocks)


@dataclass
class AnswerInput:
    """The input widget of one question, and how to read the student's answer from it.

    ``read()`` returns the answer (None when nothing is chosen yet) or raises ValueError for an
    input that is not an answer (text in a number field); ``parts`` lists ``(id, widget)`` for
    inputs made of several widgets (the checkboxes of a multi question, the dropdowns of a
    matching question).
    """

    widget: object
    read: object
    parts: list = field(default_factory=list)


class QuestionType:
    """The behaviour of one question type. Subclasses set ``name`` and override the methods.

    Attributes
    ----------
    name : str
        The value of ``type:`` in a quiz file.
    fields : frozenset
        The question fields particular to this type (the common ones are in the schema).
    key_fields : frozenset
        Fields, of the question or of the items it lists, that reveal its key; a student release
        drops them from graded questions.
    machine_scored : bool
        False for a type graded by hand: its answers stay pending until then.
    own_key : bool
        True for a type whose key may be each student's own (``variant: student``: a number
        computed on the student's data variant, :mod:`crmlab.quiz.variants`).
    answer_form : str
        How an answer is stored, for the documentation and error messages.
    """

    name = ""
    fields: frozenset = frozenset()
    key_fields: frozenset = frozenset()
    machine_scored = True
    own_key = False
    answer_form = ""

    # ---------------------------------------------------------------- schema and construction
    def schema(self) -> dict:
        """The JSON Schema of this type's own fields, the part the type contributes to the quiz
        schema (``crmlab/schemas/quiz.schema.json``): ``{"properties": {field: schema},
        "required": [field, ...]}``, exactly one property per field of :attr:`fields`. A field's
        schema may refer to the quiz schema's definitions: ``#/definitions/text`` (a text in
        every language), ``#/definitions/id``, ``#/definitions/flag`` (true or false); give an
        ``errorMessage`` ("expected ...") where the schema's own words would not say it well,
        and a ``title`` to every mapping ("unknown field 'x' in option"). By default a field
        may hold anything, and :meth:`check` says what is wrong.
        """
        return {"properties": {name: {} for name in sorted(self.fields)}}

    def check(self, c, q, qid: str, *, keyless: bool) -> None:
        """Report to the checker ``c`` the problems of question ``q`` that its schema cannot
        say: its key, rules across fields, ids unique, texts in every declared language
        (:class:`~crmlab.quiz.checker.Checker`). The fields have their schema's form or the
        schema reported them, so a check never assumes one.

        ``keyless`` is true where no key is required (a graded question of a student release,
        a question that accepts any answer).
        """

    def key_given(self, q) -> bool:
        """Whether the raw question ``q`` gives a key (by default: any key field is present)."""
        return any(name in q for name in self.key_fields)

    def build(self, q: dict) -> dict:
        """The :class:`~crmlab.quiz.model.Question` fields of this type, from the plain
        question mapping; by default the type's own fields go into ``extra``."""
        return {"extra": {name: q[name] for name in self.fields if name in q}}

    def has_key(self, question) -> bool:
        """Whether this question carries its key here (a student release drops graded keys)."""
        return question.answer is not None

    # ---------------------------------------------------------------- answers and scoring
    def canonical(self, question, answer):
        """``answer`` in its stored form, or a QuizError naming what is wrong with it."""
        raise NotImplementedError

    def fraction(self, question, answer) -> float:
        """The share of the points a canonical answer earns, from 0 to 1."""
        raise NotImplementedError

    def key_text(self, question, lang: str = "en") -> str:
        """The key as the instructor reads it (feedback, reports)."""
        from crmlab.core.i18n import localized

        return localized(question.answer, lang)

    def answer_text(self, question, answer, lang: str = "en") -> str:
        """A canonical answer as the student reads it on a feedback page.

        Option and choice ids become their texts, ``true``/``false`` the widget's words, a
        number carries the question's unit; anything else is shown as it is.
        """
        from crmlab.core.i18n import label, localized

        names = {o.id: localized(o.text, lang) for o in question.options + question.choices}
        lefts = {p.id: localized(p.left, lang) for p in question.pairs}
        if isinstance(answer, bool):
            return label("true" if answer else "false", lang)
        if isinstance(answer, (int, float)):
            return f"{answer:g}" + (f" {localized(question.unit, lang)}" if question.unit else "")
        if isinstance(answer, list):
            return "; ".join(names.get(str(a), str(a)) for a in answer)
        if isinstance(answer, dict):
            return "; ".join(f"{lefts.get(k, k)} -> {names.get(str(v), v)}"
                             for k, v in answer.items())
        return names.get(str(answer), str(answer))

    def option_feedback(self, question, answer, lang: str = "en") -> tuple[str, ...]:
        """The feedback texts the chosen parts of an answer carry (none by default)."""
        return ()

    # ---------------------------------------------------------------- rendering and export
    def widget(self, question, *, lang: str, order) -> AnswerInput:
        """The input widget of the question; ``order(items)`` puts items in the student's order."""
        raise NotImplementedError

    def gift(self, question, lang: str = "en") -> str:
        """The GIFT answer block of the question (between the braces)."""
        raise NotImplementedError

    def gift_comments(self, question, lang: str = "en") -> list[str]:
        """``//`` comment lines (without the slashes) to write before the question."""
        return []

    def gift_any(self, question, lang: str = "en") -> str:
        """The GIFT answer block of a question that accepts any answer: an essay by default
        (a type with options offers every option at full marks, see :func:`gift_one_answer`)."""
        return ""

    # ---------------------------------------------------------------- the static site
    def browser_key(self, question, lang: str = "en") -> dict | None:
        """What the static site's checker (``site_quiz.js``) needs to score a practice answer
        by this type's rule, or None when the site cannot check this type."""
        return None

    def browser_input(self, question, *, lang: str, order, base: str):
        """The HTML inputs of the question in the static site; ids start with ``base``. Build
        them with :func:`crmlab.core.html.render` (a Jinja2 template, autoescaped), never by
        joining strings."""
        return ""

    def browser_answers(self, question) -> list:
        """Answers, in the form the site's inputs give, that test the checker: right, wrong,
        partial and edge cases."""
        return []

    def browser_answer(self, question, answer):
        """The site's form of an answer as the widget reads it (raises ValueError for a text
        that is not an answer)."""
        return answer

    # ---------------------------------------------------------------- simulation and analysis
    def right_answer(self, question):
        """The answer that scores full points."""
        raise NotImplementedError

    def wrong_answer(self, question, rng):
        """A plausible wrong answer drawn with the numpy generator ``rng``."""
        raise NotImplementedError

    def counted(self, question) -> list[str] | None:
        """The ids the item analysis counts choices of (None: this type has no options)."""
        return None

    def chosen(self, question, answer) -> list[str]:
        """The counted ids a canonical answer chooses."""
        return []

    def strategies(self, question) -> dict:
        """Constant-answer strategies: ``{name: the answer a student following it gives}``.

        Names are shared across types ("first option", "last option", "all answers are
        correct", ...) so a strategy can be followed through a whole quiz.
        """
        return {}

    # ---------------------------------------------------------------- helpers
    def fail(self, question, message: str) -> QuizError:
        """The error of an answer to ``question`` (the caller raises it)."""
        return QuizError(f"question {question.id!r}: {message}")

    def expected(self, question, field: str, value, what: str) -> QuizError:
        """``question 'q': Got field=value instead, expected what.`` (the caller raises it)."""
        return self.fail(question, str(expected(field, value, what)))

    def choice(self, question, field: str, value, choices, *, where: str = ""):
        """``value`` if it is one of ``choices``, else a QuizError naming them."""
        try:
            return check_choice(field, value, choices, error=QuizError)
        except QuizError as exc:
            raise self.fail(question, f"{where}{exc}") from None


_CHOICES = (
    '{% for value, words in items %}<div class="crmlab-option"><input type="{{ kind }}" '
    'name="{{ base }}" id="{{ base }}-{{ value }}" value="{{ value }}"><label '
    'for="{{ base }}-{{ value }}">{{ words }}</label></div>{% endfor %}')


def html_choices(base: str, kind: str, items):
    """Radio buttons or checkboxes (``kind``), each with its own label: ``items`` are
    ``(value, words)``.

    Examples
    --------
    >>> str(html_choices("q-L00-a", "radio", [("yes", "Yes & no")]))
    '<div class="crmlab-option"><input type="radio" name="q-L00-a" id="q-L00-a-yes" \
value="yes"><label for="q-L00-a-yes">Yes &amp; no</label></div>'
    """
    from crmlab.core.html import render

    return render(_CHOICES, base=base, kind=kind, items=items)


def register(cls):
    """Class decorator: add a question type to the registry under its ``name``.

    Registering a name again replaces the earlier type (a course can override a built-in).
    """
    if not isinstance(cls, type) or not issubclass(cls, QuestionType) or not cls.name:
        raise TypeError("register() takes a QuestionType subclass with a name")
    _REGISTRY[cls.name] = cls()
    return cls


def unregister(name: str) -> None:
    """Remove a type from the registry (tests that register a type of their own clean up)."""
    _REGISTRY.pop(name, None)


def type_names() -> tuple[str, ...]:
    """The registered type names, in registration order."""
    return tuple(_REGISTRY)


def get_type(name: str) -> QuestionType:
    """The registered type called ``name``, or a QuizError naming the known ones."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise QuizError(f"unknown type {name!r}; expected one of {', '.join(_REGISTRY)}") \
            from None
