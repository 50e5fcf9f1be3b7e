"""Lesson-facing names of the course map: ``from crmlab.lessons import course_map``.

The lesson notebooks import these names; the engine itself lives in
:mod:`crmlab.course.lessons`. This module only re-exports (no logic here).
"""

from crmlab.course.lessons import Lesson, course_map, get, list_lessons

__all__ = ["Lesson", "list_lessons", "course_map", "get"]
