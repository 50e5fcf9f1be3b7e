"""What grading found, typed: outcomes and reason codes with parameters, never sentences.

A grader returns codes; the page, table or command line that shows them makes the sentence, in
its reader's language, through crmlab's catalog (:func:`crmlab.core.i18n.message`). Every code
is declared here once, with the names of its parameters, and has the catalog entry
``result.<code>`` in every language with exactly those fields (``tests/test_results.py``).

The vocabulary
--------------
- :data:`OUTCOMES`: how an exercise job ended: ``ran`` (the notebook ran: the checks count),
  ``no_submission``, ``fatal`` (the student's notebook was stopped or set aside: 0 points) and
  ``grader_problem`` (the machine's fault: grade again).
- :data:`REASONS`: why a job that did not just run ended as it did; each reason belongs to one
  outcome (``cell_timeout`` is ``fatal``, ``kernel_not_started`` a ``grader_problem``). Three
  grader problems stop the whole batch (:data:`STOPS_BATCH`).
- :data:`NOTES`: what the sandbox refused along the way while the notebook ran on; the points
  earned still count.
- :data:`CHECK_CODES`: the verdict on one check (``result.check.<code>`` in the catalog).
- :data:`STATUSES`: when an assessment arrived, for the late policy (``result.status.<code>``).
- :data:`PROBLEMS`: what a grading run set aside and why (the rows of ``problems.csv``, which
  may also carry a reason or a note).
- :data:`SUBMISSION_PROBLEMS`: what is wrong with a submission's files, raised below this layer
  as a :class:`~crmlab.quiz.submission.SubmissionProblem` carrying the code (the quiz packages
  cannot import this module: they use the code's name, and a test holds every name they raise
  to this table).
- :data:`COLLECT_REASONS`: what became of each file of a download ``crmlab exercises collect``
  read, and why (the rows of its ``collect.csv``; those of the files not collected and the
  missing receipts are its ``problems.csv``); :data:`COLLECT_WARNINGS`: what a collection warns
  of (no instructor secret, a download without submission times, ...).
- :data:`HAND_PROBLEMS`: why a grade given by hand was refused (a rubric sheet's cell, a points
  or reason field of the hand-grading page, a check's points set by hand), as a
  :class:`HandProblem`; its words are the catalog's ``handgrade.problem.<code>``.

How the sandbox's observations become codes: :mod:`crmlab.grading.runner`, section *What the
sandbox observed*. A new way for a job to end is a code here, its entry in every catalog, and
one line there.

Examples
--------
>>> timeout = Reason("cell_timeout", seconds=8)
>>> timeout.outcome, timeout.text(), timeout.text("az")
('fatal', 'timed out: a cell ran longer than 8 s', 'vaxt bitdi: xana 8 saniyədən uzun işlədi')
>>> Reason("cell_timeout")
Traceback (most recent call last):
...
ValueError: Got the parameters () for code 'cell_timeout' instead, expected seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from types import MappingProxyType

from crmlab.core.i18n import message, reader_language

__all__ = ["RAN", "NO_SUBMISSION", "FATAL", "GRADER_PROBLEM", "OUTCOMES", "REASONS", "NOTES",
           "PROBLEMS", "SUBMISSION_PROBLEMS", "COLLECT_REASONS", "COLLECT_WARNINGS", "CODES",
           "STOPS_BATCH", "PASSED", "WRONG", "MISSING", "NOT_RUN", "CHECK_CODES", "STATUSES",
           "Reason", "CheckResult", "JobResult", "check_text", "status_text", "failed_text",
           "params_text", "read_params", "HAND_PROBLEMS", "HandProblem", "HandRefused"]

# ------------------------------------------------------------------------------ outcomes
#: The notebook ran; its checks give its points.
RAN = "ran"
#: The roster's student handed in nothing.
NO_SUBMISSION = "no_submission"
#: The student's notebook was stopped or set aside: 0 points, with a reason.
FATAL = "fatal"
#: The grading machine failed the job: not the student's fault; grade again.
GRADER_PROBLEM = "grader_problem"
#: Every outcome of an exercise job.
OUTCOMES = (RAN, NO_SUBMISSION, FATAL, GRADER_PROBLEM)

# ------------------------------------------------------------------------------ reasons
#: Why a job did not simply run: ``code -> (outcome, parameter names)``.
REASONS = {
    "no_submission": (NO_SUBMISSION, ()),
    # set aside before running
    "unreadable": (FATAL, ("error",)),
    "notebook_too_large": (FATAL, ("megabytes",)),
    "check_cell_deleted": (FATAL, ("cell",)),
    # stopped while running
    "cell_timeout": (FATAL, ("seconds",)),
    "wall_clock": (FATAL, ("seconds",)),
    "output_limit": (FATAL, ("megabytes",)),
    "disk_limit": (FATAL, ("megabytes",)),
    "too_many_files": (FATAL, ("files",)),
    "cpu_limit": (FATAL, ("seconds",)),
    "out_of_memory": (FATAL, ("megabytes",)),
    "disk_full": (FATAL, ()),
    "kernel_died": (FATAL, ()),
    "syntax_error": (FATAL, ()),
    "sys_exit": (FATAL, ()),
    "execution_failed": (FATAL, ("error",)),
    # the machine's fault
    "kernel_not_started": (GRADER_PROBLEM, ("seconds", "detail", "attempts")),
    "stack_import_failed": (GRADER_PROBLEM, ("detail",)),
    "job_failed": (GRADER_PROBLEM, ("error",)),
    "worker_differs": (GRADER_PROBLEM, ("student",)),
    "crmlab_changed": (GRADER_PROBLEM, ("student",)),
}
#: The grader problems that stop the whole batch before anything is written (the grading
#: environment itself cannot be trusted, or cannot import the course's stack: every job would
#: fail).
STOPS_BATCH = frozenset({"worker_differs", "crmlab_changed", "stack_import_failed"})

#: What the sandbox refused while the notebook ran on: ``code -> parameter names``.
NOTES = {
    "memory_error": ("cell", "megabytes"),
    "process_out_of_memory": ("megabytes",),
    "scratch_full": ("cell", "megabytes"),
    "open_files_limit": ("cell", "files"),
    "file_too_large": ("cell", "megabytes"),
    "process_limit": ("cell", "processes"),
    "sandbox_refused": ("cell", "detail"),
    "hidden_checks_failed": ("error",),
}

#: What is wrong with a submission's files: ``code -> parameter names``. Raised by
#: :mod:`crmlab.quiz.submission` and the hub's collection service as a
#: :class:`~crmlab.quiz.submission.SubmissionProblem` (or a refusal) carrying the code, and shown
#: to the student in their language by ``crmlab submit``.
SUBMISSION_PROBLEMS = {
    "no_format_version": ("what", "version", "expected"),
    "other_format_version": ("what", "found", "version", "expected"),
    "not_json": ("what",),
    "no_answers_mapping": ("what",),
    "answers_of_another": ("what", "owner", "student"),
    "bad_student_id": ("value",),
    "no_manifest": (),
    "manifest_without_quizzes": (),
    "other_crmlab": ("made", "version"),
    "manifest_entry_without_path": (),
    "member_missing": ("path",),
    "checksum_mismatch": ("path",),
    "bundle_too_large": ("cap",),
    "member_too_large": ("cap",),
    "not_zip": (),
    "file_over_cap": ("name", "cap"),
    "cannot_read": ("error",),
    "not_regular_file": ("name",),
    "nested_too_deep": ("what", "depth"),
    "listed_twice": ("name",),
    # the hub's collection service
    "hub_user_not_student_id": ("error",),
    "upload_over_cap": ("size", "cap"),
    "bundle_of_another": ("owner", "user"),
    "notebook_over_cap": ("size", "cap"),
    "notebook_unidentified": ("detail",),
    "notebook_of_another": ("owner", "user"),
    "not_assigned": ("exercise", "user"),
    "no_feedback": ("user",),
    "tokens_not_published": (),
    "tokens_unreadable": (),
    "no_variant_token": ("user",),
    "regrade_field": ("field", "expected"),
    "regrade_queue_full": ("count",),
}

#: What a grading run set aside, and why: ``code -> parameter names`` (rows of problems.csv).
PROBLEMS = {
    # crmlab grade (quizzes)
    "bundle_rejected": ("error",),
    "unknown_quiz": (),
    "answer_ignored": ("error",),
    "no_variant": (),
    "other_variant": ("found", "own"),
    "variant_key_failed": ("error",),
    "graded_off_roster": (),
    "rubric_note": ("note",),
    "rubric_refused": ("issue",),
    "rubric_unimported": (),
    "receipts_file": ("problem",),
    "regrades_file": ("problem",),
    # crmlab exercises grade
    "skipped_off_roster": (),
    # crmlab gradebook and crmlab feedback
    "course_file": ("problem",),
    "included_off_roster": (),
    "unknown_extension_student": ("file", "line", "student"),
    "no_receipt": (),
    "after_cutoff": ("received", "cutoff"),
    "no_answers": (),
    "not_submitted": (),
    "not_in_grading": (),
    "unsafe_student_id": (),
}

#: What became of a file of a download, and why (``crmlab exercises collect``: the ``code`` of
#: each row of collect.csv, beside its verdict; problems.csv lists the files not collected and
#: the collected notebooks without a receipt): ``code -> parameter names``. A notebook that is
#: not JSON is ``unreadable`` (:data:`REASONS`), as when it is graded.
COLLECT_REASONS = {
    # collected (the file written), or the same bytes as the notebook collected
    "collected": ("file",),
    "picked": ("file",),
    "identical": ("kept",),
    # set aside: whose it is, or which one counts, is the instructor's decision
    "duplicate": ("count", "student"),
    "not_picked": ("picked",),
    "copied": ("student", "holder"),
    "mixed_submission": ("holder", "students"),
    "other_exercise": ("found", "exercise"),
    "not_crmlab": (),
    "no_student_id": (),
    "no_seed": (),
    "no_id_nor_seed": (),
    "id_mismatch": ("meta", "cell"),
    "ids_in_cell": ("cell",),
    "seed_mismatch": ("meta", "cell"),
    "seeds_in_cell": ("cell",),
    "wrong_seed": ("seed", "student"),
    "unknown_student": ("student",),
    # not a notebook; skipped as nobody's work
    "not_a_notebook": (),
    "macos_metadata": (),
    "jupyter_checkpoint": (),
    "system_litter": (),
    "command_input": ("option",),
    "resubmitted": ("kept",),
    "service_receipts": (),
    # refused: not read (crmlab.grading.downloads)
    "absolute_name": (),
    "climbing_name": (),
    "empty_name": (),
    "symlink": (),
    "special_file": (),
    "unreadable_file": ("detail",),
    "too_large": ("limit",),
    "over_budget": ("limit",),
    "encrypted": (),
    "bad_entry": ("detail",),
    "bad_zip": ("detail",),
    "too_many_entries": ("limit",),
    "too_deep": ("depth",),
    # a collected notebook's receipt (problems.csv)
    "not_in_worksheet": ("participant", "worksheet"),
    "worksheet_time": ("worksheet", "line", "column", "problem"),
    "worksheet_no_time": ("worksheet", "line"),
    "canvas_late": (),
    "file_time_receipt": ("when", "source"),
}

#: What a collection warns of (printed by ``crmlab exercises collect``): ``code -> parameter
#: names``.
COLLECT_WARNINGS = {
    "no_secret": (),
    "moodle_no_worksheet": (),
    "canvas_no_times": ("late",),
    "file_times_untrusted": ("count", "sources"),
    "file_times_trusted": ("count", "sources"),
    "columns_by_content": ("path", "columns"),
    "blind_marking": (),
    "mixed_layouts": ("layouts",),
}

#: Every code a :class:`Reason` may carry: ``code -> parameter names``.
CODES = MappingProxyType({**{code: params for code, (_, params) in REASONS.items()}, **NOTES,
                          **PROBLEMS, **SUBMISSION_PROBLEMS, **COLLECT_REASONS,
                          **COLLECT_WARNINGS})

# ------------------------------------------------------------------------------ checks
#: The student's value is the expected one.
PASSED = "passed"
#: The student's value is another.
WRONG = "wrong"
#: No value to check: the variable the check reads was not defined (or is None).
MISSING = "missing"
#: The check gave no verdict (the notebook did not run, or the hidden checks failed first).
NOT_RUN = "not_run"
#: Every verdict on one check.
CHECK_CODES = (PASSED, WRONG, MISSING, NOT_RUN)

#: When an assessment arrived, for the late policy (one per student and assessment; whether
#: it is still being graded by hand is a field of its own).
STATUSES = ("on_time", "late", "cut_off", "missing", "no_deadline")


def _choice(field: str, value, choices):
    if value not in choices:
        from crmlab.core.validation import expected

        raise expected(field, value, "one of " + ", ".join(map(repr, choices)))
    return value


class Reason:
    """A code and its parameters: why a job ended as it did, a sandbox's note or a problem.

    Immutable, hashable and picklable (it crosses to dask workers and back); the sentence is
    made by :meth:`text`, in the reader's language.

    Examples
    --------
    >>> note = Reason("memory_error", cell=3, megabytes=1536)
    >>> note.text(), note.kind, dict(note.params)
    ('cell 3: MemoryError (memory limit 1536 MB)', 'note', {'cell': 3, 'megabytes': 1536})
    >>> Reason("melted")
    Traceback (most recent call last):
    ...
    ValueError: Got code='melted' instead, expected a code of crmlab.grading.results.
    """

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params):
        _check_code(code, params, CODES)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", MappingProxyType(dict(params)))

    def __setattr__(self, name, value):
        raise AttributeError(f"a Reason is immutable; cannot set {name!r}")

    def _key(self):
        return self.code, tuple(sorted(self.params.items()))

    def __eq__(self, other) -> bool:
        return isinstance(other, Reason) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Reason({self.code!r}{fields})"

    def __reduce__(self):
        return _rebuild, (self.code, dict(self.params))

    @property
    def kind(self) -> str:
        """``reason`` (of a job's outcome), ``note``, ``file`` (what became of a file collected),
        ``warning`` (of a collection) or ``problem``."""
        for kind, table in (("reason", REASONS), ("note", NOTES), ("file", COLLECT_REASONS),
                            ("warning", COLLECT_WARNINGS)):
            if self.code in table:
                return kind
        return "problem"

    @property
    def outcome(self) -> str | None:
        """The outcome of a job that ends for this reason (None for a note or a problem)."""
        return REASONS[self.code][0] if self.code in REASONS else None

    def text(self, lang: str = "en") -> str:
        """The sentence, in ``lang`` (English where crmlab does not ship ``lang``)."""
        return message(f"result.{self.code}", reader_language(lang), **self.params)

    def params_text(self) -> str:
        """The parameters as the JSON text of a CSV cell (empty when there are none)."""
        return params_text(self.params)

    @classmethod
    def read(cls, code: str, params: str) -> Reason:
        """The reason of a CSV row's ``code`` and ``params`` cells (see :meth:`params_text`).

        Examples
        --------
        >>> Reason.read("cell_timeout", '{"seconds":8}')
        Reason('cell_timeout', seconds=8)
        """
        return cls(code, **read_params(params))


def _check_code(code: str, params: dict, codes) -> None:
    """Refuse a code that is not in ``codes`` (``code -> parameter names``), or its parameters
    when they are not exactly the code's, each a text or a number."""
    if code not in codes:
        from crmlab.core.validation import expected

        raise expected("code", code, "a code of crmlab.grading.results")
    if sorted(params) != sorted(codes[code]):
        shown = "(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
        raise ValueError(f"Got the parameters {shown} for code {code!r} instead, expected "
                         f"{', '.join(codes[code]) or 'none'}.")
    for name, value in params.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValueError(f"Got {name}={value!r} for code {code!r} instead, expected a "
                             "text or a number.")


def _rebuild(code: str, params: dict) -> Reason:
    return Reason(code, **params)


def params_text(params) -> str:
    """The JSON text of a code's parameters, as a CSV cell holds it ("" for none).

    Examples
    --------
    >>> params_text({"seconds": 8, "cell": "fx-06"})
    '{"cell":"fx-06","seconds":8}'
    >>> params_text({})
    ''
    """
    if not params:
        return ""
    return json.dumps(dict(params), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def read_params(text: str) -> dict:
    """The parameters of a CSV cell written by :func:`params_text` (``ValueError`` when the
    cell is not a JSON object).

    Examples
    --------
    >>> read_params('{"seconds":8}'), read_params("")
    ({'seconds': 8}, {})
    """
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        from crmlab.core.validation import expected

        raise expected("params", text, "a JSON object of the code's parameters")
    return value


def check_text(code: str, lang: str = "en") -> str:
    """The sentence of a check's verdict.

    Examples
    --------
    >>> check_text("missing")
    'no value to check: the variable the check reads is not defined (or is None)'
    """
    return message(f"result.check.{_choice('code', code, CHECK_CODES)}", reader_language(lang))


def status_text(status: str, lang: str = "en") -> str:
    """The words of an assessment's status.

    Examples
    --------
    >>> status_text("cut_off"), status_text("cut_off", "az")
    ('after the cut-off', 'son həddən sonra')
    """
    return message(f"result.status.{_choice('status', status, STATUSES)}",
                   reader_language(lang))


def failed_text(names, lang: str = "en") -> str:
    """The sentence naming the checks a notebook failed ("" when none).

    Examples
    --------
    >>> failed_text(["fx-double", "fx-square"])
    'failed: fx-double, fx-square'
    """
    names = list(names)
    if not names:
        return ""
    return message("result.failed_checks", reader_language(lang), checks=", ".join(names))


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class CheckResult:
    """The verdict on one check of one student: its code (:data:`CHECK_CODES`) and, once
    scored, the points earned of the points possible."""

    name: str
    code: str
    points: float = 0.0
    possible: float = 0.0

    def __post_init__(self):
        _choice("code", self.code, CHECK_CODES)

    @property
    def passed(self) -> bool:
        """Whether the check passed."""
        return self.code == PASSED

    def text(self, lang: str = "en") -> str:
        """The sentence of the verdict."""
        return check_text(self.code, lang)


@dataclass(frozen=True)
class JobResult:
    """The result of grading one student's exercise notebook.

    ``outcome`` is one of :data:`OUTCOMES`; ``reason`` says why a job that did not run ended
    as it did (None when it ran); ``checks`` holds one verdict per check, in the exercise's
    order; ``notes`` what the sandbox refused while the notebook ran on.

    Examples
    --------
    >>> ran = JobResult("s1", checks=(CheckResult("a", "passed"), CheckResult("b", "missing")))
    >>> scored = ran.scored({"a": 2.0, "b": 1.0, "c": 1.0})
    >>> scored.total, [(c.name, c.code, c.points) for c in scored.checks]
    (2.0, [('a', 'passed', 2.0), ('b', 'missing', 0.0), ('c', 'not_run', 0.0)])
    >>> scored.text()
    'failed: b, c'
    >>> stopped = JobResult.ended("s2", Reason("syntax_error")).scored({"a": 2.0})
    >>> stopped.outcome, stopped.total, stopped.text("az")
    ('fatal', 0.0, 'sintaksis xətası')
    """

    student_id: str
    outcome: str = RAN
    reason: Reason | None = None
    checks: tuple = ()
    notes: tuple = ()

    def __post_init__(self):
        _choice("outcome", self.outcome, OUTCOMES)
        if (self.outcome == RAN) != (self.reason is None):
            raise ValueError(f"Got outcome={self.outcome!r} with reason={self.reason!r} "
                             "instead, expected a reason exactly when the job did not run.")
        if self.reason is not None and self.reason.outcome != self.outcome:
            raise ValueError(f"Got outcome={self.outcome!r} with reason={self.reason!r} "
                             f"instead, expected the outcome {self.reason.outcome!r}.")

    @classmethod
    def ended(cls, student_id: str, reason: Reason, *, notes=()) -> JobResult:
        """A job that did not run to its end, with the outcome its reason belongs to."""
        if reason.outcome is None:
            raise ValueError(f"Got reason={reason!r} instead, expected a reason of a job's "
                             "outcome (crmlab.grading.results.REASONS).")
        return cls(student_id, reason.outcome, reason, notes=tuple(notes))

    @property
    def total(self) -> float:
        """The points earned."""
        return round(sum(c.points for c in self.checks), 4)

    @property
    def failed(self) -> tuple:
        """The checks that did not pass."""
        return tuple(c for c in self.checks if not c.passed)

    def check(self, name: str) -> CheckResult | None:
        """The verdict on check ``name`` (None when the result has none)."""
        return next((c for c in self.checks if c.name == name), None)

    def scored(self, points: dict) -> JobResult:
        """This result with one check per entry of ``points`` (``{check: points possible}``,
        the exercise's order): a passed check earns its points; a check without a verdict, or
        any check of a job that did not run, is ``not_run`` and earns 0."""
        ran = self.outcome == RAN
        checks = []
        for name, possible in points.items():
            found = self.check(name) if ran else None
            code = found.code if found is not None else NOT_RUN
            checks.append(CheckResult(name, code, float(possible) if code == PASSED else 0.0,
                                      float(possible)))
        return replace(self, checks=tuple(checks))

    def text(self, lang: str = "en") -> str:
        """One line: the reason, or the notes and the failed checks ("" for a clean run)."""
        if self.reason is not None:
            return self.reason.text(lang)
        parts = [note.text(lang) for note in self.notes]
        parts.append(failed_text([c.name for c in self.failed], lang))
        return "; ".join(p for p in parts if p)


# ------------------------------------------------------------------------------ hand grades
#: Why a grade given by hand was refused: ``code -> parameter names``. The checks of hand grades
#: make them: :func:`crmlab.grading.rubric.check_rows` (a rubric sheet's rows and the rows the
#: hand-grading page saves), :mod:`crmlab.grading.overrides` (a check's points set by hand) and
#: the page itself (an answer or a student it does not have). The catalog's
#: ``handgrade.problem.<code>`` says each, the column or field first (``points: Got
#: points='3' instead, expected a number from 0 to 2.``): the English line of a sheet's
#: problem, and the line the hand-grading page shows in its language.
HAND_PROBLEMS = MappingProxyType({
    # a cell of the wrong form, in the schema's words (crmlab/schemas/rubric.schema.json)
    "cell": ("column", "message"),
    # points, of the sheet or typed on the page
    "points_not_number": ("value",),
    "points_range": ("value", "maximum"),
    "decimal_comma": ("value",),
    # a row of the sheet that is not one of this grading's answers
    "unknown_student": ("student",),
    "unknown_question": ("question",),
    "no_answer": ("student", "question"),
    "unknown_criterion": ("criterion", "known"),
    "repeated": ("line",),
    "answer_changed": (),
    # a check's points set by hand (crmlab handgrade, crmlab regrades answer --points)
    "reason_missing": (),
    "unknown_check": ("check", "known"),
    "no_student": ("student", "exercise"),
    "no_checks": ("student", "outcome"),
    # what the page was asked to save
    "no_such_answer": ("value",),
    "no_such_student": ("value",),
})


class HandProblem:
    """Why a grade given by hand was refused: a code of :data:`HAND_PROBLEMS`, its parameters,
    and where (``FILE:LINE`` of a sheet, the criterion or check of a page; "" when the line
    says it). :meth:`text` is the line in a reader's language, ``str()`` the English one.

    Examples
    --------
    >>> problem = HandProblem("points_range", value="'3'", maximum="2").at("cost")
    >>> str(problem)
    "cost: points: Got points='3' instead, expected a number from 0 to 2."
    >>> problem.text("az")
    "cost: bal: '3' verilib, gözlənilən: 0 ilə 2 arası ədəd."
    >>> HandProblem("points_range", value="'3'")
    Traceback (most recent call last):
    ...
    ValueError: Got the parameters (value="'3'") for code 'points_range' instead, expected \
value, maximum.
    """

    __slots__ = ("code", "params", "where")

    def __init__(self, code: str, *, where: str = "", **params):
        _check_code(code, params, HAND_PROBLEMS)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", MappingProxyType(dict(params)))
        object.__setattr__(self, "where", str(where))

    def __setattr__(self, name, value):
        raise AttributeError(f"a HandProblem is immutable; cannot set {name!r}")

    def _key(self):
        return self.code, tuple(sorted(self.params.items())), self.where

    def __eq__(self, other) -> bool:
        return isinstance(other, HandProblem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = "".join(f", {k}={v!r}" for k, v in self.params.items())
        where = f", where={self.where!r}" if self.where else ""
        return f"HandProblem({self.code!r}{where}{fields})"

    def at(self, where) -> HandProblem:
        """The same problem found at ``where``."""
        return HandProblem(self.code, where=where, **self.params)

    def text(self, lang: str = "en") -> str:
        """The line, in ``lang`` (English where crmlab does not ship ``lang``); an ``outcome``
        (a code of :data:`OUTCOMES`) is said in the language's words.

        Examples
        --------
        >>> HandProblem("no_checks", student="'s1'", outcome="no_submission").text("az")
        "yoxlama: bu qiymətləndirmədə 's1' tələbəsinin qiymətləndirilmiş yoxlaması yoxdur \
(təqdim edilməyib)"
        """
        lang = reader_language(lang)
        params = dict(self.params)
        if params.get("outcome") in OUTCOMES:
            params["outcome"] = message(f"handgrade.outcome.{params['outcome']}", lang)
        said = message(f"handgrade.problem.{self.code}", lang, **params)
        return f"{self.where}: {said}" if self.where else said

    def __str__(self) -> str:
        return self.text()


class HandRefused(ValueError):
    """A grade given by hand refused, raised: ``problem`` (a :class:`HandProblem`) says why,
    and the message is its English line."""

    def __init__(self, problem: HandProblem):
        super().__init__(str(problem))
        self.problem = problem
