"""``crmlab grade``, ``crmlab handgrade`` and ``crmlab quiz export``."""

from __future__ import annotations

from crmlab.cli.env import reads
from crmlab.core.i18n import LANGUAGES


def register(subparsers) -> None:
    """Add ``crmlab grade`` to the parser."""
    from crmlab.grading.lms import FORMATS
    from crmlab.grading.similarity import CONTAINMENT_THRESHOLD, TEXT_THRESHOLD

    parser = subparsers.add_parser("grade", help="grade submitted quiz answers",
                                   **reads("CRMLAB_COURSE_DIR", "quizzes/", "course.yaml",
                                           "notebooks/", "CRMLAB_INSTRUCTOR_SECRET",
                                           "notebooks/instructor/quiz_keys.py", "datasets/"))
    parser.add_argument("submissions", metavar="SUBMISSIONS")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--quiz", action="append", metavar="ID", help="grade only this quiz")
    parser.add_argument("--roster", metavar="roster.csv")
    parser.add_argument("--format", default="plain", choices=FORMATS)
    parser.add_argument("--resubmission", default="latest", choices=["latest", "first", "best"])
    parser.add_argument("--weights", metavar="weights.csv",
                        help="item weights: CSV quiz_id,question_id,weight (multiplies points)")
    parser.add_argument("--practice-weight", type=float, metavar="W",
                        help="what a practice question counts in its quiz's grade, 0 to 1 "
                             "(default: course.yaml's practice_weight, else 0: only the graded "
                             "questions count)")
    parser.add_argument("--no-figures", dest="figures", action="store_false",
                        help="write report.md without its PNG figures")
    parser.add_argument("--receipts", metavar="receipts.csv",
                        help="when each submission was received (crmlab receipts)")
    parser.add_argument("--import-rubric", metavar="FILE",
                        help="import a filled rubric sheet (hand grades of free-text answers)")
    parser.add_argument("--similarity-threshold", type=float, default=TEXT_THRESHOLD,
                        metavar="T", help="flag pairs of free-text answers at least this alike "
                        f"in similarity.csv, in (0, 1] (default {TEXT_THRESHOLD})")
    parser.add_argument("--containment-threshold", type=float, default=CONTAINMENT_THRESHOLD,
                        metavar="C", help="flag pairs where at least this share of one "
                        "answer is inside the other in similarity.csv, in (0, 1] (default "
                        f"{CONTAINMENT_THRESHOLD})")
    parser.add_argument("--secret-file", metavar="FILE",
                        help="the instructor secret (default CRMLAB_INSTRUCTOR_SECRET): each "
                             "student's keys of the numbers of one's own are computed with it")
    parser.set_defaults(func=_grade)
    register_handgrade(subparsers)


def register_handgrade(subparsers) -> None:
    """Add ``crmlab handgrade`` to the parser."""
    parser = subparsers.add_parser(
        "handgrade", help="grade free-text answers in the browser, one at a time",
        description="Serve a hand-grading page on 127.0.0.1, behind a random token in the "
                    "printed URL: for a quiz grading folder (crmlab grade --out DIR) its "
                    "free-text answers, one at a time, saved to DIR/hand_grades.csv (the "
                    "store --import-rubric writes); for an exercise grading folder (crmlab "
                    "exercises grade --out DIR) its checks, whose points can be set by hand "
                    "with a reason, saved to DIR/overrides.csv. Every change is kept in "
                    "DIR/runs/ and DIR/changes.csv. Stop it with Ctrl+C.",
        **reads("CRMLAB_COURSE_DIR", "quizzes/", "course.yaml", "notebooks/"))
    parser.add_argument("grading_dir", metavar="GRADING_DIR",
                        help="a grading folder: reads run.json and, of a quiz grading, "
                             "responses.csv and hand_grades.csv; of an exercise grading, "
                             "details.csv, checks.csv, notes.csv and overrides.csv")
    parser.add_argument("--port", type=_port, default=0,
                        help="the port on 127.0.0.1, 1 to 65535 (default: a free one)")
    parser.add_argument("--lang", choices=LANGUAGES,
                        help="the page's language (default: CRMLAB_LANG, then `crmlab student "
                             "language`, then en)")
    parser.set_defaults(func=_handgrade)


def _port(text: str) -> int:
    """A TCP port for argparse: a whole number from 1 to 65535 (0: a free one)."""
    import argparse

    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"Got {text!r} instead, expected a port from 1 to 65535")
    return port


def _handgrade(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.publish.handgrade import serve

    server, url = serve(args.grading_dir, port=args.port, lang=args.lang)
    app = server.RequestHandlerClass.app
    print(f"{args.grading_dir}: {app.progress()}")
    print(message("cli.handgrade.open", app.lang, url=url), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print(message("cli.handgrade.stopped", app.lang, progress=app.progress()))
    return 0


def add_export_parser(quiz_subparsers) -> None:
    """Add ``crmlab quiz export`` to the ``quiz`` group."""
    export = quiz_subparsers.add_parser("export", help="export a quiz for an LMS (Moodle GIFT)",
                                       **reads("CRMLAB_COURSE_DIR", "quizzes/", "datasets/"))
    export.add_argument("quiz_id", metavar="QUIZ_ID")
    export.add_argument("--format", default="gift", choices=["gift"])
    export.add_argument("-o", "--out", required=True, metavar="FILE")
    export.add_argument("--lang", help="the language of the texts (default: your language "
                                       "setting, when the quiz gives it)")
    export.set_defaults(func=_export)


def _grade(args) -> int:
    from crmlab.grading.quizzes import grade

    result = grade(args.submissions, out=args.out, quizzes=args.quiz, roster=args.roster,
                   format=args.format, resubmission=args.resubmission, weights=args.weights,
                   practice_weight=args.practice_weight,
                   figures=args.figures, receipts=args.receipts,
                   import_rubric=args.import_rubric,
                   similarity_threshold=args.similarity_threshold,
                   containment_threshold=args.containment_threshold,
                   secret_file=args.secret_file)
    print(result.summary())
    print(result.run.summary())
    for line in result.run.lines():
        print(line)
    return 1 if result.rubric_refused else 0


def _export(args) -> int:
    from crmlab.core.i18n import check_language, get_language
    from crmlab.quiz.gift import export_gift
    from crmlab.quiz.loading import load

    quiz = load(args.quiz_id)
    if args.lang:
        lang = check_language(args.lang)
    else:
        lang = get_language()
        lang = lang if lang in quiz.languages else quiz.languages[0]
    path = export_gift(quiz, args.out, lang=lang)
    print(f"wrote {path}")
    return 0
