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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from crmlab.core.exceptions import CourseError
from crmlab.core.paths import course_file
from crmlab.core.validation import LineProblems, check_choice, check_number

__all__ = ["Course", "Assessment", "Extension", "LatePolicy", "Late", "load_course",
           "validate_course", "course_file", "KINDS", "COURSE_FIELDS", "ASSESSMENT_FIELDS",
           "EXTENSION_FIELDS", "POLICY_FIELDS", "parse_time"]

#: What an assessment is: a quiz of ``quizzes/`` or a papermill exercise.
KINDS = ("quiz", "exercise")
#: The fields of the course file's top level.
COURSE_FIELDS = frozenset({"title", "version", "timezone", "late_policy", "assessments",
                           "extensions"})
#: The fields of one assessment.
ASSESSMENT_FIELDS = frozenset({"id", "kind", "weight", "release", "deadline", "late_policy",
                               "source"})
#: The fields of one extension.
EXTENSION_FIELDS = frozenset({"student", "assessment", "days", "deadline", "reason"})
#: The fields of a late policy.
POLICY_FIELDS = frozenset({"penalty_per_day", "max_penalty", "cutoff_days"})
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
class _Problems(LineProblems):
    def entry(self, data, where: str, allowed, shape: str) -> bool:
        """Whether ``data`` is a mapping (else a problem naming its ``shape``); every key of
        it outside ``allowed`` is a problem too."""
        from crmlab.core.yaml_lines import Map

        if not isinstance(data, Map):
            self.add(getattr(data, "line", 0) or 0, where, shape)
            return False
        for key in data:
            if key not in allowed:
                self.add(_line(data, key), f"{where}.{key}" if where != "-" else key,
                         f"unknown field (expected one of {', '.join(sorted(allowed))})")
        return True


def _line(data, key, default=0) -> int:
    lines = getattr(data, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, getattr(data, "line", default))
    return getattr(data, "line", default)


def _policy(data, base: LatePolicy, where: str, problems: _Problems) -> LatePolicy:
    if data is None:
        return base
    if not problems.entry(data, where, POLICY_FIELDS,
                          "a late policy is a mapping of penalty_per_day, max_penalty, "
                          "cutoff_days; no late policy applied"):
        return LatePolicy()
    values = {}
    for key in data:
        if key not in POLICY_FIELDS:
            continue
        try:
            value = data[key]
            if key == "cutoff_days" and value is None:
                values[key] = None
                continue
            number = check_number(key, value, minimum=0, error=CourseError)
            if key != "cutoff_days" and number > 100:
                raise CourseError(f"Got {key}={value!r} instead, expected a percent from 0 "
                                  "to 100.")
            values[key] = number
        except CourseError as exc:
            problems.add(_line(data, key), f"{where}.{key}", f"{exc} No late policy applied")
            return LatePolicy()
    return replace(base, **values)


def _time(data, key, zone, where: str, problems: _Problems, *, then: str):
    """The time of ``data[key]`` (None when absent or bad: a bad one is a problem, ``then``
    says what happens instead)."""
    if data.get(key) is None:
        return None
    try:
        return parse_time(data[key], zone)
    except ValueError as exc:
        problems.add(_line(data, key), f"{where}.{key}", f"{exc} {then}")
        return None


def _assessment(data, index, seen, zone, policy, root, known, problems: _Problems):
    where = f"assessments[{index}]"
    if not problems.entry(data, where, ASSESSMENT_FIELDS,
                          "an assessment is a mapping with id, kind, weight, deadline"):
        return None
    line = data.line
    ident = data.get("id")
    if not isinstance(ident, str) or not ident:
        problems.add(_line(data, "id"), where, "the assessment has no id; left out")
        return None
    where = f"assessments.{ident}"
    if ident in seen:
        problems.add(_line(data, "id"), where, "listed twice; the second entry is left out")
        return None
    kind = data.get("kind")
    if kind not in KINDS:
        problems.add(_line(data, "kind"), f"{where}.kind",
                     f"Got kind={kind!r} instead, expected one of 'quiz', 'exercise'; left out")
        return None
    source = None
    if data.get("source") is not None:
        source = (root / str(data["source"])).resolve()
        if kind != "exercise" or not source.is_file():
            problems.add(_line(data, "source"), f"{where}.source",
                         f"{data['source']!r} is not an exercise notebook here; left out")
            return None
        wrong = _points_problem(source)
        if wrong:
            problems.add(_line(data, "source"), f"{where}.source", f"{wrong}; left out")
            return None
    elif known is not None and ident not in known.get(kind, ()):
        names = ", ".join(sorted(known.get(kind, ()))) or "none"
        problems.add(_line(data, "id"), where, f"no {kind} has this id (known: {names}); "
                                               "left out")
        return None
    weight = data.get("weight", 1)
    try:
        weight = check_number("weight", weight, minimum=0, error=CourseError)
    except CourseError as exc:
        problems.add(_line(data, "weight"), f"{where}.weight",
                     f"{exc} Left out of the weighted total")
        weight = 0.0
    release = _time(data, "release", zone, where, problems, then="Release time ignored")
    deadline = _time(data, "deadline", zone, where, problems, then="No late policy applied")
    if release and deadline and deadline < release:
        problems.add(_line(data, "deadline"), f"{where}.deadline",
                     f"the deadline {deadline.isoformat()} is before the release "
                     f"{release.isoformat()}; no late policy applied")
        deadline = None
    own = _policy(data.get("late_policy"), policy, f"{where}.late_policy", problems)
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


