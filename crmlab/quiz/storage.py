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

__all__ = ["answers_dir", "answers_path", "read_answers", "save_answer"]


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


def save_answer(student_id: str, quiz_id: str, question_id: str, answer) -> dict:
    """Append ``answer`` to the saved record of the quiz and write it atomically."""
    now = iso()
    data = submission.add_answer(read_answers(student_id, quiz_id), question_id, answer, at=now)
    write_bytes(answers_path(student_id, quiz_id), submission.answers_bytes(data))
    return data["answers"][question_id]
