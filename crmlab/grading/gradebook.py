"""``crmlab gradebook``: one course gradebook from the quiz grades and the exercise grades.

Inputs are the graders' own outputs, read as files (the interface between them):

- a quiz grading folder (``crmlab grade ... --out DIR``): ``responses.csv`` (points per answer,
  empty while pending), ``submissions.csv`` (each submission's checksum and receipt time),
  ``run.json`` (the points possible of each quiz) and ``hand_grades.csv``;
- exercise grading folders (``crmlab exercises grade ... --out DIR``): ``details.csv``,
  ``checks.csv`` and ``notes.csv``, read back as typed results
  (:func:`crmlab.grading.files.read_exercise_results`);
- the course file (:mod:`crmlab.grading.config`): assessments, weights, deadlines, extensions and
  the late policy; receipts (:mod:`crmlab.grading.receipts`) and the roster.

For each student and assessment of the course file: the raw points, when the submission was
received and from which source, the deadline (moved by an extension), the days late, the
penalty, the final points, the status (a code of :data:`STATUSES`: ``on_time``, ``late``,
``cut_off``, ``missing``, ``no_deadline``) and, as a field of its own, how many answers are
still ``pending`` hand grading. A student with no submission for an assessment gets 0 for it and
a row in problems.csv; a free-text answer not graded yet makes the assessment's final points,
and the weighted total, pending (empty, never 0). The weighted total is ``sum(weight * final / possible) /
sum(weight) * 100`` over the assessments, in percent.

Which time counts: a quiz's receipt (receipts.csv, matched by the bundle's checksum) or else the
bundle's file time when collected, taking the earliest submission that already held the
counted answers of that quiz; an exercise's latest receipt for that student. A bundle's own
``created`` is never used: the student's machine wrote it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from crmlab.core.atomic import write_text
from crmlab.core.display import text_table
from crmlab.core.exceptions import CourseError
from crmlab.core.i18n import message, reader_language
from crmlab.core.times import iso, with_offset
from crmlab.core.validation import Problems, check_choice
from crmlab.grading import files, history
from crmlab.grading.config import Course, load_course
from crmlab.grading.lms import FORMATS, layout
from crmlab.grading.overrides import overridden
from crmlab.grading.receipts import Receipts, read_receipts
from crmlab.grading.results import NO_SUBMISSION, Reason
from crmlab.grading.results import STATUSES as _STATUSES
from crmlab.grading.rubric import HandGrades, read_store

__all__ = ["CourseGradebook", "course_gradebook", "write_gradebook", "ROW_COLUMNS",
           "STATUSES"]

#: The columns of assessments.csv: one row per student and assessment.
ROW_COLUMNS = files.ASSESSMENT_COLUMNS
#: The status of one assessment of one student (crmlab.grading.results.STATUSES): when it
#: arrived; whether answers wait for hand grading is the ``pending`` field.
STATUSES = _STATUSES


@dataclass
class CourseGradebook:
    """The course gradebook and everything a feedback page needs.

    ``rows`` is one row per student and assessment (:data:`ROW_COLUMNS`); ``table`` the wide
    gradebook (per assessment: raw, late days, penalty, final; then the weighted total and the
    ids of the assessments still pending);
    ``responses``, ``hand``, ``details`` (``{exercise: {student: JobResult}}``) and ``quizzes``
    are the graders' outputs it was built from; ``overrides`` the reasons of the exercise checks
    set by hand (``{exercise: {(student, check): reason}}``); ``own_keys`` the quiz grading's
    students' keys of their numbers of one's own
    (:func:`crmlab.grading.variant_keys.read_cache`).
    """

    course: Course
    students: list
    rows: pd.DataFrame
    table: pd.DataFrame
    problems: pd.DataFrame
    possible: dict
    responses: pd.DataFrame = field(default_factory=pd.DataFrame)
    hand: HandGrades = field(default_factory=HandGrades)
    details: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    quizzes: dict = field(default_factory=dict)
    roster: pd.DataFrame | None = None
    files: list = field(default_factory=list)
    run: object = None
    overrides: dict = field(default_factory=dict)
    own_keys: dict = field(default_factory=dict)

    def summary(self, lang: str = "en") -> str:
        """One line in ``lang``: students, assessments, late, cut-off, missing and pending
        counts, problems."""
        counts = self.rows["status"].value_counts().to_dict() if len(self.rows) else {}
        pending = int((self.rows["pending"] > 0).sum()) if len(self.rows) else 0
        return message("cli.gradebook.summary", reader_language(lang),
                       students=len(self.students),
                       assessments=len(self.possible), late=counts.get("late", 0),
                       cut_off=counts.get("cut_off", 0), missing=counts.get("missing", 0),
                       pending=pending, problems=len(self.problems))

    def student_rows(self, student_id: str) -> pd.DataFrame:
        """The rows of one student, in the course file's order."""
        return self.rows[self.rows["student_id"] == student_id]


