"""``crmlab grade``: grade submitted quiz answers with the instructor's keys.

``grade`` is the grading skeleton (:mod:`crmlab.grading.skeleton`) with the quiz judge:
**collect** every submission (:mod:`crmlab.quiz.submission`), **judge** every answer with the
one scorer (:func:`crmlab.quiz.scoring.score`), **choose** one submission per student (the
resubmission rule) and bring the hand grades in, **tabulate**, **write** the gradebook and its
companions, **record** the run. A large cohort is read and judged by one forked process per
core, each distinct answer judged once, and its report's figures are drawn by another while the
tables are written.
Nothing a submission says about itself is trusted beyond its student id. Bad input never stops a
run: each rejected or partly rejected submission becomes a row of ``problems.csv`` and every
valid answer is still graded.

Inputs under SUBMISSIONS (searched recursively): ``*.zip`` bundles made by ``crmlab submit``,
unzipped bundles (folders holding a ``manifest.json``) and answer folders
(``<student_id>/<quiz_id>.json``, a copy of a student's ``CRMLAB_HOME/answers/<student_id>``).

Rules: the latest submission of a student wins (by its receipt, else the time its file landed
in the collected folder, never the bundle's own ``created``, which the student's computer
wrote; ``first`` and ``best`` can be chosen); a student missing from the roster is graded and listed in
``problems.csv``; a roster student without a submission gets empty quiz cells and a total of 0.
Item weights (``weights=``, :mod:`crmlab.grading.weights`) multiply the points of the items
they name.

Free-text answers (a type that is not machine-scored) stay pending until hand-graded: every run
writes them to the rubric sheet ``rubric.csv``, and ``import_rubric=`` brings a filled sheet's
points in (:mod:`crmlab.grading.rubric`) before the gradebook is written. Each submission's
receipt time (:mod:`crmlab.grading.receipts`) goes to ``submissions.csv`` for the course
gradebook's late policy, and every run is kept under ``runs/`` with what changed since the one
before (:mod:`crmlab.grading.history`). Pairs of students whose free-text answers to the same
question are unusually alike go to ``similarity.csv`` (:mod:`crmlab.grading.similarity`), for
the instructor to look at: they never change a grade.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab.core.atomic import write_text
from crmlab.core.exceptions import CrmlabError, QuizError, SubmissionError
from crmlab.core.processes import fork_pool
from crmlab.core.roster import read_roster
from crmlab.core.times import iso, utc
from crmlab.core.validation import Problems, check_choice, check_rate
from crmlab.grading import files, history, report, rubric, similarity, skeleton
from crmlab.grading.files import RESPONSE_COLUMNS, STRATEGY_COLUMNS, SUBMISSION_COLUMNS
from crmlab.grading.item_analysis import constant_strategies, item_analysis
from crmlab.grading.lms import FORMATS, layout
from crmlab.grading.receipts import file_digest, file_mtime, landed_time, read_receipts
from crmlab.grading.results import Reason
from crmlab.grading.skeleton import Judge, Record
from crmlab.grading.weights import apply_weights
from crmlab.quiz.loading import load, quiz_files
from crmlab.quiz.scoring import check_answer, score
from crmlab.quiz.submission import MAX_BYTES, Submission, discover, read_submission
from crmlab.quiz.types import get_type

__all__ = ["grade", "GradeResult", "QuizJudge", "MAX_BYTES", "RESUBMISSION", "FORMATS"]

#: The columns of :attr:`GradeResult.responses`: responses.csv's, with the answer as text.
RESULT_RESPONSE_COLUMNS = [*RESPONSE_COLUMNS[:4], "answer_text", *RESPONSE_COLUMNS[4:]]

#: Which of a student's bundles counts when there are several.
RESUBMISSION = ("latest", "first", "best")
#: From this many submissions on, one forked process per core reads them.
PARALLEL_FROM = 2000
#: The fewest and the most submissions a reader takes at a time (:func:`_chunks`).
CHUNK_SIZES = (50, 500)


@dataclass
class GradeResult:
    """Everything a grading run produced; ``files`` are the paths written."""

    gradebook: pd.DataFrame
    responses: pd.DataFrame
    item_analysis: pd.DataFrame
    problems: pd.DataFrame
    strategies: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list = field(default_factory=list)
    submissions: pd.DataFrame = field(default_factory=pd.DataFrame)
    run: object = None
    rubric_import: str = ""
    rubric_refused: bool = False
    similarity: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=files.SIMILARITY_COLUMNS))

    def summary(self) -> str:
        """One line: students and answers graded, problems, gradebook rows, and the pairs of
        answers flagged as unusually alike (when there are any)."""
        students = len(self.gradebook)
        graded = int(self.responses["student_id"].nunique()) if len(self.responses) else 0
        earlier = (int((~self.submissions.drop_duplicates("source")["counted"].astype(bool))
                       .sum()) if len(self.submissions) else 0)
        resubmitted = (f"; {earlier} earlier submission(s) not counted (submissions.csv)"
                       if earlier else "")
        pending = int(self.responses["points"].isna().sum()) if len(self.responses) else 0
        waiting = f"; {pending} answer(s) pending hand grading" if pending else ""
        imported = f"; {self.rubric_import}" if self.rubric_import else ""
        alike = (f"; {len(self.similarity)} pair(s) of answers alike in similarity.csv"
                 if len(self.similarity) else "")
        return (f"graded {graded} student(s), {len(self.responses)} answer(s){waiting}"
                f"{resubmitted}; {len(self.problems)} problem(s) in problems.csv; {students} "
                f"gradebook row(s){alike}{imported}")


@dataclass(frozen=True)
class _Judged:
    """The verdict on one distinct (quiz, question, raw answer), computed once."""

    quiz_id: str
    question_id: str
    canonical: object
    shown: str
    correct: bool
    points: float
    max_points: float
    csv_tail: str


# ------------------------------------------------------------------------------ judge
def _token(value):
    """A hashable token of a raw JSON answer (lists and mappings included).

    A string is its own token (the commonest answer); any other value is a tuple naming its
    type, so ``true`` and ``1`` never share a verdict.

    Examples
    --------
    >>> _token("a"), _token(["a", "b"]), _token([True, 1]), _token({"p": 1})
    ('a', ('list', 'a', 'b'), ('list', ('bool', True), ('int', 1)), ('dict', ('p', ('int', 1))))
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is list:
        if all(type(v) is str for v in value):  # a multi answer: its strings are their tokens
            return ("list", *value)
        return ("list",) + tuple(_token(v) for v in value)
    if kind is dict:
        return ("dict",) + tuple(sorted((str(k), _token(v)) for k, v in value.items()))
    return (kind.__name__, value)


