"""What the option-based types (single and multi choice) share: options, their checks, widget
parts, feedback, counts and strategies.

An option whose id is ``all`` means "all answers are correct" and one whose id is ``none``
means "no answer is correct" (the course's convention, see ``quizzes/README.md``); the
constant-answer strategies of the item analysis follow them.
"""

from __future__ import annotations

from crmlab.core.i18n import localized
from crmlab.quiz.model import Option
from crmlab.quiz.types.base import QuestionType, gift_escape, gift_one_answer, html_choices

__all__ = ["ChoiceType", "OPTION_SCHEMA", "ALL_CORRECT", "NONE_CORRECT"]

#: An option of a single or multi question.
OPTION_SCHEMA = {
    "title": "option", "type": "object", "errorMessage": "expected an option: a mapping with id "
                                                         "and text",
    "required": ["id", "text"], "additionalProperties": False,
    "properties": {"id": {"$ref": "#/definitions/id"}, "text": {"$ref": "#/definitions/text"},
                   "correct": {"$ref": "#/definitions/flag"},
                   "feedback": {"$ref": "#/definitions/text"},
                   "pin": {"$ref": "#/definitions/flag"}}}
#: Option ids that mean "all answers are correct" and "no answer is correct".
ALL_CORRECT, NONE_CORRECT = "all", "none"


class ChoiceType(QuestionType):
    """Base of the types whose answer picks among ``options``."""

    fields = frozenset({"options"})
    key_fields = frozenset({"correct", "feedback"})

    def schema(self):
        """At least two options, each with an id and a text; ``correct`` and ``pin`` flags."""
        return {"properties": {"options": {
            "type": "array", "minItems": 2, "items": OPTION_SCHEMA,
            "errorMessage": "expected a list of at least two options"}},
            "required": ["options"]}

    def check(self, c, q, qid, *, keyless):
        """Option ids unique, texts and feedback in every language, a key unless keyless."""
        n_correct = 0
        for option, _, _ in c.items(q.get("options"), qid, "option", text_key="text"):
            c.text(option, "feedback", qid)
            n_correct += option.get("correct") is True
        options = q.get("options")
        if not keyless and isinstance(options, list) and all(isinstance(o, dict)
                                                             for o in options):
            self.check_key(c, q, qid, n_correct)

    def check_key(self, c, q, qid, n_correct: int) -> None:
        """At least one option must be marked correct."""
        if n_correct == 0:
            c.add(q.lines.get("options", q.line), qid, "no option is marked correct")

    def key_given(self, q) -> bool:
        """An option marked correct is the key."""
        options = q.get("options")
        return isinstance(options, list) and any(
            isinstance(o, dict) and o.get("correct") is True for o in options)

    def build(self, q):
        """The options, in file order."""
        return {"options": tuple(
            Option(id=str(o["id"]), text=o["text"], correct=o.get("correct", False),
                   feedback=o.get("feedback"), pin=o.get("pin", False))
            for o in q.get("options", []))}

    def has_key(self, question):
        """A release keeps no correct flag on a graded question."""
        return any(option.correct for option in question.options)

    def ids(self, question) -> set:
        """The option ids of the question."""
        return {o.id for o in question.options}

    def option(self, question, value) -> str:
        """``value`` if it is an option id of the question, else a QuizError naming them."""
        return self.choice(question, "option", value, sorted(self.ids(question)))

    def picked(self, answer) -> list:
        """The option ids a canonical answer picks."""
        return list(answer) if isinstance(answer, list) else [answer]

    def key_text(self, question, lang="en"):
        """The texts of the correct options."""
        return "; ".join(localized(o.text, lang) for o in question.options if o.correct)

    def option_feedback(self, question, answer, lang="en"):
        """The feedback of every chosen option that has one."""
        chosen = self.picked(answer)
        return tuple(localized(o.feedback, lang) for o in question.options
                     if o.id in chosen and o.feedback)

    input_kind = "radio"

    def browser_key(self, question, lang="en"):
        """Every option's correct flag (all false without a key) and feedback."""
        return {"options": [{"id": o.id, "correct": bool(o.correct),
                             "feedback": localized(o.feedback, lang)} for o in question.options]}

    def browser_input(self, question, *, lang, order, base):
        """One radio button (single) or checkbox (multi) per option."""
        return html_choices(base, self.input_kind,
                            [(o.id, localized(o.text, lang)) for o in order(question.options)])

    def browser_answers(self, question):
        """Each option alone, and nothing chosen."""
        return [self.as_answer(o.id) for o in question.options] + [None]

    def gift_any(self, question, lang="en"):
        """One-answer multiple choice with every option at full marks (see
        :func:`~crmlab.quiz.types.base.gift_one_answer`)."""
        return gift_one_answer(self.gift_answers(question, lang, right=self.ids(question)))

    def gift_answers(self, question, lang, *, right) -> list[tuple[str, bool, str]]:
        """``(text, right, feedback)`` of every option, escaped for GIFT; ``right`` are the ids
        of the options that earn full marks."""
        return [(gift_escape(localized(o.text, lang)), o.id in right,
                 gift_escape(localized(o.feedback, lang)) if o.feedback else "")
                for o in question.options]

    @staticmethod
    def _gift_feedback(option, lang) -> str:
        return f"#{gift_escape(localized(option.feedback, lang))}" if option.feedback else ""

    def wrong_pick(self, question, rng) -> str:
        """A distractor; the first distractors are picked more often, the last almost never."""
        import numpy as np  # only simulations draw answers; a lesson's import stays light

        wrong = [o.id for o in question.options if not o.correct]
        weights = np.array([0.6 ** i for i in range(len(wrong))])
        weights[-1] *= 0.05
        return wrong[rng.choice(len(wrong), p=weights / weights.sum())]

    def counted(self, question):
        """Every option, distractors never chosen included."""
        return [o.id for o in question.options]

    def chosen(self, question, answer):
        """The options the answer picks."""
        return [str(option) for option in self.picked(answer)]

    def strategies(self, question):
        """The first and the last option of the file, and the 'all'/'none' options if present."""
        ids = [o.id for o in question.options]
        found = {"first option": ids[0], "last option": ids[-1]}
        if ALL_CORRECT in ids:
            found["all answers are correct"] = ALL_CORRECT
        if NONE_CORRECT in ids:
            found["no answer is correct"] = NONE_CORRECT
        return {name: self.as_answer(option) for name, option in found.items()}

    def as_answer(self, option_id: str):
        """The answer that picks one option."""
        return option_id
