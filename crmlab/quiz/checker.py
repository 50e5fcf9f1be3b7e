"""The problem collector of the quiz schema, shared by the schema and every question type.

A :class:`Checker` is crmlab's collector of a file's problems
(:class:`crmlab.core.validation.LineProblems`: ``(line, question id, message)``). The form of
every field (its type, its allowed values, unknown fields) is the JSON Schema's
(``crmlab/schemas/quiz.schema.json``); the checker's helpers are for the rules a schema cannot
say, each in one place: a text given in every declared language (:meth:`Checker.text`) and ids
unique within a list (:meth:`Checker.items`).
"""

from __future__ import annotations

from crmlab.core.validation import LineProblems
from crmlab.core.yaml_lines import Map

__all__ = ["Checker", "ident"]


def ident(data) -> str | None:
    """The id of the mapping ``data`` as a string, or None when it has no usable one (the
    schema reports that)."""
    value = data.get("id") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        return None
    return str(value)


class Checker(LineProblems):
    """Collects the problems of one quiz file; ``languages`` are the ones it declares.

    ``add(line, qid, message)`` records one at ``line`` of question ``qid`` (``-`` for the quiz
    itself)."""

    def __init__(self, languages: tuple[str, ...] = ("en",)):
        super().__init__()
        self.languages = languages

    def text(self, data: Map, key: str, qid: str) -> None:
        """``data[key]``, a text of the schema's form, gives every declared language: a plain
        text only when one language is declared, a mapping with each of them and no other."""
        if not isinstance(data, Map) or data.get(key) in (None, ""):
            return
        value, line = data[key], data.lines.get(key, data.line)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if len(self.languages) > 1:
                self.add(line, qid, f"field {key!r} must give every language "
                                    f"({', '.join(self.languages)}), got a plain text")
            return
        if not isinstance(value, dict):
            return  # not a text: the schema says so
        for lang in self.languages:
            if not isinstance(value.get(lang), (str, int, float)) or str(value[lang]).strip() == "":
                self.add(line, qid, f"missing translation {lang!r} of field {key!r}")
        for lang in value:
            if lang not in self.languages:
                self.add(value.lines.get(lang, line), qid,
                         f"language {lang!r} of field {key!r} is not declared in 'languages'")

    def items(self, items, qid: str, what: str, *, text_key: str | None = None):
        """Each entry of a list of mappings with a usable id, as ``(entry, line, id)``; a
        repeated id is a problem, and so is ``entry[text_key]`` lacking a declared language."""
        if not isinstance(items, list):
            return
        seen = set()
        for entry, line in zip(items, getattr(items, "lines", [0] * len(items))):
            name = ident(entry)
            if not isinstance(entry, Map) or name is None:
                continue
            if name in seen:
                self.add(entry.lines.get("id", line), qid, f"duplicate {what} id {name!r}")
            seen.add(name)
            if text_key:
                self.text(entry, text_key, qid)
            yield entry, line, name
