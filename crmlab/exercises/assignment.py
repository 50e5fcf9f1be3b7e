"""``crmlab exercises assign``: one prepared notebook per student, via papermill.

Each student's seed is HMAC-SHA256(instructor secret, "<exercise id>:<student id>"), so the
instructor can recompute it at grading time and a student cannot guess a classmate's seed from
their id. The secret comes from ``CRMLAB_INSTRUCTOR_SECRET`` or a secret file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import check_choice

__all__ = ["student_seed", "load_secret", "assign"]


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


def _find(exercise: str) -> Path:
    from crmlab.exercises.notebook import exercise_id, exercise_notebooks, read_exercise

    path = Path(exercise)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    known = {}
    for candidate in exercise_notebooks():
        known[exercise_id(read_exercise(candidate))] = candidate
        known.setdefault(candidate.stem, candidate)
    return known[check_choice("exercise", exercise, known, error=ExerciseError)]


def assign(exercise: str, *, roster, out, secret_file=None) -> list[Path]:
    """Write one student copy per roster row into ``out``, parameters injected, not executed."""
    import nbformat
    import papermill

    from crmlab.core.roster import read_roster
    from crmlab.exercises.notebook import exercise_id, read_exercise, student_copy

    secret = load_secret(secret_file)
    source = _find(exercise)
    nb = read_exercise(source)
    ex_id = exercise_id(nb)
    template = Path(out) / f".{source.stem}.student.ipynb"
    template.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_copy(nb), template)
    written = []
    try:
        for student in read_roster(roster)["student_id"]:
            target = Path(out) / f"{source.stem}__{student}.ipynb"
            papermill.execute_notebook(
                str(template), str(target), prepare_only=True, progress_bar=False,
                parameters={"student_id": student,
                            "seed": student_seed(secret, ex_id, student)})
            written.append(target)
    finally:
        template.unlink(missing_ok=True)
    return written
