"""The student's side of the hub's collection service: exercise notebooks (``crmlab fetch
EXERCISE``, ``crmlab submit NOTEBOOK``), the feedback page (``crmlab fetch --feedback``) and
regrade requests (``crmlab regrades request``, ``crmlab regrades mine``).

Inside JupyterHub the collection service (:mod:`crmlab.publish.hub_service`) hands each student
their own assigned notebook and keeps the notebooks they hand in, with a receipt. Who the student
is comes from the server's hub token, never from an argument: :func:`fetch` cannot ask for a
classmate's copy and :func:`submit_notebook` cannot hand one in (the service checks the
notebook's papermill ``student_id`` against the hub user). Both work the same from a notebook
cell::

    from crmlab.exercises.hand_in import fetch, submit_notebook
    fetch("rfm_pyramid")
    submit_notebook("exercises/rfm_pyramid__ana.ipynb")
    fetch_feedback()
    request_regrade("quiz", "L02", "scale", "My answer 4.2 rounds to the key's 4.")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from crmlab.core.exceptions import CrmlabError
from crmlab.core.i18n import message

__all__ = ["fetch", "Fetched", "free_name", "submit_notebook", "exercises_folder", "MAX_NOTEBOOK",
           "fetch_feedback", "request_regrade", "my_regrades"]

#: The largest exercise notebook handed in (bytes; the collection service's cap too): a
#: notebook with its outputs and figures, not a data set.
MAX_NOTEBOOK = 20_000_000
_EXERCISE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def exercises_folder() -> Path:
    """Where :func:`fetch` writes by default: the course folder's ``exercises/`` (the folder of
    the practice copies), else the course folder itself."""
    from crmlab.core.paths import course_dir

    course = course_dir()
    return course / "exercises" if (course / "exercises").is_dir() else course


def free_name(folder: str | Path, name: str) -> Path:
    """``folder/name``, or the first free ``stem (2).ipynb``, ``stem (3).ipynb``... beside it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> free_name(folder, "ex__ana.ipynb").name
    'ex__ana.ipynb'
    >>> _ = (folder / "ex__ana.ipynb").write_text("{}")
    >>> free_name(folder, "ex__ana.ipynb").name
    'ex__ana (2).ipynb'
    """
    folder = Path(folder)
    target, n = folder / name, 2
    stem, suffix = Path(name).stem, Path(name).suffix
    while target.exists() or target.is_symlink():
        target, n = folder / f"{stem} ({n}){suffix}", n + 1
    return target


@dataclass(frozen=True)
class Fetched:
    """What :func:`fetch` wrote: ``path``; ``existing`` is the file of the service's name that
    was already there (kept untouched), else ``None``."""

    path: Path
    existing: Path | None = None


def fetch(exercise: str, *, to: str | Path | None = None) -> Fetched:
    """Write your own assigned notebook of ``exercise`` (its id or file stem) into ``to``
    (default :func:`exercises_folder`) and say where.

    An existing file is never replaced: the copy is then written as ``name (2).ipynb`` and
    :attr:`Fetched.existing` names the file kept. Outside a hub session, or for an exercise not assigned to you, ``CrmlabError``.

    Examples
    --------
    >>> fetch("../x")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: Got exercise='../x' instead, expected an exercise id or file stem (letters, digits, '-', '_', '.').
    """
    from crmlab.core.atomic import write_bytes
    from crmlab.quiz.submit import call_service

    if not isinstance(exercise, str) or not _EXERCISE.fullmatch(exercise):
        raise CrmlabError(f"Got exercise={exercise!r} instead, expected an exercise id or file "
                          "stem (letters, digits, '-', '_', '.').")
    answer = call_service(f"api/exercises/{quote(exercise)}", refused="fetch.refused",
                          fields=("file", "notebook"))
    name, text = answer["file"], answer["notebook"]
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".ipynb") \
            or not isinstance(text, str):
        raise CrmlabError(message("fetch.bad_answer"))
    folder = Path(to) if to is not None else exercises_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, name)
    # written whole under a name nobody holds: an existing notebook is never touched
    write_bytes(target, text.encode("utf-8"))
    return Fetched(target, folder / name if target.name != name else None)


def submit_notebook(path: str | Path, *, timeout: float = 120) -> dict:
    """Hand the exercise notebook ``path`` to the hub's collection service; return its
    receipt (``file``, ``sha256``, ``received_at``, ``student_id``, ``exercise``).

    The service keeps it only when it is a crmlab exercise notebook whose papermill parameters
    name you (the notebook ``fetch`` gave you); a refusal is a ``CrmlabError`` saying why.
    """
    path = Path(path)
    if path.suffix != ".ipynb":
        raise CrmlabError(message("submit.not_notebook", path=path))
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK:
            raise CrmlabError(message("submit.notebook_too_large", path=path, size=size,
                                      cap=MAX_NOTEBOOK))
        data = path.read_bytes()
    except OSError as exc:
        raise CrmlabError(message("submit.cannot_read", path=path,
                                  reason=exc.strerror or exc)) from None
    from crmlab.quiz.submit import call_service

    return call_service("api/notebooks", data=data, content_type="application/x-ipynb+json",
                        refused="submit.notebook_refused", timeout=timeout,
                        fields=("file", "sha256", "received_at", "student_id", "exercise"))


def fetch_feedback(*, to: str | Path | None = None) -> Path:
    """Write your own feedback page, once the instructor has published it, into ``to``
    (default: the course folder) as ``feedback.html`` (``feedback (2).html``... when that
    name is taken) and return its path."""
    from crmlab.core.atomic import write_bytes
    from crmlab.core.paths import course_dir
    from crmlab.quiz.submit import call_service

    page = call_service("api/feedback", refused="fetch.feedback_refused", raw=True)
    folder = Path(to) if to is not None else course_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return write_bytes(free_name(folder, "feedback.html"), page)


def request_regrade(kind: str, assessment: str, item: str, reason: str) -> dict:
    """Ask for a second look at question (or check) ``item`` of the quiz (or exercise)
    ``assessment``, saying why; return the request as the service queued it (its ``id``,
    ``received_at``). ``kind`` is ``"quiz"`` or ``"exercise"``."""
    import json

    from crmlab.quiz.submit import call_service

    body = json.dumps({"kind": kind, "assessment": assessment, "item": item,
                       "reason": reason}).encode("utf-8")
    return call_service("api/regrades", data=body, content_type="application/json",
                        refused="regrade.refused",
                        fields=("id", "assessment", "item", "received_at"))


def my_regrades() -> list[dict]:
    """Your regrade requests, oldest first, each with its ``answer`` (``None`` while open)."""
    from crmlab.quiz.submit import call_service, collect_url, expect_fields

    rows = call_service("api/regrades", refused="regrade.refused", fields=("requests",))
    where = f"{collect_url()}api/regrades"
    if not isinstance(rows["requests"], list):
        raise CrmlabError(message("submit.bad_reply", url=where, field="requests"))
    for n, row in enumerate(rows["requests"]):
        expect_fields(row, where, ("id", "student_id", "kind", "assessment", "item",
                                   "received_at", "reason"), within=f"requests[{n}].")
        if row.get("answer") is not None:
            expect_fields(row["answer"], where, ("answered_at", "text"),
                          within=f"requests[{n}].answer.")
    return rows["requests"]
