"""The one YAML reader of the course's own files, with line numbers, refusing what no author means.

Quizzes, ``course.yaml``, the curated lists (glossary, references), the translation files and
the message catalogs are read here. :func:`parse` returns mappings and lists that remember the
line of each key and item (:class:`Map`, :class:`List`); :func:`plain` turns them back into
ordinary dicts and lists. Only YAML's safe subset is read, and a file is refused, with one
:class:`Problem` (``FILE:LINE: WHERE: message``) instead of a traceback or a run without end,
when it

- is larger than :data:`MAX_BYTES`, or is not a regular file (a link to ``/dev/zero``, a FIFO);
- gives a key twice in one mapping (YAML says keys are unique; a reader that kept the second
  would silently drop the first);
- nests deeper than :data:`MAX_DEPTH` levels;
- expands aliases into more than :data:`MAX_ALIAS_NODES` values ("billion laughs": a few lines of
  nested aliases that would stand for billions of values);
- holds more than one document, or a key that is a list or a mapping.

A date or time written without quotes (``deadline: 2026-09-28T23:59:00``) is read as the text
written, as YAML 1.2 and editors read it, so that every value is one a JSON Schema can check.

The file is read event by event (PyYAML's parser keeps no Python stack), so no input reaches
the recursion limit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

__all__ = ["Map", "List", "Problem", "parse", "read", "read_plain", "plain", "read_text",
           "MAX_BYTES", "MAX_DEPTH", "MAX_ALIAS_NODES"]

#: The largest course file read, in bytes (the largest committed one is below 50 kB).
MAX_BYTES = 1_000_000
#: The deepest nesting of mappings and lists read (a quiz's option text is 7 levels deep).
MAX_DEPTH = 32
#: How many values aliases may stand for in one file, all aliases together.
MAX_ALIAS_NODES = 1_000


class Map(dict):
    """A YAML mapping; ``line`` is where it starts, ``lines[key]`` where each key stands."""

    line = 0
    lines: dict


class List(list):
    """A YAML sequence; ``line`` is where it starts, ``lines[i]`` where item ``i`` stands."""

    line = 0
    lines: list


@dataclass(frozen=True)
class Problem:
    """Why a file was refused: at ``line``, about ``where`` (a field path, ``-`` for the file).

    Examples
    --------
    >>> Problem(3, "questions[0].id", "duplicate key 'id' (first at line 2)").at("t.yaml")
    "t.yaml:3: questions[0].id: duplicate key 'id' (first at line 2)"
    """

    line: int
    where: str
    message: str

    def at(self, path) -> str:
        """The problem as the one line ``FILE:LINE: WHERE: message``."""
        return f"{path}:{self.line}: {self.where}: {self.message}"


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Refused(Exception):
    def __init__(self, line: int, where: str, message: str):
        super().__init__(message)
        self.problem = Problem(line, where, message)


def _shown(path: list) -> str:
    """``questions[2].options[0].text`` for a path of keys and indexes; ``-`` for the top."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if len(path) > 6:  # a path deeper than any field of the course says where it starts
        return _shown(path[:4]) + "..."
    return out or "-"


def _size(value) -> int:
    """The number of values in ``value`` (a scalar is 1)."""
    if isinstance(value, dict):
        return 1 + sum(_size(v) for v in value.values()) + len(value)
    if isinstance(value, list):
        return 1 + sum(_size(v) for v in value)
    return 1


