"""Quizzes: data in ``quizzes/*.yaml``, one schema, one widget, one grader.

- :func:`load` reads and validates a quiz (by id, e.g. ``"L02"``, or by path);
- :func:`show` renders it with ipywidgets in JupyterLab;
- :func:`record` saves one answer to disk at once and returns the feedback the student may see
  (practice questions: right or wrong, with the explanation; graded ones: only "saved");
- :func:`validate` lists the problems of quiz files as ``FILE:LINE: QUESTION_ID: message``.

Examples
--------
>>> import os, tempfile
>>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
>>> quiz = load("L00")
>>> quiz.id, len(quiz.questions) >= 6
('L00', True)
>>> feedback = record("L00", "run-order", "restart")
>>> feedback.saved, feedback.correct
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmlab.course.quiz.schema import Question, Quiz, load_file, text, validate_file
from crmlab.exceptions import QuizError
from crmlab.paths import quizzes_dir

__all__ = ["load", "show", "record", "validate", "Feedback", "Quiz", "Question", "quiz_files"]


def quiz_files(folder: str | Path | None = None) -> list[Path]:
    """Every quiz file of the course, sorted."""
    return sorted(Path(folder or quizzes_dir()).glob("*.yaml"))


def _resolve(quiz: str | Path) -> Path:
    path = Path(quiz)
    if path.suffix in (".yaml", ".yml"):
        return path
    candidate = quizzes_dir() / f"{quiz}.yaml"
    if not candidate.is_file():
        known = ", ".join(repr(p.stem) for p in quiz_files())
        raise QuizError(f"Unknown quiz {str(quiz)!r}; expected one of {known}")
    return candidate


_CACHE: dict[Path, tuple[float, Quiz]] = {}


def load(quiz: str | Path) -> Quiz:
    """Load and validate a quiz by id (``"L02"``) or path; raise QuizError on any problem."""
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


def validate(paths=None) -> list[str]:
    """Return the problems of the given quiz files (default: all of ``quizzes/``)."""
    files = []
    for item in paths or [quizzes_dir()]:
        item = Path(item)
        files.extend(quiz_files(item) if item.is_dir() else [item])
    problems = []
    for path in files:
        problems.extend(validate_file(path))
    return problems


@dataclass(frozen=True)
class Feedback:
    """What the student may see after answering."""

    saved: bool
    mode: str
    correct: bool | None = None
    points: float | None = None
    max_points: float | None = None
    explanation: str = ""
    option_feedback: tuple[str, ...] = ()


def record(quiz_id: str, question_id: str, answer, *, lang: str = "en") -> Feedback:
    """Save one answer of the current student at once, then return the feedback.

    The answer is validated first (unknown question, option, pair or choice ids raise a
    QuizError naming them) and written atomically, so it survives a killed kernel. Practice
    questions get their verdict and explanation; graded questions only ``saved=True``.
    """
    from crmlab.course.quiz.scoring import check_answer, score
    from crmlab.course.quiz.storage import save_answer
    from crmlab.course.student import get_id

    quiz = load(quiz_id)
    question = quiz.question(question_id)
    canonical = check_answer(question, answer)
    save_answer(get_id(), quiz.id, question.id, canonical)
    if question.mode == "graded" or not question.has_key:
        return Feedback(saved=True, mode=question.mode)
    verdict = score(question, canonical)
    chosen = canonical if isinstance(canonical, list) else [canonical]
    notes = tuple(text(o.feedback, lang) for o in question.options
                  if o.id in chosen and o.feedback)
    return Feedback(saved=True, mode="practice", correct=verdict.correct, points=verdict.points,
                    max_points=verdict.max_points, explanation=text(question.explanation, lang),
                    option_feedback=notes)


def show(quiz: str | Path, *, lang: str | None = None):
    """Render a quiz in JupyterLab (ipywidgets), e.g. ``quiz.show("L02")``."""
    from crmlab.course.quiz.widget import QuizView

    return QuizView(load(quiz), lang=lang)
