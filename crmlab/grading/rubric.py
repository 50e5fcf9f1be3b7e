"""Hand grading of free-text answers by a CSV round trip: export a sheet, fill it, import it.

``crmlab grade SUBMISSIONS --out DIR`` writes ``DIR/rubric.csv``: one row per free-text answer
and rubric criterion, with the columns

    student_id, quiz_id, question_id, criterion, max_points, points, comment, answer_sha256,
    criterion_text, answer

``points`` and ``comment`` are empty until graded (rows already graded come pre-filled). The
instructor fills ``points`` (and optionally ``comment``, shown to the student on the feedback
page) in any spreadsheet program, then imports the sheet with
``crmlab grade SUBMISSIONS --out DIR --import-rubric FILE``. The import checks every row first
(:func:`check_sheet`): a cell of the wrong form (the schema of a row,
``crmlab/schemas/rubric.schema.json``), an unknown student or question, a criterion the rubric
does not have, points above the criterion's maximum, a row repeated, an
answer changed since the sheet was exported: each is a problem naming the line and the column,
and a sheet with any problem imports nothing. The delimiter is read from the header: a comma
(as crmlab writes), or the semicolon (or tab) a spreadsheet program in a comma-decimal locale
saves with; only such a sheet may give points with a decimal comma (``2,5``). The hand-grading
page (``crmlab handgrade``, :mod:`crmlab.grading.handgrade`) checks its rows with the same
:func:`check_rows` and writes the same store. Columns are found by name, so a sheet with its
columns reordered or with columns added still imports (added columns are ignored, with a note).

Imported points are kept in ``DIR/hand_grades.csv`` (:class:`HandGrades`) and only change when
a sheet gives a different number: importing the same sheet twice changes nothing, and an empty
cell never erases a grade. A grade belongs to the answer it was given for (its checksum): when a
student resubmits a different text, the answer is pending again and the old grade stays on file.
An answer counts as graded when every criterion of its rubric has points; until then it is
pending, never 0.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.schemas import load_schema, schema_problems
from crmlab.core.times import iso
from crmlab.grading import files
from crmlab.grading.results import HandProblem

__all__ = ["SHEET_COLUMNS", "REQUIRED_COLUMNS", "STORE_COLUMNS", "TextAnswer", "HandGrades",
           "answer_digest", "sheet_csv", "check_sheet", "check_rows", "sheet_delimiter",
           "read_store", "unimported_edits", "DELIMITERS"]

#: The format of one row of the sheet: ``crmlab/schemas/rubric.schema.json``.
_SCHEMA = load_schema("rubric")
#: The columns of the sheet ``crmlab grade`` exports, in order (the schema's properties).
SHEET_COLUMNS = list(_SCHEMA["properties"])
#: The columns an imported sheet must have (found by name, in any order).
REQUIRED_COLUMNS = list(_SCHEMA["required"])
#: The columns of the store of imported grades, ``hand_grades.csv``.
STORE_COLUMNS = files.HAND_GRADE_COLUMNS
STORE = files.HAND_GRADES


def answer_digest(answer: str) -> str:
    """The checksum that ties a grade to the text it was given for.

    Examples
    --------
    >>> answer_digest("Deliveries, invoices.")[:12]
    '4b133a6fa921'
    """
    return hashlib.sha256(str(answer).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TextAnswer:
    """One student's free-text answer to one question, with its rubric."""

    student_id: str
    quiz_id: str
    question_id: str
    answer: str
    criteria: tuple  # ((criterion id, text, max points), ...)

    @property
    def digest(self) -> str:
        """The answer's checksum."""
        return answer_digest(self.answer)

    @property
    def key(self) -> tuple:
        """(student, quiz, question)."""
        return (self.student_id, self.quiz_id, self.question_id)


