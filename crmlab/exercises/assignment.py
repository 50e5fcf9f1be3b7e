"""``crmlab exercises assign``: one prepared notebook per student, via papermill.

Each student's seed is HMAC-SHA256(instructor secret, "<exercise id>:<student id>"), so the
instructor can recompute it at grading time and a student cannot guess a classmate's seed from
their id. The secret comes from ``CRMLAB_INSTRUCTOR_SECRET`` or a secret file.

Each notebook also gets ``check_digests``: for each visible check, a keyed digest of the
expected value for that student's seed (:mod:`crmlab.exercises.keys`), so the visible checks
answer "correct" / "not yet" in the student's kernel without the instructor's keys. Assigning
needs those keys: it runs in the instructor's checkout.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from pathlib import Path

from crmlab.core.exceptions import ExerciseError

__all__ = ["student_seed", "load_secret", "student_parameters", "parameters_code", "assign",
           "PARAMETER_NAMES"]

#: What is injected into every student's notebook (assigned, and again at grading).
PARAMETER_NAMES = ("student_id", "seed")


def load_secret(secret_file: str | Path | None = None) -> bytes:
    """The instructor secret, from a file or ``CRMLAB_INSTRUCTOR_SECRET``."""
    if secret_file:
        try:
            secret = Path(secret_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ExerciseError(f"{secret_file}: cannot read the secret file "
                                f"({exc.strerror or exc})") from None
    else:
        secret = os.environ.get("CRMLAB_INSTRUCTOR_SECRET", "").strip()
    if len(secret) < 8:
        raise ExerciseError("No instructor secret: set CRMLAB_INSTRUCTOR_SECRET or pass "
                            "--secret-file (at least 8 characters)")
    return secret.encode()


def student_seed(secret: bytes, exercise: str, student_id: str) -> int:
    """The seed of one student's variant of one exercise.

    Examples
    --------
    >>> student_seed(b"course-secret", "EX-abc-profit", "s01")
    404366477
    >>> student_seed(b"course-secret", "EX-abc-profit", "s02") != _
    True
    """
    digest = hmac.new(secret, f"{exercise}:{student_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def student_parameters(secret: bytes, exercise: str, student_id: str) -> dict:
    """The parameters one student's notebook of ``exercise`` gets (:data:`PARAMETER_NAMES`).

    Examples
    --------
    >>> student_parameters(b"course-secret", "EX-abc-profit", "s01")
    {'student_id': 's01', 'seed': 404366477}
    """
    return {"student_id": student_id, "seed": student_seed(secret, exercise, student_id)}


def parameters_code(parameters: dict, *, comment: str = "Parameters") -> str:
    """The code that sets ``parameters``, written by papermill's translator: what
    :func:`assign` injects (papermill's own cell) and what the grader injects again.

    Examples
    --------
    >>> print(parameters_code({"student_id": "s01", "seed": 7}, comment="injected"), end="")
    # injected
    student_id = "s01"
    seed = 7
    """
    from papermill.translators import PythonTranslator

    return PythonTranslator.codify(parameters, comment=comment)


def _digests_are_expected(record: logging.LogRecord) -> bool:
    """papermill warns of a parameter the parameters cell does not set: the digests are meant
    to be one (a source notebook runs without them), so that warning is not shown."""
    return not record.getMessage().startswith("Passed unknown parameter: check_digests")


def assign(exercise: str, *, roster, out, secret_file=None) -> list[Path]:
    """Write one student copy per roster row into ``out``, parameters injected, not executed:
    :data:`PARAMETER_NAMES` and the digests of the visible checks for the student's seed
    (``check_digests``, a fresh key per notebook)."""
    import nbformat
    import papermill

    from crmlab.core.roster import read_roster
    from crmlab.exercises.keys import DIGESTS, load_keys, make_digests
    from crmlab.exercises.notebook import (
        exercise_id,
        find_exercise,
        read_exercise,
        student_copy,
        submission_name,
        visible_checks,
    )

    secret = load_secret(secret_file)
    source = find_exercise(exercise)
    nb = read_exercise(source)
    ex_id = exercise_id(nb)
    load_keys()  # before anything is written: no keys, no notebooks
    names = visible_checks(nb)
    logging.getLogger("papermill").addFilter(_digests_are_expected)
    template = Path(out) / f".{source.stem}.student.ipynb"
    template.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_copy(nb), template)
    written = []
    try:
        for student in read_roster(roster)["student_id"]:
            target = Path(out) / submission_name(source.stem, student)
            # papermill's injected cell is written by the translator of parameters_code
            parameters = student_parameters(secret, ex_id, student)
            parameters[DIGESTS] = make_digests(names, parameters["seed"])
            papermill.execute_notebook(
                str(template), str(target), prepare_only=True, progress_bar=False,
                parameters=parameters)
            written.append(target)
    finally:
        template.unlink(missing_ok=True)
    return written
