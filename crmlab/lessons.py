"""The course map: which notebooks make up the course, in which order.

Each top-level notebook in ``notebooks/`` declares itself in its metadata
(``metadata.crmlab = {"id": "L02", "kind": "lesson", "quiz": "L02"}``) and opens with a title
cell ``# L02 · Supplier relationship types``. The order of the course is the order of the file
names (``00_...`` to ``06_...``, then the cases ``c1_...`` to ``c4_...``, then appendices).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from crmlab.core import paths
from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import notebooks_dir
from crmlab.core.validation import check_choice

__all__ = ["Lesson", "list_lessons", "course_map", "get", "edition_dir", "title_in", "edition"]

KINDS = ("lesson", "case", "appendix")
_KIND_ORDER = {"lesson": 0, "case": 1, "appendix": 2}


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course."""

    id: str
    title: str
    kind: str
    path: Path
    quiz: str | None = None


def _title(nb: dict) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            first = "".join(cell.get("source", "")).strip().splitlines()[0:1]
            if first and first[0].startswith("# "):
                return first[0][2:].split("·", 1)[-1].strip()
    return ""


def edition(lesson: Lesson, lang: str | None = None) -> Path:
    """The notebook of ``lesson`` in ``lang`` (default: the student's language):
    ``<notebooks>/<lang>/<notebook>`` when that edition exists, else the English notebook.

    Examples
    --------
    >>> edition(get("L00"), "en").name
    '00_start_here.ipynb'
    """
    from crmlab.core.i18n import check_language, get_language

    lang = check_language(lang or get_language())
    path = lesson.path.parent / lang / lesson.path.name
    return path if lang != "en" and path.is_file() else lesson.path


def title_in(lesson: Lesson, lang: str | None = None) -> str:
    """The lesson's title in ``lang`` (default: the student's language): the title of its
    edition ``<notebooks>/<lang>/<notebook>`` when that edition exists, else the English one.

    Examples
    --------
    >>> title_in(get("L00"), "en")
    'Start here'
    """
    path = edition(lesson, lang)
    if path == lesson.path:
        return lesson.title
    try:
        return _title(json.loads(path.read_text(encoding="utf-8"))) or lesson.title
    except (OSError, ValueError):
        return lesson.title


def _read(path: Path) -> Lesson:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrmlabError(f"{path}: not a readable notebook ({exc})") from None
    meta = nb.get("metadata", {}).get("crmlab")
    if not isinstance(meta, dict) or "id" not in meta:
        raise CrmlabError(f"{path}: metadata 'crmlab.id' is missing")
    kind = meta.get("kind", "lesson")
    try:
        check_choice("crmlab.kind", kind, KINDS, error=CrmlabError)
    except CrmlabError as exc:
        raise CrmlabError(f"{path}: {exc}") from None
    return Lesson(id=meta["id"], title=_title(nb), kind=kind, path=path, quiz=meta.get("quiz"))


def edition_dir(lang: str | None = None) -> Path:
    """The folder of the course's notebooks in ``lang`` (default: the student's language):
    ``notebooks/`` for English, ``notebooks/<lang>/`` for a translated edition (English when
    that edition is not there).

    Examples
    --------
    >>> edition_dir("az").name, edition_dir("en").name
    ('az', 'notebooks')
    """
    from crmlab.core.i18n import check_language, get_language

    folder = paths.edition_dir(check_language(lang or get_language()))
    return folder if folder.is_dir() else notebooks_dir()


def list_lessons(folder: str | Path | None = None, *, lang: str | None = None) -> list[Lesson]:
    """Return the notebooks of the course in course order.

    Parameters
    ----------
    folder : path, optional
        The notebooks folder; default the edition of ``lang`` (:func:`edition_dir`).
    lang : str, optional
        The edition when ``folder`` is not given; default the student's language.

    Examples
    --------
    >>> lessons = list_lessons()
    >>> lessons[0].id, lessons[0].path.name
    ('L00', '00_start_here.ipynb')
    >>> list_lessons(lang="az")[0].path.parent.name
    'az'
    """
    folder = Path(folder) if folder is not None else edition_dir(lang)
    found = [_read(p) for p in sorted(folder.glob("*.ipynb"))]
    return sorted(found, key=lambda lesson: (_KIND_ORDER[lesson.kind], lesson.path.name))


def get(lesson_id: str, folder: str | Path | None = None) -> Lesson:
    """Return the lesson with this id, e.g. ``get("L02")``.

    Examples
    --------
    >>> get("L00").title
    'Start here'
    >>> get("L99")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: Got lesson_id='L99' instead, expected one of 'L00', ...
    """
    lessons = {lesson.id: lesson for lesson in list_lessons(folder)}
    return lessons[check_choice("lesson_id", lesson_id, lessons, error=CrmlabError)]


def course_map(folder: str | Path | None = None, *, lang: str | None = None):
    """Return the course map as a DataFrame: id, kind, title, notebook, quiz (the notebooks of
    the edition in ``lang``, default the student's language).

    Examples
    --------
    >>> course_map().columns.tolist()
    ['id', 'kind', 'title', 'notebook', 'quiz']
    """
    import pandas as pd

    rows = [
        {"id": item.id, "kind": item.kind, "title": item.title, "notebook": item.path.name,
         "quiz": item.quiz or ""}
        for item in list_lessons(folder, lang=lang)
    ]
    from crmlab.core.display import text_table

    return text_table(pd.DataFrame(rows, columns=["id", "kind", "title", "notebook", "quiz"]))
