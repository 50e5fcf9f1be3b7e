"""``crmlab exercises release | assign | collect | grade``."""

from __future__ import annotations

from crmlab.cli.env import reads

#: The instructor's exercise keys (assign, grade and the practice copies need them).
KEYS = "notebooks/instructor/exercise_keys.py"


def register(subparsers) -> None:
    """Add ``crmlab exercises`` to the parser."""
    from crmlab.grading.exercises import add_arguments

    parser = subparsers.add_parser("exercises", help="release, assign, collect and grade exercises")
    sub = parser.add_subparsers(dest="exercises_command", metavar="ACTION", required=True)
    release = sub.add_parser("release", help="write the student copies of every exercise",
                             **reads("CRMLAB_COURSE_DIR", "notebooks/", KEYS))
    release.add_argument("--out", required=True, metavar="DIR")
    release.add_argument("--lang", default="en", choices=_languages(),
                         help="the edition to release (default: en)")
    release.set_defaults(func=_release)
    assign = sub.add_parser("assign", help="one prepared notebook per student (papermill)",
                            **reads("CRMLAB_INSTRUCTOR_SECRET", "CRMLAB_COURSE_DIR",
                                    "notebooks/", KEYS))
    assign.add_argument("exercise", metavar="EXERCISE")
    assign.add_argument("--roster", required=True)
    assign.add_argument("--out", required=True, metavar="DIR")
    assign.add_argument("--secret-file")
    assign.set_defaults(func=_assign)
    _register_collect(sub)
    grade = sub.add_parser("grade", help="grade submitted exercise notebooks",
                           **reads("CRMLAB_INSTRUCTOR_SECRET", "CRMLAB_COURSE_DIR", "notebooks/",
                                   "datasets/", "course.yaml", "quizzes/",
                                   "CRMLAB_SANDBOX_BATCH", KEYS))
    grade.add_argument("exercise", metavar="EXERCISE")
    grade.add_argument("submissions", metavar="SUBMISSIONS")
    grade.add_argument("--roster", required=True)
    grade.add_argument("--out", required=True, metavar="DIR")
    add_arguments(grade)  # every option of crmlab.grading.exercises.ExerciseOptions
    grade.set_defaults(func=_grade)


COLLECT_EPILOG = """\
reads:
  SOURCE                    a folder, a zip (Moodle's "Download all submissions", Canvas's
                            submissions zip, any zip) or a folder of such zips; never changed
  --roster FILE             student_id, and name and email to check whose submission a file was
  --worksheet FILE          Moodle's grading worksheet (CSV): the only submission times an LMS
                            download carries
  --receipts FILE           an existing receipts file, extended (rows only added)
  SOURCE/receipts.csv       in a folder: the receipts of whoever received the notebooks (the
                            hub's collection service: crmlab exercises collect STORE/.exercises);
                            its times become receipts, a student's latest notebook is collected
  --secret-file FILE, else the environment variable CRMLAB_INSTRUCTOR_SECRET
                            the instructor secret: checks each notebook's seed (optional; a
                            warning without it)

writes into DIR (new or empty): <stem>__<student>.ipynb per student, collect.csv (every file and
what became of it), problems.csv (every file not collected, every missing receipt),
receipts.csv (from the worksheet or the service's receipts), set-aside/ (copies of the
notebooks set aside).

Exit status: 0 when every notebook was collected, 1 when some were set aside or refused (the
folder is written either way) or for a mistake in the command (one line, nothing written).
"""


def _register_collect(sub) -> None:
    collect = sub.add_parser(
        "collect", help="a folder or LMS download of notebooks -> a grading folder",
        description="Collect the notebooks of one exercise from a folder or an LMS download "
                    "into a grading folder for `crmlab exercises grade`: each notebook is "
                    "matched to its student by the exercise id, student id and seed it carries, "
                    "never by its file name.",
        **reads("CRMLAB_INSTRUCTOR_SECRET", "CRMLAB_COURSE_DIR", "notebooks/",
                before=COLLECT_EPILOG))
    collect.add_argument("source", metavar="SOURCE")
    collect.add_argument("--out", required=True, metavar="DIR")
    collect.add_argument("--exercise", required=True, metavar="EXERCISE",
                         help="exercise id, file stem or source notebook")
    collect.add_argument("--roster", required=True, metavar="FILE")
    collect.add_argument("--secret-file", metavar="FILE")
    collect.add_argument("--worksheet", metavar="FILE",
                         help="Moodle's grading worksheet (CSV, any language Moodle writes)")
    collect.add_argument("--timezone", metavar="ZONE",
                         help="the Moodle profile time zone of whoever downloaded the "
                              "worksheet (IANA, e.g. Asia/Baku); needed with --worksheet")
    collect.add_argument("--date-format", metavar="FORMAT",
                         help="strptime format of the worksheet's times, when they have no "
                              "month name (e.g. '%%d/%%m/%%Y %%H:%%M')")
    collect.add_argument("--receipts", metavar="FILE",
                         help="extend this receipts file (default: DIR/receipts.csv)")
    collect.add_argument("--trust-file-times", action="store_true",
                         help="write a plain folder's or zip's file times as receipts (they "
                              "are copy or download times, and forgeable)")
    collect.add_argument("--pick", action="append", default=[], metavar="ENTRY",
                         help="collect this entry (as collect.csv names it) for its student, "
                              "over their other notebooks; repeatable")
    collect.add_argument("--max-notebook", type=int, default=20, metavar="MB",
                         help="largest notebook read (default 20)")
    collect.set_defaults(func=_collect)


def _collect(args) -> int:
    import sys

    from crmlab.core.exceptions import ExerciseError
    from crmlab.core.validation import check_whole
    from crmlab.grading.collect import collect
    from crmlab.grading.downloads import ReadLimits

    size = check_whole("--max-notebook", args.max_notebook, minimum=1, unit="MB",
                       error=ExerciseError)
    result = collect(args.source, exercise=args.exercise, roster=args.roster, out=args.out,
                     secret_file=args.secret_file, worksheet=args.worksheet,
                     timezone=args.timezone, date_format=args.date_format,
                     receipts=args.receipts, trust_file_times=args.trust_file_times,
                     pick=args.pick, limits=ReadLimits(notebook=size * 1_000_000))
    for line in result.warning_lines():
        print(f"crmlab: WARNING: {line}", file=sys.stderr)
    for line in result.summary():
        print(line)
    return 1 if result.set_aside else 0


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

    from crmlab.core.i18n import get_language, message
    from crmlab.grading.exercises import grade, options_from
    from crmlab.grading.sandbox import describe, notices

    lang = get_language()
    options = options_from(args)
    for line in notices():  # what does not hold on this machine, before anything runs
        print(line, file=sys.stderr)
    graded = grade(args.exercise, args.submissions, roster=args.roster, out=args.out,
                   options=options)
    print(graded.summary(lang))
    print(message("cli.exercises.files", lang, out=args.out))
    print(graded.run.summary())
    for line in graded.run.lines():
        print(line)
    print(describe())
    return 0
