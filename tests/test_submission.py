"""crmlab.quiz.submission: the one format of answer files and bundles, and its versions."""

import hashlib
import json
import os
import time
import zipfile

import pandas as pd
import pytest
from test_safe_files import _reported_size  # os.fstat patched: the file grew

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


def test_a_file_growing_while_read_is_read_whole_or_refused(tmp_path, monkeypatch):
    path = tmp_path / "s1.zip"
    path.write_bytes(submission.bundle_bytes("s1", [("L00", _answers())], created=AT))
    size = path.stat().st_size
    _reported_size(monkeypatch, 10)  # the file grew past what fstat said
    read = submission.read_submission("zip", path, max_bytes=size)
    assert read.quizzes == {"L00": {"run-order": "restart"}}  # every byte read, not 11
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SubmissionError, match=f"^file is larger than the cap of {size - 1} "):
        submission.read_submission("zip", path, max_bytes=size - 1)


def test_a_zip_keeps_the_modification_time_it_was_read_with(tmp_path):
    path = tmp_path / "s1.zip"
    path.write_bytes(submission.bundle_bytes("s1", [("L00", _answers())], created=AT))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert submission.read_submission("zip", path).mtime == 1_700_000_000


def _folder(tmp_path, name="s1"):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _link_to_zero(path):
    path.symlink_to("/dev/zero")


def _fifo(path):
    os.mkfifo(path)


def _link_to_other(path):  # another student's answers, outside the folder
    other = path.parent.parent / "elsewhere.json"
    other.write_bytes(_answers())
    path.symlink_to(other)


@pytest.mark.parametrize("make", [_link_to_zero, _fifo, _link_to_other])
def test_an_answer_file_that_is_a_link_or_special_is_never_read(tmp_path, make):
    make(_folder(tmp_path) / "L00.json")
    started = time.monotonic()
    with pytest.raises(SubmissionError) as info:
        submission.read_submission("answers", tmp_path / "s1")
    assert str(info.value) == "L00.json is a link or a special file (not read)"
    assert info.value.code == "not_regular_file"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("make", [_link_to_zero, _fifo])
def test_a_bundle_zip_that_is_a_link_or_special_is_never_read(tmp_path, make):
    make(tmp_path / "s1.zip")
    with pytest.raises(SubmissionError, match="^s1.zip is a link or a special file"):
        submission.read_submission("zip", tmp_path / "s1.zip")


@pytest.mark.parametrize("member", ["answers/L00.json", "answers"])
def test_an_unzipped_bundle_follows_no_link(tmp_path, member):
    folder = _folder(tmp_path, "bundle")
    raw = _answers()
    manifest, _ = submission.bundle_members("s1", [("L00", raw)], created=AT)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    real = tmp_path / "real"
    (real / "answers").mkdir(parents=True)
    (real / "answers" / "L00.json").write_bytes(raw)
    if member == "answers":  # the folder on the way is the link
        (folder / "answers").symlink_to(real / "answers")
    else:
        (folder / "answers").mkdir()
        (folder / "answers" / "L00.json").symlink_to(real / "answers" / "L00.json")
    with pytest.raises(SubmissionError) as info:
        submission.read_submission("bundle", folder)
    assert str(info.value) == "answers/L00.json is a link or a special file (not read)"


@pytest.mark.parametrize(("nested", "what"), [
    (b"[" * 100_000 + b"]" * 100_000, "answers/L00.json"),  # past the parser's own recursion
    (b"[" * 900 + b"]" * 900, "answers/L00.json"),  # parsed, but every walk would recurse
    (b"[" * 9 + b"]" * 9, "answers/L00.json"),
    # a list of options is read without a walk: one that is not only texts is walked
    (b'["a", ' + b"[" * 8 + b"1" + b"]" * 8 + b"]", "answers/L00.json"),
])
def test_deeply_nested_answers_are_refused(tmp_path, nested, what):
    path = _zipped(tmp_path, _answers().replace(b'"restart"', nested))
    with pytest.raises(SubmissionError) as info:
        submission.read_submission("zip", path)
    assert str(info.value) == f"{what} nests lists or mappings more than 8 deep"


