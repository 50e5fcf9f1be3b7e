"""Keep the course notebooks executed and their navigation stamped.

``crmlab notebooks stamp`` rewrites the navigation cells of every top-level notebook (between
``<!--NAVIGATION-->`` markers: never edit them by hand). ``crmlab notebooks execute [PATH ...]
[--stamp]`` executes notebooks top to bottom in place, each in a fresh ``CRMLAB_HOME`` so that
no saved answer of the author leaks into the committed outputs. ``make notebooks`` does both for
the whole course. The command line is :mod:`crmlab.cli.notebooks`.
"""

from __future__ import annotations

import os
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
