"""``crmlab exercises collect``: a folder or an LMS download of exercise notebooks becomes a
grading folder, each notebook matched to its student by what it carries, never by its name.

A notebook ``crmlab exercises assign`` prepared carries its exercise (``metadata.crmlab.id``),
its student and seed twice (papermill's ``metadata.papermill.parameters`` and the cell tagged
``injected-parameters``), and the seed is HMAC(instructor secret, exercise:student). So:

1. **Read** the download (:mod:`crmlab.grading.downloads`: bounded, no link followed) and where
   the LMS put each file (:mod:`crmlab.grading.lms_layouts`: Moodle, Canvas or a plain folder).
2. **Identify** each notebook by its own content: a notebook of another exercise, one that is
   not a crmlab exercise, one without a student id or seed, one whose two copies of the id or
   seed disagree or whose seed is not the one the secret gives its student (tampered), or a
   student not in the roster, is **set aside**.
3. **Match** it with the submission it came in: the LMS's folder or file name says whose
   submission it was (through the worksheet's email or name, or the name the LMS wrote, found
   in the roster). A notebook of student A in B's submission is A's work handed in by B: it is
   set aside, and only A's own submission counts for A.
4. **Choose** one notebook per student: copies with the same bytes are one notebook; different
   notebooks of one student are all set aside (the download gives no time to choose by, and a
   file name says nothing: ``rfm (1).ipynb`` is as often the newer as the older) until the
   instructor picks one (``pick``).
5. **Receipts** from the times of whoever received the files: the hub's collection service
   (``crmlab exercises collect STORE/.exercises``: its ``receipts.csv`` beside the notebooks,
   :func:`_service_receipts`; a student's earlier notebooks, handed in again later, are
   skipped, not problems), or Moodle's grading worksheet. Canvas's zips and
   Moodle's zips hold no submission time (their entry times are when the zip was made); a
   plain folder has only file times, which a copy sets and a student can forge: they are kept
   in collect.csv and become receipts only when the instructor says so
   (``trust_file_times``). Each case is a loud warning.

Every file of the download is one row of collect.csv; every file not collected (and every
missing receipt) is one row of problems.csv. What became of a file, and why, is a
:class:`~crmlab.grading.results.Reason` (a code of
:data:`~crmlab.grading.results.COLLECT_REASONS` with its parameters), and so is each warning
of the run (:data:`~crmlab.grading.results.COLLECT_WARNINGS`): the files keep the code, its
parameters and the English sentence, which the catalog makes (``result.<code>``) in any
language.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.ids import is_id
from crmlab.core.times import iso
from crmlab.core.validation import Problems
from crmlab.exercises.tags import INJECTED_PARAMETERS
from crmlab.grading import files
from crmlab.grading.downloads import NOTEBOOK, OTHER, REFUSED, SKIPPED, Item, ReadLimits
from crmlab.grading.lms_layouts import CANVAS, MOODLE, PLAIN, Origin
from crmlab.grading.results import Reason

__all__ = ["collect", "Collection", "Entry", "Identity", "read_identity", "VERDICTS"]

# ------------------------------------------------------------------------------ verdicts
#: What became of a file: collected, the same bytes as one collected, set aside (a notebook
#: not collected), not a notebook, skipped (nobody's work), refused (not read). Why is its
#: reason (a code of crmlab.grading.results.COLLECT_REASONS).
VERDICTS = ("collected", "identical", "set aside", "not a notebook", "skipped", "refused")


# ------------------------------------------------------------------------------ identity
@dataclass(frozen=True)
class Identity:
    """What a notebook says it is: its ``exercise`` id, ``student`` and ``seed``."""

    exercise: str
    student: str
    seed: int


_STUDENT_LINE = re.compile(r"""^[ \t]*student_id[ \t]*=[ \t]*(['"])(.*?)\1[ \t]*(?:#.*)?$""",
                           re.M)
_SEED_LINE = re.compile(r"^[ \t]*seed[ \t]*=[ \t]*(-?[0-9]{1,30})[ \t]*(?:#.*)?$", re.M)


def _clip(value, width: int = 70):
    """A value a notebook claims, short enough for a report line (it may be anything)."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def _injected(cells) -> tuple[set, set]:
    """The student ids and seeds the cells tagged ``injected-parameters`` set."""
    students, seeds = set(), set()
    for cell in cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
            continue
        tags = cell["metadata"].get("tags")
        if not isinstance(tags, list) or INJECTED_PARAMETERS not in tags:
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        students |= {m[2] for m in _STUDENT_LINE.finditer(source)}
        seeds |= {int(m[1]) for m in _SEED_LINE.finditer(source)}
    return students, seeds


def read_identity(data: bytes) -> tuple[Identity | None, Reason | None]:
    """What the notebook ``data`` carries: ``(identity, None)``, or ``(None, reason)`` when it
    cannot say (``unreadable``, ``not_crmlab``, ``no_student_id``, ``no_seed``,
    ``no_id_nor_seed``, ``id_mismatch``, ``ids_in_cell``, ``seed_mismatch``,
    ``seeds_in_cell``). Nothing in it is run.

    Examples
    --------
    >>> nb = {"cells": [], "metadata": {"crmlab": {"kind": "exercise", "id": "EX-x"},
    ...       "papermill": {"parameters": {"student_id": "s1", "seed": 7}}}}
    >>> read_identity(json.dumps(nb).encode())
    (Identity(exercise='EX-x', student='s1', seed=7), None)
    >>> read_identity(b"{")
    (None, Reason('unreadable', error='not JSON: JSONDecodeError'))
    """
    try:
        nb = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, Reason("unreadable", error=f"not JSON: {type(exc).__name__}")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) \
            or not isinstance(nb.get("metadata"), dict):
        return None, Reason("unreadable", error="JSON without a notebook's cells and metadata")
    meta = nb["metadata"].get("crmlab")
    if not isinstance(meta, dict) or meta.get("kind") != "exercise" \
            or not isinstance(meta.get("id"), str) or not meta["id"]:
        return None, Reason("not_crmlab")
    papermill = nb["metadata"].get("papermill")
    parameters = papermill.get("parameters") if isinstance(papermill, dict) else None
    parameters = parameters if isinstance(parameters, dict) else {}
    meta_student = parameters.get("student_id")
    meta_seed = parameters.get("seed")
    meta_student = meta_student if isinstance(meta_student, str) else None
    meta_seed = meta_seed if isinstance(meta_seed, int) and not isinstance(meta_seed, bool) \
        else None
    students, seeds = _injected(nb["cells"])
    if len(students) > 1 or (students and meta_student is not None
                             and students != {meta_student}):
        cell = _clip(" / ".join(sorted(students)))
        return None, (Reason("ids_in_cell", cell=cell) if meta_student is None
                      else Reason("id_mismatch", meta=_clip(meta_student), cell=cell))
    if len(seeds) > 1 or (seeds and meta_seed is not None and seeds != {meta_seed}):
        cell = _clip(" / ".join(map(str, sorted(seeds))))
        return None, (Reason("seeds_in_cell", cell=cell) if meta_seed is None
                      else Reason("seed_mismatch", meta=_clip(meta_seed), cell=cell))
    student = meta_student if meta_student is not None else next(iter(students), None)
    seed = meta_seed if meta_seed is not None else next(iter(seeds), None)
    if student is None or seed is None:
        return None, Reason("no_id_nor_seed" if student is None and seed is None
                            else "no_student_id" if student is None else "no_seed")
    return Identity(meta["id"], student, seed), None


# ------------------------------------------------------------------------------ records
@dataclass
class Entry:
    """One file of the download and what became of it (a row of collect.csv)."""

    item: Item
    origin: Origin
    sha256: str = ""
    identity: Identity | None = None
    claimed: str = ""  # the student the notebook names, even when it is set aside
    owner: str = ""  # the roster student whose submission the LMS says it was
    verdict: str = ""
    reason: Reason | None = None  # why the verdict (a code of results.COLLECT_REASONS)
    file: str = ""
    received: datetime | None = None
    time_source: str = ""
    no_receipt: Reason | None = None  # why an LMS download gave this notebook no receipt

    @property
    def name(self) -> str:
        """The file's path in the download (collect.csv's ``entry``)."""
        return self.item.name

    @property
    def lms_key(self) -> tuple:
        """``(layout, key)``: which submission of the LMS the file came in."""
        return (self.origin.layout, self.origin.key)

    def reason_text(self, lang: str = "en") -> str:
        """The verdict's reason, in ``lang`` ("" before there is one)."""
        return self.reason.text(lang) if self.reason is not None else ""