def _csv_fields(*values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["" if isinstance(v, float) and v != v else v for v in values])
    return buffer.getvalue()


def _judge_one(quiz, question_id, raw, key=None):
    """A _Judged verdict, or the reason the answer cannot be graded (``key``: the student's
    own key of a number of one's own)."""
    try:
        question = quiz.question(question_id)
        canonical = check_answer(question, raw)
        if key is not None:
            from dataclasses import replace

            question = replace(question, answer=key)
        verdict = score(question, canonical)
        shown = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
        return _Judged(quiz.id, question_id, canonical, shown, verdict.correct, verdict.points,
                       verdict.max_points, _csv_fields(quiz.id, question_id, shown,
                                                       verdict.correct, verdict.points,
                                                       verdict.max_points))
    except QuizError as exc:
        return str(exc)
    except Exception as exc:  # a grader's bug met by one answer stops no one else's grading
        return _failed("answer", exc)


def _failed(what: str, exc: Exception) -> str:
    """Why ``what`` (an answer, a submission) could not be graded when the grader itself
    failed on it: the error, in one line, and what to do."""
    said = " ".join(str(exc).split())[:200]
    return (f"the grader failed on this {what} ({type(exc).__name__}: {said}); "
            "grade again, and report it if it stays")


class _Verdicts(list):
    """The distinct verdicts of a run; an answer is the index of its verdict here.

    Many students give the same answer, so each distinct (quiz, question, raw answer) is judged
    once: ``known[quiz_id][question_id]`` maps the answer's token (:func:`_token`) to the
    verdict's index, or to the reason the answer cannot be graded.
    """

    def __init__(self):
        super().__init__()
        self.known: dict = {}
        self.tokens: list = []  # (quiz_id, question_id, token) of each verdict judged here
        self.sent = 0  # verdicts up to here were handed to the grading process

    def judge(self, quiz_id, quiz, question_id, raw, token, key=None):
        """The index of the verdict on ``raw`` (``token`` names it, with the ``key`` of a
        number of one's own), or the reason it cannot be graded: judged the first time, then
        known."""
        known = self.known.setdefault(quiz_id, {}).setdefault(question_id, {})
        found = known.get(token)
        if found is None:
            outcome = _judge_one(quiz, question_id, raw, key)
            found = known[token] = outcome if isinstance(outcome, str) else len(self)
            if not isinstance(outcome, str):
                self.append(outcome)
                self.tokens.append((quiz_id, question_id, token))
        return found

    def hand_over(self) -> tuple[int, list]:
        """``(first, [(token, verdict)])``: the verdicts judged since the last hand-over, the
        first of them at index ``first`` here."""
        first, self.sent = self.sent, len(self)
        return first, list(zip(self.tokens[first:], self[first:]))

    def take(self, token, verdict) -> int:
        """The index here of a verdict another table judged (added when it is new)."""
        quiz_id, question_id, answer = token
        known = self.known.setdefault(quiz_id, {}).setdefault(question_id, {})
        found = known.get(answer)
        if found is None:
            found = known[answer] = len(self)
            self.append(verdict)
            self.tokens.append(token)
        return found

    def column(self, name: str, dtype=object):
        """One field of every verdict, as a 1-d array to index with answers."""
        if dtype is not object:
            return np.array([getattr(v, name) for v in self], dtype=dtype)
        values = np.empty(len(self), dtype=object)  # list answers stay one cell each
        for i, verdict in enumerate(self):
            values[i] = getattr(verdict, name)
        return values


def _judge_submission(sub: Submission, keys, verdicts: _Verdicts, *, every_quiz: bool,
                      own_ids: dict, own=None):
    """``(indices, ignored, total, None)``: the verdict index of each answer graded; the
    answers set aside or noted, each ``(quiz_id, question_id, reason)`` (``question_id`` None:
    a quiz this run does not grade; ``reason`` the text of why an answer cannot be graded, or
    the :class:`Reason` of a number of one's own given on another variant or none), in the
    order of the quizzes and questions; the points earned. A number of one's own (``own_ids``:
    their question ids by quiz) is judged here against the student's own key when
    ``own`` (:class:`~crmlab.grading.variant_keys.StudentKeys`) knows it already.

    A submission to a quiz with numbers of one's own whose keys are not known yet is ``(None,
    None, None, entries)`` instead: in that order, each answer's verdict index,
    ``("unknown", quiz_id)``, ``("quiz", quiz_id)`` where such a quiz begins,
    ``("ignored", quiz_id, question_id, reason)`` and ``("own", quiz_id, question_id, raw,
    token)``, an answer the grading process judges against the student's own key, computed
    there (:func:`_judge_own`).
    """
    entries, own_keys = None, {}
    if own_ids and not own_ids.keys().isdisjoint(sub.quizzes):
        own_keys = {quiz_id: own.known(quiz_id, sub.student_id) for quiz_id in own_ids
                    if quiz_id in sub.quizzes}
        if any(found is None for found in own_keys.values()):
            entries = []
    indices, ignored, total = [], [], 0.0
    for quiz_id, answers in sorted(sub.quizzes.items()):
        quiz = keys.get(quiz_id)
        if quiz is None:
            if every_quiz:
                ignored.append((quiz_id, None, None))
                if entries is not None:
                    entries.append(("unknown", quiz_id))
            continue
        own_here = own_ids.get(quiz_id, ())
        if entries is not None and own_here:
            entries.append(("quiz", quiz_id))
        known = verdicts.known.get(quiz_id, {})
        for question_id, raw in sorted(answers.items()):
            token = raw if type(raw) is str else _token(raw)
            if question_id in own_here:  # its key is the student's own
                if entries is not None:
                    entries.append(("own", quiz_id, question_id, raw, token))
                    continue
                key = own_keys[quiz_id][question_id]
                if isinstance(key, str):
                    ignored.append((quiz_id, question_id,
                                    Reason("variant_key_failed", error=key)))
                    continue
                reason = _variant_problem(own, sub, quiz_id, question_id)
                if reason is not None:
                    ignored.append((quiz_id, question_id, reason))
                index = verdicts.judge(quiz_id, quiz, question_id, raw, (token, key), key)
                known = verdicts.known[quiz_id]
            else:
                index = known.get(question_id, {}).get(token)
            if index is None:  # the first time this answer is seen
                index = verdicts.judge(quiz_id, quiz, question_id, raw, token)
                known = verdicts.known[quiz_id]
            if isinstance(index, str):
                ignored.append((quiz_id, question_id, index))
                if entries is not None:
                    entries.append(("ignored", quiz_id, question_id, index))
                continue
            indices.append(index)
            if entries is not None:
                entries.append(index)
            points = verdicts[index].points
            if points == points:  # a pending answer (NaN) counts nothing yet
                total += points
    if entries is not None:
        return None, None, None, entries
    return indices, ignored, total, None


