"""``crmlab regrades request | mine`` (a student, on the hub) and ``crmlab regrades list |
answer`` (the instructor, on the hub's store)."""

from __future__ import annotations

from pathlib import Path

from crmlab.cli.env import reads

_HUB = ("CRMLAB_COLLECT_URL", "JUPYTERHUB_USER", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN")
_STORE_HELP = "the collection service's store (crmlab hub-service --store): its .regrades/ queue"


def register(subparsers) -> None:
    """Add ``crmlab regrades`` to the parser."""
    parser = subparsers.add_parser("regrades", help="ask for a regrade (students), or list and "
                                                    "answer the requests (instructors)")
    sub = parser.add_subparsers(dest="regrades_command", metavar="ACTION", required=True)
    request = sub.add_parser(
        "request", help="ask for a second look at one question or check (JupyterHub)",
        description="File a regrade request with the course's collection service: the quiz "
                    "(or exercise) id, the question (or check) id as the feedback page shows "
                    "them, and why.", **reads(*_HUB))
    request.add_argument("kind", choices=("quiz", "exercise"))
    request.add_argument("assessment", metavar="ASSESSMENT", help="quiz or exercise id, e.g. L02")
    request.add_argument("item", metavar="ITEM", help="question or check id, e.g. scale")
    request.add_argument("--reason", required=True, metavar="TEXT",
                         help="why the answer deserves another look (up to 2000 characters)")
    request.set_defaults(func=_request)
    sub.add_parser("mine", help="your regrade requests and their answers (JupyterHub)",
                   **reads(*_HUB)).set_defaults(func=_mine)

    listing = sub.add_parser("list", help="the queue of regrade requests (instructor)",
                             **reads("CRMLAB_HOME"))
    listing.add_argument("--store", required=True, type=Path, metavar="STORE", help=_STORE_HELP)
    listing.add_argument("--open", action="store_true", help="only the requests not answered")
    listing.set_defaults(func=_list)
    answer = sub.add_parser(
        "answer", help="answer one regrade request (instructor)",
        description="Answer the request ID (the student reads it with `crmlab regrades mine`). "
                    "With --grading DIR the answer is also kept in that grading folder's run "
                    "history (DIR/regrades.csv): the next run names the question when the "
                    "student's score moves. With --points P (and --grading, an exercise "
                    "grading folder) the check's points are set by hand to P with the answer "
                    "as the reason, as crmlab handgrade would: a hand override kept in the "
                    "history, in the gradebook and on the feedback page. Otherwise change the "
                    "score by fixing the key or the points in the quiz file, or by hand "
                    "grading, and grade again.",
        **reads("CRMLAB_HOME", "CRMLAB_COURSE_DIR", "course.yaml", "notebooks/", "quizzes/"))
    answer.add_argument("request_id", metavar="ID")
    answer.add_argument("--store", required=True, type=Path, metavar="STORE", help=_STORE_HELP)
    answer.add_argument("--text", required=True, metavar="TEXT", help="the answer")
    answer.add_argument("--grading", type=Path, metavar="DIR",
                        help="the grading folder (crmlab grade or crmlab exercises grade "
                             "--out) whose history keeps the answer")
    answer.add_argument("--points", metavar="P",
                        help="set the points of the request's exercise check to P (from 0 to "
                             "the check's points; 1.5 or 1,5) with the answer as the reason; "
                             "needs --grading")
    answer.set_defaults(func=_answer)


def _request(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.exercises.hand_in import request_regrade

    filed = request_regrade(args.kind, args.assessment, args.item, args.reason)
    print(message("cli.regrades.filed", id=filed["id"], assessment=filed["assessment"],
                  item=filed["item"], time=filed["received_at"]))
    return 0


def _print(rows) -> None:
    from crmlab.core.i18n import message

    if not rows:
        print(message("cli.regrades.none"))
    for row in rows:
        print(message("cli.regrades.open", id=row["id"], student=row["student_id"],
                      kind=row["kind"], assessment=row["assessment"], item=row["item"],
                      time=row["received_at"], reason=" ".join(row["reason"].split())))
        if row.get("answer"):
            print(message("cli.regrades.answered", answered=row["answer"]["answered_at"],
                          answer=" ".join(row["answer"]["text"].split())))


def _mine(args) -> int:
    from crmlab.exercises.hand_in import my_regrades

    _print(my_regrades())
    return 0


def _list(args) -> int:
    from crmlab.grading.regrades import read_queue
    from crmlab.publish.hub_service import REGRADES

    rows = read_queue(args.store / REGRADES)
    _print([r for r in rows if not (args.open and r.get("answer"))])
    return 0


def _answer(args) -> int:
    from crmlab.core.exceptions import CrmlabError
    from crmlab.grading.history import read_run, record_regrade
    from crmlab.grading.regrades import answer_request
    from crmlab.publish.hub_service import REGRADES

    if args.points is not None and args.grading is None:
        raise CrmlabError("--points needs --grading DIR (the exercise grading folder whose "
                          "points change); nothing was answered")
    if args.grading is not None and read_run(args.grading) is None:
        raise CrmlabError(f"--grading {args.grading}: not a grading folder (no run.json of "
                          "crmlab grade or crmlab exercises grade); nothing was answered")
    change = None
    if args.points is not None:
        change = _points_change(args)
    answered = answer_request(args.store / REGRADES, args.request_id, text=args.text)
    _print([answered])
    if args.grading is not None:
        print(f"kept in {record_regrade(args.grading, answered)}")
    if change is not None:
        grading, student, item = change
        saved = grading.override(student, item, args.points, answered["answer"]["text"])
        if saved.problem is not None:  # refused since it was checked (a grading run since)
            raise CrmlabError(f"--points: request {args.request_id} is answered, but its "
                              f"points were not set: {saved.problem}; set them with crmlab "
                              "handgrade")
        if saved.run is not None:
            print(f"points of {item} set by hand to {args.points}: {saved.run.summary()}")
            for line in saved.run.lines():
                print(line)
    return 0


def _points_change(args):
    """``(grading, student, check)`` of the request when its points may be set to
    ``--points``; a ``CrmlabError`` naming what is wrong otherwise (before anything is
    answered)."""
    from crmlab.core.exceptions import CrmlabError
    from crmlab.grading.handgrade import CheckOverriding
    from crmlab.grading.regrades import find_request
    from crmlab.publish.hub_service import REGRADES

    request = find_request(args.store / REGRADES, args.request_id)
    if request["kind"] != "exercise":
        raise CrmlabError(f"--points: request {args.request_id} is about quiz question "
                          f"{request['assessment']} {request['item']}: --points sets an "
                          "exercise check's points; a quiz question's score changes by a key "
                          "or points fix in the quiz file, or by crmlab handgrade for a "
                          "free-text answer; nothing was answered")
    try:
        grading = CheckOverriding(args.grading)
    except CrmlabError as exc:
        raise CrmlabError(f"--grading {args.grading}: not an exercise grading ({exc}); "
                          "nothing was answered") from None
    if grading.exercise != request["assessment"]:
        raise CrmlabError(f"--grading {args.grading}: the grading of {grading.exercise}, not "
                          f"of {request['assessment']}; nothing was answered")
    student, item = request["student_id"], request["item"]
    # checked with the reason as it will be saved (the answer's text, stripped)
    reason = args.text.strip() if isinstance(args.text, str) else ""
    checked = grading.override(student, item, args.points, reason, write=False)
    if checked.problem:
        raise CrmlabError(f"--points: {checked.problem}; nothing was answered")
    return grading, student, item
