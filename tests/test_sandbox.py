"""The grading sandbox: the hostile-submission corpus graded in one batch with ordinary ones.

The corpus (``tests/fixtures/exercises/hostile``, written by ``make_fixtures.py``) holds
submissions of the fixture exercise that attack the grader. The test puts them in a grading
folder with three ordinary submissions, a roster, a secret file and a copy of the exercise's
source, fills in the real paths of that folder (as a student who knew them would), grades the
whole batch with small limits, and checks: each attack's points and one-line reason; the
ordinary submissions graded exactly as in a batch of their own; the batch's time bound; no
process of the batch left; and the file trees of the grading folder, the grader's home and
crmlab unchanged but for the grader's own outputs.
"""

import hashlib
import os
import re
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from crmlab.core.exceptions import ExerciseError
from crmlab.grading import files
from crmlab.grading import values as carried
from crmlab.grading.exercises import grade
from crmlab.grading.results import Reason
from crmlab.grading.sandbox import (
    Limits,
    batch_processes,
    crmlab_dir,
    fingerprint,
    protections,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"
HOSTILE = FIXTURES / "hostile"
SECRET = "corpus-secret-7f3a9c"
# Small limits keep the corpus quick on two cores; the timeout leaves ordinary cells (a few
# milliseconds) a wide margin on a loaded machine.
LIMITS = Limits(timeout=8, wall_clock=30, memory=1536, processes=48, output=1, file_size=5,
                disk=20, cpu_time=60)
ORDINARY = ("solved", "wrong_answer", "untouched")
REFUSED = "cell \\d+: refused by the sandbox: "
DENIED = REFUSED + r"\[Errno 13\] Permission denied: '{}'"

LINUX_SANDBOX = sys.platform.startswith("linux") and protections()["landlock"] >= 6
needs_landlock = pytest.mark.skipif(
    not LINUX_SANDBOX, reason="the corpus's exact verdicts assume Linux with Landlock ABI >= 6 "
                              "(README: which protections hold where)")


def _expected(paths: dict) -> dict:
    """attack -> (allowed (total, reason pattern) pairs); reasons are whole-line patterns."""
    def denied(path):
        return DENIED.format(re.escape(str(path)))

    grading, home = paths["grading"], paths["home"]
    checks_py = crmlab_dir() / "exercises" / "checks.py"
    return {
        "memory_bomb": [(3.0, r"cell \d+: MemoryError \(memory limit 1536 MB\)")],
        # The bomb's processes hold the cell past its timeout, or the kernel sees the limit
        # first: both end the attack, with the points earned before it or none.
        "fork_bomb": [(0.0, r"timed out: a cell ran longer than 8 s"),
                      (3.0, r"cell \d+: the process limit \(48\) was reached")],
        "gigabyte_of_output": [(0.0, r"the notebook printed more than 1 MB of output")],
        "blocking_call_ignoring_interrupts": [(0.0, r"timed out: a cell ran longer than 8 s")],
        "write_grading_folder": [(3.0, "; ".join([
            denied(grading / "roster.csv"),
            REFUSED + r"\[Errno 13\] Permission denied: '{}'".format(
                re.escape(str(grading / "submissions" / "solved.ipynb"))),
            denied(grading / "out" / "previous_results.csv"),
            denied(paths["exercise"])]))],
        "write_home": [(3.0, "; ".join([denied(home / ".bashrc"), denied(checks_py),
                                        denied("..")]))],
        "redefine_check_helpers": [(0.0, r"failed: fx-double, fx-square")],
        "own_hidden_checks": [(0.0, r"failed: fx-double, fx-square")],
        "read_secret": [(3.0, "; ".join([
            denied(paths["secret"]), REFUSED + r"\[Errno 13\] Permission denied: '/proc/\d+/environ'",
            denied(paths["exercise"]), denied(grading / "submissions" / "solved.ipynb")]))],
        "signal_and_network": [(3.0, "; ".join([
            REFUSED + r"\[Errno 1\] Operation not permitted",
            REFUSED + r"\[Errno 13\] Permission denied"]))],
    }


def _tree(root: Path, skip=()) -> dict:
    """path -> (sha256, mode, owner) of every file and folder under ``root``."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if any(rel == s or rel.startswith(s + os.sep) for s in skip):
            continue
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[rel] = (digest, info.st_mode, info.st_uid)
    return found


def _batch(folder: Path, *, mark: str):
    roster = folder / "roster.csv"
    mp = pytest.MonkeyPatch()
    mp.setenv("CRMLAB_SANDBOX_BATCH", mark)
    mp.chdir(folder)
    started = time.perf_counter()
    try:
        details = grade(str(folder / "exercise" / EXERCISE.name), folder / "submissions",
                        roster=roster, out=folder / "out", workers=2, limits=LIMITS,
                        secret_file=folder / "secret.txt", progress=False).details
    finally:
        mp.undo()
    return details.set_index("student_id"), time.perf_counter() - started


def _grading_folder(root: Path, students) -> dict:
    import shutil

    (root / "submissions").mkdir(parents=True)
    (root / "roster.csv").write_text("student_id,name,email\n" + "".join(
        f"{s},Student {i},{s}@example.org\n" for i, s in enumerate(students)))
    (root / "exercise").mkdir()
    (root / "out").mkdir()
    shutil.copy(EXERCISE, root / "exercise" / EXERCISE.name)
    secret = root / "secret.txt"
    secret.write_text(SECRET + "\n")
    secret.chmod(0o600)
    (root / "out" / "previous_results.csv").write_text("student_id,total\ns0,5\n")
    home = root.parent / f"{root.name}-home"
    home.mkdir()
    (home / ".bashrc").write_text("# the grader's shell\n")
    paths = {"grading": root, "home": home, "secret": secret,
             "exercise": root / "exercise" / EXERCISE.name}
    for name in ORDINARY:
        shutil.copy(FIXTURES / "submissions" / f"{name}.ipynb", root / "submissions")
    if len(students) > len(ORDINARY):
        for path in sorted(HOSTILE.glob("*.ipynb")):
            text = path.read_text()
            for token, value in (("@GRADING@", root), ("@HOME@", home),
                                 ("@SECRET_FILE@", secret), ("@EXERCISE@", paths["exercise"])):
                text = text.replace(token, str(value))
            (root / "submissions" / path.name).write_text(text)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Grade ordinary submissions alone, then with the corpus; return what the tests check."""
    alone_root = tmp_path_factory.mktemp("alone") / "grading"
    _grading_folder(alone_root, ORDINARY)
    alone, _ = _batch(alone_root, mark=uuid.uuid4().hex)
    root = tmp_path_factory.mktemp("corpus") / "grading"
    attacks = sorted(p.stem for p in HOSTILE.glob("*.ipynb"))
    paths = _grading_folder(root, [*ORDINARY, *attacks])
    outputs = tuple(f"out/{name}" for name in (
        files.DETAILS, files.CHECKS, files.NOTES, files.SCORES, files.PROBLEMS, files.CHANGES,
        "run.json", files.RUNS, files.FEEDBACK))
    before = {"grading": _tree(root, skip=outputs), "home": _tree(paths["home"]),
              "crmlab": fingerprint(crmlab_dir())}
    mark = uuid.uuid4().hex
    details, elapsed = _batch(root, mark=mark)
    time.sleep(1)
    survivors = batch_processes(mark)
    after = {"grading": _tree(root, skip=outputs), "home": _tree(paths["home"]),
             "crmlab": fingerprint(crmlab_dir())}
    return {"details": details, "alone": alone, "elapsed": elapsed, "paths": paths,
            "before": before, "after": after, "survivors": survivors, "attacks": attacks}


def test_the_corpus_holds_every_attack_the_issue_names():
    assert sorted(p.stem for p in HOSTILE.glob("*.ipynb")) == sorted(_expected({
        "grading": Path("/g"), "home": Path("/h"), "secret": "s", "exercise": "e"}))


@needs_landlock
@pytest.mark.kernel
@pytest.mark.parametrize("attack", sorted(p.stem for p in HOSTILE.glob("*.ipynb")))
def test_each_attack_ends_with_the_points_it_earned_and_a_reason(corpus, attack):
    row = corpus["details"].loc[attack]
    got = (float(row["total"]), row["reason"])
    allowed = _expected(corpus["paths"])[attack]
    assert any(got[0] == total and re.fullmatch(pattern, got[1])
               for total, pattern in allowed), got
    assert "\n" not in row["reason"]


@needs_landlock
@pytest.mark.kernel
def test_ordinary_submissions_are_graded_as_without_the_corpus(corpus):
    assert corpus["details"].loc[list(ORDINARY)].equals(corpus["alone"].loc[list(ORDINARY)])
    assert list(corpus["alone"]["total"]) == [3.0, 2.0, 0.0]


@needs_landlock
@pytest.mark.kernel
def test_the_batch_finishes_within_its_bound_and_leaves_no_process(corpus):
    jobs = len(ORDINARY) + len(corpus["attacks"])
    # Two at a time, each bounded by its start, its wall clock and its clean-up; a hang
    # would never end.
    bound = (jobs / 2 + 1) * (LIMITS.startup / 3 + LIMITS.wall + 10)
    assert corpus["elapsed"] < bound
    assert corpus["survivors"] == []


@needs_landlock
@pytest.mark.kernel
def test_nothing_outside_the_scratch_folders_changed(corpus):
    assert corpus["after"]["grading"] == corpus["before"]["grading"]
    assert corpus["after"]["home"] == corpus["before"]["home"]
    assert corpus["after"]["crmlab"] == corpus["before"]["crmlab"]


@needs_landlock
@pytest.mark.kernel
def test_no_secret_or_hidden_check_reaches_the_feedback(corpus):
    out = corpus["paths"]["grading"] / "out"
    texts = [p.read_text() for p in (out / "feedback").glob("*.ipynb")]
    texts += [(out / name).read_text() for name in (files.DETAILS, files.CHECKS, files.NOTES)]
    assert len(texts) == len(corpus["attacks"]) + len(ORDINARY) + 3
    for text in texts:
        assert SECRET not in text
        # The hidden checks' source (JSON-escaped in a notebook) is the instructor's alone.
        assert 'globals().get(\\"' not in text and 'hidden_check(\\"' not in text


# ------------------------------------------------------------------------------ units
def test_limits_validate_every_field_with_one_message():
    with pytest.raises(ExerciseError, match=r"^Got processes=2 instead, expected a whole "
                                            r"number >= 8\.$"):
        Limits(processes=2)
    with pytest.raises(ExerciseError, match=r"^Got output=0\.5 instead, expected a whole number "
                                            r"of megabytes >= 1\.$"):
        Limits(output=0.5)
    assert (Limits(timeout=10, wall_clock=None).wall, Limits(cpu_time=7).cpu) == (90, 7)


@pytest.mark.parametrize("value", [
    {"a": {1, 2}}, (1, "x", None), [1.5, float("inf")], {3: frozenset({"a"})},
    pd.Series([1.0, 2.5], index=["a", "b"], name="n"),
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), pd.Series(["a", "b"], dtype="category"),
])
def test_values_cross_the_boundary_unchanged(tmp_path, value):
    carried.dump({"v": value}, tmp_path / "v.json", limit=10_000)
    back = carried.load(tmp_path / "v.json", limit=10_000)["v"]
    if isinstance(value, (pd.Series, pd.DataFrame)):
        assert back.equals(value)
    else:
        assert back == value