@dataclass
class Collection:
    """The result of :func:`collect`: every ``entries`` row, the ``collected`` entry of each
    student, the roster students ``missing``, the run's ``warnings`` (each a
    :class:`~crmlab.grading.results.Reason` of ``COLLECT_WARNINGS``), the ``problems`` (rows of
    problems.csv), the receipt rows written and where."""

    source: Path
    out: Path
    exercise: str
    entries: list = field(default_factory=list)
    collected: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    receipts: list = field(default_factory=list)
    receipts_path: Path | None = None
    layouts: tuple = ()

    @property
    def set_aside(self) -> list:
        """The notebooks not collected that need the instructor's decision."""
        return [e for e in self.entries if e.verdict in ("set aside", "refused")]

    def warning_lines(self, lang: str = "en") -> list[str]:
        """The run's warnings, in ``lang``."""
        return [warning.text(lang) for warning in self.warnings]

    def summary(self) -> list[str]:
        """What the command prints: counts, the notebooks set aside, the students missing."""
        count = {verdict: sum(e.verdict == verdict for e in self.entries)
                 for verdict in VERDICTS}
        lines = [f"collected {len(self.collected)} notebook(s) of {self.exercise} into "
                 f"{self.out} (layout: {', '.join(self.layouts) or 'none'}); "
                 f"{count['identical']} identical copy(ies), {count['set aside']} set aside, "
                 f"{count['refused']} refused, {count['not a notebook']} other file(s)"]
        for entry in self.set_aside:
            who = entry.claimed or entry.owner
            lines.append(f"  {entry.verdict}: {entry.name}" + (f" [{who}]" if who else "")
                         + f": {entry.reason_text()}")
        if self.missing:
            lines.append(f"no notebook collected for {len(self.missing)} student(s): "
                         + ", ".join(self.missing))
        if self.receipts_path is not None:
            lines.append(f"{len(self.receipts)} receipt(s) added to {self.receipts_path}")
        lines.append(f"every file: {self.out / files.COLLECTED}; problems: "
                     f"{self.out / files.PROBLEMS}")
        return lines


