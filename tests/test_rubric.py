"""Hand grading by a CSV round trip: export, fill, import; every bad row named; nothing lost."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime

import pandas as pd
import pytest
from _handgrade_inputs import QUIZ  # the one free-text quiz of the tests

from crmlab.cli import main
from crmlab.grading.quizzes import grade
from crmlab.grading.rubric import (
    SHEET_COLUMNS,
    TextAnswer,
    answer_digest,
    check_sheet,
    read_store,
)
from crmlab.quiz import submission

TEXTS = {"s1": "Winning back costs 50-100 times more.", "s2": "Loyal customers buy more."}


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "course" / "quizzes").mkdir(parents=True)
    (tmp_path / "course" / "quizzes" / "T.yaml").write_text(QUIZ)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path / "course"))
    subs = tmp_path / "subs"
    subs.mkdir()
    for student, text in TEXTS.items():
        write(subs, student, text)
    return tmp_path


def write(subs, student, text, name=None, created="2026-10-01T10:00:00+00:00"):
    raw = submission.answers_bytes(submission.answers_file(
        student, "T", {"why": text, "tf": True}, at=created))
    path = subs / (name or f"{student}.zip")
    path.write_bytes(submission.bundle_bytes(student, [("T", raw)], created=created))
    received = datetime.fromisoformat(created).timestamp()  # collected when it was made
    os.utime(path, (received, received))


def run(course, **kwargs):
    return grade(course / "subs", out=course / "out", quizzes=["T"], figures=False,
                 progress=False, **kwargs)


def sheet(rows, columns=SHEET_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def filled(course, points: dict) -> list[dict]:
    rows = list(csv.DictReader((course / "out" / "rubric.csv").open()))
    for row in rows:
        row["points"] = points.get((row["student_id"], row["criterion"]), "")
    return rows


def test_pending_until_every_criterion_is_graded(course):
    result = run(course)
    book = result.gradebook.set_index("student_id")
    # Pending: empty, never the partial sum of the machine-graded answers (1.0 each).
    assert book["T"].isna().all() and book["total"].isna().all()
    assert book["pending"].to_dict() == {"s1": "T", "s2": "T"}
    written = pd.read_csv(course / "out" / "gradebook.csv", keep_default_na=False, dtype=str)
    assert written[["T", "total", "pending"]].values.tolist() == [["", "", "T"], ["", "", "T"]]
    rows = list(csv.DictReader((course / "out" / "rubric.csv").open()))
    assert [(r["student_id"], r["criterion"], r["max_points"], r["points"]) for r in rows] == [
        ("s1", "cost", "2", ""), ("s1", "example", "1", ""),
        ("s2", "cost", "2", ""), ("s2", "example", "1", "")]
    assert rows[0]["answer_sha256"] == answer_digest(TEXTS["s1"])
    (course / "one.csv").write_text(sheet(filled(course, {("s1", "cost"): "2"})))
    result = run(course, import_rubric=course / "one.csv")
    assert result.responses.set_index(["student_id", "question_id"])["points"].isna().sum() == 2
    (course / "two.csv").write_text(sheet(filled(course, {("s1", "cost"): "2",
                                                         ("s1", "example"): "0.5"})))
    result = run(course, import_rubric=course / "two.csv")
    book = result.gradebook.set_index("student_id")
    assert book.loc["s1", ["T", "total", "pending"]].tolist() == [3.5, 3.5, ""]
    assert book["pending"]["s2"] == "T" and pd.isna(book["T"]["s2"])
    exported = list(csv.DictReader((course / "out" / "rubric.csv").open()))
    assert [r["points"] for r in exported] == ["2", "0.5", "", ""]  # graded rows pre-filled


def test_reordered_and_extra_columns_import_with_a_note(course):
    run(course)
    rows = filled(course, {("s1", "cost"): "1", ("s1", "example"): "1"})
    columns = ["my notes", *reversed(SHEET_COLUMNS)]
    (course / "edited.csv").write_text(sheet([{**r, "my notes": "!"} for r in rows], columns))
    result = run(course, import_rubric=course / "edited.csv")
    assert not result.rubric_refused
    assert result.gradebook.set_index("student_id").loc["s1", "T"] == 3.0
    assert result.problems[["code", "reason"]].values.tolist() == [
        ["rubric_note", "rubric sheet: column 'my notes' ignored"]]


# (what, edit of row 0 (the sheet's line 2), the problem after "FILE:2: ")
BAD = [
    ("unknown student", {"student_id": "s9"},
     "student_id: unknown student 's9' (no free-text answer of theirs was graded)"),
    ("unknown question", {"question_id": "what"},
     "question_id: T/what is not a free-text question answered in this run"),
    ("unknown criterion", {"criterion": "style"},
     "criterion: Got criterion='style' instead, expected one of 'cost', 'example'."),
    ("not a number", {"points": "two"},
     "points: Got points='two' instead, expected a number (a decimal comma is fine), or nothing "
     "for not graded yet."),
    ("above the maximum", {"points": "2.5"},
     "points: Got points='2.5' instead, expected a number from 0 to 2."),
    ("negative", {"points": "-1"},
     "points: Got points='-1' instead, expected a number (a decimal comma is fine), or nothing "
     "for not graded yet."),
    ("a checksum that is not one", {"answer_sha256": "abc"},
     "answer_sha256: Got answer_sha256='abc' instead, expected the answer's checksum as "
     "exported (64 hexadecimal digits), or nothing."),
    ("answer changed", {"answer_sha256": "0" * 64},
     "answer_sha256: the student's answer changed since this sheet was exported; export the "
     "sheet again"),
]


def test_points_that_are_not_a_number_are_said_as_the_schema_says_them():
    """The page says this problem in its language, so it has a code of its own; its English
    line is the schema's (what editors show), and stays so."""
    from crmlab.core.i18n import message
    from crmlab.core.schemas import load_schema

    expected = load_schema("rubric")["properties"]["points"]["errorMessage"]
    assert message("handgrade.problem.points_not_number", "en", value="'two'") == (
        f"points: Got points='two' instead, {expected}.")


