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
    """A submission bundle cannot be read or does not match its manifest.

    It carries a code of :mod:`crmlab.grading.results` (``code``) and its parameters
    (``params``): the message is the catalog's sentence ``result.<code>``, in English, and
    :meth:`text` gives it in the reader's language (a student sees it in theirs).

    Examples
    --------
    >>> error = SubmissionError("checksum_mismatch", path="answers/L00.json")
    >>> str(error), error.text("az")
    ('checksum mismatch for answers/L00.json', 'answers/L00.json üçün nəzarət cəmi uyğun gəlmir')
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, dict(params)
        super().__init__(self.text())

    def text(self, lang: str = "en") -> str:
        """The problem's sentence in ``lang`` (English where crmlab does not ship it)."""
        from crmlab.core.i18n import message, reader_language

        return message(f"result.{self.code}", reader_language(lang), **self.params)


class ExerciseError(CrmlabError, ValueError):
    """An exercise notebook, roster or submission cannot be used."""


class CourseError(CrmlabError, ValueError):
    """The course file, a receipts file, a rubric sheet or a grading folder cannot be used."""
