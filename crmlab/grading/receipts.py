"""Receipts: when the instructor received each submission, a time the student cannot forge.

A bundle's ``created`` and an answer's ``answered_at`` are written on the student's machine, so
the late policy never uses them. It uses, in this order:

1. a **receipt** in ``receipts.csv`` (``--receipts``): one row per received file, with the
   columns ``file``, ``sha256``, ``student_id``, ``assessment`` and ``received_at`` (ISO 8601
   with an offset). ``crmlab receipts SUBMISSIONS --out receipts.csv`` writes it at collection
   time; a submission service (a hub) fills the same columns when a file reaches it. A quiz
   bundle is matched by its checksum, an exercise notebook by student and assessment (its
   latest receipt, since the exercise grader grades the latest file);
2. otherwise, for a quiz bundle, the **file's time** in the collected folder (its modification
   time: when it landed there, if the collection kept it).

Receipts only grow: collecting again adds the files not seen before and never moves the time of
a file already received.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.exceptions import CourseError
from crmlab.core.safe_files import OS_ERROR, FileRefused, read_regular
from crmlab.core.schemas import load_schema
from crmlab.core.times import YEARS, in_years, iso, utc, with_offset
from crmlab.exercises.notebook import submission_owner
from crmlab.grading import files

__all__ = ["COLUMNS", "Receipts", "read_receipts", "collect_receipts", "extend_receipts",
           "file_digest", "file_time", "file_mtime", "landed_time"]

#: The columns of receipts.csv, in order: the properties of its row's schema
#: (``crmlab/schemas/receipts.schema.json``).
COLUMNS = list(load_schema("receipts")["properties"])


def _files(kind: str, path: Path) -> list[Path]:
    """The regular files of a submission: links (to ``/dev/zero``, to another student's work),
    FIFOs and devices in a submission folder are never followed nor read."""
    if kind == "zip" or not path.is_dir():
        return [path]
    found = []
    for folder, _, names in os.walk(path):  # does not enter linked folders
        found += [p for p in (Path(folder, name) for name in names)
                  if stat.S_ISREG(p.lstat().st_mode)]
    return sorted(found)


def _sha256(path: Path) -> bytes:
    try:
        return hashlib.sha256(read_regular(path, max_bytes=_DIGEST_CAP)).digest()
    except FileRefused as refused:
        if refused.kind == OS_ERROR:
            raise refused.error from None
        # a file grown or swapped since: nothing to confuse with another
        return hashlib.sha256(b"not read: " + path.name.encode()).digest()


#: The largest file a checksum reads (a submission folder's extra files are not the student's
#: answers, which are capped much lower).
_DIGEST_CAP = 64_000_000
#: File times are clamped to these years (:data:`crmlab.core.times.YEARS`): a file time set by
#: a zip's entry or by hand, far in the past or the future, never overflows a date.
_EARLIEST = datetime(YEARS[0], 1, 1, tzinfo=timezone.utc).timestamp()
_LATEST = datetime(YEARS[1], 12, 31, tzinfo=timezone.utc).timestamp()


def file_digest(kind: str, path: str | Path) -> str:
    """The SHA-256 of a submission: of the file, or of a folder's files and their names."""
    path = Path(path)
    if kind == "zip" or not path.is_dir():
        return _sha256(path).hex()
    digest = hashlib.sha256()
    for item in _files(kind, path):
        digest.update(item.relative_to(path).as_posix().encode() + b"\0")
        digest.update(_sha256(item))
    return digest.hexdigest()


def file_time(kind: str, path: str | Path) -> datetime:
    """When a submission landed in its folder: the latest modification time of its files
    (never of what a link points to), within the years :data:`crmlab.core.times.YEARS`.

    Examples
    --------
    >>> import os, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s1.zip"
    >>> _ = path.write_bytes(b"")
    >>> os.utime(path, (-100_000_000, -100_000_000))  # the year 1966
    >>> file_time("zip", path).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    return landed_time(file_mtime(kind, path))


def file_mtime(kind: str, path: str | Path) -> float:
    """The latest modification time of a submission's files in seconds (never of what a link
    points to): :func:`file_time` before it is made a date."""
    path = Path(path)
    stamps = [p.lstat().st_mtime for p in _files(kind, path)] or [path.lstat().st_mtime]
    return max(stamps)


def landed_time(mtime: float) -> datetime:
    """A file's modification time ``mtime`` (seconds) as :func:`file_time` gives it: UTC,
    within the years :data:`crmlab.core.times.YEARS`.

    Examples
    --------
    >>> landed_time(0.0).isoformat(), landed_time(1e15).year
    ('1970-01-01T00:00:00+00:00', 2999)
    """
    moment = min(max(mtime, _EARLIEST), _LATEST)
    return utc(datetime.fromtimestamp(moment, tz=timezone.utc))


@dataclass
class Receipts:
    """Receipt times by file checksum and by (student, assessment); ``problems`` are the rows
    that could not be read, each a one-line reason."""

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def _index(self) -> tuple[dict, dict]:
        """``({sha256: first time}, {(student, assessment): latest time})``, built once."""
        if getattr(self, "_built", None) is None or self._built[0] != len(self.rows):
            first, latest = {}, {}
            for row in self.rows:
                when, digest = row["received_at"], row["sha256"]
                if digest and (digest not in first or when < first[digest]):
                    first[digest] = when
                key = (row["student_id"], row["assessment"])
                if key not in latest or when > latest[key]:
                    latest[key] = when
            self._built = (len(self.rows), first, latest)
        return self._built[1], self._built[2]

    def by_digest(self, sha256: str) -> datetime | None:
        """The first receipt of the file with this checksum."""
        return self._index()[0].get(sha256)

    def latest(self, student_id: str, assessment: str) -> datetime | None:
        """The latest receipt of one student's file for one assessment."""
        return self._index()[1].get((student_id, assessment))


