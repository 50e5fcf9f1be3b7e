"""The course file, ``course.yaml``: assessments, weights, deadlines, extensions, late policy.

One YAML file at the course root (format in ``quizzes/README.md``, *Course file*)::

    title: Customer and supplier relationships in the enterprise
    version: "2026.1"
    timezone: Asia/Baku
    late_policy: {penalty_per_day: 10, max_penalty: 50, cutoff_days: 7}
    assessments:
      - {id: L02, kind: quiz, weight: 4, release: "2026-09-21T09:00", deadline: "2026-09-28T23:59"}
      - {id: EX-abc-profit, kind: exercise, weight: 8, deadline: "2026-10-05T23:59"}
    extensions:
      - {student: s-1042, assessment: L02, days: 3}

:func:`validate_course` lists every problem as ``FILE:LINE: FIELD: message`` and never raises.
:func:`load_course` raises :class:`~crmlab.core.exceptions.CourseError` only when the file cannot be
used at all (unreadable, not YAML, no assessments, an unknown time zone); a problem in one entry
(a deadline before its release, a bad weight, an extension naming an unknown assessment) keeps
the run going: the entry is left out or neutralised, and the one-line reason is kept in
:attr:`Course.problems` for ``problems.csv``.

Late policy (per day *started* after the deadline): the penalty is ``penalty_per_day`` percent
of the assessment's points possible per day, at most ``max_penalty`` percent, and the final
points never go below 0; a submission received more than ``cutoff_days`` days after the
deadline scores 0 and is listed. An extension moves the deadline, and the cut-off with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from crmlab.core.exceptions import CourseError
from crmlab.core.paths import course_file
from crmlab.core.validation import LineProblems, check_choice

__all__ = ["Course", "Assessment", "Extension", "LatePolicy", "Late", "load_course",
           "validate_course", "course_file", "KINDS", "parse_time"]

#: What an assessment is: a quiz of ``quizzes/`` or a papermill exercise.
KINDS = ("quiz", "exercise")
DAY = timedelta(days=1)



def parse_time(value, zone) -> datetime:
    """A deadline or release time: ISO 8601 text (or a YAML timestamp), read in ``zone`` unless
    it gives its own offset. A date without a time is refused: say which minute counts.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> parse_time("2026-09-28T23:59", ZoneInfo("Asia/Baku")).isoformat()
    '2026-09-28T23:59:00+04:00'
    >>> parse_time("2026-09-28", ZoneInfo("UTC"))
    Traceback (most recent call last):
    ...
    ValueError: Got '2026-09-28' instead, expected a date and time such as 2026-09-28T23:59.
    """
    moment = value
    if isinstance(value, str) and "T" not in value.strip().upper() and \
            " " not in value.strip():
        moment = None  # a bare date
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if not isinstance(moment, datetime):
        shown = value.isoformat() if isinstance(value, date) else value
        raise ValueError(f"Got {shown!r} instead, expected a date and time such as "
                         "2026-09-28T23:59.")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


@dataclass(frozen=True)
class Late:
    """What the late policy did to one submission."""

    late_days: int
    penalty: float
    final: float
    cut_off: bool = False


@dataclass(frozen=True)
class LatePolicy:
    """Penalty per day started (percent of the points possible), its cap, the hard cut-off.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> policy = LatePolicy(penalty_per_day=10, max_penalty=50, cutoff_days=7)
    >>> due = datetime(2026, 9, 28, 20, 0, tzinfo=timezone.utc)
    >>> policy.apply(8.0, possible=10.0, received=due + DAY * 1.5, deadline=due)
    Late(late_days=2, penalty=2.0, final=6.0, cut_off=False)
    >>> policy.apply(8.0, possible=10.0, received=due + DAY * 8, deadline=due).final
    0.0
    """

    penalty_per_day: float = 0.0
    max_penalty: float = 100.0
    cutoff_days: float | None = None

    def days_late(self, received: datetime, deadline: datetime) -> int:
        """Days started after the deadline (0 when on time)."""
        seconds = (received - deadline).total_seconds()
        return max(0, math.ceil(seconds / DAY.total_seconds()))

    def cutoff(self, deadline: datetime) -> datetime | None:
        """The moment after which a submission scores 0 (None: no cut-off)."""
        return None if self.cutoff_days is None else deadline + DAY * self.cutoff_days

    def apply(self, raw: float, *, possible: float, received: datetime | None,
              deadline: datetime | None) -> Late:
        """Late days, penalty points and final points of ``raw`` points received then."""
        if received is None or deadline is None or received <= deadline:
            return Late(0, 0.0, raw)
        days = self.days_late(received, deadline)
        cutoff = self.cutoff(deadline)
        if cutoff is not None and received > cutoff:
            return Late(days, round(raw, 4), 0.0, cut_off=True)
        share = min(days * self.penalty_per_day, self.max_penalty) / 100
        penalty = round(min(raw, possible * share), 4)
        return Late(days, penalty, round(raw - penalty, 4))


@dataclass(frozen=True)
class Assessment:
    """A quiz or an exercise the course grades; ``source`` is an exercise notebook's path."""

    id: str
    kind: str
    weight: float = 1.0
    release: datetime | None = None
    deadline: datetime | None = None
    late_policy: LatePolicy = LatePolicy()
    source: Path | None = None
    line: int = 0


