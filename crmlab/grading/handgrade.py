"""Hand grading one answer at a time: what ``crmlab handgrade GRADING_DIR`` shows and saves.

A quiz grading folder (``crmlab grade SUBMISSIONS --out DIR``) keeps every free-text answer of
the run in ``responses.csv``; the quiz files give each answer's prompt and rubric.
:class:`HandGrading` lists those answers in the order of the rubric sheet (quiz, question,
student), knows which are still pending (not every criterion has points for the answer's
current text) and saves the points and comments of one answer at a time. Saving checks the
rows with :func:`crmlab.grading.rubric.check_rows`, the one check of the sheet import, and
writes ``hand_grades.csv`` with :meth:`crmlab.grading.rubric.HandGrades.write`, the one writer:
the page and ``crmlab grade --import-rubric`` keep one store, and a bad value is a one-line
problem that leaves the store as it was.

Every save that changes a grade is kept in the run history (:mod:`crmlab.grading.history`) as a
run of its own, ``handgrade``: the previous run's record with the student's quiz scores
recomputed from ``responses.csv`` and the new hand grades, so ``changes.csv`` names the student,
the quiz, the scores before and after and the reason "hand grading", as after an import. The
folder's ``gradebook.csv`` and ``report.md`` follow on the next ``crmlab grade``; the course
gradebook (``crmlab gradebook``) reads ``hand_grades.csv`` itself.

:class:`CheckOverriding` is the same for an exercise grading folder: each student's checks,
whose points the grader may set by hand with a reason (:mod:`crmlab.grading.overrides`,
``overrides.csv``), each change a ``handgrade`` run with the reason "hand override".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.grading import files, history, rubric
from crmlab.grading.results import HandProblem, HandRefused
from crmlab.grading.rubric import TextAnswer

__all__ = ["HandGrading", "CheckOverriding", "Saved"]


@dataclass(frozen=True)
class Saved:
    """What a save did: how many grades changed, the problem that refused it (a
    :class:`~crmlab.grading.results.HandProblem` at the criterion or check it concerns, made
    into a line by the page in its language; ``str()`` the English line; None when none) and
    the run that recorded the change (None when nothing changed)."""

    changed: int = 0
    problem: HandProblem | None = None
    run: object = None


def _responses(folder: Path) -> list[dict]:
    from crmlab.core.tables import read_csv

    path = folder / files.RESPONSES
    if not path.is_file():
        raise CrmlabError(f"{folder}: no {files.RESPONSES} here: not a quiz grading folder "
                          "(crmlab grade SUBMISSIONS --out DIR writes one)")
    return read_csv(path, what="responses", columns=files.RESPONSE_COLUMNS).to_dict("records")


def _quiz(quiz_id: str, cache: dict):
    from crmlab.quiz.loading import load

    if quiz_id not in cache:
        try:
            cache[quiz_id] = load(quiz_id)
        except CrmlabError as exc:
            raise CrmlabError(f"quiz {quiz_id!r} of {files.RESPONSES} cannot be loaded: "
                              f"{exc}") from None
    return cache[quiz_id]


class HandGrading:
    """The free-text answers of a quiz grading folder and their hand grades.

    Parameters
    ----------
    folder : path
        A quiz grading folder (``crmlab grade`` wrote its ``responses.csv``).

    Examples
    --------
    >>> import tempfile
    >>> from crmlab.quiz.loading import load
    >>> from crmlab.quiz.simulate import write_cohort
    >>> from crmlab.grading.quizzes import grade
    >>> work = Path(tempfile.mkdtemp())
    >>> _ = write_cohort(load("L00"), work / "subs", n_students=2, seed=1)
    >>> _ = grade(work / "subs", out=work / "out", quizzes=["L00"], figures=False,
    ...           progress=False)
    >>> HandGrading(work / "out").progress()  # L00 has no free-text question
    (0, 0)
    """

    def __init__(self, folder):
        from crmlab.quiz.types import get_type

        self.folder = Path(folder)
        self.rows = _responses(self.folder)
        quizzes: dict = {}
        answers, self.prompts = [], {}
        for line, row in enumerate(self.rows, start=2):
            quiz = _quiz(row["quiz_id"], quizzes)
            question = quiz.question(row["question_id"])
            criteria = getattr(get_type(question.type), "criteria", None)
            if criteria is None:
                continue
            try:
                text = json.loads(row["answer"])
            except ValueError:  # the grader writes JSON: a hand edit or a cut file
                shown = str(row["answer"])
                shown = shown if len(shown) <= 40 else shown[:40] + "..."
                raise CrmlabError(f"{self.folder / files.RESPONSES}:{line}: answer: Got "
                                  f"answer={shown!r} instead, expected the answer as JSON "
                                  "(as crmlab grade writes it)") from None
            answers.append(TextAnswer(row["student_id"], row["quiz_id"], row["question_id"],
                                      str(text), tuple(criteria(question))))
            self.prompts[(quiz.id, question.id)] = question.prompt
        self.quizzes = quizzes
        self.answers = sorted(answers, key=lambda a: (a.quiz_id, a.question_id, a.student_id))
        self.grades = rubric.read_store(self.folder)

    def pending(self, index: int) -> bool:
        """Whether answer ``index`` still waits for points on some criterion."""
        return self.grades.points(self.answers[index]) is None

    def progress(self) -> tuple[int, int]:
        """``(graded, answers)``."""
        graded = sum(not self.pending(i) for i in range(len(self.answers)))
        return graded, len(self.answers)

    def resume(self, after: int = -1) -> int | None:
        """The first pending answer after ``after`` (wrapping round), None when all are
        graded: where the grader stopped."""
        count = len(self.answers)
        for step in range(1, count + 1):
            index = (after + step) % count
            if self.pending(index):
                return index
        return None

    def prompt(self, index: int):
        """The question of answer ``index`` (its prompt, in the quiz file's languages)."""
        answer = self.answers[index]
        return self.prompts[(answer.quiz_id, answer.question_id)]

    def given(self, index: int) -> dict:
        """``{criterion: (points, comment)}`` already given to answer ``index``."""
        return self.grades.for_answer(self.answers[index])

    def save(self, index: int, points: dict, comments: dict, *,
             now: datetime | None = None) -> Saved:
        """Save the points (text, as typed: ``2``, ``1.5``, ``1,5``) and comments of answer
        ``index``, ``{criterion: text}`` each; an empty points field leaves that criterion
        ungraded. Checked as a sheet's rows are: a bad value refuses the whole answer with a
        problem at its criterion (``criterion: column: message``) and the store is left as it
        was."""
        if not 0 <= index < len(self.answers):
            raise CrmlabError(f"Got answer={index} instead, expected 0 to "
                              f"{len(self.answers) - 1}.")
        answer = self.answers[index]
        rows = [(criterion, {"student_id": answer.student_id, "quiz_id": answer.quiz_id,
                             "question_id": answer.question_id, "criterion": criterion,
                             "points": str(points.get(criterion, "")).strip(),
                             "comment": str(comments.get(criterion, "")).strip(),
                             "answer_sha256": answer.digest})
                for criterion, _, _ in answer.criteria]
        staged, problems = rubric.check_rows(rows, self.answers, where="")
        if problems:  # found at the row's "line": its criterion
            return Saved(problem=problems[0])
        merged, changed = self.grades.merged(staged, now=now)
        if not changed:
            return Saved()
        merged.write(self.folder)
        self.grades = merged
        return Saved(changed, run=self._record(answer.student_id, now))

    # ------------------------------------------------------------------------- history
    def scores(self, student: str) -> dict:
        """``{quiz: points or None (pending), "total": ...}`` of ``student`` as the grader
        computes them: the machine points of ``responses.csv`` plus the hand grades."""
        hand = {a.key: self.grades.points(a) for a in self.answers if a.student_id == student}
        sums: dict = {}
        for row in self.rows:
            if row["student_id"] != student:
                continue
            key = (student, row["quiz_id"], row["question_id"])
            value = hand[key] if key in hand else float(row["points"])
            current = sums.get(row["quiz_id"], 0.0)
            sums[row["quiz_id"]] = None if value is None or current is None else current + value
        total = None if any(v is None for v in sums.values()) else sum(sums.values())
        return {**{q: (None if v is None else round(v, 4)) for q, v in sums.items()},
                "total": None if total is None else round(total, 4)}

    def _record(self, student: str, now):
        """Keep the change as a ``handgrade`` run: the previous run's record with the
        student's scores and hand-grade checksum brought up to date."""
        previous = history.read_run(self.folder)
        if previous is None:
            return None  # no run to compare with: the next crmlab grade records the grades
        students = {s: {"scores": dict(d["scores"]), "inputs": dict(d.get("inputs", {}))}
                    for s, d in previous["students"].items()}
        mine = students.setdefault(student, {"scores": {}, "inputs": {}})
        for item, value in self.scores(student).items():
            if item in mine["scores"] or value is not None:
                mine["scores"][item] = value
        mine["inputs"]["hand"] = self.grades.student_digest(student)
        inputs = {name: history.Input(i["sha256"], i["reason"],
                                      None if i["items"] is None else tuple(i["items"]))
                  for name, i in previous["inputs"].items()}
        return history.record_run(
            self.folder, command="handgrade", inputs=inputs, students=students,
            student_inputs=previous.get("student_inputs", {}), options=previous["options"],
            files=[self.folder / files.HAND_GRADES], now=now, total=previous.get("total", ""),
            extra={"possible": previous.get("possible", {})})



class CheckOverriding:
    """The checks of an exercise grading folder and their hand overrides
    (:mod:`crmlab.grading.overrides`), one student at a time.

    Parameters
    ----------
    folder : path
        An exercise grading folder (``crmlab exercises grade`` wrote its ``details.csv``).
    """

    def __init__(self, folder):
        from crmlab.grading.files import read_exercise_results
        from crmlab.grading.overrides import read_overrides

        self.folder = Path(folder)
        graded = read_exercise_results(self.folder, error=CrmlabError)
        self.exercise, self.possible = graded.exercise, graded.possible
        self.results = graded.results
        self.students = list(self.results)
        record = history.read_run(self.folder) or {"students": {}}
        self.submissions = {s: d.get("inputs", {}).get("submission", "")
                            for s, d in record["students"].items()}
        self.overrides = read_overrides(self.folder, error=CrmlabError)

    def _applied(self, student: str):
        return self.overrides.apply([self.results[student]],
                                    submissions={student: self.submissions.get(student, "")})[0]

    def checks(self, index: int) -> list[dict]:
        """Each check of student ``index``: name, verdict code, the points the grader gave,
        the points possible, and the override's points and reason ("" when none)."""
        student = self.students[index]
        mine = self.submissions.get(student, "")
        shown = []
        for check in self.results[student].checks:
            points = self.overrides.points(student, check.name, mine)
            row = self.overrides.rows.get((student, check.name)) if points is not None else None
            shown.append({"name": check.name, "code": check.code,
                          "machine": check.possible if check.passed else 0.0,
                          "possible": check.possible,
                          "points": "" if points is None else f"{points:g}",
                          "reason": row["reason"] if row else ""})
        return shown

    def total(self, index: int) -> float:
        """Student ``index``'s points with the overrides in."""
        return self._applied(self.students[index]).total

    def resume(self, after: int = -1) -> int | None:
        """The next student (wrapping round) with a check that did not pass and is not
        overridden: where a grader looking for partial credit goes next."""
        count = len(self.students)
        for step in range(1, count + 1):
            index = (after + step) % count
            if any(not c["points"] and c["code"] != "passed" for c in self.checks(index)):
                return index
        return None

    def save(self, index: int, points: dict, reasons: dict, *,
             now: datetime | None = None) -> Saved:
        """Set the overrides of student ``index``: ``{check: points typed}`` (empty: no
        override) and ``{check: reason}``. A bad value refuses the whole student with a
        problem at its check (``check: field: message``); nothing is written then."""
        if not 0 <= index < len(self.students):
            raise CrmlabError(f"Got student={index} instead, expected 0 to "
                              f"{len(self.students) - 1}.")
        student = self.students[index]
        new, changed = self.overrides, 0
        for check in self.results[student].checks:
            try:
                new, moved = new.set(student, check.name, points.get(check.name, ""),
                                     reasons.get(check.name, ""), possible=self.possible,
                                     submission=self.submissions.get(student, ""), now=now)
            except HandRefused as refused:
                return Saved(problem=refused.problem.at(check.name))
            changed += moved
        if not changed:
            return Saved()
        new.write(self.folder)
        self.overrides = new
        return Saved(changed, run=self._record(student, now))

    def override(self, student: str, check: str, points: str, reason: str, *,
                 now: datetime | None = None, write: bool = True) -> Saved:
        """Set ``student``'s ``check`` to ``points`` (typed text) for ``reason``, their other
        overrides left as they are: a regrade answered with points (``crmlab regrades answer
        --points``). With ``write=False`` only checked: ``Saved.problem`` says what is wrong
        (its English line ``check: field: message``), ``Saved.changed`` whether anything would
        change."""
        if student not in self.results:
            return Saved(problem=HandProblem("no_student", student=repr(student),
                                             exercise=self.exercise))
        names = [c.name for c in self.results[student].checks]
        if check not in names:
            return Saved(problem=HandProblem("unknown_check", check=repr(check),
                                             known=", ".join(map(repr, names))) if names else
                         HandProblem("no_checks", student=repr(student),
                                     outcome=self.results[student].outcome))
        try:
            new, changed = self.overrides.set(student, check, points, reason,
                                              possible=self.possible,
                                              submission=self.submissions.get(student, ""),
                                              now=now)
        except HandRefused as refused:
            return Saved(problem=refused.problem.at(check))
        if not changed or not write:
            return Saved(int(changed))
        new.write(self.folder)
        self.overrides = new
        return Saved(1, run=self._record(student, now))

    def _record(self, student: str, now):
        """Keep the change as a ``handgrade`` run: the previous run's record with the
        student's check points, total and override checksum brought up to date."""
        previous = history.read_run(self.folder)
        if previous is None:
            return None
        students = {s: {"scores": dict(d["scores"]), "inputs": dict(d.get("inputs", {}))}
                    for s, d in previous["students"].items()}
        mine = students.setdefault(student, {"scores": {}, "inputs": {}})
        applied = self._applied(student)
        for check in applied.checks:
            mine["scores"][f"{files.CHECK_PREFIX}{check.name}"] = round(check.points, 4)
        mine["scores"][self.exercise] = applied.total
        mine["inputs"]["hand"] = self.overrides.student_digest(student)
        inputs = {name: history.Input(i["sha256"], i["reason"],
                                      None if i["items"] is None else tuple(i["items"]))
                  for name, i in previous["inputs"].items()}
        student_inputs = {**previous.get("student_inputs", {}), "hand": "hand override"}
        return history.record_run(
            self.folder, command="handgrade", inputs=inputs, students=students,
            student_inputs=student_inputs, options=previous["options"],
            files=[self.folder / files.OVERRIDES], now=now, total=previous.get("total", ""),
            extra={"possible": previous.get("possible", {})})
