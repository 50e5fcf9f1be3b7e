"""``crmlab exercises grade``: isolated, parallel, sandboxed autograding of exercise submissions.

The grading skeleton (:mod:`crmlab.grading.skeleton`) with the exercise judge
(:class:`ExerciseJudge`); the options are declared once in :class:`ExerciseOptions`, and each
student's result is a :class:`~crmlab.grading.results.JobResult`.

For each submission: the parameters are injected again from the roster (a student cannot change
their seed); the notebook runs in its own sandbox (:mod:`crmlab.grading.sandbox`: own
scratch folder and user, resource limits, Landlock where the kernel offers it) with a per-cell
timeout, a wall clock and caps on output and files; then the hidden checks of the instructor's
source judge the student's variables outside the kernel
(:mod:`crmlab.grading.runner`). Errors in solution cells cost only the checks that
depend on them. An infinite loop, a crashed kernel, ``sys.exit``, a syntax error, a flood of
output, a deleted check cell or a notebook past its size cap (never read) gives 0 points with
a reason code; the batch always finishes. Executed notebooks are kept as feedback without the
hidden checks' source; what was set aside (unreadable notebooks, deleted check cells,
submissions off the roster, grader problems, errors in the hidden checks) goes to problems.csv,
and every run is kept under runs/. Pairs of students whose own code (the starter code of the
assigned notebook left out) is unusually alike go to similarity.csv
(:mod:`crmlab.grading.similarity`), for the instructor to look at: no grade changes.

The data variants the students' seeds draw are generated once per batch, before the notebooks
run, by as many processes as the executor runs jobs at once; the kernels read them read-only.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from crmlab.core.atomic import write_text
from crmlab.core.exceptions import ExerciseError
from crmlab.core.safe_files import NOT_REGULAR, OS_ERROR, FileRefused, read_regular
from crmlab.core.validation import Problems, check_choice, check_rate, check_whole
from crmlab.exercises.assignment import parameters_code
from crmlab.exercises.notebook import submission_name, submission_owner
from crmlab.exercises.tags import (
    CHECK,
    HIDDEN_CHECKS,
    INJECTED_PARAMETERS,
    PARAMETERS,
    RAISES_EXCEPTION,
    tags_of,
)
from crmlab.grading import files, history, results, similarity, skeleton
from crmlab.grading.lms import FORMATS, layout
from crmlab.grading.overrides import read_overrides
from crmlab.grading.results import STOPS_BATCH, JobResult, Reason
from crmlab.grading.runner import STACK, Job, run_job
from crmlab.grading.sandbox import MB, Limits, crmlab_dir, fingerprint, preflight
from crmlab.grading.skeleton import Judge, Record

__all__ = ["grade", "ExerciseOptions", "ExerciseGrading", "ExerciseJudge", "add_arguments",
           "options_from", "Job", "run_job", "prepare_submission", "prepare_variants",
           "uses_variants"]

_CHECK_NAME = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
_VARIANT_CALL = re.compile(r"\bvariant\(")


def _check_names(source: str) -> set:
    return set(_CHECK_NAME.findall(source))


def prepare_submission(source_nb, submission, *, student_id: str, seed: int,
                       max_bytes: int = Limits().notebook * MB):
    """Build the notebook that will run: the student's cells, our parameters, our hidden checks.

    Returns ``(notebook, None)``, or ``(None, reason)`` when the submission scores 0 before
    running (a :class:`~crmlab.grading.results.Reason`: ``unreadable``, also for a link or
    anything but a regular file; ``notebook_too_large`` past ``max_bytes``, known before a byte
    is read; or ``check_cell_deleted`` when a check cell of the source is missing). A check
    cell counts as present when a cell with its id is there, or when the student's cells still
    call every check it calls (ids change when cells are copied into a new notebook).
    """
    import nbformat

    raw, problem = _read_submission(submission, max_bytes)
    if problem:
        return None, problem
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:  # any unreadable file is the student's problem, not a crash
        return None, Reason("unreadable", error=type(exc).__name__)
    ids = {c.get("id") for c in nb.cells}
    called = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and HIDDEN_CHECKS not in tags_of(cell):
            called |= _check_names(cell.source)
    for cell in source_nb.cells:
        if CHECK in tags_of(cell) and cell.get("id") not in ids:
            names = _check_names(cell.source)
            if not names or not names <= called:
                return None, Reason("check_cell_deleted", cell=str(cell.get("id")))
    # The instructor's parameters cell (the exercise's own parameters keep their source
    # values, whatever the student typed), then the roster's student id and seed, written as
    # `crmlab exercises assign` injected them.
    own = next(c.source for c in source_nb.cells if PARAMETERS in tags_of(c))
    pinned = parameters_code({"student_id": student_id, "seed": seed},
                             comment="injected by the grader")
    parameters = f"{own}\n{pinned}"
    cells, injected = [], False
    for cell in nb.cells:
        tags = tags_of(cell)
        if HIDDEN_CHECKS in tags or INJECTED_PARAMETERS in tags:
            continue  # never trust hidden checks or parameters coming from a student
        if cell.cell_type == "code":
            if PARAMETERS in tags:
                cell.source, injected = parameters, True
            # An error costs the checks that depend on the cell, not the whole notebook.
            cell.metadata.setdefault("tags", [])
            if RAISES_EXCEPTION not in cell.metadata["tags"]:
                cell.metadata["tags"].append(RAISES_EXCEPTION)
        cells.append(cell)
    if not injected:  # the parameters cell was deleted or untagged: put it back first
        cells.insert(0, nbformat.v4.new_code_cell(
            parameters, metadata={"tags": [PARAMETERS, RAISES_EXCEPTION]}))
    # The hidden checks are not appended: they never enter the kernel (see runner.judge).
    nb.cells = cells
    return nb, None


def _read_submission(path, max_bytes: int):
    """``(bytes, None)``, or ``(None, reason)`` for a file that is not a regular file (a link,
    a FIFO), cannot be read or is larger than ``max_bytes``: its size is known before anything
    is read."""
    try:
        return read_regular(path, max_bytes=max_bytes), None
    except FileRefused as refused:
        if refused.kind == OS_ERROR:
            return None, Reason("unreadable", error=type(refused.error).__name__)
        if refused.kind == NOT_REGULAR:
            return None, Reason("unreadable", error="not a regular file")
    megabytes = max_bytes // MB if max_bytes % MB == 0 else round(max_bytes / MB, 3)
    return None, Reason("notebook_too_large", megabytes=megabytes)


def hidden_sources(source_nb) -> tuple:
    """The sources of the hidden check cells of an exercise's source notebook."""
    return tuple(cell.source for cell in source_nb.cells if HIDDEN_CHECKS in tags_of(cell))


