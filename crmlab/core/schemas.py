"""The course's file formats as JSON Schemas, and their problems as one line each.

The schemas are package data, ``crmlab/schemas/<name>.schema.json`` (:data:`SCHEMAS`): the quiz
files, ``course.yaml``, a row of the rubric sheet (``rubric.csv``) and a row of ``receipts.csv``.
Editors read the same files (the YAML language server's modeline, see ``README.md``;
``crmlab schema NAME`` prints one). The validators of :mod:`crmlab.quiz.schema`,
:mod:`crmlab.grading.config`, :mod:`crmlab.grading.rubric` and :mod:`crmlab.grading.receipts`
check a file against its schema with the ``jsonschema`` library, here, and then check in code
only what a schema cannot say (a key among the options, every language given, a deadline
after its release, ...).

:func:`schema_problems` turns ``jsonschema``'s errors into :class:`SchemaProblem` s that carry
the line of the offending YAML node (from :mod:`crmlab.core.yaml_lines`) and a message of the
package's one shape:

- a value of the wrong form: ``Got weight=-2 instead, expected a finite number >= 0.`` (what was
  expected is the schema's ``errorMessage``, which editors show too);
- a field the format does not have: ``unknown field 'wieght' in assessment (did you mean
  'weight'?)`` (the object schema's ``title`` names the object);
- a field missing: ``field 'kind' is missing in assessment``;
- a rule whose ``errorMessage`` does not start with "expected": that message (``give either
  days or deadline``).

Two words of the schemas are read the package's way: ``number`` is a finite number that is not
true or false (:func:`crmlab.core.validation.is_finite_number`; YAML's ``.nan`` and ``.inf`` are
not numbers), and the format ``date-time`` is an ISO 8601 time with its offset
(:func:`crmlab.core.times.with_offset`).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["SCHEMAS", "SchemaProblem", "schema_file", "load_schema", "schema_problems",
           "shown_path", "validator_for"]

#: The formats declared as JSON Schemas, by name: ``crmlab/schemas/<name>.schema.json``.
SCHEMAS = ("quiz", "course", "rubric", "receipts")


@dataclass(frozen=True)
class SchemaProblem:
    """One problem of a file against its schema: the path of the offending value (keys and list
    indexes), the line it stands at (1 when the data carries no lines), the message, and its
    kind: ``value`` (of the wrong form), ``unknown`` (a field the format lacks) or ``missing``
    (a field the format requires); ``value`` is the offending value as the message shows it
    (``'two'``; "" where the message shows none), for a caller that words the line its
    own way."""

    path: tuple
    line: int
    message: str
    kind: str = "value"
    value: str = ""


def schema_file(name: str):
    """The file of the schema ``name`` (one of :data:`SCHEMAS`), in the installed package.

    Examples
    --------
    >>> schema_file("course").name
    'course.schema.json'
    """
    from crmlab.core.validation import check_choice

    check_choice("schema", name, SCHEMAS)
    return resources.files("crmlab").joinpath(f"schemas/{name}.schema.json")


@cache
def _text(name: str) -> str:
    return schema_file(name).read_text(encoding="utf-8")


def load_schema(name: str) -> dict:
    """The schema ``name`` as a new dict (the caller may change it).

    Examples
    --------
    >>> load_schema("course")["title"]
    'course file'
    """
    return json.loads(_text(name))


def _finite(checker, instance) -> bool:
    from crmlab.core.validation import is_finite_number

    return is_finite_number(instance)


def _whole(checker, instance) -> bool:
    return _finite(checker, instance) and float(instance).is_integer()


def _with_offset(instance) -> bool:
    from crmlab.core.times import with_offset

    if isinstance(instance, str):
        with_offset(instance)  # raises ValueError: not a time with its offset
    return True


@cache
def _jsonschema():
    """``jsonschema``, imported without its optional ``iri`` format check.

    Jupyter installs ``jsonschema[format-nongpl]``, whose ``rfc3987_syntax`` compiles dozens of
    grammars when ``jsonschema`` is imported: seconds, on a lesson's first ``quiz.show``. No
    course format has an ``iri`` field, so the module is hidden while ``jsonschema`` loads (the
    check is then left out, as it is where the package is not installed) and can be imported
    normally afterwards.
    """
    import sys

    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


@cache
def _validator_class():
    jsonschema = _jsonschema()
    base = jsonschema.Draft7Validator
    types = base.TYPE_CHECKER.redefine_many({"number": _finite, "integer": _whole})
    return jsonschema.validators.extend(base, type_checker=types)


def validator_for(schema: dict):
    """A ``jsonschema`` validator of ``schema`` that reads numbers and times the package's way.

    Examples
    --------
    >>> check = validator_for({"type": "number"})
    >>> check.is_valid(2.5), check.is_valid(float("nan")), check.is_valid(True)
    (True, False, False)
    """
    formats = _jsonschema().FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_with_offset)
    return _validator_class()(schema, format_checker=formats)


def shown_path(path) -> str:
    """``assessments[2].weight`` for the path ``("assessments", 2, "weight")``.

    Examples
    --------
    >>> shown_path(("questions", 0, "options", 1, "correct")), shown_path(())
    ('questions[0].options[1].correct', '-')
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


