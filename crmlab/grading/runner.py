"""Run one graded notebook in its sandbox, then judge it outside the kernel.

:func:`run_job` is what an executor runs for each submission (in a thread of this process, or
on a dask worker). In order:

1. crmlab's files are fingerprinted (a worker whose crmlab differs from the grader's refuses);
2. a kernel starts in a :class:`~crmlab.grading.sandbox.Sandbox` and imports the
   course's stack (bounded by ``limits.startup``, not by the student's time; a kernel that
   cannot import it is a grader problem, never the student's 0);
3. the student's cells run one by one (``limits.timeout`` per cell, ``limits.wall`` in all,
   ``limits.output`` of output, ``limits.disk`` in the scratch folder, checked once more after
   the last cell); nothing of the hidden checks is in the kernel, on disk or in its
   environment; why a kernel died is read from what the sandbox saw
   (:class:`~crmlab.grading.sandbox.Observation`: the memory cgroup's kills);
4. a last cell of ours writes the variables the hidden checks read as plain JSON
   (:mod:`crmlab.grading.values`, decoded here with bounds); every process of the job is
   killed;
5. crmlab's files are fingerprinted again (a change is reported: the batch stops);
6. the hidden checks run here, in the grader's process, on the decoded values: a student who
   monkeypatched ``check``, ``hidden_check``, crmlab or the builtins did so in a kernel that no
   longer exists;
7. the executed notebook is written as feedback, each hidden check cell replaced by its
   verdicts.
"""

from __future__ import annotations

import asyncio
import builtins
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from crmlab.grading.sandbox import MB, Limits, Sandbox, crmlab_dir, fingerprint
from crmlab.grading.scratch import INODES

__all__ = ["Job", "run_job", "judge", "STACK"]

#: What a grading kernel imports before the student's first cell (the floor of ``make bench``).
STACK = "import numpy, pandas, crmlab, crmlab.exercises"
VALUES_LIMIT = 8 * MB
HIDDEN_PLACEHOLDER = "# hidden check (source kept by the instructor)"
FATAL = {"SyntaxError": "syntax error", "IndentationError": "syntax error",
         "SystemExit": "sys.exit was called",
         "KeyboardInterrupt": "timed out: a cell ran longer than {timeout} s"}
