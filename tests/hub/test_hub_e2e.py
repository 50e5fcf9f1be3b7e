"""A class on JupyterHub, end to end: a real hub, real OS users, the collection service, Chromium.

Three students and one instructor are created as operating-system users (useradd; CI runs as
root) and removed with their homes afterwards, whatever happened. The hub runs the course's own
``deploy/jupyterhub/jupyterhub_config.py`` (LocalProcessSpawner: every server runs as its user;
the shared-password DummyAuthenticator, since the test users have no passwords) plus a test-only
admin service that mints the tokens for the refused requests. Each student signs in through
Chromium, answers L00's graded question in JupyterLab, and submits with ``crmlab submit`` run as
that OS user in their server's session (its environment, so the server's own hub token: what a
terminal in JupyterLab runs); one student then tries to submit as another and to download another's bundle
through the service's API (both refused); the instructor lists and downloads through the service
and ``crmlab grade`` reads the store: a gradebook of exactly the three students.

Outside CI the test skips, with the reason, when a prerequisite is missing (root, useradd,
``make hub-deps``, Chromium, Playwright); in CI that is a failure.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from _infra import skip_or_fail

from crmlab.publish.demo_hub import ADMIN_SCOPES, demo_hub
from crmlab.publish.hub_service import INSTRUCTOR_SCOPE
from crmlab.quiz.submission import bundle_bytes, new_answers

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.kernel, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/browser/conftest.py
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Each student's answer to L00's graded question "submit", and the L00 points it earns.
STUDENTS = {"crmlab-e2e-s1": ("One bundle made on Friday with crmlab submit", 1.0),
            "crmlab-e2e-s2": ("Send screenshots of the quiz widgets", 0.0),
            "crmlab-e2e-s3": ("One bundle made on Friday with crmlab submit", 1.0)}
INSTRUCTOR = "crmlab-e2e-teacher"
SERVICE = "/services/crmlab-collect/api/"


def _require():
    problem = None
    if os.name != "posix" or os.geteuid() != 0:
        problem = "needs root (it creates operating-system users)"
    elif not shutil.which("useradd") or not shutil.which("userdel"):
        problem = "useradd/userdel not found"
    elif not PROXY.exists():
        problem = f"configurable-http-proxy not installed at {PROXY} (make hub-deps)"
    elif not Path(CHROMIUM).exists():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            import jupyterhub  # noqa: F401
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            problem = f"{exc.name} is not installed (pip install -e '.[hub,test]')"
    skip_or_fail("hub end-to-end test", problem)


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _closed_ancestors() -> list[Path]:
    """Folders on the way to the course environment that other users cannot traverse.

    The students' servers run the hub's own Python; on a machine where it lives under a private
    home (pyenv in /root) they could not start it. Production installs the course environment
    where every student can read it (README); the test opens the way for the run (o+x: traverse,
    not list) and closes it again.
    """
    closed = []
    for start in {Path(sys.executable).resolve(), Path(sys.base_prefix).resolve(),
                  Path(sys.prefix).resolve()}:
        for folder in [start, *start.parents]:
            if folder.is_dir() and not folder.stat().st_mode & 0o001 and folder not in closed:
                closed.append(folder)
    return closed


@pytest.fixture(scope="module")
def os_users():
    _require()
    opened = []
    try:
        for folder in _closed_ancestors():
            mode = folder.stat().st_mode & 0o7777
            folder.chmod(mode | 0o001)
            opened.append((folder, mode))
        yield from _users()
    finally:
        for folder, mode in opened:
            folder.chmod(mode)


def _users():
    names = [*STUDENTS, INSTRUCTOR]
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        pytest.fail(f"OS user {name} exists already (left by an earlier run?); remove it first")
    made = []
    try:
        for name in names:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name],
                           check=True, capture_output=True)
            made.append(name)
        yield names
    finally:
        for name in made:
            uid = pwd.getpwnam(name).pw_uid
            for pid in _pids_of(uid):  # the user's leftovers, by pid: servers, kernels
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)


@pytest.fixture(scope="module")
def hub(os_users, tmp_path_factory):
    """The course hub on free ports (LocalProcessSpawner: each server runs as its OS user);
    yields (base URL, admin token, state folder, shared password)."""
    state = tmp_path_factory.mktemp("hub-state")

    def service_up(hub):  # the collection service answers, and refuses the admin service
        try:
            _api(hub.base, SERVICE + "submissions", hub.token, expect=(403,))
            return True
        except (OSError, AssertionError):
            return False

    try:
        with demo_hub(state, students=list(STUDENTS), instructors=[INSTRUCTOR],
                      spawner="local", scopes=ADMIN_SCOPES + ("tokens",),
                      ready=service_up) as running:
            yield running.base, running.token, running.state, running.password
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if (state / "jupyterhub.log").exists():
            shutil.copy(state / "jupyterhub.log", ARTIFACTS / "hub-e2e-jupyterhub.log")


def _api(base, path, token=None, *, method="GET", data=None, expect=(200,)):
    """``(status, body)`` of one request; asserts the status is one of ``expect``."""
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    assert status in expect, f"{method} {path}: {status} {body[:300]!r}"
    return status, body


def _token(base, admin_token, user, *scopes, expect=(200, 201)) -> str:
    """A token of ``user`` that may use the collection service (what their server holds)."""
    body = json.dumps({"scopes": ["access:services!service=crmlab-collect", *scopes],
                       "note": "e2e"}).encode()
    _, answer = _api(base, f"/hub/api/users/{user}/tokens", admin_token, method="POST",
                     data=body, expect=expect)
    return json.loads(answer).get("token", "")


def _home(user) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def _server_environment(user) -> dict:
    """The environment the hub gave ``user``'s running server (its token included)."""
    uid = pwd.getpwnam(user).pw_uid
    for pid in _pids_of(uid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"jupyterhub-singleuser" in command:
                raw = Path(f"/proc/{pid}/environ").read_bytes()
                return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)
        except OSError:
            continue
    raise AssertionError(f"no running server of {user}")