def uses_variants(source_nb) -> bool:
    """Whether the exercise reads a data variant (calls ``variant(...)`` in a code cell)."""
    return any(cell.cell_type == "code" and _VARIANT_CALL.search(cell.source)
               for cell in source_nb.cells)


def _prepare_chunk(task) -> list:
    """Generate a chunk of variants in one fresh process (one import of the generator)."""
    root, seeds = task
    code = ("import sys\nfrom crmlab.exercises.checks import prepare_variant\n"
            "for seed in sys.argv[2:]:\n    prepare_variant(int(seed), sys.argv[1])")
    subprocess.run([sys.executable, "-c", code, str(root), *map(str, seeds)], check=True,
                   stdin=subprocess.DEVNULL)
    return list(seeds)


_prepare_chunk.progress_label = "variants"


def prepare_variants(seeds, root, *, executor, parallel: int = 2) -> Path:
    """Generate the data variant of every seed into ``root`` once, ``parallel`` processes at a
    time through ``executor``; return ``root``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the sandboxed kernels read their own variant here
    todo = sorted({int(s) for s in seeds if not (root / str(int(s))).is_dir()})
    if todo:
        parts = max(1, min(len(todo), 2 * parallel))
        executor.map(_prepare_chunk, [(str(root), todo[i::parts]) for i in range(parts)])
    return root


def _starter(source_nb, stem: str) -> list[str]:
    """The code cells of the notebook assigned to the students (every edition's: comments
    and strings may be translated), given to everyone: never counted as a student's own."""
    import nbformat

    from crmlab.core.i18n import LANGUAGES
    from crmlab.exercises.notebook import exercise_notebooks, read_exercise, student_copy

    copies = [student_copy(source_nb)]
    for lang in LANGUAGES:
        try:
            paths = [p for p in exercise_notebooks(lang=lang) if p.stem == stem]
            copies += [student_copy(read_exercise(p)) for p in paths]
        except (OSError, ValueError, ExerciseError, nbformat.ValidationError):
            continue  # an edition without this exercise: the source's copy suffices
    return list(dict.fromkeys(cell.source for nb in copies for cell in nb.cells
                              if cell.cell_type == "code"))


