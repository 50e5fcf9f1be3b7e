"""The course gradebook: quiz and exercise grades merged, late policy applied, LMS layouts,
bad input as problems or one-line errors that write nothing."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from _course_inputs import COURSE, write_exercise_grades

from crmlab.cli import main
from crmlab.core.exceptions import CourseError
from crmlab.grading.gradebook import course_gradebook, write_gradebook


def test_merged_with_late_policy_and_missing_work(inputs):
    book = course_gradebook(**inputs)
    rows = book.rows.set_index(["student_id", "assessment"])
    # s1's quiz: 1 d 1 h late -> 2 days x 25% of 2 points = 1 point off 2
    assert rows.loc[("s1", "Q"), ["raw", "late_days", "penalty", "final", "status",
                                  "time_source"]].tolist() == [2.0, 2, 1.0, 1.0, "late",
                                                               "file time"]
    assert rows.loc[("s1", "EX-fixture"), ["final", "status", "time_source"]].tolist() == [
        3.0, "on_time", "receipt"]
    assert rows.loc[("s2", "Q"), ["raw", "final", "status"]].tolist() == [1.0, 1.0, "on_time"]
    assert rows.loc[("s2", "EX-fixture"), ["final", "status"]].tolist() == [0.0, "missing"]
    assert rows.loc[("s3", "Q"), ["final", "status"]].tolist() == [0.0, "missing"]
    totals = book.table.set_index("student_id")["weighted_total"].to_dict()
    # (3 x final_Q / 2 + 1 x final_EX / 3) / 4 x 100
    assert totals == {"s1": pytest.approx(62.5), "s2": pytest.approx(37.5), "s3": 0.0}
    assert sorted(zip(book.problems["student_id"], book.problems["code"],
                      book.problems["reason"])) == [
        ("s2", "not_submitted", "no submission: 0 points"),
        ("s3", "no_answers", "no answers to this quiz: 0 points"),
        ("s3", "not_in_grading", "not in the exercise's grading: 0 points")]


def test_lms_layouts(inputs, tmp_path):
    book = course_gradebook(**inputs)
    write_gradebook(book, tmp_path / "canvas", format="canvas")
    canvas = pd.read_csv(tmp_path / "canvas" / "gradebook.csv", dtype=str,
                         keep_default_na=False)
    assert canvas.columns.tolist() == ["Student", "ID", "SIS User ID", "SIS Login ID",
                                       "Section", "Quiz Q", "Exercise EX-fixture",
                                       "Course weighted_total"]
    assert canvas.iloc[0][["Quiz Q", "Exercise EX-fixture", "Course weighted_total"]].tolist() \
        == ["2.0", "3.0", "100.0"]
    assert canvas.iloc[1][["Student", "SIS User ID", "Quiz Q"]].tolist() == ["Aysel", "s1",
                                                                              "1.0"]
    write_gradebook(book, tmp_path / "moodle", format="moodle")
    moodle = pd.read_csv(tmp_path / "moodle" / "gradebook.csv", dtype=str)
    assert moodle.columns.tolist() == ["ID number", "Email address", "Quiz: Q (Real)",
                                       "Exercise: EX-fixture (Real)",
                                       "Course: weighted_total (Real)"]


def test_an_exercise_without_a_receipt_is_not_penalised_and_listed(inputs):
    inputs["receipts"] = None
    book = course_gradebook(**inputs)
    rows = book.rows.set_index(["student_id", "assessment"])
    assert rows.loc[("s1", "EX-fixture"), ["final", "late_days", "time_source"]].tolist() == [
        3.0, 0, ""]
    assert ("s1", "no_receipt", "no receipt time for this submission: the late policy was not "
                                "applied (collect with `crmlab receipts`)") in set(
        zip(book.problems["student_id"], book.problems["code"], book.problems["reason"]))


def test_a_receipt_overrides_the_file_time(inputs):
    digest = pd.read_csv(inputs["quizzes"] / "submissions.csv", dtype=str).set_index(
        "student_id").loc["s1", "sha256"]
    with open(inputs["receipts"], "a") as handle:
        handle.write(f"s1.zip,{digest},s1,Q,2026-10-01T11:59:00+00:00\n")
    rows = course_gradebook(**inputs).rows.set_index(["student_id", "assessment"])
    assert rows.loc[("s1", "Q"), ["final", "status", "time_source"]].tolist() == [
        2.0, "on_time", "receipt"]


def test_a_student_off_the_roster_is_included_and_listed(inputs, tmp_path):
    (tmp_path / "short.csv").write_text("student_id\ns1\n")
    book = course_gradebook(**{**inputs, "roster": tmp_path / "short.csv"})
    assert book.students == ["s1", "s2"]
    assert ("s2", "included_off_roster", "not in the roster: included anyway") in set(
        zip(book.problems["student_id"], book.problems["code"], book.problems["reason"]))


def test_a_malformed_course_file_is_one_line_and_keeps_the_last_gradebook(inputs, tmp_path,
                                                                          capsys):
    args = ["gradebook", "--out", str(tmp_path / "book"), "--quizzes", str(inputs["quizzes"]),
            "--exercises", str(tmp_path / "ex"), "--course", str(inputs["course"])]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradebook of 2 student(s) x 2 assessment(s): 1 late, 0 cut off, "
                          "1 missing, 0 pending; ")
    before = (tmp_path / "book" / "gradebook.csv").read_bytes()
    inputs["course"].write_text(COURSE.replace("assessments:", "assessments: [\n"))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"crmlab: error: {inputs['course']}:") and err.count("\n") == 1
    assert (tmp_path / "book" / "gradebook.csv").read_bytes() == before
    assert len(list((tmp_path / "book" / "runs").iterdir())) == 1


def test_wrong_folders_are_one_line_errors(inputs, tmp_path):
    with pytest.raises(CourseError, match=r"responses.csv: no quiz responses here"):
        course_gradebook(**{**inputs, "quizzes": tmp_path / "ex"})
    with pytest.raises(CourseError, match=r"no details.csv of an exercise grading here"):
        course_gradebook(**{**inputs, "exercises": [inputs["quizzes"]]})
    write_exercise_grades(tmp_path / "ex2")
    with pytest.raises(CourseError, match=r"exercise 'EX-fixture' is graded twice"):
        course_gradebook(**{**inputs, "exercises": [tmp_path / "ex", tmp_path / "ex2"]})


def test_a_policy_change_is_a_reason_in_the_gradebook_history(inputs, tmp_path):
    write_gradebook(course_gradebook(**inputs), tmp_path / "book")
    inputs["course"].write_text(COURSE.replace("penalty_per_day: 25", "penalty_per_day: 10"))
    book = course_gradebook(**inputs)
    write_gradebook(book, tmp_path / "book")
    assert [(c["student_id"], c["item"], c["before"], c["after"], c["reasons"])
            for c in book.run.changes] == [
        ("s1", "Q", "1", "1.6", "policy change: late policy of Q"),
        ("s1", "weighted_total", "62.5", "85", "policy change: late policy of Q")]


def test_no_input_is_modified(inputs):
    before = {p: p.read_bytes() for p in inputs["quizzes"].glob("*.csv")}
    course_gradebook(**inputs)
    assert {p: p.read_bytes() for p in inputs["quizzes"].glob("*.csv")} == before


def test_no_grades_yet_gives_an_empty_gradebook():
    book = course_gradebook()
    n = len(book.course.assessments)  # every assessment of the shipped course.yaml
    assert book.students == [] and len(book.possible) == n
    assert textwrap.shorten(book.summary(), 40) == f"gradebook of 0 student(s) x {n} [...]"


def test_a_received_time_without_its_offset_is_a_one_line_error():
    from crmlab.grading.gradebook import _received

    assert _received("2026-09-28T10:00:00+04:00", student_of="ab").hour == 10
    for stamp in ("2026-09-28T10:00:00", "yesterday"):
        with pytest.raises(CourseError, match=r"^submissions\.csv: received_at: Got "):
            _received(stamp, student_of="0123456789abcdef")


def test_the_runs_an_exercise_grading_keeps_are_not_read_as_gradings(inputs, tmp_path):
    write_exercise_grades(inputs["exercises"][0] / "runs" / "20261001T000000Z")
    book = course_gradebook(**inputs)  # one grading of EX-fixture, not three
    assert book.rows.set_index(["student_id", "assessment"]).loc[
        ("s1", "EX-fixture"), "final"] == 3.0
