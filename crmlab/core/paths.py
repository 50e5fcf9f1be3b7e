"""Where the course lives on disk.

The course folders (``datasets/``, ``quizzes/``, ``notebooks/``) sit beside the package in a
checkout or a student release. ``CRMLAB_COURSE_DIR`` overrides the location, ``CRMLAB_HOME``
(default ``~/.crmlab``) holds the student's own state: the student id and saved answers.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["course_dir", "datasets_dir", "quizzes_dir", "notebooks_dir", "home_dir"]


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


def datasets_dir() -> Path:
    """Return the folder of the course datasets."""
    return course_dir() / "datasets"


def quizzes_dir() -> Path:
    """Return the folder of the quiz files."""
    return course_dir() / "quizzes"


def notebooks_dir() -> Path:
    """Return the folder of the lesson notebooks."""
    return course_dir() / "notebooks"


def home_dir() -> Path:
    """Return the student's state folder (``CRMLAB_HOME``, default ``~/.crmlab``)."""
    return Path(os.environ.get("CRMLAB_HOME") or "~/.crmlab").expanduser()