def test_an_answer_nested_within_the_limit_is_read(tmp_path):
    path = _zipped(tmp_path, _answers().replace(b'"restart"', b"[" * 8 + b"]" * 8))
    assert submission.read_submission("zip", path).quizzes["L00"]["run-order"] == [[[[[[[[]]]]]]]]


def test_a_deeply_nested_manifest_is_refused(tmp_path):
    path = tmp_path / "s1.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("manifest.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(SubmissionError, match="^manifest.json nests lists or mappings more than"):
        submission.read_submission("zip", path)


def _zipped(tmp_path, raw, entries=lambda entry: [entry]):
    """A bundle of one answer file `raw`, its manifest's quizzes `entries(the one entry)`,
    written compactly (as a forger would, to fit the cap)."""
    entry = {"quiz_id": "L00", "path": "answers/L00.json",
             "sha256": hashlib.sha256(raw).hexdigest()}
    manifest = {"format_version": 1, "student_id": "s1", "crmlab_version": __version__,
                "created": AT, "quizzes": entries(entry)}
    path = tmp_path / "s1.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("answers/L00.json", raw)
        bundle.writestr("manifest.json", json.dumps(manifest, separators=(",", ":")))
    return path


def _listed(tmp_path, entries):
    return _zipped(tmp_path, _answers(), entries)


def test_a_member_listed_10000_times_is_refused_at_once(tmp_path):
    path = _listed(tmp_path, lambda entry: [entry] * 10_000)
    started = time.monotonic()
    with pytest.raises(SubmissionError) as info:
        submission.read_submission("zip", path)
    assert str(info.value) == "'answers/L00.json' is listed twice in the submission"
    assert time.monotonic() - started < 1  # the second entry, not the 10,000th


def test_a_quiz_listed_twice_is_refused(tmp_path):
    path = _listed(tmp_path, lambda entry: [entry, {**entry, "path": "answers/L00.json "}])
    with zipfile.ZipFile(path, "a") as bundle:
        bundle.writestr("answers/L00.json ", _answers())
    with pytest.raises(SubmissionError, match="^quiz 'L00' is listed twice in the submission$"):
        submission.read_submission("zip", path)


def test_two_answer_files_of_one_quiz_are_refused(tmp_path):
    folder = _folder(tmp_path)
    (folder / "L00.json").write_bytes(_answers())
    (folder / "copy.json").write_bytes(_answers())  # says quiz_id L00 inside
    with pytest.raises(SubmissionError, match="^quiz 'L00' is listed twice in the submission$"):
        submission.read_submission("answers", folder)


@pytest.mark.parametrize("created", ["x" * 1000, "9999-12-31T23:59:59-01:00\n", 7, None])
def test_a_created_field_that_is_not_a_short_text_is_blank(tmp_path, created):
    path = _listed(tmp_path, lambda entry: [entry])
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    manifest["created"] = created
    members = {"answers/L00.json": _answers()}
    path.write_bytes(submission.zip_members(manifest, members))
    assert submission.read_submission("zip", path).created == ""


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


def test_an_unzipped_bundle_follows_no_folder_swapped_for_a_link(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "bundle")
    raw = _answers()
    manifest, _ = submission.bundle_members("s1", [("L00", raw)], created=AT)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "answers").mkdir()
    (folder / "answers" / "L00.json").write_bytes(raw)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "L00.json").write_bytes(raw)
    real = os.open

    def swapped(path, *args, **kwargs):  # checked or not, the folder is a link once opened
        if path == "answers" and not (folder / "answers").is_symlink():
            (folder / "answers").rename(tmp_path / "moved")
            (folder / "answers").symlink_to(tmp_path / "real")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(submission.os, "open", swapped)
    with pytest.raises(SubmissionError) as info:
        submission.read_submission("bundle", folder)
    assert str(info.value) == "answers/L00.json is a link or a special file (not read)"
