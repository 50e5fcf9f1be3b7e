"""The files of a grading folder and their columns, declared once: the graders write them from
here and the gradebook, feedback and the tests read them from here.

A quiz grading folder (``crmlab grade SUBMISSIONS --out DIR``)::

    gradebook.csv        the LMS layout of crmlab.grading.lms (written last: the run finished)
    responses.csv        RESPONSE_COLUMNS: one row per student, quiz and question answered
    submissions.csv      SUBMISSION_COLUMNS: one row per submission and quiz, with its times
    item_analysis.csv    ITEM_ANALYSIS_COLUMNS: one row per question
    strategies.csv       STRATEGY_COLUMNS: constant-answer strategies per quiz
    problems.csv         PROBLEM_COLUMNS (crmlab.core.validation): what was set aside and why
    rubric.csv           the hand-grading sheet (crmlab.grading.rubric.SHEET_COLUMNS)
    hand_grades.csv      HAND_GRADE_COLUMNS: the imported hand grades
    report.md            the report (crmlab.grading.report)
    changes.csv, runs/   CHANGE_COLUMNS; every run kept (crmlab.grading.history)

An exercise grading folder (``crmlab exercises grade ... --out DIR``)::

    scores.csv           the LMS layout, as gradebook.csv above
    details.csv          details_columns(exercise, checks): points per check and the reason
    feedback/            the executed notebooks, without the hidden checks' source

A collected folder (``crmlab exercises collect SOURCE --out DIR``; ``crmlab exercises grade``
reads it as its SUBMISSIONS)::

    <stem>__<student>.ipynb   each student's notebook, as submitted (exercises.notebook's name)
    collect.csv          COLLECT_COLUMNS: one row per file of the download and what became of it
    problems.csv         PROBLEM_COLUMNS: every file set aside, refused or not a notebook
    receipts.csv         the receipts the LMS's times give (crmlab.grading.receipts.COLUMNS)
    set-aside/           copies of the notebooks set aside, named so the grader never reads them

A course gradebook folder (``crmlab gradebook --out DIR``)::

    gradebook.csv        the LMS layout; assessments.csv (ASSESSMENT_COLUMNS); problems.csv
"""

from __future__ import annotations

from crmlab.core.validation import PROBLEM_COLUMNS

__all__ = ["GRADEBOOK", "RESPONSES", "SUBMISSIONS", "ITEM_ANALYSIS", "STRATEGIES", "PROBLEMS",
           "RUBRIC_SHEET", "RUBRIC_NEW", "HAND_GRADES", "REPORT", "CHANGES", "RUNS", "SCORES",
           "DETAILS", "FEEDBACK", "ASSESSMENTS", "RESPONSE_COLUMNS", "SUBMISSION_COLUMNS",
           "ITEM_ANALYSIS_COLUMNS", "STRATEGY_COLUMNS", "PROBLEM_COLUMNS", "HAND_GRADE_COLUMNS",
           "CHANGE_COLUMNS", "ASSESSMENT_COLUMNS", "DETAILS_COLUMNS", "CHECK_PREFIX",
           "details_columns", "details_exercise", "COLLECTED", "COLLECT_COLUMNS", "RECEIPTS",
           "SET_ASIDE"]

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
#: An exercise's points per check and reasons (details_columns).
DETAILS = "details.csv"
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
#: ``code`` and text, the file written, and the receipt time with its source.
COLLECT_COLUMNS = ["source", "entry", "kind", "sha256", "layout", "lms_key", "lms_name",
                   "lms_late", "exercise", "student_id", "owner", "verdict", "code", "reason",
                   "file", "received_at", "time_source"]
#: The fixed columns of details.csv; the exercise's id and one column per check come between.
DETAILS_COLUMNS = ["student_id", "total", "reason"]
#: The prefix of a check's column in details.csv (``check:abc-class-a``).
CHECK_PREFIX = "check:"


def details_columns(exercise: str, checks) -> list[str]:
    """The columns of an exercise's details.csv: ``student_id``, the exercise id (its points,
    as a gradebook column), ``total``, ``check:<name>`` per check, ``reason``.

    Examples
    --------
    >>> details_columns("EX-abc-profit", ["abc-class-a", "abc-share"])
    ['student_id', 'EX-abc-profit', 'total', 'check:abc-class-a', 'check:abc-share', 'reason']
    """
    return ["student_id", exercise, "total", *(f"{CHECK_PREFIX}{name}" for name in checks),
            "reason"]


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
                         "student_id, the exercise id, total, check:<name>..., reason.")
    return found[0]