# ------------------------------------------------------------------------------ steps
def _levels(item: Item) -> list:
    """The indexes of the parts of ``item`` that are names in a folder or zip the LMS wrote:
    the file's own, and each zip's on the way (a student's zip in Canvas's zip)."""
    return sorted({*item.zips, len(item.parts) - 1})


def _origins(items) -> dict:
    """``{item index: Origin}``; Canvas's layout only where all the names of a folder (or zip)
    follow it."""
    from crmlab.grading.lms_layouts import canvas_layout_holds, origin_of

    folders: dict = {}
    for item in items:
        if item.kind != SKIPPED:
            for level in _levels(item):
                folders.setdefault(item.parts[:level], set()).add(item.parts[level])
    canvas = {folder for folder, names in folders.items() if canvas_layout_holds(names)}
    origins = {}
    for index, item in enumerate(items):
        origin = origin_of(item.parts, canvas=False)
        if origin.layout == PLAIN:
            for level in _levels(item):
                if item.parts[:level] in canvas:
                    found = origin_of(item.parts[level:level + 1])
                    origin = replace(found, file="/".join([found.file, *item.parts[level + 1:]]))
                    break
        origins[index] = origin
    return origins


def _roster_index(roster) -> dict:
    from crmlab.grading.lms_layouts import canvas_name_keys, name_key

    index = {"email": {}, "name": {}, "canvas": {}}
    for row in roster.to_dict("records"):
        student = row["student_id"]
        if row.get("email", "").strip():
            index["email"].setdefault(row["email"].strip().casefold(), set()).add(student)
        if row.get("name", "").strip():
            index["name"].setdefault(name_key(row["name"]), set()).add(student)
            for key in canvas_name_keys(row["name"]):
                index["canvas"].setdefault(key, set()).add(student)
    return index


