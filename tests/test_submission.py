"""crmlab.quiz.submission: the one format of answer files and bundles, and its versions."""

import json
import zipfile

import pandas as pd
import pytest

from crmlab import __version__, quiz, student
from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError, QuizError, SubmissionError
from crmlab.grading.quizzes import grade
from crmlab.quiz import submission
from crmlab.quiz.storage import answers_path, read_answers

AT = "2026-11-20T10:00:00+00:00"


def _answers(student_id="s1", answers=None, **changes):
    data = submission.answers_file(student_id, "L00", answers or {"run-order": "restart"}, at=AT)
    return submission.answers_bytes({**data, **changes})


def test_answer_file_and_bundle_round_trip(tmp_path):
    raw = _answers(answers={"run-order": "restart", "modes": {"practice": "feedback-now"}})
    path = tmp_path / "s1.zip"
    path.write_bytes(submission.bundle_bytes("s1", [("L00", raw)], created=AT))
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert bundle.read("answers/L00.json") == raw  # the answer file, unchanged
    assert manifest["format_version"] == submission.FORMAT_VERSION
    assert manifest["crmlab_version"] == __version__ and manifest["created"] == AT
    read = submission.read_submission("zip", path)
    assert (read.student_id, read.created) == ("s1", AT)
    assert read.quizzes == {"L00": {"run-order": "restart", "modes": {"practice": "feedback-now"}}}


def test_discover_finds_every_kind(tmp_path):
    (tmp_path / "a.zip").write_bytes(submission.bundle_bytes("s1", [("L00", _answers())],
                                                             created=AT))
    (tmp_path / "unzipped" / "answers").mkdir(parents=True)
    (tmp_path / "unzipped" / "manifest.json").write_text("{}")
    (tmp_path / "s2").mkdir()
    (tmp_path / "s2" / "L00.json").write_bytes(_answers("s2"))
    assert [(kind, path.name) for kind, path in submission.discover(tmp_path)] == [
        ("zip", "a.zip"), ("answers", "s2"), ("bundle", "unzipped")]


@pytest.mark.parametrize(("changes", "reason"), [
    ({"format_version": 2}, "has format_version 2"),
    ({"format_version": "1"}, "has format_version '1'"),
    ({"format_version": None}, "has no format_version"),
])
def test_an_unknown_answer_file_version_is_refused(changes, reason):
    with pytest.raises(SubmissionError) as info:
        submission.parse_answers(_answers(**changes), "L00.json")
    assert str(info.value) == (f"L00.json {reason}; this crmlab {__version__} reads format 1 "
                               "only (update crmlab, or ask for a new submission)")


def test_future_versions_are_problem_rows_not_silent_reads(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    future_answers = _answers("s2", format_version=2)
    (subs / "s2.zip").write_bytes(submission.bundle_bytes("s2", [("L00", future_answers)],
                                                          created=AT))
    manifest, members = submission.bundle_members("s3", [("L00", _answers("s3"))], created=AT)
    (subs / "s3.zip").write_bytes(submission.zip_members({**manifest, "format_version": 7},
                                                         members))
    (subs / "s4").mkdir()
    (subs / "s4" / "L00.json").write_bytes(_answers("s4", format_version=2))
    (subs / "s1.zip").write_bytes(submission.bundle_bytes("s1", [("L00", _answers())],
                                                          created=AT))
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], progress=False)
    reasons = dict(zip(result.problems["source"].map(lambda s: s.rsplit("/", 1)[-1]),
                       result.problems["reason"]))
    tail = f"; this crmlab {__version__} reads format 1 only (update crmlab, or ask for a new " \
           "submission)"
    assert reasons == {
        "s2.zip": f"rejected: answers/L00.json has format_version 2{tail}",
        "s3.zip": f"rejected: manifest.json has format_version 7{tail}",
        "s4": f"rejected: L00.json has format_version 2{tail}",
    }
    assert result.gradebook["student_id"].tolist() == ["s1"]


def test_the_student_side_refuses_a_future_file_and_keeps_it(crmlab_home, tmp_path, capsys):
    student.set_id("s1")
    path = answers_path("s1", "L00")
    path.parent.mkdir(parents=True)
    future = _answers(format_version=2)
    path.write_bytes(future)
    with pytest.raises(QuizError, match=r"has format_version 2; .*; nothing was overwritten$"):
        quiz.record("L00", "run-order", "restart")
    assert path.read_bytes() == future
    assert main(["submit", "--out", str(tmp_path / "s1.zip")]) == 1
    assert "has format_version 2" in capsys.readouterr().err
    assert not (tmp_path / "s1.zip").exists()
    # the student reads the problem in their language, from its code
    assert main(["--lang", "az", "submit", "--out", str(tmp_path / "s1.zip")]) == 1
    assert capsys.readouterr().err == (
        f"crmlab: error: {path}: format_version 2; bu crmlab {__version__} yalnız 1 formatını "
        "oxuyur (crmlab-ı yeniləyin və ya yeni təqdimat istəyin); heç nə paketə salınmadı\n")


def test_saved_answers_are_written_in_the_format(crmlab_home):
    student.set_id("s1")
    quiz.record("L00", "run-order", "reinstall")
    quiz.record("L00", "run-order", "restart")
    raw = answers_path("s1", "L00").read_bytes()
    assert submission.parse_answers(raw, "L00.json") == read_answers("s1", "L00")
    assert raw == submission.answers_bytes(read_answers("s1", "L00"))


def test_add_answer_does_not_modify_its_input():
    data = submission.new_answers("s1", "L00")
    before = json.dumps(data)
    submission.add_answer(data, "q1", "a", at=AT)
    assert json.dumps(data) == before


def test_reading_is_bounded(tmp_path):
    path = tmp_path / "s1.zip"
    path.write_bytes(submission.bundle_bytes("s1", [("L00", _answers())], created=AT))
    with pytest.raises(SubmissionError, match="^file is larger than the cap of 100 bytes$"):
        submission.read_submission("zip", path, max_bytes=100)
    with pytest.raises(SubmissionError, match=r"^cannot read \(No such file or directory\)$"):
        submission.read_submission("zip", tmp_path / "gone.zip")


def test_responses_csv_is_what_pandas_would_write(tmp_path):
    subs = tmp_path / "subs"
    tricky = {"modes": {"practice": "feedback-now", "graded": "recorded"},
              "exercise-parameters": ["own-variant", "reinjected"], "n-perishable": 62,
              "run-order": "restart", "answers-saved": False}
    for sid in ("a", "b"):
        (subs / sid).mkdir(parents=True)
        (subs / sid / "L00.json").write_bytes(_answers(sid, tricky))
    out = tmp_path / "out"
    result = grade(subs, out=out, quizzes=["L00"], progress=False)
    expected = result.responses.drop(columns="answer").rename(
        columns={"answer_text": "answer"}).to_csv(index=False, lineterminator="\n")
    assert (out / "responses.csv").read_text() == expected
    assert len(pd.read_csv(out / "responses.csv")) == 2 * len(tricky)


def test_a_bad_bundle_is_a_one_line_error_for_the_cli(tmp_path, capsys):
    (tmp_path / "bad.zip").write_bytes(b"PK junk")
    assert main(["grade", str(tmp_path / "bad.zip"), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == ("crmlab: error: nothing could be graded: all 1 "
                                       "submission(s) were rejected (first: rejected: not a "
                                       "valid zip file)\n")
    assert issubclass(SubmissionError, CrmlabError)
