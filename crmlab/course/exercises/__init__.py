"""Papermill exercises: generated from solution notebooks, one data variant per student.

- :func:`release` writes student copies (solutions replaced, hidden checks removed);
- :func:`assign` prepares one notebook per student with papermill (parameters injected, not run);
- :func:`grade` re-injects each student's parameters, puts the hidden checks back, executes
  every submission in its own kernel with a timeout, in parallel, and writes the scores.

The format of an exercise notebook is documented in ``notebooks/exercises/README.md``.
"""

from crmlab.course.exercises import expected  # noqa: F401  (registers the course's checks)
from crmlab.course.exercises.checks import check, hidden_check, variant
from crmlab.course.exercises.notebook import exercise_notebooks, release

__all__ = ["check", "hidden_check", "variant", "release", "assign", "grade",
           "exercise_notebooks"]


def assign(*args, **kwargs):
    """See :func:`crmlab.course.exercises.assignment.assign`."""
    from crmlab.course.exercises.assignment import assign as _assign

    return _assign(*args, **kwargs)


def grade(*args, **kwargs):
    """See :func:`crmlab.course.exercises.autograde.grade`."""
    from crmlab.course.exercises.autograde import grade as _grade

    return _grade(*args, **kwargs)