def _submissions(folder: Path, stem: str) -> dict:
    """``<stem>__<student>.ipynb`` or ``<student>.ipynb``; other exercises' files are skipped."""
    found = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        prefix, student = submission_owner(path)
        if prefix and prefix != stem:
            continue
        found[student] = path
    return found


# ------------------------------------------------------------------------------ options
def _option(default, help: str, *, metavar: str | None = None, flag: str | None = None,
            choices=None, limit: bool = False):
    """A field of :class:`ExerciseOptions`: its default and the command line's flag and help
    come from here."""
    return field(default=default, metadata={"help": help, "metavar": metavar, "flag": flag,
                                            "choices": choices, "limit": limit})


@dataclass(frozen=True)
class ExerciseOptions:
    """The options of ``crmlab exercises grade``, declared once: :func:`grade` takes them as
    keyword arguments, and the command's flags, defaults and help come from these fields
    (:func:`add_arguments`). Each limit field changes one field of the sandbox's
    :class:`~crmlab.grading.sandbox.Limits` (None: the limit's default).

    Examples
    --------
    >>> ExerciseOptions(timeout=20).sandbox_limits().wall
    120
    >>> ExerciseOptions(workers=0)
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got workers=0 instead, expected a whole number >= 1.
    """

    workers: int = _option(2, "notebooks graded at once on this machine", metavar="N")
    scheduler: str | None = _option(
        None, "grade on dask: tcp://HOST:PORT (a running cluster) or local:N (a LocalCluster "
              "of N worker processes); needs crmlab[cluster]", metavar="ADDRESS")
    work: str | Path | None = _option(
        None, "folder for the prepared data variants (default: inside --out); on a cluster, a "
              "folder every worker sees at the same path", metavar="DIR")
    secret_file: str | Path | None = _option(
        None, "file holding the instructor's secret (default: the CRMLAB_INSTRUCTOR_SECRET "
              "variable)", metavar="FILE")
    format: str = _option("plain", "layout of scores.csv", choices=FORMATS)
    similarity_threshold: float = _option(
        similarity.CODE_THRESHOLD, "flag pairs of students whose own code is at least this "
        "alike in similarity.csv, in (0, 1]", metavar="T")
    containment_threshold: float = _option(
        similarity.CONTAINMENT_THRESHOLD, "flag pairs where at least this share of one "
        "student's own code is inside the other's in similarity.csv, in (0, 1]", metavar="C")
    limits: Limits | None = _option(
        None, "the sandbox's limits as a whole (crmlab.grading.sandbox.Limits); the limit "
              "options below change one each")
    timeout: int | None = _option(None, "seconds one cell may run", metavar="S", limit=True)
    wall_clock: int | None = _option(None, "seconds all cells may take", metavar="S",
                                     limit=True)
    memory: int | None = _option(None, "address space of each process", metavar="MB",
                                 limit=True)
    cpu_time: int | None = _option(None, "CPU seconds of each process", metavar="S",
                                   limit=True)
    processes: int | None = _option(None, "processes and threads at once", metavar="N",
                                    limit=True)
    output: int | None = _option(None, "output printed or displayed", metavar="MB",
                                 flag="--max-output", limit=True)
    file_size: int | None = _option(None, "size of one file written", metavar="MB",
                                    flag="--max-file", limit=True)
    disk: int | None = _option(None, "files in the notebook's scratch folder", metavar="MB",
                               flag="--max-disk", limit=True)
    open_files: int | None = _option(None, "files, pipes and sockets open in each process",
                                     metavar="N", flag="--max-open-files", limit=True)
    notebook: int | None = _option(None, "size of a submitted notebook", metavar="MB",
                                   flag="--max-notebook", limit=True)

    def __post_init__(self):
        check_whole("workers", self.workers, minimum=1, error=ExerciseError)
        check_choice("format", self.format, FORMATS, error=ExerciseError)
        check_rate("similarity_threshold", self.similarity_threshold, low_open=True,
                   error=ExerciseError)
        check_rate("containment_threshold", self.containment_threshold, low_open=True,
                   error=ExerciseError)
        self.sandbox_limits()  # every limit is checked here, with the sandbox's message

    def sandbox_limits(self) -> Limits:
        """The sandbox's limits: ``limits`` (or the defaults) with each limit option set."""
        changes = {f.name: getattr(self, f.name) for f in fields(self)
                   if f.metadata["limit"] and getattr(self, f.name) is not None}
        return dataclasses.replace(self.limits or Limits(), **changes)


