"""``crmlab selfcheck``: whether this computer runs the course (``make check`` in a student
copy)."""

from __future__ import annotations

import sys

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab selfcheck`` to the parser."""
    parser = subparsers.add_parser(
        "selfcheck", help="check that this computer runs the course (in a minute)",
        description="Check the set-up without opening JupyterLab: the course folder, your "
                    "crmlab folder, JupyterLab's keyboard settings, a kernel, the start "
                    "lesson's imports and its quiz (which saves an answer in a scratch folder, "
                    "never among your own answers).",
        **reads("CRMLAB_COURSE_DIR", "datasets/", "quizzes/", "notebooks/", "CRMLAB_HOME"))
    parser.add_argument("--timeout", type=int, default=60, metavar="S",
                        help="seconds for the kernel to start and for each step in it "
                             "(default 60)")
    parser.set_defaults(func=_selfcheck)


def _selfcheck(args) -> int:
    from crmlab.core.i18n import message
    from crmlab.core.paths import course_dir
    from crmlab.publish.selfcheck import selfcheck, start_lesson

    checks = selfcheck(timeout=args.timeout)
    for check in checks:
        if check.passed is None:
            state, note = message("selfcheck.not_run"), ""
        elif check.passed:
            state, note = message("selfcheck.ok"), check.detail
        else:
            key = f"selfcheck.fix.{check.code or check.name}"
            state = message("selfcheck.failed")
            note = message(key, detail=check.detail, ours=sys.executable)
        line = f"{state:<12} {message(f'selfcheck.{check.name}')}"
        print(f"{line}: {note}" if note else line, flush=True)
    failed = sum(check.passed is not True for check in checks)
    if failed:
        print(message("selfcheck.failed_count", count=failed, total=len(checks)))
        return 1
    start = start_lesson()
    try:
        start = start.relative_to(course_dir())
    except ValueError:
        pass
    print(message("selfcheck.works", start=start))
    return 0