def _own_key(own, sub, quiz_id: str, question_id: str, own_keys: dict, problems: Problems):
    """The student's own key of a number of one's own (None when its key function failed on
    the student's variant), with a problem row when the answer was given on another variant
    or does not say on which."""
    key = own_keys[question_id]
    where = dict(assessment=quiz_id, item=question_id)
    if isinstance(key, str):
        problems.add(sub.source, sub.student_id, **where,
                     reason=Reason("variant_key_failed", error=key))
        return None
    reason = _variant_problem(own, sub, quiz_id, question_id)
    if reason is not None:
        problems.add(sub.source, sub.student_id, **where, reason=reason)
    return key


def _variant_problem(own, sub, quiz_id: str, question_id: str):
    """The problem with the variant an answer to a number of one's own records, or None."""
    mine = own.digest(sub.student_id)
    found = sub.variants.get(quiz_id, {}).get(question_id)
    if found is None:
        return Reason("no_variant")
    if found != mine:
        return Reason("other_variant", found=found, own=mine)
    return None


def _judge_own(sub: Submission, entries: list, mapped: list, keys, verdicts: _Verdicts,
               own, problems: Problems):
    """``(indices, total)`` of a submission to a quiz with numbers of one's own, from its
    reader's ``entries`` (:func:`_judge_submission`; ``mapped``: the reader's verdict indices
    as indices of ``verdicts``): each number of one's own judged against the student's own key
    (``own``: :class:`~crmlab.grading.variant_keys.StudentKeys`), so its verdicts are shared
    by the students with the same key and answer; problems added in the answers' order."""
    indices, total, own_keys = [], 0.0, {}
    for entry in entries:
        if type(entry) is int:
            index = mapped[entry]
        elif entry[0] == "quiz":
            own_keys = own.keys(entry[1], sub.student_id)
            continue
        elif entry[0] == "unknown":
            problems.add(sub.source, sub.student_id, assessment=entry[1],
                         reason=Reason("unknown_quiz"))
            continue
        elif entry[0] == "ignored":
            problems.add(sub.source, sub.student_id, assessment=entry[1], item=entry[2],
                         reason=Reason("answer_ignored", error=entry[3]))
            continue
        else:
            _, quiz_id, question_id, raw, token = entry
            key = _own_key(own, sub, quiz_id, question_id, own_keys, problems)
            if key is None:
                continue
            index = verdicts.judge(quiz_id, keys[quiz_id], question_id, raw, (token, key), key)
            if isinstance(index, str):
                problems.add(sub.source, sub.student_id, assessment=quiz_id, item=question_id,
                             reason=Reason("answer_ignored", error=index))
                continue
        indices.append(index)
        points = verdicts[index].points
        if points == points:  # a pending answer (NaN) counts nothing yet
            total += points
    return indices, total


# ------------------------------------------------------------------------------ read
def _cores() -> int:
    """How many processes may work at once (at most 8)."""
    return min(len(os.sched_getaffinity(0)), 8) if hasattr(os, "sched_getaffinity") else 1


def _read_one(item, max_bytes, keys, verdicts: _Verdicts, every_quiz: bool, own_ids: dict,
              own=None):
    """One submission read and judged, ``(Submission, indices, ignored, total, entries, file
    modification time in seconds)`` (see :func:`_judge_submission`), or ``(source, reason)``
    when it is rejected.

    Only what the tables need leaves the reader: the raw answers stay, each quiz keeps the
    checksum of its answers (for the submission table's resubmission times) and the
    submission the checksum of its file (what receipts are looked up by) and the time it
    landed in the collected folder (which counts when no receipt names it)."""
    kind, path = item
    try:
        sub = read_submission(kind, path, max_bytes=max_bytes)
        digest = sub.sha256 or file_digest(kind, path)
        indices, ignored, total, entries = _judge_submission(
            sub, keys, verdicts, every_quiz=every_quiz, own_ids=own_ids, own=own)
        digests = {quiz_id: _answers_digest(answers) for quiz_id, answers in sub.quizzes.items()}
    except SubmissionError as exc:
        return str(path), Reason("bundle_rejected", error=str(exc))
    except Exception as exc:  # a grader's bug met by one file stops no one else's grading
        return str(path), Reason("bundle_rejected", error=_failed("submission", exc))
    kept = Submission(sub.source, sub.student_id, sub.created, digests,
                      sub.variants if entries is not None else {}, sha256=digest)
    landed = file_mtime(kind, path) if sub.mtime is None else sub.mtime
    return kept, indices, ignored, total, entries, landed


