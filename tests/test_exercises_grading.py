"""Grading exercise submissions: every failure case one by one, on the fixture exercise.

The fixtures (``tests/fixtures/exercises``, written by its ``make_fixtures.py``) are submissions
of a tiny exercise without data, each named for the behaviour it shows. They are graded once, in
one batch with two workers (the batch must always finish), and each test reads one verdict.
"""

import json
import time
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import ExerciseError
from crmlab.exercises.tags import HIDDEN_CHECKS, INJECTED_PARAMETERS, PARAMETERS, tags_of
from crmlab.grading.executors import Executor, LocalExecutor
from crmlab.grading.exercises import grade, prepare_submission
from crmlab.grading.sandbox import batch_processes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"
SUBMISSIONS = FIXTURES / "submissions"
SECRET = "fixture-secret-123"
# The wall clock counts from the first cell (a slow kernel start is bounded on its own), so a
# loaded machine cannot make it fire before a cell's timeout; each `slow_cells` cell sleeps 4 s,
# half the timeout, and six of them pass the wall clock.
TIMEOUT, WALL_CLOCK = 8, 20

EXPECTED = {  # student (= fixture stem) -> (total, reason or its start)
    "solved": (3.0, ""),
    "untouched": (0.0, "failed: fx-double, fx-square"),
    "wrong_answer": (2.0, "failed: fx-double"),
    "error_in_one_answer": (2.0, "failed: fx-double"),
    "infinite_loop": (0.0, f"timed out: a cell ran longer than {TIMEOUT} s"),
    "uninterruptible_loop": (0.0, f"timed out: a cell ran longer than {TIMEOUT} s"),
    "slow_cells": (0.0, f"timed out: the notebook ran longer than {WALL_CLOCK} s"),
    "sys_exit": (0.0, "sys.exit was called"),
    "crashing_kernel": (0.0, "the kernel died (crash or os._exit)"),
    "killed_kernel": (0.0, "the kernel died (crash or os._exit)"),
    "syntax_error": (0.0, "syntax error"),
    "deleted_check_cell": (0.0, "check cell 'fx-06' was deleted"),
    "new_cell_ids": (3.0, ""),  # cells copied into a new notebook: checks found by name
    "changed_seed": (0.0, "failed: fx-double, fx-square"),  # the roster's seed is re-injected
    "deleted_parameters_cell": (3.0, ""),  # parameters put back
    "forged_results": (0.0, "failed: fx-double, fx-square"),  # hidden checks run last
    "not_a_notebook": (0.0, "not a readable notebook (NotJSONError)"),
    "absent": (0.0, "no submission"),
}


