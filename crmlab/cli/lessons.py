"""``crmlab lessons``: list the notebooks of the course."""

from __future__ import annotations

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab lessons`` to the parser."""
    parser = subparsers.add_parser("lessons", help="list the lessons (id, title, path)",
                                   **reads("CRMLAB_COURSE_DIR", "notebooks/"))
    parser.set_defaults(func=_lessons)


def _lessons(args) -> int:
    from crmlab.core.exceptions import CrmlabError
    from crmlab.core.i18n import get_language, message
    from crmlab.core.paths import course_dir, notebooks_dir
    from crmlab.lessons import edition, list_lessons, title_in

    root = course_dir()
    lang = get_language()
    lessons = list_lessons()
    if not lessons:
        raise CrmlabError(message("lessons.none", folder=notebooks_dir()))
    for lesson in lessons:
        path = edition(lesson, lang)
        try:
            shown = path.relative_to(root)
        except ValueError:
            shown = path
        print(f"{lesson.id:<9} {title_in(lesson, lang):<48} {shown}")
    return 0