class _Builder:
    """Builds :class:`Map` and :class:`List` from PyYAML's events, with the file's limits."""

    def __init__(self):
        import yaml

        self.yaml = yaml
        self.loader = yaml.SafeLoader("")  # its resolver and constructor, for scalars
        self.stack: list = []  # open collections: [value, path, pending key, key line, anchor]
        self.anchors: dict = {}  # anchor -> (value, its number of values)
        self.expanded = 0
        self.documents = 0
        self.result = None

    def _path(self) -> list:
        if not self.stack:
            return []
        top = self.stack[-1]
        if isinstance(top[0], List):
            return top[1] + [len(top[0])]
        return top[1] + ([] if top[2] is None else [str(top[2])])

    def _add(self, value, line: int, anchor) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, _size(value))
        if not self.stack:
            self.result = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, List):
            container.append(value)
            container.lines.append(line)
        elif frame[2] is None and frame[3] is None:  # the value is a key
            if isinstance(value, (Map, List)):
                raise _Refused(line, _shown(frame[1]), "a key must be a plain value, not a "
                                                       "list or a mapping")
            key = value
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in container:
                raise _Refused(line, _shown(frame[1] + [str(key)]),
                               f"duplicate key {key!r} (first at line {container.lines[key]})")
            frame[2], frame[3] = key, line
        else:
            key = frame[2]
            container[key] = value
            container.lines[key] = frame[3]
            frame[2], frame[3] = None, None

    def _open(self, value, event) -> None:
        path = self._path()
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(event.start_mark.line + 1, _shown(path),
                           f"nested deeper than {MAX_DEPTH} levels")
        if self.stack and isinstance(self.stack[-1][0], Map) and self.stack[-1][2] is None:
            raise _Refused(event.start_mark.line + 1, _shown(self.stack[-1][1]),
                           "a key must be a plain value, not a list or a mapping")
        value.line = event.start_mark.line + 1
        value.lines = [] if isinstance(value, List) else {}
        self.stack.append([value, path, None, None, event.anchor])

    def event(self, event) -> None:
        yaml = self.yaml
        line = event.start_mark.line + 1
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Refused(line, "-", "the file holds more than one YAML document")
        elif isinstance(event, yaml.MappingStartEvent):
            self._open(Map(), event)
        elif isinstance(event, yaml.SequenceStartEvent):
            self._open(List(), event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            value, _, _, _, anchor = self.stack.pop()
            self._add(value, value.line, anchor)
        elif isinstance(event, yaml.ScalarEvent):
            self._add(self._scalar(event), line, event.anchor)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise _Refused(line, _shown(self._path()),
                               f"alias *{event.anchor} names no anchor defined before it")
            value, size = self.anchors[event.anchor]
            self.expanded += size
            if self.expanded > MAX_ALIAS_NODES:
                raise _Refused(line, _shown(self._path()),
                               f"aliases stand for more than {MAX_ALIAS_NODES} values; write "
                               "the values out")
            self._add(copy.deepcopy(value), line, None)

    def _scalar(self, event):
        yaml = self.yaml
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _TIMESTAMP:
            return event.value  # as YAML 1.2 and editors read it: the text written
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            raise _Refused(event.start_mark.line + 1, _shown(self._path()),
                           f"YAML error: {' '.join(reason.split())}") from None


def parse(text: str) -> tuple[object, Problem | None]:
    """Parse YAML text; return ``(data, None)``, or ``(None, problem)`` when it is refused.

    Examples
    --------
    >>> data, problem = parse("id: L00\\nquestions:\\n  - id: q1\\n")
    >>> problem, data.lines["questions"], data["questions"].lines
    (None, 2, [3])
    >>> parse("a: [1\\n")[1].message
    "YAML syntax error: expected ',' or ']', but got '<stream end>'"
    >>> parse("id: a\\nquestions:\\n  - {id: q1, id: q2}\\n")[1]
    Problem(line=3, where='questions[0].id', message="duplicate key 'id' (first at line 3)")
    """
    import yaml

    # libyaml's events where PyYAML has it (a quiz or a catalog is read several times faster,
    # in every lesson's kernel); a file it refuses is read again with PyYAML's own parser, so
    # that the problem is worded, and placed, as that parser says.
    for loader in dict.fromkeys((getattr(yaml, "CSafeLoader", yaml.SafeLoader),
                                 yaml.SafeLoader)):
        builder = _Builder()
        try:
            for event in yaml.parse(text, Loader=loader):
                builder.event(event)
        except _Refused as refused:
            problem = refused.problem
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problem = Problem(mark.line + 1 if mark else 1, "-", f"YAML syntax error: {reason}")
        else:
            if builder.documents == 0:
                return None, Problem(1, "-", "the file is empty")
            return builder.result, None
    return None, problem


def plain(value):
    """``value`` with every :class:`Map` and :class:`List` turned into a dict and a list."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_text(path) -> tuple[str | None, str | None]:
    """The UTF-8 text of a file, or ``(None, reason)`` when it is missing, not a regular file,
    larger than :data:`MAX_BYTES`, binary or not UTF-8."""
    from crmlab.core.safe_files import NOT_REGULAR, TOO_LARGE, FileRefused, read_regular

    try:  # an instructor may link a course file into place: a link to a regular file is read
        raw = read_regular(path, max_bytes=MAX_BYTES, follow_links=True)
    except FileRefused as refused:
        return None, ("not a regular file" if refused.kind == NOT_REGULAR else
                      f"the file is larger than {MAX_BYTES:,} bytes" if refused.kind == TOO_LARGE
                      else f"cannot read the file ({refused.why})")
    if b"\x00" in raw:
        return None, "not a text file"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


def read(path) -> tuple[object, Problem | None]:
    """The YAML of a file with its lines: ``(data, None)`` or ``(None, problem)``.

    Examples
    --------
    >>> from crmlab.core.paths import course_file
    >>> data, problem = read(course_file())
    >>> problem, data["timezone"]
    (None, 'Asia/Baku')
    """
    text, reason = read_text(path)
    if reason:
        return None, Problem(1, "-", reason)
    return parse(text)


def read_plain(path, *, error: type[Exception] = ValueError):
    """The YAML of a file as plain dicts and lists; raise ``error`` with the one line
    ``FILE:LINE: WHERE: message`` when it is refused.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "list.yaml")
    >>> _ = open(path, "w").write("a: 1\\nb: 2\\na: 3\\n")
    >>> read_plain(path)
    Traceback (most recent call last):
    ...
    ValueError: ...list.yaml:3: a: duplicate key 'a' (first at line 1)
    """
    data, problem = read(path)
    if problem:
        raise error(problem.at(path))
    return plain(data)
