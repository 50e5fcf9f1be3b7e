"""``crmlab selfcheck`` (``make check`` in a student copy): does this computer run the course?

Six checks, each a :class:`Check` (a name, whether it passed, what was found or what went
wrong); the command renders them in the student's language. In a minute or less, without
opening JupyterLab:

- ``course``: the course folder holds the data, the quizzes and the start lesson;
- ``home``: ``CRMLAB_HOME`` can be written (a file written there and removed);
- ``labsettings``: JupyterLab's keyboard settings for quizzes are installed in this environment
  (``crmlab labsettings``);
- ``kernel``: a ``python3`` kernel starts, and runs this environment's Python;
- ``imports``: the start lesson's imports, and the lesson stack's, work in that kernel;
- ``quiz``: the start lesson's quiz widget builds there, and an answer to it is saved and read
  back, in a scratch ``CRMLAB_HOME`` (the student's own answers are never touched).

The last three run in one kernel; when it does not start they are not checked.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Check", "selfcheck", "lesson_imports", "start_lesson", "START", "STACK"]

#: The start lesson, in every edition.
START = "00_start_here.ipynb"
#: What every lesson needs beyond the start lesson's own imports.
STACK = ("pandas", "matplotlib.pyplot", "ipywidgets")

#: Run in the kernel: which Python it is.
_WHICH = "import json, sys\nprint(json.dumps([sys.prefix, sys.executable]))"
#: Run in the kernel: the start quiz's widget built, and the right answer to its first practice
#: question saved and read back.
_QUIZ = """\
from crmlab import quiz
from crmlab.quiz.storage import read_answers
from crmlab.quiz.types import get_type
view = quiz.show("L00")
first = next(q for q in view.quiz.questions if q.mode == "practice")
assert quiz.record("L00", first.id, get_type(first.type).right_answer(first)).correct
assert first.id in read_answers(view.student, "L00")["answers"]
"""


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ``passed`` is None when it could not run; ``detail`` is what
    was found (a path, an executable) or what went wrong, ``code`` names a failure that has a
    fix of its own (``other_python``: the kernel is another environment's)."""

    name: str
    passed: bool | None
    detail: str = ""
    code: str = ""


def lesson_imports(path: str | Path) -> list[str]:
    """The import statements of a notebook's code cells, in order, each once.

    Examples
    --------
    >>> from crmlab.core.paths import notebooks_dir
    >>> lesson_imports(notebooks_dir() / START)[:2]
    ['import crmlab', 'from crmlab import student']
    """
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(source)
        except SyntaxError:  # an IPython magic: not Python, and not an import
            continue
        found += [ast.unparse(node) for node in tree.body
                  if isinstance(node, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(found))


def start_lesson() -> Path:
    """The start lesson of the student's language's edition, else the English one."""
    from crmlab.core.i18n import get_language
    from crmlab.core.paths import edition_dir

    own = edition_dir(get_language()) / START
    return own if own.is_file() else edition_dir("en") / START


def _course() -> Check:
    from crmlab.core.paths import course_dir, datasets_dir, quizzes_dir

    missing = [str(path) for path, pattern in ((datasets_dir(), "*.csv"),
                                               (quizzes_dir(), "*.yaml"))
               if not any(path.glob(pattern))]
    if not start_lesson().is_file():
        missing.append(str(start_lesson()))
    if missing:
        return Check("course", False, ", ".join(missing))
    return Check("course", True, str(course_dir()))


def _home() -> Check:
    from crmlab.core.paths import home_dir

    home = home_dir()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".selfcheck-"):
            pass
    except OSError as exc:
        return Check("home", False, f"{exc.filename or home}: {exc.strerror or exc}")
    return Check("home", True, str(home))


def _labsettings() -> Check:
    from crmlab.publish.labsettings import overrides_path

    path = overrides_path(Path(sys.prefix))
    return Check("labsettings", path.is_file(), str(path))


def _error(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output['ename']}: {output['evalue']}"
    return None


def _in_kernel(*, timeout: int) -> list[Check]:
    import nbformat
    from nbclient import NotebookClient

    start = start_lesson()
    imports = "\n".join([*lesson_imports(start), *(f"import {name}" for name in STACK)])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in (_WHICH, imports, _QUIZ)]
    with tempfile.TemporaryDirectory(prefix="crmlab-selfcheck-") as scratch:
        client = NotebookClient(nb, timeout=timeout, startup_timeout=timeout,
                                kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(start.parent)}})
        try:
            # the kernel's own log (a warning about TCP) is not the student's business
            client.execute(env=dict(os.environ, CRMLAB_HOME=scratch), stderr=subprocess.DEVNULL)
        except Exception as exc:  # noqa: BLE001  (whatever stops a kernel is the answer)
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            return [Check("kernel", False, reason), Check("imports", None),
                    Check("quiz", None)]
    which, imported, quizzed = nb.cells
    problem = _error(which)
    if problem:
        kernel = Check("kernel", False, problem)
    else:
        prefix, executable = json.loads(which.outputs[0]["text"])
        if os.path.realpath(prefix) == os.path.realpath(sys.prefix):
            kernel = Check("kernel", True, executable)
        else:
            kernel = Check("kernel", False, executable, "other_python")
    checks = [kernel]
    for name, cell in (("imports", imported), ("quiz", quizzed)):
        problem = _error(cell)
        checks.append(Check(name, problem is None, problem or ""))
    return checks


def selfcheck(*, timeout: int = 60) -> list[Check]:
    """Run every check (see the module docstring); ``timeout`` bounds the kernel's start and
    each of its cells, in seconds."""
    return [_course(), _home(), _labsettings(), *_in_kernel(timeout=timeout)]
