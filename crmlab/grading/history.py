"""Run history: every grading run keeps its result, and a regrade says what changed and why.

A run (``crmlab grade``, ``crmlab gradebook``) ends with :func:`record_run`, which writes

- ``DIR/runs/<time>/``: a copy of every file the run wrote, ``run.json`` (the time, the command
  and its options, the crmlab and course versions, the checksum of every input, each student's
  scores and the checksums of the student's own inputs) and ``changes.csv``;
- ``DIR/run.json`` and ``DIR/changes.csv``: the same for the latest run.

A run folder is never overwritten or deleted (two runs in the same second get ``-2``, ``-3``).
``changes.csv`` compares the run with the one before it: one row per student and item whose
score moved, with the scores before and after, the change and the reasons, found by comparing
the inputs that item depends on. A global input names the items it affects (a question's key or
points: its quiz, "key fix in L02 question scale"; the weights or the course file: every item,
"policy change"); a student input affects only that student (their submissions: "new
submission"; their hand grades: "hand grading"; a regrade request answered for them,
:func:`record_regrade`: "regrade answered: L02 question scale", on that item and the total).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crmlab import __version__
from crmlab.core.atomic import write_bytes, write_text
from crmlab.core.exceptions import CrmlabError
from crmlab.core.times import iso, stamp, utc
from crmlab.grading.files import CHANGE_COLUMNS, CHANGES, RUNS

__all__ = ["Input", "RunRecord", "record_run", "read_run", "course_version", "digest_file",
           "digest_text", "record_regrade", "REGRADES", "REGRADE_COLUMNS"]

#: The answered regrade requests kept in a grading folder (``crmlab regrades answer --grading
#: DIR``), one row per answer; every later run of that folder reads it.
REGRADES = "regrades.csv"
#: The columns of regrades.csv: the request's fields, then the answer's text and time.
REGRADE_COLUMNS = ["id", "student_id", "kind", "assessment", "item", "reason", "received_at",
                   "answer", "answered_at"]



def digest_text(value) -> str:
    """The SHA-256 of a text (or of the repr of anything else).

    Examples
    --------
    >>> digest_text("abc")[:8]
    'ba7816bf'
    """
    data = value if isinstance(value, str) else repr(value)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def digest_file(path: str | Path | None) -> str:
    """The SHA-256 of a file's bytes ("" when there is no such file)."""
    if path is None or not Path(path).is_file():
        return ""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def course_version() -> dict:
    """The course's own version (``version:`` of course.yaml) and a checksum of its content:
    the course file, every quiz file and every exercise notebook."""
    from crmlab.core import paths

    root = paths.course_dir()
    files = [paths.course_file(), *sorted(paths.quizzes_dir().glob("*.yaml")),
             *sorted(paths.exercises_dir().glob("*.ipynb"))]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    version = ""
    try:
        from crmlab.grading.config import load_course

        version = load_course(paths.course_file(), check_ids=False).version
    except Exception:  # an unusable course file is the gradebook's problem, not the record's
        version = ""
    return {"version": version, "sha256": digest.hexdigest()}


@dataclass(frozen=True)
class Input:
    """One global input of a run: its checksum, the reason a change of it gives, and the items
    it affects (None: every item)."""

    sha256: str
    reason: str
    items: tuple | None = None


@dataclass
class RunRecord:
    """What :func:`record_run` kept: the run's folder, its record and its changes."""

    folder: Path
    record: dict
    changes: list = field(default_factory=list)
    previous: str = ""

    def summary(self) -> str:
        """One line: what moved since the previous run (or that this is the first run)."""
        if not self.previous:
            return f"run {self.record['run']} kept in {self.folder}"
        students = len({c["student_id"] for c in self.changes})
        if not self.changes:
            return (f"run {self.record['run']}: no score changed since run {self.previous}; "
                    f"kept in {self.folder}")
        return (f"run {self.record['run']}: {len(self.changes)} score(s) of {students} "
                f"student(s) changed since run {self.previous} (changes.csv); kept in "
                f"{self.folder}")

    def lines(self, limit: int = 10) -> list[str]:
        """The changes, one line each (``s1 L02: 3 -> 5 (+2): key fix in L02 question scale``)."""
        shown = []
        for change in self.changes[:limit]:
            moved = f" ({change['change']})" if change["change"] else ""
            shown.append(f"  {change['student_id']} {change['item']}: "
                         f"{change['before'] or 'none'} -> {change['after'] or 'none'}{moved}: "
                         f"{change['reasons']}")
        if len(self.changes) > limit:
            shown.append(f"  ... and {len(self.changes) - limit} more in changes.csv")
        return shown


def read_run(folder: str | Path) -> dict | None:
    """The record of the latest run in a grading folder (None when there is none to read)."""
    path = Path(folder) / "run.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "students" in record else None


