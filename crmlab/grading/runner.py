"""Run one graded notebook in its sandbox, then judge it outside the kernel.

:func:`run_job` is what an executor runs for each submission (in a thread of this process, or
on a dask worker). In order:

1. crmlab's files are fingerprinted (a worker whose crmlab differs from the grader's refuses);
2. a kernel starts in a :class:`~crmlab.grading.sandbox.Sandbox` (launched by the kernel
   provisioner of :mod:`crmlab.grading.kernel`, inside nbclient's own kernel context: public
   APIs only) and imports the course's stack (bounded by ``limits.startup``, not by the
   student's time; a kernel that cannot import it is a grader problem that stops the batch,
   never the student's 0);
3. the student's cells run one by one (``limits.timeout`` per cell, ``limits.wall`` in all,
   ``limits.output`` of output, ``limits.disk`` in the scratch folder, checked once more after
   the last cell); nothing of the hidden checks is in the kernel, on disk or in its
   environment; why a kernel died is read from what the sandbox saw
   (:class:`~crmlab.grading.sandbox.Observation`: the memory cgroup's kills);
4. a last cell of ours writes the variables the hidden checks read as plain JSON
   (:mod:`crmlab.grading.values`, decoded here with bounds); every process of the job is
   killed;
5. crmlab's files are fingerprinted again (a change is a grader problem: the batch stops);
6. the hidden checks run here, in the grader's process, on the decoded values: a student who
   monkeypatched ``check``, ``hidden_check``, crmlab or the builtins did so in a kernel that no
   longer exists;
7. the executed notebook is written as feedback, each hidden check cell replaced by its
   verdicts.

The job's result is a :class:`~crmlab.grading.results.JobResult`: an outcome, the reason code
of a job that did not run to its end, a verdict code per check and the sandbox's notes. What
the sandbox observed becomes a code in one place, the section *What the sandbox observed*
below (:func:`death_reason`, :func:`scratch_reason`, :func:`startup_reason`,
:func:`stack_reason`, :func:`error_reason`, :func:`error_note`); a new way for a job to end is
a code in :mod:`crmlab.grading.results` and a branch there.
"""

from __future__ import annotations

import asyncio
import builtins
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass

from crmlab.grading import results
from crmlab.grading.results import CheckResult, JobResult, Reason
from crmlab.grading.sandbox import MB, Limits, Observation, Sandbox, crmlab_dir, fingerprint
from crmlab.grading.scratch import INODES

__all__ = ["Job", "run_job", "judge", "STACK", "death_reason", "scratch_reason",
           "startup_reason", "stack_reason", "error_reason", "error_note"]