def _extension(data, index, course_items, zone, problems: _Problems):
    where = f"extensions[{index}]"
    if not problems.entry(data, where, EXTENSION_FIELDS, "an extension is a mapping with "
                          "student, assessment and days or deadline; ignored"):
        return None
    line = data.line
    student = data.get("student")
    if not isinstance(student, (str, int)) or isinstance(student, bool) or student == "":
        problems.add(_line(data, "student"), f"{where}.student", "no student id; ignored")
        return None
    ident = data.get("assessment")
    if not isinstance(ident, str) or ident not in course_items:
        problems.add(_line(data, "assessment"), f"{where}.assessment",
                     f"unknown assessment {ident!r}; ignored")
        return None
    days, deadline = data.get("days"), None
    if ("days" in data) == ("deadline" in data):
        problems.add(line, where, "give either days or deadline; ignored")
        return None
    if "days" in data:
        try:
            days = check_number("days", days, minimum=0, strict=True, error=CourseError)
        except CourseError as exc:
            problems.add(_line(data, "days"), f"{where}.days", f"{exc} Ignored")
            return None
    else:
        deadline = _time(data, "deadline", zone, where, problems, then="Ignored")
        if deadline is None:
            return None
    return Extension(str(student), ident, days, deadline, str(data.get("reason") or ""), line)


def _known_assessments() -> dict:
    """The quiz ids of ``quizzes/`` and the exercise ids of ``notebooks/exercises``."""
    from crmlab.exercises.notebook import catalogue
    from crmlab.quiz.loading import quiz_files

    return {"quiz": {p.stem for p in quiz_files()}, "exercise": set(catalogue())}


def _read(path: Path, *, check_ids: bool) -> tuple[Course | None, _Problems, str | None]:
    """``(course, problems, fatal)``: fatal is the reason the file cannot be used at all."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from crmlab.core.yaml_lines import Map, read

    problems = _Problems(path)
    if not path.exists():
        return None, problems, f"{path}:1: -: no such file"
    data, problem = read(path)
    if problem:
        return None, problems, problem.at(path)
    if not isinstance(data, Map):
        return None, problems, f"{path}:1: -: the course file must be a mapping with " \
                               "assessments"
    problems.entry(data, "-", COURSE_FIELDS, "")
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
    policy = _policy(data.get("late_policy"), LatePolicy(), "late_policy", problems)
    known = _known_assessments() if check_ids else None
    seen: set = set()
    assessments = [a for a in (_assessment(item, i, seen, zone, policy, path.parent, known,
                                           problems) for i, item in enumerate(items)) if a]
    if not assessments:
        return None, problems, (f"{path}:{_line(data, 'assessments')}: assessments: no usable "
                                f"assessment (first problem: {problems.lines()[0]})")
    extensions = data.get("extensions") or []
    if not isinstance(extensions, list):
        problems.add(_line(data, "extensions"), "extensions", "must be a list; ignored")
        extensions = []
    ids = {a.id for a in assessments}
    found = [e for e in (_extension(item, i, ids, zone, problems)
                         for i, item in enumerate(extensions)) if e]
    course = Course(path=path, title=str(data.get("title", "")),
                    version=str(data.get("version", "")), timezone=zone_name,
                    late_policy=policy, assessments=tuple(assessments),
                    extensions=tuple(found), problems=problems.lines())
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
