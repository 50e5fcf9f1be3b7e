"""Grading exercise submissions: every failure case one by one, on the fixture exercise.

The fixtures (``tests/fixtures/exercises``, written by its ``make_fixtures.py``) are submissions
of a tiny exercise without data, each named for the behaviour it shows. They are graded once, in
one batch with two workers (the batch must always finish), and each test reads one verdict.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import fields
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import PROBLEM_COLUMNS
from crmlab.exercises.tags import HIDDEN_CHECKS, INJECTED_PARAMETERS, PARAMETERS, tags_of
from crmlab.grading.executors import Executor, LocalExecutor
from crmlab.grading.exercises import add_arguments, grade, options_from, prepare_submission
from crmlab.grading.files import read_exercise_results
from crmlab.grading.sandbox import Limits, batch_processes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"
SUBMISSIONS = FIXTURES / "submissions"
SECRET = "fixture-secret-123"
# The wall clock counts from the first cell (a slow kernel start is bounded on its own), so a
# loaded machine cannot make it fire before a cell's timeout; each `slow_cells` cell sleeps 4 s,
# half the timeout, and six of them pass the wall clock.
TIMEOUT, WALL_CLOCK = 8, 20

TIMED_OUT = ("fatal", "cell_timeout", {"seconds": TIMEOUT})
DIED = ("fatal", "kernel_died", {})
RAN = ("ran", "", {})
#: student (= fixture stem) -> total, (outcome, reason code, its parameters), the verdict code
#: of each check (fx-double, fx-square), the reason in English.
EXPECTED = {
    "solved": (3.0, RAN, ("passed", "passed"), ""),
    "untouched": (0.0, RAN, ("missing", "missing"), "failed: fx-double, fx-square"),
    "wrong_answer": (2.0, RAN, ("wrong", "passed"), "failed: fx-double"),
    "error_in_one_answer": (2.0, RAN, ("missing", "passed"), "failed: fx-double"),
    "infinite_loop": (0.0, TIMED_OUT, ("not_run",) * 2,
                      f"timed out: a cell ran longer than {TIMEOUT} s"),
    "uninterruptible_loop": (0.0, TIMED_OUT, ("not_run",) * 2,
                             f"timed out: a cell ran longer than {TIMEOUT} s"),
    "slow_cells": (0.0, ("fatal", "wall_clock", {"seconds": WALL_CLOCK}), ("not_run",) * 2,
                   f"timed out: the notebook ran longer than {WALL_CLOCK} s"),
    "sys_exit": (0.0, ("fatal", "sys_exit", {}), ("not_run",) * 2, "sys.exit was called"),
    "crashing_kernel": (0.0, DIED, ("not_run",) * 2, "the kernel died (crash or os._exit)"),
    "killed_kernel": (0.0, DIED, ("not_run",) * 2, "the kernel died (crash or os._exit)"),
    "syntax_error": (0.0, ("fatal", "syntax_error", {}), ("not_run",) * 2, "syntax error"),
    "deleted_check_cell": (0.0, ("fatal", "check_cell_deleted", {"cell": "fx-06"}),
                           ("not_run",) * 2, "check cell 'fx-06' was deleted"),
    # cells copied into a new notebook: checks found by name
    "new_cell_ids": (3.0, RAN, ("passed", "passed"), ""),
    # the roster's seed is re-injected
    "changed_seed": (0.0, RAN, ("wrong", "wrong"), "failed: fx-double, fx-square"),
    "deleted_parameters_cell": (3.0, RAN, ("passed", "passed"), ""),  # parameters put back
    # hidden checks run last
    "forged_results": (0.0, RAN, ("missing", "missing"), "failed: fx-double, fx-square"),
    "not_a_notebook": (0.0, ("fatal", "unreadable", {"error": "NotJSONError"}),
                       ("not_run",) * 2, "not a readable notebook (NotJSONError)"),
    "absent": (0.0, ("no_submission", "no_submission", {}), ("not_run",) * 2, "no submission"),
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


@pytest.mark.kernel
@pytest.mark.parametrize("student", list(EXPECTED))
def test_failure_case(graded, student):
    total, (outcome, code, params), checks, reason = EXPECTED[student]
    result = read_exercise_results(graded[1]).results[student]
    assert (result.total, result.outcome) == (total, outcome)
    if code:
        assert (result.reason.code, dict(result.reason.params)) == (code, params)
    else:
        assert result.reason is None
    assert tuple(c.code for c in result.checks) == checks
    assert graded[0].loc[student, "reason"] == reason  # the English sentence, for the eyes


@pytest.mark.kernel
def test_the_batch_finishes_and_leaves_no_kernel_behind(graded):
    _, _, survivors, elapsed = graded
    assert survivors == []
    assert elapsed < 600  # every hang was cut by its timeout (a hang would never end)


def test_a_process_left_by_a_batch_is_found():
    """The survivor checks here, in test_sandbox and test_dask_executor can fail: a live process
    carrying a batch's mark is found, by its command line, until it ends."""
    mark = uuid.uuid4().hex
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    child = subprocess.Popen(command, env=dict(os.environ, CRMLAB_SANDBOX_JOB=f"{mark}:job"))
    try:
        deadline = time.monotonic() + 30
        while not batch_processes(mark) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the child has exec'd with its own environment
        assert batch_processes(mark) == [" ".join(command)]
        assert batch_processes(uuid.uuid4().hex) == []
    finally:
        child.kill()
        child.wait()
    assert batch_processes(mark) == []


