"""``matching``: pair each left-hand item with a choice; partial credit per pair.

Answer: ``{pair id: choice id}``. Score: the share of pairs matched correctly. GIFT:
``{=left -> right ...}`` with unused choices as ``= -> distractor``.
"""

from __future__ import annotations

from crmlab.core.i18n import label, localized
from crmlab.quiz.model import Option, Pair
from crmlab.quiz.types.base import AnswerInput, QuestionType, gift_escape

__all__ = ["Matching", "CHOICE_SCHEMA", "PAIR_SCHEMA"]

#: A choice of a matching question (the right-hand column).
CHOICE_SCHEMA = {
    "title": "choice", "type": "object", "errorMessage": "expected a choice: a mapping with id "
                                                         "and text",
    "required": ["id", "text"], "additionalProperties": False,
    "properties": {"id": {"$ref": "#/definitions/id"}, "text": {"$ref": "#/definitions/text"}}}
#: A pair of a matching question: a left-hand item and the id of the choice it matches.
PAIR_SCHEMA = {
    "title": "pair", "type": "object", "errorMessage": "expected a pair: a mapping with id, left "
                                                       "and match",
    "required": ["id", "left"], "additionalProperties": False,
    "properties": {"id": {"$ref": "#/definitions/id"}, "left": {"$ref": "#/definitions/text"},
                   "match": {"$ref": "#/definitions/id"}}}


_SELECTS = (
    '{% for pid, left in pairs %}<div class="crmlab-pair"><label for="{{ base }}-{{ pid }}">'
    '{{ left }}</label> <select id="{{ base }}-{{ pid }}" data-pair="{{ pid }}"><option value="">'
    '{{ choose }}</option>{% for cid, words in choices %}<option value="{{ cid }}">{{ words }}'
    '</option>{% endfor %}</select></div>{% endfor %}')


