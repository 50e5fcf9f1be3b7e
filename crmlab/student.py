"""Lesson-facing names of the student id: ``from crmlab import student; student.set_id(...)``.

The lesson notebooks import these names; the engine itself lives in
:mod:`crmlab.course.student`. This module only re-exports (no logic here).
"""

from crmlab.course.student import ANONYMOUS, get_id, set_id, validate_id

__all__ = ["get_id", "set_id", "validate_id", "ANONYMOUS"]
