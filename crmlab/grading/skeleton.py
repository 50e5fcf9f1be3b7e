"""One grading skeleton: collect -> judge -> choose -> tabulate -> write -> record.

Both graders are this skeleton with a judge of their own (a :class:`Judge`): the quiz judge
(:mod:`crmlab.grading.quizzes`, ``crmlab grade``) and the exercise judge
(:mod:`crmlab.grading.exercises`, ``crmlab exercises grade``). A judge says how each stage is
done for its kind of work; :func:`run` calls the stages in order and keeps what the graders
share:

1. **collect** what there is to grade (an input that cannot be read becomes a problem);
2. **judge** every submission;
3. **choose** one result per student;
4. **tabulate** the run's tables (the judge's result object);
5. **write** the judge's files, then ``problems.csv`` (one collector,
   :class:`crmlab.core.validation.Problems`, whose rows carry codes of
   :mod:`crmlab.grading.results`), then the judge's *last* file (a gradebook in an LMS layout:
   its presence means the run finished; the previous run's is removed before anything is
   written, so a run stopped halfway leaves no gradebook beside its new tables);
6. **record** the run under ``runs/`` and what changed since the one before
   (:mod:`crmlab.grading.history`).

Bad input never stops a run: each stage adds what it sets aside to the problems and goes on. A
judge raises only when nothing can be graded or the grading environment cannot be trusted; then
nothing is written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.validation import Problems
from crmlab.grading import files, history
from crmlab.grading.results import Reason

__all__ = ["Judge", "Record", "run"]


@dataclass
class Record:
    """What a run's record keeps besides its files (see
    :func:`crmlab.grading.history.record_run`): the global ``inputs`` (``{name: Input}``),
    each student's scores and inputs, what a change of each student input means, the options
    (a change is a policy change), the item that sums the others, and more facts to keep."""

    inputs: dict
    students: dict
    student_inputs: dict
    options: dict = field(default_factory=dict)
    total: str = ""
    extra: dict = field(default_factory=dict)


class Judge(ABC):
    """How one kind of work is graded: one method per stage of the skeleton.

    The result :meth:`tabulate` returns must have the attributes ``problems`` (set to the
    problems' table before :meth:`write` is called), ``files`` and ``run`` (set by :func:`run`).
    """

    #: What ran, as the run's record names it (``grade``, ``exercises grade``).
    command: str = ""
    #: The name of the file :meth:`finish` writes (``gradebook.csv``): removed before anything
    #: else is written, so that a run stopped halfway never leaves its new tables beside the
    #: previous run's gradebook.
    last: str = ""

    @abstractmethod
    def collect(self, problems: Problems):
        """What there is to grade."""

    @abstractmethod
    def judge(self, collected, problems: Problems):
        """The verdicts on every submission collected."""

    @abstractmethod
    def choose(self, judged, problems: Problems):
        """One result per student."""

    @abstractmethod
    def tabulate(self, chosen, problems: Problems):
        """The run's tables: the judge's result object."""

    @abstractmethod
    def write(self, result, out: Path, problems: Problems) -> list:
        """Write the judge's files but the last one; return their paths. Problems found while
        writing are added before ``result.problems`` is read."""

    @abstractmethod
    def finish(self, result, out: Path) -> Path:
        """Write the judge's last file (its presence means the run finished); return its path."""

    @abstractmethod
    def record(self, result) -> Record:
        """What the run's record keeps."""


def run(judge: Judge, *, out, now: datetime | None = None):
    """Grade with ``judge`` into the folder ``out``; return the judge's result, its
    ``problems``, ``files`` and ``run`` (the :class:`~crmlab.grading.history.RunRecord`) set.

    Examples
    --------
    >>> import tempfile
    >>> from crmlab.grading.results import Reason
    >>> class Count(Judge):  # grades the length of each word; "?" cannot be read
    ...     command = "count"
    ...     def collect(self, problems):
    ...         words = ["crm", "?", "loyalty"]
    ...         for word in words:
    ...             if word == "?":
    ...                 problems.add("words", reason=Reason("bundle_rejected", error="unreadable"))
    ...         return [w for w in words if w != "?"]
    ...     def judge(self, words, problems): return {w: len(w) for w in words}
    ...     def choose(self, judged, problems): return judged
    ...     def tabulate(self, chosen, problems):
    ...         return type("Result", (), {"scores": chosen})()
    ...     def write(self, result, out, problems):
    ...         result.problems = problems.frame()
    ...         return []
    ...     def finish(self, result, out):
    ...         return write_text(out / "scores.csv", "word,points\\n" + "".join(
    ...             f"{w},{n}\\n" for w, n in result.scores.items()))
    ...     def record(self, result):
    ...         return Record({}, {w: {"scores": {"points": n}} for w, n in
    ...                            result.scores.items()}, {})
    >>> out = Path(tempfile.mkdtemp())
    >>> result = run(Count(), out=out)
    >>> sorted(p.name for p in out.iterdir())
    ['changes.csv', 'problems.csv', 'run.json', 'runs', 'scores.csv']
    >>> result.problems[["code", "reason"]].values.tolist()
    [['bundle_rejected', 'rejected: unreadable']]
    >>> [p.name for p in result.files], result.run.record["command"]
    (['problems.csv', 'scores.csv'], 'count')
    """
    out = Path(out)
    problems = Problems()
    bad_regrades = history.regrades_problem(out)  # checked before anything is written
    if bad_regrades is not None:
        problems.add(out / history.REGRADES, reason=Reason("regrades_file", problem=bad_regrades))
    collected = judge.collect(problems)
    judged = judge.judge(collected, problems)
    chosen = judge.choose(judged, problems)
    result = judge.tabulate(chosen, problems)
    out.mkdir(parents=True, exist_ok=True)
    if judge.last:  # its presence means the run finished: not this one yet
        (out / judge.last).unlink(missing_ok=True)
    written = list(judge.write(result, out, problems))
    result.problems = problems.frame()
    written.append(write_text(out / files.PROBLEMS, result.problems.to_csv(
        index=False, lineterminator="\n")))
    written.append(judge.finish(result, out))  # last: the run finished
    result.files = written
    kept = judge.record(result)
    result.run = history.record_run(
        out, command=judge.command, inputs=kept.inputs, students=kept.students,
        student_inputs=kept.student_inputs, options=kept.options, files=written, now=now,
        total=kept.total, extra=kept.extra, regrades=bad_regrades is None)
    return result
