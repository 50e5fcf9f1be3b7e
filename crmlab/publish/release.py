"""``crmlab release``: the student copy of the course: what a student needs, and how to start.

What a release holds, and why, is declared in ``crmlab/publish/release_files/manifest.yaml``;
:func:`release` checks every release against it and writes nothing when a file is undeclared
or forbidden. In short:

- the lessons of both editions, without the cells tagged ``instructor`` (they read the keys);
  the datasets; the ``crmlab`` package; quizzes whose graded questions lost every field that
  reveals their key (each question type names its own: correct flags, answers, tolerances,
  matching pairings; and explanations, option feedback, the reason of a question that accepts
  any answer), while practice questions keep what their immediate feedback needs;
- the exercises as **practice copies** (solutions replaced, hidden checks removed), each opening
  with a cell in both languages that says so and where the student's own copy comes from
  (``crmlab exercises assign``): a student who tries an exercise before it is assigned sees
  how it works, and nobody mistakes the demo variant for their own;
- a student README in both languages (the default edition's first) and a student Makefile
  (``make lab``: the base dependencies, no test, cluster or hub extra; ``make check``:
  ``crmlab selfcheck``), rendered from the templates beside the manifest; ``pyproject.toml``
  and ``constraints.txt`` to install from;
- never the instructor's README, CHANGELOG, CONTRIBUTING, ``environment.yml`` (it installs the
  extras), ``course.yaml``, the instructor notebooks, translations, tests, benchmarks, deploy.

The default edition (``--lang``, English unless told) is the one ``make lab`` opens and whose
language the README starts with; both editions ship either way.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import course_dir

__all__ = ["release", "strip_quiz", "render", "student_readme", "student_makefile",
           "mark_practice", "manifest", "manifest_problems", "glob_pattern", "TEMPLATES",
           "START"]

#: The templates and the manifest of the student copy (package data of crmlab).
TEMPLATES = Path(__file__).resolve().parent / "release_files"
#: The files at the top of a release, copied as they are (the README and Makefile are made).
TOP_FILES = ("pyproject.toml", "constraints.txt")
#: The start lesson of every edition.
START = "00_start_here.ipynb"
#: The id of the first cell of a practice copy.
PRACTICE_CELL = "crmlab-practice-copy"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


# ------------------------------------------------------------------------------ templates
@cache
def _environment():
    import jinja2

    # Markdown and a Makefile, not HTML: nothing is escaped. trim_blocks drops the line end
    # after a comment or a block tag, as a reader of the template expects.
    return jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, keep_trailing_newline=True)


def render(template: str, *, lang: str, name: str = "template", **fields) -> str:
    """Render a Jinja2 template of the student copy: ``{{ field }}`` is one of ``fields`` (or
    ``lang``), ``{{ _("key") }}`` the catalog's entry ``key`` in ``lang`` (its ``{field}``
    placeholders filled from ``fields``), ``{# ... #}`` a comment; ``name`` names the template
    in errors.

    Examples
    --------
    >>> render('{# note #}\\n{{ _("quiz.check") }}: {{ lesson }}', lang="az", lesson="L00")
    'Yoxla: L00'
    >>> render("{{ lesson }}", lang="en", name="T", edition="az")
    Traceback (most recent call last):
    ...
    ValueError: T: Got field 'lesson' instead, expected one of edition, lang.
    """
    import jinja2
    from jinja2 import meta

    from crmlab.core.i18n import message

    values = {"lang": lang, **fields}
    environment = _environment()
    try:
        unknown = meta.find_undeclared_variables(environment.parse(template)) - {"_", *values}
        compiled = environment.from_string(template)
    except jinja2.TemplateSyntaxError as error:
        raise ValueError(f"{name}:{error.lineno}: {error.message}") from None
    if unknown:
        raise ValueError(f"{name}: Got field {min(unknown)!r} instead, expected one of "
                         f"{', '.join(sorted(values))}.")
    return compiled.render(_=lambda key: message(key, lang=lang, **fields), **values)


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _start(lang: str) -> str:
    return f"notebooks/{START}" if lang == "en" else f"notebooks/{lang}/{START}"


def _editions(lang: str) -> list[str]:
    """The release's languages, the default first."""
    from crmlab.core.i18n import LANGUAGES

    return [lang, *(other for other in LANGUAGES if other != lang)]


def student_readme(*, lang: str = "en") -> str:
    """The student README: one section per language, ``lang``'s (the default edition) first.

    Examples
    --------
    >>> text = student_readme(lang="az")
    >>> text.splitlines()[0]
    '[Azərbaycanca](#az) · [English](#en)'
    >>> text.index("## Kursun açılması") < text.index("## Open the course")
    True
    >>> "notebooks/az/00_start_here.ipynb" in text, "crmlab grade" in text
    (True, False)
    """
    from crmlab.core.i18n import LANGUAGE_NAMES

    languages = _editions(lang)
    switch = " · ".join(f"[{LANGUAGE_NAMES[code]}](#{code})" for code in languages)
    template = _template("README.md.tmpl")
    sections = [render(template, lang=code, name="README.md.tmpl", start=_start(lang),
                       other=languages[1]) for code in languages]
    return switch + "\n\n" + "\n---\n\n".join(sections)


def student_makefile(*, lang: str = "en") -> str:
    """The student Makefile; ``make lab`` opens the start lesson of the edition ``lang``.

    Examples
    --------
    >>> text = student_makefile(lang="az")
    >>> "EDITION ?= az" in text, "\\ntest:" in text, "[test" in text
    (True, False, False)
    """
    return render(_template("Makefile.tmpl"), lang="en", name="Makefile.tmpl", edition=lang)


# ------------------------------------------------------------------------------ practice copies
def mark_practice(nb: dict, *, stem: str, lang: str) -> dict:
    """Return a practice copy of an exercise's student notebook (a new dict): a first markdown
    cell in both languages, ``lang``'s first, says it runs on the demo variant and where the
    student's own copy comes from.

    Examples
    --------
    >>> marked = mark_practice({"cells": [], "metadata": {}}, stem="rfm_pyramid", lang="az")
    >>> marked["cells"][0]["source"].startswith("**Məşq nüsxəsi.**")
    True
    >>> "rfm_pyramid__YOUR-ID.ipynb" in marked["cells"][0]["source"]
    True
    """
    from crmlab.core.i18n import message

    text = "\n\n---\n\n".join(message("release.practice.cell", lang=code, stem=stem)
                              for code in _editions(lang))
    cell = {"cell_type": "markdown", "id": PRACTICE_CELL, "metadata": {}, "source": text}
    return {**nb, "cells": [cell, *nb["cells"]]}


def _release_exercises(folder: Path, *, source: Path, lang: str) -> None:
    """Practice copies of the edition ``lang``'s exercises, and the folder's README."""
    from crmlab.core.i18n import message
    from crmlab.exercises import release as release_exercises

    for path in release_exercises(folder, source=source, lang=lang):
        nb = json.loads(path.read_text(encoding="utf-8"))
        marked = mark_practice(nb, stem=path.stem, lang=lang)
        path.write_text(json.dumps(marked, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    (folder / "README.md").write_text(
        message("release.practice.readme", lang=lang) + "\n"
        + message("exercises.steps", lang=lang), encoding="utf-8")


# ------------------------------------------------------------------------------ the manifest
@cache
def manifest() -> dict:
    """The release manifest: ``{"ships": [...], "never": [...]}``, each entry a ``glob``, why,
    and for a forbidden file that still ships, ``pending`` (the issue that removes it)."""
    import yaml

    return yaml.safe_load((TEMPLATES / "manifest.yaml").read_text(encoding="utf-8"))


def glob_pattern(glob: str) -> re.Pattern:
    """The regular expression of a manifest glob over ``/``-separated relative paths: ``*``
    and ``?`` stay within a folder, ``**/`` spans any number of folders, ``/**`` everything
    below.

    Examples
    --------
    >>> [bool(glob_pattern("crmlab/**/*.py").match(p))
    ...  for p in ("crmlab/cli.py", "crmlab/core/paths.py", "crmlab/data/x.yaml")]
    [True, True, False]
    >>> bool(glob_pattern("notebooks/*.ipynb").match("notebooks/az/00_start_here.ipynb"))
    False
    """
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out, i = out + "/.*", i + 3
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out + r"\Z")


def manifest_problems(folder: str | Path, *, pending: bool = False) -> list[str]:
    """Every file of the release in ``folder`` that no ``ships`` glob declares, or that a
    ``never`` glob forbids, as ``path: reason``; forbidden files whose entry is ``pending``
    only when ``pending`` is true."""
    folder = Path(folder)
    ships = [glob_pattern(entry["glob"]) for entry in manifest()["ships"]]
    never = [(glob_pattern(entry["glob"]), entry) for entry in manifest()["never"]
             if pending or not entry.get("pending")]
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        for pattern, entry in never:
            if pattern.match(name):
                problems.append(f"{name}: never released ({entry['glob']}: {entry['why']})")
                break
        else:
            if not any(pattern.match(name) for pattern in ships):
                problems.append(f"{name}: not declared in {TEMPLATES / 'manifest.yaml'}")
    return problems


# ------------------------------------------------------------------------------ the release
def strip_quiz(data: dict) -> dict:
    """Return the student version of a parsed quiz file (a new dict; the input is unchanged).

    A graded question loses the key fields of its type (:func:`crmlab.quiz.schema.key_fields`),
    in the question and in every item it lists.

    Examples
    --------
    >>> quiz = {"id": "X", "mode": "graded", "questions": [
    ...     {"id": "q", "type": "truefalse", "prompt": "P", "answer": True, "explanation": "E"}]}
    >>> strip_quiz(quiz)["questions"]
    [{'id': 'q', 'type': 'truefalse', 'prompt': 'P'}]
    >>> quiz["questions"][0]["answer"]
    True
    """
    from crmlab.quiz.schema import key_fields

    out = {k: v for k, v in data.items() if k != "questions"}
    out["released"] = True
    questions = []
    for q in data.get("questions", []):
        if q.get("mode", data.get("mode", "practice")) != "graded":
            questions.append(q)
            continue
        secret = key_fields(q["type"])
        stripped = {}
        for name, value in q.items():
            if name in secret:
                continue
            if isinstance(value, list) and all(isinstance(item, dict) for item in value):
                value = [{k: v for k, v in item.items() if k not in secret} for item in value]
            stripped[name] = value
        questions.append(stripped)
    out["questions"] = questions
    return out


def _drop_instructor_cells(folder: Path) -> None:
    """Rewrite every lesson notebook in ``folder`` that has cells for the instructor only."""
    from crmlab.publish.notebooks import student_copy

    for path in sorted(folder.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        kept = student_copy(nb)
        if len(kept["cells"]) != len(nb["cells"]):
            path.write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")


def release(out: str | Path, *, source: str | Path | None = None, lang: str = "en") -> Path:
    """Write the student copy of the course into ``out`` (which must not exist yet, or be
    empty); ``lang`` is its default edition (see the module docstring).

    Nothing is left in ``out`` when the quizzes are invalid, an exercise cannot be released or
    a file breaks the manifest (the error names the first such file).
    """
    from crmlab.core.i18n import check_language

    # Imported before anything is written: a broken exercise package fails the release, it
    # never ships one without exercises.
    from crmlab.exercises import release as _  # noqa: F401
    from crmlab.publish.translations import editions
    from crmlab.quiz import validate

    lang = check_language(lang)
    source = Path(source) if source else course_dir()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise CrmlabError(f"{out}: the release folder exists and is not empty")
    if lang != "en" and lang not in editions():
        raise CrmlabError(f"{source / 'notebooks' / lang}: no {lang} edition to release")
    problems = validate([source / "quizzes"])
    if problems:
        raise CrmlabError(f"quizzes are not valid, nothing released: {problems[0]}")
    existed = out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        _write(out, source=source, lang=lang, editions=editions())
        problems = manifest_problems(out)
        if problems:
            raise CrmlabError(f"{problems[0]}; nothing released"
                              + (f" ({len(problems) - 1} more)" if len(problems) > 1 else ""))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        if existed:
            out.mkdir()
        raise
    return out


def _write(out: Path, *, source: Path, lang: str, editions) -> None:
    import yaml

    from crmlab.core.yaml_lines import read_plain
    from crmlab.quiz import quiz_files

    shutil.copytree(source / "crmlab", out / "crmlab", ignore=_IGNORE)
    shutil.copytree(source / "datasets", out / "datasets", ignore=_IGNORE)
    for name in TOP_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, out / name)
    (out / "README.md").write_text(student_readme(lang=lang), encoding="utf-8")
    (out / "Makefile").write_text(student_makefile(lang=lang), encoding="utf-8")
    notebooks = out / "notebooks"
    # "exercises" matches at every level: the editions' exercise folders hold solutions too.
    shutil.copytree(source / "notebooks", notebooks,
                    ignore=shutil.ignore_patterns("instructor", "exercises", "translations",
                                                  ".*"))
    _drop_instructor_cells(notebooks)
    for edition in ("en", *editions):
        exercises = Path(*(("notebooks",) if edition == "en" else ("notebooks", edition)),
                         "exercises")
        if (source / exercises).is_dir():
            _release_exercises(out / exercises, source=source / exercises, lang=edition)
    (out / "quizzes").mkdir()
    for path in quiz_files(source / "quizzes"):
        data = read_plain(path, error=CrmlabError)
        (out / "quizzes" / path.name).write_text(
            yaml.safe_dump(strip_quiz(data), allow_unicode=True, sort_keys=False),
            encoding="utf-8")
