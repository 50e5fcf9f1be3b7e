"""``crmlab submit``: bundle the student's saved answers for the instructor.

The bundle's format (a zip with ``manifest.json`` and one ``answers/<quiz_id>.json`` per quiz,
with checksums) is :mod:`crmlab.course.submission`'s. The instructor's grader recomputes every
score from the raw answers; the bundle claims none.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from crmlab.atomic import write_bytes
from crmlab.course import submission
from crmlab.course.quiz.storage import answers_dir
from crmlab.course.student import ANONYMOUS, get_id
from crmlab.exceptions import CrmlabError, SubmissionError
from crmlab.i18n import message

__all__ = ["make_bundle"]


def make_bundle(out: str | Path, *, student_id: str | None = None) -> Path:
    """Write the submission zip of the current student to ``out`` and return its path.

    Examples
    --------
    >>> import os, tempfile, zipfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> from crmlab.course import student, quiz
    >>> _ = student.set_id("s-7")
    >>> _ = quiz.record("L00", "answers-saved", False)
    >>> path = make_bundle(os.path.join(tempfile.mkdtemp(), "s-7.zip"))
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['answers/L00.json', 'manifest.json']
    """
    student_id = student_id or get_id()
    if student_id == ANONYMOUS:
        raise CrmlabError(message("cli.submit.no_id"))
    folder = answers_dir(student_id)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise CrmlabError(message("cli.submit.no_answers", student_id=student_id, folder=folder))
    answer_files = []
    for path in files:
        raw = path.read_bytes()
        try:
            submission.parse_answers(raw, str(path), student_id=student_id)
        except SubmissionError as exc:
            raise CrmlabError(message("cli.submit.not_bundled", problem=exc)) from None
        answer_files.append((path.stem, raw))
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return write_bytes(out, submission.bundle_bytes(student_id, answer_files, created=created))
