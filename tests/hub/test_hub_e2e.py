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


# ------------------------------------------------------------------ exercise notebooks, both ways
FIXTURE = ROOT / "tests" / "fixtures" / "exercises" / "exercise" / "fixture_double.ipynb"
EXERCISE = "EX-fixture"
#: What each student types into the fixture exercise (from their own seed) and the points
#: that earns by hand: fx-double (1 point) is 2 * seed, fx-square (2 points) is seed * seed.
#: crmlab-e2e-s3 fetches a copy and hands nothing in.
ANSWERS = {"crmlab-e2e-s1": (lambda seed: (2 * seed, seed * seed + 1), 1.0),  # square wrong
           "crmlab-e2e-s2": (lambda seed: (2 * seed, seed * seed), 3.0)}
COURSE = f"""\
title: Hub exercise loop
timezone: UTC
assessments:
  - {{id: {EXERCISE}, kind: exercise, weight: 1, source: {FIXTURE},
     deadline: "2026-01-05T12:00"}}
"""


def _crmlab_as(user, *args, expect: int = 0) -> str:
    """``crmlab ARGS`` as ``user`` in their running server's session (its environment and hub
    token, its course folder): what a terminal in their JupyterLab runs. Returns stdout."""
    env = _server_environment(user)
    assert env["JUPYTERHUB_USER"] == user and env["CRMLAB_COLLECT_URL"]
    result = subprocess.run([str(Path(sys.executable).parent / "crmlab"), *args], env=env,
                            user=user, group=pwd.getpwnam(user).pw_gid, extra_groups=[],
                            cwd=env["CRMLAB_COURSE_DIR"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == expect, result.stdout + result.stderr
    return result.stdout if expect == 0 else result.stderr


def _server_running(base, admin_token, user) -> None:
    """Start ``user``'s server through the hub's REST API unless it runs (the Chromium test
    started them when it ran first), and wait until its process is there."""
    _api(base, f"/hub/api/users/{user}/server", admin_token, method="POST",
         expect=(201, 202, 400))  # 400: already running
    deadline = time.monotonic() + 120
    while True:
        try:
            _server_environment(user)
            return
        except AssertionError:
            assert time.monotonic() < deadline, f"{user}'s server did not start"
            time.sleep(0.5)


def _filled(path: Path, double, square) -> bytes:
    """The fetched notebook with the two answer cells filled in, as the student would."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") == "fx-03":
            cell["source"] = f"double = {double}"
        elif cell.get("id") == "fx-05":
            cell["source"] = f"square = {square}\nsquare"
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def _written_as(user, path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    account = pwd.getpwnam(user)
    os.chown(path, account.pw_uid, account.pw_gid)
    return path


def test_exercise_notebooks_on_jupyterhub(hub, tmp_path, monkeypatch, capsys, crmlab_home):
    """Assign -> one student gets their own data variant token in their server (none before the
    instructor publishes the tokens) -> each student fetches their own copy in their server
    (never another's) ->
    fills it in and hands it in with a receipt -> the instructor collects the hub store with
    the receipts, grades, and the gradebook equals the hand-computed points -> feedback pages
    published, each student fetches only their own -> a regrade request, listed and answered
    with points -> the history and the re-tabulated gradebook carry it."""
    import pandas as pd

    from crmlab.cli import main
    from crmlab.datasets import Variant
    from crmlab.datasets._variant import token_for
    from crmlab.exercises.keys import EXPECTED
    from crmlab.grading.receipts import read_receipts

    base, admin_token, state, _ = hub
    started = time.monotonic()
    store = state / "submissions"
    students = list(STUDENTS)
    for user in students:
        _server_running(base, admin_token, user)

    # The instructor assigns the exercise into the folder the service serves copies from.
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "hub-e2e-secret-123")
    monkeypatch.setitem(EXPECTED, "fx-double", lambda seed: 2 * seed)  # the instructor's keys
    monkeypatch.setitem(EXPECTED, "fx-square", lambda seed: seed * seed)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{user}\n" for user in students))
    assert main(["exercises", "assign", str(FIXTURE), "--roster", str(roster), "--out",
                 str(state / "assigned")]) == 0

    # Data variant tokens: none before the instructor publishes them, then each student's own.
    tokens_started = time.monotonic()
    first = students[0]
    refused = _crmlab_as(first, "student", "token", expect=1)
    assert "the instructor has not published the data variant tokens on the hub yet" in refused
    assert main(["quiz", "tokens", "--roster", str(roster), "--out",
                 str(state / "tokens.csv")]) == 0  # while the service runs
    mine = token_for(b"hub-e2e-secret-123", first)
    printed = _crmlab_as(first, "student", "token")
    assert printed == ("got your data variant token from the hub and kept it: your graded "
                       f"numbers are computed on your own variant ({Variant(mine).digest})\n")
    saved = json.loads((_home(first) / ".crmlab" / "config.json").read_text())
    assert saved["variant_token"] == mine
    others = {token_for(b"hub-e2e-secret-123", user) for user in students[1:]}
    server_token = _server_environment(first)["JUPYTERHUB_API_TOKEN"]
    _, answer = _api(base, SERVICE + "variant", server_token)
    assert json.loads(answer) == {"student_id": first, "token": mine} and mine not in others
    tokens_seconds = time.monotonic() - tokens_started

    # Each student fetches their own copy in their own server; nobody gets another's.
    fetched, seeds = {}, {}
    for user in students:
        printed = _crmlab_as(user, "fetch", "fixture_double")
        assert printed.startswith("wrote your copy to ") and printed.endswith(
            f"fixture_double__{user}.ipynb\n"), printed
        path = Path(printed.removeprefix("wrote your copy to ").strip())
        assert path.stat().st_uid == pwd.getpwnam(user).pw_uid
        parameters = json.loads(path.read_text())["metadata"]["papermill"]["parameters"]
        assert parameters["student_id"] == user
        fetched[user], seeds[user] = path, parameters["seed"]
    thief, victim = "crmlab-e2e-s1", "crmlab-e2e-s2"
    token = _server_environment(thief)["JUPYTERHUB_API_TOKEN"]
    for name in (f"fixture_double__{victim}", victim, "fixture_double__crmlab-e2e-s2.ipynb"):
        _api(base, f"{SERVICE}exercises/{name}", token, expect=(404,))
    _, listing = _api(base, SERVICE + "exercises", token)
    assert json.loads(listing) == {"exercises": [{"exercise": EXERCISE,
                                                  "stem": "fixture_double"}]}

    # Two students fill in their answers and hand in, under a name of their own choosing.
    receipts = {}
    for user, (answers, _) in ANSWERS.items():
        mine = _written_as(user, fetched[user].parent / "my answers.ipynb",
                           _filled(fetched[user], *answers(seeds[user])))
        printed = _crmlab_as(user, "submit", str(mine))
        assert printed.startswith(f"handed in {mine} ({EXERCISE}) as {user}: received "), printed
        when, digest = printed.split(": received ", 1)[1].strip().split(", sha256 ")
        assert digest == hashlib.sha256(mine.read_bytes()).hexdigest()
        receipts[user] = when
    # A classmate's notebook handed in by another is refused, and nothing is stored for it.
    stolen = _written_as(victim, fetched[victim].parent / "copied.ipynb",
                         fetched[thief].read_bytes())
    refused = _crmlab_as(victim, "submit", str(stolen), expect=1)
    assert f"exercise copy of student '{thief}' but you are signed in to the hub as " \
           f"'{victim}'" in refused

    # The instructor collects the hub store (its receipts are the times) and grades.
    grading, graded = tmp_path / "grading", tmp_path / "graded"
    assert main(["exercises", "collect", str(store / ".exercises"), "--out", str(grading),
                 "--exercise", str(FIXTURE), "--roster", str(roster)]) == 0
    collected = read_receipts(grading / "receipts.csv")
    assert collected.problems == []
    assert {user: collected.latest(user, EXERCISE).isoformat() for user in ANSWERS} == receipts
    assert main(["exercises", "grade", str(FIXTURE), str(grading), "--roster", str(roster),
                 "--out", str(graded), "--workers", "2", "--timeout", "60"]) == 0
    course = tmp_path / "course.yaml"
    course.write_text(COURSE)
    expected = {user: points for user, (_, points) in ANSWERS.items()} | {"crmlab-e2e-s3": 0.0}

    def gradebook(out):
        assert main(["gradebook", "--out", str(out), "--course", str(course), "--exercises",
                     str(graded), "--receipts", str(grading / "receipts.csv"), "--roster",
                     str(roster)]) == 0
        book = pd.read_csv(out / "gradebook.csv").set_index("student_id")
        return {user: float(book.loc[user, f"{EXERCISE} final"]) for user in students}

    assert gradebook(tmp_path / "book") == expected

    # Feedback published where the service serves it: each student fetches their own only.
    feedback = state / "feedback"
    assert main(["feedback", "--out", str(feedback), "--course", str(course), "--exercises",
                 str(graded), "--receipts", str(grading / "receipts.csv"), "--roster",
                 str(roster)]) == 0
    for user in students:
        printed = _crmlab_as(user, "fetch", "--feedback")
        page = Path(printed.removeprefix("wrote your feedback page to ").split(";")[0])
        text = page.read_text(encoding="utf-8")
        assert f"Feedback for {user}" in text
        assert not any(other in text for other in students if other != user)
    _api(base, f"{SERVICE}feedback/{victim}", token, expect=(403,))

    # A regrade request, listed and answered with points: history and gradebook carry it.
    printed = _crmlab_as(thief, "regrades", "request", "exercise", EXERCISE, "fx-square",
                         "--reason", "Off by one only: the method is right.")
    assert printed.startswith("regrade request R-") and \
        f" filed for {EXERCISE} fx-square: received " in printed
    request_id = printed.split()[2]
    capsys.readouterr()
    assert main(["regrades", "list", "--store", str(store), "--open"]) == 0
    assert [line.split()[:2] for line in capsys.readouterr().out.splitlines()] == [
        [request_id, thief]]
    assert main(["regrades", "answer", request_id, "--store", str(store), "--text",
                 "Right method, one slip: 1 of 2.", "--grading", str(graded),
                 "--points", "1"]) == 0
    changes = pd.read_csv(graded / "changes.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(changes["student_id"], changes["item"], changes["before"],
                      changes["after"], changes["reasons"])) == [
        (thief, EXERCISE, "1", "2",
         f"hand override; regrade answered: {EXERCISE} check fx-square"),
        (thief, "check:fx-square", "0", "1",
         f"hand override; regrade answered: {EXERCISE} check fx-square")]
    assert gradebook(tmp_path / "book2") == {**expected, thief: 2.0}
    mine = _crmlab_as(thief, "regrades", "mine").splitlines()
    assert mine[0].startswith(f"{request_id} {thief} exercise {EXERCISE} fx-square")
    assert mine[1].endswith(": Right method, one slip: 1 of 2.")
    # Published again, the student's page shows the points set by hand and why.
    assert main(["feedback", "--out", str(feedback), "--course", str(course), "--exercises",
                 str(graded), "--receipts", str(grading / "receipts.csv"), "--roster",
                 str(roster)]) == 0
    printed = _crmlab_as(thief, "fetch", "--feedback")
    text = Path(printed.removeprefix("wrote your feedback page to ").split(";")[0]).read_text()
    assert "<td>fx-square</td><td>not passed</td><td class=\"num\">1 of 2</td>" in text
    assert "Points set by hand by your instructor: Right method, one slip: 1 of 2." in text
    print(f"hub e2e: exercise notebooks round in {time.monotonic() - started:.0f}s "
          f"(data variant tokens {tokens_seconds:.1f}s)")

