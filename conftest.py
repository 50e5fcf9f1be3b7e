"""Test session set-up shared by unit tests, doctests and nbval.

Every run gets its own CRMLAB_HOME, so tests and the kernels nbval starts (which inherit this
environment) never read or write a real student's saved answers.
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
from _course_inputs import inputs  # noqa: E402, F401  (a small graded course)


def pytest_configure(config):
    if not os.environ.get("CRMLAB_TEST_HOME_SET"):
        home = tempfile.mkdtemp(prefix="crmlab-home-")
        os.environ["CRMLAB_HOME"] = home
        os.environ["CRMLAB_TEST_HOME_SET"] = "1"


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