def _chunks(total: int, workers: int) -> list:
    """``[(start, stop)]`` covering ``range(total)`` in the order read: each chunk an eighth
    of what is left for each of ``workers`` readers, within :data:`CHUNK_SIZES`, so the readers
    finish together (chunks of one size left one reader alone with the last of them).

    Examples
    --------
    >>> _chunks(1200, 1)
    [(0, 500), (500, 1000), (1000, 1200)]
    >>> sizes = [stop - start for start, stop in _chunks(3000, 2)]
    >>> sizes[:4], sizes[-3:], sum(sizes)
    ([187, 175, 164, 154], [50, 50, 29], 3000)
    """
    smallest, largest = CHUNK_SIZES
    if workers < 2:
        return [(i, min(i + largest, total)) for i in range(0, total, largest)]
    bounds, start = [], 0
    while start < total:
        size = min(largest, max(smallest, (total - start) // (8 * workers)))
        bounds.append((start, min(start + size, total)))
        start += size
    return bounds


_READER: dict = {}  # what the forked readers read and judge with, inherited rather than sent


def _read_range(bounds):
    """Read and judge ``_READER["found"][start:stop]`` with this process's verdicts: ``(pid,
    first, new verdicts, items)`` (:meth:`_Verdicts.hand_over`, :func:`_read_one`)."""
    state = _READER
    verdicts = state["verdicts"]
    items = [_read_one(item, state["max_bytes"], state["keys"], verdicts, state["every_quiz"],
                       state["own_ids"], state["own"])
             for item in state["found"][bounds[0]:bounds[1]]]
    return (os.getpid(), *verdicts.hand_over(), items)


def _read(found, keys, verdicts: _Verdicts, problems: Problems, *, every_quiz: bool,
          max_bytes: int, progress: bool, landed: dict, own=None):
    """Yield every submission read and judged, ``(Submission, verdict indices, total)``, in
    the order found; rejected submissions and answers set aside become problems, and
    ``landed`` receives each submission's file time by source. A stream, so
    memory holds a few chunks at a time, never the whole cohort. Large batches are read and
    judged by one forked process per core, a bounded number of chunks ahead, each with verdicts
    of its own, which are added to ``verdicts`` as they come (an answer's index is then
    ``verdicts``' own). A number of one's own is judged here, against the student's own key
    (``own``: :class:`~crmlab.grading.variant_keys.StudentKeys`), with the state that keeps."""
    from tqdm.auto import tqdm

    from crmlab.grading.variant_keys import own_questions

    workers = _cores()
    bar = tqdm(total=len(found), desc="reading", unit="sub", disable=not progress or None,
               leave=False)
    ranges = iter(_chunks(len(found), workers if len(found) >= PARALLEL_FROM else 1))
    own_ids = {quiz_id: frozenset(q.id for q in own_questions(quiz))
               for quiz_id, quiz in keys.items()} if own is not None else {}
    _READER.update(found=found, keys=keys, verdicts=_Verdicts(), every_quiz=every_quiz,
                   max_bytes=max_bytes, own_ids={q: ids for q, ids in own_ids.items() if ids},
                   own=own)

    def chunks():
        if workers < 2 or len(found) < PARALLEL_FROM:
            yield from map(_read_range, ranges)
            return
        from collections import deque

        with fork_pool(workers) as pool:
            ahead = deque(pool.submit(_read_range, bounds)
                          for bounds in itertools.islice(ranges, 2 * workers))
            while ahead:
                chunk = ahead.popleft().result()
                for bounds in itertools.islice(ranges, 1):
                    ahead.append(pool.submit(_read_range, bounds))
                yield chunk

    indices_of: dict = {}  # each reader's verdict indices, as indices of ``verdicts``
    try:
        for reader, first, new, items in chunks():
            mapped = indices_of.setdefault(reader, [])
            if len(mapped) != first:  # a reader's chunks come in the order it read them
                raise RuntimeError(f"reader {reader}: verdicts from {first}, "
                                   f"{len(mapped)} taken")
            mapped += [verdicts.take(token, verdict) for token, verdict in new]
            for item in items:
                if len(item) == 2:
                    problems.add(item[0], reason=item[1])
                    continue
                sub, indices, ignored, total, entries, landed[sub.source] = item
                if entries is not None:
                    yield (sub, *_judge_own(sub, entries, mapped, keys, verdicts, own,
                                            problems))
                    continue
                for quiz_id, question_id, reason in ignored:
                    if question_id is None:
                        problems.add(sub.source, sub.student_id, assessment=quiz_id,
                                     reason=Reason("unknown_quiz"))
                    elif isinstance(reason, Reason):  # a number of one's own, noted
                        problems.add(sub.source, sub.student_id, assessment=quiz_id,
                                     item=question_id, reason=reason)
                    else:
                        problems.add(sub.source, sub.student_id, assessment=quiz_id,
                                     item=question_id,
                                     reason=Reason("answer_ignored", error=reason))
                yield sub, [mapped[i] for i in indices], total
            bar.update(len(items))
    finally:
        _READER.clear()
        bar.close()


# ------------------------------------------------------------------------------ choose
def _received(judged, landed: dict, receipts, now) -> dict:
    """``{source: (sha256, received, time source)}`` of every submission judged: its receipt,
    else its file's time in the collected folder (``landed``: modification times in seconds,
    by source), never later than the grader's ``now``. What a bundle says of itself
    (``created``) comes from the student's computer and orders nothing."""
    times = {}
    for sub, _, _ in judged:
        received, source = receipts.by_digest(sub.sha256), "receipt"
        if received is None:
            received, source = min(landed_time(landed[sub.source]), now), "file time"
        times[sub.source] = (sub.sha256, received, source)
    return times


def _choose(judged, resubmission: str, times: dict) -> dict:
    """One submission per student, by the resubmission rule (times from :func:`_received`).

    A resubmission is how a course works (a bundle each week holds every answer so far), not a
    problem: the submissions not chosen are the rows of submissions.csv with ``counted`` False.
    """
    chosen: dict = {}
    for item in judged:
        sub, _, total = item
        current = chosen.get(sub.student_id)
        if current is None:
            chosen[sub.student_id] = item
            continue
        new, old = (times[sub.source][1], sub.source), (times[current[0].source][1],
                                                         current[0].source)
        keep_new = {"latest": new > old, "first": new < old,
                    "best": total > current[2]}[resubmission]
        if keep_new:
            chosen[sub.student_id] = item
    return chosen


# ------------------------------------------------------------------------------ hand grades
def _text_answers(chosen: dict, verdicts: _Verdicts, keys) -> list:
    """Every pending free-text answer of the chosen submissions, with its rubric."""
    found = []
    for student, (_, indices, _) in chosen.items():
        for index in indices:
            verdict = verdicts[index]
            if verdict.points == verdict.points:
                continue
            question = keys[verdict.quiz_id].question(verdict.question_id)
            criteria = getattr(get_type(question.type), "criteria", None)
            if criteria is None:
                continue
            found.append(rubric.TextAnswer(student, verdict.quiz_id, verdict.question_id,
                                           str(verdict.canonical),
                                           tuple(criteria(question))))
    return found


def _hand_grade(chosen: dict, verdicts: _Verdicts, answers: list, grades) -> dict:
    """The chosen submissions with every fully hand-graded answer's points in."""
    points = {a.key: grades.points(a) for a in answers}
    if not any(p is not None for p in points.values()):
        return chosen
    graded = {}
    for student, (sub, indices, total) in chosen.items():
        new = []
        for index in indices:
            verdict = verdicts[index]
            given = points.get((student, verdict.quiz_id, verdict.question_id))
            if given is None or verdict.points == verdict.points:
                new.append(index)
                continue
            verdicts.append(_Judged(
                verdict.quiz_id, verdict.question_id, verdict.canonical, verdict.shown,
                given == verdict.max_points, given, verdict.max_points,
                _csv_fields(verdict.quiz_id, verdict.question_id, verdict.shown,
                            given == verdict.max_points, given, verdict.max_points)))
            new.append(len(verdicts) - 1)
            total += given
        graded[student] = (sub, new, total)
    return graded


def _import_rubric(sheet, answers: list, grades, problems: Problems, now):
    """``(grades, message, refused)`` after importing a filled rubric sheet (all or nothing)."""
    staged, issues, notes = rubric.check_sheet(sheet, answers)
    for note in notes:
        problems.add(sheet, reason=Reason("rubric_note", note=note.split(": ", 1)[1]))
    if issues:
        for issue in issues:
            problems.add(sheet, reason=Reason("rubric_refused", issue=issue))
        shown = "tab" if (found := rubric.sheet_delimiter(sheet)) == "\t" else repr(found)
        return grades, (f"rubric sheet {sheet} (columns separated by {shown}) refused, nothing "
                        f"imported: {len(issues)} problem(s), first: {issues[0]}"), True
    merged, changed = grades.merged(staged, now=now)
    return merged, (f"rubric sheet {sheet}: {len(staged)} graded cell(s), {changed} changed"), \
        False


# ------------------------------------------------------------------------------ times
def _key_inputs(quiz) -> dict:
    """The run history's inputs of one quiz: the checksum of each question's key and of its
    points, so that a regrade names the question (``key fix in L02 question scale``,
    ``points change in L02 question scale``), and of its list of questions."""
    from dataclasses import replace

    items = (quiz.id, "total")
    inputs = {f"quiz:{quiz.id}": history.Input(
        history.digest_text(repr((quiz.mode, [q.id for q in quiz.questions]))),
        f"questions added or removed in {quiz.id}", items)}
    for question in quiz.questions:
        # what grades an answer: the question without its wording, feedback and points
        key = replace(question, prompt=None, explanation=None, note=None, tags={},
                      garbled=(), shuffle=True, points=0.0)
        name = f"quiz:{quiz.id}:{question.id}"
        inputs[f"{name}:key"] = history.Input(
            history.digest_text(repr(key)), f"key fix in {quiz.id} question {question.id}", items)
        inputs[f"{name}:points"] = history.Input(
            history.digest_text(repr(float(question.points))),
            f"points change in {quiz.id} question {question.id}", items)
    return inputs


def _answers_digest(answers: dict) -> str:
    return history.digest_text(json.dumps(answers, sort_keys=True, ensure_ascii=False,
                                          default=str))


def _submissions(judged, chosen: dict, times: dict) -> pd.DataFrame:
    """One row per submission and quiz: its checksum, times and whether it counts.

    ``submitted_at`` (on counted rows) is the earliest receipt of a submission holding the same
    answers to that quiz: resubmitting a bundle with one quiz changed does not make the
    unchanged quizzes late. (Answers are compared by checksum, for students who submitted more
    than once.)
    """
    several = {s for s, n in Counter(sub.student_id for sub, _, _ in judged).items() if n > 1}
    rows, earliest = [], {}
    for sub, _, _ in judged:
        digest, received, source = times[sub.source]
        counted = chosen.get(sub.student_id, (None,))[0] is sub
        for quiz_id, answers_digest in sorted(sub.quizzes.items()):
            same = answers_digest if sub.student_id in several else ""
            key = (sub.student_id, quiz_id, same)
            if key not in earliest or received < earliest[key]:
                earliest[key] = received
            rows.append([sub.student_id, quiz_id, sub.source, digest, sub.created, received,
                         source, same, counted, key])
    stamps = {}  # each moment written once (a cohort shares a few)

    def stamp(moment):
        return stamps[moment] if moment in stamps else stamps.setdefault(moment, iso(moment))

    for row in rows:
        moment, key = row[5], row.pop()
        row[5] = stamp(moment)
        row.append(stamp(earliest[key]) if row[8] else "")
    return pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)


# ------------------------------------------------------------------------------ tabulate
def _answers(chosen: dict) -> tuple[list, np.ndarray, np.ndarray]:
    """The chosen students and, per answer, the student's position and the verdict index."""
    students = list(chosen)
    counts = [len(chosen[s][1]) for s in students]
    who = np.repeat(np.arange(len(students)), counts)
    which = np.fromiter((i for s in students for i in chosen[s][1]), dtype=np.int64,
                        count=sum(counts))
    return students, who, which


def _responses(verdicts: _Verdicts, answers) -> pd.DataFrame:
    students, who, which = answers
    if not len(verdicts):
        return pd.DataFrame(columns=RESULT_RESPONSE_COLUMNS)
    return pd.DataFrame({
        "student_id": np.array(students, dtype=object)[who] if students else [],
        "quiz_id": verdicts.column("quiz_id")[which],
        "question_id": verdicts.column("question_id")[which],
        "answer": verdicts.column("canonical")[which],
        "answer_text": verdicts.column("shown")[which],
        "correct": verdicts.column("correct", bool)[which],
        "points": verdicts.column("points", float)[which],
        "max_points": verdicts.column("max_points", float)[which],
    }, columns=RESULT_RESPONSE_COLUMNS)


def _gradebook(verdicts: _Verdicts, keys, roster, answers) -> pd.DataFrame:
    """Points per student and quiz (empty where a student gave no valid answer), and total.

    A quiz with an answer still waiting for hand grading is empty, never a partial sum, and so
    is the student's total; ``pending`` names those quizzes (as the course gradebook does)."""
    quiz_ids = list(keys)
    students, who, which = answers
    every = sorted(set(students) | (set(roster["student_id"]) if roster is not None else set()))
    table = pd.DataFrame(np.nan, index=pd.Index(every, name="student_id"), columns=quiz_ids)
    waiting = pd.Series("", index=table.index)
    if len(which):
        quiz_of = np.array([quiz_ids.index(v.quiz_id) for v in verdicts])[which]
        raw = verdicts.column("points", float)[which]
        cells = who * len(quiz_ids) + quiz_of
        size = len(students) * len(quiz_ids)
        sums = np.bincount(cells, weights=np.nan_to_num(raw), minlength=size).reshape(
            len(students), -1)
        seen = np.bincount(cells, minlength=size).reshape(len(students), -1) > 0
        pending = np.bincount(cells, weights=np.isnan(raw), minlength=size).reshape(
            len(students), -1) > 0
        table.loc[students, quiz_ids] = np.where(seen & ~pending, sums, np.nan)
        waiting.loc[students] = [" ".join(q for q, p in zip(quiz_ids, row) if p)
                                 for row in pending]
    table["total"] = table[quiz_ids].sum(axis=1, min_count=0).fillna(0)
    table.loc[waiting != "", "total"] = np.nan  # pending: empty, never a partial sum
    table["pending"] = waiting
    return table.reset_index().round(4)


def _tabulate(chosen: dict, verdicts: _Verdicts, keys, roster, problems: Problems,
              drawing: _Drawers | None = None) -> GradeResult:
    """The gradebook, responses, item analysis and strategies of the chosen answers (with
    ``drawing``, each figure started as soon as its table is made)."""
    if roster is not None:
        for student in sorted(set(chosen) - set(roster["student_id"])):
            problems.add(chosen[student][0].source, student, reason=Reason("graded_off_roster"))
    answers = _answers(chosen)  # one pass over every answer, for both tables
    gradebook = _gradebook(verdicts, keys, roster, answers)
    if drawing is not None and len(gradebook):
        drawing.draw(report.FIGURES[:1], gradebook, None)
    responses = _responses(verdicts, answers)
    questions = {(q_id, q.id): q for q_id, quiz in keys.items() for q in quiz.questions}
    items = item_analysis(responses, questions=questions)
    if drawing is not None and len(items):
        drawing.draw(report.FIGURES[1:], gradebook, items)
    return GradeResult(gradebook, responses, items, problems.frame(), _strategies(keys))


def _strategies(keys) -> pd.DataFrame:
    tables = [constant_strategies(quiz) for quiz in keys.values()]
    tables = [t for t in tables if len(t)]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=STRATEGY_COLUMNS)


