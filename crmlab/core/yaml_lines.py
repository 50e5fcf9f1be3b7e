"""YAML parsed with line numbers, so every schema problem can say ``FILE:LINE``.

:func:`parse` returns mappings and lists that remember the line of each key and item
(:class:`Map`, :class:`List`); :func:`plain` turns them back into ordinary dicts and lists.
Only YAML's safe subset is read.
"""

from __future__ import annotations

__all__ = ["Map", "List", "parse", "plain", "read_text"]


class Map(dict):
    """A YAML mapping; ``line`` is where it starts, ``lines[key]`` where each key stands."""

    line = 0
    lines: dict


class List(list):
    """A YAML sequence; ``line`` is where it starts, ``lines[i]`` where item ``i`` stands."""

    line = 0
    lines: list


def _build(node):
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = Map()
        out.line, out.lines = line, {}
        for key_node, value_node in node.value:
            key = _build(key_node)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            out[key] = _build(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = List(_build(item) for item in node.value)
        out.line, out.lines = line, [item.start_mark.line + 1 for item in node.value]
        return out
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def parse(text: str):
    """Parse YAML text; return ``(data, error_line, error)`` (``error`` is None on success).

    Examples
    --------
    >>> data, _, error = parse("id: L00\\nquestions:\\n  - id: q1\\n")
    >>> error, data.lines["questions"], data["questions"].lines
    (None, 2, [3])
    >>> parse("a: [1\\n")[2]
    "YAML syntax error: expected ',' or ']', but got '<stream end>'"
    """
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, (mark.line + 1 if mark else 1), f"YAML syntax error: {problem}"
    if node is None:
        return None, 1, "the file is empty"
    try:
        return _build(node), 0, None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, node.start_mark.line + 1, f"YAML error: {' '.join(str(exc).split())}"


def plain(value):
    """``value`` with every :class:`Map` and :class:`List` turned into a dict and a list."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_text(path) -> tuple[str | None, str | None]:
    """The UTF-8 text of a file, or ``(None, reason)`` when it is unreadable or binary."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read the file ({exc.strerror or exc})"
    if b"\x00" in raw:
        return None, "not a text file"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
