"""The guard of ``make test-fast`` (tests/_kernels.py) refuses kernels, also in child processes."""

import os
import subprocess
import sys
import textwrap

import _kernels
import pytest

# A Python process that tries to start a kernel the way papermill and the grader do.
START = textwrap.dedent("""
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name="python3")
    try:
        km.start_kernel()
    except Exception as exc:
        print(type(exc).__name__, exc)
    else:
        km.shutdown_kernel(now=True)
        print("a kernel started")
""")


def test_a_python_started_with_the_guard_cannot_start_a_kernel(tmp_path):
    log = tmp_path / "started.log"
    env = dict(os.environ, **{_kernels.LOG: str(log), "PYTHONPATH": os.pathsep.join(
        filter(None, [str(_kernels.sitecustomize(tmp_path / "site")),
                      os.environ.get("PYTHONPATH")]))})
    done = subprocess.run([sys.executable, "-c", START], env=env, capture_output=True,
                          text=True, check=True, timeout=120)
    assert done.stdout.startswith("KernelStarted started under --no-kernels: ")
    assert "-m ipykernel_launcher" in done.stdout
    refused, = log.read_text().splitlines()
    assert "-m ipykernel_launcher" in refused


@pytest.mark.parametrize(("command", "bound"), [
    (["python", "-m", "ipykernel_launcher", "-f", "k.json"], True),
    (["jupyter-lab", "--no-browser"], True),
    (["python", "-m", "jupyterhub", "-f", "config.py"], True),
    (["node", "configurable-http-proxy"], True),
    (["/usr/bin/chromium", "--headless"], True),
    (["python", "-m", "crmlab", "labsettings"], False),
    (["python", "-m", "crmlab", "notebooks", "--help"], False),
    (["jupyter", "labextension", "list"], False),
])
def test_what_counts_as_kernel_bound(command, bound):
    assert (_kernels.kernel_bound(command) is not None) is bound