@dataclass(frozen=True)
class Extension:
    """A later deadline for one student and one assessment (``days`` added, or a ``deadline``)."""

    student: str
    assessment: str
    days: float | None = None
    deadline: datetime | None = None
    reason: str = ""
    line: int = 0


@dataclass
class Course:
    """A loaded course file; ``problems`` are the one-line reasons of entries left out."""

    path: Path
    title: str
    version: str
    timezone: str
    late_policy: LatePolicy
    assessments: tuple[Assessment, ...]
    extensions: tuple[Extension, ...] = ()
    problems: list = field(default_factory=list)
    #: What a practice question's points count in its quiz's grade (0: nothing, the default;
    #: 1: as much as a graded question's).
    practice_weight: float = 0.0

    def assessment(self, assessment_id: str) -> Assessment:
        """The assessment with this id (a CourseError names the known ones)."""
        for item in self.assessments:
            if item.id == assessment_id:
                return item
        check_choice("assessment", assessment_id, [a.id for a in self.assessments],
                     error=CourseError)
        raise AssertionError  # pragma: no cover

    def extension(self, student: str, assessment_id: str) -> Extension | None:
        """The extension of one student for one assessment, if any (the last one listed)."""
        found = [e for e in self.extensions
                 if e.student == student and e.assessment == assessment_id]
        return found[-1] if found else None

    def deadline_for(self, student: str, assessment_id: str) -> datetime | None:
        """The student's deadline: the assessment's, moved by an extension."""
        item = self.assessment(assessment_id)
        extension = self.extension(student, assessment_id)
        if item.deadline is None or extension is None:
            return item.deadline
        return extension.deadline or item.deadline + DAY * extension.days

    def feedback_opens(self, assessment_id: str, students) -> datetime | None:
        """When feedback with keys may go out: after every student's last chance to submit
        (the latest cut-off, or the latest deadline when late work has no cut-off).

        None when the assessment has no deadline. With late work accepted and no cut-off,
        feedback waits for the latest deadline only; late submitters may then have seen keys,
        which is why the course file's policy should name a cut-off.
        """
        item = self.assessment(assessment_id)
        if item.deadline is None:
            return None
        latest = max([self.deadline_for(s, assessment_id) for s in students] or
                     [item.deadline])
        return item.late_policy.cutoff(latest) or latest


# ------------------------------------------------------------------------------ reading
#: What becomes of an assessment whose field the schema refuses, by the field (an unknown field
#: is reported and otherwise ignored).
_ASSESSMENT_CONSEQUENCE = {
    "id": "Left out.", "kind": "Left out.", "source": "Left out.",
    "weight": "Left out of the weighted total.", "release": "Release time ignored.",
    "deadline": "No late policy applied.", "late_policy": "No late policy applied.",
}


class _Reading:
    """The problems of one course file: the schema's (``crmlab/schemas/course.schema.json``)
    and the code's, each a line ``FILE:LINE: FIELD: message``; which entries and fields they
    make unusable."""

    def __init__(self, path: Path, data):
        from crmlab.core.schemas import load_schema, schema_problems

        self.problems = LineProblems(path)
        self.data = data
        self.fields = set(load_schema("course")["definitions"]["assessment"]["properties"])
        self.refused: set = set()  # paths of values the schema refused
        self.found = schema_problems("course", data)

    def where(self, path) -> str:
        """``assessments.L02.weight`` (an assessment by its id when it has a usable one),
        ``extensions[0].days``, ``late_policy.cutoff_days``."""
        from crmlab.core.schemas import shown_path

        if len(path) >= 2 and path[0] == "assessments":
            entry = self.data["assessments"][path[1]]
            ident = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(ident, str) and not self.bad("assessments", path[1], "id"):
                return shown_path(("assessments", ident) + tuple(path[2:]))
        return shown_path(path)

    def report_schema(self, skip=()) -> None:
        """Report every schema problem (but those at ``skip``, said otherwise), with what
        becomes of its entry."""
        self.refused = {p.path for p in self.found if p.kind != "unknown"}
        for problem in self.found:
            if problem.path in skip:
                continue
            message = problem.message.rstrip(".") + "."
            if problem.kind != "unknown":
                message = f"{message} {self.consequence(problem.path)}".strip()
            else:
                message = problem.message
            self.problems.add(problem.line, self.where(problem.path), message)

    @staticmethod
    def consequence(path) -> str:
        if path[0] == "late_policy":
            return "No late policy applied."
        if path[0] == "extensions":
            return "Ignored."
        if path[0] == "assessments" and len(path) >= 2:
            return _ASSESSMENT_CONSEQUENCE.get(path[2] if len(path) > 2 else "id", "")
        return ""

    def bad(self, *path) -> bool:
        """Whether the schema refused the value at ``path`` or anything inside it."""
        return any(refused[:len(path)] == path for refused in self.refused)

    def add(self, data, key, where: str, message: str) -> None:
        self.problems.add(_line(data, key), where, message)


