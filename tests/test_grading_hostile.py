"""A hostile quiz corpus (issue 29): honest bundles and every hostile one in one batch.

Each hostile submission becomes problem rows with its code and a one-line reason; the honest
students' grades are those they get without the hostile ones beside them; the batch finishes
within its bound (a link to /dev/zero or a FIFO would make it read without end, or block) and
changes nothing in the submissions folder.
"""

import hashlib
import json
import os
import signal
import time
import zipfile

import pandas as pd
import pytest
from test_grading import COHORT, bundle

from crmlab import __version__
from crmlab.grading.quizzes import grade
from crmlab.quiz import submission


@pytest.fixture(autouse=True)
def practice_counts(monkeypatch):
    """These tests grade L00's practice answers, so their course counts practice in full (the
    default, practice not counted, is tested in test_practice_weight)."""
    monkeypatch.setattr("crmlab.grading.quizzes.course_practice_weight", lambda: 1.0)


AT = "2026-11-20T10:00:00+00:00"
BOUND = 30  # seconds, for the whole batch; the honest part takes about one


def _raw(student, answers, *, at=AT):
    return submission.answers_bytes(submission.answers_file(student, "L00", answers, at=at))


def _zip(path, student, raw, *, entries=lambda entry: [entry], manifest=None):
    """A forger's bundle: `raw` as answers/L00.json, checksums right, the manifest written
    compactly (to fit the cap) with its quizzes `entries(the one entry)`."""
    entry = {"quiz_id": "L00", "path": "answers/L00.json",
             "sha256": hashlib.sha256(raw).hexdigest()}
    manifest = manifest or {"format_version": 1, "student_id": student,
                            "crmlab_version": __version__, "created": AT,
                            "quizzes": entries(entry)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("answers/L00.json", raw)
        target.writestr("manifest.json", manifest if isinstance(manifest, str)
                        else json.dumps(manifest, separators=(",", ":")))
    os.utime(path, (1_800_000_000, 1_800_000_000))


def _honest(subs):
    for student, answers in COHORT.items():
        bundle(subs, student, {"L00": answers})


def _hostile(subs):
    """Every hostile submission; returns ``{file name: (code, reason)}`` of the rows expected."""
    zero = "rejected: {} is a link or a special file (not read)"
    # s1 again, with all answers wrong and a forged created in the year 9999, but received
    # before the honest one: the honest one is the latest
    bundle(subs, "s1", {"L00": {"answers-saved": True, "run-order": "reinstall"}},
           name="s1-forged.zip", created="9999-12-31T23:59:59-01:00",
           received="2026-11-19T10:00:00+00:00")
    _zip(subs / "float.zip", "h-float", _raw("h-float", {"run-order": 10**400,
                                                          "answers-saved": False}))
    _zip(subs / "deep.zip", "h-deep",
         _raw("h-deep", {"run-order": "restart"}).replace(b'"restart"',
                                                          b"[" * 100_000 + b"]" * 100_000))
    _zip(subs / "deep-manifest.zip", "h-dm", b"{}", manifest="[" * 100_000 + "]" * 100_000)
    _zip(subs / "repeat.zip", "h-repeat",
         _raw("h-repeat", {"run-order": "x" * 100_000}), entries=lambda e: [e] * 10_000)
    _zip(subs / "twice.zip", "h-twice", _raw("h-twice", {"run-order": "restart"}),
         entries=lambda e: [e, {**e, "quiz_id": "L00"}])
    _zip(subs / "newline.zip", "h-nl\n", _raw("h-nl\n", {"run-order": "restart"}))
    (subs / "h-zero").mkdir()
    (subs / "h-zero" / "L00.json").symlink_to("/dev/zero")
    (subs / "h-fifo").mkdir()
    os.mkfifo(subs / "h-fifo" / "L00.json")
    os.mkfifo(subs / "fifo.zip")
    (subs / "zero.zip").symlink_to("/dev/zero")
    return {
        "float.zip": ("answer_ignored", "answer ignored: question 'run-order': Got option=1"
                      + "0" * 119 + "... (401 characters) instead, expected one of "
                      "'delete-cells', 'reinstall', 'rerun-failing', 'restart'."),
        "deep.zip": ("bundle_rejected",
                     "rejected: answers/L00.json nests lists or mappings more than 8 deep"),
        "deep-manifest.zip": ("bundle_rejected",
                              "rejected: manifest.json nests lists or mappings more than 8 deep"),
        "repeat.zip": ("bundle_rejected",
                       "rejected: 'answers/L00.json' is listed twice in the submission"),
        "twice.zip": ("bundle_rejected",
                      "rejected: 'answers/L00.json' is listed twice in the submission"),
        "newline.zip": ("bundle_rejected", "rejected: unsafe or missing student id 'h-nl\\n'"),
        "h-zero": ("bundle_rejected", zero.format("L00.json")),
        "h-fifo": ("bundle_rejected", zero.format("L00.json")),
        "fifo.zip": ("bundle_rejected", zero.format("fifo.zip")),
        "zero.zip": ("bundle_rejected", zero.format("zero.zip")),
    }


def _honest_grades(tmp_path):
    """The honest students' grades when they are graded alone."""
    honest = tmp_path / "honest"
    _honest(honest)
    return grade(honest, out=tmp_path / "honest-out", quizzes=["L00"], progress=False,
                 figures=False)


def _receipts(path, subs):
    """Receipts of the honest bundles, and two rows at the edges of the calendar."""
    rows = ["file,sha256,student_id,assessment,received_at"]
    for student in COHORT:
        digest = hashlib.sha256((subs / f"{student}.zip").read_bytes()).hexdigest()
        rows.append(f"{student}.zip,{digest},{student},L00,2026-11-20T10:00:00+00:00")
    rows += ["s1.zip,ab,s1,L00,9999-12-31T23:59:59-01:00",
             "s1.zip,cd,s1,L00,0001-01-01T00:00:00+01:00"]
    path.write_text("\n".join(rows) + "\n")
    return path


def _snapshot(folder):
    return {str(p.relative_to(folder)): (p.lstat().st_mode,
                                         p.read_bytes() if p.is_file() and not p.is_symlink()
                                         else None)
            for p in sorted(folder.rglob("*"))}


def _timeout(signum, frame):
    raise TimeoutError(f"the batch took longer than {BOUND} s")


@pytest.fixture
def alarm():
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(BOUND)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_one_batch_of_honest_and_hostile_bundles(tmp_path, alarm):
    expected = _honest_grades(tmp_path)

    subs = tmp_path / "subs"
    _honest(subs)
    rows = _hostile(subs)
    receipts = _receipts(tmp_path / "receipts.csv", subs)
    before = _snapshot(subs)
    started = time.monotonic()
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], receipts=receipts,
                   progress=False, figures=False)
    assert time.monotonic() - started < BOUND

    book = result.gradebook.set_index("student_id")
    pd.testing.assert_frame_equal(book.loc[list(COHORT)],
                                  expected.gradebook.set_index("student_id"))
    assert book.loc["h-float", "L00"] == 1.0  # its valid answer still counts
    assert set(book.index) == set(COHORT) | {"h-float"}

    problems = result.problems
    found = {}
    for row in problems.itertuples():
        name = os.path.basename(row.source)
        if name == "receipts.csv":
            continue
        assert name not in found, f"{name} gave two problem rows"
        found[name] = (row.code, row.reason)
        assert "\n" not in row.reason and len(row.reason) < 400
    assert set(found) == set(rows)
    for name, (code, reason) in rows.items():
        assert found[name][0] == code, name
        if reason is not None:
            assert found[name][1] == reason, name
    calendar = problems[problems["code"] == "receipts_file"]["reason"].tolist()
    assert len(calendar) == 2 and all("expected a time in the years 1970 to 2999" in reason
                                      for reason in calendar)
    assert _snapshot(subs) == before  # nothing in the submissions folder changed
    counted = result.submissions.set_index("source")["counted"]
    # The forged year 9999 does not win, and a resubmission is no problem row: it is the
    # submission not counted in submissions.csv.
    assert counted[str(subs / "s1.zip")] and not counted[str(subs / "s1-forged.zip")]