# ------------------------------------------------------------------------------ write
def _draw(names, gradebook, items):
    """In a drawer: the figures ``names`` of these tables (``items`` None: not made yet)."""
    items = pd.DataFrame() if items is None else items
    return report.draw_figures(GradeResult(gradebook, None, items, None), names)


class _Drawers:
    """The report's figures drawn by two forked processes while this one makes and writes the
    tables: the score distribution as soon as the gradebook is made, the item figures once the
    item analysis is (what each needs is sent: a few hundred kilobytes at most)."""

    def __init__(self):
        import matplotlib.backends.backend_agg  # noqa: F401 (imported once here, not per fork)
        import matplotlib.figure  # noqa: F401

        self.pool, self.futures = fork_pool(2), []

    def draw(self, names, gradebook, items) -> None:
        """Start drawing the figures ``names`` of these tables."""
        for name in names:
            self.futures.append(self.pool.submit(_draw, (name,), gradebook, items))

    def drawn(self) -> list:
        """Every figure started, in the order started (the report's)."""
        try:
            return [figure for future in self.futures for figure in future.result()]
        finally:
            self.pool.shutdown()


def _drawn(drawing):
    """The figures :class:`_Drawers` drew (None when none were drawn aside)."""
    return None if drawing is None else drawing.drawn()


