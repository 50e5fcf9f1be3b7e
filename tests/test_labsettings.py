"""The JupyterLab settings the course installs (crmlab.publish.labsettings, ``crmlab
labsettings``): JupyterLab's command-mode keys are kept, scoped away from widget outputs, and
the environment's file is in step with the JupyterLab installed there. The browser test proves the keys then work in a quiz."""

import json

from crmlab.cli import main
from crmlab.publish.labsettings import (
    SHORTCUTS_PLUGIN,
    WIDGETS,
    install,
    overrides,
    overrides_path,
)

FOCUS = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"


def _prefix(tmp_path, shortcuts):
    schemas = tmp_path / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab" / "x"
    schemas.mkdir(parents=True)
    (schemas / "plugin.json").write_text(json.dumps({"jupyter.lab.shortcuts": shortcuts}))
    (schemas / "broken.json").write_text("{not json")
    return tmp_path


def test_each_focus_binding_is_disabled_and_rescoped(tmp_path):
    prefix = _prefix(tmp_path, [
        {"command": "notebook:delete-cell", "keys": ["D", "D"], "selector": FOCUS},
        {"command": "docmanager:save", "keys": ["Accel S"], "selector": "body"},
        {"command": "notebook:enter-edit-mode", "keys": ["Enter"],
         "selector": ".jp-Notebook.jp-mod-commandMode .jp-Cell:focus"},
        {"command": "kernelmenu:shutdown", "keys": [""], "selector": FOCUS},
    ])
    shortcuts = overrides(prefix)[SHORTCUTS_PLUGIN]["shortcuts"]
    assert shortcuts == [
        {"command": "notebook:delete-cell", "keys": ["D", "D"], "selector": FOCUS,
         "disabled": True},
        {"command": "notebook:delete-cell", "keys": ["D", "D"], "selector": FOCUS + WIDGETS},
    ]


def test_install_writes_where_jupyterlab_reads_overrides(tmp_path, capsys):
    prefix = _prefix(tmp_path, [{"command": "c", "keys": ["A"], "selector": FOCUS}])
    assert main(["labsettings", str(prefix)]) == 0
    path = overrides_path(prefix)
    assert path == prefix / "share/jupyter/lab/settings/overrides.d/crmlab.json"
    assert json.loads(path.read_text()) == overrides(prefix)
    assert "1 JupyterLab shortcuts" in capsys.readouterr().out
    assert install(prefix) == path


def test_a_prefix_without_jupyterlab_is_a_one_line_error(tmp_path, capsys):
    assert main(["labsettings", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"crmlab: error: {tmp_path}: no JupyterLab shortcut schemas")
    assert "\n" not in err and not overrides_path(tmp_path).exists()


def test_this_environment_has_the_settings_of_its_jupyterlab():
    path = overrides_path()
    assert path.is_file(), f"{path} is missing: make install writes it"
    assert json.loads(path.read_text(encoding="utf-8")) == overrides(), \
        f"{path} is out of step with the installed JupyterLab: run make install"
    scoped = overrides()[SHORTCUTS_PLUGIN]["shortcuts"]
    commands = {s["command"] for s in scoped}
    assert {"notebook:move-cursor-down", "notebook:delete-cell", "kernelmenu:restart"} <= commands
