"""Quiz files to :class:`~crmlab.quiz.model.Quiz` objects: find, validate, build, cache.

- :func:`quiz_files` lists the quiz files of a folder;
- :func:`load` reads a quiz by id (``"L02"``) or path, validated, cached until the file changes;
- :func:`validate` lists the problems of quiz files as ``FILE:LINE: QUESTION_ID: message``
  (:func:`quiz_targets`: the files it checks);
- :func:`load_file` and :func:`build_quiz` build the objects (each question type builds its
  own parts).
"""

from __future__ import annotations

from pathlib import Path

from crmlab.core.exceptions import QuizError
from crmlab.core.paths import quizzes_dir
from crmlab.core.validation import check_choice
from crmlab.quiz.model import Question, Quiz

# The schema, the YAML parser and the question types load with the first quiz read, so that a
# lesson's `from crmlab import quiz` stays light (`make bench` measures the import).

__all__ = ["quiz_files", "quiz_targets", "load", "load_file", "build_quiz", "validate"]


def quiz_files(folder: str | Path | None = None) -> list[Path]:
    """Every quiz file of the course (or of ``folder``), sorted."""
    return sorted(Path(folder or quizzes_dir()).glob("*.yaml"))


def build_quiz(data: dict, path: Path | None = None) -> Quiz:
    """Build a Quiz from the plain mapping of a valid quiz file."""
    from crmlab.quiz.types import get_type

    default_mode = data.get("mode", "practice")
    quiz_shuffle = data.get("shuffle", True)
    questions = []
    for q in data["questions"]:
        tags = q.get("tags", {})
        if isinstance(tags, list):
            tags = {"topic": ", ".join(map(str, tags))}
        questions.append(Question(
            id=str(q["id"]), type=q["type"], prompt=q["prompt"],
            mode=q.get("mode", default_mode), points=float(q.get("points", 1)),
            explanation=q.get("explanation"), shuffle=q.get("shuffle", quiz_shuffle),
            tags={"lesson": data.get("lesson", ""), **tags}, note=q.get("note"),
            accept_any=q.get("accept_any"), garbled=tuple(q.get("garbled", ())),
            variant=q.get("variant", "shared"),
            inputs={name: tuple(spec) for name, spec in q.get("inputs", {}).items()},
            **get_type(q["type"]).build(q),
        ))
    return Quiz(id=data["id"], title=data["title"], languages=tuple(data.get("languages", ["en"])),
                questions=tuple(questions), path=path, lesson=data.get("lesson", ""),
                mode=default_mode, description=data.get("description"),
                released=data.get("released", False))


def load_file(path: str | Path) -> Quiz:
    """Load and validate one quiz file; raise QuizError with the first problem."""
    from crmlab.core.yaml_lines import plain
    from crmlab.quiz.schema import read_quiz

    path = Path(path)
    data, problems = read_quiz(path)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise QuizError(problems[0] + more)
    return build_quiz(plain(data), path)


def _resolve(quiz: str | Path) -> Path:
    path = Path(quiz)
    if path.suffix in (".yaml", ".yml"):
        return path
    candidate = quizzes_dir() / f"{quiz}.yaml"
    if not candidate.is_file():
        check_choice("quiz", str(quiz), [p.stem for p in quiz_files()], error=QuizError)
    return candidate


_CACHE: dict[Path, tuple[float, Quiz]] = {}


def load(quiz: str | Path) -> Quiz:
    """Load and validate a quiz by id (``"L02"``) or path; raise QuizError on any problem.

    Examples
    --------
    >>> quiz = load("L00")
    >>> quiz.id, quiz.question("run-order").type
    ('L00', 'single')
    """
    path = _resolve(quiz)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise QuizError(f"{path}: quiz file not found") from None
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    loaded = load_file(path)
    _CACHE[path] = (mtime, loaded)
    return loaded


def quiz_targets(paths=None) -> tuple[list[Path], list[str]]:
    """The quiz files that ``paths`` (files or folders; default ``quizzes/``) name, and a
    problem for each folder that holds none: a check of nothing must not pass.

    Examples
    --------
    >>> import tempfile
    >>> files, problems = quiz_targets([tempfile.mkdtemp()])
    >>> files, problems[0].endswith(": nothing to validate: no quiz file (*.yaml) in this folder")
    ([], True)
    """
    files, problems = [], []
    for item in paths or [quizzes_dir()]:
        item = Path(item)
        if item.is_dir():
            found = quiz_files(item)
            if not found:
                problems.append(f"{item}: nothing to validate: no quiz file (*.yaml) in this "
                                "folder")
            files.extend(found)
        else:
            files.append(item)
    return files, problems


def validate(paths=None) -> list[str]:
    """Return the problems of the given quiz files or folders (default: all of ``quizzes/``),
    each quiz held to the course's languages (:data:`crmlab.core.i18n.LANGUAGES`); a folder
    without quiz files is a problem too."""
    from crmlab.quiz.schema import validate_file

    files, problems = quiz_targets(paths)
    for path in files:
        problems.extend(validate_file(path, course=True))
    return problems
