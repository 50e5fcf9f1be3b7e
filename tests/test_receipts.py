"""Receipts: when each submission was received, a time the student cannot forge."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CourseError
from crmlab.grading.receipts import collect_receipts, file_digest, read_receipts
from crmlab.quiz import submission

WHEN = datetime(2026, 9, 20, 18, 30, tzinfo=timezone.utc)


def bundle(folder, student, quizzes, *, created="2026-01-01T00:00:00+00:00"):
    files = [(q, submission.answers_bytes(submission.answers_file(student, q, {"x": "y"},
                                                                   at=created)))
             for q in quizzes]
    path = folder / f"{student}.zip"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(submission.bundle_bytes(student, files, created=created))
    os.utime(path, (WHEN.timestamp(), WHEN.timestamp()))
    return path


def test_collect_writes_one_row_per_quiz_and_notebook(tmp_path):
    subs = tmp_path / "subs"
    zipped = bundle(subs, "s1", ["L00", "L02"])
    notebook = subs / "abc_profit_share__s2.ipynb"
    notebook.write_text("{}")
    os.utime(notebook, (WHEN.timestamp(), WHEN.timestamp()))
    added = collect_receipts(subs, out=tmp_path / "receipts.csv")
    assert [(r["student_id"], r["assessment"]) for r in added] == [
        ("s1", "L00"), ("s1", "L02"), ("s2", "EX-abc-profit")]
    frame = pd.read_csv(tmp_path / "receipts.csv", dtype=str)
    assert frame.columns.tolist() == ["file", "sha256", "student_id", "assessment",
                                      "received_at"]
    assert set(frame["received_at"]) == {"2026-09-20T18:30:00+00:00"}
    assert frame.loc[0, "sha256"] == file_digest("zip", zipped)
    assert frame.loc[0, "file"] == "s1.zip"


def test_receipts_only_grow_and_keep_the_first_time(tmp_path):
    subs = tmp_path / "subs"
    zipped = bundle(subs, "s1", ["L00"])
    out = tmp_path / "receipts.csv"
    collect_receipts(subs, out=out)
    later = datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp()
    os.utime(zipped, (later, later))  # copied again: a new file time, the same file
    assert collect_receipts(subs, out=out) == []
    receipts = read_receipts(out)
    assert receipts.by_digest(file_digest("zip", zipped)) == WHEN
    bundle(subs, "s2", ["L00"])
    assert [r["student_id"] for r in collect_receipts(subs, out=out)] == ["s2"]
    assert len(read_receipts(out).rows) == 2


def test_a_file_time_in_the_future_is_received_now(tmp_path):
    subs = tmp_path / "subs"
    path = bundle(subs, "s1", ["L00"])
    future = datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp()
    os.utime(path, (future, future))
    added = collect_receipts(subs, out=tmp_path / "r.csv", now=WHEN)
    assert added[0]["received_at"] == WHEN


def test_notebooks_without_a_stem_need_the_assessment(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s3.ipynb").write_text("{}")
    added = collect_receipts(subs, out=tmp_path / "r.csv", assessment="EX-rfm-pyramid")
    assert (added[0]["student_id"], added[0]["assessment"]) == ("s3", "EX-rfm-pyramid")


def test_bad_rows_are_problems_and_the_rest_is_read(tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("student_id,assessment,received_at,sha256,file\n"
                    "s1,L00,2026-09-20T18:30:00+00:00,ab,s1.zip\n"
                    "s2,L00,2026-09-20 18:30,cd,s2.zip\n"
                    "s3,L00,soon,ef,s3.zip\n"
                    "s4,L00,9999-12-31T23:59:59-01:00,gh,s4.zip\n"
                    "s5,L00,0001-01-01T00:00:00+01:00,ij,s5.zip\n")
    receipts = read_receipts(path)
    assert [r["student_id"] for r in receipts.rows] == ["s1"]  # columns found by name
    assert receipts.problems == [
        f"{path}:3: received_at: Got received_at='2026-09-20 18:30' instead, expected an ISO 8601 "
        "time with its offset, e.g. 2026-09-28T20:10:00+00:00. Row ignored.",
        f"{path}:4: received_at: Got received_at='soon' instead, expected an ISO 8601 time with "
        "its offset, e.g. 2026-09-28T20:10:00+00:00. Row ignored.",
        f"{path}:5: received_at: Got received_at='9999-12-31T23:59:59-01:00' instead, expected a "
        "time in the years 1970 to 2999. Row ignored.",
        f"{path}:6: received_at: Got received_at='0001-01-01T00:00:00+01:00' instead, expected a "
        "time in the years 1970 to 2999. Row ignored."]
    assert receipts.latest("s1", "L00") == WHEN and receipts.latest("s2", "L00") is None


def test_a_column_the_schema_does_not_know_is_refused(tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("student_id,assessment,received_at,recieved_by\n"
                    "s1,L00,2026-09-20T18:30:00+00:00,hub\n")
    with pytest.raises(CourseError) as info:
        read_receipts(path)
    assert str(info.value) == (f"{path}:1: recieved_by: unknown field 'recieved_by' in receipt "
                               "(did you mean 'received_at'?)")


def test_collecting_over_a_bad_receipts_file_writes_nothing(tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("received_at\nsoon\n")
    bundle(tmp_path / "subs", "s1", ["L00"])
    with pytest.raises(CourseError, match="Row ignored. Fix it before collecting again"):
        collect_receipts(tmp_path / "subs", out=path)
    assert path.read_text() == "received_at\nsoon\n"


def test_receipts_command(tmp_path, capsys):
    bundle(tmp_path / "subs", "s1", ["L00"])
    out = tmp_path / "receipts.csv"
    assert main(["receipts", str(tmp_path / "subs"), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"1 new receipt(s) added to {out}\n"
    assert main(["receipts", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    assert "no such file or folder" in capsys.readouterr().err