def _csv(rows, columns) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass
class HandGrades:
    """The imported grades: ``{(student, quiz, question, criterion): row}``."""

    rows: dict = field(default_factory=dict)

    def for_answer(self, answer: TextAnswer) -> dict:
        """``{criterion: (points, comment)}`` given for exactly this answer's text."""
        found = {}
        for criterion, _, _ in answer.criteria:
            row = self.rows.get(answer.key + (criterion,))
            if row and row["answer_sha256"] == answer.digest:
                found[criterion] = (float(row["points"]), row["comment"])
        return found

    def points(self, answer: TextAnswer) -> float | None:
        """The answer's points when every criterion is graded, else None (pending)."""
        found = self.for_answer(answer)
        if len(found) < len(answer.criteria):
            return None
        return round(sum(points for points, _ in found.values()), 6)

    def merged(self, staged: list, *, now: datetime | None = None) -> tuple[HandGrades, int]:
        """A new store with the ``staged`` rows in; and how many grades they changed."""
        stamp = iso(now)
        rows, changed = dict(self.rows), 0
        for row in staged:
            key = (row["student_id"], row["quiz_id"], row["question_id"], row["criterion"])
            old = rows.get(key)
            same = old is not None and all(str(old[c]) == str(row[c])
                                           for c in ("points", "comment", "answer_sha256"))
            if not same:
                rows[key] = {**row, "graded_at": stamp}
                changed += 1
        return HandGrades(rows), changed

    def student_digest(self, student_id: str) -> str:
        """A checksum of one student's grades (the run history notices hand grading)."""
        mine = sorted((k, v["points"], v["comment"], v["answer_sha256"])
                      for k, v in self.rows.items() if k[0] == student_id)
        return hashlib.sha256(repr(mine).encode()).hexdigest() if mine else ""

    def write(self, folder: str | Path) -> Path:
        """Write ``hand_grades.csv`` into ``folder`` atomically."""
        rows = [self.rows[key] for key in sorted(self.rows)]
        return write_text(Path(folder) / STORE, _csv(rows, STORE_COLUMNS))


def read_store(folder: str | Path) -> HandGrades:
    """The grades imported into a grading folder so far (empty when there are none)."""
    from crmlab.core.tables import read_csv

    path = Path(folder) / STORE
    if not path.is_file():
        return HandGrades()
    frame = read_csv(path, what="hand grades", columns=STORE_COLUMNS)
    return HandGrades({(r["student_id"], r["quiz_id"], r["question_id"], r["criterion"]): r
                       for r in frame.to_dict("records")})


def sheet_csv(answers: list[TextAnswer], grades: HandGrades) -> str:
    """The rubric sheet of ``answers``: one row per answer and criterion, graded ones filled."""
    from crmlab.core.i18n import localized

    rows = []
    for answer in sorted(answers, key=lambda a: (a.quiz_id, a.question_id, a.student_id)):
        given = grades.for_answer(answer)
        for criterion, words, maximum in answer.criteria:
            points, comment = given.get(criterion, (None, ""))
            rows.append({"student_id": answer.student_id, "quiz_id": answer.quiz_id,
                         "question_id": answer.question_id, "criterion": criterion,
                         "max_points": _number(maximum),
                         "points": "" if points is None else _number(points),
                         "comment": comment, "answer_sha256": answer.digest,
                         "criterion_text": localized(words, "en"), "answer": answer.answer})
    return _csv(rows, SHEET_COLUMNS)


#: The delimiters a sheet may use: the comma crmlab writes, the semicolon of a spreadsheet
#: program in a comma-decimal locale (Excel in Azerbaijani, German, ...), a tab.
DELIMITERS = (",", ";", "\t")


