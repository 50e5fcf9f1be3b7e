"""crmlab.lessons and `crmlab lessons`."""

import json

import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError
from crmlab.lessons import course_map, get, list_lessons


def _notebook(path, meta, title="# X · A title"):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": title, "id": "t"}]
    path.write_text(json.dumps({"cells": cells, "metadata": {"crmlab": meta} if meta else {},
                                "nbformat": 4, "nbformat_minor": 5}))


def test_order_is_lessons_then_cases_then_appendices(tmp_path):
    _notebook(tmp_path / "90_glossary.ipynb", {"id": "G", "kind": "appendix"})
    _notebook(tmp_path / "c1_case.ipynb", {"id": "C1", "kind": "case"})
    _notebook(tmp_path / "01_b.ipynb", {"id": "L01"})
    _notebook(tmp_path / "00_a.ipynb", {"id": "L00", "quiz": "L00"})
    assert [item.id for item in list_lessons(tmp_path)] == ["L00", "L01", "C1", "G"]
    assert list_lessons(tmp_path)[0].title == "A title"
    assert course_map(tmp_path)["quiz"].tolist() == ["L00", "", "", ""]


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (None, "metadata 'crmlab.id' is missing"),
        ({"id": "L01", "kind": "lecture"},
         "Got crmlab.kind='lecture' instead, expected one of 'lesson', 'case', 'appendix'."),
    ],
)
def test_bad_metadata_is_a_one_line_error(tmp_path, meta, message):
    _notebook(tmp_path / "01_x.ipynb", meta)
    with pytest.raises(CrmlabError) as info:
        list_lessons(tmp_path)
    assert str(info.value) == f"{tmp_path / '01_x.ipynb'}: {message}"


def test_unknown_lesson(tmp_path):
    _notebook(tmp_path / "00_a.ipynb", {"id": "L00"})
    with pytest.raises(CrmlabError, match=r"^Got lesson_id='L9' instead, expected one of 'L00'\.$"):
        get("L9", tmp_path)


def test_cli_lists_the_course(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[0] == "L00"
    assert out[0].rstrip().endswith("notebooks/00_start_here.ipynb")
    assert len(out) == len(list_lessons())


def test_cli_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: crmlab" in capsys.readouterr().out
