"""The course in other languages: translation files, the drift check, and the edition builder.

English notebooks are the source. The text of every markdown cell in another language lives in
``notebooks/translations/<lang>/<path>.yaml`` (``<path>`` is the notebook's path under
``notebooks/`` without ``.ipynb``), keyed by cell id; each entry records the fingerprint of the
English text it translates::

    notebook: 01_relationship_marketing.ipynb
    language: az
    cells:
      "00b2e290":
        source: 3f0c5d2a9b7e41c8
        text: |-
          # L01 · ...

A cell is *missing* when it has no entry or an empty text, *stale* when its English changed
after it was translated (the fingerprint differs), and an entry is an *orphan* when its cell no
longer exists. Navigation cells (``nav-top``, ``nav-bottom``) are generated, never translated.

:func:`build_edition` writes ``notebooks/<lang>/`` from the English notebooks and the
translations: code cells identical, markdown replaced, a first code cell tagged ``language``
that sets the language, navigation stamped between the notebooks of the edition. A missing or
stale translation stops it with a one-line error: an edition never ships an English cell.
The languages are those of :data:`crmlab.core.i18n.LANGUAGES` after English.

The course's content that crmlab prints (the sources' lists, the data dictionary, the glossary's
definitions, ...) is translated beside the notebooks, one file per domain in
``crmlab/data/content/<lang>/`` (:mod:`crmlab.core.content`); :func:`content_domains` lists the
domains, and :func:`translate` checks and stubs them with the notebooks.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import notebooks_dir

__all__ = ["fingerprint", "Problem", "TranslationError", "editions", "source_notebooks",
           "translation_path", "edition_path", "read_translation", "write_translation",
           "check", "stub", "dump", "translate", "build", "build_edition", "NAV_IDS", "LANGUAGE_TAG",
           "CONTENT_MODULES", "content_domains"]

#: Ids of the generated navigation cells: never translated.
NAV_IDS = ("nav-top", "nav-bottom")
#: Tag (and id) of the code cell with which an edition sets its language.
LANGUAGE_TAG = "language"
#: The modules of crmlab that declare content (a ``CONTENT`` domain, :mod:`crmlab.core.content`).
CONTENT_MODULES = ("marketing", "taxonomy", "datasets", "loyalty", "segmentation",
                   "service_levels", "crm_selection", "touchpoints", "references", "glossary",
                   "relationships")
#: Folders under ``notebooks/`` that hold no source notebook of a translated edition.
_NOT_SOURCES = ("instructor", "translations", ".ipynb_checkpoints")


class TranslationError(CrmlabError, ValueError):
    """A translation file cannot be read, or an edition cannot be built from it."""


@dataclass(frozen=True)
class Problem:
    """One finding of the drift check: ``kind`` is ``missing``, ``stale`` or ``orphan``."""

    notebook: str
    cell: str
    kind: str
    lang: str

    def __str__(self) -> str:
        return f"{self.notebook}: cell {self.cell}: {self.kind} ({self.lang})"


def fingerprint(source: str) -> str:
    """The fingerprint of an English cell: the first 16 hex digits of the SHA-256 of its
    stripped UTF-8 text (surrounding blank lines do not count).

    Examples
    --------
    >>> fingerprint("## Quiz")
    'f3a0b53284f31b41'
    >>> fingerprint("\\n## Quiz\\n") == fingerprint("## Quiz")
    True
    """
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def editions() -> tuple[str, ...]:
    """The languages with a translated edition: every shipped language but English.

    Examples
    --------
    >>> editions()
    ('az',)
    """
    from crmlab.core.i18n import LANGUAGES

    return tuple(lang for lang in LANGUAGES if lang != "en")


def _check_edition(lang: str) -> str:
    from crmlab.core.validation import check_choice

    return check_choice("lang", lang, editions(), error=TranslationError)


def source_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The English notebooks an edition translates: lessons, cases, appendices, exercises.

    Instructor notebooks stay English; the editions and translation folders are not sources.
    """
    folder = Path(folder) if folder is not None else notebooks_dir()
    skip = set(_NOT_SOURCES) | set(editions())
    found = [*folder.glob("*.ipynb"), *(folder / "exercises").glob("*.ipynb")]
    return sorted(p for p in found if not skip & set(p.relative_to(folder).parts[:-1]))


def _relative(notebook: Path, folder: Path) -> Path:
    if Path(notebook).suffix != ".ipynb":
        raise TranslationError(f"{notebook}: not a notebook (.ipynb file)")
    try:
        return Path(notebook).resolve().relative_to(folder.resolve())
    except ValueError:
        raise TranslationError(f"{notebook}: not a notebook under {folder}") from None


