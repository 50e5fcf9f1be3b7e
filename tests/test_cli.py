"""crmlab.cli: one front door. Every command of the course is a ``crmlab`` sub-command with the
same error format; ``python -m crmlab.notebooks`` is only an alias of ``crmlab notebooks``."""

import subprocess
import sys
from pathlib import Path

import pytest

from crmlab.cli import build_parser, main
from crmlab.quiz.submission import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [
    ["notebooks"], ["notebooks", "execute"], ["notebooks", "stamp"], ["notebooks", "build"],
    ["notebooks", "translate"], ["site"], ["site", "build"], ["labsettings"], ["hub-service"],
])
def test_every_front_door_is_a_crmlab_command_with_help(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*command, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: crmlab {' '.join(command)}")


def test_the_command_groups_are_all_registered():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"notebooks", "site", "labsettings", "hub-service", "grade", "exercises", "release",
            "submit", "gradebook", "feedback", "course", "lessons", "datasets"} <= set(commands)


def test_python_m_crmlab_notebooks_is_an_alias_of_crmlab_notebooks():
    alias = subprocess.run([sys.executable, "-m", "crmlab.notebooks", "--help"],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    assert alias.stdout.startswith("usage: crmlab notebooks")


def test_a_site_build_error_is_one_line(tmp_path, monkeypatch, capsys):
    from crmlab.core.exceptions import CrmlabError

    def refuse(out):
        raise CrmlabError(f"{out}: no notebooks\n  here")

    monkeypatch.setattr("crmlab.publish.site.build", refuse)
    assert main(["site", "build", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"crmlab: error: {tmp_path}: no notebooks here\n"


def test_site_build_says_what_it_wrote(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("crmlab.publish.site.build", lambda out: [out / "a.html", out / "b.html"])
    assert main(["site", "build", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"wrote 2 pages to {tmp_path}\n"


def test_hub_service_passes_its_options_to_the_service(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("crmlab.publish.hub_service.serve",
                        lambda store, *, max_bytes, assigned, feedback, tokens: calls.append(
                            (store, max_bytes, assigned, feedback, tokens)))
    assert main(["hub-service", "--store", str(tmp_path), "--max-bytes", "10"]) == 0
    assert main(["hub-service", "--store", str(tmp_path), "--assigned", str(tmp_path / "a"),
                 "--feedback", str(tmp_path / "f"), "--tokens", str(tmp_path / "t.csv")]) == 0
    assert calls == [(tmp_path, 10, None, None, None),
                     (tmp_path, MAX_BYTES, tmp_path / "a", tmp_path / "f", tmp_path / "t.csv")]


def test_notebooks_stamp_reports_each_stamped_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("crmlab.publish.notebooks.stamp", lambda: [tmp_path / "00.ipynb"])
    assert main(["notebooks", "stamp"]) == 0
    assert capsys.readouterr().out == f"stamped {tmp_path / '00.ipynb'}\n"


# ------------------------------------------------------------------------------ README's week
def _week() -> str:
    """README's walkthrough *A week of the course*, both variants."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("### A week of the course\n")[1].split("\n## ")[0]


def _subparser(parser, words):
    """The deepest sub-command parser ``words`` name, and the words after it."""
    import argparse

    words = list(words)
    while words:
        found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not found or words[0] not in found[0].choices:
            break
        parser = found[0].choices[words.pop(0)]
    return parser, words


def test_every_command_of_the_weeks_walkthrough_parses():
    """Each command line of the walkthrough's code blocks is a whole valid command (argparse
    would stop on a flag or an argument that is not there); each command named in its text
    names options its command has."""
    import re
    import shlex

    week = _week()
    blocks = re.findall(r"```bash\n(.*?)```", week, re.S)
    lines = [" ".join(line.split()) for block in blocks
             for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    assert len(lines) >= 15 and all(line.startswith("crmlab ") for line in lines), lines
    for line in lines:
        try:
            build_parser().parse_args(shlex.split(line)[1:])
        except SystemExit:
            pytest.fail(f"README, A week of the course: {line!r} is not a valid command")
    named = [" ".join(span.split()) for span in re.findall(r"`(crmlab [^`]+)`", week)]
    assert len(named) >= 10
    for span in named:
        words = shlex.split(span)[1:]
        parser, rest = _subparser(build_parser(), words)
        options = {o for a in parser._actions for o in a.option_strings}
        flags = [w.split("=")[0] for w in rest if w.startswith("--")]
        assert parser.prog != "crmlab", span  # names a command
        assert set(flags) <= options, (span, sorted(set(flags) - options))
