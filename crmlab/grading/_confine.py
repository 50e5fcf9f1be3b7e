"""Confine this process, then become the command after ``--``: the sandbox's launcher.

Run as ``python -I -S _confine.py SPEC -- COMMAND...`` (``SPEC`` is JSON, see
:func:`crmlab.grading.sandbox.confine_command`), or ``python -I -S _confine.py
'{"kill_uid": UID}'`` to kill every process of a sandbox user. It is a script on purpose: it
imports only the standard library (no crmlab, no site-packages), so it starts in milliseconds and
runs in a single-threaded process between ``fork`` and ``exec``, where the grader's threads
cannot interfere.

In order: resource limits; when started as root, a switch to the job's own unprivileged user
(keeping only the capability to *read* files when the Python environment is not readable by
other users, in which case Landlock decides what may be read); no new privileges; Landlock
(Linux >= 5.13) restricting the file system to read-only paths and one writable scratch
folder, TCP to binding the kernel's own ports, and signals and abstract sockets to the job's own
processes; death with the parent; then ``execve``.
"""

import ctypes
import json
import os
import signal
import sys

PR_SET_PDEATHSIG, PR_SET_KEEPCAPS, PR_CAPBSET_DROP = 1, 8, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE = 38, 47, 2
CAP_DAC_READ_SEARCH = 2
SYS_LANDLOCK = {"create": 444, "add_rule": 445, "restrict": 446}
# Landlock file-system rights, by the ABI version that introduced them.
FS_RIGHTS = [(1, (1 << 13) - 1), (2, 1 << 13), (3, 1 << 14), (5, 1 << 15)]
FILE_RIGHTS = 1 | 2 | 4 | (1 << 14) | (1 << 15)  # execute, write, read, truncate, ioctl
READ_RIGHTS = 1 | 4 | 8  # execute, read file, read dir
LIST_RIGHTS = 8  # read dir: an import path entry is listed, its files stay closed
NET_BIND, NET_CONNECT = 1, 2
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1, 2

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPort(ctypes.Structure):
    _fields_ = [("allowed", ctypes.c_uint64), ("port", ctypes.c_uint64)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


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
            is_dir = os.path.isdir(path)
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


def _last_cap() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return 40


def _become(uid: int, gid: int, read_everything: bool) -> None:
    """Switch to ``uid``; with ``read_everything``, keep only CAP_DAC_READ_SEARCH (ambient)."""
    keep = {CAP_DAC_READ_SEARCH} if read_everything else set()
    for cap in range(_last_cap() + 1):
        if cap not in keep:
            _prctl(PR_CAPBSET_DROP, cap)
    if keep:
        _prctl(PR_SET_KEEPCAPS, 1)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if keep:
        header = _CapHeader(0x20080522, 0)
        mask = 1 << CAP_DAC_READ_SEARCH
        data = (_CapData * 2)(_CapData(mask, mask, mask), _CapData(0, 0, 0))
        if _libc.capset(ctypes.byref(header), data) != 0:
            _fail("capset")
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH)


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


def main(argv: list) -> int:
    spec = json.loads(argv[1])
    if "kill_uid" in spec:
        return _kill_uid(int(spec["kill_uid"]))
    command = argv[argv.index("--") + 1:]
    _limits(spec.get("rlimits", {}))
    if spec.get("uid") is not None:
        _become(int(spec["uid"]), int(spec["gid"]), bool(spec.get("read_everything")))
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        if spec.get("landlock"):
            abi = landlock_abi()
            if abi:
                _landlock(spec["landlock"], abi)
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
