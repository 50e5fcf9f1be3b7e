"""Exercise grading on dask.distributed: a LocalCluster of two worker processes.

Three batches of the same fixture submissions: the local executor (``--workers 2``), the CLI
with ``--scheduler local:2``, and a LocalCluster of the test's own whose worker is killed while
it grades a notebook. All three must write the same details.csv and scores.csv, one row per
student, and leave no kernel behind.
"""

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import ExerciseError
from crmlab.grading.executors import DaskExecutor
from crmlab.grading.sandbox import batch_processes

distributed = pytest.importorskip("distributed")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"
SUBMISSIONS = FIXTURES / "submissions"
STUDENTS = ["solved", "wrong_answer", "untouched", "error_in_one_answer", "syntax_error", "absent"]
SECRET = "dask-secret-4412"


def _grade(tmp: Path, name: str, *options) -> Path:
    out = tmp / name
    assert main(["exercises", "grade", str(EXERCISE), str(SUBMISSIONS), "--roster",
                 str(tmp / "roster.csv"), "--out", str(out), "--timeout", "20",
                 *options]) == 0
    return out


def _kernels_of(pid: int) -> list:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True)
                if "ipykernel_launcher" in " ".join(p.cmdline())]
    except psutil.Error:
        return []


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask")
    (tmp / "roster.csv").write_text("student_id\n" + "\n".join(STUDENTS) + "\n")
    mp = pytest.MonkeyPatch()
    mark = uuid.uuid4().hex
    mp.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    mp.setenv("CRMLAB_SANDBOX_BATCH", mark)
    try:
        local = _grade(tmp, "local", "--workers", "2")
        scheduler = _grade(tmp, "scheduler", "--scheduler", "local:2")
        killed = {}
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            pids = client.run(os.getpid)

            def kill_one_mid_job():
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline and not killed:
                    for address, pid in pids.items():
                        if _kernels_of(pid):  # this worker is running a notebook now
                            os.kill(pid, signal.SIGKILL)
                            killed[address] = pid
                            return
                    time.sleep(0.05)

            killer = threading.Thread(target=kill_one_mid_job, daemon=True)
            killer.start()
            from crmlab.grading.exercises import grade

            grade(str(EXERCISE), SUBMISSIONS, roster=tmp / "roster.csv", out=tmp / "killed",
                  timeout=20, executor=DaskExecutor(client, progress=False), progress=False)
            killer.join(timeout=5)
            restarted = client.run(os.getpid)
    finally:
        mp.undo()
    time.sleep(1)
    survivors = batch_processes(mark)
    return {"local": local, "scheduler": scheduler, "killed": tmp / "killed",
            "victim": killed, "restarted": restarted, "survivors": survivors}


@pytest.mark.kernel
@pytest.mark.parametrize("name", ["details.csv", "scores.csv"])
def test_a_local_cluster_writes_the_same_files_as_the_local_executor(batches, name):
    expected = (batches["local"] / name).read_text()
    assert (batches["scheduler"] / name).read_text() == expected
    assert (batches["killed"] / name).read_text() == expected


@pytest.mark.kernel
def test_the_results_are_right_and_one_row_per_student(batches):
    import pandas as pd

    details = pd.read_csv(batches["killed"] / "details.csv", keep_default_na=False)
    assert list(details["student_id"]) == STUDENTS  # no row lost, none twice
    assert list(details["total"]) == [3.0, 2.0, 0.0, 2.0, 0.0, 0.0]
    feedback = sorted(p.name for p in (batches["scheduler"] / "feedback").glob("*.ipynb"))
    assert feedback == sorted(f"fixture_double__{s}.ipynb" for s in STUDENTS[:5])


@pytest.mark.kernel
def test_a_worker_killed_mid_notebook_is_replaced_and_its_job_run_again(batches):
    assert len(batches["victim"]) == 1  # the test did kill a worker while it graded
    (address, pid), = batches["victim"].items()
    assert pid not in batches["restarted"].values()  # the nanny started a new process
    assert batches["survivors"] == []  # the lost worker's kernel died with it


def test_a_bad_scheduler_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    (tmp_path / "roster.csv").write_text("student_id\nsolved\n")
    assert main(["exercises", "grade", str(EXERCISE), str(SUBMISSIONS), "--roster",
                 str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"),
                 "--scheduler", "cluster-please"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Got scheduler='cluster-please' instead, expected tcp://HOST:PORT or "
        "local:N with N >= 1.\n")
    with pytest.raises(ExerciseError, match=r"^cannot reach the dask scheduler at "
                                            r"tcp://127\.0\.0\.1:9"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1).map(abs, [1])