class Matching(QuestionType):
    """Pairs (left items) matched to choices; unused choices are distractors."""

    name = "matching"
    fields = frozenset({"pairs", "choices"})
    key_fields = frozenset({"match"})
    answer_form = "a mapping of pair ids to choice ids"

    def schema(self):
        """At least two choices and two pairs."""
        return {"properties": {
            "choices": {"type": "array", "minItems": 2, "items": CHOICE_SCHEMA,
                        "errorMessage": "expected a list of at least two choices"},
            "pairs": {"type": "array", "minItems": 2, "items": PAIR_SCHEMA,
                      "errorMessage": "expected a list of at least two pairs"}},
            "required": ["choices", "pairs"]}

    def check(self, c, q, qid, *, keyless):
        """Ids unique, texts in every language; each pair matches a choice unless keyless."""
        choice_ids = {cid for _, _, cid in c.items(q.get("choices"), qid, "choice",
                                                   text_key="text")}
        for pair, line, pid in c.items(q.get("pairs"), qid, "pair", text_key="left"):
            if keyless:
                continue
            if pair.get("match") is None:
                c.add(line, qid, f"pair {pid!r} is unpaired: it has no 'match'")
            elif str(pair["match"]) not in choice_ids:
                c.add(pair.lines.get("match", line), qid,
                      f"pair {pid!r} matches {pair['match']!r}, which is not a choice id")

    def key_given(self, q):
        """A pair with a match is the key."""
        pairs = q.get("pairs")
        return isinstance(pairs, list) and any(isinstance(p, dict) and "match" in p
                                               for p in pairs)

    def build(self, q):
        """Choices and pairs, in file order."""
        return {
            "choices": tuple(Option(id=str(o["id"]), text=o["text"])
                             for o in q.get("choices", [])),
            "pairs": tuple(Pair(id=str(p["id"]), left=p["left"],
                                match=None if p.get("match") is None else str(p["match"]))
                           for p in q.get("pairs", [])),
        }

    def has_key(self, question):
        """Every pair has its match."""
        return all(pair.match is not None for pair in question.pairs)

    def canonical(self, question, answer):
        """``{pair id: choice id}`` sorted by pair id, unanswered pairs left out."""
        if not isinstance(answer, dict):
            raise self.expected(question, "answer", answer, "a mapping of pair ids to choice ids")
        pairs = sorted(p.id for p in question.pairs)
        choices = sorted(c.id for c in question.choices)
        for left, right in answer.items():
            self.choice(question, "pair", left, pairs)
            if right is not None:
                self.choice(question, "choice", right, choices, where=f"pair {left!r}: ")
        return {k: answer[k] for k in sorted(answer) if answer[k] is not None}

    def fraction(self, question, answer):
        """The share of pairs matched to their choice."""
        return sum(answer.get(p.id) == p.match for p in question.pairs) / len(question.pairs)

    def key_text(self, question, lang="en"):
        """``left -> choice`` for every pair."""
        choice = {c.id: localized(c.text, lang) for c in question.choices}
        return "; ".join(f"{localized(p.left, lang)} -> {choice.get(p.match, '')}"
                         for p in question.pairs)

    def widget(self, question, *, lang, order):
        """One dropdown of choices per left item, both in the student's order."""
        import ipywidgets as w

        choices = order(question.choices)
        dropdowns, rows = [], []
        for pair in order(question.pairs):
            # The left item is the dropdown's description: a <label for> a screen reader reads.
            dropdown = w.Dropdown(
                options=[(label("choose", lang), None)] + [(localized(c.text, lang), c.id)
                                                           for c in choices],
                value=None, description=localized(pair.left, lang),
                style={"description_width": "initial"}, layout=w.Layout(width="auto"))
            dropdowns.append((pair.id, dropdown))
            rows.append(dropdown)
        return AnswerInput(w.VBox(rows),
                           lambda: {pid: dropdown.value for pid, dropdown in dropdowns},
                           dropdowns)

    def browser_key(self, question, lang="en"):
        """The match of every pair."""
        return {"pairs": [{"id": p.id, "match": p.match} for p in question.pairs]}

    def browser_input(self, question, *, lang, order, base):
        """A labelled select of the choices per left item."""
        from crmlab.core.html import render

        return render(_SELECTS, base=base, choose=label("choose", lang),
                      choices=[(c.id, localized(c.text, lang)) for c in order(question.choices)],
                      pairs=[(p.id, localized(p.left, lang)) for p in order(question.pairs)])

    def browser_answers(self, question):
        """Right, one pair wrong, one pair open, all open, all on the first or last choice."""
        pairs, choices = [p.id for p in question.pairs], [c.id for c in question.choices]
        right = {p.id: p.match for p in question.pairs}
        one_off = {**right, pairs[0]: next(c for c in choices if c != right[pairs[0]])}
        return [right, one_off, {**right, pairs[-1]: None}, {p: None for p in pairs},
                {p: choices[0] for p in pairs}, {p: choices[-1] for p in pairs}]

    def gift(self, question, lang="en"):
        """``=left -> right`` per pair, then ``= -> distractor`` per unused choice."""
        used = {p.match for p in question.pairs}
        choice_text = {c.id: localized(c.text, lang) for c in question.choices}
        parts = [f"={gift_escape(localized(p.left, lang))} -> {gift_escape(choice_text[p.match])}"
                 for p in question.pairs]
        parts += [f"= -> {gift_escape(t)}" for cid, t in choice_text.items() if cid not in used]
        return " ".join(parts)

    def right_answer(self, question):
        """Every pair matched."""
        return {p.id: p.match for p in question.pairs}

    def wrong_answer(self, question, rng):
        """Each pair right with probability 0.5, else a random choice."""
        choices = [c.id for c in question.choices]
        return {p.id: (p.match if rng.random() < 0.5 else choices[rng.integers(len(choices))])
                for p in question.pairs}

    def strategies(self, question):
        """Every pair matched to the first choice, or to the last."""
        first, last = question.choices[0].id, question.choices[-1].id
        return {"first option": {p.id: first for p in question.pairs},
                "last option": {p.id: last for p in question.pairs}}
