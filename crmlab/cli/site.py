"""``crmlab site build``: the course as a static site (``make site``)."""

from __future__ import annotations

from pathlib import Path

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab site`` to the parser."""
    parser = subparsers.add_parser(
        "site", help="build the static course site",
        description="The course as a static site: a page per notebook of each language "
                    "edition, search, the practice quizzes as forms; opened from disk.")
    sub = parser.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="write the site into a folder",
                           **reads("CRMLAB_COURSE_DIR", "notebooks/", "quizzes/"))
    build.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                       help="the site's folder (default _site)")
    build.set_defaults(func=_build)


def _build(args) -> int:
    from crmlab.publish.site import build

    pages = build(args.out)
    print(f"wrote {len(pages)} pages to {args.out}")
    return 0
