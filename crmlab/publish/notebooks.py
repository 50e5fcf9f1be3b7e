"""Keep the course notebooks executed and their navigation stamped.

``python -m crmlab.notebooks stamp`` rewrites the navigation cells of every top-level notebook
(between ``<!--NAVIGATION-->`` markers: never edit them by hand). ``python -m crmlab.notebooks
execute [PATH ...] [--stamp]`` executes notebooks top to bottom in place, each in a fresh
``CRMLAB_HOME`` so that no saved answer of the author leaks into the committed outputs.
``make notebooks`` does both for the whole course.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from crmlab.core.paths import notebooks_dir
from crmlab.lessons import list_lessons

__all__ = ["navigation_markdown", "stamp", "execute", "all_notebooks", "student_copy",
           "NAV_START", "NAV_END", "INSTRUCTOR"]

#: The marker that opens a stamped navigation cell.
NAV_START = "<!--NAVIGATION-->"
#: The marker that closes a stamped navigation cell.
NAV_END = "<!--/NAVIGATION-->"
#: The tag of a lesson cell meant for the instructor only (it reads the answer keys): the
#: release and the site leave it out.
INSTRUCTOR = "instructor"


def student_copy(nb: dict) -> dict:
    """Return ``nb`` (a notebook as a dict) without its cells tagged :data:`INSTRUCTOR`.

    The input is left unchanged; a notebook without such cells comes back equal to it.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "Read me"},
    ...                 {"cell_type": "code", "metadata": {"tags": ["instructor"]}, "source": "k"}]}
    >>> [c["source"] for c in student_copy(nb)["cells"]]
    ['Read me']
    >>> len(nb["cells"])
    2
    """
    cells = [c for c in nb.get("cells", [])
             if INSTRUCTOR not in c.get("metadata", {}).get("tags", [])]
    return {**nb, "cells": cells}


def all_notebooks(folder: Path | None = None) -> list[Path]:
    """Every notebook the course commits executed: lessons, exercises, instructor notebooks."""
    folder = folder or notebooks_dir()
    return sorted(
        p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def navigation_markdown(index: int, lessons, *, lang: str = "en") -> str:
    """The navigation line of the ``index``-th notebook of ``lessons``, labelled in ``lang``
    (the course map's link points at L00's heading of that name).

    Examples
    --------
    >>> from crmlab.lessons import Lesson
    >>> from pathlib import Path
    >>> course = [Lesson("L00", "Start here", "lesson", Path("00_start_here.ipynb")),
    ...           Lesson("L01", "Relationship marketing", "lesson", Path("01_rm.ipynb"))]
    >>> print(navigation_markdown(1, course))
    <!--NAVIGATION-->
    < [L00 · Start here](00_start_here.ipynb) | [Course map](00_start_here.ipynb#Course-map) | >
    <!--/NAVIGATION-->
    >>> print(navigation_markdown(0, course, lang="az").splitlines()[1])
    < | [Kursun xəritəsi](00_start_here.ipynb#Kursun-xəritəsi) | [L01 · Relationship marketing](01_rm.ipynb) >
    """
    from crmlab.core.i18n import message

    prev_link = next_link = ""
    if index > 0:
        prev = lessons[index - 1]
        prev_link = f" [{prev.id} · {prev.title}]({prev.path.name})"
    if index + 1 < len(lessons):
        nxt = lessons[index + 1]
        next_link = f" [{nxt.id} · {nxt.title}]({nxt.path.name})"
    home = lessons[0].path.name
    label = message("nav.course_map", lang=lang)
    anchor = label.replace(" ", "-")
    line = f"<{prev_link} | [{label}]({home}#{anchor}) |{next_link} >"
    return f"{NAV_START}\n{line}\n{NAV_END}"


def _is_nav(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(NAV_START)


def stamp(folder: Path | None = None, *, lang: str = "en") -> list[Path]:
    """Write the navigation cells (after the title and at the end) of every top-level notebook
    of ``folder`` (an edition's folder, ``notebooks/az``, with ``lang="az"``).

    Returns the notebooks that changed.
    """
    import nbformat

    lessons = list_lessons(folder or notebooks_dir())
    changed = []
    for index, lesson in enumerate(lessons):
        nb = nbformat.read(lesson.path, as_version=4)
        before = nbformat.writes(nb)
        nav = navigation_markdown(index, lessons, lang=lang)
        cells = [cell for cell in nb.cells if not _is_nav(cell)]
        title_at = next(
            (i for i, c in enumerate(cells) if c.cell_type == "markdown"
             and c.source.lstrip().startswith("# ")),
            -1,
        )
        top = nbformat.v4.new_markdown_cell(nav)
        bottom = nbformat.v4.new_markdown_cell(nav)
        top.id, bottom.id = "nav-top", "nav-bottom"
        cells.insert(title_at + 1, top)
        cells.append(bottom)
        nb.cells = cells
        if nbformat.writes(nb) != before:
            nbformat.write(nb, lesson.path)
            changed.append(lesson.path)
    return changed


def execute(paths, *, timeout: int = 600, kernel_name: str = "python3") -> None:
    """Execute notebooks top to bottom in place, each with its own fresh ``CRMLAB_HOME``.

    The kernel's working directory is the notebook's folder, as under nbval.
    """
    import nbformat
    from nbclient import NotebookClient

    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="crmlab-home-") as home:
            saved = os.environ.get("CRMLAB_HOME")
            os.environ["CRMLAB_HOME"] = home
            try:
                client = NotebookClient(
                    nb, timeout=timeout, kernel_name=kernel_name, store_widget_state=True,
                    resources={"metadata": {"path": str(path.parent)}},
                )
                client.execute()
            finally:
                if saved is None:
                    os.environ.pop("CRMLAB_HOME", None)
                else:
                    os.environ["CRMLAB_HOME"] = saved
        for cell in nb.cells:
            # Timing metadata changes on every run and would make every commit a diff.
            cell.get("metadata", {}).pop("execution", None)
        nbformat.write(nb, path)
        print(f"executed {path}")


def main(argv=None) -> int:
    """``python -m crmlab.notebooks execute|stamp|build|translate``: the command line."""
    from crmlab.core.exceptions import CrmlabError
    from crmlab.publish import translations

    parser = argparse.ArgumentParser(prog="python -m crmlab.notebooks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute notebooks in place (default: all of them)")
    run.add_argument("paths", nargs="*", type=Path)
    run.add_argument("--stamp", action="store_true", help="stamp navigation first")
    run.add_argument("--timeout", type=int, default=600)
    sub.add_parser("stamp", help="stamp navigation cells")
    build = sub.add_parser("build", help="build the translated editions (notebooks/<lang>/) "
                           "from the English notebooks and their translations")
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="English notebooks (default: all)")
    build.add_argument("--lang", action="append", choices=translations.editions(),
                       help="the edition (default: every one)")
    build.add_argument("--execute", action="store_true",
                       help="execute the notebooks whose text changed")
    build.add_argument("--timeout", type=int, default=600)
    tr = sub.add_parser("translate", help="check (default) or stub the translation files")
    tr.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                    help="English notebooks (default: all)")
    tr.add_argument("--lang", required=True, choices=translations.editions())
    mode = tr.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_const", dest="mode", const="check",
                      default="check", help="list missing, stale and orphan cells; exit 1 if any")
    mode.add_argument("--stub", action="store_const", dest="mode", const="stub",
                      help="add empty entries for untranslated cells, keep the others")
    mode.add_argument("--dump", action="store_const", dest="mode", const="dump",
                      help="print each markdown cell's id, fingerprint and English text")
    args = parser.parse_args(argv)
    try:
        if args.command == "translate" and args.mode == "dump":
            for path in args.paths or translations.source_notebooks():
                print(translations.dump(path))
            return 0
        if args.command == "translate":
            problems = translations.translate(args.lang, paths=args.paths, mode=args.mode)
            for problem in problems:
                print(problem)
            return 1 if problems else 0
        if args.command == "build":
            changed = []
            for lang in args.lang or translations.editions():
                changed += translations.build_edition(lang, paths=args.paths)
            for path in changed:
                print(f"built {path}")
            if args.execute and changed:
                execute(changed, timeout=args.timeout)
            return 0
    except CrmlabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "stamp" or args.stamp:
        for path in stamp():
            print(f"stamped {path}")
    if args.command == "execute":
        execute(args.paths or all_notebooks(), timeout=args.timeout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
