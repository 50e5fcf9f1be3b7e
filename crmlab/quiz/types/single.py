"""``single``: one option is right; all or nothing.

Answer: an option id. GIFT: ``{=right ~wrong}``.
"""

from __future__ import annotations

from crmlab.core.i18n import localized
from crmlab.quiz.types.base import AnswerInput, gift_escape
from crmlab.quiz.types.choice import ChoiceType

__all__ = ["Single"]


class Single(ChoiceType):
    """Single choice: exactly one option is marked correct."""

    name = "single"
    answer_form = "an option id"

    def check_key(self, c, q, qid, n_correct):
        """Exactly one option is correct."""
        super().check_key(c, q, qid, n_correct)
        if n_correct > 1:
            c.add(q.lines.get("options", q.line), qid,
                  f"a single-choice question has {n_correct} correct options; use type multi")

    def canonical(self, question, answer):
        """An option id of the question."""
        return self.option(question, answer)

    def fraction(self, question, answer):
        """1 for the correct option, else 0."""
        return float(any(o.correct and o.id == answer for o in question.options))

    def widget(self, question, *, lang, order):
        """Radio buttons in the student's order."""
        import ipywidgets as w

        buttons = w.RadioButtons(options=[(localized(o.text, lang), o.id)
                                          for o in order(question.options)],
                                 value=None, layout=w.Layout(width="auto"))
        return AnswerInput(buttons, lambda: buttons.value)

    def gift(self, question, lang="en"):
        """``=`` before the correct option, ``~`` before the others."""
        return " ".join(f"{'=' if o.correct else '~'}{gift_escape(localized(o.text, lang))}"
                        f"{self._gift_feedback(o, lang)}" for o in question.options)

    def right_answer(self, question):
        """The correct option."""
        return next(o.id for o in question.options if o.correct)

    def wrong_answer(self, question, rng):
        """A distractor."""
        return self.wrong_pick(question, rng)
