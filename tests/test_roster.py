"""crmlab.core.roster: one roster reader for quiz and exercise grading."""

import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError
from crmlab.core.roster import read_roster


def test_optional_columns_are_added(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,email\ns1,s1@uni.az\n")
    roster = read_roster(path)
    assert roster.columns.tolist() == ["student_id", "email", "name", "section"]
    assert roster.loc[0, "name"] == ""


@pytest.mark.parametrize(("content", "message"), [
    ("id,name\ns1,A\n", "Got the roster {path} without the column 'student_id' instead, expected "
                        "the columns 'student_id'."),
    ("student_id\ns1\ns2\ns1\n", "{path}:4: student_id: 's1' appears twice (first on line 2)"),
    ("student_id\n\"s1\n\"\n", "{path}:2: student_id: Got 's1\\n' instead, expected 1 to 64 "
                              "letters, digits, '-', '_' or '.', not starting with '.' and "
                              "without '..'."),
    ("student_id,name\n s1,A\n", "{path}:2: student_id: Got ' s1' instead, expected 1 to 64 "
                                 "letters, digits, '-', '_' or '.', not starting with '.' and "
                                 "without '..'."),
    ("student_id,name\n=HYPERLINK(\"x\"),A\n", "{path}:2: student_id: Got '=HYPERLINK(\"x\")' "
                                               "instead, expected 1 to 64 letters, digits, '-', "
                                               "'_' or '.', not starting with '.' and without "
                                               "'..'."),
    ("student_id\n../..\n", "{path}:2: student_id: Got '../..' instead, expected 1 to 64 "
                             "letters, digits, '-', '_' or '.', not starting with '.' and "
                             "without '..'."),
    ("", "{path}: cannot read the roster (No columns to parse from file)"),
    ("student_id\ns1\n../etc\n", "{path}:3: student_id: Got '../etc' instead, expected 1 to 64 "
                                  "letters, digits, '-', '_' or '.', not starting with '.' and "
                                  "without '..'."),
    ("student_id,name\n,A\n", "{path}:2: student_id: Got '' instead, expected 1 to 64 letters, "
                              "digits, '-', '_' or '.', not starting with '.' and without '..'."),
])
def test_bad_rosters_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "roster.csv"
    path.write_text(content)
    with pytest.raises(CrmlabError) as info:
        read_roster(path)
    assert str(info.value) == message.format(path=path)


def test_both_graders_report_the_same_roster_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "fixture-secret-123")
    roster = tmp_path / "roster.csv"
    roster.write_text("id\ns1\n")
    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "o"), "--roster",
                 str(roster)]) == 1
    quiz_error = capsys.readouterr().err
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(roster), "--out",
                 str(tmp_path / "a")]) == 1
    assert capsys.readouterr().err == quiz_error
    assert "without the column 'student_id'" in quiz_error


def test_assign_refuses_a_bad_roster_before_writing_any_copy(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "fixture-secret-123")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns1\ns2\n../..\n")
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(roster), "--out",
                 str(tmp_path / "a")]) == 1
    assert capsys.readouterr().err == (
        f"crmlab: error: {roster}:4: student_id: Got '../..' instead, expected 1 to 64 letters, "
        "digits, '-', '_' or '.', not starting with '.' and without '..'.\n")
    assert not list(tmp_path.rglob("*.ipynb"))
