"""crmlab grade: scores recomputed from raw answers, every bad input in problems.csv."""

import json
import math
import os
import zipfile
from datetime import datetime

import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError
from crmlab.grading.quizzes import grade
from crmlab.quiz import load, submission


@pytest.fixture(autouse=True)
def practice_counts(monkeypatch):
    """These tests grade L00's practice answers, so their course counts practice in full (the
    default, practice not counted, is tested in test_practice_weight)."""
    monkeypatch.setattr("crmlab.grading.quizzes.course_practice_weight", lambda: 1.0)


def bundle(folder, student, answers, *, created="2026-11-20T10:00:00+00:00", version=None,
           name=None, tamper=None, received=None, variants=None):
    """Write a submission zip as `crmlab submit` does; `tamper` edits it on the way. Its file
    time (when it landed in the folder) is `received`, by default `created`. `variants`:
    ``{quiz_id: {question_id: variant digest}}`` of the answers to numbers of one's own."""
    folder.mkdir(parents=True, exist_ok=True)
    variants = variants or {}
    files = [(quiz_id, submission.answers_bytes(submission.answers_file(
                 student, quiz_id, items, at=created, variants=variants.get(quiz_id))))
             for quiz_id, items in answers.items()]
    manifest, members = submission.bundle_members(student, files, created=created)
    manifest["score"] = 999  # a claim the grader must ignore
    if version:
        manifest["crmlab_version"] = version
    if tamper:
        tamper(manifest, members)
    path = folder / (name or f"{student}.zip")
    path.write_bytes(submission.zip_members(manifest, members))
    moment = datetime.fromisoformat(received or created).timestamp()
    os.utime(path, (moment, moment))
    return path


COHORT = {  # hand-computed in test_statistics_on_a_small_cohort
    "s1": {"answers-saved": False, "run-order": "restart"},
    "s2": {"answers-saved": False, "run-order": "reinstall"},
    "s3": {"answers-saved": True, "run-order": "restart"},
    "s4": {"answers-saved": True, "run-order": "delete-cells"},
}


@pytest.fixture
def cohort(tmp_path):
    subs = tmp_path / "subs"
    for student, answers in COHORT.items():
        bundle(subs, student, {"L00": answers})
    return subs


def test_statistics_on_a_small_cohort(cohort, tmp_path):
    result = grade(cohort, out=tmp_path / "out", quizzes=["L00"], progress=False)
    book = result.gradebook.set_index("student_id")
    assert book["total"].to_dict() == {"s1": 2.0, "s2": 1.0, "s3": 1.0, "s4": 0.0}
    items = result.item_analysis.set_index("question_id")
    # difficulty: two of four right on both items
    assert items.loc["answers-saved", "difficulty"] == 0.5
    assert items.loc["run-order", "difficulty"] == 0.5
    # rest scores: answers-saved [1,0,1,0] vs item [1,1,0,0] -> r = 0
    assert items.loc["answers-saved", "point_biserial"] == 0
    # 27% groups of ceil(1.08) = 2: lower {s4, s2}, upper {s3, s1}
    assert items.loc["run-order", "upper_lower"] == 1.0
    assert items.loc["answers-saved", "upper_lower"] == 0.0
    assert items.loc["run-order", "option_counts"] == (
        "restart:2; rerun-failing:0; delete-cells:1; reinstall:1")
    assert items.loc["run-order", "never_chosen"] == "rerun-failing"
    assert result.problems.empty
    for name in ("gradebook.csv", "responses.csv", "item_analysis.csv", "problems.csv",
                 "report.md", "score_distribution.png", "difficulty_vs_discrimination.png"):
        assert (tmp_path / "out" / name).is_file(), name


def test_point_biserial_formula():
    from crmlab.grading.item_analysis import item_analysis

    # item scores [1,1,1,0,0] against rest scores [3,2,1,1,0] (other points per student)
    rows = []
    for student, item, rest in zip("abcde", [1, 1, 1, 0, 0], [3, 2, 1, 1, 0]):
        rows.append({"student_id": student, "quiz_id": "Q", "question_id": "i", "points": item,
                     "max_points": 1})
        rows.append({"student_id": student, "quiz_id": "Q", "question_id": "rest",
                     "points": rest, "max_points": 3})
    items = item_analysis(pd.DataFrame(rows)).set_index("question_id")
    assert items.loc["i", "point_biserial"] == round(0.36 / math.sqrt(0.24 * 1.04), 4)


