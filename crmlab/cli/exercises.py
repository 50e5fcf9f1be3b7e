"""``crmlab exercises release | assign | grade``."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add ``crmlab exercises`` to the parser."""
    parser = subparsers.add_parser("exercises", help="release, assign and grade exercises")
    sub = parser.add_subparsers(dest="exercises_command", metavar="ACTION", required=True)
    release = sub.add_parser("release", help="write the student copies of every exercise")
    release.add_argument("--out", required=True, metavar="DIR")
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
    grade.add_argument("--workers", type=int, default=2)
    grade.add_argument("--timeout", type=int, default=60, metavar="S",
                       help="seconds one cell may run (default 60)")
    grade.add_argument("--wall-clock", type=int, metavar="S",
                       help="seconds one notebook may take in all (default 3 * timeout + 60)")
    grade.add_argument("--secret-file")
    grade.add_argument("--format", default="plain", choices=["plain", "canvas", "moodle"],
                       help="layout of scores.csv (default plain)")
    grade.set_defaults(func=_grade)


def _release(args) -> int:
    from crmlab.course.exercises import release

    for path in release(args.out):
        print(path)
    return 0


def _assign(args) -> int:
    from crmlab.course.exercises import assign

    written = assign(args.exercise, roster=args.roster, out=args.out,
                     secret_file=args.secret_file)
    print(f"wrote {len(written)} notebook(s) to {args.out}")
    return 0


def _grade(args) -> int:
    from crmlab.course.exercises import grade

    scores = grade(args.exercise, args.submissions, roster=args.roster, out=args.out,
                   workers=args.workers, timeout=args.timeout, wall_clock=args.wall_clock,
                   secret_file=args.secret_file, format=args.format)
    zero = int((scores["total"] == 0).sum())
    print(f"graded {len(scores)} student(s); {zero} with 0 points; scores in "
          f"{args.out}/scores.csv, reasons in {args.out}/details.csv")
    return 0
