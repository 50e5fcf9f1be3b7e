"""``crmlab submit``: bundle the student's saved answers for the instructor.

The bundle is a zip with ``manifest.json`` and one ``answers/<quiz_id>.json`` per quiz::

    {"format_version": 1, "student_id": "s-1042", "crmlab_version": "0.1.0",
     "created": "2026-11-23T10:00:00+00:00",
     "quizzes": [{"quiz_id": "L02", "path": "answers/L02.json", "sha256": "...",
                  "n_answers": 8, "last_answered": "2026-11-23T09:58:00+00:00"}]}

The instructor's grader recomputes every score from the raw answers; the bundle claims none.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from crmlab import __version__
from crmlab.atomic import write_bytes
from crmlab.course.quiz.storage import FORMAT_VERSION, answers_dir
from crmlab.course.student import ANONYMOUS, get_id
from crmlab.exceptions import CrmlabError

__all__ = ["make_bundle", "bundle_bytes"]


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
        raise CrmlabError("No student id is set; run `crmlab student set YOUR-ID` first")
    folder = answers_dir(student_id)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise CrmlabError(f"No saved answers for student {student_id!r} in {folder}")
    answer_files = []
    for path in files:
        raw = path.read_bytes()
        try:
            json.loads(raw)
        except ValueError:
            raise CrmlabError(f"{path}: saved answers are not valid JSON") from None
        answer_files.append((path.stem, raw))
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return write_bytes(out, bundle_bytes(student_id, answer_files, created=created))


def bundle_bytes(student_id: str, answer_files, *, created: str) -> bytes:
    """The bytes of a submission zip: ``answer_files`` is a list of (quiz_id, raw JSON bytes)."""
    entries, buffer = [], io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for quiz_id, raw in answer_files:
            answers = json.loads(raw).get("answers", {})
            arcname = f"answers/{quiz_id}.json"
            bundle.writestr(arcname, raw)
            entries.append({
                "quiz_id": quiz_id, "path": arcname,
                "sha256": hashlib.sha256(raw).hexdigest(), "n_answers": len(answers),
                "last_answered": max((a.get("answered_at", "") for a in answers.values()),
                                     default=""),
            })
        manifest = {"format_version": FORMAT_VERSION, "student_id": student_id,
                    "crmlab_version": __version__, "created": created, "quizzes": entries}
        bundle.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()
