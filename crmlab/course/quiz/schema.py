"""One schema for every quiz file: parse YAML keeping line numbers, validate, build a Quiz.

``validate_file(path)`` returns every problem as ``FILE:LINE: QUESTION_ID: message`` and never
raises, whatever the file holds; ``load(path)`` returns a :class:`Quiz` or raises a
:class:`~crmlab.exceptions.QuizError` with the first problem. The format is documented in
``quizzes/README.md``.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

from crmlab.exceptions import QuizError

TYPES = ("single", "multi", "truefalse", "numeric", "matching")
MODES = ("practice", "graded")
QUIZ_FIELDS = {"id", "title", "languages", "lesson", "mode", "shuffle", "description",
               "questions", "released"}
QUESTION_FIELDS = {
    "common": {"id", "type", "prompt", "explanation", "points", "shuffle", "mode", "tags"},
    "single": {"options"}, "multi": {"options"}, "truefalse": {"answer"},
    "numeric": {"answer", "tolerance", "unit"}, "matching": {"pairs", "choices"},
}
OPTION_FIELDS = {"id", "text", "correct", "feedback", "pin"}
PAIR_FIELDS = {"id", "left", "match"}
CHOICE_FIELDS = {"id", "text"}
TEXT_FIELDS = {"title", "description", "prompt", "explanation", "text", "feedback", "left"}
#: Fields that reveal the key of a question; a student release drops them from graded ones.
KEY_FIELDS = {"correct", "answer", "tolerance", "match", "explanation", "feedback"}


# --------------------------------------------------------------------------- parsed objects
@dataclass(frozen=True)
class Option:
    id: str
    text: object
    correct: bool = False
    feedback: object = None
    pin: bool = False


@dataclass(frozen=True)
class Pair:
    id: str
    left: object
    match: str | None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: object
    mode: str
    points: float = 1.0
    options: tuple[Option, ...] = ()
    answer: object = None
    tolerance: tuple[str, float] = ("absolute", 0.0)
    unit: str = ""
    pairs: tuple[Pair, ...] = ()
    choices: tuple[Option, ...] = ()
    explanation: object = None
    shuffle: bool = True
    tags: dict = field(default_factory=dict)

    @property
    def has_key(self) -> bool:
        """False in a student release, where graded questions carry no key."""
        if self.type in ("single", "multi"):
            return any(option.correct for option in self.options)
        if self.type == "matching":
            return all(pair.match is not None for pair in self.pairs)
        return self.answer is not None


@dataclass(frozen=True)
class Quiz:
    id: str
    title: object
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path | None = None
    lesson: str = ""
    mode: str = "practice"
    description: object = None
    released: bool = False

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(repr(q.id) for q in self.questions)
        raise QuizError(f"quiz {self.id!r}: unknown question {question_id!r}; expected one of "
                        f"{known}")


# --------------------------------------------------------------------------- YAML with lines
class _Map(dict):
    line = 0
    lines: dict


class _List(list):
    line = 0
    lines: list


def _build(node):
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line, out.lines = line, {}
        for key_node, value_node in node.value:
            key = _build(key_node)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            out[key] = _build(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = _List(_build(item) for item in node.value)
        out.line, out.lines = line, [item.start_mark.line + 1 for item in node.value]
        return out
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _parse(text: str):
    """Parse YAML text into _Map/_List with line numbers; returns (data, error_line, error)."""
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


# --------------------------------------------------------------------------- validation
class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[tuple[int, str, str]] = []
        self.languages: tuple[str, ...] = ("en",)

    def add(self, line: int, qid: str, message: str) -> None:
        self.problems.append((line, qid, message))

    def unknown_fields(self, data: _Map, allowed: set, qid: str, what: str) -> None:
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.add(data.lines.get(key, data.line), qid,
                         f"unknown field {key!r} in {what}{suffix}")

    def text(self, data: _Map, key: str, qid: str, *, required: bool) -> None:
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

    def items(self, items, qid: str, what: str, *, article: str, shape: str, allowed: set,
              text_key: str):
        """Check each entry of a list of mappings (id unique, text present); yield the valid ones.

        Yields ``(entry, line, id)`` for every entry that is a mapping, after the checks shared by
        options, choices and pairs; the caller checks what is particular to its kind.
        """
        seen = set()
        for entry, line in zip(items, items.lines):
            if not isinstance(entry, _Map):
                self.add(line, qid, f"{article} {what} must be a mapping with {shape}")
                continue
            self.unknown_fields(entry, allowed, qid, what)
            ident = self.ident(entry, qid, what)
            if ident in seen:
                self.add(entry.lines.get("id", line), qid, f"duplicate {what} id {ident!r}")
            seen.add(ident)
            self.text(entry, text_key, qid, required=True)
            yield entry, line, ident

    def ident(self, data: _Map, qid: str, what: str) -> str | None:
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


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_question(c: _Checker, q, index: int, released: bool, quiz_line: int,
                    seen: set) -> None:
    if not isinstance(q, _Map):
        c.add(quiz_line, f"#{index + 1}", "a question must be a mapping of fields")
        return
    qid = c.ident(q, f"#{index + 1}", "question") or f"#{index + 1}"
    if qid in seen:
        c.add(q.lines.get("id", q.line), qid, f"duplicate question id {qid!r}")
    seen.add(qid)
    qtype = q.get("type")
    if qtype not in TYPES:
        c.add(q.lines.get("type", q.line), qid,
              f"unknown type {qtype!r}; expected one of {', '.join(TYPES)}")
        c.unknown_fields(q, set().union(*QUESTION_FIELDS.values()), qid, "question")
        return
    c.unknown_fields(q, QUESTION_FIELDS["common"] | QUESTION_FIELDS[qtype], qid, "question")
    c.text(q, "prompt", qid, required=True)
    c.text(q, "explanation", qid, required=False)
    mode = q.get("mode", "practice")
    if mode not in MODES:
        c.add(q.lines.get("mode", q.line), qid, f"mode {mode!r} is not one of practice, graded")
    keyless = released and mode == "graded"
    if "points" in q and not (_number(q["points"]) and q["points"] > 0):
        c.add(q.lines["points"], qid, f"points must be a positive number, got {q['points']!r}")
    for flag in ("shuffle",):
        if flag in q and not isinstance(q[flag], bool):
            c.add(q.lines[flag], qid, f"{flag} must be true or false, got {q[flag]!r}")
    if "tags" in q and not isinstance(q["tags"], (dict, list)):
        c.add(q.lines["tags"], qid, "tags must be a mapping (lesson, topic) or a list")

    if qtype in ("single", "multi"):
        options = q.get("options")
        if not isinstance(options, list) or len(options) < 2:
            c.add(q.lines.get("options", q.line), qid, "options must list at least two options")
            return
        n_correct = 0
        for option, _, _ in c.items(options, qid, "option", article="an", shape="id and text",
                                    allowed=OPTION_FIELDS, text_key="text"):
            c.text(option, "feedback", qid, required=False)
            for flag in ("correct", "pin"):
                if flag in option and not isinstance(option[flag], bool):
                    c.add(option.lines[flag], qid,
                          f"{flag} must be true or false, got {option[flag]!r}")
            n_correct += option.get("correct") is True
        if keyless:
            return
        if n_correct == 0:
            c.add(q.lines.get("options", q.line), qid, "no option is marked correct")
        elif qtype == "single" and n_correct > 1:
            c.add(q.lines.get("options", q.line), qid,
                  f"a single-choice question has {n_correct} correct options; use type multi")
    elif qtype == "truefalse":
        if keyless:
            return
        if not isinstance(q.get("answer"), bool):
            c.add(q.lines.get("answer", q.line), qid,
                  "a truefalse question needs answer: true or false (the correct answer)")
    elif qtype == "numeric":
        if keyless:
            return
        if "answer" not in q or not _number(q["answer"]):
            c.add(q.lines.get("answer", q.line), qid,
                  "a numeric question needs a numeric answer (the correct value)")
        if "tolerance" in q:
            tol, line = q["tolerance"], q.lines["tolerance"]
            if isinstance(tol, dict):
                if len(tol) != 1 or next(iter(tol)) not in ("absolute", "relative"):
                    c.add(line, qid, "bad tolerance: give a number, or one of "
                                     "{absolute: X} or {relative: X}")
                elif not (_number(next(iter(tol.values()))) and next(iter(tol.values())) >= 0):
                    c.add(line, qid, f"bad tolerance: {next(iter(tol.values()))!r} is not a "
                                     "non-negative number")
                elif "relative" in tol and tol["relative"] >= 1:
                    c.add(line, qid, "bad tolerance: a relative tolerance must be below 1")
            elif not (_number(tol) and tol >= 0):
                c.add(line, qid, f"bad tolerance: {tol!r} is not a non-negative number")
    elif qtype == "matching":
        choices, pairs = q.get("choices"), q.get("pairs")
        choice_ids = set()
        if not isinstance(choices, list) or len(choices) < 2:
            c.add(q.lines.get("choices", q.line), qid, "choices must list at least two items")
        else:
            choice_ids = {cid for _, _, cid in c.items(
                choices, qid, "choice", article="a", shape="id and text", allowed=CHOICE_FIELDS,
                text_key="text")}
        if not isinstance(pairs, list) or len(pairs) < 2:
            c.add(q.lines.get("pairs", q.line), qid, "pairs must list at least two items")
            return
        for pair, line, pid in c.items(pairs, qid, "pair", article="a",
                                       shape="id, left and match", allowed=PAIR_FIELDS,
                                       text_key="left"):
            if keyless:
                continue
            if pair.get("match") is None:
                c.add(line, qid, f"pair {pid!r} is unpaired: it has no 'match'")
            elif str(pair["match"]) not in choice_ids:
                c.add(pair.lines.get("match", line), qid,
                      f"pair {pid!r} matches {pair['match']!r}, which is not a choice id")


def _check(path: Path, data) -> list[tuple[int, str, str]]:
    c = _Checker(path)
    if not isinstance(data, _Map):
        c.add(getattr(data, "line", 1) or 1, "-", "the file must be a mapping with id, title "
                                                   "and questions")
        return c.problems
    langs = data.get("languages", ["en"])
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        c.add(data.lines.get("languages", data.line), "-",
              "languages must be a list such as [en, az]")
    else:
        c.languages = tuple(langs)
    c.unknown_fields(data, QUIZ_FIELDS, "-", "quiz")
    quiz_id = data.get("id")
    if not isinstance(quiz_id, str) or not quiz_id:
        c.add(data.lines.get("id", data.line), "-", "the quiz has no 'id'")
    elif quiz_id != path.stem:
        c.add(data.lines["id"], "-", f"quiz id {quiz_id!r} must equal the file name "
                                     f"{path.stem!r}")
    c.text(data, "title", "-", required=True)
    c.text(data, "description", "-", required=False)
    if data.get("mode", "practice") not in MODES:
        c.add(data.lines.get("mode", data.line), "-",
              f"mode {data.get('mode')!r} is not one of practice, graded")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        c.add(data.lines.get("questions", data.line), "-", "questions must be a non-empty list")
        return c.problems
    seen: set[str] = set()
    default_mode = data.get("mode", "practice")
    released = data.get("released") is True
    for index, q in enumerate(questions):
        if isinstance(q, _Map) and "mode" not in q:
            q = _with_default(q, "mode", default_mode)
        _check_question(c, q, index, released, questions.lines[index], seen)
    return c.problems


def _with_default(q: _Map, key, value) -> _Map:
    copy = _Map(q)
    copy.line, copy.lines = q.line, dict(q.lines)
    copy[key] = value
    return copy


def _read_text(path: Path) -> tuple[str | None, str | None]:
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


def validate_file(path: str | Path) -> list[str]:
    """Return the problems of one quiz file, each as ``FILE:LINE: QUESTION_ID: message``.

    Examples
    --------
    >>> from crmlab.paths import quizzes_dir
    >>> validate_file(quizzes_dir() / "L00.yaml")
    []
    """
    path = Path(path)
    text, error = _read_text(path)
    if error:
        return [f"{path}:1: -: {error}"]
    data, line, error = _parse(text)
    if error:
        return [f"{path}:{line}: -: {error}"]
    return [f"{path}:{line}: {qid}: {message}" for line, qid, message in
            sorted(_check(path, data), key=lambda p: p[0])]


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _tolerance(value) -> tuple[str, float]:
    if value is None:
        return ("absolute", 0.0)
    if isinstance(value, dict):
        kind, amount = next(iter(value.items()))
        return (kind, float(amount))
    return ("absolute", float(value))


def load_file(path: str | Path) -> Quiz:
    """Load and validate one quiz file; raise QuizError with the first problem."""
    path = Path(path)
    problems = validate_file(path)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise QuizError(problems[0] + more)
    data, _, _ = _parse(_read_text(path)[0])
    data = _plain(data)
    default_mode = data.get("mode", "practice")
    quiz_shuffle = data.get("shuffle", True)
    questions = []
    for q in data["questions"]:
        options = tuple(Option(id=str(o["id"]), text=o["text"], correct=o.get("correct", False),
                               feedback=o.get("feedback"), pin=o.get("pin", False))
                        for o in q.get("options", []))
        choices = tuple(Option(id=str(o["id"]), text=o["text"]) for o in q.get("choices", []))
        pairs = tuple(Pair(id=str(p["id"]), left=p["left"],
                           match=None if p.get("match") is None else str(p["match"]))
                      for p in q.get("pairs", []))
        tags = q.get("tags", {})
        if isinstance(tags, list):
            tags = {"topic": ", ".join(map(str, tags))}
        questions.append(Question(
            id=str(q["id"]), type=q["type"], prompt=q["prompt"],
            mode=q.get("mode", default_mode), points=float(q.get("points", 1)),
            options=options, answer=q.get("answer"), tolerance=_tolerance(q.get("tolerance")),
            unit=str(q.get("unit", "")), pairs=pairs, choices=choices,
            explanation=q.get("explanation"), shuffle=q.get("shuffle", quiz_shuffle),
            tags={"lesson": data.get("lesson", ""), **tags},
        ))
    return Quiz(id=data["id"], title=data["title"], languages=tuple(data.get("languages", ["en"])),
                questions=tuple(questions), path=path, lesson=data.get("lesson", ""),
                mode=default_mode, description=data.get("description"),
                released=data.get("released", False))


def text(value, lang: str = "en") -> str:
    """The text of a field in ``lang`` (a plain string is the same in every language).

    Examples
    --------
    >>> text({"en": "Supplier", "az": "Təchizatçı"}, "az")
    'Təchizatçı'
    >>> text("Supplier", "az")
    'Supplier'
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values())))
    return str(value)
