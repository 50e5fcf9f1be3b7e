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

import ast
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
from crmlab.grading.results import STOPS_BATCH, Reason
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
LIMITS = Limits(timeout=8, wall_clock=30, memory=1024, processes=48, output=1, file_size=8,
                disk=20, cpu_time=60)
ORDINARY = ("solved", "wrong_answer", "untouched")
REFUSED = "cell \\d+: refused by the sandbox: "
DENIED = REFUSED + r"\[Errno 13\] Permission denied: '{}'"
ROOT_SECRET = "root-only-5e1d0c"
FOUND = protections()
ROOT = FOUND["own_user"]

LINUX_SANDBOX = sys.platform.startswith("linux") and protections()["landlock"] >= 6
needs_landlock = pytest.mark.skipif(
    not LINUX_SANDBOX, reason="the corpus's exact verdicts assume Linux with Landlock ABI >= 6 "
                              "(README: which protections hold where)")


def _expected(paths: dict) -> dict:
    """attack -> (allowed (total, reason pattern) pairs); reasons are whole-line patterns."""
    def denied(path):
        return DENIED.format(re.escape(str(path)))

    def optional(pattern):
        # /proc of a job shows no process of anyone else: with a PID namespace the grader's
        # pid is not there, with hidepid it is not found; both are refusals of a kind.
        return f"(; {pattern})?"

    grading, home = paths["grading"], paths["home"]
    checks_py = crmlab_dir() / "exercises" / "checks.py"
    memory_cgroup, tmpfs = FOUND["cgroup"]["memory"], FOUND["tmpfs_scratch"]
    errno1 = REFUSED + r"\[Errno 1\] Operation not permitted"
    return {
        "memory_bomb": [(3.0, r"cell \d+: MemoryError \(memory limit 1024 MB\)")],
        # The bomb's processes hold the cell past its timeout, or the kernel sees the limit
        # first, or (a memory cgroup counting them all) their copied pages reach the memory
        # limit: each ends the attack, with the points earned before it or none.
        "fork_bomb": [(0.0, r"timed out: a cell ran longer than 8 s"),
                      (3.0, r"cell \d+: the process limit \(48\) was reached")] + (
            [(0.0, r"the memory limit \(1024 MB, the notebook's processes and in-memory files "
                   r"together\) was reached"),
             # both, on a loaded machine: the copies that did start filled the memory too
             (0.0, r"cell \d+: the process limit \(48\) was reached; a process of the notebook "
                   r"was killed at the memory limit \(1024 MB, the notebook's processes and "
                   r"in-memory files together\); failed: fx-double, fx-square")]
            if memory_cgroup else []),
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
        "read_secret": [(3.0, denied(paths["secret"]) + optional(
            REFUSED + r"\[Errno 13\] Permission denied: '/proc/\d+/environ'") + "; " + "; ".join([
                denied(paths["exercise"]), denied(grading / "submissions" / "solved.ipynb")]))],
        "signal_and_network": [(3.0, "; ".join([
            REFUSED + r"\[Errno 1\] Operation not permitted",
            REFUSED + r"\[Errno 13\] Permission denied"]))],
        # Issue 29. No capability and a short read list: a root-only file, /etc, /proc, /sys.
        "read_off_the_list": [(3.0, "; ".join([denied(paths["root_only"]), denied("/etc/passwd")])
                               + optional(denied("/proc/1/cmdline")) + "; "
                               + denied("/sys/kernel/uevent_seqnum"))],
        # All the job's memory counted together (cgroup), else in-memory files refused.
        "memory_outside_the_limit": [
            (0.0, r"the memory limit \(1024 MB, the notebook's processes and in-memory files "
                  r"together\) was reached") if memory_cgroup else
            (3.0, f"{errno1}; {errno1}") if FOUND["seccomp"] else (3.0, "")],
        # A tmpfs scratch folder counts what is deleted but still open (README: not held
        # without root).
        "disk_outside_the_limit": [(0.0, "the notebook wrote more than 20 MB of files")
                                   if tmpfs else (3.0, "")],
        "many_open_files": [(3.0, r"cell \d+: the open-files limit \(256\) was reached")],
        # Landlock checks every access along the path: a deep tree grows ever slower, and the
        # cell may reach its timeout before the file system's inode limit. Either way the tree
        # is removed and no other job ever sees it.
        "deep_scratch_tree": [(0.0, "timed out: a cell ran longer than 8 s")] + (
            [(0.0, "the notebook made more than 4096 files and folders")] if tmpfs else
            [(0.0, "the notebook wrote more than 20 MB of files"), (3.0, "")]),
        # The decoder refuses the 1.5 GB array and the others, and keeps the honest square.
        "crafted_values": [(2.0, "failed: fx-double")],
        "forged_builtins": [(3.0, "")],
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
    # A root-only file where the old read list reached it (all of /etc); without root, a
    # file only the grader's user may read.
    root_only = Path(f"/etc/crmlab-test-{uuid.uuid4().hex[:12]}") if ROOT else home / ".private"
    root_only.write_text(ROOT_SECRET + "\n")
    root_only.chmod(0o600)
    paths.update(root_only=root_only, ipc_key=int.from_bytes(os.urandom(3), "big") + 1)
    for name in ORDINARY:
        shutil.copy(FIXTURES / "submissions" / f"{name}.ipynb", root / "submissions")
    if len(students) > len(ORDINARY):
        for path in sorted(HOSTILE.glob("*.ipynb")):
            text = path.read_text()
            for token, value in (("@GRADING@", root), ("@HOME@", home),
                                 ("@SECRET_FILE@", secret), ("@EXERCISE@", paths["exercise"]),
                                 ("@ROOT_ONLY@", root_only), ("@IPC_KEY@", paths["ipc_key"])):
                text = text.replace(token, str(value))
            (root / "submissions" / path.name).write_text(text)
    return paths


def _segments(key: int) -> list[str]:
    """Lines of /proc/sysvipc/shm of System V segments with ``key`` (left by a job)."""
    try:
        lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    except OSError:
        return []
    return [line for line in lines if line.split() and line.split()[0] == str(key)]


def _remove_segments(key: int) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for line in _segments(key):
        libc.shmctl(int(line.split()[1]), 0, None)  # IPC_RMID


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Grade ordinary submissions alone, then with the corpus; return what the tests check."""
    alone_root = tmp_path_factory.mktemp("alone") / "grading"
    alone_paths = _grading_folder(alone_root, ORDINARY)
    alone_paths["root_only"].unlink()
    alone, _ = _batch(alone_root, mark=uuid.uuid4().hex)
    root = tmp_path_factory.mktemp("corpus") / "grading"
    attacks = sorted(p.stem for p in HOSTILE.glob("*.ipynb"))
    paths = _grading_folder(root, [*ORDINARY, *attacks])
    try:
        yield _graded_corpus(root, paths, attacks, alone)
    finally:
        paths["root_only"].unlink(missing_ok=True)
        _remove_segments(paths["ipc_key"])


def _graded_corpus(root, paths, attacks, alone):
    outputs = tuple(f"out/{name}" for name in (
        files.DETAILS, files.CHECKS, files.NOTES, files.SCORES, files.PROBLEMS, files.CHANGES,
        files.SIMILARITY, "run.json", files.RUNS, files.FEEDBACK))
    before = {"grading": _tree(root, skip=outputs), "home": _tree(paths["home"]),
              "crmlab": fingerprint(crmlab_dir())}
    mark = uuid.uuid4().hex
    details, elapsed = _batch(root, mark=mark)
    time.sleep(1)
    survivors = batch_processes(mark)
    after = {"grading": _tree(root, skip=outputs), "home": _tree(paths["home"]),
             "crmlab": fingerprint(crmlab_dir())}
    return {"details": details, "alone": alone, "elapsed": elapsed, "paths": paths,
            "before": before, "after": after, "survivors": survivors, "attacks": attacks,
            "segments": _segments(paths["ipc_key"])}


def test_the_corpus_holds_every_attack_the_issue_names():
    assert sorted(p.stem for p in HOSTILE.glob("*.ipynb")) == sorted(_expected({
        "grading": Path("/g"), "home": Path("/h"), "secret": "s", "exercise": "e",
        "root_only": "r"}))


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
        assert SECRET not in text and ROOT_SECRET not in text
        # The hidden checks' source (JSON-escaped in a notebook) is the instructor's alone.
        assert 'globals().get(\\"' not in text and 'hidden_check(\\"' not in text


@pytest.mark.kernel
@needs_landlock
@pytest.mark.skipif(not ROOT, reason="a job has a user of its own only when the grader is root")
@pytest.mark.kernel
def test_no_job_keeps_a_capability(corpus):
    """Before issue 29 a job kept CAP_DAC_READ_SEARCH (in every set, ambient included) when
    the Python environment was closed to other users: it could read any file."""
    import nbformat

    out = corpus["paths"]["grading"] / "out" / "feedback"
    nb = nbformat.read(out / f"{EXERCISE.stem}__read_off_the_list.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    caps = dict(re.findall(r"(Cap\w+):\s+([0-9a-f]+)", text))
    assert sorted(caps) == ["CapAmb", "CapBnd", "CapEff", "CapInh", "CapPrm"]
    assert set(caps.values()) == {"0" * 16}


@pytest.mark.kernel
@needs_landlock
@pytest.mark.skipif(not FOUND["namespaces"], reason="a private IPC namespace needs root")
@pytest.mark.kernel
def test_shared_memory_of_a_job_dies_with_it(corpus):
    """A System V segment outlived its job before issue 29 (memory of the machine, counted by
    nobody); in the job's own IPC namespace it goes with the job."""
    assert corpus["segments"] == []


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


#: Exported values a kernel may forge (it runs the student's code, the export cell included).
BOMBS = {
    # 75 bytes that asked the grader (root, no limits) for 1.5 GB before issue 29.
    "text_array": '{"t": "array", "dtype": "U400000000", "shape": [1], "v": ["x"]}',
    "sub_array": '{"t": "array", "dtype": "(15000,15000)f8", "shape": [1], "v": [1]}',
    "bytes_series": '{"t": "series", "dtype": "a400000000", "index": {"t": "list", "v": [0]}, '
                    '"name": null, "v": ["x"]}',
    "lying_shape": '{"t": "array", "dtype": "int64", "shape": [1000000, 1000000], "v": [1]}',
    "deep": '{"t": "list", "v": [' * 40 + "1" + "]}" * 40,
    "big_int": "9" * 5000,
    "forever": '{"t": "timedelta", "v": "1e30 days"}',
}


def test_crafted_values_cost_the_grader_no_memory_and_lose_only_themselves(tmp_path):
    """Loaded in a child whose address space is capped at 1 GiB (the grader has no cap): before
    issue 29 the first bomb raised MemoryError there and the integer of 5,000 digits made the
    whole file unreadable, the honest value with it."""
    import subprocess

    path = tmp_path / "values.json"
    path.write_text("{" + ", ".join(f'"{name}": {text}' for name, text in BOMBS.items())
                    + ', "honest": {"t": "tuple", "v": [1, 2.5]}}')
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
            "from crmlab.grading import values\n"
            "loaded = values.load(sys.argv[1], limit=8_000_000)\n"
            "print({name: repr(value) for name, value in loaded.items()})")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-300:]
    assert ast.literal_eval(run.stdout) == {
        "text_array": "Unreadable('array dtype')", "sub_array": "Unreadable('array dtype')",
        "bytes_series": "Unreadable('series dtype')", "lying_shape": "Unreadable('array shape')",
        "deep": "Unreadable('too large: nested deeper than 24')",
        "big_int": "Unreadable('too large: an integer of 5000 digits')",
        "forever": "Unreadable('timedelta: ValueError')", "honest": "(1, 2.5)"}


