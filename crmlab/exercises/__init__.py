"""Papermill exercises: generated from solution notebooks, one data variant per student.

What an exercise notebook imports (``from crmlab.exercises import check, variant,
hidden_check``) and what the instructor prepares with:

- :func:`release` writes student copies (solutions replaced, hidden checks removed);
- :func:`assign` prepares one notebook per student with papermill (parameters injected, not run).

Modules, one job each: ``tags`` (the cell tags), ``notebook`` (the parts of a solution notebook,
the exercise catalogue, the student copy, the submission file name), ``checks`` (what runs inside
the notebook: ``variant``, ``check``, ``hidden_check``, the exercise's own parameters),
``expected`` (the expected value of every check), ``assignment`` (seeds and parameter
injection). Grading the submissions is :mod:`crmlab.grading.exercises`.

The format of an exercise notebook is documented in ``notebooks/exercises/README.md``.
"""

from crmlab.exercises import expected  # noqa: F401  (registers the course's checks)
from crmlab.exercises.assignment import assign
from crmlab.exercises.checks import check, hidden_check, variant
from crmlab.exercises.notebook import exercise_notebooks, release

__all__ = ["check", "hidden_check", "variant", "release", "assign", "exercise_notebooks"]
