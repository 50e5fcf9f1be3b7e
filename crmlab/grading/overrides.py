"""Hand overrides of exercise checks: partial credit for an almost-right answer, with a reason.

An exercise grading folder (``crmlab exercises grade ... --out DIR``) may hold
``overrides.csv`` (:data:`crmlab.grading.files.OVERRIDE_COLUMNS`): one row per student and
check whose points the instructor set by hand, with the reason and when. ``crmlab handgrade
DIR`` writes it (:meth:`Overrides.set`, then :meth:`Overrides.write`); the override is applied
wherever the folder's results are read: the exercise judge's choose stage (the skeleton's
hand-grade stage, so ``details.csv``, ``checks.csv``, ``scores.csv`` and the run history carry
it on the next ``crmlab exercises grade``) and :func:`crmlab.grading.files.read_exercise_results`
(so ``crmlab gradebook`` counts it at once). An override sets the check's points and keeps its
verdict code: a ``wrong`` check given 1 of 2 points stays ``wrong`` with 1 point.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.times import iso
from crmlab.grading.files import OVERRIDE_COLUMNS, OVERRIDES
from crmlab.grading.results import HandProblem, HandRefused

__all__ = ["Overrides", "read_overrides", "parse_points", "overridden"]

#: A number typed by hand: digits with a decimal point or comma (as a rubric sheet's points).
_NUMBER = re.compile(r"[0-9]+([.,][0-9]*)?|[.,][0-9]+")


def parse_points(text: str, possible: float) -> float:
    """Points typed by hand (``2``, ``1.5``, ``1,5``) from 0 to ``possible``; otherwise a
    :class:`~crmlab.grading.results.HandRefused` (a ``ValueError``) naming the value.

    Examples
    --------
    >>> parse_points("1,5", 2)
    1.5
    >>> parse_points("3", 2)
    Traceback (most recent call last):
    ...
    crmlab.grading.results.HandRefused: points: Got points='3' instead, expected a number from \
