"""Lesson-facing names of the exercise checks, as exercise notebooks import them:
``from crmlab.exercises.checks import clv_parameters, variant``.

The engine itself lives in :mod:`crmlab.course.exercises.checks` and the expected values in
:mod:`crmlab.course.exercises.expected`. This module only re-exports (no logic here).
"""

from crmlab.course.exercises.checks import check, hidden_check, variant
from crmlab.course.exercises.expected import clv_parameters

__all__ = ["check", "hidden_check", "variant", "clv_parameters"]
