"""Item weights set by the instructor, without editing the quiz file.

A weights file is a CSV with the columns ``quiz_id``, ``question_id`` and ``weight``; the
weight multiplies the question's points (``2`` doubles it, ``0.5`` halves it, ``0`` leaves the
item out of the grade). Items the file does not name keep weight 1, except practice questions:
they weigh the course's ``practice_weight`` (course.yaml; 0 by default, so a quiz's grade is its
graded questions). ``crmlab grade --weights
weights.csv`` and :func:`crmlab.grading.quizzes.grade` (``weights=`` a path or a mapping
``{(quiz_id, question_id): weight}``) apply them; every bad row is a one-line error naming the
file, the line and the field.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.tables import read_csv
from crmlab.core.validation import check_choice, check_number

__all__ = ["read_weights", "apply_weights", "COLUMNS"]

#: The columns of an item-weights file.
COLUMNS = ("quiz_id", "question_id", "weight")


def read_weights(path: str | Path) -> dict[tuple[str, str], float]:
    """Read a weights CSV into ``{(quiz_id, question_id): weight}`` (ids and weights checked
    for form here; against the quizzes by :func:`apply_weights`).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.csv")
    >>> _ = open(path, "w").write("quiz_id,question_id,weight\\nfinal_test,q05,0.5\\n")
    >>> read_weights(path)
    {('final_test', 'q05'): 0.5}
    >>> _ = open(path, "w").write("quiz_id,question_id,weight\\nfinal_test,q05,half\\n")
    >>> read_weights(path)
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: ...weights.csv: line 2: Got weight='half' instead, expected a finite number >= 0.
    """
    path = Path(path)
    frame = read_csv(path, what="weights file", columns=COLUMNS)
    weights = {}
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path}: line {line}: "
        try:
            value = float(row.weight)
        except ValueError:
            value = row.weight
        _add(weights, row.quiz_id, row.question_id, value, where)
    return weights


def _add(weights: dict, quiz_id, question_id, value, where: str) -> None:
    try:
        weight = check_number("weight", value, minimum=0, error=CrmlabError)
    except CrmlabError as exc:
        raise CrmlabError(f"{where}{exc}") from None
    key = (str(quiz_id), str(question_id))
    if key in weights:
        raise CrmlabError(f"{where}Got quiz_id={key[0]!r}, question_id={key[1]!r} a second time "
                          "instead, expected one weight per question.")
    weights[key] = weight


def _as_mapping(weights) -> dict[tuple[str, str], float]:
    if weights is None:
        return {}
    if isinstance(weights, (str, Path)):
        return read_weights(weights)
    checked: dict = {}
    for key, value in dict(weights).items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise CrmlabError(f"weights: Got key={key!r} instead, expected a (quiz_id, "
                              "question_id) pair.")
        _add(checked, key[0], key[1], value, "weights: ")
    return checked


def apply_weights(quizzes: dict, weights, *, practice: float = 1.0) -> dict:
    """Return ``{quiz_id: Quiz}`` with each weighted question's points multiplied.

    ``weights`` is a path of a weights CSV, a mapping ``{(quiz_id, question_id): weight}`` or
    None. A quiz or question the weights name that is not being graded is an error. Every
    practice question the weights do not name is weighted ``practice`` (the course's
    ``practice_weight``; 0 leaves practice out of the grade).

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> weighted = apply_weights({"L00": load("L00")}, {("L00", "run-order"): 2})
    >>> weighted["L00"].question("run-order").points
    2.0
    >>> graded = apply_weights({"L00": load("L00")}, None, practice=0)["L00"]
    >>> [(q.id, q.points) for q in graded.questions if q.points]
    [('n-perishable', 1.0), ('submit', 1.0)]
    >>> apply_weights({"L00": load("L00")}, {("L00", "nope"): 2})
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: weights: quiz 'L00': Got question_id='nope' instead, expected one of ...
    """
    practice = check_number("practice_weight", practice, minimum=0, error=CrmlabError)
    if practice > 1:
        raise CrmlabError(f"Got practice_weight={practice!r} instead, expected a number from 0 "
                          "to 1.")
    source = f"{weights}: " if isinstance(weights, (str, Path)) else "weights: "
    mapping = _as_mapping(weights)
    by_quiz: dict[str, dict[str, float]] = {}
    for (quiz_id, question_id), weight in mapping.items():
        try:
            check_choice("quiz_id", quiz_id, list(quizzes), error=CrmlabError)
        except CrmlabError as exc:
            raise CrmlabError(f"{source}{exc}") from None
        try:
            check_choice("question_id", question_id,
                         [q.id for q in quizzes[quiz_id].questions], error=CrmlabError)
        except CrmlabError as exc:
            raise CrmlabError(f"{source}quiz {quiz_id!r}: {exc}") from None
        by_quiz.setdefault(quiz_id, {})[question_id] = weight
    if practice != 1:
        for quiz_id, quiz in quizzes.items():
            factors = by_quiz.setdefault(quiz_id, {})
            for q in quiz.questions:
                if q.mode == "practice" and q.id not in factors:
                    factors[q.id] = practice
    out = dict(quizzes)
    for quiz_id, factors in by_quiz.items():
        if not factors:
            continue
        quiz = quizzes[quiz_id]
        questions = tuple(dataclasses.replace(q, points=q.points * factors[q.id])
                          if q.id in factors else q for q in quiz.questions)
        out[quiz_id] = dataclasses.replace(quiz, questions=questions)
    return out