def _one(found) -> str:
    return next(iter(found)) if found and len(found) == 1 else ""


def _owner(origin: Origin, index: dict, worksheet, blind: bool) -> str:
    """The roster student whose submission the LMS says ``origin`` was ("" when unknown)."""
    from crmlab.grading.lms_layouts import name_key

    if origin.layout == MOODLE and origin.key:
        row = worksheet.rows.get(origin.key) if worksheet is not None else None
        if row is not None:
            owner = (_one(index["email"].get(row.email.casefold())) if row.email else "") or \
                (_one(index["name"].get(name_key(row.name))) if row.name else "")
            if owner:
                return owner
        if not blind:
            return _one(index["name"].get(name_key(origin.who)))
    if origin.layout == CANVAS and origin.who and not blind:
        return _one(index["canvas"].get(origin.who))
    return ""


def _lms_label(origin: Origin, *, blind: bool = False) -> str:
    if origin.layout == MOODLE:
        label = f"Moodle participant {origin.key}" if origin.key else "a Moodle team"
    elif origin.layout == CANVAS:
        label = f"Canvas user {origin.key}"
    else:
        return "another file"
    return f"{label}, {origin.who}" if origin.who and not blind else label


def _holder(entry: Entry, blind: bool) -> str:
    label = _lms_label(entry.origin, blind=blind)
    return f"{entry.owner} ({label})" if entry.owner else label


def _check_identity(entry: Entry, exercise: str, students: set, secret) -> None:
    """Set the entry aside when its notebook is not this exercise's, not identified, tampered
    or not a roster student's."""
    from crmlab.exercises.assignment import student_seed

    identity, reason = read_identity(entry.item.data)
    if identity is not None:
        entry.claimed = _clip(identity.student)
    if reason is not None and reason.code == "unreadable":
        entry.verdict, entry.reason = "refused", reason
        return
    if reason is None and identity.exercise != exercise:
        reason = Reason("other_exercise", found=_clip(identity.exercise), exercise=exercise)
    elif reason is None and (not is_id(identity.student) or identity.student not in students):
        reason = Reason("unknown_student", student=_clip(identity.student))
    elif reason is None and secret is not None and \
            identity.seed != student_seed(secret, exercise, identity.student):
        reason = Reason("wrong_seed", seed=_clip(identity.seed), student=identity.student)
    if reason is not None:
        entry.verdict, entry.reason = "set aside", reason
        return
    entry.identity = identity


def _choose(candidates: list, blind: bool, picks: set) -> None:
    """Decide among the notebooks of one student (each already identified); a notebook
    collected gets its reason once its file is named (:func:`collect`)."""
    student = candidates[0].identity.student
    own = {e.lms_key for e in candidates if e.owner == student and e.origin.key}
    for entry in candidates:
        if (entry.origin.key and entry.owner and entry.owner != student) or \
                (own and entry.origin.key and entry.lms_key not in own):
            entry.verdict = "set aside"
            entry.reason = Reason("copied", student=student, holder=_holder(entry, blind))
    picked = [e for e in candidates if e.name in picks]
    if picked:
        chosen = picked[0]
        for entry in candidates:
            if entry is not chosen:
                entry.verdict, entry.reason = "set aside", Reason("not_picked",
                                                                  picked=chosen.name)
        chosen.verdict, chosen.reason = "collected", None
        return
    open_ = [e for e in candidates if not e.verdict]
    if not open_:
        return
    if len({e.sha256 for e in open_}) == 1:
        open_[0].verdict = "collected"
        for entry in open_[1:]:
            entry.verdict, entry.reason = "identical", Reason("identical", kept=open_[0].name)
        return
    for entry in open_:
        entry.verdict, entry.reason = "set aside", Reason(
            "duplicate", count=len({e.sha256 for e in open_}), student=student)


