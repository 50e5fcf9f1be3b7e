"""The guard behind ``make test-fast`` (``pytest --no-kernels``): no test starts a kernel.

A kernel-bound test (it starts a Jupyter kernel, papermill, nbclient, the sandboxed runner,
JupyterLab, the hub or Chromium) carries the marker ``kernel``. Under ``--no-kernels`` those
tests are deselected and every other test runs guarded: a process whose command line names a
kernel, a Jupyter or hub server, the hub's proxy or a browser, started by the test itself or by
any Python process it starts (each one loads this guard through a ``sitecustomize`` put on
``PYTHONPATH``), is refused and fails the test, naming the command and the marker to add.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

__all__ = ["KERNEL_BOUND", "KernelStarted", "install", "kernel_bound", "sitecustomize"]

#: Where the guarded processes note what they refused (one command per line).
LOG = "CRMLAB_KERNEL_GUARD"
#: The programs a kernel-bound test starts.
KERNEL_BOUND = re.compile(
    r"ipykernel|jupyter[-_ ]?(?:lab|server|notebook|hub)\b|jupyterhub|"
    r"configurable-http-proxy|chrom(?:e|ium)|playwright")


class KernelStarted(RuntimeError):
    """A test run with ``--no-kernels`` tried to start a kernel-bound process."""


def kernel_bound(args) -> str | None:
    """The command line of ``args`` when it starts a kernel-bound program, else None.

    Examples
    --------
    >>> kernel_bound(["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"])
    '/venv/bin/python -m ipykernel_launcher -f k.json'
    >>> kernel_bound(["python", "-m", "crmlab", "labsettings"]) is None
    True
    >>> kernel_bound("jupyter lab --no-browser")
    'jupyter lab --no-browser'
    """
    command = args if isinstance(args, (str, bytes, os.PathLike)) else " ".join(map(str, args))
    command = os.fsdecode(command)
    return command if KERNEL_BOUND.search(command) else None


def install() -> None:
    """Refuse kernel-bound processes in this process (and note them in ``$CRMLAB_KERNEL_GUARD``).

    Every way Python starts a program here (jupyter_client's launcher, papermill, asyncio's
    subprocesses, playwright's driver) goes through :class:`subprocess.Popen`.
    """
    if getattr(subprocess.Popen.__init__, "_crmlab_guard", False):
        return
    original = subprocess.Popen.__init__

    def guarded(self, args, *more, **options):
        command = kernel_bound(args)
        if command is not None:
            log = os.environ.get(LOG)
            if log:
                with open(log, "a", encoding="utf-8") as handle:
                    handle.write(command.replace("\n", " ") + "\n")
            raise KernelStarted(f"started under --no-kernels: {command}")
        original(self, args, *more, **options)

    guarded._crmlab_guard = True
    subprocess.Popen.__init__ = guarded


def sitecustomize(folder: Path) -> Path:
    """Write ``folder/sitecustomize.py``, which installs the guard in any Python started with
    ``folder`` on ``PYTHONPATH``; return ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    here = str(Path(__file__).resolve().parent)
    (folder / "sitecustomize.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {here!r})\n"
        "import _kernels\n"
        "_kernels.install()\n"
        f"sys.path.remove({here!r})\n", encoding="utf-8")
    return folder
