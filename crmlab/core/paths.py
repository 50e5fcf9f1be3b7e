"""Where everything lives: the course's folders and files, and the student's own (``CRMLAB_HOME``).

The one place that knows the layout, as nbgrader's ``CourseDirectory`` does: no other module
builds one of these paths by hand.

The course (``CRMLAB_COURSE_DIR`` overrides where; otherwise the folder beside the package in a
checkout or a student release, else the nearest folder up from here holding ``datasets/`` and
``quizzes/``)::

    course.yaml                      course_file()
    datasets/                        datasets_dir()
    quizzes/                         quizzes_dir()
    notebooks/                       notebooks_dir(), edition_dir("en")
    notebooks/<lang>/                edition_dir(lang): a translated edition
    notebooks/[<lang>/]exercises/    exercises_dir(lang)
    notebooks/instructor/exercise_keys.py   exercise_keys_file(): the instructor's exercise keys
    notebooks/instructor/quiz_keys.py       quiz_keys_file(): the keys of the numbers of one's own

The student's state (``CRMLAB_HOME``, default ``~/.crmlab``)::

    config.json                      settings_file(): the student id, the language
    answers/<student>/<quiz>.json    answers_dir(student): the saved answers
    variants/<seed>/                 variants_dir(): exercise data variants made on demand

Examples
--------
>>> import os
>>> os.environ["CRMLAB_HOME"] = "/tmp/home"
>>> settings_file().as_posix(), answers_dir("s1").as_posix(), variants_dir().as_posix()
('/tmp/home/config.json', '/tmp/home/answers/s1', '/tmp/home/variants')
>>> exercises_dir("az").relative_to(course_dir()).as_posix()
'notebooks/az/exercises'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["course_dir", "course_file", "datasets_dir", "quizzes_dir", "notebooks_dir",
           "edition_dir", "exercises_dir", "exercise_keys_file", "quiz_keys_file", "home_dir", "settings_file",
           "answers_dir", "variants_dir"]


# ------------------------------------------------------------------------------ the course
def course_dir() -> Path:
    """Return the root folder of the course (the one holding ``datasets/`` and ``quizzes/``)."""
    env = os.environ.get("CRMLAB_COURSE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    beside_package = Path(__file__).resolve().parents[2]
    if (beside_package / "datasets").is_dir():
        return beside_package
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "datasets").is_dir() and (folder / "quizzes").is_dir():
            return folder
    return beside_package


def course_file() -> Path:
    """The course file: ``course.yaml`` at the course root."""
    return course_dir() / "course.yaml"


def datasets_dir() -> Path:
    """Return the folder of the course datasets."""
    return course_dir() / "datasets"


def quizzes_dir() -> Path:
    """Return the folder of the quiz files."""
    return course_dir() / "quizzes"


def notebooks_dir() -> Path:
    """Return the folder of the lesson notebooks (the English edition)."""
    return course_dir() / "notebooks"


def edition_dir(lang: str = "en") -> Path:
    """The notebooks of the edition ``lang``: ``notebooks/`` for English, else
    ``notebooks/<lang>/`` (whether or not it was built; the caller checks ``lang``)."""
    return notebooks_dir() if lang == "en" else notebooks_dir() / lang


def exercises_dir(lang: str = "en") -> Path:
    """The exercise source notebooks of the edition ``lang``."""
    return edition_dir(lang) / "exercises"


def exercise_keys_file() -> Path:
    """The instructor's exercise keys (the expected value of every exercise check): in the
    instructor's folder, which ``crmlab release`` never copies."""
    return notebooks_dir() / "instructor" / "exercise_keys.py"


def quiz_keys_file() -> Path:
    """The instructor's quiz keys: the functions computing each student's key of a graded
    number of one's own (``variant: student``), beside the exercise keys."""
    return notebooks_dir() / "instructor" / "quiz_keys.py"


# ------------------------------------------------------------------------------ the student
def home_dir() -> Path:
    """Return the student's state folder (``CRMLAB_HOME``, default ``~/.crmlab``)."""
    return Path(os.environ.get("CRMLAB_HOME") or "~/.crmlab").expanduser()


def settings_file() -> Path:
    """The student's settings (:mod:`crmlab.core.settings`): ``CRMLAB_HOME/config.json``."""
    return home_dir() / "config.json"


def answers_dir(student_id: str) -> Path:
    """The folder of one student's saved answer files (one per quiz)."""
    return home_dir() / "answers" / student_id


def variants_dir() -> Path:
    """Where a student's exercise data variants are generated on demand."""
    return home_dir() / "variants"
