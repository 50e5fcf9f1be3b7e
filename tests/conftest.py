"""Fixtures shared by the test modules of the course engine."""

from _course_inputs import inputs  # noqa: F401  (a small graded course, see its module)