def add_arguments(parser) -> None:
    """Add the options of :class:`ExerciseOptions` to an argparse parser (the limits in a group
    of their own, each with its default from :class:`~crmlab.grading.sandbox.Limits`)."""
    defaults = Limits()
    limits = parser.add_argument_group("sandbox limits (per notebook; defaults: "
                                       "crmlab.grading.sandbox.Limits)")
    for option in fields(ExerciseOptions):
        meta = option.metadata
        if option.name == "limits":
            continue  # a whole Limits object: for Python callers
        flag = meta["flag"] or "--" + option.name.replace("_", "-")
        if meta["limit"]:
            shown = {"wall_clock": "3 * timeout + 60", "cpu_time": "the wall clock"}.get(
                option.name, getattr(defaults, option.name))
            limits.add_argument(flag, dest=option.name, type=int, metavar=meta["metavar"],
                                help=f"{meta['help']} (default {shown})")
            continue
        kind = type(option.default) if isinstance(option.default, (int, float)) else None
        shown = f" (default {option.default})" if option.default is not None else ""
        parser.add_argument(flag, dest=option.name, type=kind, default=option.default,
                            metavar=meta["metavar"], choices=meta["choices"],
                            help=f"{meta['help']}{shown}")


def options_from(args) -> ExerciseOptions:
    """The options an argparse namespace holds (see :func:`add_arguments`)."""
    return ExerciseOptions(**{f.name: getattr(args, f.name) for f in fields(ExerciseOptions)
                              if f.name != "limits"})