def _value(score):
    """A score as recorded: a rounded number, a word such as "pending", or None (no score)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    if isinstance(score, str):
        return score
    return round(float(score), 4)


def _shown(value) -> str:
    return "" if value is None else value if isinstance(value, str) else f"{value:g}"


def _reasons(before: dict, after: dict, student: str, item: str) -> list[str]:
    old = before["students"].get(student)
    if old is None:
        return ["new submission"]
    reasons = []
    mine_before, mine_after = old.get("inputs", {}), after["students"][student].get("inputs", {})
    for name, phrase in after.get("student_inputs", {}).items():
        if mine_before.get(name, "") != mine_after.get(name, ""):
            reasons.append(phrase)
    for name, entry in after.get("regrades", {}).items():
        if item in entry["items"] and mine_before.get(name, "") != mine_after.get(name, ""):
            reasons.append(entry["reason"])
    for name, new in after["inputs"].items():
        old_input = before["inputs"].get(name, {})
        if old_input.get("sha256", "") == new["sha256"]:
            continue
        if new["items"] is None or item in new["items"]:
            reasons.append(new["reason"])
    for name, value in after["options"].items():
        if before.get("options", {}).get(name) != value:
            reasons.append(f"policy change: {name} {before.get('options', {}).get(name)!r} -> "
                           f"{value!r}")
    if before.get("crmlab_version") != after["crmlab_version"]:
        reasons.append(f"crmlab {before.get('crmlab_version')} -> {after['crmlab_version']}")
    return list(dict.fromkeys(reasons)) or ["no input changed"]


def _diff(before: dict | None, after: dict) -> list[dict]:
    """The changed scores; the total's reasons are those of the items that moved it (and of
    inputs that affect the total alone, such as a weight)."""
    if before is None:
        return []
    total = after.get("total", "")
    changes = []
    for student in sorted(set(before["students"]) | set(after["students"])):
        old = before["students"].get(student, {}).get("scores", {})
        new = after["students"].get(student, {}).get("scores", {})
        moved = []
        for item in list(dict.fromkeys([*new, *old])):
            a, b = _value(old.get(item)), _value(new.get(item))
            if a == b:
                continue
            if student not in after["students"]:
                reasons = ["no longer graded (submission or roster entry gone)"]
            elif item == total and moved:
                alone = [i["reason"] for n, i in after["inputs"].items()
                         if i["items"] == [total]
                         and before["inputs"].get(n, {}).get("sha256") != i["sha256"]]
                reasons = list(dict.fromkeys([r for m in moved for r in m] + alone))
            else:
                reasons = _reasons(before, after, student, item)
                moved.append(reasons)
            numbers = all(isinstance(v, float) for v in (a, b))
            change = f"{b - a:+g}" if numbers else ""
            changes.append({"student_id": student, "item": item, "before": _shown(a),
                            "after": _shown(b), "change": change,
                            "reasons": "; ".join(reasons)})
    return changes


def record_regrade(out, request: dict) -> Path:
    """Keep one answered regrade ``request`` (:func:`crmlab.grading.regrades.answer_request`)
    in the grading folder ``out``: a row of ``regrades.csv``, added, never changed. The next
    run of the folder names the question when the student's score moves.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> path = record_regrade(out, {"id": "R-1", "student_id": "s1", "kind": "quiz",
    ...     "assessment": "Q", "item": "tf", "reason": "why", "received_at": "t0",
    ...     "answer": {"text": "fixed", "answered_at": "t1"}})
    >>> path.read_text().splitlines()[1]
    'R-1,s1,quiz,Q,tf,why,t0,fixed,t1'
    """
    from crmlab.core.atomic import append_text

    path = Path(out) / REGRADES
    if path.is_file():
        _read_regrades(path)  # a row is added under the columns it claims to have
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, REGRADE_COLUMNS, lineterminator="\n")
    if not path.is_file():
        writer.writeheader()
    answer = request.get("answer") or {}
    writer.writerow({**{k: request.get(k, "") for k in REGRADE_COLUMNS[:7]},
                     "answer": answer.get("text", ""), "answered_at": answer.get("answered_at", "")})
    Path(out).mkdir(parents=True, exist_ok=True)
    return append_text(path, buffer.getvalue())


def _read_regrades(path: Path) -> list[dict]:
    """The rows of regrades.csv; a file without one of :data:`REGRADE_COLUMNS` is a one-line
    ``CrmlabError`` naming the file and the column."""
    from crmlab.core.tables import read_csv

    return read_csv(path, what="answered regrade requests",
                    columns=REGRADE_COLUMNS).to_dict("records")


def regrades_problem(out) -> str | None:
    """Why the grading folder ``out``'s regrades.csv cannot be read (one line naming the file
    and the column), or None: a grading checks it before it writes anything, so a hand-edited
    file is a problems.csv row and the run is recorded without it, never a stop after the
    grades were written."""
    path = Path(out) / REGRADES
    if not path.is_file():
        return None
    try:
        _read_regrades(path)
    except CrmlabError as exc:
        return str(exc)
    return None


def _regrades(out: Path, total: str) -> tuple[dict, dict]:
    """``({name: {"reason", "items"}}, {student: {name: checksum}})`` of the answered regrade
    requests kept in ``out`` (one name per question or check)."""
    from crmlab.grading.files import CHECK_PREFIX

    path = out / REGRADES
    if not path.is_file():
        return {}, {}
    entries, rows = {}, {}
    for row in _read_regrades(path):
        assessment, item, exercise = row["assessment"], row["item"], row["kind"] == "exercise"
        name = f"regrade:{assessment}:{item}"
        entries[name] = {
            "reason": f"regrade answered: {assessment} "
                      f"{'check' if exercise else 'question'} {item}",
            "items": [assessment, *([f"{CHECK_PREFIX}{item}"] if exercise else []),
                      *([total] if total else [])]}
        rows.setdefault(row["student_id"], {}).setdefault(name, []).append(
            [row[c] for c in REGRADE_COLUMNS])
    digests = {student: {name: digest_text(found) for name, found in names.items()}
               for student, names in rows.items()}
    return entries, digests


def _folder(out: Path, name: str) -> Path:
    runs = out / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = runs / (name if n == 1 else f"{name}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"{runs}: too many runs at {name}")  # pragma: no cover


def _changes_csv(changes: list) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CHANGE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(changes)
    return buffer.getvalue()


def record_run(out, *, command: str, inputs: dict, students: dict, student_inputs: dict,
               options: dict, files, now: datetime | None = None, total: str = "",
               extra: dict | None = None, regrades: bool = True) -> RunRecord:
    """Keep a finished run under ``out/runs/<time>/`` and compare it with the previous one.

    Parameters
    ----------
    out : path
        The grading folder the run wrote into.
    command : str
        What ran (``grade``, ``gradebook``).
    inputs : dict
        ``{name: Input}``: the global inputs.
    students : dict
        ``{student_id: {"scores": {item: points}, "inputs": {name: checksum}}}``; a score may
        also be a word (``"pending"``) or None (no score).
    student_inputs : dict
        ``{name: reason}``: what a change of each per-student input means.
    options : dict
        The run's options (a change of one is a policy change).
    files : list of path
        The files the run wrote (copied into the run's folder).
    total : str, optional
        The item that sums the others (its reasons are theirs); listed after them.
    now : datetime, optional
        The run's time (default: now).
    extra : dict, optional
        More facts of the run to keep in its record (not compared).
    regrades : bool, default True
        Read the answered regrade requests of ``out`` (False: the file is known unreadable,
        :func:`regrades_problem`, and the run is recorded without them).

    Examples
    --------
    >>> import tempfile
    >>> from datetime import timezone
    >>> out = Path(tempfile.mkdtemp())
    >>> first = record_run(out, command="grade", inputs={"quiz:Q": Input("k1", "key fix in Q",
    ...     ("Q",))}, students={"s1": {"scores": {"Q": 1.0}, "inputs": {}}}, student_inputs={},
    ...     options={}, files=[], now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    >>> second = record_run(out, command="grade", inputs={"quiz:Q": Input("k2", "key fix in Q",
    ...     ("Q",))}, students={"s1": {"scores": {"Q": 2.0}, "inputs": {}}}, student_inputs={},
    ...     options={}, files=[], now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    >>> second.folder.name, second.changes[0]["change"], second.changes[0]["reasons"]
    ('20261201T000000Z-2', '+1', 'key fix in Q')
    """
    out = Path(out)
    now = utc(now)
    previous = read_run(out)
    regrades, answered = _regrades(out, total) if regrades else ({}, {})
    folder = _folder(out, stamp(now))
    record = {
        "run": folder.name, "time": iso(now), "command": command,
        "crmlab_version": __version__, "course_version": course_version(),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()},
        "inputs": {name: {"sha256": i.sha256, "reason": i.reason,
                          "items": list(i.items) if i.items is not None else None}
                   for name, i in sorted(inputs.items())},
        "student_inputs": dict(student_inputs),
        "total": total,
        "students": {s: {"scores": {k: _value(v) for k, v in data["scores"].items()},
                         "inputs": {**data.get("inputs", {}), **answered.get(s, {})}}
                     for s, data in sorted(students.items())},
        "regrades": regrades,
        "previous_run": previous["run"] if previous else "",
        **(extra or {}),
    }
    changes = _diff(previous, record)
    for path in [*files, *([out / REGRADES] if regrades else [])]:
        path = Path(path)
        if path.is_file():
            target = folder / path.relative_to(out) if out in path.parents else folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    text = _changes_csv(changes)
    # One JSON text for both copies, without indentation: the fast encoder, for 10,000 students.
    raw = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    write_text(folder / CHANGES, text)
    write_bytes(folder / "run.json", raw)
    write_text(out / CHANGES, text)
    write_bytes(out / "run.json", raw)  # last: the latest run is the one recorded whole
    return RunRecord(folder, record, changes, previous["run"] if previous else "")
