"""crmlab.publish.selfcheck and ``crmlab selfcheck`` (``make check`` in a student copy): each
check says what it found or what is wrong, in the student's language, and one that fails
never stops the others."""

import json
import sys

import pytest

from crmlab.cli import main
from crmlab.publish import selfcheck as sc
from crmlab.publish.selfcheck import Check, lesson_imports


def test_lesson_imports_are_the_import_statements_of_the_code_cells_once(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": "import nothing"},
        {"cell_type": "code", "source": ["import crmlab\n", "x = 1\n", "from crmlab import quiz"]},
        {"cell_type": "code", "source": "%matplotlib inline\nimport os"},  # a magic: skipped
        {"cell_type": "code", "source": "import crmlab"},
    ]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    assert lesson_imports(path) == ["import crmlab", "from crmlab import quiz"]


def test_an_unwritable_crmlab_home_is_named(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.write_text("a file, not a folder")
    monkeypatch.setenv("CRMLAB_HOME", str(home))
    check = sc._home()
    assert check.name == "home" and check.passed is False
    assert check.detail.startswith(f"{home}: ")
    assert home.read_text() == "a file, not a folder"


def test_a_writable_crmlab_home_is_left_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "new" / "home"))
    assert sc._home() == Check("home", True, str(tmp_path / "new" / "home"))
    assert list((tmp_path / "new" / "home").iterdir()) == []


def test_a_folder_without_the_course_lists_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path))
    check = sc._course()
    assert check.passed is False
    assert check.detail == ", ".join(str(tmp_path / part) for part in (
        "datasets", "quizzes", "notebooks/00_start_here.ipynb"))


def test_missing_jupyterlab_settings_are_a_failed_check(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    check = sc._labsettings()
    assert check.passed is False and check.detail.startswith(str(tmp_path))


def test_the_command_renders_each_check_and_what_to_do(monkeypatch, capsys):
    monkeypatch.setattr(sc, "selfcheck", lambda timeout: [
        Check("course", True, "/course"), Check("home", False, "/h: Permission denied"),
        Check("labsettings", True, "/x.json"),
        Check("kernel", False, "/usr/bin/python3", "other_python"),
        Check("imports", None), Check("quiz", None)])
    assert main(["--lang", "az", "selfcheck"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("qaydasında   kurs qovluğunda verilənlər, testlər və başlanğıc dərsi "
                        "var: /course")
    assert lines[1].startswith("UĞURSUZ      *crmlab ev* qovluğunuza yazmaq mümkündür: "
                               "/h: Permission denied (CRMLAB_HOME")
    assert f"({sys.executable}) ilə deyil, /usr/bin/python3 ilə işləyir" in lines[3]
    assert lines[4] == "yoxlanılmadı dərslərin idxal əmrləri onda işləyir"
    assert lines[6].startswith("6 yoxlamadan 4 uğurla keçmədi")  # 2 failed, 2 not run


@pytest.mark.kernel
def test_the_set_up_of_this_checkout_works(capsys, crmlab_home):
    assert main(["selfcheck"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:6]] == ["ok"] * 6
    assert lines[3].endswith(sys.executable)  # the kernel runs this environment's Python
    assert lines[-1] == "The set-up works: start with notebooks/00_start_here.ipynb"
    assert list(crmlab_home.iterdir()) == []  # the quiz saved its answer elsewhere


@pytest.mark.kernel
def test_a_broken_quiz_is_reported_and_the_other_checks_still_run(tmp_path, monkeypatch):
    import shutil

    from crmlab.core.paths import course_dir

    course = tmp_path / "course"
    for name in ("datasets", "quizzes", "notebooks"):
        shutil.copytree(course_dir() / name, course / name,
                        ignore=shutil.ignore_patterns("*.ipynb", "exercises", "instructor",
                                                      "translations", "az"))
    shutil.copy2(course_dir() / "notebooks" / "00_start_here.ipynb", course / "notebooks")
    (course / "quizzes" / "L00.yaml").unlink()
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(course))
    checks = {check.name: check for check in sc.selfcheck()}
    assert [name for name, check in checks.items() if not check.passed] == ["quiz"]
    assert checks["quiz"].detail.startswith("QuizError: ")