# ------------------------------------------------------------------------------ read
def _read_table(path: Path, what: str, columns) -> pd.DataFrame:
    from crmlab.core.tables import read_csv

    if not path.is_file():
        raise CourseError(f"{path}: no {what} here (is this the right grading folder?)")
    return read_csv(path, what=what, columns=columns)


def _quiz_grades(folder):
    """responses, submissions, possible points and hand grades of a quiz grading folder."""
    if folder is None:
        return (pd.DataFrame(columns=files.RESPONSE_COLUMNS),
                pd.DataFrame(columns=files.SUBMISSION_COLUMNS), {}, HandGrades())
    folder = Path(folder)
    responses = _read_table(folder / files.RESPONSES, "quiz responses", files.RESPONSE_COLUMNS)
    for column in ("points", "max_points"):
        responses[column] = pd.to_numeric(responses[column].replace("", math.nan))
    submissions = _read_table(folder / files.SUBMISSIONS, "quiz submissions",
                              files.SUBMISSION_COLUMNS)
    record = history.read_run(folder) or {}
    return responses, submissions, dict(record.get("possible", {})), read_store(folder)


def _exercise_grades(folders) -> tuple[dict, dict]:
    """``{exercise id: {student: JobResult}}`` from every exercise grading in or under
    ``folders`` (each found by its details.csv), and ``{exercise id: {(student, check):
    reason}}`` of the hand overrides applied."""
    found, hand = {}, {}
    for folder in folders or ():
        folder = Path(folder)
        # the latest run of each grading; the copies kept under runs/ are its history
        paths = [folder] if folder.is_file() else sorted(
            p for p in folder.rglob(files.DETAILS)
            if files.RUNS not in p.relative_to(folder).parts)
        if not paths:
            raise CourseError(f"{folder}: no details.csv of an exercise grading here")
        for path in paths:
            graded = overridden(files.read_exercise_results(path, error=CourseError), path,
                                error=CourseError)
            if graded.exercise in found:
                raise CourseError(f"{path}: exercise {graded.exercise!r} is graded twice in the "
                                  "folders given")
            found[graded.exercise], hand[graded.exercise] = graded.results, graded.hand
    return found, hand


def _exercise_points(course: Course) -> dict:
    """``{exercise id: {check: points}}`` from each exercise's notebook."""
    from crmlab.exercises.notebook import catalogue, exercise_metadata

    known = None
    points = {}
    for item in course.assessments:
        if item.kind != "exercise":
            continue
        if item.source is None and known is None:
            known = catalogue()
        path = item.source if item.source is not None else known.get(item.id)
        meta = exercise_metadata(path) if path is not None else None
        points[item.id] = dict(meta.get("points", {})) if meta else {}
    return points


def _received(stamp: str, *, student_of: str) -> datetime:
    """A ``received_at`` of a grading run's submissions.csv: ISO 8601 with an offset."""
    try:
        return with_offset(stamp)
    except ValueError:
        raise CourseError(f"submissions.csv: received_at: Got {stamp!r} (submission "
                          f"{student_of[:12]}) instead, expected a time with its offset such as "
                          "2026-09-28T10:00:00+04:00") from None