def test_every_fixture_has_an_expected_verdict():
    assert sorted(p.stem for p in SUBMISSIONS.glob("*.ipynb")) == sorted(
        set(EXPECTED) - {"absent"})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every fixture through the CLI; return (details, out folder, survivors)."""
    mp = pytest.MonkeyPatch()
    mark = uuid.uuid4().hex
    mp.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    mp.setenv("CRMLAB_SANDBOX_BATCH", mark)  # the sandbox tags every kernel of the batch
    work = tmp_path_factory.mktemp("grading")
    roster = work / "roster.csv"
    roster.write_text("student_id,name,email\n" + "".join(
        f"{s},Student {i},{s}@example.org\n" for i, s in enumerate(EXPECTED)))
    started = time.perf_counter()
    try:
        code = main(["exercises", "grade", str(EXERCISE), str(SUBMISSIONS), "--roster",
                     str(roster), "--out", str(work / "out"), "--workers", "2",
                     "--timeout", str(TIMEOUT), "--wall-clock", str(WALL_CLOCK)])
    finally:
        mp.undo()
    elapsed = time.perf_counter() - started
    assert code == 0
    time.sleep(1)
    survivors = batch_processes(mark)
    details = pd.read_csv(work / "out" / "details.csv", keep_default_na=False, dtype=str)
    return details.set_index("student_id"), work / "out", survivors, elapsed


@pytest.mark.parametrize("student", list(EXPECTED))
def test_failure_case(graded, student):
    details = graded[0]
    total, reason = EXPECTED[student]
    row = details.loc[student]
    assert (float(row["total"]), row["reason"]) == (total, reason)


def test_the_batch_finishes_and_leaves_no_kernel_behind(graded):
    _, _, survivors, elapsed = graded
    assert survivors == []
    assert elapsed < 600  # every hang was cut by its timeout (a hang would never end)


def test_scores_csv_is_in_the_gradebook_layout(graded):
    out = graded[1]
    scores = pd.read_csv(out / "scores.csv", keep_default_na=False, dtype=str)
    assert list(scores.columns) == ["student_id", "EX-fixture", "total"]
    assert list(scores["student_id"]) == list(EXPECTED)  # roster order, absentees included
    details = pd.read_csv(out / "details.csv", keep_default_na=False, dtype=str)
    assert list(details.columns) == ["student_id", "EX-fixture", "total", "check:fx-double",
                                     "check:fx-square", "reason"]
    wrong = details.set_index("student_id").loc["wrong_answer"]
    assert (wrong["check:fx-double"], wrong["check:fx-square"]) == ("0.0", "2.0")


def test_feedback_keeps_verdicts_without_hidden_source(graded):
    out = graded[1]
    names = sorted(p.name for p in (out / "feedback").glob("*.ipynb"))
    assert "fixture_double__solved.ipynb" in names
    assert "fixture_double__deleted_check_cell.ipynb" not in names  # never ran
    for student, verdicts in (("solved", "fx-double: passed\nfx-square: passed\n"),
                              ("wrong_answer", "fx-double: not passed\nfx-square: passed\n")):
        nb = nbformat.read(out / "feedback" / f"fixture_double__{student}.ipynb", as_version=4)
        hidden = [c for c in nb.cells if HIDDEN_CHECKS in tags_of(c)]
        assert [c.source for c in hidden] == ["# hidden check (source kept by the instructor)"]
        assert hidden[0].outputs[0]["text"] == verdicts
        text = json.dumps(nb)
        assert "hidden_check(" not in text and "globals().get" not in text
        visible = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
        assert "fx-square: correct\n" in visible


def test_prepare_submission_pins_the_seed_and_leaves_the_hidden_checks_out():
    source = nbformat.read(EXERCISE, as_version=4)
    nb, problem = prepare_submission(source, SUBMISSIONS / "changed_seed.ipynb",
                                     student_id="s1", seed=42)
    assert problem is None
    params = [c for c in nb.cells if PARAMETERS in tags_of(c)]
    assert [c.source for c in params] == ['student_id = "demo"\nseed = 3\n'
                                          "# injected by the grader\n"
                                          'student_id = "s1"\nseed = 42\n']
    # The hidden checks never reach the kernel: the runner judges the exported values.
    assert not any(HIDDEN_CHECKS in tags_of(c) or "hidden_check" in c.source for c in nb.cells)
    assert not any(INJECTED_PARAMETERS in tags_of(c) for c in nb.cells)
    assert source == nbformat.read(EXERCISE, as_version=4)  # the source is not modified


def test_grade_argument_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns1\n")
    with pytest.raises(ExerciseError, match=r"^Got timeout=0 instead, expected a whole number of seconds >= 1\.$"):
        grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path, timeout=0)
    with pytest.raises(ExerciseError, match=r"^Got workers=0 instead, expected a whole number >= 1\.$"):
        grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path, workers=0)
    with pytest.raises(ExerciseError) as info:
        grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path, format="xls")
    assert str(info.value) == "Got format='xls' instead, expected one of 'plain', 'canvas', 'moodle'."
    with pytest.raises(ExerciseError, match="the submissions folder does not exist"):
        grade(str(EXERCISE), tmp_path / "nope", roster=roster, out=tmp_path)
    monkeypatch.delenv("CRMLAB_INSTRUCTOR_SECRET")
    with pytest.raises(ExerciseError, match="No instructor secret"):
        grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path)


def test_a_custom_executor_plugs_in(tmp_path, monkeypatch):
    """Anything with ``map`` grades (here: sequential, as a dask client wrapper would)."""
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    calls = []

    class Sequential:
        def map(self, function, jobs):
            jobs = list(jobs)
            calls.append(len(jobs))
            return [function(job) for job in jobs]

    assert isinstance(Sequential(), Executor) and isinstance(LocalExecutor(1), Executor)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nsolved\nsyntax_error\n")
    details = grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path / "out",
                    timeout=20, executor=Sequential(), format="moodle")
    assert calls == [2]
    assert list(details["total"]) == [3.0, 0.0]
    # The LMS layouts are the quiz grader's (crmlab.grading.lms).
    moodle = pd.read_csv(tmp_path / "out" / "scores.csv", keep_default_na=False)
    assert moodle.columns.tolist() == ["ID number", "Email address", "Exercise: EX-fixture (Real)"]
    assert moodle["Exercise: EX-fixture (Real)"].tolist() == [3.0, 0.0]
    with pytest.raises(ValueError, match=r"^Got workers=0 instead, expected a whole number >= 1\.$"):
        LocalExecutor(0)


def test_submissions_of_other_exercises_are_skipped(tmp_path):
    from crmlab.grading.exercises import _submissions

    for name in ("fixture_double__s1", "classify_suppliers__s2", "s3", "sub/fixture_double__s4"):
        (tmp_path / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (tmp_path / f"{name}.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "s5.ipynb").write_text("{}")
    assert sorted(_submissions(tmp_path, "fixture_double")) == ["s1", "s3", "s4"]


def test_a_notebook_over_the_size_cap_scores_0_unread(tmp_path, monkeypatch):
    """Before issue 29 a 300 MB notebook was read whole (the grader grew to 1.3 GB); now its
    size is known before a byte is read, and a link is never followed."""
    from crmlab.grading.sandbox import Limits

    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    nb = nbformat.read(SUBMISSIONS / "solved.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("x" * 1_100_000))
    nbformat.write(nb, submissions / "large.ipynb")
    (submissions / "linked.ipynb").symlink_to(SUBMISSIONS / "solved.ipynb")
    before = (submissions / "large.ipynb").read_bytes()
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nlarge\nlinked\n")
    details = grade(str(EXERCISE), submissions, roster=roster, out=tmp_path / "out",
                    limits=Limits(timeout=20, notebook=1), progress=False)
    assert details.set_index("student_id")["reason"].to_dict() == {
        "large": "the notebook is larger than 1 MB",
        "linked": "not a readable notebook (not a regular file)"}
    assert (submissions / "large.ipynb").read_bytes() == before
    source = nbformat.read(EXERCISE, as_version=4)
    assert prepare_submission(source, submissions / "large.ipynb", student_id="large", seed=1,
                              max_bytes=2_000_000)[1] is None
