"""Answers are never lost: written atomically the moment they are given."""

import os
import signal
import subprocess
import sys

import pytest

from crmlab import quiz, student
from crmlab.core.exceptions import QuizError
from crmlab.quiz.storage import answers_path, read_answers


def test_record_writes_at_once_with_history(crmlab_home):
    student.set_id("s1")
    quiz.record("L00", "run-order", "reinstall")
    quiz.record("L00", "run-order", "restart")
    saved = read_answers("s1", "L00")
    entry = saved["answers"]["run-order"]
    assert saved["student_id"] == "s1" and saved["quiz_id"] == "L00"
    assert entry["answer"] == "restart" and entry["attempts"] == 2
    assert [h["answer"] for h in entry["history"]] == ["reinstall", "restart"]


def test_graded_question_reveals_nothing(crmlab_home):
    feedback = quiz.record("L00", "submit", "screenshot")
    assert feedback.saved and feedback.mode == "graded"
    assert feedback.correct is None and feedback.explanation == "" and feedback.points is None


def test_a_number_too_large_for_a_float_is_a_quiz_error_not_a_traceback(crmlab_home):
    with pytest.raises(QuizError) as info:
        quiz.record("C2", "partnership-profit", 10**400)
    assert str(info.value) == ("question 'partnership-profit': Got answer=1" + "0" * 119 +
                               "... (401 characters) instead, expected a finite number.")
    assert "\n" not in str(info.value)
    assert not (crmlab_home / "answers").exists()


def test_unknown_ids_are_rejected_and_nothing_is_written(crmlab_home):
    with pytest.raises(QuizError, match="unknown question 'nope'"):
        quiz.record("L00", "nope", "a")
    with pytest.raises(QuizError, match="Got option='zzz' instead"):
        quiz.record("L00", "run-order", "zzz")
    with pytest.raises(QuizError, match="^Got quiz='L77' instead, expected one of "):
        quiz.record("L77", "q", "a")
    assert not (crmlab_home / "answers").exists()


def test_corrupt_saved_file_is_not_overwritten(crmlab_home):
    path = answers_path("anonymous", "L00")
    path.parent.mkdir(parents=True)
    path.write_text("{half a file")
    with pytest.raises(QuizError, match=r"\(saved answers\) is not valid JSON; nothing was overwritten"):
        quiz.record("L00", "run-order", "restart")
    assert path.read_text() == "{half a file"


KILL = """
import os, signal
from crmlab import quiz, student
student.set_id("killed")
quiz.record("L00", "answers-saved", False)
quiz.record("L00", "loader", "load")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_sigkill_right_after_an_answer_loses_nothing(crmlab_home):
    proc = subprocess.run([sys.executable, "-c", KILL], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    saved = read_answers("killed", "L00")
    assert saved["answers"]["answers-saved"]["answer"] is False
    assert saved["answers"]["loader"]["answer"] == "load"
    leftovers = [p.name for p in answers_path("killed", "L00").parent.iterdir()
                 if p.name.endswith(".tmp")]
    assert leftovers == []
