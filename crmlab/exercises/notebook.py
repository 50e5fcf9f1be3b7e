"""Exercise notebooks: find their parts, and make the student copy.

Parts of a source (solution) notebook:

- the cell tagged ``parameters`` (``student_id``, ``seed`` and the exercise's own);
- solution regions: a whole cell tagged ``solution``, or lines between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` in any code cell;
- visible checks: code cells tagged ``check`` (they stay in the student copy);
- hidden checks: code cells tagged ``hidden_checks`` (only in the source).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.paths import exercises_dir
from crmlab.exercises.tags import CHECK, HIDDEN_CHECKS, PARAMETERS, SOLUTION, tags_of

__all__ = ["exercise_notebooks", "catalogue", "find_exercise", "read_exercise", "student_copy",
           "release", "PLACEHOLDER", "exercise_id", "exercise_metadata", "submission_name",
           "submission_owner", "visible_checks", "practice_seed", "with_digests"]

_CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
#: What a solution cell becomes in the student copy.
PLACEHOLDER = "# YOUR CODE HERE\nraise NotImplementedError()"
_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$",
                     re.M | re.S)


def exercise_notebooks(folder: str | Path | None = None, *, lang: str = "en") -> list[Path]:
    """The source notebooks of every exercise in the edition ``lang``, sorted."""
    folder = Path(folder) if folder else exercises_dir(_checked(lang))
    return sorted(p for p in folder.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def catalogue(folder: str | Path | None = None, *, lang: str = "en") -> dict:
    """``{exercise id: source notebook}`` of every exercise of the edition ``lang``: the one
    scan of the exercise folder (each notebook's metadata read as plain JSON).

    Examples
    --------
    >>> sorted(catalogue())[:2]
    ['EX-abc-profit', 'EX-classify-suppliers']
    """
    return {exercise_metadata(path)["id"]: path for path in exercise_notebooks(folder, lang=lang)}


def find_exercise(exercise: str | Path) -> Path:
    """The source notebook of ``exercise``: a path, an exercise id (``EX-abc-profit``) or a file
    stem (``abc_profit``) of the course's exercises.

    Examples
    --------
    >>> find_exercise("EX-abc-profit") == find_exercise(find_exercise("EX-abc-profit").stem)
    True
    """
    from crmlab.core.validation import check_choice

    path = Path(exercise)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    known = catalogue()
    for path in list(known.values()):
        known.setdefault(path.stem, path)
    return known[check_choice("exercise", str(exercise), known, error=ExerciseError)]


def submission_name(stem: str, student_id: str) -> str:
    """The file name of one student's notebook of the exercise whose source is ``<stem>.ipynb``:
    ``<stem>__<student>.ipynb`` (assigned, submitted, and kept as feedback).

    Examples
    --------
    >>> submission_name("abc_profit", "s01")
    'abc_profit__s01.ipynb'
    """
    return f"{stem}__{student_id}.ipynb"


def submission_owner(path: str | Path) -> tuple[str, str]:
    """``(stem, student)`` of a submitted notebook's name (:func:`submission_name`); a name
    without ``__`` is the student's alone, with an empty stem.

    Examples
    --------
    >>> submission_owner("subs/abc_profit__s01.ipynb"), submission_owner("s01.ipynb")
    (('abc_profit', 's01'), ('', 's01'))
    """
    stem, _, student = Path(path).stem.rpartition("__")
    return stem, student


def _check_metadata(path: Path, meta) -> dict:
    if not isinstance(meta, dict) or meta.get("kind") != "exercise" or not meta.get("id"):
        raise ExerciseError(f"{path}: metadata crmlab.kind must be 'exercise' with an id")
    return meta


def exercise_metadata(path: str | Path) -> dict:
    """The ``metadata.crmlab`` of an exercise source notebook (id, points...), read as plain
    JSON: the course file, the gradebook and the receipts need no more, and importing nbformat
    costs seconds (jsonschema compiles its optional format grammars).

    Examples
    --------
    >>> exercise_metadata(exercise_notebooks()[0])["id"]
    'EX-abc-profit'
    """
    path = Path(path)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("crmlab", {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExerciseError(f"{path}: not a readable notebook ({exc})") from None
    return _check_metadata(path, meta)


def read_exercise(path: str | Path):
    """Read and check an exercise source notebook; return the nbformat node."""
    import nbformat

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise ExerciseError(f"{path}: not a readable notebook ({exc})") from None
    _check_metadata(path, nb.metadata.get("crmlab", {}))
    params = [c for c in nb.cells if PARAMETERS in tags_of(c)]
    if len(params) != 1:
        raise ExerciseError(f"{path}: needs exactly one cell tagged 'parameters', found "
                            f"{len(params)}")
    for name in ("student_id", "seed"):
        if not re.search(rf"^{name}\s*=", params[0].source, re.M):
            raise ExerciseError(f"{path}: the parameters cell does not set {name!r}")
    return nb


def exercise_id(nb) -> str:
    """The id of an exercise notebook (``metadata.crmlab.id``, e.g. ``EX-abc-profit``)."""
    return nb.metadata["crmlab"]["id"]


def visible_checks(nb) -> list[str]:
    """The names of the checks the cells tagged ``check`` call (what a student's notebook
    carries a digest for; a check called only in the hidden checks gets none).

    Examples
    --------
    >>> visible_checks(read_exercise(find_exercise("EX-abc-profit")))
    ['abc-class-a', 'abc-misranked', 'abc-share-a']
    """
    return sorted({name for cell in nb.cells if CHECK in tags_of(cell)
                   for name in _CHECK_CALL.findall(cell.source)})


def student_copy(nb):
    """Return the student version of a source notebook (a new node; outputs cleared)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = tags_of(cell)
        if HIDDEN_CHECKS in tags:
            continue
        if cell.cell_type == "code":
            if SOLUTION in tags:
                cell.source = PLACEHOLDER
            else:
                cell.source = _REGION.sub(
                    lambda m: "\n".join(m.group(1) + line for line in PLACEHOLDER.splitlines()),
                    cell.source)
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)
    return out