def _delimiter(header_line: str) -> str:
    """The delimiter of a sheet, from its header line: the one it holds most of (a header
    holds no decimals, so a semicolon there is a separator, never a decimal comma)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def _read_sheet(path: Path):
    """``(header, rows as (line, {column: cell}), delimiter)`` or raise OSError/ValueError."""
    raw = path.read_bytes()
    content = raw.decode("utf-8-sig")  # spreadsheet programs add a byte-order mark
    delimiter = _delimiter(content.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    header = [cell.strip() for cell in next(reader, [])]
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows.append((line, {name: (record[i].strip() if i < len(record) else "")
                            for i, name in enumerate(header) if name}))
    return header, rows, delimiter


def sheet_delimiter(path: str | Path) -> str:
    """The delimiter a rubric sheet's header uses (``,``, ``;`` or a tab; ``,`` when the
    sheet cannot be read).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "rubric.csv")
    >>> _ = open(path, "w").write("student_id;quiz_id;question_id;criterion;points\\n")
    >>> sheet_delimiter(path)
    ';'
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _delimiter(handle.readline())
    except (OSError, UnicodeDecodeError):
        return ","


def check_sheet(path: str | Path, answers: list[TextAnswer]) -> tuple[list, list, list]:
    """Check a filled rubric sheet against the free-text answers of a grading run.

    Returns ``(staged, problems, notes)``: ``staged`` are the store rows of every graded cell
    (empty when there is any problem: a bad sheet imports nothing), ``problems`` the reasons
    (``FILE:LINE: column: message``), ``notes`` what was ignored (extra columns).

    Examples
    --------
    >>> import os, tempfile
    >>> answer = TextAnswer("s1", "Q", "why", "Trust.", (("reason", "A reason", 2.0),))
    >>> path = os.path.join(tempfile.mkdtemp(), "rubric.csv")
    >>> _ = open(path, "w").write("points,criterion,question_id,quiz_id,student_id,mine\\n"
    ...                           "2.5,reason,why,Q,s1,x\\n")
    >>> staged, problems, notes = check_sheet(path, [answer])
    >>> staged, problems[0].split(": ", 1)[1], notes[0].split(": ", 1)[1]
    ([], "points: Got points='2.5' instead, expected a number from 0 to 2.", "column 'mine' ignored")
    """
    path = Path(path)
    try:
        header, rows, delimiter = _read_sheet(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())
        return [], [f"{path}:1: -: cannot read the rubric sheet ({reason})"], []
    notes = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [f"{path}:1: -: the sheet lacks the column(s) "
                    f"{', '.join(repr(c) for c in missing)} (its header, split at "
                    f"{_shown(delimiter)}, has {len(header)} column(s))"], []
    for name in header:
        if name and name not in SHEET_COLUMNS:
            notes.append(f"{path}:1: column {name!r} ignored")
    staged, problems = check_rows(rows, answers, where=str(path),
                                  decimal_comma=delimiter != ",")
    return staged, [str(problem) for problem in problems], notes


