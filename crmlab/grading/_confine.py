"""Confine this process, then become the command after ``--``: the sandbox's launcher.

Run as ``python -I -S _confine.py SPEC -- COMMAND...`` (``SPEC`` is JSON, written by
:meth:`crmlab.grading.sandbox.Sandbox.command`), ``python -I -S _confine.py '{"kill_uid": UID}'``
to kill every process of a sandbox user, or ``python -I -S _confine.py '{"probe": true}'`` to
report which kernel features work here. It is a script on purpose: it imports only the standard
library (no crmlab, no site-packages), so it starts in milliseconds and runs in a
single-threaded process between ``fork`` and ``exec``, where the grader's threads cannot
interfere.

In order:

1. resource limits (address space, CPU, processes, file size, open files, no core);
2. as root: into the job's cgroups (memory and processes of the whole job counted together,
   one switch kills them all);
3. as root: a private mount and IPC namespace (the job's System V segments die with it; an empty
   read-only ``/dev/shm``; a *view* that shows the Python environment where its folder is
   closed to other users: the closed folder becomes an empty read-only tmpfs, and only what the
   kernel needs is bound back at the same place); a private PID namespace when asked, whose
   first process reaps the job and takes every process of it down when it dies;
4. as root: the job's own unprivileged user, with *every* capability dropped;
5. no new privileges; Landlock (Linux >= 5.13): read only a short list of paths, write only the
   scratch folder, bind only the kernel's ports, signal only the job's own processes; a seccomp
   filter refusing in-memory files and System V shared memory where no memory cgroup counts
   them; death with the parent; then ``execve``.
"""

import ctypes
import json
import os
import platform
import select
import signal
import struct
import sys

PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 24, 38, 22
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
SYS_LANDLOCK = {"create": 444, "add_rule": 445, "restrict": 446}
# Landlock file-system rights, by the ABI version that introduced them.
FS_RIGHTS = [(1, (1 << 13) - 1), (2, 1 << 13), (3, 1 << 14), (5, 1 << 15)]
FILE_RIGHTS = 1 | 2 | 4 | (1 << 14) | (1 << 15)  # execute, write, read, truncate, ioctl
READ_RIGHTS = 1 | 4 | 8  # execute, read file, read dir
LIST_RIGHTS = 8  # read dir: an import path entry is listed, its files stay closed
NET_BIND, NET_CONNECT = 1, 2
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1, 2
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 0x1000, 0x4000, 1 << 18
#: System calls refused where no memory cgroup counts what they make, by architecture:
#: (audit arch, {name: number}, lowest number of a foreign ABI or None).
SECCOMP_ARCH = {
    "x86_64": (0xC000003E, {"memfd_create": 319, "memfd_secret": 447, "shmget": 29},
               0x40000000),
    "aarch64": (0xC00000B7, {"memfd_create": 279, "memfd_secret": 447, "shmget": 194}, None),
}
SECCOMP_MODE_FILTER, SECCOMP_RET_ALLOW, SECCOMP_RET_EPERM = 2, 0x7FFF0000, 0x00050001

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPort(ctypes.Structure):
    _fields_ = [("allowed", ctypes.c_uint64), ("port", ctypes.c_uint64)]


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _fail(what: str) -> None:
    errno = ctypes.get_errno()
    raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _prctl(option: int, arg2: int = 0, arg3: int = 0) -> None:
    if _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(arg3),
                   ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        _fail(f"prctl({option}, {arg2}, {arg3})")


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel, 0 when there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    version = _libc.syscall(SYS_LANDLOCK["create"], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def _landlock(rules: dict, abi: int) -> None:
    fs = 0
    for since, rights in FS_RIGHTS:
        if abi >= since:
            fs |= rights
    attr = _Ruleset(fs, NET_BIND | NET_CONNECT if abi >= 4 else 0,
                    SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _libc.syscall(SYS_LANDLOCK["create"], ctypes.byref(attr), ctypes.c_size_t(size),
                            ctypes.c_uint32(0))
    if ruleset < 0:
        _fail("landlock_create_ruleset")
    for rights, paths in ((READ_RIGHTS, rules.get("read", [])),
                          (LIST_RIGHTS, rules.get("list", [])), (fs, rules.get("write", []))):
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path that does not exist here grants nothing
            is_dir = os.path.isdir(f"/proc/self/fd/{fd}") or os.path.isdir(path)
            allowed = rights & fs if is_dir else rights & fs & FILE_RIGHTS
            if not allowed:
                os.close(fd)
                continue
            rule = _PathBeneath(allowed, fd)
            if _libc.syscall(SYS_LANDLOCK["add_rule"], ctypes.c_int(ruleset), ctypes.c_int(1),
                             ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                _fail(f"landlock_add_rule {path}")
            os.close(fd)
    if abi >= 4:
        for port in rules.get("bind_ports", []):
            rule = _NetPort(NET_BIND, int(port))
            if _libc.syscall(SYS_LANDLOCK["add_rule"], ctypes.c_int(ruleset), ctypes.c_int(2),
                             ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                _fail(f"landlock_add_rule port {port}")
    if _libc.syscall(SYS_LANDLOCK["restrict"], ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
        _fail("landlock_restrict_self")
    os.close(ruleset)


def seccomp_program(machine: str) -> bytes:
    """The classic BPF program refusing :data:`SECCOMP_ARCH`'s calls with EPERM on ``machine``.

    Any other architecture's system calls (a 32-bit ABI reached from a 64-bit process) are
    refused too; everything else is allowed.
    """
    arch, numbers, foreign = SECCOMP_ARCH[machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06

    def insn(code, jt, jf, k):
        return struct.pack("HBBI", code, jt, jf, k)

    calls = sorted(numbers.values())
    rest = len(calls) + (1 if foreign is not None else 0)  # instructions before "allow"
    prog = [insn(ld, 0, 0, 4),                       # arch
            insn(jeq, 1, 0, arch),
            insn(ret, 0, 0, SECCOMP_RET_EPERM),      # a foreign architecture
            insn(ld, 0, 0, 0)]                       # system call number
    if foreign is not None:
        prog.append(insn(jge, rest, 0, foreign))     # the x32 ABI
        rest -= 1
    for number in calls:
        prog.append(insn(jeq, rest, 0, number))
        rest -= 1
    prog += [insn(ret, 0, 0, SECCOMP_RET_ALLOW), insn(ret, 0, 0, SECCOMP_RET_EPERM)]
    return b"".join(prog)


def _seccomp() -> None:
    code = seccomp_program(platform.machine())
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Filter(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if _libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER),
                   ctypes.byref(program), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        _fail("seccomp")


def _last_cap() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return 63


def _become(uid: int, gid: int) -> None:
    """Switch to ``uid`` with no capability left in any set (the bounding set emptied first)."""
    if sys.platform.startswith("linux"):
        for cap in range(_last_cap() + 1):
            _prctl(PR_CAPBSET_DROP, cap)
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)  # from root to another user: permitted and effective sets are cleared


def _limits(limits: dict) -> None:
    import resource

    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name}", None)
        if kind is None:
            continue  # not on this system (RLIMIT_AS on some BSDs)
        soft, hard = (value, value) if isinstance(value, int) else (int(v) for v in value)
        _, given = resource.getrlimit(kind)
        if given != resource.RLIM_INFINITY:  # never above what we were given
            soft, hard = min(soft, given), min(hard, given)
        resource.setrlimit(kind, (soft, hard))


def _kill_uid(uid: int) -> int:
    """Kill every process of ``uid`` (we become it: kill(-1) reaches exactly those)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    for _ in range(1000):  # a fork bomb refills while we kill: repeat until nothing is left
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return 0
    return 1


def _mount(source, target, fstype, flags, data) -> None:
    if _libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                   ctypes.c_ulong(flags), data and data.encode()) != 0:
        _fail(f"mount {fstype or source} on {target}")


def _unshare(flags: int) -> None:
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        _fail("unshare")


def _join(cgroups: list) -> None:
    """Move this process into each cgroup; every process it starts is counted there too."""
    for folder in cgroups:
        with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
            handle.write(str(os.getpid()))


def _namespaces(spec: dict) -> None:
    """A private mount and IPC namespace with the views, an empty /dev/shm and (without a PID
    namespace) a /proc that shows other users' processes to nobody."""
    _unshare(CLONE_NEWNS | CLONE_NEWIPC)
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    os.umask(0o022)
    for hidden, shown in spec.get("views", []):
        # Open what stays visible before covering its ancestor, then bind it back in place.
        kept = [(path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for path in shown]
        _mount("tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV,
               "mode=0755,size=1m,nr_inodes=4096")
        for path, fd in kept:
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "a").close()
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
            os.close(fd)
        _mount(None, hidden, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
               "size=4k,nr_inodes=1,mode=0755")
    if not spec.get("pid"):
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")


def _confine_self(spec: dict) -> None:
    """The last layers, in the process that becomes the kernel: Landlock, then seccomp."""
    if spec.get("landlock"):
        abi = landlock_abi()
        if abi:
            _landlock(spec["landlock"], abi)
    if spec.get("seccomp"):
        _seccomp()


def _parent_gone(watch: int) -> bool:
    """Whether the write end of our parent's pipe was closed (the parent died)."""
    return bool(select.select([watch], [], [], 0)[0])


def _wait_for(child: int) -> int:
    """Reap every process that ends here (pid 1 reaps the job's orphans) until ``child`` ends;
    return its status."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0
        if pid == child:
            return status


def _reaper(spec: dict, command: list, watch: int) -> None:
    """The PID namespace's first process: its /proc, then the kernel as its only child.

    When this process ends, the kernel kills every process left in the namespace; it dies with
    the launcher (PDEATHSIG), which dies with the grader.
    """
    code = 1
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if _parent_gone(watch):
            os._exit(70)
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        _become(int(spec["uid"]), int(spec["gid"]))
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by the change of user
        if _parent_gone(watch):
            os._exit(70)
        kernel = os.fork()
        if kernel == 0:
            try:
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                _confine_self(spec)
                # ipykernel's parent poller would take pid 1 for a dead parent and exit.
                os.environ.pop("JPY_PARENT_PID", None)
                os.umask(0o077)
                os.execv(command[0], command)
            except BaseException as exc:  # noqa: BLE001  (report, never return into the caller)
                print(f"sandbox: {exc}", file=sys.stderr, flush=True)
            os._exit(71)
        status = _wait_for(kernel)
        # pid 1 cannot kill itself with a signal: pass a signal on as 128 + its number.
        code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    except BaseException as exc:  # noqa: BLE001
        print(f"sandbox: {exc}", file=sys.stderr, flush=True)
    os._exit(code)


def _supervise(spec: dict, command: list) -> int:
    """Run the job in its own PID namespace (already unshared: our next child is its pid 1);
    stay outside as its parent, as the job's user, and end as it ended."""
    watch, hold = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(hold)
        _reaper(spec, command, watch)
    os.close(watch)
    _become(int(spec["uid"]), int(spec["gid"]))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if spec.get("parent") and os.getppid() != int(spec["parent"]):
        os.kill(init, signal.SIGKILL)
        return 70
    # The grader interrupts a cell with SIGINT to the process group: that is for the kernel.
    signal.signal(signal.SIGINT, lambda number, frame: None)
    status = _wait_for(init)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    if code > 128:  # the kernel was killed by a signal: so are we, for the grader to see
        signal.signal(code - 128, signal.SIG_DFL)
        os.kill(os.getpid(), code - 128)
    return code


def probe() -> dict:
    """Which kernel features work here, each tried in a child process that then exits."""
    found = {"landlock": landlock_abi(), "namespaces": False, "pid_namespace": False,
             "seccomp": platform.machine() in SECCOMP_ARCH}
    for key, flags in (("namespaces", CLONE_NEWNS | CLONE_NEWIPC),
                       ("pid_namespace", CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID)):
        child = os.fork()
        if child == 0:
            try:
                _unshare(flags)
                _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
                if flags & CLONE_NEWPID:
                    grandchild = os.fork()
                    if grandchild == 0:
                        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
                        os._exit(0)
                    os._exit(os.WEXITSTATUS(os.waitpid(grandchild, 0)[1]))
                _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       "hidepid=invisible")
                os._exit(0)
            except BaseException:  # noqa: BLE001
                os._exit(1)
        found[key] = os.waitpid(child, 0)[1] == 0
    if found["seccomp"]:
        child = os.fork()
        if child == 0:
            try:
                _prctl(PR_SET_NO_NEW_PRIVS, 1)
                _seccomp()
                os.memfd_create("probe")
                os._exit(1)
            except PermissionError:
                os._exit(0)
            except BaseException:  # noqa: BLE001
                os._exit(1)
        found["seccomp"] = os.waitpid(child, 0)[1] == 0
    return found


def main(argv: list) -> int:
    spec = json.loads(argv[1])
    if "kill_uid" in spec:
        return _kill_uid(int(spec["kill_uid"]))
    if spec.get("probe"):
        print(json.dumps(probe()))
        return 0
    command = argv[argv.index("--") + 1:]
    _limits(spec.get("rlimits", {}))
    if spec.get("cgroups"):
        _join(spec["cgroups"])
    namespaces = spec.get("namespaces")
    if namespaces:
        _namespaces(namespaces)
        if namespaces.get("pid"):
            _unshare(CLONE_NEWPID)  # our next child is the namespace's pid 1
            if spec.get("nice"):
                os.nice(int(spec["nice"]))
            return _supervise(spec, command)
    if spec.get("uid") is not None:
        _become(int(spec["uid"]), int(spec["gid"]))
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _confine_self(spec)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if spec.get("parent") and os.getppid() != int(spec["parent"]):
            return 70  # the grader died before we could follow it
    if spec.get("nice"):
        os.nice(int(spec["nice"]))  # the grader's own threads stay responsive
    os.umask(0o077)
    os.execv(command[0], command)
    return 71  # pragma: no cover  (execve does not return)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