def test_claimed_scores_are_ignored_and_wrong_answers_earn_nothing(tmp_path):
    bundle(tmp_path / "subs", "cheat", {"L00": {"run-order": "reinstall"}})
    result = grade(tmp_path / "subs", out=tmp_path / "out", quizzes=["L00"], progress=False)
    assert result.gradebook.loc[0, "total"] == 0


def _bad_cases(subs):
    def checksum(manifest, files):
        files["answers/L00.json"] = files["answers/L00.json"].replace(b"reinstall", b"restart")

    def no_quizzes(manifest, files):
        del manifest["quizzes"]

    (subs / "corrupt.zip").write_bytes(b"PK\x03\x04 not really a zip")
    bundle(subs, "tampered", {"L00": {"run-order": "reinstall"}}, tamper=checksum)
    bundle(subs, "nolist", {"L00": {"run-order": "restart"}}, tamper=no_quizzes)
    bundle(subs, "old", {"L00": {"run-order": "restart"}}, version="0.0.9")
    with zipfile.ZipFile(subs / "badjson.zip", "w") as zf:
        zf.writestr("manifest.json", "{not json")
    bundle(subs, "evil", {"L00": {"run-order": "restart"}}, name="evil.zip",
           tamper=lambda m, f: m.update(student_id="../../etc"))
    bundle(subs, "big", {"L00": {"run-order": "restart"}},  # a zip bomb, small on disk
           tamper=lambda m, f: f.update({"padding.bin": b"0" * 3_000_000}))
    (subs / "huge.zip").write_bytes(b"\0" * 2_000_001)
    bundle(subs, "mixed", {"L00": {"run-order": "restart", "nope": "a", "loader": "zzz"},
                           "L99": {"q": "a"}})
    bundle(subs, "twice", {"L00": {"run-order": "reinstall"}}, name="twice-1.zip",
           created="2026-11-20T09:00:00+00:00")
    bundle(subs, "twice", {"L00": {"run-order": "restart"}}, name="twice-2.zip",
           created="2026-11-21T09:00:00+00:00")
    bundle(subs, "good", {"L00": {"run-order": "restart"}})


