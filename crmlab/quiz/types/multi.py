"""``multi``: select all that apply, with partial credit.

Answer: a sorted list of option ids. Score: ``max(0, (right ticks - wrong ticks) / number of
correct options)`` of the points, so ticking everything earns nothing when at least half the
options are wrong (and everything when every option is right) and a missed correct option costs
its share. GIFT: ``{~%w%option ...}`` with ``100/n`` for each of the n correct
options and ``-100/n`` for each wrong one (Moodle floors a negative total at 0); no ``=``, so
Moodle lets the student tick several.
"""

from __future__ import annotations

from crmlab.core.i18n import localized
from crmlab.quiz.types.base import AnswerInput, gift_escape, gift_weight
from crmlab.quiz.types.choice import ChoiceType

__all__ = ["Multi"]


class Multi(ChoiceType):
    """Multiple response: any number of options are correct."""

    name = "multi"
    answer_form = "a list of option ids"

    def canonical(self, question, answer):
        """A sorted list of distinct option ids."""
        if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
            raise self.expected(question, "answer", answer, "a list of option ids")
        return sorted({self.option(question, option) for option in answer})

    def fraction(self, question, answer):
        """(right ticks - wrong ticks) / correct options, at least 0."""
        correct = {o.id for o in question.options if o.correct}
        chosen = set(answer)
        return max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))

    input_kind = "checkbox"

    def browser_answers(self, question):
        """Right, every option, none, each alone, one short, one too many, half right."""
        ids = [o.id for o in question.options]
        right = [o.id for o in question.options if o.correct]
        wrong = [i for i in ids if i not in right]
        cases = [right, ids, [], *[[i] for i in ids], right[:-1]]
        if wrong:
            cases += [right + wrong[:1], right[:1] + wrong[:1]]
        return cases

    def widget(self, question, *, lang, order):
        """One checkbox per option, in the student's order."""
        import ipywidgets as w

        checks = [(o.id, w.Checkbox(value=False, description=localized(o.text, lang), indent=False,
                                    layout=w.Layout(width="auto")))
                  for o in order(question.options)]
        return AnswerInput(w.VBox([box for _, box in checks]),
                           lambda: [oid for oid, box in checks if box.value], checks)

    def gift(self, question, lang="en"):
        """A weight of +-100/n on every option."""
        n_correct = sum(o.correct for o in question.options)
        return " ".join(
            f"~%{gift_weight(100 / n_correct * (1 if o.correct else -1))}%"
            f"{gift_escape(localized(o.text, lang))}{self._gift_feedback(o, lang)}"
            for o in question.options)

    def gift_any(self, question, lang="en"):
        """Every option at ``%100%`` and no ``=``: a multiple-answer question in Moodle in which
        ticking any option earns full marks (Moodle caps the sum at 100%; a blank answer, which
        the course also accepts, earns nothing there)."""
        return " ".join(f"~%100%{gift_escape(localized(o.text, lang))}{self._gift_feedback(o, lang)}"
                        for o in question.options)

    def right_answer(self, question):
        """Every correct option."""
        return sorted(o.id for o in question.options if o.correct)

    def wrong_answer(self, question, rng):
        """All but one correct option, plus a distractor (without distractors: all but one
        correct option, the one left out drawn)."""
        right = [o.id for o in question.options if o.correct]
        if all(o.correct for o in question.options):
            left_out = right[int(rng.integers(len(right)))]
            return sorted(r for r in right if r != left_out)
        pick = self.wrong_pick(question, rng)
        return sorted(set(right[: max(1, len(right) - 1)]) | {pick})

    def strategies(self, question):
        """The choice strategies, plus ticking every option."""
        return {**super().strategies(question),
                "every option": sorted(o.id for o in question.options)}

    def as_answer(self, option_id):
        """A list with the one option."""
        return [option_id]
