"""The sandbox every graded notebook runs in: limits, its own folder and user, a confined kernel.

What the operating system gives, layer by layer (README, *Grading exercises safely*, has the
table of what holds where; :func:`protections` says it for this machine):

- **resource limits** (``setrlimit``, POSIX): address space, CPU time, processes, open files,
  size of a file written; the grader adds the rest itself: per-cell and per-notebook time, size
  of the output and of the scratch folder;
- **its own scratch folder**, the kernel's working and home folder, new for every job and removed
  after it (or retired, never given to another job); as root on Linux a size-limited tmpfs
  (:mod:`crmlab.grading.scratch`), so files deleted while open still count;
- **its own user** when the grader runs as root: an unused uid (no account) claimed for the job
  with a lock, with *no* capability; without root, the grader's user;
- **cgroups** as root (:mod:`crmlab.grading.cgroups`): the memory of all the job's processes
  with their in-memory files and shared memory counted together, its number of processes, and
  one switch that kills the whole job; where no memory cgroup exists, a seccomp filter refuses
  in-memory files and System V shared memory instead;
- **namespaces** as root on Linux: a private mount namespace (a *view* shows the Python
  environment when it lives in a folder closed to other users, such as ``/root``, and hides the
  rest of that folder; ``/dev/shm`` empty), a private IPC namespace, and a PID namespace whose
  end (with the grader's, even by SIGKILL) ends every process of the job;
- **Landlock** (Linux >= 5.13, root or not): the kernel may read only the Python environment,
  crmlab, the course data, its own data variant and a short list of system files
  (:data:`_SYSTEM_READ`), write only its scratch folder, bind only its own ports (no outgoing
  TCP) and signal only its own processes;
- a minimal environment (no instructor secret, no grader paths) and no new privileges.

The checks never run in the kernel (:mod:`crmlab.grading.runner`), and crmlab's own
files are fingerprinted before and after every job (:func:`fingerprint`). Before a batch,
:func:`preflight` starts one confined Python that imports the course's stack: a sandbox that
cannot is refused with one line that says how to fix it, before any student is graded.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from crmlab.core.exceptions import ExerciseError
from crmlab.core.validation import check_whole
from crmlab.grading import cgroups, scratch

__all__ = ["Limits", "protections", "describe", "notices", "fingerprint", "Sandbox",
           "Observation", "UID_RANGE", "batch_processes", "preflight", "sweep"]

MB = 1_000_000
CONFINE = Path(__file__).resolve().with_name("_confine.py")
#: Open files above ``Limits.open_files`` that only the grader's export takes (the soft limit
#: is ``open_files``, the hard one this much more).
NOFILE_RESERVE = 64
#: Unused uids a root grader gives to its jobs, one per running job.
UID_RANGE = range(61100, 61900)
#: What a kernel reads outside the Python environment, crmlab and the course data (measured
#: with strace on a real grading: the dynamic loader, locales, time zone, MIME types, CPU
#: counts); nothing else of /etc, /proc or /sys.
_SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
                "/etc/ld.so.cache", "/etc/localtime", "/etc/mime.types", "/etc/locale.alias",
                "/etc/ssl/openssl.cnf", "/dev/urandom", "/dev/random", "/dev/zero",
                "/proc/self", "/proc/stat", "/proc/meminfo", "/proc/cpuinfo",
                "/sys/devices/system/cpu")


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
        Megabytes of address space of each process of the kernel (a pandas kernel needs ~600),
        and, as root where a memory cgroup can be made, of memory of all the job's processes
        together, in-memory files and shared memory included.
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
    open_files : int
        Files, pipes and sockets each process may hold open at once.
    notebook : int
        Megabytes of a submitted notebook; a larger one scores 0 without being read.

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
    open_files: int = 256
    notebook: int = 16

    def __post_init__(self):
        units = {"timeout": ("seconds", 1), "wall_clock": ("seconds", 1),
                 "memory": ("megabytes", 64), "cpu_time": ("seconds", 1),
                 "processes": ("", 8), "output": ("megabytes", 1),
                 "file_size": ("megabytes", 1), "disk": ("megabytes", 1),
                 "startup": ("seconds", 10), "open_files": ("", 64),
                 "notebook": ("megabytes", 1)}
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


@lru_cache(maxsize=1)
def _probe() -> dict:
    """What the launcher finds this kernel offers (Landlock ABI, namespaces, seccomp)."""
    none = {"landlock": 0, "namespaces": False, "pid_namespace": False, "seccomp": False}
    if not sys.platform.startswith("linux"):
        return none
    try:
        run = subprocess.run([sys.executable, "-I", "-S", str(CONFINE), '{"probe": true}'],
                             capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL, check=True)
        return {**none, **json.loads(run.stdout)}
    except (OSError, subprocess.SubprocessError, ValueError):
        return none


def _tmpfs_works() -> bool:
    """Whether this grader can mount a tmpfs scratch folder (tried once, then unmounted)."""
    folder = tempfile.mkdtemp(prefix="crmlab-probe-")
    try:
        scratch.mount_tmpfs(folder, size=2 ** 20, uid=os.getuid(), gid=os.getgid())
    except OSError:
        return False
    finally:
        if scratch.is_mount(folder):
            scratch.unmount(folder)
        os.rmdir(folder)
    return True


@lru_cache(maxsize=1)
def protections() -> dict:
    """Which protections hold on this machine (computed once per process).

    ``cgroup`` says, for ``memory``, ``pids`` and ``kill``, which version holds (``"v1"``,
    ``"v2"`` or None); ``python_readable`` whether other users can read the Python environment
    (when not, a root grader shows it to the job through the mount namespace's view).

    Examples
    --------
    >>> sorted(protections())  # doctest: +NORMALIZE_WHITESPACE
    ['cgroup', 'landlock', 'namespaces', 'own_user', 'pid_namespace', 'platform',
     'python_readable', 'rlimits', 'seccomp', 'tmpfs_scratch']
    """
    root = os.name == "posix" and _euid() == 0
    linux_root = root and sys.platform.startswith("linux")
    probe = _probe()
    layout = cgroups.layout() if linux_root else {}
    return {
        "platform": sys.platform,
        "rlimits": os.name == "posix",
        "own_user": bool(root),
        "landlock": int(probe["landlock"]),
        "namespaces": bool(linux_root and probe["namespaces"]),
        "pid_namespace": bool(linux_root and probe["namespaces"] and probe["pid_namespace"]),
        "cgroup": {kind: layout.get(kind) for kind in ("memory", "pids", "kill")},
        "tmpfs_scratch": bool(linux_root and _tmpfs_works()),
        "seccomp": bool(probe["seccomp"]),
        "python_readable": _reachable_by_others(_python_paths()),
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
        parts.append("own user per job, no capability")
    else:
        parts.append("grader's user")
    groups = found["cgroup"]
    counted = [f"{kind} ({groups[kind]})" for kind in ("memory", "pids", "kill") if groups[kind]]
    if counted:
        parts.append("cgroups: " + ", ".join(counted))
    if found["tmpfs_scratch"]:
        parts.append("tmpfs scratch")
    if found["namespaces"]:
        parts.append("private mount, IPC" + (" and PID" if found["pid_namespace"] else "")
                     + " namespaces" + ("" if found["python_readable"]
                                        else " (Python environment shown through a view)"))
    if found["seccomp"] and not groups["memory"]:
        parts.append("in-memory files refused (seccomp)")
    if found["landlock"]:
        parts.append(f"Landlock ABI {found['landlock']} (files, TCP, signals)")
    else:
        parts.append("no Landlock")
    return "sandbox: " + ", ".join(parts)


def notices() -> list[str]:
    """One line for each protection that does not hold here and why (printed before a batch).

    Examples
    --------
    >>> all(line.startswith("sandbox: ") and "\\n" not in line for line in notices())
    True
    """
    found, lines = protections(), []
    if os.name != "posix":
        return ["sandbox: not POSIX: notebooks run without resource limits, users or Landlock"]
    if not found["own_user"]:
        lines.append("sandbox: not root: every notebook runs as the grader's user, its "
                     "processes are killed by session, and files it deletes while open are "
                     "not counted in the disk limit; grade as root on Linux for the full sandbox")
    elif sys.platform.startswith("linux"):
        if not found["cgroup"]["memory"]:
            lines.append("sandbox: no memory cgroup here: memory is limited per process, and "
                         + ("in-memory files and shared memory are refused (seccomp)"
                            if found["seccomp"] else
                            "in-memory files and shared memory are not counted"))
        if not found["tmpfs_scratch"]:
            lines.append("sandbox: no tmpfs scratch folder here: files deleted while open are "
                         "not counted in the disk limit")
        if not found["pid_namespace"]:
            lines.append("sandbox: no PID namespace here: the processes of a grader killed "
                         "with SIGKILL live on until the next grading starts")
        if not found["namespaces"]:
            lines.append("sandbox: no mount namespace here: other users' processes are "
                         "visible and a Python environment closed to other users cannot be "
                         "shown to the jobs")
    if not found["own_user"] and found["seccomp"] is False and sys.platform.startswith("linux"):
        lines.append("sandbox: no seccomp filter for this architecture: in-memory files are "
                     "limited only by the file-size and open-files limits")
    if not found["landlock"]:
        lines.append("sandbox: no Landlock (Linux >= 5.13): a notebook reads and writes "
                     "whatever its user may; keep the secret and the exercise sources private "
                     "(chmod 600)")
    return lines


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


def _closed_folder(path) -> str | None:
    """The topmost folder above ``path`` that other users cannot pass (no o+x), or None."""
    for folder in reversed(Path(path).parents):
        if folder == folder.parent:
            continue  # "/"
        try:
            if not os.stat(folder).st_mode & 0o001:
                return str(folder)
        except OSError:
            return str(folder)
    return None


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


def views(paths) -> list:
    """``[[closed folder, [paths to show in it]], ...]``: in the job's mount namespace each
    closed folder becomes an empty read-only tmpfs and only these paths are bound back.

    Examples
    --------
    >>> views(["/usr/lib"])
    []
    """
    found: dict = {}
    for path in paths:
        if not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        closed = _closed_folder(real)
        if closed:
            found.setdefault(closed, set()).add(real)
    out = []
    for closed, shown in sorted(found.items()):
        shown = sorted(shown)
        top = [p for p in shown if not any(p != q and p.startswith(q + os.sep) for q in shown)]
        out.append([closed, top])
    return out


@lru_cache(maxsize=1)
def _import_folders() -> tuple:
    """The folders on a kernel's own import path (this Python run from "/", no PYTHONPATH)."""
    code = "import json, sys; print(json.dumps(sys.path[1:]))"
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd="/", timeout=60, stdin=subprocess.DEVNULL, check=True,
                             env={"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"})
        return tuple(json.loads(run.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        return tuple(p for p in sys.path[1:] if p)


def _read_paths() -> tuple[list[str], list[str]]:
    """Paths a kernel may read, and folders it may only list (import path entries that an
    install adds outside them, such as a source folder on a ``.pth`` line)."""
    from crmlab.core.paths import datasets_dir

    read = [p for p in _SYSTEM_READ if os.path.exists(p)] + _python_paths()
    if datasets_dir().is_dir():
        read.append(str(datasets_dir().resolve()))
    listed = [os.path.realpath(p) for p in _import_folders() if p and os.path.isdir(p)]
    listed = [p for p in listed if not any(p == r or p.startswith(r + os.sep)
                                           for r in map(os.path.realpath, read))]
    return read, sorted(set(listed))


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


def _uid_busy(uid: int) -> bool:
    """Whether any process of ``uid`` runs (Linux: the owners of /proc's folders)."""
    if not os.path.isdir("/proc/self"):
        return _tasks_of(uid) > 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    return True
            except OSError:
                continue
    return False


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


def _scratch_base() -> Path:
    return _private_dir(f"crmlab-scratch-{_euid()}", mode=0o711)


def _locks() -> Path:
    return _private_dir(f"crmlab-sandbox-{_euid()}", mode=0o700)


def _kill_user(uid: int) -> None:
    """Kill every process of the job's user (a helper becomes that user and kills -1)."""
    subprocess.run([sys.executable, "-I", "-S", str(CONFINE), json.dumps({"kill_uid": uid})],
                   timeout=60, check=False, stdin=subprocess.DEVNULL)


def _lock(uid: int):
    """The uid's lock file, locked (the caller closes it to let go), or None when taken."""
    import fcntl

    handle = open(_locks() / f"uid-{uid}.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _retired(uid: int) -> Path:
    return _locks() / f"uid-{uid}.retired"


def _scratch_uid(name: str) -> int | None:
    """The uid in a scratch folder's name (``uid-N`` or ``uid-N-<random>``)."""
    head = name[len("uid-"):].split("-", 1)[0] if name.startswith("uid-") else ""
    return int(head) if head.isdigit() and int(head) in UID_RANGE else None


_SWEPT = threading.Lock()
_SWEEP_DONE: list = []


def sweep() -> list[str]:
    """Clean up what graders killed mid-job left (root): their jobs' processes and cgroups, their
    scratch folders and mounts, retired folders and uids; one line per thing done.

    Only what no live grader holds is touched: every job's uid is locked while it runs, and a
    job of a grader that died has a free lock. A grader runs it once, before its first job.

    Examples
    --------
    >>> isinstance(sweep(), list)
    True
    """
    if not protections()["own_user"]:
        return []
    done = []
    for name, group in sorted(cgroups.stale().items()):
        uid = cgroups.uid_of(name)
        handle = _lock(uid) if uid in UID_RANGE else None
        if handle is None:
            continue
        with handle:
            group.kill()
            if group.remove(timeout=0.5):
                done.append(f"cgroup {name}: its processes killed, removed")
    base = _scratch_base()
    for name in sorted(os.listdir(base)):
        path = base / name
        if name.startswith(".retired-"):
            if scratch.remove_tree(path):
                done.append(f"{path}: removed")
            continue
        uid = _scratch_uid(name)
        handle = _lock(uid) if uid is not None else None
        if handle is None:
            continue
        with handle:
            if _uid_busy(uid):
                _kill_user(uid)
            if scratch.is_mount(path):
                scratch.unmount(path)
            if scratch.remove_tree(path):
                done.append(f"{path}: removed")
    for marker in sorted(_locks().glob("uid-*.retired")):
        uid = _scratch_uid(marker.name.removesuffix(".retired"))
        handle = _lock(uid) if uid is not None else None
        if handle is None:
            continue
        with handle:
            _kill_user(uid)
            if not _uid_busy(uid):
                marker.unlink(missing_ok=True)
                done.append(f"uid {uid}: no process left, back in use")
    return done


def _sweep_once() -> None:
    """The sweep, before this grader's first job; what it cannot do never stops a job."""
    with _SWEPT:
        if not _SWEEP_DONE:
            try:
                _SWEEP_DONE.append(sweep())
            except (OSError, ExerciseError) as exc:
                _SWEEP_DONE.append([f"sweep stopped: {type(exc).__name__}: {exc}"])


@dataclass(frozen=True)
class Observation:
    """What the sandbox saw of one job, read while the job's cgroups and scratch still exist.

    ``oom_kills``: processes the memory cgroup killed at the limit; ``disk_used``: bytes in the
    scratch folder (tmpfs: files deleted while open included); ``inodes_left``: files and
    folders that could still be made there (None: not a tmpfs); ``memory_counted``: whether a
    memory cgroup counted the whole job.
    """

    oom_kills: int = 0
    disk_used: int = 0
    inodes_left: int | None = None
    memory_counted: bool = False


class Sandbox:
    """One job's confinement: scratch folder, user, cgroups, environment, kernel command,
    clean-up.

    Use as a context manager around the kernel's whole life; leaving it kills every process of
    the job and removes the scratch folder (or retires it: it is never given to another job).
    Leaving never raises.
    """

    def __init__(self, limits: Limits, *, variant: str | None = None,
                 variants: str | None = None):
        self.limits, self.variant, self.variants = limits, variant, variants
        self.found = protections()
        self.uid = self.gid = None
        self._lock = None
        self.scratch: Path | None = None
        self.tmpfs = False
        self.groups: cgroups.JobGroups | None = None
        self.cleanup: list[str] = []
        self._final: Observation | None = None
        # CRMLAB_SANDBOX_BATCH (set by whoever runs the grader) names a batch's processes.
        self.marker = f"{os.environ.get('CRMLAB_SANDBOX_BATCH', '')}:{os.urandom(8).hex()}"

    # -------------------------------------------------------------- life
    def __enter__(self) -> Sandbox:
        try:
            self._enter()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _enter(self) -> None:
        if self.found["own_user"]:
            _sweep_once()
            self._claim_user()
        base = _scratch_base()
        tag = os.urandom(6).hex()
        if self.uid is not None:  # a new folder for every job: nothing of a dead job is reused
            self.scratch = base / f"uid-{self.uid}-{tag}"
            self.scratch.mkdir(mode=0o700)
            if self.found["tmpfs_scratch"]:
                scratch.mount_tmpfs(self.scratch, size=self.limits.disk * MB + scratch.MARGIN,
                                    uid=self.uid, gid=self.gid)
                self.tmpfs = True
        else:
            self.scratch = Path(tempfile.mkdtemp(prefix="job-", dir=base))
        for sub in ("tmp", ".crmlab"):
            (self.scratch / sub).mkdir()
        if self.uid is not None:
            for path in (self.scratch, self.scratch / "tmp", self.scratch / ".crmlab"):
                os.chown(path, self.uid, self.gid)
            self.groups = cgroups.create(f"{cgroups.PREFIX}{self.uid}-{tag}",
                                         memory=self.limits.memory,
                                         processes=self.limits.processes)

    def __exit__(self, *exc) -> None:
        killed = self._quietly("kill", self.kill)
        if self.groups is not None:
            self._quietly("observe", self._final_observation)
            if not self._quietly("cgroups", self.groups.remove):
                killed = False
            self.groups = None
        if self.tmpfs:
            self._quietly("unmount", lambda: scratch.unmount(self.scratch))
            self.tmpfs = False
        if self.scratch is not None and not self._quietly(
                "remove", lambda: scratch.remove_tree(self.scratch)):
            self._quietly("retire", self._retire_folder)
        if self.uid is not None and killed is False:
            self._quietly("retire uid", lambda: _retired(self.uid).touch())
        if self._lock is not None:
            self._lock.close()  # lets the uid go, last of all
            self._lock = None

    def _quietly(self, what: str, step):
        """Run one clean-up step; a failure is noted (``self.cleanup``), never raised."""
        try:
            return step()
        except Exception as exc:  # noqa: BLE001  (leaving the sandbox never raises)
            self.cleanup.append(f"{what}: {type(exc).__name__}: {exc}"[:200])
            return False

    def _retire_folder(self) -> None:
        target = self.scratch.with_name(f".retired-{self.scratch.name}")
        os.rename(self.scratch, target)
        self.cleanup.append(f"{self.scratch}: could not be removed, retired as {target.name}")

    def _claim_user(self) -> None:
        import pwd

        candidates = list(UID_RANGE)
        random.shuffle(candidates)
        for uid in candidates:
            try:
                pwd.getpwuid(uid)
                continue  # a real account: never borrow it
            except KeyError:
                pass
            if _retired(uid).exists():
                continue  # a job of it could not be killed: the sweep frees it when it can
            handle = _lock(uid)
            if handle is None:
                continue
            self.uid = self.gid = uid
            self._lock = handle
            if _uid_busy(uid):
                _kill_user(uid)  # leftovers of a grader that died mid-job without cgroups
            return
        raise ExerciseError(f"no free sandbox uid in {UID_RANGE.start}-{UID_RANGE.stop - 1}")

    # -------------------------------------------------------------- what it sees
    def usage(self, cap: int = 20_000) -> int:
        """Bytes in the scratch folder (tmpfs: deleted but open files too; otherwise counting
        stops past ``cap`` entries, and then it is huge)."""
        if self.tmpfs:
            return scratch.used(self.scratch)
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

    def observe(self) -> Observation:
        """What the job used and what stopped it, as far as the sandbox saw (see
        :class:`Observation`); after the job's end, what was seen last."""
        if self._final is not None:
            return self._final
        oom = self.groups.oom_kills() if self.groups is not None else 0
        try:
            used = self.usage()
            inodes = scratch.inodes_left(self.scratch) if self.tmpfs else None
        except (OSError, TypeError):
            used, inodes = 0, None
        counted = self.groups is not None and self.groups.counts_memory
        return Observation(oom, used, inodes, counted)

    def _final_observation(self) -> None:
        self._final = self.observe()

    def kill(self, pgid: int | None = None) -> bool:
        """Kill the job's processes: its cgroup (root), else its user's, else its process group
        and session; True when none is known to be left."""
        if self.groups is not None:
            if self.groups.kill():
                return True
        if self.uid is not None:
            _kill_user(self.uid)
            return not _uid_busy(self.uid)
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._kill_marked(pgid)
        return True

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
        scratch_dir = str(self.scratch)
        env = {
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin",
                                     "/usr/bin", "/bin"]),
            "HOME": scratch_dir, "TMPDIR": f"{scratch_dir}/tmp", "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{scratch_dir}/.matplotlib", "IPYTHONDIR": f"{scratch_dir}/.ipython",
            "JUPYTER_RUNTIME_DIR": f"{scratch_dir}/.jupyter",
            "CRMLAB_HOME": f"{scratch_dir}/.crmlab",
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
        limits, found = self.limits, self.found
        processes = limits.processes
        if self.uid is None and hasattr(os, "getuid") and os.getuid() != 0:
            processes += _tasks_of(os.getuid())  # the limit counts the grader's user too
        # The CPU limit's soft side sends SIGXCPU (the reason can name it), the hard side kills.
        rlimits = {"AS": limits.memory * 2 ** 20, "CPU": [limits.cpu, limits.cpu + 5],
                   "NPROC": processes, "FSIZE": limits.file_size * MB, "CORE": 0,
                   "NOFILE": [limits.open_files, limits.open_files + NOFILE_RESERVE]}
        if self.uid is None and _euid() == 0:
            rlimits.pop("NPROC")  # root ignores it; never lower the grader's own
        read, listed = _read_paths()
        if self.variant:
            read.append(self.variant)
        write = [str(self.scratch), "/dev/null"]
        spec = {"rlimits": rlimits, "parent": os.getpid(), "nice": 5,
                "landlock": {"read": read, "list": listed, "write": write,
                             "bind_ports": [int(p) for p in ports]}}
        if self.uid is not None:
            spec.update(uid=self.uid, gid=self.gid)
        if self.groups is not None:
            spec["cgroups"] = self.groups.join()
        if self.uid is not None and found["namespaces"]:
            spec["namespaces"] = {"views": views([*read, *listed, str(self.scratch)]),
                                  "pid": found["pid_namespace"]}
        if found["seccomp"] and not (self.groups is not None and self.groups.counts_memory):
            spec["seccomp"] = True  # memory outside the address space that nothing counts
        return [sys.executable, "-I", "-S", str(CONFINE), json.dumps(spec), "--", *command]

    def own(self, path) -> None:
        """Give a file the grader wrote for the kernel (its connection file) to the job's user."""
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)


# ------------------------------------------------------------------------------ preflight
_READY: set = set()


def preflight(limits: Limits, *, code: str) -> None:
    """Refuse a batch, with one line that says how to fix it, when a sandboxed Python cannot
    run ``code`` (the imports of the course's stack); otherwise return (once per process).

    A root grader whose Python environment other users cannot read shows it to the jobs
    through a view; where no view can be made, every job would fail: refused before any runs.
    """
    found = protections()
    if os.name != "posix" or code in _READY:
        return
    if found["own_user"] and not found["python_readable"] and not found["namespaces"]:
        raise ExerciseError(_unreadable())
    with Sandbox(limits) as box:
        command = box.command([sys.executable, "-c", code])
        try:
            run = subprocess.run(command, env=box.env(), cwd=box.scratch,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=limits.startup)
        except subprocess.TimeoutExpired:
            raise ExerciseError(f"grading refused: a sandboxed Python did not import the "
                                f"course's stack within {limits.startup} s") from None
    if run.returncode == 0:
        _READY.add(code)
        return
    lines = run.stdout.decode(errors="replace").strip().splitlines()
    detail = lines[-1][:200] if lines else f"exit status {run.returncode}"
    if "Permission denied" in detail and not found["python_readable"]:
        shown = found["own_user"] and found["namespaces"] and views(_python_paths())
        # Shown through a view, the environment still holds files closed to other users.
        raise ExerciseError(_unreadable(detail if shown else ""))
    raise ExerciseError(f"grading refused: a sandboxed Python cannot import the course's stack "
                        f"({detail}); fix the Python environment and grade again")


def _unreadable(detail: str = "") -> str:
    """The refusal for an environment the jobs cannot read: its closed folder, or the file
    (``detail``) that stays closed inside the view."""
    if detail:
        where = detail
    else:
        where = next((f"{p}: {_closed_folder(p)} is closed to other users"
                      for p in _python_paths() if _closed_folder(p)), "closed to other users")
    return (f"grading refused: the sandbox's users cannot read the Python environment "
            f"({where}); install Python where every user can read it (for example under /opt "
            f"or /usr/local) and grade again")
