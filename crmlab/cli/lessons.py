"""``crmlab lessons``: list the notebooks of the course."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add ``crmlab lessons`` to the parser."""
    parser = subparsers.add_parser("lessons", help="list the lessons (id, title, path)")
    parser.set_defaults(func=_lessons)


def _lessons(args) -> int:
    from crmlab.course.lessons import list_lessons
    from crmlab.paths import course_dir

    root = course_dir()
    for lesson in list_lessons():
        try:
            shown = lesson.path.relative_to(root)
        except ValueError:
            shown = lesson.path
        print(f"{lesson.id:<9} {lesson.title:<48} {shown}")
    return 0