def _line(data, path) -> int:
    """The line of the value at ``path``: where its key or list item stands."""
    node, line = data, getattr(data, "line", 0) or 1
    for part in path:
        lines = getattr(node, "lines", None)
        try:
            if isinstance(lines, (dict, list)):
                line = lines[part] or line
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _value(value) -> str:
    """A value as a message shows it: as Python writes it when that is short, else a text cut
    at 60 characters, a list or a mapping by its size."""
    from crmlab.core.yaml_lines import plain

    shown = repr(plain(value))
    if len(shown) <= 60:
        return shown
    if isinstance(value, list):
        return f"[...] ({len(value)} item{'s' if len(value) != 1 else ''})"
    if isinstance(value, dict):
        return f"{{...}} ({len(value)} field{'s' if len(value) != 1 else ''})"
    return shown[:57] + "..."


_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a text", "number": "a number",
               "integer": "a whole number", "boolean": "true or false", "null": "nothing"}


def _expected(error) -> str:
    """What the schema expected where ``error`` failed, from its ``errorMessage`` or words of
    its own."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if schema.get("errorMessage"):
        return schema["errorMessage"]
    keyword, value = error.validator, error.validator_value
    if keyword == "enum":
        return "expected one of " + ", ".join(repr(v) for v in value)
    if keyword == "const":
        return f"expected {value!r}"
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        return "expected " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
    if keyword == "format":
        return f"expected a {value}"
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=",
                "exclusiveMaximum": "<"}[keyword]
        return f"expected a number {sign} {value:g}"
    return "expected " + " ".join(error.message.split())


def _unknown(error, data, base) -> list[SchemaProblem]:
    schema, instance = error.schema, error.instance
    allowed = sorted(schema.get("properties", {}))
    title = schema.get("title", "this mapping")
    out = []
    for key in instance:
        if key in schema.get("properties", {}):
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        path = base + (key,)
        out.append(SchemaProblem(path, _line(data, path), f"unknown field {key!r} in {title}"
                                                          f"{hint}", "unknown"))
    return out


def schema_problems(schema: dict | str, data, *, label=None) -> list[SchemaProblem]:
    """Every problem of ``data`` (read by :mod:`crmlab.core.yaml_lines`, or plain) against
    ``schema`` (a schema, or the name of one of :data:`SCHEMAS`), in the order of the file.

    ``label(path)`` names a value in ``Got NAME=value instead, ...`` (default: its last key,
    with the list indexes after it).

    Examples
    --------
    >>> from crmlab.core.yaml_lines import parse
    >>> data, _ = parse("assessments:\\n  - {id: L00, kind: essay, wieght: 2}\\n")
    >>> for problem in schema_problems("course", data):
    ...     print(problem.line, shown_path(problem.path), problem.message)
    2 assessments[0].wieght unknown field 'wieght' in assessment (did you mean 'weight'?)
    2 assessments[0].kind Got kind='essay' instead, expected one of 'quiz', 'exercise'.
    """
    if isinstance(schema, str):
        schema = load_schema(schema)
    label = label or _label
    problems = []
    for error in _errors(schema, data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            problems.extend(_unknown(error, data, path))
        elif error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            title = error.schema.get("title", "this mapping")
            for name in missing:
                problems.append(SchemaProblem(path + (name,), _line(data, path),
                                              f"field {name!r} is missing in {title}",
                                              "missing"))
        elif not error.schema.get("errorMessage", "expected").startswith("expected"):
            # A rule in the schema's own words ("give either days or deadline").
            problems.append(SchemaProblem(path, _line(data, path), error.schema["errorMessage"]))
        else:
            name = label(path)
            name = "" if name == "-" else f"{name}="
            shown = _value(error.instance)
            problems.append(SchemaProblem(path, _line(data, path),
                                          f"Got {name}{shown} instead, {_expected(error)}.",
                                          value=shown))
    return sorted(problems, key=lambda p: p.line)


def _errors(schema: dict, data):
    key = json.dumps(schema, sort_keys=True)
    if key not in _VALIDATORS:
        if len(_VALIDATORS) > 16:  # schemas assembled in tests come and go
            _VALIDATORS.clear()
        _VALIDATORS[key] = validator_for(schema)
    return _VALIDATORS[key].iter_errors(data)


#: Validators built so far, by their schema's text: a schema is compiled once.
_VALIDATORS: dict = {}


def _label(path) -> str:
    """The last key of ``path`` with the indexes after it (``options[1]``), or the path."""
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], str):
            return shown_path(path[index:])
    return shown_path(path)