#: What a grading kernel imports before the student's first cell (the floor of ``make bench``).
STACK = "import numpy, pandas, crmlab, crmlab.exercises"
VALUES_LIMIT = 8 * MB
HIDDEN_PLACEHOLDER = "# hidden check (source kept by the instructor)"
_HIDDEN_NAME = re.compile(r"""hidden_check\(\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Job:
    """One submission to grade: plain values, so any executor can ship it to any machine.

    ``notebook`` is the prepared notebook (the student's cells and the roster's parameters,
    JSON); ``hidden`` the sources of the hidden check cells, which never reach the kernel;
    ``feedback`` where to write the executed notebook; ``variants`` the folder of prepared data
    variants (``""``: none); ``crmlab`` the grader's fingerprint of crmlab; ``keys`` the source of
    the instructor's exercise keys (``""``: the hidden checks register their own), judged with
    the hidden checks and, like them, never in the kernel.
    """

    student_id: str
    seed: int
    notebook: str
    hidden: tuple
    feedback: str
    limits: Limits
    variants: str = ""
    crmlab: str = ""
    keys: str = ""


def run_job(job: Job) -> JobResult:
    """Grade one submission; return its :class:`~crmlab.grading.results.JobResult`.

    The outcome is ``ran`` (each check's verdict, and the notes of what the sandbox refused
    along the way: the points earned still count), ``fatal`` (the notebook was stopped: the
    reason says why) or ``grader_problem`` (the machine's fault; a code of
    :data:`~crmlab.grading.results.STOPS_BATCH` stops the whole batch).
    """
    import nbformat

    before = fingerprint(crmlab_dir())
    if job.crmlab and before != job.crmlab:
        return JobResult.ended(job.student_id, Reason("worker_differs", student=job.student_id))
    limits = job.limits
    variant = os.path.join(job.variants, str(job.seed)) if job.variants else None
    for _ in range(STARTS):
        nb = nbformat.reads(job.notebook, as_version=4)
        with Sandbox(limits, variant=variant if variant and os.path.isdir(variant) else None,
                     variants=job.variants or None) as box:
            reason, values = asyncio.run(_execute(nb, box, job))
            reason = reason or _fatal_output(nb, limits)
        # What the sandbox saw last (read as it closed: the job's cgroups are gone now).
        notes = _notes(nb, limits, box.observe() if reason is None else None)
        # A kernel that does not start is the machine's fault (two kernels starting at once
        # can be given the same free port): the student's code has not run, so start afresh.
        if reason is None or reason.code != "kernel_not_started":
            break
    if fingerprint(crmlab_dir()) != before:
        return JobResult.ended(job.student_id, Reason("crmlab_changed", student=job.student_id))
    if reason is not None:
        result = JobResult.ended(job.student_id, reason, notes=notes)
        verdicts = {}
    else:
        verdicts, error = judge(job.hidden, values, student_id=job.student_id, seed=job.seed,
                                variants=job.variants or None, keys=job.keys)
        result = JobResult(job.student_id, checks=tuple(
            CheckResult(name, code) for name, code in verdicts.items()),
            notes=(*notes, *([error] if error else [])))
    if job.feedback:
        _write_feedback(nb, job, verdicts)
    return result


def _on_error(job: Job, exc: BaseException) -> JobResult:
    """The result of a job the executor could not run (a worker lost too often, a bug)."""
    return JobResult.ended(job.student_id,
                           Reason("job_failed", error=f"{type(exc).__name__}: {exc}"[:300]))


run_job.progress_label = "grading"
run_job.on_error = _on_error


def judge(hidden, values: dict, *, student_id: str, seed: int, variants=None,
          keys: str = ""):
    """Run the hidden check sources on ``values`` here, the instructor's ``keys`` (the source of
    their module) loaded first; return ``(verdicts, error)``: a verdict
    code of :data:`~crmlab.grading.results.CHECK_CODES` per check that gave one, and the note
    ``hidden_checks_failed`` when the instructor's checks raised (else None).

    Examples
    --------
    >>> from crmlab.exercises.checks import EXPECTED, register
    >>> _ = register("demo-square")(lambda seed: seed * seed)
    >>> _ = register("demo-cube")(lambda seed: seed ** 3)
    >>> judge(['from crmlab.exercises import hidden_check\\n'
    ...        'hidden_check("demo-square", globals().get("square"), seed=seed)\\n'
    ...        'hidden_check("demo-cube", globals().get("cube"), seed=seed)'],
    ...       {"square": 49, "seed": 1}, student_id="s1", seed=7)
    ({'demo-square': 'passed', 'demo-cube': 'missing'}, None)
    >>> del EXPECTED["demo-square"], EXPECTED["demo-cube"]
    """
    from crmlab.exercises.checks import judging
    from crmlab.exercises.keys import load_keys

    if keys:
        load_keys(source=keys)

    error = None
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
                error = Reason("hidden_checks_failed", error=f"{type(exc).__name__}: {exc}")
    codes = {None: results.MISSING, True: results.PASSED, False: results.WRONG}
    return {name: codes[verdict] for name, verdict in verdicts.items()}, error


# ------------------------------------------------------------------------------ the kernel
async def _execute(nb, box: Sandbox, job: Job):
    """Run the cells; return ``(the reason the notebook stopped or None, exported values)``.

    The kernel lives in nbclient's ``async_setup_kernel`` context, launched through the job's
    sandbox by the kernel provisioner of :mod:`crmlab.grading.kernel`.
    """
    from crmlab.grading.kernel import GradingClient, GradingKernelManager, SandboxKernelSpecs

    limits = job.limits
    km = GradingKernelManager(kernel_name="python3", kernel_spec_manager=SandboxKernelSpecs(),
                              connection_file=str(box.scratch / "kernel.json"),
                              max_message=limits.output * MB + MB)
    client = GradingClient(nb, km=km, timeout=limits.timeout, startup_timeout=limits.startup,
                           iopub_timeout=2, shutdown_kernel="immediate", record_timing=False,
                           output_limit=limits.output * MB,
                           over_limit=lambda: Reason("output_limit", megabytes=limits.output),
                           on_stop=lambda: box.kill(km.process_group))
    log = open(box.scratch / "kernel.log", "wb")  # the kernel's own stdout/stderr
    box.own(box.scratch / "kernel.log")
    reason, exported, started = None, {}, False
    try:
        async with client.async_setup_kernel(cleanup_kc=True, sandbox=box, cwd=str(box.scratch),
                                             env=box.env(), stdout=log,
                                             stderr=subprocess.STDOUT):
            try:
                # `resource` now: the export raises the open-files limit without opening a file.
                reply = await client.kc.execute_interactive(f"{STACK}, resource",
                                                            timeout=limits.startup,
                                                            output_hook=lambda msg: None,
                                                            store_history=False)
            except Exception as exc:  # the student's code has not run yet: not their fault
                reason = startup_reason(exc, log=_log_tail(box), limits=limits)
            else:
                started = True
                reason = stack_reason(reply.get("content", {}))
                if reason is None:
                    reason, exported = await _run_cells(nb, client, km, box, job)
            finally:
                # Every process of the job dies before nbclient shuts the kernel down.
                box.kill(km.process_group)
    except Exception as exc:
        if not started and reason is None:  # the kernel or its client did not start
            reason = startup_reason(exc, log=_log_tail(box), limits=limits)
            box.kill(km.process_group)
            try:
                await km.cleanup_resources()  # nbclient cleans up only a kernel it started
            except Exception:
                pass
        # Once the notebook ran, a failed clean-up changes nothing: the sandbox kills every
        # process of the job and removes its folder.
    finally:
        km.close_contexts()
        log.close()
    return reason, exported


async def _run_cells(nb, client, km, box: Sandbox, job: Job):
    """The student's cells one by one, watched; then the values the hidden checks read."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from crmlab.grading import values as carried

    limits = job.limits
    watchers = [asyncio.ensure_future(_watch(client, box, limits)),
                asyncio.ensure_future(_watch_messages(client, km))]
    reason, exported = None, {}
    try:
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or client.stopped:
                continue
            count += 1
            try:
                await client.async_execute_cell(cell, index, execution_count=count)
            except CellTimeoutError:
                reason = Reason("cell_timeout", seconds=limits.timeout)
                break
            except DeadKernelError:
                reason = client.stopped or death_reason(await km.returncode(), limits=limits,
                                                        observed=box.observe())
                break
            except Exception as exc:
                reason = client.stopped or Reason("execution_failed", error=type(exc).__name__)
                break
        reason = client.stopped or reason or scratch_reason(box.observe(), limits=limits)
        if reason is None:
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
            box.kill(km.process_group)
            exported = carried.load(target, limit=VALUES_LIMIT)
    finally:
        for task in watchers:
            task.cancel()
    return reason, exported