def check_rows(rows, answers: list[TextAnswer], *, where: str,
               decimal_comma: bool = True) -> tuple[list, list]:
    """Check graded rows (``[(line, {column: cell})]``, cells as text) against the free-text
    answers of a grading run: the one check of both the sheet import and the hand-grading
    page.

    Returns ``(staged, problems)``: the store rows of every graded cell (empty when there is
    any problem: nothing is half taken) and the reasons, each a
    :class:`~crmlab.grading.results.HandProblem` found at ``WHERE:LINE`` (its English line
    ``WHERE:LINE: column: message``; with ``where=""`` at ``LINE`` alone, as the page names a
    criterion). A decimal comma (``2,5``) is read only with ``decimal_comma`` (a sheet whose
    cells are not separated by commas).

    Examples
    --------
    >>> answer = TextAnswer("s1", "Q", "why", "Trust.", (("reason", "A reason", 2.0),))
    >>> row = {"student_id": "s1", "quiz_id": "Q", "question_id": "why",
    ...        "criterion": "reason", "points": "1,5"}
    >>> check_rows([(2, row)], [answer], where="sheet")[0][0]["points"]
    '1.5'
    >>> problem = check_rows([(2, row)], [answer], where="sheet", decimal_comma=False)[1][0]
    >>> problem.code, str(problem)
    ('decimal_comma', "sheet:2: points: Got points='1,5' instead, expected a number with a \
decimal point (a decimal comma only in a ';'-separated sheet).")
    """
    problems = []
    by_key = {a.key: a for a in answers}
    students = {a.student_id for a in answers}
    questions = {(a.quiz_id, a.question_id) for a in answers}
    staged, seen = [], {}
    for line, row in rows:
        at = f"{where}:{line}" if where else str(line)
        found = schema_problems(_SCHEMA, {k: v for k, v in row.items() if k in SHEET_COLUMNS})
        if found:
            problems.extend(_cell_problem(p).at(at) for p in found)
            continue
        student, quiz_id, question_id = row["student_id"], row["quiz_id"], row["question_id"]
        if student not in students:
            problems.append(HandProblem("unknown_student", where=at, student=repr(student)))
            continue
        if (quiz_id, question_id) not in questions:
            problems.append(HandProblem("unknown_question", where=at,
                                        question=f"{quiz_id}/{question_id}"))
            continue
        answer = by_key.get((student, quiz_id, question_id))
        if answer is None:
            problems.append(HandProblem("no_answer", where=at, student=repr(student),
                                        question=f"{quiz_id}/{question_id}"))
            continue
        maxima = {cid: maximum for cid, _, maximum in answer.criteria}
        criterion = row["criterion"]
        if criterion not in maxima:
            problems.append(HandProblem("unknown_criterion", where=at,
                                        criterion=repr(criterion),
                                        known=", ".join(repr(c) for c in maxima)))
            continue
        key = answer.key + (criterion,)
        if key in seen:
            problems.append(HandProblem("repeated", where=at, line=seen[key]))
            continue
        seen[key] = line
        digest = row.get("answer_sha256", "")
        if digest and digest != answer.digest:
            problems.append(HandProblem("answer_changed", where=at))
            continue
        cell = row["points"]
        if cell == "":
            continue  # not graded yet
        if "," in cell and not decimal_comma:
            problems.append(HandProblem("decimal_comma", where=at, value=repr(cell)))
            continue
        points = float(cell.replace(",", "."))  # a number: the schema's pattern says so
        if not points <= maxima[criterion]:
            problems.append(HandProblem("points_range", where=at, value=repr(cell),
                                        maximum=f"{maxima[criterion]:g}"))
            continue
        staged.append({"student_id": student, "quiz_id": quiz_id, "question_id": question_id,
                       "criterion": criterion, "points": _number(points),
                       "comment": row.get("comment", ""), "answer_sha256": answer.digest})
    return ([] if problems else staged), problems


def _cell_problem(found) -> HandProblem:
    """A cell of the wrong form as a hand-grading problem: points by their own code (the page
    says it in its language), any other cell in the schema's words."""
    column = found.path[0]
    if column == "points" and found.value:
        return HandProblem("points_not_number", value=found.value)
    return HandProblem("cell", column=column, message=found.message)


def unimported_edits(path: str | Path, grades: HandGrades) -> bool:
    """Whether the sheet at ``path`` holds points the store does not (edits not imported yet).

    The grader checks this before writing a fresh sheet over an old one, so a sheet being
    filled in is never overwritten.
    """
    path = Path(path)
    if not path.is_file():
        return False
    try:
        header, rows, _ = _read_sheet(path)
    except (OSError, UnicodeDecodeError, csv.Error):
        return True
    if any(c not in header for c in REQUIRED_COLUMNS):
        return True
    for _, row in rows:
        if row["points"] == "" and not row.get("comment"):
            continue
        stored = grades.rows.get((row["student_id"], row["quiz_id"], row["question_id"],
                                  row["criterion"]))
        try:
            same = stored is not None and float(stored["points"]) == float(
                row["points"].replace(",", ".")) and stored["comment"] == row.get("comment", "")
        except ValueError:
            same = False
        if not same:
            return True
    return False
