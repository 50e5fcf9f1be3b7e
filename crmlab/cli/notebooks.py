"""``crmlab notebooks execute | stamp | build | translate``: the course's notebooks kept
executed, navigated and translated (``make notebooks``)."""

from __future__ import annotations

from pathlib import Path

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab notebooks`` to the parser."""
    from crmlab.publish.translations import editions  # cheap: no notebook library at import

    parser = subparsers.add_parser(
        "notebooks", help="execute, stamp, build and translate the course notebooks",
        description="Keep the course notebooks executed, their navigation stamped and their "
                    "translated editions built.")
    sub = parser.add_subparsers(dest="notebooks_command", metavar="ACTION", required=True)
    run = sub.add_parser("execute", help="execute notebooks top to bottom in place, each in a "
                         "fresh CRMLAB_HOME (default: all of them)",
                         **reads("CRMLAB_COURSE_DIR", "notebooks/", "CRMLAB_HOME",
                                 before="Each notebook runs with a fresh, empty CRMLAB_HOME (a "
                                        "temporary folder); CRMLAB_HOME is set back after."))
    run.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    run.add_argument("--stamp", action="store_true", help="stamp navigation first")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    run.set_defaults(func=_execute)

    stamp = sub.add_parser("stamp", help="write the navigation cells of every notebook",
                           **reads("CRMLAB_COURSE_DIR", "notebooks/"))
    stamp.set_defaults(func=_stamp)

    build = sub.add_parser("build", help="build the translated editions (notebooks/<lang>/) "
                           "from the English notebooks and their translations",
                           **reads("CRMLAB_COURSE_DIR", "notebooks/"))
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="English notebooks (default: all)")
    build.add_argument("--lang", action="append", choices=editions(),
                       help="the edition (default: every one)")
    build.add_argument("--execute", action="store_true",
                       help="execute the notebooks whose text changed")
    build.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    build.set_defaults(func=_build)

    tr = sub.add_parser("translate", help="check (default), stub or dump the translation files",
                        **reads("CRMLAB_COURSE_DIR", "notebooks/"))
    tr.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                    help="English notebooks (default: all)")
    tr.add_argument("--lang", required=True, choices=editions())
    mode = tr.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_const", dest="mode", const="check",
                      default="check", help="list missing, stale and orphan cells; exit 1 if any")
    mode.add_argument("--stub", action="store_const", dest="mode", const="stub",
                      help="add empty entries for untranslated cells, keep the others")
    mode.add_argument("--dump", action="store_const", dest="mode", const="dump",
                      help="print each markdown cell's id, fingerprint and English text")
    tr.set_defaults(func=_translate)


def _stamped() -> None:
    from crmlab.publish.notebooks import stamp

    for path in stamp():
        print(f"stamped {path}")


def _execute(args) -> int:
    from crmlab.publish.notebooks import all_notebooks, execute

    if args.stamp:
        _stamped()
    execute(args.paths or all_notebooks(), timeout=args.timeout)
    return 0


def _stamp(args) -> int:
    _stamped()
    return 0


def _build(args) -> int:
    from crmlab.publish.notebooks import execute
    from crmlab.publish.translations import build_edition, editions

    changed = []
    for lang in args.lang or editions():
        changed += build_edition(lang, paths=args.paths)
    for path in changed:
        print(f"built {path}")
    if args.execute and changed:
        execute(changed, timeout=args.timeout)
    return 0


def _translate(args) -> int:
    from crmlab.publish import translations

    if args.mode == "dump":
        for path in args.paths or translations.source_notebooks():
            print(translations.dump(path))
        return 0
    problems = translations.translate(args.lang, paths=args.paths, mode=args.mode)
    for problem in problems:
        print(problem)
    return 1 if problems else 0