# ------------------------------------------------------------------------------ the judge
@dataclass
class ExerciseGrading:
    """What ``crmlab exercises grade`` produced: each roster student's scored
    :class:`~crmlab.grading.results.JobResult` (``results``, in the roster's order), the
    details table (details.csv), the problems (problems.csv), the files written and the run's
    record (:class:`~crmlab.grading.history.RunRecord`)."""

    exercise: str
    results: list
    details: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list = field(default_factory=list)
    run: object = None
    similarity: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=files.SIMILARITY_COLUMNS))

    def summary(self, lang: str = "en") -> str:
        """One line in ``lang``: the students graded, by outcome, and the problems (and the
        pairs of students whose code is alike, when there are any).

        Examples
        --------
        >>> from crmlab.grading.results import Reason
        >>> done = [JobResult("s1"), JobResult.ended("s2", Reason("sys_exit")),
        ...         JobResult.ended("s3", Reason("no_submission"))]
        >>> ExerciseGrading("EX-demo", done, pd.DataFrame()).summary()
        'graded 3 student(s): 1 ran, 1 stopped (0 points), 1 without a submission, 0 grader \
problem(s); 0 problem(s) in problems.csv'
        """
        from crmlab.core.i18n import message, reader_language

        count = Counter(r.outcome for r in self.results)
        lang = reader_language(lang)
        line = message("cli.exercises.graded", lang,
                       students=len(self.results), ran=count[results.RAN],
                       fatal=count[results.FATAL], absent=count[results.NO_SUBMISSION],
                       grader=count[results.GRADER_PROBLEM], problems=len(self.problems))
        if len(self.similarity):
            line += "; " + message("cli.exercises.similar", lang, pairs=len(self.similarity))
        return line