def test_every_bad_input_goes_to_problems_and_valid_ones_are_graded(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    _bad_cases(subs)
    assert main(["grade", str(subs), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("graded 3 student(s)")
    problems = pd.read_csv(tmp_path / "out" / "problems.csv", keep_default_na=False)
    reasons = {(row.source.rsplit("/", 1)[-1], row.item or row.assessment): row.reason
               for row in problems.itertuples()}
    assert reasons[("corrupt.zip", "")] == "rejected: not a valid zip file"
    assert reasons[("tampered.zip", "")] == "rejected: checksum mismatch for answers/L00.json"
    assert reasons[("nolist.zip", "")] == "rejected: manifest.json lacks the 'quizzes' list"
    assert reasons[("old.zip", "")].startswith("rejected: made by crmlab '0.0.9'")
    assert reasons[("badjson.zip", "")] == "rejected: manifest.json is not valid JSON"
    assert reasons[("evil.zip", "")] == "rejected: unsafe or missing student id '../../etc'"
    assert reasons[("big.zip", "")] == ("rejected: a member is larger than the cap of 2000000 "
                                        "bytes once unpacked")
    assert reasons[("huge.zip", "")] == "rejected: file is larger than the cap of 2000000 bytes"
    assert reasons[("mixed.zip", "nope")].startswith("answer ignored: quiz 'L00': unknown question")
    assert reasons[("mixed.zip", "loader")].startswith("answer ignored: question 'loader': Got "
                                                      "option='zzz' instead, expected one of ")
    assert reasons[("mixed.zip", "L99")] == "unknown quiz id"
    assert ("twice-1.zip", "") not in reasons  # a resubmission is not a problem
    codes = {(row.source.rsplit("/", 1)[-1], row.item or row.assessment): (row.code, row.params)
             for row in problems.itertuples()}
    assert codes[("corrupt.zip", "")] == ("bundle_rejected",
                                          '{"error":"not a valid zip file"}')
    assert codes[("mixed.zip", "L99")] == ("unknown_quiz", "")
    counted = pd.read_csv(tmp_path / "out" / "submissions.csv").set_index("source")["counted"]
    assert not counted[str(tmp_path / "subs" / "twice-1.zip")]
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv").set_index("student_id")
    assert book.loc["twice", "L00"] == 1.0  # the latest submission counts
    assert book.loc["mixed", "L00"] == 1.0 and book.loc["good", "L00"] == 1.0
    assert "evil" not in book.index and "../../etc" not in book.index


def test_nothing_gradable_is_a_one_line_error(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.zip").write_bytes(b"junk")
    assert main(["grade", str(subs), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err == ("crmlab: error: nothing could be graded: all 1 submission(s) were rejected "
                   "(first: rejected: not a valid zip file)\n")
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_roster_and_lms_formats(cohort, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,section\ns1,Aysel,s1@uni.az,A\ns2,Elvin,s2@uni.az,A\n"
                      "s9,Nigar,s9@uni.az,B\n")
    result = grade(cohort, out=tmp_path / "plain", quizzes=["L00"], roster=roster,
                   progress=False)
    book = result.gradebook.set_index("student_id")
    assert book.loc["s9", "total"] == 0 and pd.isna(book.loc["s9", "L00"])
    assert set(zip(result.problems["code"], result.problems["reason"])) == {
        ("graded_off_roster", "not in the roster: graded anyway")}
    grade(cohort, out=tmp_path / "canvas", quizzes=["L00"], roster=roster, format="canvas",
          progress=False)
    canvas = pd.read_csv(tmp_path / "canvas" / "gradebook.csv", keep_default_na=False)
    assert canvas.columns.tolist()[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID",
                                           "Section"]
    assert canvas.iloc[0]["Student"].strip() == "Points Possible"
    possible = sum(question.points for question in load("L00").questions)
    assert canvas.iloc[0]["Quiz L00"] == f"{possible:.1f}"
    grade(cohort, out=tmp_path / "moodle", quizzes=["L00"], roster=roster, format="moodle",
          progress=False)
    moodle = pd.read_csv(tmp_path / "moodle" / "gradebook.csv", keep_default_na=False)
    assert moodle.columns.tolist() == ["ID number", "Email address", "Quiz: L00 (Real)"]


def test_answer_folders_are_graded(tmp_path):
    folder = tmp_path / "subs" / "s7"
    folder.mkdir(parents=True)
    (folder / "L00.json").write_bytes(submission.answers_bytes(submission.answers_file(
        "s7", "L00", {"run-order": "restart"}, at="2026-11-20T10:00:00")))
    result = grade(tmp_path / "subs", out=tmp_path / "out", quizzes=["L00"], progress=False)
    assert result.gradebook.set_index("student_id").loc["s7", "L00"] == 1.0


def test_an_interrupted_run_leaves_no_gradebook_beside_its_new_tables(cohort, tmp_path,
                                                                        monkeypatch):
    out = tmp_path / "out"
    first = grade(cohort, out=out, quizzes=["L00"], progress=False)
    before = (out / "gradebook.csv").read_bytes()
    bundle(cohort, "s5", {"L00": {"run-order": "restart"}})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("crmlab.grading.report.write_report", crash)
    with pytest.raises(KeyboardInterrupt):
        grade(cohort, out=out, quizzes=["L00"], progress=False)
    assert "s5," in (out / "responses.csv").read_text()  # the new run got this far
    assert not (out / "gradebook.csv").exists()  # so the old gradebook is not beside it
    assert (first.run.folder / "gradebook.csv").read_bytes() == before  # kept in runs/
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    grade(cohort, out=out, quizzes=["L00"], progress=False)
    assert "s5," in (out / "gradebook.csv").read_text()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"format": "xls"}, "Got format='xls' instead, expected one of 'plain', 'canvas', 'moodle'."),
    ({"resubmission": "any"},
     "Got resubmission='any' instead, expected one of 'latest', 'first', 'best'."),
])
def test_invalid_options(cohort, tmp_path, kwargs, message):
    with pytest.raises(CrmlabError) as info:
        grade(cohort, out=tmp_path / "out", **kwargs)
    assert str(info.value) == message


def test_verdicts_two_readers_judged_are_merged_by_answer():
    # Each forked reader judges into a table of its own and hands over what is new; the
    # grading process takes them in whatever order the readers finish, one verdict per answer.
    from crmlab.grading.quizzes import _Verdicts

    quiz = load("final_test")
    first, second, merged = _Verdicts(), _Verdicts(), _Verdicts()
    one = [first.judge("final_test", quiz, "q05", raw, raw) for raw in ("b", "c", "b")]
    other = [second.judge("final_test", quiz, "q05", raw, raw) for raw in ("c", "a")]
    assert one == [0, 1, 0] and other == [0, 1]  # each reader's own numbering
    assert first.judge("final_test", quiz, "q05", "zz", "zz") == (  # a reason, no verdict
        "question 'q05': Got option='zz' instead, expected one of 'a', 'all', 'b', 'c', 'none'.")
    mapped = {}
    for name, table in (("second", second), ("first", first)):
        start, new = table.hand_over()
        assert start == 0
        mapped[name] = [merged.take(token, verdict) for token, verdict in new]
    assert mapped == {"second": [0, 1], "first": [2, 0]}  # "c" judged twice, kept once
    assert [v.canonical for v in merged] == ["c", "a", "b"]
    assert [v.correct for v in merged] == [False, False, True]
    assert first.hand_over() == (2, [])  # nothing new since


def test_parallel_reading_gives_the_same_result(tmp_path, monkeypatch):
    from crmlab.grading import quizzes as grading

    subs = tmp_path / "subs"
    _bad_cases(subs.mkdir() or subs)
    serial = grade(subs, out=tmp_path / "serial", progress=False)
    monkeypatch.setattr(grading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(grading, "CHUNK_SIZES", (1, 2))  # several chunks for each reader
    monkeypatch.setattr(grading.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    parallel = grade(subs, out=tmp_path / "parallel", progress=False)
    pd.testing.assert_frame_equal(parallel.gradebook, serial.gradebook)
    pd.testing.assert_frame_equal(parallel.problems, serial.problems)
    assert (tmp_path / "parallel" / "responses.csv").read_bytes() == \
        (tmp_path / "serial" / "responses.csv").read_bytes()
    # the figures drawn aside, by two processes, are the ones drawn in process
    for name in ("report.md", "score_distribution.png", "difficulty_vs_discrimination.png",
                 "distractors.png"):
        assert (tmp_path / "parallel" / name).read_bytes() == \
            (tmp_path / "serial" / name).read_bytes(), name


@pytest.mark.parametrize("text", [b"id,student_id\n", b"\xff\xfe not text at all"])
def test_a_broken_regrades_file_is_a_problem_row_and_the_run_is_recorded(cohort, tmp_path,
                                                                         text):
    # A hand-edited regrades.csv used to stop the run after gradebook.csv was written, so the
    # gradebook and the run history disagreed.
    out = tmp_path / "out"
    first = grade(cohort, out=out, quizzes=["L00"], progress=False, figures=False)
    (out / "regrades.csv").write_bytes(text)
    again = grade(cohort, out=out, quizzes=["L00"], progress=False, figures=False)
    rows = again.problems[again.problems["code"] == "regrades_file"]
    assert len(rows) == 1 and str(out / "regrades.csv") in rows["reason"].iloc[0]
    assert "\n" not in rows["reason"].iloc[0]
    assert again.run.record["previous_run"] == first.run.folder.name  # recorded after it
    assert json.loads((out / "run.json").read_text())["run"] == again.run.folder.name
    pd.testing.assert_frame_equal(again.gradebook, first.gradebook)
