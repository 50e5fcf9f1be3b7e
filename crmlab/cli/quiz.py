"""``crmlab quiz validate``, ``crmlab student set|show``, ``crmlab submit``, ``crmlab fetch``,
``crmlab release``."""

from __future__ import annotations

import sys

from crmlab.cli.env import reads
from crmlab.core.i18n import LANGUAGES

#: Who the student is: the id in CRMLAB_HOME, or the hub user inside JupyterHub.
_IDENTITY = ("CRMLAB_HOME", "JUPYTERHUB_USER", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN")


def register(subparsers) -> None:
    """Add ``crmlab quiz``, ``student``, ``submit`` and ``release`` to the parser."""
    quiz = subparsers.add_parser("quiz", help="check quiz files")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)
    validate = quiz_sub.add_parser("validate", help="validate quiz files (default: quizzes/)",
                                   **reads("CRMLAB_COURSE_DIR", "quizzes/"))
    validate.add_argument("paths", nargs="*", metavar="PATH")
    validate.set_defaults(func=_validate)
    _add_variant_parsers(quiz_sub)
    try:
        from crmlab.cli.grade import add_export_parser
    except ImportError:
        pass
    else:
        add_export_parser(quiz_sub)

    student = subparsers.add_parser("student", help="set or show your student id and language")
    student_sub = student.add_subparsers(dest="student_command", metavar="ACTION", required=True)
    set_id = student_sub.add_parser("set", help="set your student id once",
                                    **reads(*_IDENTITY, "CRMLAB_HOME/answers/",
                                            "CRMLAB_COURSE_DIR", "datasets/"))
    set_id.add_argument("student_id", metavar="ID")
    set_id.add_argument("--replace", action="store_true",
                        help="change an id that already has saved answers (they stay saved "
                             "under the earlier id and are not handed in with the new one)")
    set_id.add_argument("--token", metavar="TOKEN",
                        help="your data variant token, as your instructor gave it: the graded "
                             "numbers of the quizzes are computed on your own variant of the "
                             "course data (datasets.variant())")
    set_id.set_defaults(func=_student_set)
    token = student_sub.add_parser(
        "token", help="set your data variant token (as your instructor gave it), or print "
                      "which variant you work on",
        description="With TOKEN: keep it as your data variant token. Without: print which "
                    "variant you work on; on the course's JupyterHub, before you have a token, "
                    "first get your own from the hub's collection service and keep it.",
        **reads("CRMLAB_HOME", "CRMLAB_COURSE_DIR", "datasets/", "CRMLAB_COLLECT_URL",
                "JUPYTERHUB_USER", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"))
    token.add_argument("token", nargs="?", metavar="TOKEN")
    token.set_defaults(func=_student_token)
    student_sub.add_parser("show", help="print your student id", **reads(*_IDENTITY)
                           ).set_defaults(func=_student_show)
    language = student_sub.add_parser(
        "language", help="set your language once (e.g. az), or print the current one",
        **reads("CRMLAB_HOME"))
    language.add_argument("language", nargs="?", metavar="LANG")
    language.set_defaults(func=_student_language)

    submit = subparsers.add_parser(
        "submit", help="bundle your saved answers into a zip, or hand in an exercise notebook",
        description="Without NOTEBOOK: bundle your saved quiz answers (on JupyterHub: send them "
                    "to the course's collection service unless --out is given). With NOTEBOOK "
                    "(on JupyterHub): hand in that exercise notebook; the service keeps it with "
                    "a receipt when it is your own assigned copy.",
        **reads("CRMLAB_HOME/answers/", "CRMLAB_COLLECT_URL", *_IDENTITY))
    submit.add_argument("notebook", nargs="?", metavar="NOTEBOOK.ipynb",
                        help="an exercise notebook to hand in (JupyterHub only)")
    submit.add_argument("--out", metavar="FILE.zip",
                        help="write the zip here (on JupyterHub: send it to the course's "
                             "collection service when --out is not given)")
    submit.set_defaults(func=_submit)

    fetch = subparsers.add_parser(
        "fetch", help="get your own copy of an exercise, or your feedback page (JupyterHub)",
        description="Ask the course's collection service for your own copy of EXERCISE (its "
                    "id, e.g. EX-rfm-pyramid, or file stem, e.g. rfm_pyramid), prepared by the "
                    "instructor with your student id and seed, and write it into your course "
                    "folder. An existing file is never replaced: the copy is then written as "
                    "'NAME (2).ipynb'.",
        **reads("CRMLAB_COLLECT_URL", "CRMLAB_COURSE_DIR", *_IDENTITY[1:]))
    fetch.add_argument("exercise", nargs="?", metavar="EXERCISE")
    fetch.add_argument("--feedback", action="store_true",
                       help="get your own feedback page instead, once the instructor has "
                            "published it (written as feedback.html in the course folder)")
    fetch.add_argument("--to", metavar="DIR",
                       help="write it here (default: the course folder's exercises/, or the "
                            "course folder for --feedback)")
    fetch.set_defaults(func=_fetch)

    release = subparsers.add_parser("release", help="write the student copy of the course",
                                    **reads("CRMLAB_COURSE_DIR", "notebooks/", "quizzes/",
                                            "datasets/", "notebooks/instructor/exercise_keys.py"))
    release.add_argument("--out", required=True, metavar="DIR")
    release.add_argument("--lang", default="en", choices=LANGUAGES,
                         help="the default edition: the one `make lab` opens and the README's "
                              "first language (default en); every edition ships")
    release.set_defaults(func=_release)


def _validate(args) -> int:
    from crmlab.quiz import validate
    from crmlab.quiz.loading import quiz_targets

    problems = validate(args.paths or None)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{len(quiz_targets(args.paths or None)[0])} quiz file(s) valid", file=sys.stderr)
    return 0


def _student_set(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.student import set_id, set_token

    if args.token is not None:  # checked first: a bad token changes nothing
        from crmlab.datasets._variant import check_token

        check_token(args.token)
    print(message("cli.student.id_set", student_id=set_id(args.student_id,
                                                          replace=args.replace)))
    if args.token is not None:
        print(message("cli.student.token_set", variant=set_token(args.token).digest))
    return 0


def _student_token(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.datasets import variant
    from crmlab.student import set_token

    if args.token is None:
        mine = variant()
        if mine.practice:
            from crmlab.quiz.submit import collect_url, fetch_token

            if collect_url() is not None:  # on the hub: the instructor publishes them there
                print(message("cli.student.token_fetched", variant=fetch_token().digest))
                return 0
        print(message("cli.student.token_none") if mine.practice
              else message("cli.student.token_own", variant=mine.digest))
        return 0
    print(message("cli.student.token_set", variant=set_token(args.token).digest))
    return 0


def _add_variant_parsers(quiz_sub) -> None:
    """``crmlab quiz keys`` and ``crmlab quiz tokens`` (the instructor's)."""
    keys = quiz_sub.add_parser(
        "keys", help="print one student's keys of a quiz's numbers of one's own, as JSON",
        description="Compute the keys of QUIZ's graded numbers of one's own (variant: student) "
                    "on the student's data variant, with the instructor's quiz keys and "
                    "secret, and print them as JSON (with the inputs of formula questions).",
        **reads("CRMLAB_COURSE_DIR", "quizzes/", "datasets/", "CRMLAB_INSTRUCTOR_SECRET",
                "notebooks/instructor/quiz_keys.py"))
    keys.add_argument("quiz_id", metavar="QUIZ")
    keys.add_argument("--student", required=True, metavar="ID")
    keys.add_argument("--secret-file", metavar="FILE",
                      help="the instructor secret (default CRMLAB_INSTRUCTOR_SECRET)")
    keys.set_defaults(func=_quiz_keys)
    tokens = quiz_sub.add_parser(
        "tokens", help="write each student's data variant token (to hand out)",
        description="Write roster.csv's students with their data variant tokens, "
                    "HMAC(instructor secret, student id), as CSV student_id,token: each "
                    "student sets theirs with crmlab student set ID --token TOKEN.",
        **reads("CRMLAB_INSTRUCTOR_SECRET"))
    tokens.add_argument("--roster", required=True, metavar="roster.csv")
    tokens.add_argument("--out", metavar="FILE", help="write here (default: print)")
    tokens.add_argument("--secret-file", metavar="FILE",
                        help="the instructor secret (default CRMLAB_INSTRUCTOR_SECRET)")
    tokens.set_defaults(func=_quiz_tokens)


def _quiz_keys(args) -> int:
    import json

    from crmlab.exercises.assignment import load_secret
    from crmlab.grading.variant_keys import student_keys_report
    from crmlab.quiz.loading import load
    from crmlab.student import validate_id

    report = student_keys_report(load(args.quiz_id), validate_id(args.student),
                                 secret=load_secret(args.secret_file))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _quiz_tokens(args) -> int:
    import csv
    import io

    from crmlab.core.atomic import write_text
    from crmlab.core.roster import read_roster
    from crmlab.datasets._variant import token_for
    from crmlab.exercises.assignment import load_secret

    secret = load_secret(args.secret_file)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student_id", "token"])
    for student in read_roster(args.roster)["student_id"]:
        writer.writerow([student, token_for(secret, student)])
    if args.out:
        print(f"wrote {write_text(args.out, buffer.getvalue(), mode=0o600)}")
    else:
        print(buffer.getvalue(), end="")
    return 0


def _student_show(args) -> int:
    from crmlab.student import get_id

    print(get_id())
    return 0


def _student_language(args) -> int:
    from crmlab.core.i18n import LANGUAGE_NAMES, get_language, message, save_language

    if args.language is None:
        lang = get_language()
        print(message("cli.student.language", language=lang, name=LANGUAGE_NAMES[lang]))
        return 0
    lang = save_language(args.language)
    # the confirmation in the language just chosen, unless --lang/CRMLAB_LANG overrides it
    print(message("cli.student.language_set", language=lang, name=LANGUAGE_NAMES[lang]))
    return 0


def _submit(args) -> int:
    from crmlab.core.exceptions import CrmlabError
    from crmlab.core.i18n import message
    from crmlab.quiz.submit import collect_url, make_bundle, send_bundle

    if args.notebook:
        from crmlab.exercises.hand_in import submit_notebook

        if args.out:
            raise CrmlabError(message("cli.submit.notebook_and_out"))
        receipt = submit_notebook(args.notebook)
        print(message("cli.submit.notebook_received", path=args.notebook,
                      exercise=receipt["exercise"], student=receipt["student_id"],
                      time=receipt["received_at"], sha256=receipt["sha256"]))
        return 0
    if args.out:
        print(message("cli.submit.wrote", path=make_bundle(args.out)))
        return 0
    if collect_url() is None:
        raise CrmlabError(message("cli.submit.need_out"))
    receipt = send_bundle()
    print(message("cli.submit.received", quizzes=", ".join(receipt["quizzes"]),
                  student=receipt["student_id"], time=receipt["received_at"],
                  sha256=receipt["sha256"]))
    return 0


def _fetch(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.exercises.hand_in import fetch

    if args.feedback == (args.exercise is not None):
        from crmlab.core.exceptions import CrmlabError

        raise CrmlabError(message("cli.fetch.what"))
    if args.feedback:
        from crmlab.exercises.hand_in import fetch_feedback

        print(message("cli.fetch.feedback", path=fetch_feedback(to=args.to)))
        return 0
    fetched = fetch(args.exercise, to=args.to)
    if fetched.existing is not None:
        print(message("cli.fetch.kept_existing", existing=fetched.existing, path=fetched.path))
    else:
        print(message("cli.fetch.wrote", path=fetched.path))
    return 0


def _release(args) -> int:
    from crmlab.publish.release import release

    print(f"wrote the student release to {release(args.out, lang=args.lang)}")
    return 0