def _csv(frame: pd.DataFrame) -> str:
    if "answer_text" in frame.columns:  # answers as JSON text, computed once per distinct answer
        frame = frame.drop(columns="answer").rename(columns={"answer_text": "answer"})
    return frame.to_csv(index=False, lineterminator="\n")


def _responses_csv(chosen: dict, verdicts: _Verdicts) -> str:
    """responses.csv from the cached CSV text of each verdict (the same text as pandas writes)."""
    tails = [v.csv_tail for v in verdicts]  # each ends its line
    rows = []
    for student, (_, indices, _) in chosen.items():
        if indices:  # "s1," before each of the student's lines, joined at C speed
            prefix = f"{student},"
            rows += (prefix, prefix.join([tails[index] for index in indices]))
    return ",".join(RESPONSE_COLUMNS) + "\n" + "".join(rows)


def _write_sheet(out: Path, answers: list, grades, problems: Problems) -> list[Path]:
    """rubric.csv, unless the one there holds grades not imported yet (then rubric.new.csv)."""
    if not answers:
        return []
    target = out / files.RUBRIC_SHEET
    if rubric.unimported_edits(target, grades):
        target = out / files.RUBRIC_NEW
        problems.add(out / files.RUBRIC_SHEET, reason=Reason("rubric_unimported"))
    else:
        (out / files.RUBRIC_NEW).unlink(missing_ok=True)  # an older fresh sheet, now stale
    return [write_text(target, rubric.sheet_csv(answers, grades))]


def _student_keys(quizzes: dict, out: Path, secret_file):
    """The students' own keys (:class:`~crmlab.grading.variant_keys.StudentKeys`) when a quiz
    graded has a number of one's own, else None; without the instructor secret a one-line
    error says which quizzes need it."""
    from crmlab.core.exceptions import ExerciseError
    from crmlab.exercises.assignment import load_secret
    from crmlab.grading.variant_keys import StudentKeys, own_questions

    needing = [quiz_id for quiz_id, quiz in quizzes.items() if own_questions(quiz)]
    if not needing:
        return None
    try:
        secret = load_secret(secret_file)
    except ExerciseError as exc:
        raise CrmlabError(f"{exc}: the quiz(zes) {', '.join(needing)} ask for numbers of one's "
                          "own, whose keys are computed for each student with it") from None
    return StudentKeys(quizzes, secret=secret, folder=out)


