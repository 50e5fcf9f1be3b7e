"""crmlab.student and `crmlab student`."""

import pytest

from crmlab import student
from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError


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


HUB_ENV = {"JUPYTERHUB_USER": "ana", "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
           "JUPYTERHUB_API_TOKEN": "t0ken"}


@pytest.fixture
def hub_env(crmlab_home, monkeypatch):
    for name, value in HUB_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_inside_a_hub_the_id_is_the_hub_user_and_cannot_be_set(hub_env, crmlab_home, capsys):
    (crmlab_home / "config.json").write_text('{"student_id": "someone-else"}')
    assert student.get_id() == "ana"
    assert student.hub_user() == "ana"
    with pytest.raises(CrmlabError, match="^On JupyterHub your student id is your hub user name"):
        student.set_id("bob")
    assert main(["student", "set", "bob"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: On JupyterHub your student id is your hub user name 'ana'; "
        "it cannot be changed here\n")
    assert (crmlab_home / "config.json").read_text() == '{"student_id": "someone-else"}'
    assert main(["student", "show"]) == 0
    assert capsys.readouterr().out == "ana\n"


@pytest.mark.parametrize("missing", ["JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"])
def test_a_stray_hub_user_variable_alone_changes_nothing(hub_env, missing):
    hub_env.delenv(missing)
    assert student.hub_user() is None
    assert student.get_id() == "anonymous"
    assert student.set_id("s1") == "s1" and student.get_id() == "s1"


def test_a_hub_user_name_that_is_not_a_safe_id_is_a_one_line_error(hub_env):
    hub_env.setenv("JUPYTERHUB_USER", "ana/../bob")
    with pytest.raises(CrmlabError, match="^JupyterHub user name 'ana/../bob' cannot be a crmlab"):
        student.get_id()


def test_answers_given_before_an_id_was_set_become_the_new_ids(crmlab_home):
    from crmlab.quiz import record
    from crmlab.quiz.storage import read_answers, saved_quizzes

    record("L00", "run-order", "restart")  # as anonymous
    assert student.set_id("s-1") == "s-1"
    assert saved_quizzes("anonymous") == [] and saved_quizzes("s-1") == ["L00"]
    data = read_answers("s-1", "L00")
    assert (data["student_id"], data["answers"]["run-order"]["answer"]) == ("s-1", "restart")


def test_changing_an_id_with_saved_answers_asks_first_and_says_what_happens(crmlab_home,
                                                                            capsys):
    from crmlab.quiz import record
    from crmlab.quiz.storage import saved_quizzes

    student.set_id("s-1")
    record("L00", "run-order", "restart")
    assert main(["student", "set", "s-2"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "your answers to L00 are saved under it" in err
    assert "crmlab student set s-2 --replace" in err and "would not be handed in" in err
    assert student.get_id() == "s-1"  # nothing changed
    student.set_id("s-1")  # the same id again: nothing to ask
    assert main(["student", "set", "s-2", "--replace"]) == 0
    assert student.get_id() == "s-2"
    assert saved_quizzes("s-1") == ["L00"] and saved_quizzes("s-2") == []  # kept, not moved
    assert main(["student", "set", "s-3"]) == 0  # s-2 has no answers: no question
    assert student.get_id() == "s-3"
