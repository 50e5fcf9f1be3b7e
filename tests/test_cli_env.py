"""crmlab.cli.env: every environment variable and course file a command reads is declared once,
where it is read, and named in the ``--help`` of every command that can reach it.

What a command reaches is found by a static call graph of crmlab (``tests/_callgraph.py``) from
the command's handler, and where each source is read by the declarations in ``crmlab/cli/env.py``
(kept true by the first two tests): no variable is hand-copied here.
"""

import argparse

import pytest
from _callgraph import CallGraph

from crmlab.cli import build_parser, env


@pytest.fixture(scope="module")
def graph():
    return CallGraph()


def _leaves(parser, words=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*words, name))
    if parser._defaults.get("func"):
        yield " ".join(words), parser


COMMANDS = dict(_leaves(build_parser()))


def test_every_read_of_the_environment_is_declared_where_it_is(graph):
    found = {name: sorted(readers) for name, readers in graph.environment_readers().items()}
    declared = {source.name: sorted(source.read_in) for source in env.VARIABLES}
    assert found == declared


def test_every_path_of_the_course_and_of_crmlab_home_is_declared(graph):
    from crmlab.core import paths

    readers = {reader for source in env.SOURCES.values() for reader in source.read_in}
    for source in env.FILES:
        assert set(source.read_in) <= set(graph.defs), source.name
    for name in paths.__all__:  # each path function reaches a declared file or variable
        assert graph.reach(f"crmlab.core.paths.{name}") & readers, name


def test_no_source_explains_itself_by_naming_another():
    """A meaning naming another source would name it in every help that explains the first."""
    for source in env.SOURCES.values():
        others = [name for name in env.SOURCES if name != source.name and name in source.meaning
                  and not source.name.startswith(name)]
        assert others == [], source.name


def test_the_walk_finds_every_command():
    assert {"submit", "release", "exercises assign", "exercises grade", "grade", "lessons",
            "student set", "hub-service", "notebooks execute"} <= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_names_what_the_command_reads(command, graph):
    handler = COMMANDS[command]._defaults["func"]
    reached = graph.reach(f"{handler.__module__}.{handler.__qualname__}")
    assert len(reached) > 1, "the handler is not in the graph"
    needed = {source.name for source in env.SOURCES.values() if reached & set(source.read_in)}
    text = COMMANDS[command].format_help()
    assert sorted(name for name in needed if name not in text) == []


def test_assign_without_a_secret_and_its_help_agree(tmp_path, monkeypatch, capsys):
    from crmlab.cli import main

    monkeypatch.delenv("CRMLAB_INSTRUCTOR_SECRET", raising=False)
    (tmp_path / "roster.csv").write_text("student_id\ns01\n")
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(tmp_path / "roster.csv"),
                 "--out", str(tmp_path / "out")]) == 1
    assert "set CRMLAB_INSTRUCTOR_SECRET" in capsys.readouterr().err
    assert "CRMLAB_INSTRUCTOR_SECRET" in COMMANDS["exercises assign"].format_help()


def test_crmlab_help_lists_every_variable_and_file():
    text = build_parser().format_help()
    for source in env.SOURCES.values():
        assert source.name in text


def test_help_tables_keep_their_columns_and_paragraphs_are_filled():
    parser = argparse.ArgumentParser(
        prog="x", formatter_class=env.HelpFormatter,
        epilog="one two three " * 10 + "set-aside/\n\n" + env.epilog(["CRMLAB_COURSE_DIR"]))
    text = parser.format_help()
    table = text.split("\nenvironment and files:\n")[1].splitlines()
    assert table[0].startswith("  CRMLAB_COURSE_DIR ") and table[0].index("the course") == 28
    assert table[1].startswith(" " * 28 + "crmlab")  # its meaning goes on in its column
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "set-\n" not in text


def test_a_source_the_command_explains_itself_is_not_explained_twice():
    text = env.epilog(["CRMLAB_HOME", "notebooks/"], before="Runs in a fresh CRMLAB_HOME.")
    assert text.count("CRMLAB_HOME") == 2  # the command's sentence and the language line
    assert "notebooks/ " in text
