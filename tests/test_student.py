"""crmlab.course.student and `crmlab student`."""

import pytest

from crmlab.cli import main
from crmlab.course import student
from crmlab.exceptions import CrmlabError


def test_default_and_set(crmlab_home, capsys):
    assert student.get_id() == "anonymous"
    assert main(["student", "set", "ana.k-01"]) == 0
    assert main(["student", "show"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "ana.k-01"
    assert (crmlab_home / "config.json").is_file()


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "a\\b", ".hidden", "x" * 65, "a b", "a..b"])
def test_unsafe_ids_are_refused(crmlab_home, bad, capsys):
    with pytest.raises(CrmlabError, match="^Got student_id="):
        student.set_id(bad)
    assert main(["student", "set", bad]) == 1
    assert capsys.readouterr().err.startswith("crmlab: error: Got student_id=")
    assert student.get_id() == "anonymous"


def test_broken_config_is_a_one_line_error(crmlab_home):
    (crmlab_home / "config.json").write_text("not json")
    with pytest.raises(CrmlabError, match="not a valid crmlab configuration file"):
        student.set_id("s1")
    assert (crmlab_home / "config.json").read_text() == "not json"