def _quiz_times(submissions: pd.DataFrame, receipts: Receipts) -> dict:
    """``{(student, quiz): (time, source)}``: the earliest receipt of the counted answers."""
    if not len(submissions):
        return {}
    frame = submissions.copy()
    times, sources = [], []
    for digest, stamp, source in zip(frame["sha256"], frame["received_at"],
                                     frame["time_source"]):
        receipt = receipts.by_digest(digest)
        if receipt is not None:
            times.append(receipt)
            sources.append("receipt")
        else:
            times.append(_received(stamp, student_of=digest) if stamp else None)
            sources.append(source)
    frame["time"], frame["source"] = times, sources
    found = {}
    for (student, quiz_id), group in frame.groupby(["student_id", "quiz_id"]):
        counted = group[group["counted"].str.lower() == "true"]
        if not len(counted):
            continue
        same = group[group["answers_sha256"] == counted["answers_sha256"].iloc[0]]
        same = same[same["time"].notna()]
        if len(same):
            first = same.loc[same["time"].map(lambda t: t.timestamp()).idxmin()]
            found[(student, quiz_id)] = (first["time"], first["source"])
    return found


# ------------------------------------------------------------------------------ compute
def _students(roster, responses, details, problems: Problems) -> list:
    graded = set(responses["student_id"])
    for graded_exercise in details.values():
        graded |= set(graded_exercise)
    if roster is None:
        return sorted(graded)
    listed = list(roster["student_id"])
    for student in sorted(graded - set(listed)):
        problems.add("roster", student, reason=Reason("included_off_roster"))
    return listed + sorted(graded - set(listed))


def _checked_extensions(course: Course, students, problems: Problems) -> Course:
    """The course without extensions for students it does not know (each a problem)."""
    kept = []
    for extension in course.extensions:
        if extension.student in students:
            kept.append(extension)
            continue
        problems.add(course.path, extension.student, assessment=extension.assessment,
                     reason=Reason("unknown_extension_student", file=str(course.path),
                                   line=extension.line, student=extension.student))
    return replace(course, extensions=tuple(kept))


def _row(course, item, student, raw, possible, pending, received, source, problems):
    deadline = course.deadline_for(student, item.id)
    if received is None and deadline is not None:
        problems.add(item.id, student, assessment=item.id, reason=Reason("no_receipt"))
    late = item.late_policy.apply(raw, possible=possible, received=received, deadline=deadline)
    if late.cut_off:
        status = "cut_off"
        problems.add(item.id, student, assessment=item.id, reason=Reason(
            "after_cutoff", received=iso(received),
            cutoff=iso(item.late_policy.cutoff(deadline))))
    elif late.late_days:
        status = "late"
    elif deadline is None:
        status = "no_deadline"
    else:
        status = "on_time"
    return {"student_id": student, "assessment": item.id, "kind": item.kind,
            "raw": round(raw, 4), "possible": possible, "pending": pending,
            "submitted_at": iso(received) if received else "", "time_source": source or "",
            "deadline": iso(deadline) if deadline else "", "late_days": late.late_days,
            "penalty": late.penalty, "final": math.nan if pending else late.final,
            "status": status}


def _missing(item, student, possible, problems: Problems, reason: Reason) -> dict:
    problems.add(item.id, student, assessment=item.id, reason=reason)
    return {"student_id": student, "assessment": item.id, "kind": item.kind, "raw": 0.0,
            "possible": possible, "pending": 0, "submitted_at": "", "time_source": "",
            "deadline": "", "late_days": 0, "penalty": 0.0, "final": 0.0, "status": "missing"}


