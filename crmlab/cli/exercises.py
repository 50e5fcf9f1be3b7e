"""``crmlab exercises release | assign | grade``."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add ``crmlab exercises`` to the parser."""
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
    limits = grade.add_argument_group("sandbox limits (per notebook)")
    limits.add_argument("--timeout", type=int, default=60, metavar="S",
                        help="seconds one cell may run (default 60)")
    limits.add_argument("--wall-clock", type=int, metavar="S",
                        help="seconds all cells may take (default 3 * timeout + 60)")
    limits.add_argument("--memory", type=int, default=4096, metavar="MB",
                        help="address space of each process (default 4096)")
    limits.add_argument("--cpu-time", type=int, metavar="S",
                        help="CPU seconds of each process (default: the wall clock)")
    limits.add_argument("--processes", type=int, default=64, metavar="N",
                        help="processes and threads at once (default 64)")
    limits.add_argument("--max-output", type=int, default=2, metavar="MB",
                        help="output printed or displayed (default 2)")
    limits.add_argument("--max-file", type=int, default=64, metavar="MB",
                        help="size of one file written (default 64)")
    limits.add_argument("--max-disk", type=int, default=256, metavar="MB",
                        help="files in the notebook's scratch folder (default 256)")
    grade.add_argument("--secret-file")
    grade.add_argument("--format", default="plain", choices=["plain", "canvas", "moodle"],
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
    from crmlab.grading.exercises import grade
    from crmlab.grading.sandbox import Limits, describe

    limits = Limits(timeout=args.timeout, wall_clock=args.wall_clock, memory=args.memory,
                    cpu_time=args.cpu_time, processes=args.processes, output=args.max_output,
                    file_size=args.max_file, disk=args.max_disk)
    scores = grade(args.exercise, args.submissions, roster=args.roster, out=args.out,
                   workers=args.workers, limits=limits, scheduler=args.scheduler,
                   work=args.work, secret_file=args.secret_file, format=args.format)
    zero = int((scores["total"] == 0).sum())
    print(f"graded {len(scores)} student(s); {zero} with 0 points; scores in "
          f"{args.out}/scores.csv, reasons in {args.out}/details.csv")
    print(describe())
    return 0
