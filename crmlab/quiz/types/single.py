"""``single``: one option is chosen; all or nothing.

One option is right, or, with ``accept_several: true``, each of several options earns the point
(where the source's intent cannot be known and more than one answer is defensible; the
explanation says why). Answer: an option id. GIFT: ``{=right ~wrong}``, and a further right
option as ``~%100%`` (one-answer multiple choice in Moodle, every right option at full marks).
"""

from __future__ import annotations

from crmlab.core.i18n import localized
from crmlab.quiz.types.base import AnswerInput, gift_one_answer
from crmlab.quiz.types.choice import ChoiceType

__all__ = ["Single"]


class Single(ChoiceType):
    """Single choice: one option is marked correct, or several with ``accept_several: true``."""

    name = "single"
    fields = ChoiceType.fields | {"accept_several"}
    key_fields = ChoiceType.key_fields | {"accept_several"}
    answer_form = "an option id"

    def schema(self):
        """The options, and ``accept_several`` true or false."""
        part = super().schema()
        part["properties"]["accept_several"] = {"$ref": "#/definitions/flag"}
        return part

    def check_key(self, c, q, qid, n_correct):
        """One option is correct; several only with ``accept_several: true`` and an
        explanation that says why."""
        if not isinstance(q.get("accept_several", False), bool):
            return  # the schema reported the flag; its rules need a true or false
        super().check_key(c, q, qid, n_correct)
        several = q.get("accept_several") is True
        if n_correct > 1 and not several:
            c.add(q.lines.get("options", q.line), qid,
                  f"a single-choice question has {n_correct} correct options; use type multi, "
                  "or accept_several: true when each of them earns the point")
        if several and n_correct == 1:
            c.add(q.lines["accept_several"], qid,
                  "accept_several needs at least two options marked correct, got 1")
        if several and not q.get("explanation"):
            c.add(q.lines["accept_several"], qid,
                  "a question that accepts several answers must say why in its explanation")

    def key_given(self, q):
        """An option marked correct, or ``accept_several``, is a key."""
        return super().key_given(q) or "accept_several" in q

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

    def key_text(self, question, lang="en"):
        """The text of the correct option; several accepted options joined by `` / `` (any one
        of them earns the point)."""
        return " / ".join(localized(o.text, lang) for o in question.options if o.correct)

    def gift(self, question, lang="en"):
        """``=`` before the correct option, ``~`` before the others; a further correct option
        is ``~%100%`` (see :func:`~crmlab.quiz.types.base.gift_one_answer`)."""
        right = {o.id for o in question.options if o.correct}
        return gift_one_answer(self.gift_answers(question, lang, right=right))

    def right_answer(self, question):
        """The correct option."""
        return next(o.id for o in question.options if o.correct)

    def wrong_answer(self, question, rng):
        """A distractor."""
        return self.wrong_pick(question, rng)
