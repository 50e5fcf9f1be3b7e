"""``truefalse``: a statement that is true or false; all or nothing.

Answer: ``true`` or ``false``; the key is the question's ``answer``. GIFT: ``{TRUE}``/``{FALSE}``.
"""

from __future__ import annotations

from crmlab.core.i18n import label
from crmlab.quiz.types.base import (
    AnswerInput,
    QuestionType,
    gift_escape,
    gift_one_answer,
    html_choices,
)

__all__ = ["TrueFalse"]


class TrueFalse(QuestionType):
    """True or false."""

    name = "truefalse"
    fields = frozenset({"answer"})
    key_fields = frozenset({"answer"})
    answer_form = "true or false"

    def schema(self):
        """The key is ``answer: true`` or ``answer: false``."""
        return {"properties": {"answer": {"type": "boolean", "errorMessage": "expected true or "
                                                                             "false"}}}

    def check(self, c, q, qid, *, keyless):
        """The key is there unless keyless."""
        if not keyless and "answer" not in q:
            c.add(q.line, qid,
                  "a truefalse question needs answer: true or false (the correct answer)")

    def build(self, q):
        """The key."""
        return {"answer": q.get("answer")}

    def canonical(self, question, answer):
        """A bool."""
        if not isinstance(answer, bool):
            raise self.expected(question, "answer", answer, "true or false")
        return answer

    def fraction(self, question, answer):
        """1 when the answer is the key."""
        return float(answer == question.answer)

    def key_text(self, question, lang="en"):
        """True or False, in the widget's words."""
        return label("true" if question.answer else "false", lang)

    def widget(self, question, *, lang, order):
        """Two radio buttons, True first."""
        import ipywidgets as w

        buttons = w.RadioButtons(options=[(label("true", lang), True),
                                          (label("false", lang), False)], value=None)
        return AnswerInput(buttons, lambda: buttons.value)

    def browser_key(self, question, lang="en"):
        """The key."""
        return {"answer": question.answer} if self.has_key(question) else {}

    def browser_input(self, question, *, lang, order, base):
        """Two radio buttons, True first."""
        return html_choices(base, "radio", [("true", label("true", lang)),
                                            ("false", label("false", lang))])

    def browser_answers(self, question):
        """Both values and none."""
        return [True, False, None]

    def gift(self, question, lang="en"):
        """TRUE or FALSE."""
        return "TRUE" if question.answer else "FALSE"

    def gift_any(self, question, lang="en"):
        """A one-answer multiple choice of the two words, both at full marks (GIFT's
        ``{TRUE}`` cannot accept both; ``=`` alone would be a short-answer question)."""
        return gift_one_answer([(gift_escape(label("true", lang)), True, ""),
                                (gift_escape(label("false", lang)), True, "")])

    def right_answer(self, question):
        """The key."""
        return question.answer

    def wrong_answer(self, question, rng):
        """The other value."""
        return not question.answer

    def counted(self, question):
        """``true`` and ``false``."""
        return ["true", "false"]

    def chosen(self, question, answer):
        """``true`` or ``false``."""
        return [str(answer).lower()]

    def strategies(self, question):
        """True is the first option shown, False the last."""
        return {"first option": True, "last option": False}