0 to 2.
    """
    cell = str(text).strip()
    if not _NUMBER.fullmatch(cell) or not float(cell.replace(",", ".")) <= possible:
        raise HandRefused(HandProblem("points_range", value=repr(cell),
                                      maximum=f"{possible:g}"))
    return float(cell.replace(",", "."))


@dataclass
class Overrides:
    """The overrides of an exercise grading folder: ``{(student, check): row}``."""

    rows: dict = field(default_factory=dict)

    def points(self, student: str, check: str, submission: str | None = None) -> float | None:
        """The points set by hand for ``student``'s ``check`` (None: no override, or one
        given for another submission than the one of checksum ``submission``)."""
        row = self.rows.get((student, check))
        if row is None or (submission is not None and row["submission_sha256"] != submission):
            return None
        return float(row["points"])

    def apply(self, results, *, submissions: dict | None = None) -> list:
        """The :class:`~crmlab.grading.results.JobResult` ``results`` with every override's
        points in; with ``submissions`` (``{student: checksum of the graded notebook}``) only
        the overrides given for that very notebook (a resubmission is graded afresh and the
        old override stays on file). A check the result does not have is left alone."""
        applied = []
        for result in results:
            mine = None if submissions is None else submissions.get(result.student_id, "")
            checks = []
            for check in result.checks:
                points = self.points(result.student_id, check.name, mine)
                checks.append(check if points is None else replace(check, points=points))
            checks = tuple(checks)
            applied.append(replace(result, checks=checks) if checks != result.checks
                           else result)
        return applied

    def set(self, student: str, check: str, points: str, reason: str, *, possible: dict,
            submission: str = "", now: datetime | None = None) -> tuple[Overrides, bool]:
        """A new set with ``student``'s ``check`` set to ``points`` (typed text; empty: the
        override removed) for ``reason``, given for the submission of checksum
        ``submission``; and whether anything changed. ``possible`` is ``{check: points
        possible}``; a bad value is a :class:`~crmlab.grading.results.HandRefused` (a
        ``ValueError`` of one line, its ``problem`` typed).

        Examples
        --------
        >>> new, changed = Overrides().set("s1", "a", "1,5", "right idea, one slip",
        ...                                possible={"a": 2.0})
        >>> changed, new.points("s1", "a")
        (True, 1.5)
        >>> new.set("s1", "a", "1.5", "right idea, one slip", possible={"a": 2.0})[1]
        False
        >>> new.set("s1", "a", "1", "", possible={"a": 2.0})
        Traceback (most recent call last):
        ...
        crmlab.grading.results.HandRefused: reason: a hand override needs its reason (one \
line).
        """
        if check not in possible:
            raise HandRefused(HandProblem("unknown_check", check=repr(check),
                                          known=", ".join(map(repr, possible))))
        rows = dict(self.rows)
        key = (student, check)
        if not str(points).strip():
            if key not in rows:
                return self, False
            del rows[key]
            return Overrides(rows), True
        value = parse_points(points, possible[check])
        reason = " ".join(str(reason).split())
        if not reason:
            raise HandRefused(HandProblem("reason_missing"))
        old = rows.get(key)
        if old is not None and float(old["points"]) == value and old["reason"] == reason \
                and old["submission_sha256"] == submission:
            return self, False
        rows[key] = {"student_id": student, "check": check, "points": f"{value:g}",
                     "reason": reason, "submission_sha256": submission,
                     "overridden_at": iso(now)}
        return Overrides(rows), True

    def student_digest(self, student: str) -> str:
        """A checksum of one student's overrides (the run history notices them)."""
        mine = sorted((k, v["points"], v["reason"], v["submission_sha256"])
                      for k, v in self.rows.items()
                      if k[0] == student)
        return hashlib.sha256(repr(mine).encode()).hexdigest() if mine else ""

    def write(self, folder) -> Path:
        """Write ``overrides.csv`` into ``folder`` atomically."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, OVERRIDE_COLUMNS, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows[key] for key in sorted(self.rows))
        return write_text(Path(folder) / OVERRIDES, buffer.getvalue())


def read_overrides(folder, *, error=ValueError) -> Overrides:
    """The overrides of an exercise grading folder (empty when it has none); a row whose
    points are not a number is an ``error`` naming the file and the line."""
    from crmlab.core.tables import read_csv

    path = Path(folder) / OVERRIDES
    if not path.is_file():
        return Overrides()
    try:
        frame = read_csv(path, what="hand overrides", columns=OVERRIDE_COLUMNS)
    except Exception as exc:
        raise error(str(exc)) from None
    rows = {}
    for line, row in enumerate(frame.to_dict("records"), start=2):
        try:
            float(row["points"])
        except ValueError:
            raise error(f"{path}:{line}: points: Got points={row['points']!r} instead, "
                        "expected a number.") from None
        rows[(row["student_id"], row["check"])] = row
    return Overrides(rows)


def overridden(graded, folder, *, error=ValueError):
    """The :class:`~crmlab.grading.files.ExerciseResults` ``graded`` of the exercise grading
    ``folder`` with the overrides of its overrides.csv applied, each only to the submission it
    was given for (the checksums of the folder's latest run, ``run.json``), and their reasons
    in ``hand``."""
    from crmlab.grading.history import read_run

    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    record = read_run(folder) or {"students": {}}
    submissions = {s: d.get("inputs", {}).get("submission", "")
                   for s, d in record["students"].items()}
    overrides = read_overrides(folder, error=error)
    applied = overrides.apply(graded.results.values(), submissions=submissions)
    hand = {(result.student_id, check.name):
            overrides.rows[(result.student_id, check.name)]["reason"]
            for result in graded.results.values() for check in result.checks
            if overrides.points(result.student_id, check.name,
                                submissions.get(result.student_id, "")) is not None}
    return replace(graded, results={r.student_id: r for r in applied}, hand=hand)