def read_receipts(path: str | Path | None) -> Receipts:
    """Read a receipts file; a bad row is a problem (``FILE:LINE: column: reason``), not an error.

    A row's format is ``crmlab/schemas/receipts.schema.json``; a column the schema does not know
    (another file's) is a :class:`~crmlab.core.exceptions.CourseError`.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "receipts.csv")
    >>> _ = open(path, "w").write("file,sha256,student_id,assessment,received_at\\n"
    ...                           "s1.zip,ab12,s1,L02,2026-09-28T20:10:00+00:00\\n"
    ...                           "s2.zip,cd34,s2,L02,yesterday\\n")
    >>> receipts = read_receipts(path)
    >>> receipts.latest("s1", "L02").isoformat(), len(receipts.problems)
    ('2026-09-28T20:10:00+00:00', 1)
    """
    from crmlab.core.schemas import schema_problems
    from crmlab.core.tables import read_csv

    receipts = Receipts()
    if path is None:
        return receipts
    schema = load_schema("receipts")
    frame = read_csv(path, what="receipts file", columns=schema["required"])
    unknown = [p for p in schema_problems(schema, dict.fromkeys(frame.columns, ""))
               if p.kind == "unknown"]
    if unknown:  # a column of another file: nothing in it can be trusted to mean a receipt
        raise CourseError(f"{path}:1: {unknown[0].path[0]}: {unknown[0].message}")
    for index, row in enumerate(frame.to_dict("records")):
        found = schema_problems(schema, row)
        if found:
            receipts.problems.extend(f"{path}:{index + 2}: {p.path[0]}: {p.message} Row ignored."
                                     for p in found)
            continue
        received = with_offset(row["received_at"])
        if not in_years(received):  # 9999-12-31T23:59-01:00 overflows once in UTC
            receipts.problems.append(
                f"{path}:{index + 2}: received_at: Got received_at={row['received_at']!r} "
                f"instead, expected a time in the years {YEARS[0]} to {YEARS[1]}. Row ignored.")
            continue
        receipts.rows.append({"file": row.get("file", ""), "sha256": row.get("sha256", ""),
                              "student_id": row.get("student_id", ""),
                              "assessment": row.get("assessment", ""),
                              "received_at": utc(received)})
    return receipts


def _exercise_ids(course) -> dict:
    """``{notebook stem: exercise id}`` of the course's exercises (and the course file's own
    exercise sources)."""
    from crmlab.exercises.notebook import catalogue, exercise_metadata

    ids = {path.stem: ident for ident, path in catalogue().items()}
    if course is not None:
        ids.update({a.source.stem: exercise_metadata(a.source)["id"] for a in course.assessments
                    if a.source is not None})
    return ids