class ExerciseJudge(Judge):
    """The exercise judge of the grading skeleton (the arguments are :func:`grade`'s)."""

    command = "exercises grade"
    last = files.SCORES

    def __init__(self, exercise: str, submissions: Path, *, roster, out: Path,
                 options: ExerciseOptions, executor, progress: bool):
        self.exercise, self.folder, self.roster_path = exercise, submissions, roster
        self.out, self.options, self.executor, self.progress = out, options, executor, progress

    def collect(self, problems: Problems) -> list:
        """The roster's submissions, each prepared to run (the roster's parameters injected);
        those that cannot run get their result now; other files are problems."""
        import nbformat

        from crmlab.core.roster import read_roster
        from crmlab.exercises.assignment import load_secret, student_seed
        from crmlab.exercises.keys import keys_source
        from crmlab.exercises.notebook import exercise_id, find_exercise, read_exercise

        self.limits = self.options.sandbox_limits()
        secret = load_secret(self.options.secret_file)
        self.source_path = find_exercise(self.exercise)
        self.source = read_exercise(self.source_path)
        self.exercise_id = exercise_id(self.source)
        self.points = self.source.metadata["crmlab"].get("points", {})
        self.roster = read_roster(self.roster_path)
        self.overrides = read_overrides(self.out, error=ExerciseError)  # before any run
        students = list(self.roster["student_id"])
        (self.out / files.FEEDBACK).mkdir(parents=True, exist_ok=True)
        self.found = _submissions(self.folder, self.source_path.stem)
        for student in sorted(set(self.found) - set(students)):
            problems.add(self.found[student], student, assessment=self.exercise_id,
                         reason=Reason("skipped_off_roster"))
        hidden = hidden_sources(self.source)
        keys = keys_source()  # the instructor's, shipped with each job like the hidden checks
        digest = fingerprint(crmlab_dir())
        self.starter = _starter(self.source, self.source_path.stem)
        self.early, jobs, self.code = {}, [], {}
        for student in students:
            if student not in self.found:
                self.early[student] = JobResult.ended(student, Reason("no_submission"))
                continue
            seed = student_seed(secret, self.exercise_id, student)
            nb, problem = prepare_submission(self.source, self.found[student],
                                             student_id=student, seed=seed,
                                             max_bytes=self.limits.notebook * MB)
            if problem:
                self.early[student] = JobResult.ended(student, problem)
                problems.add(self.found[student], student, assessment=self.exercise_id,
                             reason=problem)
                continue
            self.code[student] = similarity.own_code(nb, starter=self.starter)
            feedback = self.out / files.FEEDBACK / submission_name(self.source_path.stem, student)
            jobs.append(Job(student, seed, nbformat.writes(nb), hidden, str(feedback),
                            self.limits, crmlab=digest, keys=keys))
        self.students = students
        return jobs

    def judge(self, jobs: list, problems: Problems) -> list:
        """Run every job (the data variants prepared first) through the executor."""
        from crmlab.grading.executors import LocalExecutor, executor_for

        options, executor, close = self.options, self.executor, None
        owned = options.work is None
        work = Path(tempfile.mkdtemp(prefix=".grading-", dir=self.out) if owned
                    else options.work).resolve()
        if owned:
            work.chmod(0o711)  # the sandboxed kernels pass through to their variant, list nothing
        try:
            if executor is None:
                if options.scheduler:
                    executor = close = executor_for(options.scheduler, progress=self.progress)
                else:
                    executor = LocalExecutor(options.workers, progress=self.progress)
            if jobs:  # a sandbox that cannot import the stack would fail every job: one line
                preflight(self.limits, code=STACK)
            if jobs and uses_variants(self.source):
                root = prepare_variants([job.seed for job in jobs], work / "variants",
                                        executor=executor,
                                        parallel=getattr(executor, "workers", options.workers))
                jobs = [dataclasses.replace(job, variants=str(root)) for job in jobs]
            return executor.map(run_job, jobs)
        finally:
            if close is not None:
                close.close()
            if owned:
                shutil.rmtree(work, ignore_errors=True)

    def choose(self, done: list, problems: Problems) -> list:
        """One result per roster student (a job run again counts once), scored; a grader
        problem that stops the batch raises, and nothing is written."""
        from crmlab.core.i18n import get_language, message

        ran: dict = {}
        for result in done:
            ran.setdefault(result.student_id, result)
        stopped = [r.reason for r in ran.values() if r.reason and r.reason.code in STOPS_BATCH]
        if stopped:
            lang = get_language()
            raise ExerciseError(message("cli.exercises.stopped", lang,
                                        reason=stopped[0].text(lang)))
        graded = [(ran.get(student) or self.early[student]).scored(self.points)
                  for student in self.students]
        # the hand-grade stage: the checks whose points the instructor set by hand (each for
        # the submission it was given for)
        graded = self.overrides.apply(graded, submissions={
            s: history.digest_file(self.found.get(s)) for s in self.students})
        for result in graded:
            where = {"assessment": self.exercise_id}
            if result.outcome == results.GRADER_PROBLEM:
                problems.add(self.found[result.student_id], result.student_id,
                             reason=result.reason, **where)
            for note in result.notes:
                if note.code == "hidden_checks_failed":  # the instructor's checks, not the student
                    problems.add(self.source_path, result.student_id, reason=note, **where)
        return graded

    def tabulate(self, graded: list, problems: Problems) -> ExerciseGrading:
        """The results, the details table (details.csv's rows) and the pairs of students whose
        own code is alike."""
        rows = files.exercise_tables(self.exercise_id, graded)[0]
        result = ExerciseGrading(self.exercise_id, graded, pd.DataFrame(
            rows, columns=files.details_columns(self.exercise_id, self.points)))
        result.similarity = similarity.code_similarity(
            self.code, exercise=self.exercise_id, starter=self.starter,
            threshold=self.options.similarity_threshold,
            containment_threshold=self.options.containment_threshold)
        return result

    def write(self, result: ExerciseGrading, out: Path, problems: Problems) -> list:
        """details.csv, checks.csv, notes.csv and similarity.csv."""
        return [*files.write_exercise_results(out, self.exercise_id, self.points,
                                              result.results),
                write_text(out / files.SIMILARITY, result.similarity.to_csv(
                    index=False, lineterminator="\n"))]

    def finish(self, result: ExerciseGrading, out: Path) -> Path:
        """scores.csv, in the LMS layout."""
        # In the layout of `crmlab grade`, so the files merge.
        scores = layout(result.details[["student_id", self.exercise_id, "total"]],
                        possible={self.exercise_id: sum(self.points.values())},
                        roster=self.roster, format=self.options.format, kind="Exercise")
        return write_text(out / files.SCORES, scores.to_csv(index=False, lineterminator="\n"))

    def record(self, result: ExerciseGrading) -> Record:
        """The exercise notebook's checksum, each student's points per check and the checksum
        of their submission, the sandbox's limits."""
        item = self.exercise_id
        inputs = {f"exercise:{item}": history.Input(
            history.digest_file(self.source_path),
            f"key fix in {item} (exercise notebook changed)")}
        students = {}
        for graded in result.results:
            path = self.found.get(graded.student_id)
            students[graded.student_id] = {
                "scores": {**{f"{files.CHECK_PREFIX}{c.name}": c.points for c in graded.checks},
                           item: graded.total},
                "inputs": {"submission": history.digest_file(path),
                           "hand": self.overrides.student_digest(graded.student_id)}}
        limits = self.options.sandbox_limits()
        return Record(inputs, students, {"submission": "new submission",
                                         "hand": "hand override"},
                      options={"limits": dataclasses.asdict(limits)}, total=item,
                      extra={"possible": {item: float(sum(self.points.values()))}})