def translation_path(notebook: str | Path, lang: str, *, folder: str | Path | None = None
                     ) -> Path:
    """The translation file of ``notebook`` (an English notebook under ``folder``).

    Examples
    --------
    >>> translation_path(notebooks_dir() / "exercises" / "rfm_pyramid.ipynb", "az").parts[-4:]
    ('translations', 'az', 'exercises', 'rfm_pyramid.yaml')
    """
    folder = Path(folder) if folder is not None else notebooks_dir()
    rel = _relative(Path(notebook), folder)
    return folder / "translations" / _check_edition(lang) / rel.with_suffix(".yaml")


def edition_path(notebook: str | Path, lang: str, *, folder: str | Path | None = None) -> Path:
    """Where the ``lang`` edition of ``notebook`` is written: ``notebooks/<lang>/<path>``.

    Examples
    --------
    >>> edition_path(notebooks_dir() / "01_relationship_marketing.ipynb", "az").parts[-2:]
    ('az', '01_relationship_marketing.ipynb')
    """
    folder = Path(folder) if folder is not None else notebooks_dir()
    return folder / _check_edition(lang) / _relative(Path(notebook), folder)


def _translatable(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown" and c.get("id") not in NAV_IDS]


def read_translation(path: str | Path) -> dict[str, dict]:
    """The entries of a translation file, ``{cell id: {"source": ..., "text": ...}}``;
    ``{}`` when the file does not exist. A malformed file raises :class:`TranslationError`."""
    from crmlab.core.yaml_lines import read_plain

    path = Path(path)
    if not path.exists():
        return {}
    data = read_plain(path, error=TranslationError)
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, dict):
        raise TranslationError(f"{path}: field 'cells' must map cell ids to entries")
    out = {}
    for cell, entry in cells.items():
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise TranslationError(f"{path}: cell {cell}: an entry needs 'source' and 'text'")
        out[str(cell)] = {"source": str(entry.get("source") or ""),
                          "text": str(entry.get("text") or "")}
    return out


def _block(text: str) -> str:
    return "\n".join(("      " + line) if line else "" for line in text.split("\n"))


def write_translation(path: str | Path, entries: dict[str, dict], *, notebook: str | Path,
                      lang: str) -> Path:
    """Write ``entries`` (in the order given) as the translation file ``path`` of ``notebook``
    (its path under ``notebooks/``), in the format translators edit by hand."""
    path, notebook = Path(path), Path(notebook)
    out = [f"# {_language_name(lang)} text of notebooks/{notebook.as_posix()}, one entry per "
           "markdown cell id.",
           "# source: fingerprint of the English text translated (see "
           "notebooks/translations/README.md).",
           f"notebook: {notebook.name}", f"language: {lang}", "cells:"]
    for cell, entry in entries.items():
        text = entry.get("text") or ""
        out.append(f'  "{cell}":')
        out.append(f"    source: {entry['source']}")
        out.append("    text: |-\n" + _block(text) if text else "    text: ''")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _language_name(lang: str) -> str:
    return {"az": "Azerbaijani", "ms": "Malay", "sl": "Slovenian"}.get(lang, lang)


def _read_notebook(path: Path):
    import nbformat
    from nbformat import ValidationError

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError, ValidationError) as exc:
        raise TranslationError(f"{path}: not a readable notebook ({exc})") from None


def check(notebook: str | Path, lang: str, *, folder: str | Path | None = None
          ) -> list[Problem]:
    """The drift of one notebook's ``lang`` translation: missing, stale and orphan cells."""
    folder = Path(folder) if folder is not None else notebooks_dir()
    notebook = Path(notebook)
    name = _relative(notebook, folder).as_posix()
    entries = read_translation(translation_path(notebook, lang, folder=folder))
    problems, ids = [], set()
    for cell in _translatable(_read_notebook(notebook)):
        ids.add(cell.id)
        entry = entries.get(cell.id)
        if not entry or not entry["text"].strip():
            problems.append(Problem(name, cell.id, "missing", lang))
        elif entry["source"] != fingerprint(cell.source):
            problems.append(Problem(name, cell.id, "stale", lang))
    problems += [Problem(name, cell, "orphan", lang) for cell in entries if cell not in ids]
    return problems


def dump(notebook: str | Path) -> str:
    """Every translatable cell of an English notebook: ``=== id  [fingerprint]`` and its text,
    what a translator works from (and the fingerprint to record with a translation)."""
    return "\n".join(f"=== {cell.id}  [{fingerprint(cell.source)}]\n{cell.source}\n"
                     for cell in _translatable(_read_notebook(Path(notebook))))


def stub(notebook: str | Path, lang: str, *, folder: str | Path | None = None) -> Path:
    """Add an entry with empty text for every untranslated cell of ``notebook``, in cell order.

    Existing entries are kept as they are (a stale one keeps its old fingerprint, so the check
    still reports it until a translator updates it); orphans are kept at the end.
    """
    folder = Path(folder) if folder is not None else notebooks_dir()
    notebook = Path(notebook)
    path = translation_path(notebook, lang, folder=folder)
    old = read_translation(path)
    entries = {}
    for cell in _translatable(_read_notebook(notebook)):
        entries[cell.id] = old.get(cell.id) or {"source": fingerprint(cell.source), "text": ""}
    entries.update({cell: entry for cell, entry in old.items() if cell not in entries})
    return write_translation(path, entries, notebook=_relative(notebook, folder), lang=lang)