def test_a_file_that_would_build_too_many_objects_is_not_parsed(tmp_path):
    path = tmp_path / "values.json"
    path.write_text('{"v": {"t": "list", "v": [' + "{}, " * 400_000 + "{}]}}")
    assert carried.load(path, limit=8_000_000) == {}  # 400,001 "{": nothing parsed


def test_a_forged_builtins_or_builtin_name_never_reaches_the_checks():
    """A kernel's export named ``__builtins__`` (or ``globals``) replaced the checks' own: they
    failed with an ImportError blamed on the instructor's checks."""
    from crmlab.grading.runner import judge

    source = ('from crmlab.exercises import hidden_check\n'
              'hidden_check("demo-forged", globals().get("double"), seed=seed)')
    from crmlab.exercises.checks import EXPECTED, register

    register("demo-forged")(lambda seed: 2 * seed)
    try:
        forged = {"__builtins__": {}, "globals": 1, "double": 10}
        assert judge([source], forged, student_id="s1", seed=5) == ({"demo-forged": "passed"},
                                                                     None)
        assert forged == {"__builtins__": {}, "globals": 1, "double": 10}  # not mutated
    finally:
        del EXPECTED["demo-forged"]


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
    from crmlab.grading.scratch import remove_tree

    parent = tmp_path / "scratch"
    parent.mkdir(mode=0o711)
    parent.chmod(0o711)  # other jobs' sandbox users pass through it to their own folders
    assert remove_tree(parent / "uid-61000")  # a fresh uid: nothing to remove
    (parent / "job").mkdir()
    (parent / "job" / "locked").mkdir(mode=0o000)  # left behind without permissions
    assert remove_tree(parent / "job")
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


