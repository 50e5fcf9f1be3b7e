"""What the ``crmlab`` commands read besides their arguments: environment variables and the
course's files, each declared once, and the ``--help`` epilog that names them.

Each :class:`Source` says where it is read (``read_in``: the functions that read it, dotted);
``tests/test_cli_env.py`` keeps that true (it finds every read of the environment in
``crmlab/`` and every path function of :mod:`crmlab.core.paths`) and checks that each command's
``--help`` names every source its handler can reach. A command declares what it reads with
``**reads(...)`` on its parser.

Examples
--------
>>> print(epilog(["CRMLAB_INSTRUCTOR_SECRET"]))
environment and files:
  CRMLAB_INSTRUCTOR_SECRET  the instructor secret behind every student's
                            exercise seed and quiz data variant (at least 8
                            characters; --secret-file FILE instead)
  CRMLAB_LANG, CRMLAB_HOME/config.json
                            the language of messages, as for every command
                            (crmlab --help)
>>> reads("nowhere/")
Traceback (most recent call last):
...
ValueError: Got source='nowhere/' instead, expected one of the sources declared in crmlab/cli/env.py.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

__all__ = ["Source", "VARIABLES", "FILES", "SOURCES", "ALWAYS", "reads", "epilog",
           "overview", "HelpFormatter"]


@dataclass(frozen=True)
class Source:
    """An environment variable or a course file a command reads without being told."""

    name: str
    meaning: str
    read_in: tuple[str, ...]


#: Every environment variable crmlab reads, and the functions that read it.
VARIABLES = (
    Source("CRMLAB_HOME", "your own crmlab folder: settings (student id, language), saved "
           "answers, exercise data variants (default ~/.crmlab)",
           ("crmlab.core.paths.home_dir", "crmlab.publish.notebooks.execute")),
    Source("CRMLAB_LANG", "the language of crmlab's messages for this run (en, az), before the "
           "saved setting", ("crmlab.core.i18n.get_language",)),
    Source("CRMLAB_COURSE_DIR", "the course folder (default: the one holding this crmlab, "
           "else the nearest folder up that holds the course's data and quizzes)",
           ("crmlab.core.paths.course_dir",)),
    Source("CRMLAB_INSTRUCTOR_SECRET", "the instructor secret behind every student's exercise "
           "seed and quiz data variant (at least 8 characters; --secret-file FILE instead)",
           ("crmlab.exercises.assignment.load_secret", "crmlab.grading.collect._optional_secret")),
    Source("CRMLAB_VARIANTS", "a folder of prepared exercise data variants, one per seed (the "
           "grader sets it for its kernels)", ("crmlab.exercises.checks._variant_dir",)),
    Source("CRMLAB_EXERCISE_RESULTS", "a file each exercise check appends its verdict to (one "
           "JSON line)", ("crmlab.exercises.checks._record",)),
    Source("CRMLAB_SANDBOX_BATCH", "a name for one grading batch: its kernels carry it, so "
           "whoever runs the grader can find them", ("crmlab.grading.sandbox.Sandbox.__init__",)),
    Source("CRMLAB_SANDBOX_JOB", "set by the exercise grader in each kernel it starts: an "
           "exercise check there never loads the instructor's keys",
           ("crmlab.exercises.checks._instructor_keys", "crmlab.exercises.checks._visible_verdict")),
    Source("CRMLAB_COLLECT_URL", "the hub's collection service (the hub sets it in every "
           "student's server)", ("crmlab.quiz.submit.collect_url",)),
    Source("JUPYTERHUB_USER", "set by JupyterHub in a student's server: the hub user name is "
           "the student id", ("crmlab.student.hub_user",)),
    Source("JUPYTERHUB_API_URL", "set by JupyterHub in a student's server: the hub's "
           "API, which tells crmlab it runs inside the hub", ("crmlab.student.hub_user",)),
    Source("JUPYTERHUB_API_TOKEN", "set by JupyterHub in a student's server: sends a "
           "submission as that user", ("crmlab.student.hub_user",
                                       "crmlab.quiz.submit.call_service")),
    Source("JUPYTERHUB_SERVICE_URL", "set by JupyterHub for its services: where the collection "
           "service listens", ("crmlab.publish.hub_service.serve",)),
    Source("JUPYTERHUB_SERVICE_PREFIX", "set by JupyterHub for its services: the collection "
           "service's URL path", ("crmlab.publish.hub_service.serve",)),
)

#: Every file or folder of the course and of CRMLAB_HOME found by its place, not given as an
#: argument, and the path function of :mod:`crmlab.core.paths` that finds it.
FILES = (
    Source("course.yaml", "the course file at the course root (assessments, weights, "
           "deadlines, extensions)", ("crmlab.core.paths.course_file",)),
    Source("quizzes/", "the course's quiz files (with their keys, in an instructor's copy)",
           ("crmlab.core.paths.quizzes_dir",)),
    Source("datasets/", "the course's data", ("crmlab.core.paths.datasets_dir",)),
    Source("notebooks/", "the course's notebooks: lessons, notebooks/<lang>/ editions, "
           "exercises", ("crmlab.core.paths.notebooks_dir",)),
    Source("notebooks/instructor/exercise_keys.py", "the instructor's exercise keys: the "
           "expected value of every exercise check (never in a student's copy)",
           ("crmlab.core.paths.exercise_keys_file",)),
    Source("notebooks/instructor/quiz_keys.py", "the instructor's quiz keys: each student's key "
           "of a graded number of one's own (never in a student's copy)",
           ("crmlab.core.paths.quiz_keys_file",)),
    Source("CRMLAB_HOME/config.json", "your settings: student id and language",
           ("crmlab.core.paths.settings_file",)),
    Source("CRMLAB_HOME/answers/", "your saved quiz answers, one file per quiz",
           ("crmlab.core.paths.answers_dir",)),
    Source("CRMLAB_HOME/variants/", "exercise data variants made on demand",
           ("crmlab.core.paths.variants_dir",)),
)

#: Every source by its name.
SOURCES = {source.name: source for source in VARIABLES + FILES}

#: What every command reads: importing crmlab sets the language (CRMLAB_LANG, else the saved
#: one), so it is named once, in one line, under every command.
ALWAYS = ("CRMLAB_LANG", "CRMLAB_HOME/config.json")
_ALWAYS_LINE = "the language of messages, as for every command (crmlab --help)"

_NAME_WIDTH = 28
_WIDTH = 78  # argparse's width on an 80-column terminal


def _entry(name: str, meaning: str) -> list[str]:
    lines = textwrap.wrap(meaning, _WIDTH - _NAME_WIDTH, break_on_hyphens=False)
    head = f"  {name}"
    if len(head) >= _NAME_WIDTH:
        return [head] + [" " * _NAME_WIDTH + line for line in lines]
    return [head.ljust(_NAME_WIDTH) + lines[0]] + [" " * _NAME_WIDTH + line
                                                     for line in lines[1:]]


def _checked(names) -> list[str]:
    for name in names:
        if name not in SOURCES:
            raise ValueError(f"Got source={name!r} instead, expected one of the sources "
                             "declared in crmlab/cli/env.py.")
    return list(names)


def epilog(names, *, before: str = "") -> str:
    """The block naming ``names`` (declared sources) and, last, :data:`ALWAYS`; ``before``, a
    text of the command's own, comes first."""
    lines = ["environment and files:"]
    for name in _checked(names):
        # a source the command's own text already explains is not explained twice
        if name not in ALWAYS and name not in before:
            lines += _entry(name, SOURCES[name].meaning)
    lines += _entry(", ".join(ALWAYS), _ALWAYS_LINE)
    block = "\n".join(lines)
    return f"{before.rstrip()}\n\n{block}" if before else block


