"""``crmlab release``: the student copy of the course, without answer keys or solutions.

Graded questions lose every field that reveals their key (each question type names its own:
correct flags, answers, tolerances, matching pairings; and explanations, option feedback, the
reason of a question that accepts any answer); practice questions keep what their immediate
feedback needs. Instructor notebooks, exercise solutions and the cells of a lesson tagged
``instructor`` (they read the keys) never enter a release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import course_dir

__all__ = ["release", "strip_quiz"]

TOP_FILES = ("README.md", "pyproject.toml", "constraints.txt", "environment.yml", "Makefile",
             "CHANGELOG.md")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


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
    import json

    from crmlab.publish.notebooks import student_copy

    for path in sorted(folder.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        kept = student_copy(nb)
        if len(kept["cells"]) != len(nb["cells"]):
            path.write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")


def release(out: str | Path, *, source: str | Path | None = None) -> Path:
    """Write the student copy of the course into ``out`` (which must not exist yet)."""
    import yaml

    from crmlab.core.yaml_lines import read_plain

    # Imported before anything is written: a broken exercise package fails the release, it
    # never ships one without exercises.
    from crmlab.exercises import release as release_exercises
    from crmlab.publish.translations import editions
    from crmlab.quiz import quiz_files, validate

    source = Path(source) if source else course_dir()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise CrmlabError(f"{out}: the release folder exists and is not empty")
    problems = validate([source / "quizzes"])
    if problems:
        raise CrmlabError(f"quizzes are not valid, nothing released: {problems[0]}")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "crmlab", out / "crmlab", ignore=_IGNORE)
    shutil.copytree(source / "datasets", out / "datasets", ignore=_IGNORE)
    for name in TOP_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, out / name)
    notebooks = out / "notebooks"
    # "exercises" matches at every level: the editions' exercise folders hold solutions too.
    shutil.copytree(source / "notebooks", notebooks,
                    ignore=shutil.ignore_patterns("instructor", "exercises", "translations",
                                                  ".ipynb_checkpoints"))
    _drop_instructor_cells(notebooks)
    release_exercises(notebooks / "exercises")
    for lang in editions():
        if (source / "notebooks" / lang / "exercises").is_dir():
            release_exercises(notebooks / lang / "exercises",
                              source=source / "notebooks" / lang / "exercises", lang=lang)
    (out / "quizzes").mkdir()
    for path in quiz_files(source / "quizzes"):
        data = read_plain(path, error=CrmlabError)
        (out / "quizzes" / path.name).write_text(
            yaml.safe_dump(strip_quiz(data), allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    return out