def _line(data, key=None, default=1) -> int:
    lines = getattr(data, "lines", None)
    if key is not None and isinstance(lines, dict) and key in lines:
        return lines[key]
    return getattr(data, "line", default) or default


def _policy(data, base: LatePolicy, refused: bool) -> LatePolicy:
    """``base`` overridden field by field by the late policy ``data`` (none when refused)."""
    if refused:
        return LatePolicy()
    if data is None:
        return base
    known = {item.name for item in fields(LatePolicy)}
    return replace(base, **{key: None if value is None else float(value)
                            for key, value in data.items() if key in known})


def _time(data, key, zone, where: str, reading: _Reading, *, then: str):
    """The time of ``data[key]`` (None when absent or bad: a bad one is a problem, ``then``
    says what happens instead). A time must exist in the calendar and lie in the years
    :data:`crmlab.core.times.YEARS`, so that no extension or cut-off overflows."""
    from crmlab.core.times import YEARS, in_years

    if data.get(key) is None:
        return None
    try:
        moment = parse_time(data[key], zone)
    except ValueError as exc:
        reading.add(data, key, f"{where}.{key}", f"{exc} {then}")
        return None
    if not in_years(moment):
        reading.add(data, key, f"{where}.{key}",
                    f"Got {key}={data[key]!r} instead, expected a time in the years "
                    f"{YEARS[0]} to {YEARS[1]}. {then}")
        return None
    return moment


def _assessment(data, index, seen, zone, policy, root, known, reading: _Reading):
    if ("assessments", index) in reading.refused or \
            any(reading.bad("assessments", index, key) for key in ("id", "kind")):
        return None
    ident, kind, line = data["id"], data["kind"], data.line
    where = f"assessments.{ident}"
    if ident in seen:
        reading.add(data, "id", where, "listed twice; the second entry is left out")
        return None
    source = None
    if data.get("source") is not None:
        if reading.bad("assessments", index, "source"):
            return None
        source = (root / str(data["source"])).resolve()
        if kind != "exercise" or not source.is_file():
            reading.add(data, "source", f"{where}.source",
                        f"{data['source']!r} is not an exercise notebook here. Left out.")
            return None
        wrong = _points_problem(source)
        if wrong:
            reading.add(data, "source", f"{where}.source", f"{wrong}. Left out.")
            return None
    elif known is not None and ident not in known.get(kind, ()):
        names = ", ".join(sorted(known.get(kind, ()))) or "none"
        reading.add(data, "id", where, f"no {kind} has this id (known: {names}). Left out.")
        return None
    weight = 0.0 if reading.bad("assessments", index, "weight") else float(data.get("weight", 1))
    release = deadline = None
    if not reading.bad("assessments", index, "release"):
        release = _time(data, "release", zone, where, reading, then="Release time ignored.")
    if not reading.bad("assessments", index, "deadline"):
        deadline = _time(data, "deadline", zone, where, reading, then="No late policy applied.")
    if release and deadline and deadline < release:
        reading.add(data, "deadline", f"{where}.deadline",
                    f"the deadline {deadline.isoformat()} is before the release "
                    f"{release.isoformat()}. No late policy applied.")
        deadline = None
    own = _policy(data.get("late_policy"), policy,
                  reading.bad("assessments", index, "late_policy"))
    seen.add(ident)
    return Assessment(ident, kind, weight, release, deadline, own, source, line)


def _points_problem(source: Path) -> str:
    """What is wrong with an exercise notebook's metadata for grading ("" when nothing)."""
    from crmlab.core.exceptions import ExerciseError
    from crmlab.exercises.notebook import exercise_metadata

    try:
        points = exercise_metadata(source).get("points", {})
    except ExerciseError as exc:
        return str(exc)
    if not isinstance(points, dict):
        return f"{source}: metadata crmlab.points must map each check to its points"
    for check, value in points.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return (f"{source}: metadata crmlab.points.{check}: Got {value!r} instead, "
                    "expected a number >= 0")
    return ""


