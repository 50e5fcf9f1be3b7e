"""``crmlab gradebook``, ``crmlab feedback``, ``crmlab receipts`` and ``crmlab course validate``."""

from __future__ import annotations

from crmlab.cli.env import reads
from crmlab.core.i18n import LANGUAGES

#: What the course file brings with it: the assessments it names are checked against the
#: course's quizzes and exercise notebooks.
_COURSE = ("CRMLAB_COURSE_DIR", "course.yaml", "quizzes/", "notebooks/")


def _inputs(parser) -> None:
    """The inputs the course gradebook and the feedback pages share."""
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--quizzes", metavar="DIR", help="a quiz grading folder (crmlab grade)")
    parser.add_argument("--exercises", action="append", metavar="DIR", default=[],
                        help="an exercise grading folder, or a folder of them (repeatable)")
    parser.add_argument("--course", metavar="course.yaml",
                        help="the course file (default: course.yaml at the course root)")
    parser.add_argument("--receipts", metavar="receipts.csv",
                        help="when each submission was received (crmlab receipts)")
    parser.add_argument("--roster", metavar="roster.csv")


def register(subparsers) -> None:
    """Add ``crmlab gradebook``, ``feedback``, ``receipts`` and ``course`` to the parser."""
    from crmlab.grading.lms import FORMATS

    gradebook = subparsers.add_parser(
        "gradebook", help="merge quiz and exercise grades into the course gradebook",
        **reads(*_COURSE))
    _inputs(gradebook)
    gradebook.add_argument("--format", default="plain", choices=FORMATS)
    gradebook.set_defaults(func=_gradebook)

    feedback = subparsers.add_parser(
        "feedback", help="write one feedback page per student (after the deadline)",
        **reads(*_COURSE))
    _inputs(feedback)
    feedback.add_argument("--zip", action="store_true",
                          help="also write one zip per student (for an LMS upload)")
    feedback.add_argument("--lang", default="en", choices=LANGUAGES,
                          help="the page's language (default en)")
    feedback.set_defaults(func=_feedback)

    receipts = subparsers.add_parser(
        "receipts", help="record when each collected submission was received",
        **reads(*_COURSE))
    receipts.add_argument("submissions", metavar="SUBMISSIONS")
    receipts.add_argument("--out", required=True, metavar="receipts.csv",
                          help="the receipts file (rows are added, never changed)")
    receipts.add_argument("--course", metavar="course.yaml",
                          help="the course file (for exercises it names by source)")
    receipts.add_argument("--assessment", metavar="EXERCISE",
                          help="the exercise of notebooks named <student_id>.ipynb")
    receipts.set_defaults(func=_receipts)

    course = subparsers.add_parser("course", help="check the course file")
    course_sub = course.add_subparsers(dest="course_command", metavar="ACTION", required=True)
    validate = course_sub.add_parser("validate", help="validate course.yaml", **reads(*_COURSE))
    validate.add_argument("path", nargs="?", metavar="PATH")
    validate.set_defaults(func=_validate)


def _book(args):
    from crmlab.grading.gradebook import course_gradebook

    return course_gradebook(course=args.course, quizzes=args.quizzes, exercises=args.exercises,
                            receipts=args.receipts, roster=args.roster)


def _gradebook(args) -> int:
    from crmlab.core.i18n import get_language
    from crmlab.grading.gradebook import write_gradebook

    book = _book(args)
    write_gradebook(book, args.out, format=args.format)
    print(book.summary(get_language()))
    print(book.run.summary())
    for line in book.run.lines():
        print(line)
    return 0


def _feedback(args) -> int:
    from crmlab.publish.feedback import write_feedback

    book = _book(args)
    files = write_feedback(book, args.out, zip=args.zip, lang=args.lang)
    pages = sum(path.suffix == ".html" for path in files)
    print(f"wrote {pages} feedback page(s) to {args.out}")
    return 0


def _receipts(args) -> int:
    from crmlab.grading.receipts import collect_receipts

    added = collect_receipts(args.submissions, out=args.out, course=args.course,
                             assessment=args.assessment)
    print(f"{len(added)} new receipt(s) added to {args.out}")
    return 0


def _validate(args) -> int:
    from crmlab.grading.config import course_file, validate_course

    problems = validate_course(args.path)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{args.path or course_file()}: valid")
    return 1 if problems else 0
