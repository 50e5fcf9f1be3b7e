"""``crmlab exercises release | assign | grade``."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add ``crmlab exercises`` to the parser."""
    from crmlab.grading.exercises import add_arguments

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
    add_arguments(grade)  # every option of crmlab.grading.exercises.ExerciseOptions
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
    from crmlab.core.i18n import get_language, message
    from crmlab.grading.exercises import grade, options_from
    from crmlab.grading.sandbox import describe

    lang = get_language()
    graded = grade(args.exercise, args.submissions, roster=args.roster, out=args.out,
                   options=options_from(args))
    print(graded.summary(lang))
    print(message("cli.exercises.files", lang, out=args.out))
    print(graded.run.summary())
    for line in graded.run.lines():
        print(line)
    print(describe())
    return 0