def test_values_never_run_code_and_refuse_what_is_not_a_plain_file(tmp_path):
    evil = tmp_path / "evil.json"
    evil.write_text('{"v": {"t": "series", "dtype": "__import__(\'os\')", "index": [], '
                    '"name": null, "v": []}, "w": {"t": "pickle", "v": "gASVAA=="}, '
                    '"not an identifier": 1}')
    loaded = carried.load(evil, limit=10_000)
    assert sorted(loaded) == ["v", "w"]
    assert isinstance(loaded["w"], carried.Unreadable) and loaded["w"] != loaded["w"]
    (tmp_path / "link.json").symlink_to(evil)
    assert carried.load(tmp_path / "link.json", limit=10_000) == {}
    os.mkfifo(tmp_path / "fifo.json")
    assert carried.load(tmp_path / "fifo.json", limit=10_000) == {}
    assert carried.load(evil, limit=10) == {}  # larger than the limit: nothing


def test_a_change_to_crmlab_during_a_job_stops_the_batch(tmp_path, monkeypatch):
    """The fingerprint taken after a job differs: the batch raises and writes no scores."""
    from crmlab.grading import runner

    prints = iter(["before", "after"])
    monkeypatch.setattr(runner, "fingerprint", lambda folder: next(prints))
    monkeypatch.setattr("crmlab.grading.exercises.fingerprint", lambda f: "before")

    async def ran(nb, box, job):
        return None, {}

    monkeypatch.setattr(runner, "_execute", ran)
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    (tmp_path / "roster.csv").write_text("student_id\nsolved\n")
    with pytest.raises(ExerciseError, match=r"^grading stopped, nothing written: crmlab's files "
                                            r"changed while solved's notebook ran"):
        grade(str(EXERCISE), FIXTURES / "submissions", roster=tmp_path / "roster.csv",
              out=tmp_path / "out", workers=1, progress=False)
    assert not (tmp_path / "out" / "scores.csv").exists()


