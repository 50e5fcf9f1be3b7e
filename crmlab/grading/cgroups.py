"""Control groups for the sandbox's jobs: memory and processes of a whole job, and one switch that
kills it.

A root grader gives each job a cgroup named ``crmlab-job-<uid>-<random>`` in every hierarchy it
can use (:func:`layout` says which):

- **memory**: the limit of all the job's processes together, with everything they hold in
  memory that no address-space limit sees (in-memory files, shared memory, files in its tmpfs
  scratch folder). cgroup v2 (``memory.max``, ``memory.swap.max = 0``) where the unified
  hierarchy offers the controller, else cgroup v1 (``memory.limit_in_bytes`` and
  ``memory.memsw.limit_in_bytes``), as on hosts with hybrid hierarchies;
- **pids**: the number of processes and threads of the job (v2 or v1 ``pids.max``);
- **kill**: a v2 cgroup, whose ``cgroup.kill`` kills every process in it at once (a v2
  hierarchy needs no controller for that). Without one, every process listed in the job's v1
  cgroup is killed until none is left.

v1 cgroups are made under the grader's own cgroup (the grader's own limits still hold its jobs);
v2 cgroups with controllers under ``crmlab-jobs`` at the top of the unified hierarchy (a v2
cgroup that holds processes cannot give controllers to children), v2 cgroups used only to kill
under the grader's own. Nothing is left behind: :meth:`JobGroups.remove` removes them, and
:func:`stale` finds those of a grader that was killed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["JobGroups", "layout", "create", "stale", "PREFIX"]

#: Start of every job cgroup's name: ``crmlab-job-<uid>-<random>``.
PREFIX = "crmlab-job-"
_V2_PARENT = "crmlab-jobs"


def _mounts(text: str) -> dict:
    """``{"v2": mount point, "memory": v1 mount point, "pids": v1 mount point}`` from
    ``/proc/self/mounts``.

    Examples
    --------
    >>> _mounts("cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\\n"
    ...         "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\\n")
    {'memory': '/sys/fs/cgroup/memory', 'v2': '/sys/fs/cgroup/unified'}
    """
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        point = parts[1].replace("\\040", " ")
        if parts[2] == "cgroup2":
            found.setdefault("v2", point)
        elif parts[2] == "cgroup":
            for option in parts[3].split(","):
                if option in ("memory", "pids"):
                    found.setdefault(option, point)
    return found


def _own(text: str) -> dict:
    """The grader's own cgroup path in each hierarchy, from ``/proc/self/cgroup``.

    Examples
    --------
    >>> _own("4:memory:/process_api/abc\\n8:pids:/\\n0::/\\n")
    {'memory': '/process_api/abc', 'pids': '/', 'v2': '/'}
    """
    found = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            found["v2"] = parts[2]
        for name in parts[1].split(","):
            if name in ("memory", "pids"):
                found[name] = parts[2]
    return found


def _read(path) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _write(path, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _writable(folder: str) -> bool:
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


@lru_cache(maxsize=1)
def layout() -> dict:
    """Where this grader can make job cgroups: ``{"memory", "pids", "kill"}`` -> ``"v2"``,
    ``"v1"`` or None, and the folders they go in (computed once; root only).

    Examples
    --------
    >>> sorted(layout())
    ['kill', 'memory', 'pids', 'where']
    """
    none = {"memory": None, "pids": None, "kill": None, "where": {}}
    if not os.path.exists("/proc/self/cgroup") or os.geteuid() != 0:
        return none
    mounts, own = _mounts(_read("/proc/self/mounts")), _own(_read("/proc/self/cgroup"))
    found = {"memory": None, "pids": None, "kill": None, "where": {}}
    v2 = mounts.get("v2")
    if v2 and "v2" in own:
        controllers = set(_read(os.path.join(v2, "cgroup.controllers")).split())
        if {"memory", "pids"} <= controllers and _v2_parent(v2):
            for name in ("memory", "pids", "kill"):  # a process is in one v2 cgroup only
                found[name], found["where"][name] = "v2", os.path.join(v2, _V2_PARENT)
        else:
            home = os.path.join(v2, own["v2"].lstrip("/"))
            if _writable(home) and _probe(home):
                found["kill"], found["where"]["kill"] = "v2", home
    for name in ("memory", "pids"):
        if found[name] is None and name in mounts and name in own:
            folder = os.path.join(mounts[name], own[name].lstrip("/"))
            if _writable(folder) and _probe(folder):
                found[name], found["where"][name] = "v1", folder
    return found


def _probe(folder: str) -> bool:
    """Whether a child cgroup can be made (and removed) in ``folder``."""
    probe = os.path.join(folder, f"{PREFIX}probe-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        os.mkdir(probe)
    except OSError:
        return False
    try:
        os.rmdir(probe)
    except OSError:
        pass
    return True


def _v2_parent(v2: str) -> bool:
    """``crmlab-jobs`` at the top of the unified hierarchy, handing memory and pids down."""
    parent = os.path.join(v2, _V2_PARENT)
    try:
        for folder in (v2, parent):
            wanted = {"memory", "pids"} - set(_read(os.path.join(folder,
                                                                  "cgroup.subtree_control")).split())
            if wanted:
                _write(os.path.join(folder, "cgroup.subtree_control"),
                       " ".join(f"+{name}" for name in sorted(wanted)))
            if folder == v2:
                os.makedirs(parent, exist_ok=True)
    except OSError:
        return False
    return _probe(parent)


@dataclass
class JobGroups:
    """One job's cgroups: ``folders`` maps ``memory``, ``pids``, ``kill`` to a folder."""

    name: str
    folders: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)

    def join(self) -> list[str]:
        """The folders a process writes its pid into (each distinct folder once)."""
        return sorted(set(self.folders.values()))

    @property
    def counts_memory(self) -> bool:
        """Whether a memory cgroup counts the whole job."""
        return "memory" in self.folders

    def kill(self, timeout: float = 5.0) -> bool:
        """Kill every process of the job; True when none is left."""
        deadline = time.monotonic() + timeout
        if "kill" in self.folders:
            folder = self.folders["kill"]
            try:
                _write(os.path.join(folder, "cgroup.kill"), "1")
            except OSError:
                return not os.path.isdir(folder)
            while time.monotonic() < deadline:
                if "populated 0" in _read(os.path.join(folder, "cgroup.events")):
                    return True
                time.sleep(0.005)
            return False
        import signal

        folder = self.folders.get("pids") or self.folders.get("memory")
        if folder is None:
            return True
        while time.monotonic() < deadline:  # a fork bomb refills: until nothing is left
            tasks = _read(os.path.join(folder, "cgroup.procs")).split()
            if not tasks:
                return True
            for pid in tasks:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            time.sleep(0.005)
        return False

    def oom_kills(self) -> int:
        """How many of the job's processes the memory limit killed."""
        folder = self.folders.get("memory")
        if folder is None:
            return 0
        name = "memory.events" if self.versions.get("memory") == "v2" else "memory.oom_control"
        for line in _read(os.path.join(folder, name)).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def remove(self, timeout: float = 2.0) -> bool:
        """Remove the job's cgroups (a killed process leaves when it is reaped)."""
        done = True
        for folder in sorted(set(self.folders.values())):
            deadline = time.monotonic() + timeout
            while True:
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        done = False
                        break
                    time.sleep(0.005)
        return done