def grade(exercise: str, submissions, *, roster, out, options: ExerciseOptions | None = None,
          executor=None, progress: bool = True, now=None, **changes) -> ExerciseGrading:
    """Grade every ``<exercise stem>__<student_id>.ipynb`` (or ``<student_id>.ipynb``) submission.

    The grading skeleton (:mod:`crmlab.grading.skeleton`) with the exercise judge: collect
    the roster's submissions, run each in its sandbox (:func:`run_job`), choose one result per
    student, tabulate, write, keep the run under ``runs/``.

    Parameters
    ----------
    exercise : str
        Exercise id (``EX-abc-profit``), file stem, or path of the source notebook.
    submissions : path
        Folder searched recursively for the submitted notebooks.
    roster : path
        CSV with a ``student_id`` column (``name``, ``email`` optional).
    out : path
        Output folder: ``details.csv`` (the outcome, its reason code and the points per check),
        ``checks.csv`` (each check's verdict code), ``notes.csv`` (what the sandbox refused),
        ``problems.csv`` (submissions set aside, grader problems, errors in the hidden checks),
        ``feedback/`` (executed notebooks without the hidden checks' source), ``scores.csv``
        (gradebook layout, written last), ``changes.csv`` and ``runs/``; the columns are
        declared in :mod:`crmlab.grading.files`.
    options : ExerciseOptions, optional
        The options (workers, scheduler, work folder, secret file, format, sandbox limits);
        ``**changes`` sets single ones (``timeout=20``, ``workers=1``).
    executor : object, optional
        Anything with ``map(function, jobs) -> list`` (see :mod:`crmlab.grading.executors`);
        default: local threads, or dask with the ``scheduler`` option.
    now : datetime, optional
        The run's time, for its record under ``runs/`` (default: now).

    Returns
    -------
    ExerciseGrading
        The scored results, the details table (details.csv), the problems, the files written
        and the run's record.
    """
    try:
        options = dataclasses.replace(options or ExerciseOptions(), **changes)
    except TypeError:
        unknown = sorted(set(changes) - {f.name for f in fields(ExerciseOptions)})
        raise TypeError(f"grade() got unknown options {', '.join(map(repr, unknown))}; "
                        "expected fields of ExerciseOptions") from None
    if not Path(submissions).is_dir():
        raise ExerciseError(f"{submissions}: the submissions folder does not exist")
    out = Path(out).resolve()
    judge = ExerciseJudge(exercise, Path(submissions), roster=roster, out=out, options=options,
                          executor=executor, progress=progress)
    return skeleton.run(judge, out=out, now=now)