def test_removing_a_missing_scratch_folder_leaves_the_shared_parent_as_it_is(tmp_path):
    from crmlab.grading.sandbox import _remove

    parent = tmp_path / "scratch"
    parent.mkdir(mode=0o711)
    parent.chmod(0o711)  # other jobs' sandbox users pass through it to their own folders
    _remove(parent / "uid-61000")  # a fresh uid: nothing to remove
    (parent / "job").mkdir()
    (parent / "job" / "locked").mkdir(mode=0o000)  # left behind without permissions
    _remove(parent / "job")
    assert not (parent / "job").exists()
    assert oct(parent.stat().st_mode & 0o777) == oct(0o711)


def test_a_kernel_that_does_not_start_is_started_again_once(tmp_path, monkeypatch):
    """A kernel start that fails (a port taken by another kernel starting at the same time) is
    the machine's fault: the job starts afresh once, then reports a grader problem."""
    from crmlab.grading import runner

    outcomes = iter([(_NOT_STARTED, {}), (None, {})])
    calls = []

    async def ran(nb, box, job):
        calls.append(box.scratch)
        return next(outcomes)

    monkeypatch.setattr(runner, "_execute", ran)
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    (tmp_path / "roster.csv").write_text("student_id\nsolved\n")
    grade(str(EXERCISE), FIXTURES / "submissions", roster=tmp_path / "roster.csv",
          out=tmp_path / "out", workers=1, progress=False)
    assert len(calls) == runner.STARTS == 2 and calls[0] != calls[1]
    details = pd.read_csv(tmp_path / "out" / "details.csv", keep_default_na=False)
    assert details[["outcome", "code"]].values.tolist() == [["ran", ""]]

    calls.clear()
    monkeypatch.setattr(runner, "_execute", lambda nb, box, job: _never_starts(calls, box))
    grade(str(EXERCISE), FIXTURES / "submissions", roster=tmp_path / "roster.csv",
          out=tmp_path / "again", workers=1, progress=False)
    assert len(calls) == 2
    again = pd.read_csv(tmp_path / "again" / "details.csv", keep_default_na=False).iloc[0]
    assert (again["outcome"], again["code"], again["total"]) == ("grader_problem",
                                                                  "kernel_not_started", 0.0)
    assert again["reason"] == ("grader problem: the kernel did not start within 60 s or failed "
                               "(port in use), 2 times; grade this submission again")


_NOT_STARTED = Reason("kernel_not_started", seconds=60, detail="port in use", attempts=2)


async def _never_starts(calls, box):
    calls.append(box.scratch)
    return _NOT_STARTED, {}