def _found(root: Path, course, assessment):
    """``(kind, path, student, [assessments])`` of every submission under ``root``."""
    from crmlab.core.exceptions import SubmissionError
    from crmlab.quiz.submission import discover, read_submission

    for kind, path in discover(root):
        try:
            sub = read_submission(kind, path)
        except SubmissionError:
            yield kind, path, "", [""]  # unreadable: still received, the grader says why
            continue
        yield kind, path, sub.student_id, sorted(sub.quizzes) or [""]
    stems = None
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        stems = _exercise_ids(course) if stems is None else stems
        prefix, student = submission_owner(path)
        yield "notebook", path, student, [stems.get(prefix, prefix) if prefix
                                          else assessment or ""]


def collect_receipts(submissions, *, out, course=None, assessment: str | None = None,
                     now: datetime | None = None) -> list[dict]:
    """Add a receipt for every submission under ``submissions`` not received before.

    Quiz bundles are found as ``crmlab grade`` finds them (one row per quiz they hold);
    exercise notebooks are ``<exercise stem>__<student_id>.ipynb`` or, with ``assessment``
    (an exercise id), ``<student_id>.ipynb``. The receipt time is the file's modification time
    in the collected folder (``now`` when the file claims a time in the future). Rows already
    in ``out`` are kept as they are. Returns the rows added.

    Parameters
    ----------
    submissions : path
        The folder the submissions were collected into (or one bundle).
    out : path
        The receipts file (created, or extended).
    course : path or Course, optional
        The course file, for the exercise notebooks it names by ``source``.
    assessment : str, optional
        The exercise of notebooks named ``<student_id>.ipynb``.
    now : datetime, optional
        The collection time (default: now).
    """
    from crmlab.grading.config import Course, load_course

    root, out = Path(submissions), Path(out)
    if not root.exists():
        raise CourseError(f"{root}: no such file or folder")
    if root.is_dir() and (root / files.COLLECTED).is_file():
        # Its files' times are when `crmlab exercises collect` wrote them, not receipts.
        raise CourseError(f"{root}: written by `crmlab exercises collect`, which writes the "
                          "receipts the download gives (receipts.csv there, or its --receipts "
                          "file); its files' times are not receipt times")
    if course is not None and not isinstance(course, Course):
        course = load_course(course)
    now = utc(now)
    found = []
    for kind, path, student, assessments in _found(root, course, assessment):
        digest = file_digest(kind, path)
        moment = min(file_time(kind, path), now)
        found += [{"file": Path(path).relative_to(root).as_posix() if root.is_dir()
                   else Path(path).name, "sha256": digest, "student_id": student,
                   "assessment": assessment, "received_at": moment}
                  for assessment in assessments]
    return extend_receipts(out, found)


def extend_receipts(out, rows) -> list[dict]:
    """Add to the receipts file ``out`` (created if absent) each row of ``rows`` (dicts of
    :data:`COLUMNS`, ``received_at`` an aware datetime) whose file (checksum, student,
    assessment) it does not hold yet; rows already there are kept as they are. Returns the rows
    added. A bad row already in ``out`` is a one-line error and nothing is written.

    Examples
    --------
    >>> import tempfile
    >>> from datetime import datetime, timezone
    >>> out = Path(tempfile.mkdtemp()) / "receipts.csv"
    >>> row = {"file": "ex__s1.ipynb", "sha256": "ab12", "student_id": "s1",
    ...        "assessment": "EX-abc-profit",
    ...        "received_at": datetime(2026, 9, 28, 20, 10, tzinfo=timezone.utc)}
    >>> len(extend_receipts(out, [row])), len(extend_receipts(out, [row]))
    (1, 0)
    """
    out = Path(out)
    existing = read_receipts(out) if out.is_file() else Receipts()
    if existing.problems:
        raise CourseError(f"{existing.problems[0]} Fix it before collecting again "
                          "(nothing was written).")
    seen = {(r["sha256"], r["student_id"], r["assessment"]) for r in existing.rows}
    added = []
    for row in rows:
        key = (row["sha256"], row["student_id"], row["assessment"])
        if key in seen:
            continue
        seen.add(key)
        added.append({column: row[column] for column in COLUMNS})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in existing.rows + added:
        writer.writerow({**row, "received_at": iso(row["received_at"])})
    write_text(out, buffer.getvalue())
    return added