def course_practice_weight() -> float:
    """The course file's ``practice_weight``: 0 (the default) when the course has no course
    file or one that cannot be read (quiz grading never stops on it; ``crmlab course
    validate`` says what is wrong)."""
    from crmlab.core.exceptions import CourseError
    from crmlab.core.paths import course_file
    from crmlab.grading.config import load_course

    if not course_file().is_file():
        return 0.0
    try:
        return load_course(check_ids=False).practice_weight
    except CourseError:
        return 0.0


def _load_quizzes(quiz_ids, weights, practice: float = 1.0) -> dict:
    ids = list(quiz_ids) if quiz_ids else [p.stem for p in quiz_files()]
    quizzes = {}
    for quiz_id in ids:
        quiz = load(quiz_id)
        if quiz.released:
            raise CrmlabError(f"quiz {quiz_id!r} is a student release without keys; grade with "
                              "the instructor's quizzes/")
        quizzes[quiz_id] = quiz
    return apply_weights(quizzes, weights, practice=practice)


def grade(submissions, *, out, quizzes=None, roster=None, format: str = "plain",
          resubmission: str = "latest", weights=None, practice_weight: float | None = None,
          figures: bool = True, receipts=None, import_rubric=None, now=None,
          similarity_threshold: float = similarity.TEXT_THRESHOLD,
          containment_threshold: float = similarity.CONTAINMENT_THRESHOLD,
          max_bytes: int = MAX_BYTES, progress: bool = True, secret_file=None) -> GradeResult:
    """Grade every submission under ``submissions`` and write the outputs into ``out``.

    Parameters
    ----------
    submissions : path
        A folder searched recursively, or one zip.
    out : path
        Output folder: gradebook.csv, responses.csv, item_analysis.csv, strategies.csv,
        problems.csv, report.md and (with ``figures``) its PNG figures; each written atomically.
    quizzes : list of str, optional
        Quiz ids to grade; default every quiz in ``quizzes/``.
    roster : path, optional
        Roster CSV (``student_id`` plus optional name, email, section).
    format : {"plain", "canvas", "moodle"}
        Layout of gradebook.csv (:mod:`crmlab.grading.lms`).
    resubmission : {"latest", "first", "best"}
        Which of several submissions of a student counts.
    weights : path or mapping, optional
        Item weights: a CSV ``quiz_id,question_id,weight`` or ``{(quiz_id, question_id): w}``.
    practice_weight : float, optional
        What a practice question the weights do not name counts (0: nothing; 1: as a graded
        question). Default: the course file's ``practice_weight`` (0 without one), so a
        quiz's grade is its graded questions; responses.csv keeps every answer.
    figures : bool, default True
        Draw the report's PNG figures (report.md is always written).
    receipts : path, optional
        receipts.csv (:mod:`crmlab.grading.receipts`): the times submissions were received;
        without one, a submission's file time counts. Written to submissions.csv.
    import_rubric : path, optional
        A filled rubric sheet to import first (:mod:`crmlab.grading.rubric`); a sheet with any
        problem imports nothing, its problems go to problems.csv and ``rubric_refused`` is set.
    now : datetime, optional
        The run's time, for its record under ``runs/`` (default: now).
    similarity_threshold : float in (0, 1], default 0.4
        Pairs of free-text answers to the same question at least this alike go to
        similarity.csv (:mod:`crmlab.grading.similarity`); no grade changes.
    containment_threshold : float in (0, 1], default 0.6
        So do pairs where this share of one answer is inside the other (a copy padded with
        words of one's own).
    secret_file : path, optional
        The instructor secret (default ``CRMLAB_INSTRUCTOR_SECRET``): needed when a quiz has a
        graded number of one's own (``variant: student``), whose key is computed for each
        student on their own data variant (:mod:`crmlab.grading.variant_keys`, cached in
        ``variant_keys.json``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from crmlab.quiz.simulate import write_cohort
    >>> work = Path(tempfile.mkdtemp())
    >>> _ = write_cohort(load("C1"), work / "subs", n_students=3, seed=1)
    >>> result = grade(work / "subs", out=work / "out", quizzes=["C1"], figures=False,
    ...                progress=False)
    >>> result.summary()
    'graded 3 student(s), 33 answer(s); 0 problem(s) in problems.csv; 3 gradebook row(s)'
    >>> sorted(p.name for p in (work / "out").iterdir())[:4]
    ['changes.csv', 'gradebook.csv', 'item_analysis.csv', 'problems.csv']
    """
    check_choice("format", format, FORMATS, error=CrmlabError)
    check_choice("resubmission", resubmission, RESUBMISSION, error=CrmlabError)
    check_rate("similarity_threshold", similarity_threshold, low_open=True, error=CrmlabError)
    check_rate("containment_threshold", containment_threshold, low_open=True,
               error=CrmlabError)
    root = Path(submissions)
    if not root.exists():
        raise CrmlabError(f"{root}: no such file or folder")
    judge = QuizJudge(root, out=Path(out), quizzes=quizzes, roster=roster, format=format,
                      resubmission=resubmission, weights=weights,
                      practice_weight=practice_weight, figures=figures, receipts=receipts,
                      import_rubric=import_rubric, now=now, max_bytes=max_bytes,
                      progress=progress, similarity_threshold=similarity_threshold,
                      containment_threshold=containment_threshold, secret_file=secret_file)
    with _without_gc():
        return skeleton.run(judge, out=out, now=now)


