"""``crmlab labsettings [PREFIX]``: JupyterLab's command-mode keys scoped away from quiz widgets
(``make install`` runs it)."""

from __future__ import annotations

import sys
from pathlib import Path

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab labsettings`` to the parser."""
    parser = subparsers.add_parser(
        "labsettings", help="install the course's JupyterLab keyboard settings",
        description="Write JupyterLab's settings override that keeps command-mode keys out of "
                    "quiz widgets, computed from the JupyterLab installed under PREFIX.",
        **reads())
    parser.add_argument("prefix", nargs="?", type=Path, metavar="PREFIX",
                        help="the environment (default: this Python's, sys.prefix)")
    parser.set_defaults(func=_install)


def _install(args) -> int:
    import json

    from crmlab.core.exceptions import CrmlabError
    from crmlab.publish.labsettings import (
        SHORTCUTS_PLUGIN,
        default_shortcuts,
        install,
        overrides_path,
    )

    prefix = args.prefix or Path(sys.prefix)
    if not default_shortcuts(prefix):
        raise CrmlabError(f"{prefix}: no JupyterLab shortcut schemas under "
                          "share/jupyter/lab/schemas (is JupyterLab installed in this "
                          "environment?); nothing written")
    try:
        path = install(prefix)
    except OSError as exc:
        raise CrmlabError(f"{overrides_path(prefix)}: cannot write ({exc.strerror})") from None
    shortcuts = json.loads(path.read_text(encoding="utf-8"))[SHORTCUTS_PLUGIN]["shortcuts"]
    print(f"{path}: {len(shortcuts) // 2} JupyterLab shortcuts kept out of quiz widgets")
    return 0