_HIDDEN_NAME = re.compile(r"""hidden_check\(\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Job:
    """One submission to grade: plain values, so any executor can ship it to any machine.

    ``notebook`` is the prepared notebook (the student's cells and the roster's parameters,
    JSON); ``hidden`` the sources of the hidden check cells, which never reach the kernel;
    ``feedback`` where to write the executed notebook; ``variants`` the folder of prepared data
    variants (``""``: none); ``crmlab`` the grader's fingerprint of crmlab.
    """

    student_id: str
    seed: int
    notebook: str
    hidden: tuple
    feedback: str
    limits: Limits
    variants: str = ""
    crmlab: str = ""


def _result(job: Job, reason: str = "", **extra) -> dict:
    return {"student_id": job.student_id, "checks": {}, "reason": reason, "notes": [],
            "problem": "", **extra}


def run_job(job: Job) -> dict:
    """Grade one submission; return ``{student_id, checks, reason, notes, problem}``.

    ``reason`` is why the notebook scores 0 (empty when it ran), ``notes`` what the sandbox
    refused along the way (the points earned still count), ``problem`` a fault of the grading
    environment that must stop the batch.
    """
    import nbformat

    before = fingerprint(crmlab_dir())
    if job.crmlab and before != job.crmlab:
        return _result(job, "grader problem: this worker's crmlab differs from the grader's",
                       problem=f"the worker grading {job.student_id} has another crmlab than the "
                               "grader: install the same environment on every worker")
    limits = job.limits
    variant = os.path.join(job.variants, str(job.seed)) if job.variants else None
    for attempt in range(1, STARTS + 1):
        nb = nbformat.reads(job.notebook, as_version=4)
        with Sandbox(limits, variant=variant if variant and os.path.isdir(variant) else None,
                     variants=job.variants or None) as box:
            reason, values = asyncio.run(_execute(nb, box, job))
            if not reason:
                reason = _fatal_output(nb, limits)
        notes = _notes(nb, limits, box.observe() if not reason else None)
        # A kernel that does not start is the machine's fault (two kernels starting at once
        # can be given the same free port): the student's code has not run, so start afresh.
        if not reason.startswith(_NO_START) or attempt == STARTS:
            break
    result = _result(job, reason, notes=notes)
    if reason.startswith(_NO_STACK):
        result["problem"] = (f"the kernel grading {job.student_id} cannot import the course's "
                             f"stack{reason[len(_NO_STACK):]}: fix the Python environment and "
                             "grade again")
        return result
    if fingerprint(crmlab_dir()) != before:
        result["reason"] = "the submission changed crmlab's files"
        result["problem"] = (f"crmlab's files changed while {job.student_id}'s notebook ran: "
                             "restore the installation and grade again")
        return result
    verdicts, error = judge(job.hidden, values, student_id=job.student_id, seed=job.seed,
                            variants=job.variants or None)
    result["checks"] = verdicts
    if error:
        result["notes"].append(error)
    if job.feedback:
        _write_feedback(nb, job, verdicts)
    return result


def _on_error(job: Job, exc: BaseException) -> dict:
    """The result of a job the executor could not run (a worker lost too often, a bug)."""
    return _result(job, f"grader problem: the job failed ({type(exc).__name__}: {exc})"[:300])


run_job.progress_label = "grading"
run_job.on_error = _on_error


def judge(hidden, values: dict, *, student_id: str, seed: int, variants=None):
    """Run the hidden check sources on ``values`` here; return ``(verdicts, error or "")``.

    Examples
    --------
    >>> from crmlab.exercises.checks import EXPECTED, register
    >>> _ = register("demo-square")(lambda seed: seed * seed)
    >>> judge(['from crmlab.exercises import hidden_check\\n'
    ...        'hidden_check("demo-square", globals().get("square"), seed=seed)'],
    ...       {"square": 49, "seed": 1}, student_id="s1", seed=7)
    ({'demo-square': True}, '')
    >>> del EXPECTED["demo-square"]
    """
    from crmlab.exercises import expected  # noqa: F401  (registers the course's checks)
    from crmlab.exercises.checks import judging

    error = ""
    # A forged export cannot shadow a builtin or a dunder the checks' code relies on.
    values = {name: value for name, value in values.items()
              if not name.startswith("_") and not hasattr(builtins, name)}
    with judging(variants=variants) as verdicts:
        for source in hidden:
            namespace = {**values, "student_id": student_id, "seed": int(seed),
                         "__name__": "__crmlab_hidden_checks__"}
            try:
                exec(compile(source, "<hidden checks>", "exec"), namespace)  # instructor code
            except Exception as exc:
                error = f"error in the hidden checks: {type(exc).__name__}: {exc}"
    return dict(verdicts), error


# ------------------------------------------------------------------------------ the kernel
def _classes():
    """The kernel manager and notebook client of a sandboxed run (imported when first used)."""
    import zmq
    import zmq.asyncio
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class SandboxKernelManager(AsyncKernelManager):
        """Starts the kernel through the sandbox's launcher; clients refuse huge messages."""

        def format_kernel_cmd(self, extra_arguments=None):
            self.sandbox.own(self.connection_file)
            ports = [self.shell_port, self.iopub_port, self.stdin_port, self.hb_port,
                     self.control_port]
            command = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file,
                       *(extra_arguments or [])]
            return self.sandbox.command(command, ports=ports)

        def client(self, **kwargs):
            context = zmq.asyncio.Context()
            # A message above the limit drops the connection instead of filling our memory.
            context.setsockopt(zmq.MAXMSGSIZE, self.max_message)
            self.contexts.append(context)
            return super().client(context=context, **kwargs)

    class GradingClient(NotebookClient):
        """nbclient with a cap on what the kernel may send back, and a reason when it stops."""

        def process_message(self, msg, cell, cell_index):
            if self.stopped:
                return None
            self.received += _size(msg.get("content"), self.output_limit)
            if self.received > self.output_limit:
                self.stop(f"the notebook printed more than {self.output_limit // MB} MB of output")
                return None
            return super().process_message(msg, cell, cell_index)

    return SandboxKernelManager, GradingClient