def _log_tail(box: Sandbox) -> str:
    """The last line the kernel wrote to its own stdout/stderr ("" when none)."""
    try:
        tail = (box.scratch / "kernel.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        tail = []
    return tail[-1] if tail else ""


#: How many times a job's kernel is started before the job is reported as a grader problem.
STARTS = 2


async def _watch(client, box: Sandbox, limits: Limits) -> None:
    """The notebook's wall clock and the size of its scratch folder."""
    started = time.monotonic()
    tick = 0
    while not client.stopped:
        await asyncio.sleep(0.25)
        tick += 1
        if time.monotonic() - started > limits.wall:
            client.stop(Reason("wall_clock", seconds=limits.wall))
        elif tick % 4 == 0 and box.usage() > limits.disk * MB:
            client.stop(Reason("disk_limit", megabytes=limits.disk))


async def _watch_messages(client, km) -> None:
    """A message above the size limit drops the connection while the kernel lives on."""
    import zmq
    from zmq.utils.monitor import parse_monitor_message

    monitor = client.kc.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    try:
        while not client.stopped:
            parse_monitor_message(await monitor.recv_multipart())
            await asyncio.sleep(0.3)
            if await km.is_alive():
                client.stop(Reason("output_limit", megabytes=client.output_limit // MB))
    finally:
        monitor.close(linger=0)


# ------------------------------------------------------------------------------ verdicts
def _errors(nb):
    """``(cell, error name, error value)`` of each error the cells printed."""
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


#: The first line IPython prints when it cannot format an error (it then prints a plain one).
_UNFORMATTED = "Unexpected exception formatting exception"


def _fatal_output(nb, limits: Limits) -> Reason | None:
    """The first error that stops a notebook for good (syntax, sys.exit, interrupt)."""
    for _, ename, _ in _errors(nb):
        reason = error_reason(ename, limits=limits)
        if reason is not None:
            return reason
    return None


def _notes(nb, limits: Limits, observed: Observation | None = None) -> tuple:
    """What the sandbox refused, one note per kind and cell (the points earned still count),
    and a process of the job the memory cgroup killed while the kernel lived on."""
    notes = []
    for index, ename, evalue in _errors(nb):
        note = error_note(index, ename, evalue, limits=limits)
        if note is not None and note not in notes:
            notes.append(note)
    if observed is not None and observed.oom_kills:
        notes.append(Reason("process_out_of_memory", megabytes=limits.memory))
    return tuple(notes)


# ------------------------------------------------------------------------------ what the sandbox observed
# Every observation that ends a job or refuses a cell becomes a code of crmlab.grading.results
# here, and nowhere else.

def death_reason(returncode: int | None, *, limits: Limits,
                 observed: Observation | None = None) -> Reason:
    """Why the kernel died while a cell ran, from its exit status and what the sandbox saw
    (the memory cgroup's kills: its limit counts the job's processes and in-memory files).

    Examples
    --------
    >>> death_reason(-signal.SIGXCPU, limits=Limits(cpu_time=30)).text()
    'the CPU time limit (30 s) was reached'
    >>> death_reason(-signal.SIGKILL, limits=Limits(memory=1024),
    ...              observed=Observation(oom_kills=1)).code
    'out_of_memory'
    >>> death_reason(-signal.SIGSEGV, limits=Limits()).code
    'kernel_died'
    """
    if returncode == -signal.SIGXCPU:
        return Reason("cpu_limit", seconds=limits.cpu)
    if observed is not None and observed.oom_kills:
        return Reason("out_of_memory", megabytes=limits.memory)
    return Reason("kernel_died")


def scratch_reason(observed: Observation, *, limits: Limits) -> Reason | None:
    """Why the notebook stops when its scratch folder ends past its limits (checked once more
    after the last cell: the watcher looks only every second), else None.

    Examples
    --------
    >>> scratch_reason(Observation(disk_used=30 * MB), limits=Limits(disk=20)).text()
    'the notebook wrote more than 20 MB of files'
    >>> scratch_reason(Observation(inodes_left=0), limits=Limits()).code
    'too_many_files'
    >>> scratch_reason(Observation(disk_used=MB, inodes_left=7), limits=Limits()) is None
    True
    """
    if observed.disk_used > limits.disk * MB:
        return Reason("disk_limit", megabytes=limits.disk)
    if observed.inodes_left == 0:
        return Reason("too_many_files", files=INODES)
    return None


def startup_reason(exc: BaseException, *, log: str, limits: Limits) -> Reason:
    """Why the kernel did not start or import the course's stack (the student's code had not
    run yet: a grader problem), from the error and the last line of the kernel's log.

    Examples
    --------
    >>> startup_reason(TimeoutError("no reply"), log="", limits=Limits(startup=60)).text()
    'grader problem: the kernel did not start within 60 s or failed (TimeoutError: no reply), 2 times; grade this submission again'
    """
    detail = (log or f"{type(exc).__name__}: {exc}")[:200]
    return Reason("kernel_not_started", seconds=limits.startup, detail=detail, attempts=STARTS)


def stack_reason(content: dict) -> Reason | None:
    """The grader problem of a kernel that started but could not import the course's stack
    (``content``: the reply to the import), else None; the environment is broken, not the
    notebook, and every other job would fail too: the batch stops.

    Examples
    --------
    >>> stack_reason({"status": "error", "ename": "ImportError", "evalue": "no pandas"}).text()
    "grader problem: the kernel could not import the course's stack (ImportError: no pandas); \
repair the grading environment and grade again"
    >>> stack_reason({"status": "ok"}) is None
    True
    """
    if content.get("status") == "ok":
        return None
    return Reason("stack_import_failed", detail=f"{content.get('ename', 'error')}: "
                                                f"{str(content.get('evalue', ''))[:160]}")


#: The errors that stop a notebook for good.
_FATAL_ERRORS = {"SyntaxError": "syntax_error", "IndentationError": "syntax_error",
                 "SystemExit": "sys_exit", "KeyboardInterrupt": "cell_timeout"}


def error_reason(ename: str, *, limits: Limits) -> Reason | None:
    """The reason an error a cell printed stops the notebook for good (None: it does not;
    the cells that depend on it fail their checks instead).

    Examples
    --------
    >>> error_reason("SystemExit", limits=Limits()).text()
    'sys.exit was called'
    >>> error_reason("KeyboardInterrupt", limits=Limits(timeout=8)).text()
    'timed out: a cell ran longer than 8 s'
    >>> error_reason("ZeroDivisionError", limits=Limits()) is None
    True
    """
    code = _FATAL_ERRORS.get(ename)
    if code == "cell_timeout":  # the kernel's interrupt at the cell's timeout
        return Reason(code, seconds=limits.timeout)
    return Reason(code) if code else None


def error_note(cell: int, ename: str, evalue: str, *, limits: Limits) -> Reason | None:
    """What the sandbox refused, from an error cell ``cell`` printed (None: an ordinary error).

    Examples
    --------
    >>> error_note(3, "MemoryError", "", limits=Limits(memory=1536)).text()
    'cell 3: MemoryError (memory limit 1536 MB)'
    >>> error_note(2, "OSError", "[Errno 27] File too large", limits=Limits(file_size=5)).code
    'file_too_large'
    >>> error_note(4, "OSError", "[Errno 28] No space left on device", limits=Limits()).code
    'scratch_full'
    >>> error_note(5, "OSError", "[Errno 24] Too many open files", limits=Limits()).text()
    'cell 5: the open-files limit (256) was reached'
    >>> error_note(1, "ValueError", "bad", limits=Limits()) is None
    True
    """
    if "Errno 28" in evalue or "No space left" in evalue:
        return Reason("scratch_full", cell=cell, megabytes=limits.disk)
    if "Errno 24" in evalue or "Too many open files" in evalue:
        return Reason("open_files_limit", cell=cell, files=limits.open_files)
    if ename == "MemoryError":
        return Reason("memory_error", cell=cell, megabytes=limits.memory)
    if "Errno 27" in evalue or "File too large" in evalue:
        return Reason("file_too_large", cell=cell, megabytes=limits.file_size)
    if ename == "BlockingIOError" or "Resource temporarily unavailable" in evalue:
        return Reason("process_limit", cell=cell, processes=limits.processes)
    if ename == "PermissionError":
        return Reason("sandbox_refused", cell=cell, detail=evalue[:120])
    return None


def _write_feedback(nb, job: Job, verdicts: dict) -> None:
    """The executed notebook; each hidden check cell shows its verdicts, never its source, in
    the language of the submitted notebook's edition."""
    import nbformat

    from crmlab.core.atomic import write_text
    from crmlab.core.i18n import message, reader_language
    from crmlab.exercises.tags import HIDDEN_CHECKS, RAISES_EXCEPTION

    meta = nb.metadata.get("crmlab")  # the student's file: anything may be there
    lang = reader_language(meta.get("language") if isinstance(meta, dict) else None)
    words = {passed: message(f"feedback.{'passed' if passed else 'not_passed'}", lang)
             for passed in (True, False)}
    for source in job.hidden:
        lines = "".join(f"{name}: {words[verdicts.get(name) == results.PASSED]}\n"
                        for name in _HIDDEN_NAME.findall(source))
        cell = nbformat.v4.new_code_cell(HIDDEN_PLACEHOLDER,
                                         metadata={"tags": [HIDDEN_CHECKS, RAISES_EXCEPTION]})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=lines)]
        nb.cells.append(cell)
    write_text(job.feedback, nbformat.writes(nb))