def _language_cell(lang: str):
    import nbformat

    cell = nbformat.v4.new_code_cell(f'import crmlab\n\ncrmlab.set_language("{lang}")')
    cell.id = LANGUAGE_TAG
    cell.metadata["tags"] = [LANGUAGE_TAG]
    return cell


def build(notebook: str | Path, lang: str, *, folder: str | Path | None = None):
    """Return the ``lang`` edition of an English ``notebook`` as an nbformat node (unexecuted,
    navigation as in the source). A missing or stale translation raises a one-line
    :class:`TranslationError` naming the notebook, the cell and the language."""
    folder = Path(folder) if folder is not None else notebooks_dir()
    notebook = Path(notebook)
    name = _relative(notebook, folder).as_posix()
    source = _read_notebook(notebook)
    entries = read_translation(translation_path(notebook, lang, folder=folder))
    nb = copy.deepcopy(source)
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("crmlab", {})["language"] = lang
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        elif cell.cell_type == "markdown" and cell.get("id") not in NAV_IDS:
            entry = entries.get(cell.id)
            if not entry or not entry["text"].strip():
                raise TranslationError(f"{name}: cell {cell.id}: missing ({lang}): run "
                                       f"crmlab notebooks translate --lang {lang} "
                                       "--stub and translate it")
            if entry["source"] != fingerprint(cell.source):
                raise TranslationError(f"{name}: cell {cell.id}: stale ({lang}): the English "
                                       "changed since it was translated")
            cell.source = entry["text"]
        cells.append(cell)
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, _language_cell(lang))
    nb.cells = cells
    return nb


def _sources(nb) -> list[tuple]:
    # Navigation is left to the stamp, which compares it on its own.
    return [(c.get("id"), c.cell_type, c.source, sorted(c.metadata.get("tags", [])))
            for c in nb.cells if c.get("id") not in NAV_IDS]


def build_edition(lang: str, *, folder: str | Path | None = None, out: str | Path | None = None,
                  paths=None) -> list[Path]:
    """Write the ``lang`` edition of every source notebook (or of ``paths``) and stamp its
    navigation; return the notebooks whose text changed (they need executing).

    A notebook whose cells are unchanged keeps its executed outputs. ``out`` defaults to
    ``notebooks/<lang>``. Every notebook is built before any is written, so a missing
    translation leaves the edition as it was.
    """
    import nbformat

    from crmlab.publish.notebooks import stamp

    folder = Path(folder) if folder is not None else notebooks_dir()
    out = Path(out) if out is not None else folder / _check_edition(lang)
    sources = [Path(p) for p in paths] if paths else source_notebooks(folder)
    built = {path: build(path, lang, folder=folder) for path in sources}
    before = {}
    for path, nb in built.items():
        target = out / _relative(path, folder)
        if target.exists():
            before[target] = nbformat.read(target, as_version=4)
            old_nav = {c.id: c.source for c in before[target].cells if c.get("id") in NAV_IDS}
            for cell in nb.cells:
                cell.source = old_nav.get(cell.get("id"), cell.source)
    changed = []
    for path, nb in built.items():
        target = out / _relative(path, folder)
        old = before.get(target)
        if old is not None and _sources(old) == _sources(nb) \
                and old.metadata.get("crmlab") == nb.metadata.get("crmlab"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        changed.append(target)
    for path in stamp(out, lang=lang):
        if path not in changed:
            changed.append(path)
    return sorted(changed)


def content_domains() -> list:
    """The :class:`~crmlab.core.content.Domain` of every module of :data:`CONTENT_MODULES`."""
    import importlib

    return [importlib.import_module(f"crmlab.{name}").CONTENT for name in CONTENT_MODULES]


def translate(lang: str, *, paths=None, mode: str = "check", folder: str | Path | None = None
              ) -> list:
    """Check (``mode="check"``) or stub (``mode="stub"``) the ``lang`` translations of
    ``paths`` (default: every source notebook, and every content domain); return the problems
    left."""
    from crmlab.core.content import write_stub

    folder = Path(folder) if folder is not None else notebooks_dir()
    _check_edition(lang)
    problems = []
    for path in [Path(p) for p in paths] if paths else source_notebooks(folder):
        if mode == "stub":
            stub(path, lang, folder=folder)
        problems += check(path, lang, folder=folder)
    if not paths:
        for domain in content_domains():
            if mode == "stub":
                write_stub(domain, lang)
            problems += domain.problems(lang)
    return problems
