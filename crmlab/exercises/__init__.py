"""Papermill exercises: generated from solution notebooks, one data variant per student.

What an exercise notebook imports (``from crmlab.exercises import check, variant,
hidden_check``) and what the instructor prepares with:

- :func:`release` writes student copies (solutions replaced, hidden checks removed);
- :func:`assign` prepares one notebook per student with papermill (parameters injected, not run).

Modules, one job each: ``tags`` (the cell tags), ``notebook`` (the parts of a solution notebook,
the exercise catalogue, the student copy, the submission file name), ``checks`` (what runs inside
the notebook: ``variant``, ``check``, ``hidden_check``, the exercise's own parameters),
``keys`` (loading the instructor's keys by path, the digests a student's notebook carries),
``assignment`` (seeds, digests and parameter injection). The expected value of every check is
computed by the instructor's ``notebooks/instructor/exercise_keys.py``, never by this package.
Grading the submissions is :mod:`crmlab.grading.exercises`.

The format of an exercise notebook is documented in ``notebooks/exercises/README.md``.
"""

from crmlab.exercises.assignment import assign
from crmlab.exercises.checks import check, hidden_check, variant
from crmlab.exercises.notebook import exercise_notebooks, release

__all__ = ["check", "hidden_check", "variant", "release", "assign", "exercise_notebooks"]