@pytest.mark.kernel
def test_scores_csv_is_in_the_gradebook_layout(graded):
    out = graded[1]
    scores = pd.read_csv(out / "scores.csv", keep_default_na=False, dtype=str)
    assert list(scores.columns) == ["student_id", "EX-fixture", "total"]
    assert list(scores["student_id"]) == list(EXPECTED)  # roster order, absentees included
    details = pd.read_csv(out / "details.csv", keep_default_na=False, dtype=str)
    assert list(details.columns) == ["student_id", "EX-fixture", "total", "outcome", "code",
                                     "params", "check:fx-double", "check:fx-square", "reason"]
    wrong = details.set_index("student_id").loc["wrong_answer"]
    assert (wrong["check:fx-double"], wrong["check:fx-square"]) == ("0.0", "2.0")
    slow = details.set_index("student_id").loc["slow_cells"]
    assert (slow["outcome"], slow["code"], slow["params"]) == ("fatal", "wall_clock",
                                                              f'{{"seconds":{WALL_CLOCK}}}')
    checks = pd.read_csv(out / "checks.csv", keep_default_na=False, dtype=str)
    assert list(checks.columns) == ["student_id", "check", "code", "points", "possible"]
    assert checks[checks["student_id"] == "wrong_answer"].values.tolist() == [
        ["wrong_answer", "fx-double", "wrong", "0.0", "1.0"],
        ["wrong_answer", "fx-square", "passed", "2.0", "2.0"]]
    notes = pd.read_csv(out / "notes.csv", keep_default_na=False, dtype=str)
    assert list(notes.columns) == ["student_id", "code", "params", "reason"] and notes.empty


@pytest.mark.kernel
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