def _extension(data, index, course_items, zone, reading: _Reading):
    if reading.bad("extensions", index):
        return None
    where = f"extensions[{index}]"
    ident = data["assessment"]
    if ident not in course_items:
        reading.add(data, "assessment", f"{where}.assessment",
                    f"unknown assessment {ident!r}. Ignored.")
        return None
    deadline = None
    if "deadline" in data:
        deadline = _time(data, "deadline", zone, where, reading, then="Ignored.")
        if deadline is None:
            return None
    days = data.get("days")
    return Extension(str(data["student"]), ident, None if days is None else float(days),
                     deadline, str(data.get("reason") or ""), data.line)


def _known_assessments() -> dict:
    """The quiz ids of ``quizzes/`` and the exercise ids of ``notebooks/exercises``."""
    from crmlab.exercises.notebook import catalogue
    from crmlab.quiz.loading import quiz_files

    return {"quiz": {p.stem for p in quiz_files()}, "exercise": set(catalogue())}


def _read(path: Path, *, check_ids: bool) -> tuple[Course | None, LineProblems, str | None]:
    """``(course, problems, fatal)``: fatal is the reason the file cannot be used at all."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from crmlab.core.yaml_lines import Map, read

    if not path.exists():
        return None, LineProblems(path), f"{path}:1: -: no such file"
    data, problem = read(path)
    if problem:
        return None, LineProblems(path), problem.at(path)
    if not isinstance(data, Map):
        return None, LineProblems(path), f"{path}:1: -: the course file must be a mapping " \
                                         "with assessments"
    reading = _Reading(path, data)
    reading.report_schema(skip={("timezone",), ("assessments",)})
    problems = reading.problems
    zone_name = str(data.get("timezone", "UTC"))
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None, problems, (f"{path}:{_line(data, 'timezone')}: timezone: unknown time "
                                f"zone {zone_name!r} (e.g. Asia/Baku, Europe/Ljubljana, UTC)")
    items = data.get("assessments")
    if not isinstance(items, list) or not items:
        return None, problems, (f"{path}:{_line(data, 'assessments')}: assessments: the "
                                "course file lists no assessments")
    policy = _policy(data.get("late_policy"), LatePolicy(), reading.bad("late_policy"))
    known = _known_assessments() if check_ids else None
    seen: set = set()
    assessments = [a for a in (_assessment(item, i, seen, zone, policy, path.parent, known,
                                           reading) for i, item in enumerate(items)) if a]
    if not assessments:
        return None, problems, (f"{path}:{_line(data, 'assessments')}: assessments: no usable "
                                f"assessment (first problem: {problems.lines()[0]})")
    if not any(a.weight for a in assessments):
        reading.add(data, "assessments", "assessments",
                    "every weight is 0: the weighted total would be 0 for everyone; give an "
                    "assessment a weight > 0")
    extensions = data.get("extensions") if ("extensions",) not in reading.refused else None
    ids = {a.id for a in assessments}
    found = [e for e in (_extension(item, i, ids, zone, reading)
                         for i, item in enumerate(extensions or [])) if e]
    practice = data.get("practice_weight", 0) \
        if ("practice_weight",) not in reading.refused else 0
    course = Course(path=path, title=str(data.get("title", "")),
                    version=str(data.get("version", "")), timezone=zone_name,
                    late_policy=policy, assessments=tuple(assessments),
                    extensions=tuple(found), problems=problems.lines(),
                    practice_weight=float(practice or 0))
    return course, problems, None


def validate_course(path: str | Path | None = None) -> list[str]:
    """Every problem of a course file as ``FILE:LINE: FIELD: message`` (never raises).

    Examples
    --------
    >>> validate_course()
    []
    """
    path = Path(path) if path else course_file()
    course, problems, fatal = _read(path, check_ids=True)
    return ([fatal] if fatal else []) + problems.lines()


def load_course(path: str | Path | None = None, *, check_ids: bool = True) -> Course:
    """Load a course file; raise CourseError only when it cannot be used at all.

    ``check_ids`` checks every assessment id against the course's quizzes and exercises.

    Examples
    --------
    >>> course = load_course()
    >>> course.assessment("L02").kind, course.timezone
    ('quiz', 'Asia/Baku')
    """
    path = Path(path) if path else course_file()
    course, _, fatal = _read(path, check_ids=check_ids)
    if fatal:
        raise CourseError(fatal)
    return course