def _table(rows: pd.DataFrame, course: Course, students, possible) -> pd.DataFrame:
    """The wide gradebook: per assessment raw, late days, penalty, final; weighted total."""
    table = pd.DataFrame({"student_id": students})
    weights = {a.id: a.weight for a in course.assessments}
    total_weight = sum(w for a, w in weights.items() if possible.get(a))
    for item in course.assessments:
        part = rows[rows["assessment"] == item.id].set_index("student_id").reindex(students)
        for column, name in (("raw", "raw"), ("late_days", "late days"),
                             ("penalty", "penalty"), ("final", "final")):
            table[f"{item.id} {name}"] = part[column].to_numpy()
    shares = []
    for item in course.assessments:
        if possible.get(item.id) and weights[item.id]:
            shares.append(table[f"{item.id} final"] / possible[item.id] * weights[item.id])
    # min_count: one pending assessment (NaN) leaves the total pending too.
    total = (pd.concat(shares, axis=1).sum(axis=1, min_count=len(shares)) / total_weight * 100
             if shares and total_weight else pd.Series(0.0, index=table.index))
    table["weighted_total"] = total.round(2)
    pending = rows[rows["pending"] > 0].groupby("student_id")["assessment"]
    waiting = pending.agg(" ".join).to_dict()
    table["pending"] = [waiting.get(student, "") for student in table["student_id"]]
    return table


def course_gradebook(*, course=None, quizzes=None, exercises=(), receipts=None,
                     roster=None) -> CourseGradebook:
    """Merge quiz and exercise grades into the course gradebook, late policy applied.

    Parameters
    ----------
    course : path or Course, optional
        The course file (default ``course.yaml`` at the course root).
    quizzes : path, optional
        A quiz grading folder (``crmlab grade --out``).
    exercises : list of path
        Exercise grading folders (``crmlab exercises grade --out``), or folders holding them.
    receipts : path, optional
        receipts.csv: when each submission was received.
    roster : path, optional
        The roster (students without any submission still get a row).

    Examples
    --------
    >>> book = course_gradebook()  # no grades yet: every assessment of nobody
    >>> book.summary()
    'gradebook of 0 student(s) x 22 assessment(s): 0 late, 0 cut off, 0 missing, 0 pending; 0 problem(s) in problems.csv'
    """
    from crmlab.core.roster import read_roster
    from crmlab.grading.variant_keys import read_cache
    from crmlab.quiz.loading import load

    course = course if isinstance(course, Course) else load_course(course)
    problems = Problems()
    for problem in course.problems:
        problems.add(course.path, reason=Reason("course_file", problem=problem))
    responses, submissions, possible_quiz, hand = _quiz_grades(quizzes)
    details, overrides = _exercise_grades(exercises)
    receipt_book = read_receipts(receipts)
    for problem in receipt_book.problems:
        problems.add(receipts, reason=Reason("receipts_file", problem=problem))
    roster_frame = read_roster(roster) if roster else None
    students = _students(roster_frame, responses, details, problems)
    course = _checked_extensions(course, set(students), problems)
    checks = _exercise_points(course)
    quiz_keys, possible = {}, {}
    for item in course.assessments:
        if item.kind == "quiz":
            quiz_keys[item.id] = load(item.id)
            possible[item.id] = float(possible_quiz.get(item.id, sum(
                q.points for q in quiz_keys[item.id].questions)))
        else:
            possible[item.id] = float(sum(checks[item.id].values()))
    times = _quiz_times(submissions, receipt_book)
    points = responses.groupby(["student_id", "quiz_id"])["points"]
    raw = points.sum(min_count=0).to_dict()
    pending = points.apply(lambda p: int(p.isna().sum())).to_dict() if len(responses) else {}
    rows = []
    for student in students:
        for item in course.assessments:
            if item.kind == "quiz":
                key = (student, item.id)
                if key not in raw:
                    rows.append(_missing(item, student, possible[item.id], problems,
                                         Reason("no_answers")))
                    continue
                received, source = times.get(key, (None, ""))
                rows.append(_row(course, item, student, float(raw[key]), possible[item.id],
                                 pending[key], received, source, problems))
                continue
            found = details.get(item.id, {}).get(student)
            if found is None or found.outcome == NO_SUBMISSION:
                why = Reason("not_submitted" if found else "not_in_grading")
                rows.append(_missing(item, student, possible[item.id], problems, why))
                continue
            received = receipt_book.latest(student, item.id)
            rows.append(_row(course, item, student, found.total, possible[item.id],
                             0, received, "receipt" if received else "", problems))
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    # The reasons are sentences: shown whole (crmlab.core.display.text_table).
    own_keys = read_cache(quizzes) if quizzes is not None else {}
    return CourseGradebook(course, students, frame, _table(frame, course, students, possible),
                           text_table(problems.frame()), possible, responses,
                           hand, details, checks, quiz_keys, roster_frame,
                           overrides=overrides, own_keys=own_keys)