@pytest.mark.kernel
def test_what_was_set_aside_is_in_problems_csv_and_the_run_is_kept(graded):
    out = graded[1]
    problems = pd.read_csv(out / "problems.csv", keep_default_na=False, dtype=str)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert sorted(zip(problems["student_id"], problems["assessment"], problems["code"],
                      problems["params"])) == [
        ("deleted_check_cell", "EX-fixture", "check_cell_deleted", '{"cell":"fx-06"}'),
        ("not_a_notebook", "EX-fixture", "unreadable", '{"error":"NotJSONError"}')]
    assert problems["source"].str.endswith(".ipynb").all()
    runs = sorted((out / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "details.csv").is_file()
    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "exercises grade"
    assert record["students"]["wrong_answer"]["scores"] == {
        "check:fx-double": 0.0, "check:fx-square": 2.0, "EX-fixture": 2.0}
    assert record["possible"] == {"EX-fixture": 3.0}


@pytest.mark.kernel
def test_a_regrade_says_whose_score_moved_and_why(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nsolved\nlate_fix\nstranger_absent\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SUBMISSIONS / "solved.ipynb", subs)
    shutil.copy(SUBMISSIONS / "syntax_error.ipynb", subs / "late_fix.ipynb")
    shutil.copy(SUBMISSIONS / "solved.ipynb", subs / "stranger.ipynb")  # not in the roster
    first = grade(str(EXERCISE), subs, roster=roster, out=tmp_path / "out", workers=1,
                  timeout=20, progress=False)
    assert first.problems[["student_id", "code"]].values.tolist() == [
        ["stranger", "skipped_off_roster"]]
    assert first.run.changes == []
    shutil.copy(SUBMISSIONS / "solved.ipynb", subs / "late_fix.ipynb")
    second = grade(str(EXERCISE), subs, roster=roster, out=tmp_path / "out", workers=1,
                   timeout=20, progress=False)
    moved = {(c["student_id"], c["item"]): (c["before"], c["after"], c["reasons"])
             for c in second.run.changes}
    assert moved == {("late_fix", "check:fx-double"): ("0", "1", "new submission"),
                     ("late_fix", "check:fx-square"): ("0", "2", "new submission"),
                     ("late_fix", "EX-fixture"): ("0", "3", "new submission")}
    assert len(list((tmp_path / "out" / "runs").iterdir())) == 2


def test_the_options_are_declared_once():
    from crmlab.grading.exercises import ExerciseOptions

    with pytest.raises(TypeError, match=r"^grade\(\) got unknown options 'timout'; expected "):
        grade(str(EXERCISE), SUBMISSIONS, roster="r.csv", out="o", timout=3)
    limits = ExerciseOptions(limits=Limits(memory=2048), timeout=9).sandbox_limits()
    assert (limits.memory, limits.timeout, limits.wall) == (2048, 9, 87)
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    text = parser.format_help()
    for option in fields(ExerciseOptions):
        if option.name != "limits":
            assert option.metadata["help"].split()[0] in text, option.name
    args = parser.parse_args(["--max-output", "3", "--workers", "1"])
    assert options_from(args) == ExerciseOptions(output=3, workers=1)


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


@pytest.mark.kernel
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
    graded = grade(str(EXERCISE), SUBMISSIONS, roster=roster, out=tmp_path / "out",
                   timeout=20, executor=Sequential(), format="moodle")
    assert calls == [2]
    assert list(graded.details["total"]) == [3.0, 0.0]
    assert [r.outcome for r in graded.results] == ["ran", "fatal"]
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
                    limits=Limits(timeout=20, notebook=1), progress=False).details
    assert details.set_index("student_id")[["code", "reason"]].to_dict("index") == {
        "large": {"code": "notebook_too_large", "reason": "the notebook is larger than 1 MB"},
        "linked": {"code": "unreadable",
                   "reason": "not a readable notebook (not a regular file)"}}
    assert (submissions / "large.ipynb").read_bytes() == before
    source = nbformat.read(EXERCISE, as_version=4)
    assert prepare_submission(source, submissions / "large.ipynb", student_id="large", seed=1,
                              max_bytes=2_000_000)[1] is None


@pytest.mark.parametrize("make, error", [
    (lambda p: None, "FileNotFoundError"),
    (lambda p: p.mkdir(), "not a regular file"),
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
])
def test_a_submission_that_cannot_be_read_says_why_without_waiting(tmp_path, make, error):
    make(tmp_path / "s1.ipynb")
    source = nbformat.read(EXERCISE, as_version=4)
    started = time.monotonic()
    nb, problem = prepare_submission(source, tmp_path / "s1.ipynb", student_id="s1", seed=1,
                                     max_bytes=2_000_000)
    assert nb is None
    assert (problem.code, problem.text()) == ("unreadable", f"not a readable notebook ({error})")
    assert time.monotonic() - started < 5