@pytest.mark.parametrize(("case", "edit", "problem"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_sheet_imports_nothing_and_says_where(course, case, edit, problem):
    run(course)
    good = filled(course, {("s1", "cost"): "2", ("s1", "example"): "1",
                           ("s2", "cost"): "1", ("s2", "example"): "1"})
    rows = [{**good[0], **edit}, *good[1:]]
    path = course / "bad.csv"
    path.write_text(sheet(rows))
    result = run(course, import_rubric=path)
    assert result.rubric_refused
    assert result.rubric_import == (f"rubric sheet {path} (columns separated by ',') refused, "
                                    f"nothing imported: 1 problem(s), first: {path}:2: {problem}")
    assert result.problems[["code", "reason"]].values.tolist() == [
        ["rubric_refused", f"rubric sheet refused: {path}:2: {problem}"]]
    assert read_store(course / "out").rows == {}  # not even the good rows
    assert result.gradebook.set_index("student_id")["pending"].to_dict() == {"s1": "T", "s2": "T"}


def test_repeated_rows_and_missing_columns(course, tmp_path):
    run(course)
    rows = filled(course, {("s1", "cost"): "2"})
    (tmp_path / "twice.csv").write_text(sheet([rows[0], rows[0]]))
    answers = [TextAnswer("s1", "T", "why", TEXTS["s1"],
                          (("cost", "Cost", 2.0), ("example", "Example", 1.0)))]
    staged, problems, _ = check_sheet(tmp_path / "twice.csv", answers)
    assert staged == [] and problems == [
        f"{tmp_path / 'twice.csv'}:3: criterion: repeats line 2 (the same student, question "
        "and criterion)"]
    (tmp_path / "cols.csv").write_text("student_id,points\ns1,2\n")
    assert check_sheet(tmp_path / "cols.csv", answers)[1] == [
        f"{tmp_path / 'cols.csv'}:1: -: the sheet lacks the column(s) 'quiz_id', "
        "'question_id', 'criterion' (its header, split at ',', has 2 column(s))"]
    assert check_sheet(tmp_path / "none.csv", answers)[1][0].startswith(
        f"{tmp_path / 'none.csv'}:1: -: cannot read the rubric sheet")


def excel(rows, columns=SHEET_COLUMNS) -> str:
    """A sheet as Excel saves it in a comma-decimal locale: ';' between cells, '2,5'."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";", lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows([{**r, "points": r["points"].replace(".", ",")} for r in rows])
    return "\ufeff" + buffer.getvalue()


def test_an_excel_semicolon_sheet_with_decimal_commas_imports(course):
    run(course)
    rows = filled(course, {("s1", "cost"): "1.5", ("s1", "example"): "1"})
    (course / "excel.csv").write_text(excel(rows), encoding="utf-8")
    result = run(course, import_rubric=course / "excel.csv")
    assert not result.rubric_refused, result.rubric_import
    assert result.gradebook.set_index("student_id").loc["s1", "T"] == 3.5  # 1.5 + 1 + tf 1
    assert read_store(course / "out").rows[("s1", "T", "why", "cost")]["points"] == "1.5"


def test_a_decimal_comma_is_refused_in_a_comma_sheet_and_the_refusal_names_the_delimiter(
        course):
    run(course)
    rows = filled(course, {("s1", "cost"): "1,5"})
    (course / "comma.csv").write_text(sheet(rows))
    result = run(course, import_rubric=course / "comma.csv")
    path = course / "comma.csv"
    assert result.rubric_import == (
        f"rubric sheet {path} (columns separated by ',') refused, nothing imported: 1 "
        f"problem(s), first: {path}:2: points: Got points='1,5' instead, expected a number "
        "with a decimal point (a decimal comma only in a ';'-separated sheet).")
    rows = filled(course, {("s1", "cost"): "9"})
    (course / "excel.csv").write_text(excel(rows), encoding="utf-8")
    result = run(course, import_rubric=course / "excel.csv")
    assert result.rubric_import.startswith(
        f"rubric sheet {course / 'excel.csv'} (columns separated by ';') refused")
    assert read_store(course / "out").rows == {}


def test_the_cli_exits_1_on_a_refused_sheet_after_grading(course, capsys):
    run(course)
    rows = filled(course, {("s1", "cost"): "x"})
    (course / "bad.csv").write_text(sheet(rows))
    args = ["grade", str(course / "subs"), "--out", str(course / "out"), "--quiz", "T",
            "--no-figures"]
    assert main(args + ["--import-rubric", str(course / "bad.csv")]) == 1
    assert "refused, nothing imported: 1 problem(s)" in capsys.readouterr().out
    assert (course / "out" / "gradebook.csv").is_file()  # the run itself went on


def test_importing_the_same_sheet_twice_changes_nothing(course):
    run(course)
    (course / "s.csv").write_text(sheet(filled(course, {("s1", "cost"): "2",
                                                       ("s1", "example"): "1"})))
    first = run(course, import_rubric=course / "s.csv")
    store = (course / "out" / "hand_grades.csv").read_bytes()
    second = run(course, import_rubric=course / "s.csv")
    assert second.rubric_import.endswith("2 graded cell(s), 0 changed")
    assert (course / "out" / "hand_grades.csv").read_bytes() == store  # graded_at kept
    pd.testing.assert_frame_equal(first.gradebook, second.gradebook)
    assert second.run.changes == []


def test_an_empty_cell_never_erases_a_grade(course):
    run(course)
    (course / "s.csv").write_text(sheet(filled(course, {("s1", "cost"): "2",
                                                       ("s1", "example"): "1"})))
    run(course, import_rubric=course / "s.csv")
    (course / "blank.csv").write_text(sheet(filled(course, {})))
    result = run(course, import_rubric=course / "blank.csv")
    assert result.gradebook.set_index("student_id").loc["s1", "T"] == 4.0


def test_a_changed_answer_is_pending_again_and_the_old_grade_stays(course):
    run(course)
    (course / "s.csv").write_text(sheet(filled(course, {("s1", "cost"): "2",
                                                       ("s1", "example"): "1"})))
    run(course, import_rubric=course / "s.csv")
    write(course / "subs", "s1", "A new, longer answer.", name="s1-again.zip",
          created="2026-10-02T10:00:00+00:00")
    result = run(course)
    book = result.gradebook.set_index("student_id")
    assert pd.isna(book.loc["s1", "T"]) and book.loc["s1", "pending"] == "T"  # pending again
    stored = read_store(course / "out").rows[("s1", "T", "why", "cost")]
    assert stored["answer_sha256"] == answer_digest(TEXTS["s1"]) and stored["points"] == "2"
    assert result.run.changes[0]["reasons"] == "new submission"


def test_a_sheet_being_filled_is_never_overwritten(course):
    run(course)
    rows = filled(course, {("s1", "cost"): "2"})
    (course / "out" / "rubric.csv").write_text(sheet(rows))  # typed in place, not imported
    typed = (course / "out" / "rubric.csv").read_text()
    result = run(course)
    assert (course / "out" / "rubric.csv").read_text() == typed
    assert (course / "out" / "rubric.new.csv").is_file()
    assert result.problems["code"].tolist() == ["rubric_unimported"]
    assert "rubric.csv holds points not imported yet" in result.problems["reason"].iloc[0]
    run(course, import_rubric=course / "out" / "rubric.csv")  # imported: now it may be rewritten
    assert read_store(course / "out").rows[("s1", "T", "why", "cost")]["points"] == "2"
    assert not (course / "out" / "rubric.new.csv").exists()
    assert [r["points"] for r in csv.DictReader((course / "out" / "rubric.csv").open())] == \
        ["2", "", "", ""]
