"""JupyterLab settings the course installs beside JupyterLab: quizzes that work from the keyboard.

In command mode JupyterLab binds plain keys to notebook commands for whatever has the focus inside
a notebook: the arrows move between cells, ``D D`` deletes a cell, ``0 0`` restarts the kernel.
JupyterLab lifts those bindings only while a text field has the focus, so a student who Tabs onto
a quiz's drop-down and presses an arrow or a letter leaves the quiz (or deletes the cell) instead
of choosing an option. The course keeps every such binding but scopes it away from widget
outputs: for each one the installed JupyterLab declares, :func:`overrides` disables it and adds
the same command and keys with ``:not(.jupyter-widgets *)`` after its ``:focus``. Outside a
widget the keys do what JupyterLab's documentation says; inside one they reach the widget.

The overrides also turn off the news and update checks (the course runs without internet).
They go to ``<prefix>/share/jupyter/lab/settings/overrides.d/crmlab.json``, JupyterLab's place
for a package's default settings; a student's own settings still win. ``make install`` runs
``crmlab labsettings`` (:mod:`crmlab.cli.labsettings`), computed from the JupyterLab installed in that
environment, so that an upgrade of JupyterLab cannot leave a binding unscoped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["SCOPED_SELECTORS", "WIDGETS", "overrides", "overrides_path", "install"]

#: Selectors of JupyterLab's bindings that act on "whatever has the focus" in a notebook.
SCOPED_SELECTORS = (
    ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus",
    "[data-jp-kernel-user]:not(.jp-mod-readWrite) :focus:not(:read-write)",
)
#: Appended to a scoped selector: not inside an ipywidgets output (the quizzes).
WIDGETS = ":not(.jupyter-widgets *)"
SHORTCUTS_PLUGIN = "@jupyterlab/shortcuts-extension:shortcuts"
NOTIFICATIONS_PLUGIN = "@jupyterlab/apputils-extension:notification"


def _schema_files(prefix: Path):
    share = prefix / "share" / "jupyter"
    yield from sorted((share / "lab" / "schemas").glob("**/*.json"))
    yield from sorted((share / "labextensions").glob("**/schemas/**/*.json"))


def default_shortcuts(prefix: Path | str = sys.prefix) -> list[dict]:
    """The keyboard shortcuts that JupyterLab and its extensions in ``prefix`` declare."""
    found = []
    for path in _schema_files(Path(prefix)):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.extend(schema.get("jupyter.lab.shortcuts", []) if isinstance(schema, dict) else [])
    return found


def overrides(prefix: Path | str = sys.prefix) -> dict:
    """The settings overrides for the JupyterLab installed in ``prefix``.

    Examples
    --------
    >>> settings = overrides()
    >>> shortcuts = settings["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    >>> down = [s for s in shortcuts if s["command"] == "notebook:move-cursor-down"
    ...         and s["keys"] == ["ArrowDown"]]
    >>> [(s.get("disabled", False), s["selector"].endswith(WIDGETS)) for s in down]
    [(True, False), (False, True)]
    """
    scoped = []
    for shortcut in default_shortcuts(prefix):
        if shortcut.get("selector") not in SCOPED_SELECTORS or not any(shortcut.get("keys", [])):
            continue
        if shortcut.get("disabled"):
            continue
        scoped.append({**shortcut, "disabled": True})
        scoped.append({key: value for key, value in shortcut.items() if key != "disabled"}
                      | {"selector": shortcut["selector"] + WIDGETS})
    scoped.sort(key=lambda s: (s["command"], s["keys"], s["selector"]))
    return {
        SHORTCUTS_PLUGIN: {"shortcuts": scoped},
        NOTIFICATIONS_PLUGIN: {"fetchNews": "false", "checkForUpdates": False},
    }


def overrides_path(prefix: Path | str = sys.prefix) -> Path:
    """Where JupyterLab in ``prefix`` reads the course's default settings."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "crmlab.json"


def install(prefix: Path | str = sys.prefix) -> Path:
    """Write :func:`overrides` for ``prefix``; return the file written."""
    path = overrides_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(overrides(prefix), indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path
