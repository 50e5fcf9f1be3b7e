"""Where a student's answers are kept: one answer file per quiz in ``CRMLAB_HOME``, rewritten
atomically the moment an answer is given.

The file format is :mod:`crmlab.quiz.submission`'s; this module only knows where the files
live and that nothing already saved may be lost.
"""

from __future__ import annotations

from pathlib import Path

from crmlab.core.atomic import write_bytes
from crmlab.core.exceptions import QuizError, SubmissionError
from crmlab.core.paths import answers_dir
from crmlab.core.times import iso
from crmlab.quiz import submission

__all__ = ["answers_dir", "answers_path", "read_answers", "save_answer", "saved_quizzes",
           "adopt_answers"]


def answers_path(student_id: str, quiz_id: str) -> Path:
    """The answer file of one quiz of one student."""
    return answers_dir(student_id) / f"{quiz_id}.json"


def read_answers(student_id: str, quiz_id: str) -> dict:
    """Return the saved answers of one quiz (an empty record when none was given yet)."""
    path = answers_path(student_id, quiz_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return submission.new_answers(student_id, quiz_id)
    except OSError as exc:
        raise QuizError(f"{path}: cannot read the saved answers ({exc.strerror or exc})") \
            from None
    try:
        return submission.parse_answers(raw, f"{path} (saved answers)")
    except SubmissionError as exc:
        raise QuizError(f"{exc}; nothing was overwritten") from None


def save_answer(student_id: str, quiz_id: str, question_id: str, answer, *,
                variant: str | None = None) -> dict:
    """Append ``answer`` to the saved record of the quiz and write it atomically (with the
    digest of the data ``variant`` it was computed on, for a number of one's own)."""
    now = iso()
    data = submission.add_answer(read_answers(student_id, quiz_id), question_id, answer, at=now,
                                 variant=variant)
    write_bytes(answers_path(student_id, quiz_id), submission.answers_bytes(data))
    return data["answers"][question_id]


def saved_quizzes(student_id: str) -> list[str]:
    """The ids of the quizzes ``student_id`` has saved answers for, sorted."""
    folder = answers_dir(student_id)
    return sorted(p.stem for p in folder.glob("*.json") if p.is_file()) if folder.is_dir() \
        else []


def adopt_answers(old: str, new: str) -> tuple[list[str], list[str]]:
    """Give ``new`` the answers saved under ``old`` (the answers a student gave before setting
    an id): ``(moved, kept)`` quiz ids. A quiz ``new`` already has answers for is kept under
    ``old``, never merged or overwritten; a file that cannot be read stays where it is.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> _ = save_answer("anonymous", "L00", "run-order", "restart")
    >>> adopt_answers("anonymous", "s-1"), read_answers("s-1", "L00")["student_id"]
    ((['L00'], []), 's-1')
    """
    moved, kept = [], []
    for quiz_id in saved_quizzes(old):
        source, target = answers_path(old, quiz_id), answers_path(new, quiz_id)
        try:
            data = read_answers(old, quiz_id)
        except QuizError:
            kept.append(quiz_id)
            continue
        if target.exists():
            kept.append(quiz_id)
            continue
        write_bytes(target, submission.answers_bytes({**data, "student_id": new}))
        source.unlink()
        moved.append(quiz_id)
    return moved, kept