@pytest.mark.parametrize("readers", [1, 2])
def test_a_grader_bug_met_by_one_student_stops_no_one_elses_grading(tmp_path, monkeypatch,
                                                                     readers, alarm):
    # One answer and one file meet a bug of the grader itself (not a refusal it knows): each
    # becomes one problem row saying so, and everyone else is graded as without them, in one
    # process or by forked readers.
    from crmlab.grading import quizzes as grading

    expected = _honest_grades(tmp_path)
    subs = tmp_path / "subs"
    _honest(subs)
    bundle(subs, "h-bug", {"L00": {"answers-saved": False, "run-order": "rerun-failing"}})
    bundle(subs, "h-crash", {"L00": {"answers-saved": True}})
    check, read = grading.check_answer, grading.read_submission

    def buggy_check(question, raw):
        if raw == "rerun-failing":
            raise TypeError("boom\nsecond line")
        return check(question, raw)

    def buggy_read(kind, path, **options):
        if path.name == "h-crash.zip":
            raise RuntimeError("crash")
        return read(kind, path, **options)

    monkeypatch.setattr(grading, "check_answer", buggy_check)
    monkeypatch.setattr(grading, "read_submission", buggy_read)
    if readers == 2:
        monkeypatch.setattr(grading, "PARALLEL_FROM", 2)
        monkeypatch.setattr(grading, "CHUNK_SIZES", (1, 2))
        monkeypatch.setattr(grading.os, "sched_getaffinity", lambda pid: {0, 1},
                            raising=False)
    result = grade(subs, out=tmp_path / "out", quizzes=["L00"], progress=False, figures=False)

    book = result.gradebook.set_index("student_id")
    pd.testing.assert_frame_equal(book.loc[list(COHORT)],
                                  expected.gradebook.set_index("student_id"))
    assert book.loc["h-bug", "L00"] == 1.0  # its other answer counts
    assert "h-crash" not in book.index
    found = {os.path.basename(row.source): (row.code, row.reason)
             for row in result.problems.itertuples()}
    assert found == {
        "h-bug.zip": ("answer_ignored", "answer ignored: the grader failed on this answer "
                      "(TypeError: boom second line); grade again, and report it if it stays"),
        "h-crash.zip": ("bundle_rejected", "rejected: the grader failed on this submission "
                        "(RuntimeError: crash); grade again, and report it if it stays"),
    }