# ------------------------------------------------------------------------------ issue 29
def _one_submission(folder: Path, name: str, *cells: str) -> Path:
    """A grading folder with the solved fixture as ``name`` plus ``cells``; returns its roster."""
    import nbformat

    nb = nbformat.read(FIXTURES / "submissions" / "solved.ipynb", as_version=4)
    for source in cells:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    (folder / "submissions").mkdir(parents=True)
    nbformat.write(nb, folder / "submissions" / f"{name}.ipynb")
    (folder / "roster.csv").write_text(f"student_id\n{name}\n")
    return folder / "roster.csv"


@pytest.mark.kernel
@needs_landlock
@pytest.mark.skipif(not FOUND["pid_namespace"], reason="a PID namespace needs root on Linux")
@pytest.mark.kernel
def test_a_grader_killed_with_sigkill_leaves_no_process_and_the_next_one_cleans_up(tmp_path):
    """Before issue 29 a process the student detached from the kernel's session lived on,
    reparented to init, when the grader was SIGKILLed; its scratch folder stayed too."""
    import signal
    import subprocess

    import psutil

    from crmlab.grading import cgroups, scratch
    from crmlab.grading.sandbox import sweep

    roster = _one_submission(tmp_path, "detached", (
        "import subprocess\nimport time\n\n"
        'subprocess.Popen(["sleep", "600"], start_new_session=True)\ntime.sleep(300)'))
    mark = uuid.uuid4().hex
    env = {**os.environ, "CRMLAB_INSTRUCTOR_SECRET": SECRET, "CRMLAB_SANDBOX_BATCH": mark}
    grader = subprocess.Popen(
        [sys.executable, "-m", "crmlab", "exercises", "grade", str(EXERCISE),
         str(tmp_path / "submissions"), "--roster", str(roster), "--out", str(tmp_path / "out"),
         "--workers", "1", "--timeout", "400"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def batch():
        found = []
        for proc in psutil.process_iter(["cmdline"]):
            try:
                if proc.environ().get("CRMLAB_SANDBOX_JOB", "").startswith(f"{mark}:"):
                    found.append(proc)
            except (psutil.Error, OSError):
                continue
        return found

    try:
        deadline = time.monotonic() + 180
        detached = []
        while not detached and time.monotonic() < deadline and grader.poll() is None:
            time.sleep(0.5)
            detached = [p for p in batch() if p.info["cmdline"] == ["sleep", "600"]]
        assert detached, "the submission's detached process never started"
        home, uid = detached[0].environ()["HOME"], detached[0].uids().real
        grader.send_signal(signal.SIGKILL)
        grader.wait(timeout=30)
        deadline = time.monotonic() + 10
        while batch() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p.info["cmdline"] for p in batch()] == []
        # What the killed grader could not remove (its job's cgroups, tmpfs and folder), the
        # next grader's start does (here, or another test's grader first).
        sweep()
        assert not Path(home).exists() and not scratch.is_mount(home)
        assert not [name for name in cgroups.stale() if name.startswith(f"{cgroups.PREFIX}{uid}-")]
    finally:
        grader.kill()
        for proc in batch():
            proc.kill()


@needs_landlock
@pytest.mark.skipif(not ROOT or FOUND["python_readable"],
                    reason="needs a root grader whose Python environment other users cannot "
                           "read (CI's lives under /root)")
def test_an_environment_the_jobs_cannot_read_is_refused_with_one_line(tmp_path, monkeypatch):
    """Before issue 29 the job kept a capability to read every file instead."""
    from crmlab.grading import sandbox

    roster = _one_submission(tmp_path, "solved")
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    monkeypatch.setattr(sandbox, "_READY", set())
    monkeypatch.setattr(sandbox, "views", lambda paths: [])  # as where no view can be made
    prefix = next(p for p in sandbox._python_paths() if sandbox._closed_folder(p))
    with pytest.raises(ExerciseError) as info:
        grade(str(EXERCISE), tmp_path / "submissions", roster=roster, out=tmp_path / "out",
              workers=1, limits=LIMITS, progress=False)
    assert str(info.value) == (
        f"grading refused: the sandbox's users cannot read the Python environment ({prefix}: "
        f"{sandbox._closed_folder(prefix)} is closed to other users); install Python where "
        "every user can read it (for example under /opt or /usr/local) and grade again")
    assert not (tmp_path / "out" / "scores.csv").exists()


@pytest.mark.kernel
@needs_landlock
@pytest.mark.kernel
def test_a_kernel_that_cannot_import_the_stack_is_a_grader_problem(tmp_path, monkeypatch):
    """Before issue 29 the kernel's failed imports went unnoticed: the student's cells ran
    without pandas and the student scored 0 for the grader's broken environment."""
    import nbformat

    from crmlab.grading import sandbox
    from crmlab.grading.exercises import hidden_sources, prepare_submission
    from crmlab.grading.runner import Job, run_job

    broken = tmp_path / "broken"
    (broken / "pandas").mkdir(parents=True)
    (broken / "pandas" / "__init__.py").write_text(
        'raise ImportError("pandas is broken in this environment")\n')
    env = sandbox.Sandbox.env
    monkeypatch.setattr(sandbox.Sandbox, "env", lambda self: {**env(self),
                                                              "PYTHONPATH": str(broken)})
    monkeypatch.setattr(sandbox, "_SYSTEM_READ", (*sandbox._SYSTEM_READ, str(broken)))
    monkeypatch.setattr(sandbox, "_READY", set())
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    roster = _one_submission(tmp_path, "solved")
    with pytest.raises(ExerciseError) as info:
        grade(str(EXERCISE), tmp_path / "submissions", roster=roster, out=tmp_path / "out",
              workers=1, limits=LIMITS, progress=False)
    assert str(info.value) == (
        "grading refused: a sandboxed Python cannot import the course's stack (ImportError: "
        "pandas is broken in this environment); fix the Python environment and grade again")
    # A worker whose environment broke after the batch began: a grader problem, the batch stops.
    source = nbformat.read(EXERCISE, as_version=4)
    nb, _ = prepare_submission(source, tmp_path / "submissions" / "solved.ipynb",
                               student_id="solved", seed=5)
    result = run_job(Job("solved", 5, nbformat.writes(nb), hidden_sources(source), "", LIMITS))
    assert (result.outcome, result.reason) == (
        "grader_problem",
        Reason("stack_import_failed",
               detail="ImportError: pandas is broken in this environment"))
    assert result.reason.code in STOPS_BATCH


@pytest.mark.skipif(not (FOUND["seccomp"] and ROOT), reason="seccomp on x86_64 or aarch64, root")
def test_without_a_memory_cgroup_in_memory_files_are_refused(monkeypatch):
    """Where no memory cgroup counts them, in-memory files and System V shared memory would
    escape the address-space limit: a seccomp filter refuses them instead."""
    import subprocess

    from crmlab.grading import cgroups, sandbox

    code = ("import ctypes, os\n"
            "try:\n    os.memfd_create('x')\n    print('memfd allowed')\n"
            "except PermissionError as exc:\n    print('memfd', exc)\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "print('shmget', libc.shmget(0, 2**20, 0o1600), os.strerror(ctypes.get_errno()))\n"
            "import numpy, pandas\nprint('stack imported')")

    def run():
        with sandbox.Sandbox(LIMITS) as box:
            done = subprocess.run(box.command([sys.executable, "-c", code]), env=box.env(),
                                  cwd=box.scratch, capture_output=True, text=True, timeout=120)
        return done.stdout

    refused = "memfd [Errno 1] Operation not permitted\nshmget -1 Operation not permitted\n"
    if FOUND["cgroup"]["memory"]:
        assert run().startswith("memfd allowed\n")  # the cgroup counts them: allowed
    monkeypatch.setattr(cgroups, "create", lambda name, **limits: None)
    assert run() == refused + "stack imported\n"


def test_a_scratch_folder_that_cannot_be_removed_is_retired_never_reused(monkeypatch):
    """Before issue 29 a job's folder was named after its uid: a tree the clean-up could not
    remove was handed, as it was, to the next job with that uid."""
    from crmlab.grading import sandbox, scratch

    remove = scratch.remove_tree
    monkeypatch.setattr(scratch, "remove_tree", lambda top, **kw: False)
    with sandbox.Sandbox(LIMITS) as box:
        (box.scratch / "tmp" / "left.txt").write_text("the student's")
    first = box.scratch
    retired = first.with_name(f".retired-{first.name}")
    assert not first.exists() and retired.exists()
    assert box.cleanup[-1] == f"{first}: could not be removed, retired as {retired.name}"
    monkeypatch.setattr(scratch, "remove_tree", remove)
    with sandbox.Sandbox(LIMITS) as again:
        assert again.scratch != first and os.listdir(again.scratch / "tmp") == []
    assert not again.scratch.exists()
    assert f"{retired}: removed" in sandbox.sweep()
    assert not retired.exists()


def test_a_file_closed_inside_the_view_is_named_in_the_refusal():
    from crmlab.grading.sandbox import _unreadable

    detail = "PermissionError: [Errno 13] Permission denied: '/opt/py/lib/x.py'"
    assert _unreadable(detail) == (
        "grading refused: the sandbox's users cannot read the Python environment (PermissionError: "
        "[Errno 13] Permission denied: '/opt/py/lib/x.py'); install Python where every user can "
        "read it (for example under /opt or /usr/local) and grade again")
