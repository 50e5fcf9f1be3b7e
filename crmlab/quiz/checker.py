"""The problem collector of the quiz schema, shared by the schema and every question type.

A :class:`Checker` is crmlab's collector of a file's problems
(:class:`crmlab.core.validation.LineProblems`: ``(line, question id, message)``) with helpers
for the kinds of field every type uses (a text in every declared language, a list of items with
ids, a true/false flag), so a question type only states what is particular to it.
"""

from __future__ import annotations

from crmlab.core.validation import LineProblems
from crmlab.core.yaml_lines import Map

__all__ = ["Checker"]


class Checker(LineProblems):
    """Collects the problems of one quiz file; ``languages`` are the ones it declares.

    ``add(line, qid, message)`` records one at ``line`` of question ``qid`` (``-`` for the quiz
    itself)."""

    def __init__(self, languages: tuple[str, ...] = ("en",)):
        super().__init__()
        self.languages = languages

    def unknown_fields(self, data: Map, allowed, qid: str, what: str) -> None:
        """Every key of ``data`` outside ``allowed`` is a problem, with a did-you-mean hint."""
        for key in data:
            if key not in allowed:
                import difflib  # only for a misspelt field

                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.add(data.lines.get(key, data.line), qid,
                         f"unknown field {key!r} in {what}{suffix}")

    def text(self, data: Map, key: str, qid: str, *, required: bool) -> None:
        """``data[key]`` must be a text, or a mapping giving every declared language."""
        line = data.lines.get(key, data.line)
        if key not in data or data[key] is None or data[key] == "":
            if required:
                self.add(line, qid, f"field {key!r} is missing")
            return
        value = data[key]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if len(self.languages) > 1:
                self.add(line, qid, f"field {key!r} must give every language "
                                    f"({', '.join(self.languages)}), got a plain text")
            return
        if not isinstance(value, dict):
            self.add(line, qid, f"field {key!r} must be a text or a mapping of languages")
            return
        for lang in self.languages:
            if lang not in value or not isinstance(value[lang], (str, int, float)) \
                    or str(value[lang]).strip() == "":
                self.add(line, qid, f"missing translation {lang!r} of field {key!r}")
        for lang in value:
            if lang not in self.languages:
                self.add(value.lines.get(lang, line), qid,
                         f"language {lang!r} of field {key!r} is not declared in 'languages'")

    def flag(self, data: Map, key: str, qid: str) -> None:
        """``data[key]``, when present, must be true or false."""
        if key in data and not isinstance(data[key], bool):
            self.add(data.lines[key], qid, f"{key} must be true or false, got {data[key]!r}")

    def items(self, items, qid: str, what: str, *, article: str, shape: str, allowed,
              text_key: str):
        """Check each entry of a list of mappings (id unique, text present); yield the valid ones.

        Yields ``(entry, line, id)`` for every entry that is a mapping, after the checks shared by
        options, choices and pairs; the caller checks what is particular to its kind.
        """
        seen = set()
        for entry, line in zip(items, items.lines):
            if not isinstance(entry, Map):
                self.add(line, qid, f"{article} {what} must be a mapping with {shape}")
                continue
            self.unknown_fields(entry, allowed, qid, what)
            ident = self.ident(entry, qid, what)
            if ident in seen:
                self.add(entry.lines.get("id", line), qid, f"duplicate {what} id {ident!r}")
            seen.add(ident)
            self.text(entry, text_key, qid, required=True)
            yield entry, line, ident

    def ident(self, data: Map, qid: str, what: str) -> str | None:
        """The id of ``data`` as a string, or None (and a problem) when it is missing or unsafe."""
        value = data.get("id")
        if value is None:
            self.add(data.line, qid, f"{what} has no 'id'")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool) \
                or not str(value).replace("-", "").replace("_", "").replace(".", "").isalnum():
            self.add(data.lines.get("id", data.line), qid,
                     f"{what} id {value!r} must be letters, digits, '-', '_' or '.'")
            return None
        return str(value)

    def listed(self, q: Map, key: str, qid: str, what: str):
        """``q[key]`` when it is a list of at least two items, else None (and a problem)."""
        value = q.get(key)
        if not isinstance(value, list) or len(value) < 2:
            self.add(q.lines.get(key, q.line), qid, f"{key} must list at least two {what}")
            return None
        return value
