"""Lesson-facing names of the exercise engine, as exercise notebooks import them:
``from crmlab.exercises import check, variant, hidden_check``.

The engine itself lives in :mod:`crmlab.course.exercises`. This package only re-exports (no
logic here), so a student's notebook keeps working whatever the engine's layout.
"""

from crmlab.course.exercises import check, hidden_check, variant

__all__ = ["check", "hidden_check", "variant"]
