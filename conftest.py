"""Test session set-up shared by unit tests, doctests and nbval.

Every run gets its own CRMLAB_HOME, so tests and the kernels nbval starts (which inherit this
environment) never read or write a real student's saved answers.

``--no-kernels`` (``make test-fast``) leaves out the tests marked ``kernel`` and fails any other
test that starts a kernel, a Jupyter server, the hub or a browser (``tests/_kernels.py``).
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# The test helpers in tests/_*.py; their fixtures are shared here (one conftest for the tree:
# a second one named conftest.py would clash with tests/browser/conftest.py under doctest).
sys.path.insert(0, str(Path(__file__).parent / "tests"))
import _kernels  # noqa: E402
from _course_inputs import inputs  # noqa: E402, F401  (a small graded course)

_KERNEL_LOG_FROM = pytest.StashKey[int]()


def pytest_addoption(parser):
    parser.addoption("--no-kernels", action="store_true",
                     help="leave out the tests marked kernel and fail any test that starts a "
                          "kernel, a Jupyter server, the hub or a browser")


def pytest_configure(config):
    if not os.environ.get("CRMLAB_TEST_HOME_SET"):
        home = tempfile.mkdtemp(prefix="crmlab-home-")
        os.environ["CRMLAB_HOME"] = home
        os.environ["CRMLAB_TEST_HOME_SET"] = "1"
    # The session's instructor secret: the keys of a quiz's numbers of one's own are computed
    # per student with it (tests of a missing secret remove it).
    os.environ.setdefault("CRMLAB_INSTRUCTOR_SECRET", "crmlab-test-session-secret")
    if config.getoption("no_kernels"):
        guard = Path(tempfile.mkdtemp(prefix="crmlab-no-kernels-"))
        os.environ[_kernels.LOG] = str(guard / "started.log")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(_kernels.sitecustomize(guard)), os.environ.get("PYTHONPATH")]))
        _kernels.install()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if type(item).__module__.startswith("nbval"):  # a notebook's cell runs in a kernel
            item.add_marker(pytest.mark.kernel)
    if not config.getoption("no_kernels"):
        return
    bound = [item for item in items if item.get_closest_marker("kernel") is not None]
    if bound:
        config.hook.pytest_deselected(items=bound)
        items[:] = [item for item in items if item.get_closest_marker("kernel") is None]


def _started() -> int:
    log = os.environ.get(_kernels.LOG)
    return os.path.getsize(log) if log and os.path.exists(log) else 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    item.stash[_KERNEL_LOG_FROM] = _started()  # before any fixture of the test is set up
    return (yield)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    """Under --no-kernels, fail a test that started a kernel-bound process (or had one refused,
    in this process or in any Python process it started), its fixtures included."""
    since = item.stash.get(_KERNEL_LOG_FROM, None)
    if since is None or _started() <= since:
        return
    with open(os.environ[_kernels.LOG], encoding="utf-8") as handle:
        handle.seek(since)
        command = handle.readline().strip()
    pytest.fail(f"{item.nodeid} starts a kernel-bound process ({command[:200]}); mark it "
                "@pytest.mark.kernel (tests/_kernels.py)", pytrace=False)


@pytest.fixture(autouse=True)
def _environment_restored():
    """Whatever a test or a doctest sets in ``os.environ`` (doctests set ``CRMLAB_HOME`` to show
    a fresh state) is undone after it, so a notebook kernel that nbval starts later in the same
    worker inherits the session's environment, not a doctest's student."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)
    # The session's CRMLAB_HOME is what nbval's kernels read: a test that saves a student id,
    # a language or answers there (instead of using the crmlab_home fixture) changes a lesson's
    # outputs. Caches (prepared data variants) may stay.
    home = Path(os.environ["CRMLAB_HOME"])
    leaked = [path for path in (home / "config.json", home / "answers") if path.exists()]
    if leaked:
        for path in leaked:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        pytest.fail(f"the test wrote {[p.name for p in leaked]} into the session's CRMLAB_HOME; "
                    "use the crmlab_home fixture", pytrace=False)


@pytest.fixture
def crmlab_home(tmp_path, monkeypatch):
    """A fresh, empty CRMLAB_HOME for one test."""
    home = tmp_path / "crmlab-home"
    home.mkdir()
    monkeypatch.setenv("CRMLAB_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _session_home(monkeypatch):
    """Doctests point CRMLAB_HOME at folders of their own (and save a language there); the
    session's is put back after each test, so no test inherits another's student settings."""
    monkeypatch.setenv("CRMLAB_HOME", os.environ["CRMLAB_HOME"])
