"""YAML parsed with line numbers, so every schema problem can say ``FILE:LINE``.

:func:`parse` returns mappings and lists that remember the line of each key and item
(:class:`Map`, :class:`List`); :func:`plain` turns them back into ordinary dicts and lists.
Only YAML's safe subset is read, with libyaml's C parser where PyYAML has it (a lesson's quiz
is parsed ten times faster); a file the C parser refuses is parsed again in Python, so that the
error says what PyYAML's own parser says.
"""

from __future__ import annotations

__all__ = ["Map", "List", "parse", "plain", "read_text", "safe_load"]


class Map(dict):
    """A YAML mapping; ``line`` is where it starts, ``lines[key]`` where each key stands."""

    line = 0
    lines: dict


class List(list):
    """A YAML sequence; ``line`` is where it starts, ``lines[i]`` where item ``i`` stands."""

    line = 0
    lines: list


def _loader(fast: bool = True):
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader


def safe_load(text: str):
    """``yaml.safe_load(text)``, with the C parser where there is one.

    Examples
    --------
    >>> safe_load("a: [1, 2]\\nb: yes\\n")
    {'a': [1, 2], 'b': True}
    """
    import yaml

    return yaml.load(text, Loader=_loader())


def _build(node, constructor):
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = Map()
        out.line, out.lines = line, {}
        for key_node, value_node in node.value:
            key = _build(key_node, constructor)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            out[key] = _build(value_node, constructor)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = List(_build(item, constructor) for item in node.value)
        out.line, out.lines = line, [item.start_mark.line + 1 for item in node.value]
        return out
    return constructor.construct_object(node, deep=True)


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

    for fast in (True, False):  # the C parser; Python's again for the wording of an error
        try:
            node = yaml.compose(text, Loader=_loader(fast))
        except yaml.YAMLError as exc:
            if fast:
                continue
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return None, (mark.line + 1 if mark else 1), f"YAML syntax error: {problem}"
        if node is None:
            return None, 1, "the file is empty"
        try:
            return _build(node, yaml.constructor.SafeConstructor()), 0, None
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            if not fast:
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
