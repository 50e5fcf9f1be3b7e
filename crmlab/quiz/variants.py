"""Graded numbers of one's own: which questions are computed on the student's data variant,
the prompt the student reads, and what an answer records.

A question with ``variant: student`` asks for a number computed on the student's own variant
of the course data (:class:`crmlab.datasets.Variant`); with ``inputs`` it is a formula question
whose inputs are the student's own, shown in the prompt as ``{name}``. The key of such a
question is computed at grading, per student, by the instructor's key functions (never in a
student's environment). Every answer to it records the digest of the variant the student had
when answering, so that the grader can flag an answer given on another variant.

Examples
--------
>>> from crmlab.datasets import Variant
>>> from crmlab.quiz.model import Question
>>> q = Question(id="pay", type="numeric", prompt={"en": "A margin of {margin} EUR..."},
...              mode="graded", variant="student", inputs={"margin": (20, 60, 5)})
>>> prompt_text(q, "en", Variant(), quiz_id="L03")
'A margin of 50 EUR...'
>>> on_own_variant(q), on_own_variant(Question(id="x", type="single", prompt="P", mode="graded"))
(True, False)
"""

from __future__ import annotations

from crmlab.core.i18n import localized

__all__ = ["on_own_variant", "prompt_text", "fill_prompt", "question_inputs"]


def on_own_variant(question) -> bool:
    """Whether the question's key is each student's own (``variant: student``)."""
    return question.variant == "student"


def question_inputs(question, variant=None, *, quiz_id: str = "") -> dict:
    """The inputs of a formula question on ``variant`` (default: the current student's)."""
    if not question.inputs:
        return {}
    if variant is None:
        from crmlab.datasets import variant as current

        variant = current()
    return variant.inputs(quiz_id, question.id, question.inputs)


def fill_prompt(text: str, inputs: dict, *, unknown=()) -> str:
    """``text`` with each input's value in place of ``{name}`` (other braces kept); the
    ``unknown`` names (inputs not known here, e.g. a student's whose keys were never
    computed) read "…", never as a ``{name}`` placeholder.

    Examples
    --------
    >>> fill_prompt("{rate}% of {base} {unit}", {"rate": 12, "base": 150000.0})
    '12% of 150000 {unit}'
    >>> fill_prompt("{rate}% of {base}", {}, unknown=("rate", "base"))
    '…% of …'
    """
    for name, value in inputs.items():
        text = text.replace(f"{{{name}}}", f"{value:.10g}")
    for name in unknown:
        if name not in inputs:
            text = text.replace(f"{{{name}}}", "…")
    return text


def prompt_text(question, lang: str, variant=None, *, quiz_id: str = "") -> str:
    """The prompt in ``lang`` with the student's own inputs in place of ``{name}``."""
    return fill_prompt(localized(question.prompt, lang),
                       question_inputs(question, variant, quiz_id=quiz_id))