def _mixed(entries: list, blind: bool) -> None:
    """A submission of unknown owner holding notebooks of several students: each set aside."""
    by_key: dict = {}
    for entry in entries:
        if entry.identity is not None and not entry.verdict and entry.origin.key \
                and not entry.owner:
            by_key.setdefault(entry.lms_key, []).append(entry)
    for group in by_key.values():
        students = sorted({e.identity.student for e in group})
        if len(students) < 2:
            continue
        for entry in group:
            entry.verdict, entry.reason = "set aside", Reason(
                "mixed_submission", holder=_holder(entry, blind), students=", ".join(students))


def _set_aside_name(number: int, basename: str) -> str:
    """A copy's name in set-aside/: a number first, then ``__``, so the grader's
    ``<stem>__<student>.ipynb`` never reads it as a student's (its stem is never the number)."""
    safe = re.sub(r"[\x00-\x1f/\\]", "_", basename)
    if len(safe) > 120:
        stem, dot, suffix = safe.rpartition(".")
        safe = (stem[:110] + dot + suffix[:9]) if dot else safe[:120]
    return f"{number:04d}__{safe}"


def _optional_secret(secret_file) -> bytes | None:
    from crmlab.exercises.assignment import load_secret

    if secret_file or os.environ.get("CRMLAB_INSTRUCTOR_SECRET", "").strip():
        return load_secret(secret_file)
    return None


def _inputs_inside(source: Path, inputs: dict) -> dict:
    """``{parts: option}`` of the command's own input files that sit inside the folder
    ``source`` (a worksheet kept beside the submissions is not a student's file)."""
    import unicodedata

    found = {}
    if not source.is_dir():
        return found
    root = source.resolve()
    for option, path in inputs.items():
        if path is None:
            continue
        try:
            inside = Path(path).resolve().relative_to(root)
        except ValueError:
            continue
        found[tuple(unicodedata.normalize("NFC", p) for p in inside.parts)] = option
    return found


