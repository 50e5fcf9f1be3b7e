"""Lesson-facing names of the quiz engine: ``from crmlab import quiz; quiz.show("L02")``.

The lesson notebooks import these names; the engine itself lives in :mod:`crmlab.course.quiz`.
This module only re-exports (no logic here), so a lesson keeps working whatever the engine's
layout.
"""

from crmlab.course.quiz import Feedback, Question, Quiz, load, quiz_files, record, show, validate

__all__ = ["load", "show", "record", "validate", "Feedback", "Quiz", "Question", "quiz_files"]