def _size(value, budget: int) -> int:
    """Approximate bytes of a message's content (strings counted, stops past ``budget``)."""
    total, stack = 0, [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
            total += 8 * len(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            total += 8
    return total


async def _execute(nb, box: Sandbox, job: Job):
    """Run the cells; return ``(fatal reason or "", exported values)``."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from crmlab.grading import values as carried

    limits = job.limits
    manager_class, client_class = _classes()
    km = manager_class(kernel_name="python3")
    km.sandbox, km.contexts, km.max_message = box, [], limits.output * MB + MB
    km.connection_file = str(box.scratch / "kernel.json")
    client = client_class(nb, km=km, timeout=limits.timeout, startup_timeout=limits.startup,
                          iopub_timeout=2, shutdown_kernel="immediate", record_timing=False)
    client.output_limit, client.received, client.stopped = limits.output * MB, 0, ""

    def stop(reason: str) -> None:
        if not client.stopped:
            client.stopped = reason
        box.kill(_pgid(km))

    client.stop = stop
    log = open(box.scratch / "kernel.log", "wb")  # the kernel's own stdout/stderr
    box.own(box.scratch / "kernel.log")
    watchers = []
    reason, exported = "", {}
    try:
        try:
            await client.async_start_new_kernel(cwd=str(box.scratch), env=box.env(),
                                                stdout=log, stderr=subprocess.STDOUT)
            await client.async_start_new_kernel_client()
            # `resource` now: the export raises the open-files limit without opening a file.
            reply = await client.kc.execute_interactive(f"{STACK}, resource",
                                                        timeout=limits.startup,
                                                        output_hook=lambda msg: None,
                                                        store_history=False)
        except Exception as exc:  # the student's code has not run yet: not their fault
            return _startup_failure(exc, box, limits), {}
        content = reply.get("content", {})
        if content.get("status") != "ok":  # the environment is broken, not the notebook
            return (f"{_NO_STACK} ({content.get('ename', 'error')}: "
                    f"{str(content.get('evalue', ''))[:160]})"), {}
        watchers = [asyncio.ensure_future(_watch(client, box, limits)),
                    asyncio.ensure_future(_watch_messages(client, km))]
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or client.stopped:
                continue
            count += 1
            try:
                await client.async_execute_cell(cell, index, execution_count=count)
            except CellTimeoutError:
                reason = f"timed out: a cell ran longer than {limits.timeout} s"
                break
            except DeadKernelError:
                reason = client.stopped or _death(km, limits, box.observe())
                break
            except Exception as exc:
                reason = client.stopped or f"execution failed: {type(exc).__name__}"
                break
        reason = client.stopped or reason or _scratch_full(box.observe(), limits)
        if not reason:
            names = [n for n in carried.names_read_by(job.hidden)
                     if not n.startswith("_") and not hasattr(builtins, n)
                     and n not in ("seed", "student_id", "hidden_check")]
            target = box.scratch / "values.json"
            try:
                await client.kc.execute_interactive(
                    carried.export_code(names, target, limit=VALUES_LIMIT),
                    timeout=limits.timeout, output_hook=lambda msg: None, store_history=False)
            except Exception:  # a kernel the student broke exports nothing: checks fail
                pass
            box.kill(_pgid(km))
            exported = carried.load(target, limit=VALUES_LIMIT)
    finally:
        for task in watchers:
            task.cancel()
        box.kill(_pgid(km))
        try:
            await client._async_cleanup_kernel()
        except Exception:
            pass
        for context in km.contexts:
            context.destroy(linger=0)
        log.close()
    return reason, exported


def _pgid(km) -> int | None:
    provisioner = getattr(km, "provisioner", None)
    return getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)


def _death(km, limits: Limits, observed) -> str:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    code = process.poll() if process is not None else None
    if code == -signal.SIGXCPU:
        return f"the CPU time limit ({limits.cpu} s) was reached"
    if observed.oom_kills:
        return _MEMORY.format(memory=limits.memory)
    return "the kernel died (crash or os._exit)"


def _scratch_full(observed, limits: Limits) -> str:
    """Why the notebook stops when its scratch folder ends past its limit (checked once more
    after the last cell: the watcher looks only every second)."""
    if observed.disk_used > limits.disk * MB:
        return f"the notebook wrote more than {limits.disk} MB of files"
    if observed.inodes_left == 0:
        return f"the notebook made more than {INODES} files and folders"
    return ""


_UNFORMATTED = "Unexpected exception formatting exception"
_NO_START = "grader problem: the kernel did not start"
_NO_STACK = "grader problem: the kernel cannot import the course's stack"
_MEMORY = ("the memory limit ({memory} MB, the notebook's processes and in-memory files "
           "together) was reached")
#: How many times a job's kernel is started before the job is reported as a grader problem.
STARTS = 2


def _startup_failure(exc, box: Sandbox, limits: Limits) -> str:
    try:
        tail = (box.scratch / "kernel.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        tail = []
    detail = tail[-1][:200] if tail else f"{type(exc).__name__}: {exc}"[:200]
    return (f"{_NO_START} within {limits.startup} s or failed ({detail}), {STARTS} times; "
            "grade this submission again")


async def _watch(client, box: Sandbox, limits: Limits) -> None:
    """The notebook's wall clock and the size of its scratch folder."""
    started = time.monotonic()
    tick = 0
    while not client.stopped:
        await asyncio.sleep(0.25)
        tick += 1
        if time.monotonic() - started > limits.wall:
            client.stop(f"timed out: the notebook ran longer than {limits.wall} s")
        elif tick % 4 == 0 and box.usage() > limits.disk * MB:
            client.stop(f"the notebook wrote more than {limits.disk} MB of files")


async def _watch_messages(client, km) -> None:
    """A message above the size limit drops the connection while the kernel lives on."""
    import zmq
    from zmq.utils.monitor import parse_monitor_message

    monitor = client.kc.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    try:
        while not client.stopped:
            parse_monitor_message(await monitor.recv_multipart())
            await asyncio.sleep(0.3)
            process = getattr(km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                client.stop(f"the notebook printed more than {client.output_limit // MB} MB of "
                            "output")
    finally:
        monitor.close(linger=0)


# ------------------------------------------------------------------------------ verdicts
def _errors(nb):
    for index, cell in enumerate(nb.cells):
        fallback = False
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield index, output.get("ename", ""), str(output.get("evalue", ""))
            elif output.get("output_type") == "stream":
                lines = str(output.get("text", "")).strip().splitlines()
                if fallback and lines and ": " in lines[-1]:
                    # IPython could not format the error (no file could be opened): it printed
                    # a plain traceback, whose last line names the error.
                    ename, _, evalue = lines[-1].partition(": ")
                    yield index, ename.rsplit(".", 1)[-1], evalue
                fallback = bool(lines) and lines[0].startswith(_UNFORMATTED)


def _fatal_output(nb, limits: Limits) -> str:
    """The first error that stops a notebook for good (syntax, sys.exit, interrupt)."""
    for _, ename, _ in _errors(nb):
        if ename in FATAL:
            return FATAL[ename].format(timeout=limits.timeout)
    return ""


def _notes(nb, limits: Limits, observed=None) -> list[str]:
    """What the sandbox refused, one short note per kind (the points earned still count)."""
    notes = []
    for index, ename, evalue in _errors(nb):
        note = None
        if "Errno 28" in evalue or "No space left" in evalue:
            note = f"cell {index}: the scratch folder is full ({limits.disk} MB)"
        elif "Errno 24" in evalue or "Too many open files" in evalue:
            note = f"cell {index}: the open-files limit ({limits.open_files}) was reached"
        elif ename == "MemoryError":
            note = f"cell {index}: MemoryError (memory limit {limits.memory} MB)"
        elif "Errno 27" in evalue or "File too large" in evalue:
            note = f"cell {index}: a file reached the size limit ({limits.file_size} MB)"
        elif ename == "BlockingIOError" or "Resource temporarily unavailable" in evalue:
            note = f"cell {index}: the process limit ({limits.processes}) was reached"
        elif ename == "PermissionError":
            note = f"cell {index}: refused by the sandbox: {evalue[:120]}"
        if note and note not in notes:
            notes.append(note)
    if observed is not None and observed.oom_kills:  # a process of it, not the kernel
        notes.append(_MEMORY.format(memory=limits.memory))
    return notes


def _write_feedback(nb, job: Job, verdicts: dict) -> None:
    """The executed notebook; each hidden check cell shows its verdicts, never its source."""
    import nbformat

    from crmlab.core.atomic import write_text
    from crmlab.exercises.tags import HIDDEN_CHECKS, RAISES_EXCEPTION

    for source in job.hidden:
        lines = "".join(f"{name}: {'passed' if verdicts.get(name) else 'not passed'}\n"
                        for name in _HIDDEN_NAME.findall(source))
        cell = nbformat.v4.new_code_cell(HIDDEN_PLACEHOLDER,
                                         metadata={"tags": [HIDDEN_CHECKS, RAISES_EXCEPTION]})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=lines)]
        nb.cells.append(cell)
    write_text(job.feedback, nbformat.writes(nb))
