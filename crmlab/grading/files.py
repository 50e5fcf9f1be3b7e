"""The files of a grading folder and their columns, declared once: the graders write them from
here and the gradebook, feedback and the tests read them from here.

A quiz grading folder (``crmlab grade SUBMISSIONS --out DIR``)::

    gradebook.csv        the LMS layout of crmlab.grading.lms (written last: the run finished)
    responses.csv        RESPONSE_COLUMNS: one row per student, quiz and question answered
    submissions.csv      SUBMISSION_COLUMNS: one row per submission and quiz, with its times
    item_analysis.csv    ITEM_ANALYSIS_COLUMNS: one row per question
    strategies.csv       STRATEGY_COLUMNS: constant-answer strategies per quiz
    similarity.csv       SIMILARITY_COLUMNS: pairs of free-text answers unusually alike
    problems.csv         PROBLEM_COLUMNS (crmlab.core.validation): what was set aside and why
    rubric.csv           the hand-grading sheet (crmlab.grading.rubric.SHEET_COLUMNS)
    hand_grades.csv      HAND_GRADE_COLUMNS: the imported hand grades
    report.md            the report (crmlab.grading.report)
    changes.csv, runs/   CHANGE_COLUMNS; every run kept (crmlab.grading.history)

An exercise grading folder (``crmlab exercises grade ... --out DIR``)::

    scores.csv           the LMS layout, as gradebook.csv above (written last)
    details.csv          details_columns(exercise, checks): one row per roster student: the
                         points, the outcome and its reason code, the points per check and the
                         reason in English
    checks.csv           CHECK_COLUMNS: one row per student and check, with the verdict's code
    notes.csv            NOTE_COLUMNS: what the sandbox refused while a notebook ran on
    overrides.csv        OVERRIDE_COLUMNS: checks whose points the instructor set by hand, with
                         the reason (crmlab.grading.overrides; crmlab handgrade writes it)
    similarity.csv       SIMILARITY_COLUMNS: pairs of students whose own code is unusually alike
    problems.csv         PROBLEM_COLUMNS: what was set aside and why
    feedback/            the executed notebooks, without the hidden checks' source
    changes.csv, runs/   as above

Codes and their parameters are those of :mod:`crmlab.grading.results`; a ``params`` cell holds
a code's parameters as a JSON object (``{"seconds":8}``, empty when it has none), and a
``reason`` cell the sentence in English, for the instructor's eyes only: readers use the codes.
:func:`write_exercise_results` and :func:`read_exercise_results` are the one writer and the one
reader of the exercise files.

A collected folder (``crmlab exercises collect SOURCE --out DIR``; ``crmlab exercises grade``
reads it as its SUBMISSIONS)::

    <stem>__<student>.ipynb   each student's notebook, as submitted (exercises.notebook's name)
    collect.csv          COLLECT_COLUMNS: one row per file of the download and what became of it
    problems.csv         PROBLEM_COLUMNS: every file not collected (set aside, identical,
                         refused, not a notebook) and what a collected notebook's receipt
                         lacks (no LMS time, Canvas's late mark, a file time trusted)
    receipts.csv         the receipts the LMS's times give (crmlab.grading.receipts.COLUMNS)
    set-aside/           copies of the notebooks set aside, named so the grader never reads them

A course gradebook folder (``crmlab gradebook --out DIR``)::

    gradebook.csv        the LMS layout; assessments.csv (ASSESSMENT_COLUMNS); problems.csv
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmlab.core.validation import PROBLEM_COLUMNS

__all__ = ["GRADEBOOK", "RESPONSES", "SUBMISSIONS", "ITEM_ANALYSIS", "STRATEGIES", "PROBLEMS",
           "RUBRIC_SHEET", "RUBRIC_NEW", "HAND_GRADES", "REPORT", "CHANGES", "RUNS", "SCORES",
           "DETAILS", "CHECKS", "NOTES", "FEEDBACK", "ASSESSMENTS", "RESPONSE_COLUMNS",
           "SUBMISSION_COLUMNS", "ITEM_ANALYSIS_COLUMNS", "STRATEGY_COLUMNS", "PROBLEM_COLUMNS",
           "HAND_GRADE_COLUMNS", "CHANGE_COLUMNS", "ASSESSMENT_COLUMNS", "DETAILS_COLUMNS",
           "CHECK_COLUMNS", "NOTE_COLUMNS", "CHECK_PREFIX", "SIMILARITY", "SIMILARITY_COLUMNS",
           "details_columns",
           "details_exercise", "ExerciseResults", "exercise_tables", "write_exercise_results",
           "read_exercise_results",
           "COLLECTED", "COLLECT_COLUMNS", "RECEIPTS", "SET_ASIDE", "OVERRIDES",
           "OVERRIDE_COLUMNS"]

# ------------------------------------------------------------------------------ file names
#: The gradebook in an LMS layout; written last, so its presence means the run finished.
GRADEBOOK = "gradebook.csv"
#: One row per student, quiz and question answered (RESPONSE_COLUMNS).
RESPONSES = "responses.csv"
#: One row per submission and quiz, with its times (SUBMISSION_COLUMNS).
SUBMISSIONS = "submissions.csv"
#: One row per question: difficulty, discrimination, distractors.
ITEM_ANALYSIS = "item_analysis.csv"
#: The constant-answer strategies of every quiz.
STRATEGIES = "strategies.csv"
#: Pairs of students whose work is unusually alike, flagged for a look (SIMILARITY_COLUMNS).
SIMILARITY = "similarity.csv"
#: What a run set aside and why (PROBLEM_COLUMNS).
PROBLEMS = "problems.csv"
#: The hand-grading sheet of the free-text answers.
RUBRIC_SHEET = "rubric.csv"
#: The fresh sheet, when rubric.csv holds points not imported yet.
RUBRIC_NEW = "rubric.new.csv"
#: The imported hand grades (HAND_GRADE_COLUMNS).
HAND_GRADES = "hand_grades.csv"
#: The grading report (Markdown).
REPORT = "report.md"
#: Whose score moved since the previous run, and why (CHANGE_COLUMNS).
CHANGES = "changes.csv"
#: The folder that keeps every run.
RUNS = "runs"
#: An exercise's scores in an LMS layout.
SCORES = "scores.csv"
#: An exercise's row per student: outcome, points per check, reason (details_columns).
DETAILS = "details.csv"
#: An exercise's verdict per student and check (CHECK_COLUMNS).
CHECKS = "checks.csv"
#: What the sandbox refused while an exercise's notebooks ran on (NOTE_COLUMNS).
NOTES = "notes.csv"
#: An exercise's hand overrides of checks (OVERRIDE_COLUMNS).
OVERRIDES = "overrides.csv"
#: The folder of the executed exercise notebooks returned as feedback.
FEEDBACK = "feedback"
#: The course gradebook's row per student and assessment (ASSESSMENT_COLUMNS).
ASSESSMENTS = "assessments.csv"
#: A collected folder's record of every file of the download (COLLECT_COLUMNS).
COLLECTED = "collect.csv"
#: Receipts (crmlab.grading.receipts.COLUMNS).
RECEIPTS = "receipts.csv"
#: A collected folder's copies of the notebooks set aside.
SET_ASIDE = "set-aside"

# ------------------------------------------------------------------------------ columns
#: The columns of responses.csv.
RESPONSE_COLUMNS = ["student_id", "quiz_id", "question_id", "answer", "correct", "points",
                    "max_points"]
#: The columns of submissions.csv.
SUBMISSION_COLUMNS = ["student_id", "quiz_id", "source", "sha256", "created", "received_at",
                      "time_source", "answers_sha256", "counted", "submitted_at"]
#: The columns of item_analysis.csv.
ITEM_ANALYSIS_COLUMNS = ["quiz_id", "question_id", "type", "n", "difficulty", "point_biserial",
                         "upper_lower", "option_counts", "never_chosen", "flag"]
#: The columns of strategies.csv.
STRATEGY_COLUMNS = ["quiz_id", "strategy", "questions", "points", "max_points", "share", "flag"]
#: The columns of similarity.csv (crmlab.grading.similarity): the quiz or exercise
#: (``assessment``), the question (``item``; ``code`` for an exercise), the two students
#: (``student_a < student_b``), the ``measure`` that flagged the pair (``resemblance``: the
#: two are alike; ``containment``: one is (almost) inside the other), the Jaccard resemblance
#: ``score`` and the ``containment`` (shared over the smaller side), both in (0, 1], and the
#: first words of each side's text or code. Flagged for the instructor's eyes: it never
#: changes a grade.
SIMILARITY_COLUMNS = ["assessment", "item", "student_a", "student_b", "measure", "score",
                      "containment", "start_a", "start_b"]
#: The columns of hand_grades.csv.
HAND_GRADE_COLUMNS = ["student_id", "quiz_id", "question_id", "criterion", "points", "comment",
                      "answer_sha256", "graded_at"]
#: The columns of changes.csv.
CHANGE_COLUMNS = ["student_id", "item", "before", "after", "change", "reasons"]
#: The columns of assessments.csv.
ASSESSMENT_COLUMNS = ["student_id", "assessment", "kind", "raw", "possible", "pending",
                      "submitted_at", "time_source", "deadline", "late_days", "penalty", "final",
                      "status"]
#: The columns of collect.csv: the download and the file in it (``entry``, ``!`` after a zip),
#: its kind and checksum, where the LMS put it (layout, the participant's number or user id,
#: the name, Canvas's late mark), what the notebook carries (exercise, student id), whose
#: submission the LMS says it was (``owner``, from the roster), the ``verdict`` with its reason
#: ``code`` (crmlab.grading.results.COLLECT_REASONS), ``params`` and sentence in English, the
#: file written, and the receipt time with its source.
COLLECT_COLUMNS = ["source", "entry", "kind", "sha256", "layout", "lms_key", "lms_name",
                   "lms_late", "exercise", "student_id", "owner", "verdict", "code", "params",
                   "reason", "file", "received_at", "time_source"]
#: The fixed columns of details.csv; the exercise id and one column per check come between:
#: the student, the points (under the exercise id, as a gradebook column, and as ``total``),
#: the job's outcome (crmlab.grading.results.OUTCOMES) with its reason ``code`` and
#: ``params`` (empty when it ran), then ``check:<name>`` points, then the English ``reason``.
DETAILS_COLUMNS = ["student_id", "total", "outcome", "code", "params", "reason"]
#: The columns of checks.csv: the verdict's code (crmlab.grading.results.CHECK_CODES), the
#: points earned and the points possible.
CHECK_COLUMNS = ["student_id", "check", "code", "points", "possible"]
#: The columns of notes.csv: the note's code (crmlab.grading.results.NOTES), its parameters
#: and its sentence in English.
NOTE_COLUMNS = ["student_id", "code", "params", "reason"]
#: The columns of overrides.csv: the student and check, the points set by hand, the reason,
#: the checksum of the submission they were given for and when (ISO 8601).
OVERRIDE_COLUMNS = ["student_id", "check", "points", "reason", "submission_sha256",
                    "overridden_at"]
#: The prefix of a check's column in details.csv (``check:abc-class-a``).
CHECK_PREFIX = "check:"


def details_columns(exercise: str, checks) -> list[str]:
    """The columns of an exercise's details.csv: ``student_id``, the exercise id (its points,
    as a gradebook column), ``total``, ``outcome``, ``code``, ``params``, ``check:<name>`` per
    check, ``reason``.

    Examples
    --------
    >>> details_columns("EX-abc-profit", ["abc-class-a", "abc-share"])
    ['student_id', 'EX-abc-profit', 'total', 'outcome', 'code', 'params', 'check:abc-class-a', \
'check:abc-share', 'reason']
    """
    return ["student_id", exercise, "total", "outcome", "code", "params",
            *(f"{CHECK_PREFIX}{name}" for name in checks), "reason"]


def details_exercise(columns) -> str:
    """The exercise id of a details.csv, from its columns (the one that is neither fixed nor a
    check); ``ValueError`` when there is not exactly one.

    Examples
    --------
    >>> details_exercise(details_columns("EX-abc-profit", ["abc-share"]))
    'EX-abc-profit'
    """
    found = [c for c in columns if c not in DETAILS_COLUMNS and not c.startswith(CHECK_PREFIX)]
    if len(found) != 1:
        raise ValueError(f"Got the columns {', '.join(map(repr, columns))} instead, expected "
                         "student_id, the exercise id, total, outcome, code, params, "
                         "check:<name>..., reason.")
    return found[0]


# ------------------------------------------------------------------------------ exercise files
@dataclass
class ExerciseResults:
    """An exercise grading folder, read back: the exercise id, the points possible of each
    check (in the exercise's order) and each student's
    :class:`~crmlab.grading.results.JobResult`, in the roster's order; ``hand`` is ``{(student,
    check): reason}`` of the hand overrides applied to them
    (:func:`crmlab.grading.overrides.overridden`)."""

    exercise: str
    possible: dict
    results: dict = field(default_factory=dict)
    hand: dict = field(default_factory=dict)


def _csv(rows: list, columns) -> str:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n")


def exercise_tables(exercise: str, graded) -> tuple:
    """``(details, checks, notes)``: the rows (dicts) of the three exercise files for the
    scored results ``graded`` (:meth:`~crmlab.grading.results.JobResult.scored`)."""
    details, checks, notes = [], [], []
    for result in graded:
        reason = result.reason
        details.append({
            "student_id": result.student_id, exercise: result.total, "total": result.total,
            "outcome": result.outcome, "code": reason.code if reason else "",
            "params": reason.params_text() if reason else "",
            **{f"{CHECK_PREFIX}{c.name}": c.points for c in result.checks},
            "reason": result.text()})
        checks += [{"student_id": result.student_id, "check": c.name, "code": c.code,
                    "points": c.points, "possible": c.possible} for c in result.checks]
        notes += [{"student_id": result.student_id, "code": n.code, "params": n.params_text(),
                   "reason": n.text()} for n in result.notes]
    return details, checks, notes


def write_exercise_results(out, exercise: str, possible: dict, graded) -> list:
    """Write details.csv, checks.csv and notes.csv of the scored results ``graded`` (checks
    ``possible``: ``{check: points}``) into ``out``; return their paths (scores.csv is the
    grader's, written last)."""
    from crmlab.core.atomic import write_text

    details, checks, notes = exercise_tables(exercise, graded)
    out = Path(out)
    return [write_text(out / DETAILS, _csv(details, details_columns(exercise, possible))),
            write_text(out / CHECKS, _csv(checks, CHECK_COLUMNS)),
            write_text(out / NOTES, _csv(notes, NOTE_COLUMNS))]


def read_exercise_results(folder, *, error=ValueError) -> ExerciseResults:
    """The results an exercise grading wrote into ``folder`` (or next to the details.csv
    ``folder`` names); a missing file or column, or a row that is not a known outcome, code or
    verdict, is an ``error`` naming the file and the row. (The hand overrides made since the
    grading are applied by :func:`crmlab.grading.overrides.overridden`.)

    Examples
    --------
    >>> import tempfile
    >>> from crmlab.grading.results import CheckResult, JobResult, Reason
    >>> out = tempfile.mkdtemp()
    >>> graded = [JobResult("s1", checks=(CheckResult("a", "passed"),)).scored({"a": 2}),
    ...           JobResult.ended("s2", Reason("sys_exit")).scored({"a": 2})]
    >>> _ = write_exercise_results(out, "EX-demo", {"a": 2}, graded)
    >>> back = read_exercise_results(out)
    >>> back.exercise, back.possible, list(back.results.values()) == graded
    ('EX-demo', {'a': 2.0}, True)
    """
    from crmlab.core.tables import read_csv
    from crmlab.grading.results import CheckResult, JobResult, Reason

    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent

    def table(name: str, what: str, columns):
        path = folder / name
        if not path.is_file():
            raise error(f"{path}: no {what} here (grade the exercise again with this crmlab)")
        try:
            return path, read_csv(path, what=what, columns=columns)
        except Exception as exc:
            raise error(str(exc)) from None

    path, frame = table(DETAILS, "exercise details", DETAILS_COLUMNS)
    try:
        exercise = details_exercise(frame.columns)
    except ValueError as exc:
        raise error(f"{path}: {exc}") from None
    checks_path, checks = table(CHECKS, "exercise checks", CHECK_COLUMNS)
    notes_path, notes = table(NOTES, "exercise notes", NOTE_COLUMNS)
    found: dict = {}
    possible: dict = {}
    where = str(path)
    try:
        for line, row in enumerate(checks.to_dict("records"), start=2):
            where = f"{checks_path}:{line}"
            possible.setdefault(row["check"], float(row["possible"]))
            found.setdefault(row["student_id"], ([], []))[0].append(CheckResult(
                row["check"], row["code"], float(row["points"]), float(row["possible"])))
        for line, row in enumerate(notes.to_dict("records"), start=2):
            where = f"{notes_path}:{line}"
            found.setdefault(row["student_id"], ([], []))[1].append(
                Reason.read(row["code"], row["params"]))
        results = {}
        for line, row in enumerate(frame.to_dict("records"), start=2):
            where = f"{path}:{line}"
            student = row["student_id"]
            mine = found.get(student, ([], []))
            reason = Reason.read(row["code"], row["params"]) if row["code"] else None
            results[student] = JobResult(student, row["outcome"], reason, tuple(mine[0]),
                                         tuple(mine[1]))
    except ValueError as exc:
        raise error(f"{where}: {exc}") from None
    return ExerciseResults(exercise, possible, results)