def practice_seed(nb) -> int:
    """The seed the source's parameters cell sets (the demo variant of the practice copies).

    Examples
    --------
    >>> practice_seed(read_exercise(find_exercise("EX-abc-profit")))
    2024
    """
    params = next(c for c in nb.cells if PARAMETERS in tags_of(c))
    found = re.search(r"^seed\s*=\s*(\d+)\s*$", params.source, re.M)
    if not found:
        raise ExerciseError("the parameters cell does not set seed to a whole number")
    return int(found[1])


def with_digests(nb, seed: int):
    """A student copy whose parameters cell also sets ``check_digests`` for ``seed`` (the
    visible checks of a practice copy answer without the instructor's keys); needs the keys."""
    from crmlab.exercises.keys import DIGESTS, make_digests

    out = copy.deepcopy(nb)
    params = next(c for c in out.cells if PARAMETERS in tags_of(c))
    digests = make_digests(visible_checks(nb), seed)  # strings and whole numbers: JSON is Python
    params.source = (params.source.rstrip("\n")
                     + f"\n\n# What the checks compare your answers with, for seed = {seed}"
                     f" (digests: the answers are not in them)\n{DIGESTS} = {json.dumps(digests)}")
    return out


def _checked(lang: str) -> str:
    from crmlab.core.i18n import check_language

    return check_language(lang)


def release(out: str | Path, *, source: str | Path | None = None, lang: str = "en"
            ) -> list[Path]:
    """Write the student copy of every exercise into ``out``; return the paths.

    ``lang`` picks the edition (``"az"``: the copies built in ``notebooks/az/exercises``) and
    the language of the students' README. Each copy carries the digests of its visible checks
    for the source's own seed (:func:`with_digests`), so it needs the instructor's keys.
    """
    import nbformat

    from crmlab.core.i18n import message

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in exercise_notebooks(source, lang=lang):
        target = out / path.name
        nb = read_exercise(path)
        nbformat.write(with_digests(student_copy(nb), practice_seed(nb)), target)
        written.append(target)
    # The instructor's README documents the grader; students get their own short one.
    (out / "README.md").write_text(
        message("exercises.readme", lang=lang) + "\n" + message("exercises.steps", lang=lang),
        encoding="utf-8")
    return written
