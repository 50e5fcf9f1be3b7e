"""``crmlab exercises release | assign | grade``."""

from __future__ import annotations

#: The sandbox's options: ``(flag, Limits field, metavar, what it limits)``; the defaults are
#: the fields' own (:class:`crmlab.grading.sandbox.Limits`).
LIMIT_OPTIONS = [
    ("--timeout", "timeout", "S", "seconds one cell may run"),
    ("--wall-clock", "wall_clock", "S", "seconds all cells may take"),
    ("--memory", "memory", "MB", "address space of each process"),
    ("--cpu-time", "cpu_time", "S", "CPU seconds of each process"),
    ("--processes", "processes", "N", "processes and threads at once"),
    ("--max-output", "output", "MB", "output printed or displayed"),
    ("--max-file", "file_size", "MB", "size of one file written"),
    ("--max-disk", "disk", "MB", "files in the notebook's scratch folder"),
    ("--max-open-files", "open_files", "N", "files, pipes and sockets open in each process"),
    ("--max-notebook", "notebook", "MB", "size of a submitted notebook"),
]


def register(subparsers) -> None:
    """Add ``crmlab exercises`` to the parser."""
    from crmlab.grading.lms import FORMATS
    from crmlab.grading.sandbox import Limits

    defaults = Limits()
    parser = subparsers.add_parser("exercises", help="release, assign and grade exercises")
    sub = parser.add_subparsers(dest="exercises_command", metavar="ACTION", required=True)
    release = sub.add_parser("release", help="write the student copies of every exercise")
    release.add_argument("--out", required=True, metavar="DIR")
    release.add_argument("--lang", default="en", choices=_languages(),
                         help="the edition to release (default: en)")
    release.set_defaults(func=_release)
    assign = sub.add_parser("assign", help="one prepared notebook per student (papermill)")
    assign.add_argument("exercise", metavar="EXERCISE")
    assign.add_argument("--roster", required=True)
    assign.add_argument("--out", required=True, metavar="DIR")
    assign.add_argument("--secret-file")
    assign.set_defaults(func=_assign)
    grade = sub.add_parser("grade", help="grade submitted exercise notebooks")
    grade.add_argument("exercise", metavar="EXERCISE")
    grade.add_argument("submissions", metavar="SUBMISSIONS")
    grade.add_argument("--roster", required=True)
    grade.add_argument("--out", required=True, metavar="DIR")
    grade.add_argument("--workers", type=int, default=2,
                       help="notebooks graded at once on this machine (default 2)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on dask: tcp://HOST:PORT (a running cluster) or local:N "
                            "(a LocalCluster of N worker processes); needs crmlab[cluster]")
    grade.add_argument("--work", metavar="DIR",
                       help="folder for the prepared data variants (default: inside --out); "
                            "on a cluster, a folder every worker sees at the same path")
    limits = grade.add_argument_group("sandbox limits (per notebook; defaults: "
                                      "crmlab.grading.sandbox.Limits)")
    for flag, field, metavar, what in LIMIT_OPTIONS:
        default = getattr(defaults, field)
        shown = {"wall_clock": "3 * timeout + 60", "cpu_time": "the wall clock"}.get(
            field, default)
        limits.add_argument(flag, dest=field, type=int, metavar=metavar,
                            help=f"{what} (default {shown})")
    grade.add_argument("--secret-file")
    grade.add_argument("--format", default="plain", choices=FORMATS,
                       help="layout of scores.csv (default plain)")
    grade.set_defaults(func=_grade)


def _languages():
    from crmlab.core.i18n import LANGUAGES

    return LANGUAGES


def _release(args) -> int:
    from crmlab.exercises import release

    for path in release(args.out, lang=args.lang):
        print(path)
    return 0


def _assign(args) -> int:
    from crmlab.exercises import assign

    written = assign(args.exercise, roster=args.roster, out=args.out,
                     secret_file=args.secret_file)
    print(f"wrote {len(written)} notebook(s) to {args.out}")
    return 0


def _grade(args) -> int:
    import sys

    from crmlab.grading.exercises import grade
    from crmlab.grading.sandbox import Limits, describe, notices

    limits = Limits(**{field: getattr(args, field) for _, field, _, _ in LIMIT_OPTIONS
                       if getattr(args, field) is not None})
    for line in notices():  # what does not hold on this machine, before anything runs
        print(line, file=sys.stderr)
    scores = grade(args.exercise, args.submissions, roster=args.roster, out=args.out,
                   workers=args.workers, limits=limits, scheduler=args.scheduler,
                   work=args.work, secret_file=args.secret_file, format=args.format)
    zero = int((scores["total"] == 0).sum())
    print(f"graded {len(scores)} student(s); {zero} with 0 points; scores in "
          f"{args.out}/scores.csv, reasons in {args.out}/details.csv")
    print(describe())
    return 0
