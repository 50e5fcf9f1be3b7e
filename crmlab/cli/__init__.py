"""The ``crmlab`` command: a thin layer that parses arguments and calls the library.

Each sub-command group lives in its own module of this package and exposes
``register(subparsers)``; the handler it sets with ``set_defaults(func=...)`` receives the parsed
arguments and returns the exit code. User mistakes (any :class:`~crmlab.core.exceptions.CrmlabError`,
or a missing file) become one line on stderr and exit code 1, never a traceback.

Every command of the course is here: the students', the instructor's, and the maintainers'
(``crmlab notebooks``, ``crmlab site``, ``crmlab labsettings``, ``crmlab hub-service``). The
``python -m crmlab.notebooks`` spelling is an alias of ``crmlab notebooks``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from crmlab import __version__
from crmlab.core import i18n
from crmlab.core.exceptions import CrmlabError
from crmlab.core.i18n import set_language

# Sub-command modules, imported when the parser is built. Each one only imports the library
# modules it needs inside its handlers, so `crmlab --help` stays fast.
COMMAND_MODULES = [
    "crmlab.cli.lessons",
    "crmlab.cli.datasets",
    "crmlab.cli.quiz",
    "crmlab.cli.grade",
    "crmlab.cli.exercises",
    "crmlab.cli.course",
    "crmlab.cli.schema",
    "crmlab.cli.notebooks",
    "crmlab.cli.site",
    "crmlab.cli.labsettings",
    "crmlab.cli.hub",
    "crmlab.cli.regrades",
    "crmlab.cli.selfcheck",
]


def build_parser() -> argparse.ArgumentParser:
    """The ``crmlab`` parser with every sub-command group registered."""
    from crmlab.cli.env import HelpFormatter, overview

    parser = argparse.ArgumentParser(
        prog="crmlab",
        description="Course workbench: customer and supplier relationships in the enterprise.",
        epilog=overview(), formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"crmlab {__version__}")
    parser.add_argument("--lang", metavar="LANG", dest="language",
                        help="the language of this run's messages (default: CRMLAB_LANG, then "
                             "`crmlab student language`, then en)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group that has not been written yet
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``crmlab ARGS``; return the exit code (1 and one line on stderr for a user error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    before = i18n._current  # restored after the run: main() may run again in this process
    try:
        if args.language:
            set_language(args.language)
        return int(args.func(args) or 0)
    except (CrmlabError, ValueError, OSError) as exc:
        print(f"crmlab: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crmlab: interrupted", file=sys.stderr)
        return 130
    finally:
        if args.language:
            set_language(before)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