def _submit_in_session(user) -> str:
    """`crmlab submit` as ``user``, in their server's session (what a terminal there runs)."""
    env = _server_environment(user)
    assert env["JUPYTERHUB_USER"] == user and env["CRMLAB_COLLECT_URL"]
    result = subprocess.run([str(Path(sys.executable).parent / "crmlab"), "submit"], env=env,
                            user=user, group=pwd.getpwnam(user).pw_gid, extra_groups=[],
                            cwd=env["CRMLAB_COURSE_DIR"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def _student_session(browser, base, user, password, label, artifacts):
    """Sign in, answer L00's graded question in JupyterLab, submit; return what it printed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/hub/login", timeout=60_000)
        page.fill("#username_input", user)
        page.fill("#password_input", password)
        page.click("#login_submit")
        deadline = time.monotonic() + 180
        while f"/user/{user}/lab" not in page.url:  # the spawn page, then JupyterLab
            if page.locator("text=/Internal Server Error|Spawn failed/").count():
                raise AssertionError(f"{user}'s server did not start: see "
                                     "test-artifacts/hub-e2e-jupyterhub.log")
            assert time.monotonic() < deadline, f"{user}: still at {page.url} after 180 s"
            page.wait_for_timeout(500)
        page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=180_000)
        page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        graded = page.locator(".crmlab-q-submit")
        graded.wait_for(state="attached", timeout=180_000)
        graded.scroll_into_view_if_needed()
        graded.locator(".widget-radio-box label", has_text=label).first.click()
        graded.locator("button", has_text="Save answer").click()
        graded.locator(".crmlab-feedback").get_by_text("Answer saved").wait_for(timeout=30_000)

        return _submit_in_session(user)
    finally:
        page.screenshot(path=str(artifacts / f"hub-{user}.png"))
        context.close()


def _students_in_chromium(base, password, artifacts) -> dict:
    """Every student's browser session, in a thread of its own: Playwright's sync API refuses
    to run where an asyncio loop is running (a session browser of tests/browser may hold one
    in the same xdist worker)."""
    from playwright.sync_api import sync_playwright

    printed = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for user, (label, _) in STUDENTS.items():
                printed[user] = _student_session(browser, base, user, password, label, artifacts)
        finally:
            browser.close()
    return printed


def test_a_class_on_jupyterhub(hub, tmp_path):
    base, admin_token, state, password = hub
    artifacts = ARTIFACTS
    artifacts.mkdir(exist_ok=True)
    store = state / "submissions"
    started = time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        outputs = pool.submit(_students_in_chromium, base, password, artifacts).result()
    receipts = {}
    for user, printed in outputs.items():
        assert printed.startswith(f"submitted L00 as {user}: received "), printed
        receipts[user] = printed.rsplit("sha256 ", 1)[1].strip()
    browser_seconds = time.monotonic() - started

    # The store: one bundle per student, under the hub user name, readable by root only.
    assert sorted(p.name for p in store.iterdir() if p.is_dir()) == sorted(STUDENTS)
    assert store.stat().st_mode & 0o077 == 0
    for user, digest in receipts.items():
        (bundle,) = (store / user).glob("*.zip")
        assert hashlib.sha256(bundle.read_bytes()).hexdigest() == digest

    # One student tries to submit as another, and to read another's bundle: both refused.
    thief, victim = "crmlab-e2e-s1", "crmlab-e2e-s2"
    token = _token(base, admin_token, thief)
    forged = bundle_bytes(victim, [("L00", json.dumps(
        new_answers(victim, "L00")).encode())], created="2026-01-01T00:00:00+00:00")
    _, answer = _api(base, SERVICE + "submissions", token, method="POST", data=forged,
                     expect=(403,))
    assert "signed in to the hub as 'crmlab-e2e-s1'" in json.loads(answer)["message"]
    (victim_bundle,) = (store / victim).glob("*.zip")
    _api(base, f"{SERVICE}submissions/{victim}/{victim_bundle.name}", token, expect=(403,))
    _, listing = _api(base, SERVICE + "submissions", token)
    assert {r["student_id"] for r in json.loads(listing)["submissions"]} == {thief}
    _api(base, SERVICE + "submissions", None, method="POST", data=forged, expect=(403,))
    assert [p.name for p in (store / victim).glob("*.zip")] == [victim_bundle.name]

    # The hub gives the instructor scope to no student's token, whoever asks.
    _token(base, admin_token, thief, INSTRUCTOR_SCOPE, expect=(400, 403))

    # The instructor lists and downloads everything through the service.
    teacher = _token(base, admin_token, INSTRUCTOR, INSTRUCTOR_SCOPE)
    _, listing = _api(base, SERVICE + "submissions", teacher)
    rows = json.loads(listing)["submissions"]
    assert sorted(r["student_id"] for r in rows) == sorted(STUDENTS)
    _, data = _api(base, f"{SERVICE}submissions/{victim}/{victim_bundle.name}", teacher)
    assert hashlib.sha256(data).hexdigest() == receipts[victim]

    # `crmlab grade` reads the store directly, with the service's receipts.
    out = tmp_path / "grades"
    result = subprocess.run(
        [sys.executable, "-m", "crmlab", "grade", str(store), "--out", str(out),
         "--receipts", str(store / "receipts.csv"), "--quiz", "L00", "--no-figures"],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    import pandas as pd

    book = pd.read_csv(out / "gradebook.csv")
    assert sorted(book["student_id"]) == sorted(STUDENTS)
    points = dict(zip(book["student_id"], book["L00"]))
    assert points == {user: earned for user, (_, earned) in STUDENTS.items()}
    submissions = pd.read_csv(out / "submissions.csv")
    assert submissions["received_at"].notna().all()
    print(f"hub e2e: three students through Chromium in {browser_seconds:.0f}s")