def reads(*names: str, before: str = "") -> dict:
    """The keywords of ``add_parser`` for a command that reads ``names``: its epilog and the
    formatter that keeps the epilog's columns."""
    return {"epilog": epilog(names, before=before), "formatter_class": HelpFormatter}


def overview() -> str:
    """``crmlab --help``'s epilog: every variable and file, what it is."""
    lines = ["environment variables:"]
    for source in VARIABLES:
        lines += _entry(source.name, source.meaning)
    lines += ["", "files found by their place (not given as arguments):"]
    for source in FILES:
        lines += _entry(source.name, source.meaning)
    return "\n".join(lines)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that a paragraph of the description or epilog whose lines
    after the first are indented (a table such as ``reads:``) is kept as written."""

    def _fill_text(self, text, width, indent):
        paragraphs = text.strip("\n").split("\n\n")
        out = []
        for paragraph in paragraphs:
            lines = paragraph.split("\n")
            if len(lines) > 1 and all(line.startswith(" ") for line in lines[1:] if line):
                out.append("\n".join(indent + line for line in lines))
            else:  # as argparse fills, but a path such as set-aside/ is never cut at its hyphen
                out.append(textwrap.fill(" ".join(paragraph.split()), width,
                                         initial_indent=indent, subsequent_indent=indent,
                                         break_on_hyphens=False, break_long_words=False))
        return "\n\n".join(out)