# ------------------------------------------------------------------------------ write
def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_gradebook(book: CourseGradebook, out, *, format: str = "plain",
                    now: datetime | None = None) -> list[Path]:
    """Write gradebook.csv (in the layout of ``format``), assessments.csv and problems.csv
    into ``out``, then keep the run under ``out/runs/`` (:mod:`crmlab.grading.history`)."""
    check_choice("format", format, FORMATS, error=CourseError)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_text(out / files.ASSESSMENTS, _csv(book.rows)),
               write_text(out / files.PROBLEMS, _csv(book.problems))]
    if format == "plain":
        sheet = book.table
    else:
        finals = book.table[["student_id", *(f"{a} final" for a in book.possible),
                             "weighted_total"]]
        finals = finals.rename(columns={f"{a} final": a for a in book.possible})
        kinds = {a.id: a.kind.capitalize() for a in book.course.assessments}
        sheet = layout(finals, possible={**book.possible, "weighted_total": 100.0},
                       roster=book.roster, format=format, kind={**kinds,
                                                                "weighted_total": "Course"})
    written.append(write_text(out / files.GRADEBOOK, _csv(sheet)))  # last: the run finished
    book.files = written
    book.run = _record(book, out, now)
    return files


def _record(book: CourseGradebook, out: Path, now):
    course = book.course
    inputs = {}
    for item in course.assessments:
        affected = (item.id, "weighted_total")
        inputs[f"deadline:{item.id}"] = history.Input(
            history.digest_text([str(item.release), str(item.deadline)]),
            f"policy change: deadline of {item.id}", affected)
        inputs[f"late_policy:{item.id}"] = history.Input(
            history.digest_text(repr(item.late_policy)),
            f"policy change: late policy of {item.id}", affected)
        inputs[f"possible:{item.id}"] = history.Input(
            history.digest_text(book.possible[item.id]),
            f"points possible of {item.id} changed (item weights or the quiz)", affected)
        inputs[f"weight:{item.id}"] = history.Input(
            history.digest_text(item.weight), f"policy change: weight of {item.id}",
            ("weighted_total",))
    students = {}
    for student in book.students:
        mine = book.student_rows(student)
        scores = {a: "pending" if f != f else f for a, f in zip(mine["assessment"], mine["final"])}
        total = float(book.table.loc[book.table["student_id"] == student,
                                     "weighted_total"].iloc[0])
        scores["weighted_total"] = "pending" if total != total else total
        extensions = [e for e in course.extensions if e.student == student]
        students[student] = {"scores": scores, "inputs": {
            "grades": history.digest_text(json.dumps(
                mine[["assessment", "raw", "pending"]].to_numpy().tolist(), default=str)),
            "times": history.digest_text(mine["submitted_at"].tolist()),
            "extension": history.digest_text(repr(extensions)) if extensions else ""}}
    return history.record_run(
        out, command="gradebook", inputs=inputs, students=students,
        student_inputs={"grades": "regraded (the grading folder's changes.csv says why)",
                        "times": "new submission time", "extension": "extension changed"},
        options={}, files=book.files, now=now, total="weighted_total",
        extra={"possible": book.possible})
