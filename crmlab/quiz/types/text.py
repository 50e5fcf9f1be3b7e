"""``text``: a free answer in the student's own words, graded by hand with a rubric.

Answer: a non-empty text (at most :data:`MAX_CHARS` characters). The question's ``rubric`` lists
criteria, each with an ``id``, a ``text`` (what the grader looks for) and its ``points``; the
question's ``points`` are the rubric's total. The rubric is a key: a student release drops it
(text questions are always graded), GIFT keeps it for graders only, as ``// rubric:`` comment
lines before an essay question. Answers stay pending until the instructor's rubric sheet is
imported (:mod:`crmlab.grading.rubric`).
"""

from __future__ import annotations

from crmlab.core.i18n import label, localized
from crmlab.core.validation import is_finite_number
from crmlab.quiz.types.base import AnswerInput, QuestionType

__all__ = ["Text", "MAX_CHARS", "CRITERION_SCHEMA"]

#: The longest answer accepted, in characters (a bundle member stays far below its size cap).
MAX_CHARS = 20_000
#: A criterion of a text question's rubric.
CRITERION_SCHEMA = {
    "title": "criterion", "type": "object",
    "errorMessage": "expected a criterion: a mapping with id, text and points",
    "required": ["id", "text", "points"], "additionalProperties": False,
    "properties": {"id": {"$ref": "#/definitions/id"}, "text": {"$ref": "#/definitions/text"},
                   "points": {"type": "number", "exclusiveMinimum": 0,
                              "errorMessage": "expected positive points"}}}


class Text(QuestionType):
    """A free-text answer graded by hand against a rubric of criteria with points."""

    name = "text"
    fields = frozenset({"rubric", "max_words"})
    key_fields = frozenset({"rubric"})
    machine_scored = False
    answer_form = "a text"

    def schema(self):
        """A rubric of criteria with ids, texts and positive points; ``max_words`` a positive
        whole number."""
        return {"properties": {
            "rubric": {"type": "array", "minItems": 1, "items": CRITERION_SCHEMA,
                       "errorMessage": "expected a list of criteria with id, text and points"},
            "max_words": {"type": "integer", "minimum": 1,
                          "errorMessage": "expected a positive whole number"}}}

    def check(self, c, q, qid, *, keyless):
        """Graded mode; unless keyless, a rubric whose points sum to the question's ``points``."""
        if q.get("mode") != "graded":
            c.add(q.lines.get("mode", q.line), qid,
                  "a text question is graded by hand: give it mode: graded")
        if keyless:
            return
        if "rubric" not in q:
            c.add(q.line, qid,
                  "a text question needs a rubric: a list of criteria with id, text and points")
            return
        criteria = list(c.items(q["rubric"], qid, "criterion", text_key="text"))
        points = [criterion.get("points") for criterion, _, _ in criteria]
        if not criteria or len(criteria) < len(q["rubric"]) or \
                not all(is_finite_number(value) and value > 0 for value in points):
            return  # the schema reported the criterion
        total = float(sum(points))
        if "points" not in q:
            c.add(q.line, qid, f"a text question states its points: the rubric's total, "
                               f"{total:g}")
        elif is_finite_number(q["points"]) and abs(q["points"] - total) > 1e-9:
            c.add(q.lines["points"], qid,
                  f"points ({q['points']:g}) must equal the rubric's total ({total:g})")

    def key_given(self, q):
        """The rubric is the key."""
        return "rubric" in q

    def has_key(self, question):
        """A release keeps no rubric."""
        return bool(question.extra.get("rubric"))

    def criteria(self, question) -> list[tuple[str, object, float]]:
        """The rubric as ``(criterion id, text, points)``, in file order."""
        return [(str(c["id"]), c["text"], float(c["points"]))
                for c in question.extra.get("rubric", [])]

    def canonical(self, question, answer):
        """The text without surrounding white space; never empty, at most MAX_CHARS."""
        if not isinstance(answer, str) or not answer.strip():
            raise self.expected(question, "answer", answer, "a non-empty text")
        answer = answer.strip()
        if len(answer) > MAX_CHARS:
            raise self.expected(question, "answer", f"<{len(answer)} characters>",
                                f"a text of at most {MAX_CHARS} characters")
        return answer

    def fraction(self, question, answer):
        """Never called: the points come from the instructor's rubric sheet."""
        raise NotImplementedError("a text answer is graded by hand")

    def key_text(self, question, lang="en"):
        """The rubric: ``criterion (points); ...``."""
        return "; ".join(f"{localized(words, lang)} ({points:g})"
                         for _, words, points in self.criteria(question))

    def answer_text(self, question, answer, lang="en"):
        """The text itself."""
        return str(answer)

    def widget(self, question, *, lang, order):
        """A text area; the Save button beside it saves the whole text."""
        import ipywidgets as w

        limit = question.extra.get("max_words")
        hint = label("text_answer", lang) + (f" (≤ {limit} {label('words', lang)})"
                                             if limit else "")
        area = w.Textarea(placeholder=hint, rows=8, layout=w.Layout(width="95%"))
        return AnswerInput(area, lambda: area.value.strip() or None)

    def gift(self, question, lang="en"):
        """An essay: an empty answer block."""
        return ""

    def gift_comments(self, question, lang="en"):
        """One ``rubric:`` comment per criterion, for the graders."""
        return [f"rubric: {cid} ({points:g}): {' '.join(localized(words, lang).split())}"
                for cid, words, points in self.criteria(question)]

    def right_answer(self, question):
        """A simulated answer: the rubric's criteria, as if every one were addressed."""
        return " ".join(localized(words, "en") for _, words, _ in self.criteria(question)) or "Answer."

    def wrong_answer(self, question, rng):
        """A simulated answer that addresses no criterion."""
        return "I am not sure."
