"""The sandbox every graded notebook runs in: limits, its own folder and user, a confined kernel.

What the operating system gives, layer by layer (see README, *Grading exercises safely*):

- **resource limits** (``setrlimit``, POSIX): address space, CPU time, processes, size of a file
  written; the grader adds the rest itself: per-cell and per-notebook time, size of the output
  and of the scratch folder;
- **its own scratch folder**, the kernel's working and home folder, removed after the job;
- **its own user** when the grader runs as root: an unused uid (no account) claimed for the job
  with a lock, so the process limit counts this job only and every process of the job can be
  killed, even one that left the kernel's session; without root, the grader's user;
- **Landlock** (Linux >= 5.13, root or not): the kernel may read only the Python environment,
  crmlab, the course data and its own data variant, write only its scratch folder, bind only its
  own ports (no outgoing TCP) and signal only its own processes;
- a minimal environment (no instructor secret, no grader paths) and no new privileges.

The checks never run in the kernel (:mod:`crmlab.grading.runner`), and crmlab's own
files are fingerprinted before and after every job (:func:`fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import check_whole

__all__ = ["Limits", "protections", "describe", "fingerprint", "Sandbox", "UID_RANGE",
           "batch_processes"]

MB = 1_000_000
CONFINE = Path(__file__).resolve().with_name("_confine.py")
#: Unused uids a root grader gives to its jobs, one per running job.
UID_RANGE = range(61100, 61900)
_SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/proc",
                "/sys", "/dev/urandom", "/dev/random", "/dev/zero")


@dataclass(frozen=True)
class Limits:
    """What one graded notebook may use; every field has a sensible default.

    Parameters
    ----------
    timeout : int
        Seconds one cell may run.
    wall_clock : int, optional
        Seconds all the notebook's cells may take together, counted from its first cell (the
        kernel's start is bounded by ``startup``); default ``3 * timeout + 60``.
    memory : int
        Megabytes of address space of each process of the kernel (a pandas kernel needs ~600).
    cpu_time : int, optional
        CPU seconds of each process; default ``wall_clock``.
    processes : int
        Processes and threads the job may run at once (its kernel's threads included).
    output : int
        Megabytes of output the notebook may print or display; past it the notebook stops.
    file_size : int
        Megabytes of one file written.
    disk : int
        Megabytes in the scratch folder; past it the notebook stops.
    startup : int
        Seconds for the kernel to start and import the course's stack (not the student's fault
        when it fails: the reason says to grade again).

    Examples
    --------
    >>> Limits(timeout=5).wall, Limits(timeout=5).cpu
    (75, 75)
    >>> Limits(memory=0)
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got memory=0 instead, expected a whole number of megabytes >= 64.
    """

    timeout: int = 60
    wall_clock: int | None = None
    memory: int = 4096
    cpu_time: int | None = None
    processes: int = 64
    output: int = 2
    file_size: int = 64
    disk: int = 256
    startup: int = 180

    def __post_init__(self):
        units = {"timeout": ("seconds", 1), "wall_clock": ("seconds", 1),
                 "memory": ("megabytes", 64), "cpu_time": ("seconds", 1),
                 "processes": ("", 8), "output": ("megabytes", 1),
                 "file_size": ("megabytes", 1), "disk": ("megabytes", 1),
                 "startup": ("seconds", 10)}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None and field.name in ("wall_clock", "cpu_time"):
                continue
            unit, minimum = units[field.name]
            object.__setattr__(self, field.name, check_whole(
                field.name, value, minimum=minimum, unit=unit, error=ExerciseError))

    @property
    def wall(self) -> int:
        """Seconds for all the cells (``wall_clock`` or its default)."""
        return self.wall_clock or 3 * self.timeout + 60

    @property
    def cpu(self) -> int:
        """CPU seconds per process (``cpu_time`` or its default)."""
        return self.cpu_time or self.wall


def _landlock_abi() -> int:
    if not sys.platform.startswith("linux"):
        return 0
    import importlib.util

    spec = importlib.util.spec_from_file_location("_crmlab_confine", CONFINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.landlock_abi()


@lru_cache(maxsize=1)
def protections() -> dict:
    """Which protections hold on this machine (computed once per process).

    Examples
    --------
    >>> sorted(protections())
    ['landlock', 'own_user', 'platform', 'read_capability', 'rlimits']
    """
    root = os.name == "posix" and _euid() == 0
    return {
        "platform": sys.platform,
        "rlimits": os.name == "posix",
        "own_user": bool(root),
        "read_capability": bool(root) and not _reachable_by_others(_python_paths()),
        "landlock": _landlock_abi(),
    }


def describe() -> str:
    """One line naming the protections in force here, for the grader's summary.

    Examples
    --------
    >>> describe().startswith("sandbox: ")
    True
    """
    found = protections()
    parts = ["own folder", "minimal environment", "checks outside the kernel",
             "crmlab fingerprinted"]
    if found["rlimits"]:
        parts.insert(0, "resource limits")
    if found["own_user"]:
        parts.append("own user per job" + (" (reads through Landlock)"
                                           if found["read_capability"] else ""))
    else:
        parts.append("grader's user")
    if found["landlock"]:
        parts.append(f"Landlock ABI {found['landlock']} (files, TCP, signals)")
    else:
        parts.append("no Landlock")
    return "sandbox: " + ", ".join(parts)


def fingerprint(folder) -> str:
    """SHA-256 of every file under ``folder`` (names and contents; caches skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.py").write_text("x = 1")
    >>> before = fingerprint(folder)
    >>> _ = (folder / "a.py").write_text("x = 2")
    >>> before == fingerprint(folder)
    False
    """
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def batch_processes(batch: str) -> list[str]:
    """Command lines of the live processes of a batch run with ``CRMLAB_SANDBOX_BATCH=batch``.

    Every kernel carries ``CRMLAB_SANDBOX_JOB=<batch>:<job>``; after a batch this is empty.

    Examples
    --------
    >>> batch_processes("no-such-batch")
    []
    """
    import psutil

    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("CRMLAB_SANDBOX_JOB", "").startswith(f"{batch}:"):
                found.append(" ".join(proc.cmdline()))
        except (psutil.Error, OSError):
            continue
    return found


def crmlab_dir() -> Path:
    """The folder of the crmlab package the grader runs."""
    import crmlab

    return Path(crmlab.__file__).resolve().parent


def _python_paths() -> list[str]:
    import site

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    try:
        paths.update(site.getsitepackages())
    except AttributeError:  # pragma: no cover  (old virtualenv)
        pass
    paths.add(str(crmlab_dir()))
    return sorted(os.path.realpath(p) for p in paths if os.path.exists(p))


def _reachable_by_others(paths) -> bool:
    """Whether another user can reach and read every path (o+x on each folder above it)."""
    for path in paths:
        path = Path(path)
        for folder in [*reversed(path.parents), path]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                return False
            if not mode & 0o001 or (folder == path and not mode & 0o004):
                return False
    return True


def _read_paths() -> tuple[list[str], list[str]]:
    """Paths a kernel may read, and folders it may only list (import path entries)."""
    from crmlab.core.paths import datasets_dir

    read = [p for p in _SYSTEM_READ if os.path.exists(p)] + _python_paths()
    if datasets_dir().is_dir():
        read.append(str(datasets_dir().resolve()))
    listed = [os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)]
    listed = [p for p in listed if not any(p == r or p.startswith(r + os.sep) for r in read)]
    return read, listed


def _tasks_of(uid: int) -> int:
    """Processes and threads of ``uid`` running now (RLIMIT_NPROC counts them all)."""
    import psutil

    count = 0
    for proc in psutil.process_iter(["uids", "num_threads"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real == uid:
                count += proc.info["num_threads"] or 1
        except (psutil.Error, TypeError):
            continue
    return count


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else 0


def _private_dir(name: str, *, mode: int) -> Path:
    """A folder of the grader's in the temporary folder, refused if someone else made it."""
    folder = Path(tempfile.gettempdir()) / name
    try:
        folder.mkdir(mode=mode)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not os.path.isdir(folder) or os.path.islink(folder) or info.st_uid != _euid() \
            or info.st_mode & 0o022:
        raise ExerciseError(f"{folder}: not a private folder of the grader; remove it")
    os.chmod(folder, mode)
    return folder


def _kill_user(uid: int) -> None:
    """Kill every process of the job's user (a helper becomes that user and kills -1)."""
    subprocess.run([sys.executable, "-I", "-S", str(CONFINE), json.dumps({"kill_uid": uid})],
                   timeout=60, check=False, stdin=subprocess.DEVNULL)


def _remove(folder: Path) -> None:
    top = os.path.abspath(folder)

    def fix(function, path, _):
        if os.path.abspath(path) == top and not os.path.lexists(path):
            return  # nothing to remove; never touch the shared parent (other jobs use it)
        try:  # a student may leave folders without permissions behind
            if os.path.abspath(path) != top:
                os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass

    shutil.rmtree(folder, onerror=fix)


class Sandbox:
    """One job's confinement: scratch folder, user, environment, kernel command, clean-up.

    Use as a context manager around the kernel's whole life; leaving it kills every process of
    the job and removes the scratch folder.
    """

    def __init__(self, limits: Limits, *, variant: str | None = None,
                 variants: str | None = None):
        self.limits, self.variant, self.variants = limits, variant, variants
        self.found = protections()
        self.uid = self.gid = None
        self._lock = None
        self.scratch: Path | None = None
        # CRMLAB_SANDBOX_BATCH (set by whoever runs the grader) names a batch's processes.
        self.marker = f"{os.environ.get('CRMLAB_SANDBOX_BATCH', '')}:{os.urandom(8).hex()}"

    # -------------------------------------------------------------- life
    def __enter__(self) -> Sandbox:
        if self.found["own_user"]:
            self._claim_user()
        base = _private_dir(f"crmlab-scratch-{_euid()}", mode=0o711)
        if self.uid is not None:  # one folder per claimed uid: a dead job's is removed here
            self.scratch = base / f"uid-{self.uid}"
            _remove(self.scratch)
            self.scratch.mkdir(mode=0o700)
        else:
            self.scratch = Path(tempfile.mkdtemp(prefix="job-", dir=base))
        for sub in ("tmp", ".crmlab"):
            (self.scratch / sub).mkdir()
        if self.uid is not None:
            for path in (self.scratch, self.scratch / "tmp", self.scratch / ".crmlab"):
                os.chown(path, self.uid, self.gid)
        return self

    def __exit__(self, *exc) -> None:
        self.kill()
        if self._lock is not None:
            import fcntl

            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None
        if self.scratch is not None:
            _remove(self.scratch)

    def _claim_user(self) -> None:
        import fcntl
        import pwd

        folder = _private_dir(f"crmlab-sandbox-{_euid()}", mode=0o700)
        candidates = list(UID_RANGE)
        random.shuffle(candidates)
        for uid in candidates:
            try:
                pwd.getpwuid(uid)
                continue  # a real account: never borrow it
            except KeyError:
                pass
            handle = open(folder / f"uid-{uid}.lock", "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid = self.gid = uid
            self._lock = handle
            _kill_user(uid)  # leftovers of a grader that died mid-job
            return
        raise ExerciseError(f"no free sandbox uid in {UID_RANGE.start}-{UID_RANGE.stop - 1}")

    def usage(self, cap: int = 20_000) -> int:
        """Bytes in the scratch folder (counting stops past ``cap`` entries: then it is huge)."""
        total, seen, stack = 0, 0, [str(self.scratch)]
        while stack:
            try:
                entries = os.scandir(stack.pop())
            except OSError:
                continue
            with entries:
                for entry in entries:
                    seen += 1
                    if seen > cap:
                        return sys.maxsize
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
        return total

    def kill(self, pgid: int | None = None) -> None:
        """Kill the job's processes: its user's (root), else its process group and session."""
        if self.uid is not None:
            _kill_user(self.uid)
            return
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._kill_marked(pgid)

    def _kill_marked(self, sid: int) -> None:
        """Without root: every process of the kernel's session or carrying the job's marker."""
        import psutil

        for proc in psutil.process_iter(["uids"]):
            try:
                if proc.info["uids"].real != os.getuid() or proc.pid == os.getpid():
                    continue
                if os.getsid(proc.pid) == sid or proc.environ().get(
                        "CRMLAB_SANDBOX_JOB") == self.marker:
                    proc.kill()
            except (psutil.Error, OSError, AttributeError):
                continue

    # -------------------------------------------------------------- kernel
    def env(self) -> dict:
        """The kernel's environment: nothing of the grader's but the path to Python."""
        scratch = str(self.scratch)
        env = {
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin",
                                     "/usr/bin", "/bin"]),
            "HOME": scratch, "TMPDIR": f"{scratch}/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{scratch}/.matplotlib", "IPYTHONDIR": f"{scratch}/.ipython",
            "JUPYTER_RUNTIME_DIR": f"{scratch}/.jupyter", "CRMLAB_HOME": f"{scratch}/.crmlab",
            # One thread per library: the job's processes stay few and its CPU time honest.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2", "CRMLAB_SANDBOX_JOB": self.marker,
        }
        if self.variants:
            env["CRMLAB_VARIANTS"] = self.variants
        return env

    def command(self, command: list[str], *, ports=()) -> list[str]:
        """``command`` wrapped by the confinement launcher (``_confine.py``)."""
        if os.name != "posix":
            return list(command)  # no resource limits, users or Landlock here
        limits = self.limits
        processes = limits.processes
        if self.uid is None and hasattr(os, "getuid") and os.getuid() != 0:
            processes += _tasks_of(os.getuid())  # the limit counts the grader's user too
        # The CPU limit's soft side sends SIGXCPU (the reason can name it), the hard side kills.
        rlimits = {"AS": limits.memory * 2 ** 20, "CPU": [limits.cpu, limits.cpu + 5],
                   "NPROC": processes,
                   "FSIZE": limits.file_size * MB, "CORE": 0}
        if self.uid is None and _euid() == 0:
            rlimits.pop("NPROC")  # root ignores it; never lower the grader's own
        read, listed = _read_paths()
        if self.variant:
            read.append(self.variant)
        spec = {"rlimits": rlimits, "parent": os.getpid(), "nice": 5,
                "landlock": {"read": read, "list": listed,
                             "write": [str(self.scratch), "/dev/null"],
                             "bind_ports": [int(p) for p in ports]}}
        if self.uid is not None:
            spec.update(uid=self.uid, gid=self.gid, read_everything=self.found["read_capability"])
        return [sys.executable, "-I", "-S", str(CONFINE), json.dumps(spec), "--", *command]

    def own(self, path) -> None:
        """Give a file the grader wrote for the kernel (its connection file) to the job's user."""
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)