def _check_out(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ExerciseError(f"{out}: not a folder; give a new folder to --out")
    if out.is_dir() and any(out.iterdir()):
        raise ExerciseError(f"{out}: the folder is not empty; collect into a new folder (a "
                            "course-wide receipts file is extended with --receipts FILE)")


# ------------------------------------------------------------------------------ collect
def collect(source, *, exercise: str, roster, out, secret_file=None, worksheet=None,
            timezone: str | None = None, date_format: str | None = None, receipts=None,
            trust_file_times: bool = False, pick=(), limits: ReadLimits | None = None
            ) -> Collection:
    """Collect the notebooks of ``exercise`` from the download ``source`` into ``out``.

    Parameters
    ----------
    source : path
        A folder, a zip (Moodle's "Download all submissions", Canvas's submissions zip, any
        zip), or a folder holding such zips.
    exercise : str
        Exercise id (``EX-rfm-pyramid``), file stem, or path of the source notebook.
    roster : path
        The roster (``student_id``; ``name`` and ``email`` let the LMS's names be checked).
    out : path
        A new (or empty) folder: the grading folder ``crmlab exercises grade`` reads
        (:mod:`crmlab.grading.files`, *A collected folder*).
    secret_file : path, optional
        The instructor secret (else ``CRMLAB_INSTRUCTOR_SECRET``); without one the seeds are
        not checked (a warning says so).
    worksheet : path, optional
        Moodle's grading worksheet (CSV): the receipt times; needs ``timezone``.
    timezone : str, optional
        The IANA zone of the Moodle user who downloaded the worksheet (their profile's zone).
    date_format : str, optional
        A :func:`~datetime.datetime.strptime` format for the worksheet's times, when they are
        not written with a month name.
    receipts : path, optional
        A receipts file to extend (default: ``out/receipts.csv``, written when there are
        receipts).
    trust_file_times : bool
        Write the file times of a plain folder or zip as receipts (never an LMS zip's times).
    pick : iterable of str
        Entries (as collect.csv's ``entry`` names them) that win over the other notebooks of
        their student (a duplicate, or a notebook handed in by someone else).
    limits : ReadLimits, optional
        What reading the download may cost.

    Returns
    -------
    Collection
    """
    from crmlab.core.roster import read_roster
    from crmlab.exercises.notebook import exercise_metadata, find_exercise, submission_name
    from crmlab.grading.downloads import read_source
    from crmlab.grading.lms_layouts import blind_names, read_worksheet, time_zone
    from crmlab.grading.receipts import read_receipts

    source_path = find_exercise(exercise)
    ex_id, stem = exercise_metadata(source_path)["id"], source_path.stem
    roster_frame = read_roster(roster)
    students = set(roster_frame["student_id"])
    secret = _optional_secret(secret_file)
    if worksheet is None and (timezone or date_format):
        raise ExerciseError("--timezone and --date-format read Moodle's worksheet: give "
                            "--worksheet too")
    sheet = None
    if worksheet is not None:
        if not timezone:
            raise ExerciseError(f"{worksheet}: the worksheet's times carry no zone; give "
                                "--timezone, the zone of the Moodle user who downloaded it "
                                "(e.g. Asia/Baku)")
        sheet = read_worksheet(worksheet, zone=time_zone(timezone), date_format=date_format)
    out, source = Path(out), Path(source)
    _check_out(out)
    receipts_path = Path(receipts) if receipts is not None else out / files.RECEIPTS
    if receipts is not None and receipts_path.is_file():
        problems = read_receipts(receipts_path).problems
        if problems:
            raise ExerciseError(f"{problems[0]} Fix it before collecting (nothing was "
                                "written).")
    picks = set(pick)

    items = read_source(source, limits=limits)
    inputs = _inputs_inside(source, {"--roster": roster, "--worksheet": worksheet,
                                     "--receipts": receipts, "--secret-file": secret_file})
    items = [replace(item, kind=SKIPPED, data=None,
                     reason=Reason("command_input", option=inputs[item.parts]))
             if item.parts in inputs and not item.zips else item for item in items]
    items, service = _service_receipts(source, items, ex_id)
    origins = _origins(items)
    result = Collection(source, out, ex_id)
    blind = blind_names(origins.values())
    index = _roster_index(roster_frame)
    for at, item in enumerate(items):
        entry = Entry(item, origins[at])
        result.entries.append(entry)
        if item.kind == SKIPPED or item.kind == REFUSED:
            entry.verdict = "skipped" if item.kind == SKIPPED else "refused"
            entry.reason = item.reason
            entry.owner = service[item.parts][0] if item.parts in service else ""
            continue
        entry.owner = service[item.parts][0] if item.parts in service else \
            _owner(entry.origin, index, sheet, blind)
        if item.kind == OTHER:
            entry.verdict, entry.reason = "not a notebook", Reason("not_a_notebook")
            continue
        entry.sha256 = hashlib.sha256(item.data).hexdigest()
        _check_identity(entry, ex_id, students, secret)
    unknown = picks - {e.name for e in result.entries}
    if unknown:
        raise ExerciseError(f"--pick {sorted(unknown)[0]!r}: no such entry in {source} (give "
                            "it as collect.csv or problems.csv names it)")
    unusable = [e for e in result.entries if e.name in picks and e.identity is None]
    if unusable:
        raise ExerciseError(f"--pick {unusable[0].name!r}: cannot be collected "
                            f"({unusable[0].reason_text() or unusable[0].verdict})")
    _mixed(result.entries, blind)
    by_student: dict = {}
    for entry in result.entries:
        if entry.identity is not None:
            by_student.setdefault(entry.identity.student, []).append(entry)
    for student, candidates in by_student.items():
        chosen = [e.name for e in candidates if e.name in picks]
        if len(chosen) > 1:
            raise ExerciseError(f"--pick names {len(chosen)} notebooks of {student} "
                                f"({', '.join(chosen)}): pick one")
        _choose(candidates, blind, picks)
    for entry in result.entries:
        if entry.verdict == "collected":
            entry.file = submission_name(stem, entry.identity.student)
            entry.reason = Reason("picked" if entry.name in picks else "collected",
                                  file=entry.file)
            result.collected[entry.identity.student] = entry
    order = list(roster_frame["student_id"])  # receipts and summaries in roster order
    result.collected = dict(sorted(result.collected.items(), key=lambda i: order.index(i[0])))
    result.missing = [s for s in roster_frame["student_id"] if s not in result.collected]
    result.layouts = tuple(sorted({e.origin.layout for e in result.entries
                                   if e.item.kind in (NOTEBOOK, OTHER)}))
    _receipt_times(result, sheet, trust_file_times, blind, service)
    if secret is None:
        result.warnings.insert(0, Reason("no_secret"))
    if len(result.layouts) > 1:
        result.warnings.append(Reason("mixed_layouts", layouts=", ".join(result.layouts)))
    _problem_rows(result, trust_file_times)
    _write(result, receipts_path, trust_file_times)
    return result


def _service_receipts(source: Path, items: list, exercise: str) -> tuple[list, dict]:
    """The receipts the hub's collection service kept beside the notebooks of the folder
    ``source`` (its ``receipts.csv``): ``(items, {parts: (student, received)})`` of every
    notebook received (the hub user who handed it in, and when).

    Only a notebook whose path and checksum a receipt of ``exercise`` names counts as
    received; of one student's, the latest received is the one handed in, and the earlier ones
    are skipped (``resubmitted``: a resubmission is no problem). The receipts file itself is
    skipped too.
    """
    from crmlab.grading.receipts import read_receipts

    path = source / files.RECEIPTS
    if not source.is_dir() or not path.is_file() or path.is_symlink():
        return items, {}
    receipts = read_receipts(path)
    if receipts.problems:
        raise ExerciseError(f"{receipts.problems[0]} Fix it before collecting (nothing was "
                            "written).")
    rows = {(row["file"], row["sha256"]): (line, row) for line, row in enumerate(receipts.rows)
            if row["assessment"] == exercise}
    found, order = {}, {}
    for at, item in enumerate(items):
        if item.kind != NOTEBOOK or item.zips:
            continue
        line, row = rows.get(("/".join(item.parts), hashlib.sha256(item.data).hexdigest()),
                             (None, None))
        if row is not None:
            found[at] = (row["student_id"], row["received_at"])
            order[at] = (row["received_at"], line)  # the later row wins a tie of seconds
    latest = {}
    for at, (student, _) in found.items():
        if student not in latest or order[at] > order[latest[student]]:
            latest[student] = at
    kept = {student: items[at].name for student, at in latest.items()}
    out, service = [], {}
    for at, item in enumerate(items):
        if at in found and latest[found[at][0]] != at:
            item = replace(item, kind=SKIPPED, data=None,
                           reason=Reason("resubmitted", kept=kept[found[at][0]]))
            service[item.parts] = found[at]  # whose it was, for collect.csv
        elif at in found:
            service[item.parts] = found[at]
        elif item.parts == (files.RECEIPTS,) and item.kind != SKIPPED:
            item = replace(item, kind=SKIPPED, data=None, reason=Reason("service_receipts"))
        out.append(item)
    return out, service


def _receipt_times(result: Collection, sheet, trust_file_times: bool, blind: bool,
                   service: dict) -> None:
    """Each collected notebook's receipt time and its source; the warnings they call for."""
    if blind:
        result.warnings.append(Reason("blind_marking"))
    if sheet is not None and sheet.by_content:
        result.warnings.append(Reason("columns_by_content", path=str(sheet.path),
                                      columns=", ".join(sheet.by_content)))
    layouts = {e.origin.layout for e in result.collected.values()}
    if MOODLE in layouts and sheet is None:
        result.warnings.append(Reason("moodle_no_worksheet"))
    if CANVAS in layouts:
        late = sum(e.origin.late for e in result.collected.values())
        result.warnings.append(Reason("canvas_no_times", late=late))
    file_timed = []
    for entry in result.collected.values():
        origin = entry.origin
        if entry.item.parts in service:
            entry.received, entry.time_source = service[entry.item.parts][1], "hub-receipt"
        elif origin.layout == MOODLE and sheet is not None:
            row = sheet.rows.get(origin.key)
            if row is None:
                entry.no_receipt = Reason("not_in_worksheet",
                                          participant=_lms_label(origin, blind=blind),
                                          worksheet=sheet.path.name)
            elif row.problem:
                entry.no_receipt = Reason("worksheet_time", worksheet=sheet.path.name,
                                          line=row.line, column=sheet.columns["time"],
                                          problem=row.problem)
            elif row.submitted is None:
                entry.no_receipt = Reason("worksheet_no_time", worksheet=sheet.path.name,
                                          line=row.line)
            else:
                entry.received, entry.time_source = row.submitted, "moodle-worksheet"
        elif origin.layout == PLAIN and entry.item.mtime is not None:
            entry.received = entry.item.mtime
            entry.time_source = "file-mtime" if entry.item.time_kind == "file" \
                else "zip-entry-time"
            file_timed.append(entry)
    if file_timed:
        sources = ", ".join(sorted({e.time_source for e in file_timed}))
        result.warnings.append(Reason(
            "file_times_trusted" if trust_file_times else "file_times_untrusted",
            count=len(file_timed), sources=sources))


def _problem_rows(result: Collection, trust_file_times: bool) -> None:
    """problems.csv: each file not collected (its reason says which verdict) and each
    collected notebook's receipt problem."""
    for entry in result.entries:
        if entry.verdict == "skipped":
            continue
        reasons = [entry.reason] if entry.verdict != "collected" else [
            entry.no_receipt, Reason("canvas_late") if entry.origin.late else None,
            Reason("file_time_receipt", when=iso(entry.received), source=entry.time_source)
            if trust_file_times and entry.time_source in ("file-mtime", "zip-entry-time")
            else None]
        for reason in filter(None, reasons):
            result.problems.add(result.source, entry.claimed or entry.owner,
                                assessment=result.exercise, item=entry.name, reason=reason)


def _collect_rows(result: Collection) -> str:
    import pandas as pd

    rows = [{"source": str(result.source), "entry": e.name, "kind": e.item.kind,
             "sha256": e.sha256, "layout": e.origin.layout, "lms_key": e.origin.key,
             "lms_name": e.origin.who, "lms_late": "yes" if e.origin.late else "",
             "exercise": e.identity.exercise if e.identity else "",
             "student_id": e.claimed, "owner": e.owner, "verdict": e.verdict,
             "code": e.reason.code if e.reason else "",
             "params": e.reason.params_text() if e.reason else "", "reason": e.reason_text(),
             "file": e.file,
             "received_at": iso(e.received) if e.received else "",
             "time_source": e.time_source} for e in result.entries]
    return pd.DataFrame(rows, columns=files.COLLECT_COLUMNS).to_csv(index=False,
                                                                     lineterminator="\n")


def _write(result: Collection, receipts_path: Path, trust_file_times: bool) -> None:
    """Write the folder whole or not at all (built beside it, then renamed into place)."""
    from crmlab.core.atomic import write_bytes, write_text
    from crmlab.grading.receipts import extend_receipts

    out = result.out
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for number, entry in enumerate(result.entries, start=1):
            if entry.verdict == "collected":
                write_bytes(work / entry.file, entry.item.data)
            elif entry.item.kind == NOTEBOOK and entry.item.data is not None \
                    and entry.verdict in ("set aside", "refused"):
                entry.file = f"{files.SET_ASIDE}/{_set_aside_name(number, entry.item.basename)}"
                write_bytes(work / entry.file, entry.item.data)
        write_text(work / files.COLLECTED, _collect_rows(result))
        write_text(work / files.PROBLEMS, result.problems.frame().to_csv(
            index=False, lineterminator="\n"))
        rows = [{"file": e.file, "sha256": e.sha256, "student_id": e.identity.student,
                 "assessment": result.exercise, "received_at": e.received}
                for e in result.collected.values() if e.received is not None and (
                    e.time_source in ("moodle-worksheet", "hub-receipt") or trust_file_times)]
        inside = receipts_path.parent.resolve() == out.resolve()
        if rows and inside:
            result.receipts = extend_receipts(work / receipts_path.name, rows)
            result.receipts_path = receipts_path
        work.chmod(0o755)
        if out.is_dir():
            out.rmdir()  # empty (checked): the new folder takes its place
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if rows and not inside:
        result.receipts = extend_receipts(receipts_path, rows)
        result.receipts_path = receipts_path
