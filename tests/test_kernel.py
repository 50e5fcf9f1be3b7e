"""crmlab.grading.kernel: the graded notebook's kernel through jupyter_client's and nbclient's
public APIs (a registered provisioner, declared traits, nbclient's own kernel context)."""

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmlab.grading import kernel
from crmlab.grading.exercises import grade
from crmlab.grading.kernel import (
    PROVISIONER,
    GradingClient,
    GradingKernelManager,
    SandboxKernelSpecs,
    SandboxProvisioner,
)
from crmlab.grading.results import Reason

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"


def test_the_provisioner_is_registered_and_named_by_the_kernel_specs():
    found = {e.name: e for e in entry_points(group="jupyter_client.kernel_provisioners")}
    assert found[PROVISIONER].load() is SandboxProvisioner
    spec = SandboxKernelSpecs().get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"] == {"provisioner_name": PROVISIONER}
    assert "ipykernel_launcher" in " ".join(spec.argv)


def test_output_past_the_limit_stops_the_notebook_once_with_its_reason():
    stopped = []
    client = GradingClient(nbformat.v4.new_notebook(), output_limit=100,
                           over_limit=lambda: Reason("output_limit", megabytes=1),
                           on_stop=lambda: stopped.append(True))
    cell = nbformat.v4.new_code_cell("print('x' * 1000)")
    message = {"msg_type": "stream", "content": {"name": "stdout", "text": "x" * 1000},
               "header": {"msg_type": "stream"}, "parent_header": {}}
    assert client.process_message(message, cell, 0) is None
    assert client.stopped == Reason("output_limit", megabytes=1) and stopped == [True]
    client.stop(Reason("wall_clock", seconds=9))  # the first reason stays
    assert client.stopped == Reason("output_limit", megabytes=1)
    assert cell.outputs == []


def test_each_client_gets_a_capped_context_that_the_manager_closes():
    km = GradingKernelManager(kernel_name="python3", max_message=1000)
    assert km.process_group is None
    first, second = km.client(), km.client()
    assert first.context is not second.context and len(km.contexts) == 2
    import zmq

    assert first.context.getsockopt(zmq.MAXMSGSIZE) == 1000
    km.close_contexts()
    assert first.context.closed and km.contexts == []


def test_a_kernel_that_cannot_be_launched_is_a_grader_problem_after_two_starts(
        tmp_path, monkeypatch):
    launches = []

    async def refuse(self, **kwargs):
        launches.append(kwargs["sandbox"].scratch)
        raise OSError("address already in use")

    monkeypatch.setattr(kernel.SandboxProvisioner, "pre_launch", refuse)
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "kernel-secret-8812")
    (tmp_path / "roster.csv").write_text("student_id\nsolved\n")
    (tmp_path / "subs").mkdir()
    shutil.copy(FIXTURES / "submissions" / "solved.ipynb", tmp_path / "subs")
    graded = grade(str(EXERCISE), tmp_path / "subs", roster=tmp_path / "roster.csv",
                   out=tmp_path / "out", workers=1, progress=False)
    result = graded.results[0]
    assert (result.outcome, result.reason.code, result.total) == ("grader_problem",
                                                                  "kernel_not_started", 0.0)
    assert dict(result.reason.params)["detail"] == "OSError: address already in use"
    assert len(launches) == 2 and launches[0] != launches[1]  # started afresh once
    assert not any(path.exists() for path in launches)  # the sandbox folders are gone
    problems = pd.read_csv(tmp_path / "out" / "problems.csv", keep_default_na=False)
    assert problems[["student_id", "code"]].values.tolist() == [["solved", "kernel_not_started"]]


@pytest.mark.parametrize("cls", [GradingClient, GradingKernelManager])
def test_every_setting_is_a_declared_trait(cls):
    declared = set(cls.class_trait_names())
    mine = {"output_limit", "over_limit", "on_stop", "received", "stopped"} \
        if cls is GradingClient else {"max_message", "contexts"}
    assert mine <= declared