def create(name: str, *, memory: int, processes: int) -> JobGroups | None:
    """The cgroups of one job (``memory`` MiB, ``processes`` tasks), or None when there are
    none here. A limit that cannot be set removes what was made and raises OSError."""
    found = layout()
    if not any(found[kind] for kind in ("memory", "pids", "kill")):
        return None
    groups = JobGroups(name)
    try:
        for kind in ("memory", "pids", "kill"):
            if not found[kind]:
                continue
            folder = os.path.join(found["where"][kind], name)
            if folder not in groups.folders.values():
                os.mkdir(folder)
            groups.folders[kind], groups.versions[kind] = folder, found[kind]
        _limit(groups, memory=memory, processes=processes)
    except OSError:
        groups.remove(timeout=0.5)
        raise
    return groups


def _limit(groups: JobGroups, *, memory: int, processes: int) -> None:
    memory_bytes = str(memory * 2 ** 20)
    if groups.versions.get("memory") == "v2":
        _write(os.path.join(groups.folders["memory"], "memory.max"), memory_bytes)
        swap = os.path.join(groups.folders["memory"], "memory.swap.max")
        if os.path.exists(swap):
            _write(swap, "0")
    elif groups.versions.get("memory") == "v1":
        folder = groups.folders["memory"]
        _write(os.path.join(folder, "memory.limit_in_bytes"), memory_bytes)
        swap = os.path.join(folder, "memory.memsw.limit_in_bytes")
        if os.path.exists(swap):
            _write(swap, memory_bytes)
    if groups.versions.get("pids"):
        _write(os.path.join(groups.folders["pids"], "pids.max"), str(processes))


def stale() -> dict:
    """Job cgroups found in this grader's hierarchies: ``{name: JobGroups}`` (live or not;
    the caller decides by the job's uid lock)."""
    found = layout()
    groups: dict = {}
    for kind in ("memory", "pids", "kill"):
        where = found["where"].get(kind)
        if not where:
            continue
        try:
            names = [n for n in os.listdir(where) if n.startswith(PREFIX)
                     and not n.startswith(f"{PREFIX}probe-")]
        except OSError:
            continue
        for name in names:
            group = groups.setdefault(name, JobGroups(name))
            group.folders[kind] = os.path.join(where, name)
            group.versions[kind] = found[kind]
    return groups


def uid_of(name: str) -> int | None:
    """The job's uid in a job cgroup's name.

    Examples
    --------
    >>> uid_of("crmlab-job-61234-0a1b2c3d"), uid_of("other")
    (61234, None)
    """
    if not name.startswith(PREFIX):
        return None
    head = name[len(PREFIX):].split("-", 1)[0]
    return int(head) if head.isdigit() else None
