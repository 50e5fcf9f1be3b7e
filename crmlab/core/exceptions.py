"""Exceptions raised by crmlab.

Every error a user can cause derives from :class:`CrmlabError`; the CLI prints its message as a
single line and exits non-zero, without a traceback.
"""


class CrmlabError(Exception):
    """Base class of every error caused by user input (a file, an argument, an answer)."""


class DataError(CrmlabError, ValueError):
    """A dataset file is missing, malformed or holds values out of range."""


class QuizError(CrmlabError, ValueError):
    """A quiz file or an answer does not follow the quiz schema."""


class SubmissionError(CrmlabError, ValueError):
    """A submission bundle cannot be read or does not match its manifest."""


class ExerciseError(CrmlabError, ValueError):
    """An exercise notebook, roster or submission cannot be used."""


class CourseError(CrmlabError, ValueError):
    """The course file, a receipts file, a rubric sheet or a grading folder cannot be used."""