@contextlib.contextmanager
def _without_gc():
    """Pause the cyclic garbage collector: grading builds hundreds of thousands of acyclic
    records, and collections triggered by their sheer number cost more than the grading."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class QuizJudge(Judge):
    """The quiz judge of the grading skeleton (the options are :func:`grade`'s)."""

    command = "grade"
    last = files.GRADEBOOK

    def __init__(self, root: Path, *, out: Path, quizzes, roster, format, resubmission, weights,
                 practice_weight, figures, receipts, import_rubric, now, max_bytes, progress,
                 similarity_threshold=similarity.TEXT_THRESHOLD,
                 containment_threshold=similarity.CONTAINMENT_THRESHOLD, secret_file=None):
        self.root, self.out, self.quiz_ids, self.roster_path = root, out, quizzes, roster
        self.format, self.resubmission, self.weights = format, resubmission, weights
        self.practice = (course_practice_weight() if practice_weight is None
                         else practice_weight)
        self.figures, self.receipts_path, self.import_rubric = figures, receipts, import_rubric
        self.now, self.max_bytes, self.progress = now, max_bytes, progress
        self.similarity_threshold = similarity_threshold
        self.containment_threshold = containment_threshold
        self.secret_file = secret_file

    def collect(self, problems: Problems):
        """The keys, roster, receipts and hand grades; every submission found."""
        # the quiz files as written (the history names their own key and points changes)
        self.sources = _load_quizzes(self.quiz_ids, None)
        self.keys = apply_weights(self.sources, self.weights, practice=self.practice)
        self.own = _student_keys(self.keys, self.out, self.secret_file)
        self.roster = read_roster(self.roster_path) if self.roster_path else None
        self.receipts = read_receipts(self.receipts_path)
        self.grades = self.before = rubric.read_store(self.out)
        for problem in self.receipts.problems:
            problems.add(self.receipts_path, reason=Reason("receipts_file", problem=problem))
        self.found = discover(self.root)
        return self.found

    def judge(self, found, problems: Problems):
        """Every answer judged once per distinct (quiz, question, answer), by the readers as
        they read (a stream: the raw answers never reach this process), but a number of one's
        own, judged here against the student's own key."""
        self.verdicts, self.landed = _Verdicts(), {}
        judged = list(_read(found, self.keys, self.verdicts, problems,
                            every_quiz=self.quiz_ids is None, max_bytes=self.max_bytes,
                            progress=self.progress, landed=self.landed, own=self.own))
        if not judged and self.found:
            raise CrmlabError(f"nothing could be graded: all {len(self.found)} submission(s) "
                              f"were rejected (first: {problems[0]['reason']})")
        self.judged = judged
        return judged

    def choose(self, judged, problems: Problems) -> dict:
        """One submission per student by the resubmission rule, hand grades brought in."""
        self.times = _received(judged, self.landed, self.receipts, utc(self.now))
        chosen = _choose(judged, self.resubmission, self.times)
        self.answers = _text_answers(chosen, self.verdicts, self.keys)
        self.message, self.refused = "", False
        if self.import_rubric is not None:
            self.grades, self.message, self.refused = _import_rubric(
                Path(self.import_rubric), self.answers, self.grades, problems, self.now)
        return _hand_grade(chosen, self.verdicts, self.answers, self.grades)

    def tabulate(self, chosen: dict, problems: Problems) -> GradeResult:
        """The gradebook, responses, item analysis, strategies and submissions."""
        self.chosen = chosen
        # Large cohorts: the figures are drawn aside while the tables are made and written;
        # small ones in write_report.
        self.drawing = (_Drawers() if self.figures and len(self.found) >= PARALLEL_FROM
                        and _cores() > 1 else None)
        result = _tabulate(chosen, self.verdicts, self.keys, self.roster, problems,
                           self.drawing)
        result.submissions = _submissions(self.judged, chosen, self.times)
        result.rubric_import, result.rubric_refused = self.message, self.refused
        result.similarity = similarity.text_similarity(
            [(a.student_id, a.quiz_id, a.question_id, a.answer) for a in self.answers],
            threshold=self.similarity_threshold,
            containment_threshold=self.containment_threshold,
            prompts={(quiz_id, q.id): q.prompt for quiz_id, quiz in self.keys.items()
                     for q in quiz.questions})
        return result

    def write(self, result: GradeResult, out: Path, problems: Problems) -> list[Path]:
        """The hand grades, the rubric sheet, responses, submissions, item analysis,
        strategies, the pairs of answers alike and the report."""
        stored = [self.grades.write(out)] if self.grades is not self.before else []
        if self.own is not None:
            stored.append(self.own.save())
        sheet = _write_sheet(out, self.answers, self.grades, problems)
        result.problems = problems.frame()  # the report counts them
        written = stored + sheet + [
            write_text(out / files.RESPONSES, _responses_csv(self.chosen, self.verdicts)),
            write_text(out / files.SUBMISSIONS, _csv(result.submissions)),
            write_text(out / files.ITEM_ANALYSIS, _csv(result.item_analysis)),
            write_text(out / files.STRATEGIES, _csv(result.strategies)),
            write_text(out / files.SIMILARITY, _csv(result.similarity)),
        ]
        drawing, self.drawing = self.drawing, None
        return written + report.write_report(result, out, figures=self.figures,
                                             drawn=_drawn(drawing))

    def finish(self, result: GradeResult, out: Path) -> Path:
        """gradebook.csv, in the LMS layout."""
        possible = {q: sum(x.points for x in quiz.questions) for q, quiz in self.keys.items()}
        return write_text(out / files.GRADEBOOK, _csv(layout(
            result.gradebook, possible=possible, roster=self.roster, format=self.format)))

    def record(self, result: GradeResult) -> Record:
        """Each question's key and points (:func:`_key_inputs`), the weights, each student's
        scores and the checksums of their submissions and hand grades."""
        inputs = {}
        for quiz in self.sources.values():
            inputs.update(_key_inputs(quiz))
        if self.weights is not None:
            weights = self.weights
            shown = history.digest_file(weights) if isinstance(weights, (str, Path)) else \
                history.digest_text(sorted(dict(weights).items()))
            inputs["weights"] = history.Input(shown, "policy change: item weights")
        inputs["practice"] = history.Input(history.digest_text(repr(float(self.practice))),
                                           "policy change: practice weight")
        digests: dict = {}
        for student, digest in zip(result.submissions["student_id"],
                                   result.submissions["sha256"]):
            digests.setdefault(student, set()).add(digest)
        students = {}
        for row in result.gradebook.to_dict("records"):
            student = row.pop("student_id")
            row.pop("pending", None)  # which quizzes wait: the empty scores say it
            students[student] = {
                "scores": row, "inputs": {"submissions": history.digest_text(sorted(
                    digests.get(student, []))), "hand": self.grades.student_digest(student)}}
        return Record(inputs, students,
                      {"submissions": "new submission", "hand": "hand grading"},
                      options={"resubmission": self.resubmission}, total="total",
                      extra={"possible": {q: sum(x.points for x in quiz.questions)
                                          for q, quiz in self.keys.items()}})
