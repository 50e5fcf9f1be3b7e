"""The hub opens each student's JupyterLab on the start page of their edition."""

import ast
import json
import os
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "jupyterhub" / "jupyterhub_config.py"


@pytest.fixture
def start_page():
    """``_start_page`` of the hub's configuration, taken from the file without running it."""
    tree = ast.parse(CONFIG.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_start_page")
    scope = {"os": os, "Path": Path}
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(CONFIG), "exec"), scope)
    return scope["_start_page"]


def _save(home: Path, settings) -> None:
    (home / ".crmlab").mkdir(parents=True)
    (home / ".crmlab" / "config.json").write_text(json.dumps(settings))


def test_english_unless_told(start_page, tmp_path, monkeypatch):
    monkeypatch.delenv("CRMLAB_HUB_LANGUAGE", raising=False)
    assert start_page(tmp_path) == "/lab/tree/notebooks/00_start_here.ipynb"


def test_the_hub_default_and_the_students_own_choice(start_page, tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_HUB_LANGUAGE", "az")
    assert start_page(tmp_path / "new") == "/lab/tree/notebooks/az/00_start_here.ipynb"
    _save(tmp_path / "en-student", {"language": "en", "student_id": "s1"})
    assert start_page(tmp_path / "en-student") == "/lab/tree/notebooks/00_start_here.ipynb"
    monkeypatch.delenv("CRMLAB_HUB_LANGUAGE")
    _save(tmp_path / "az-student", {"language": "az"})
    assert start_page(tmp_path / "az-student") == "/lab/tree/notebooks/az/00_start_here.ipynb"


@pytest.mark.parametrize("content", ["not json", "[]", '{"language": "../../etc"}'])
def test_a_damaged_settings_file_falls_back(start_page, tmp_path, monkeypatch, content):
    (tmp_path / ".crmlab").mkdir()
    (tmp_path / ".crmlab" / "config.json").write_text(content)
    monkeypatch.delenv("CRMLAB_HUB_LANGUAGE", raising=False)
    assert start_page(tmp_path) == "/lab/tree/notebooks/00_start_here.ipynb"
    monkeypatch.setenv("CRMLAB_HUB_LANGUAGE", "az")  # the hub's language, not English
    assert start_page(tmp_path) == "/lab/tree/notebooks/az/00_start_here.ipynb"


def test_both_start_pages_are_in_the_course():
    root = CONFIG.parent.parent.parent
    assert (root / "notebooks" / "00_start_here.ipynb").is_file()
    assert (root / "notebooks" / "az" / "00_start_here.ipynb").is_file()
