"""crmlab.publish.hub_service (the store's rules) and `crmlab submit` in a hub session.

The service's HTTP side with real hub tokens (forbidden requests included) is tested end to end
in tests/hub/test_hub_e2e.py.
"""

import hashlib
import html
import http.server
import io
import json
import os
import threading
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crmlab import quiz, student
from crmlab.cli import main
from crmlab.grading.receipts import read_receipts
from crmlab.publish.hub_service import Refused, list_submissions, store_bundle
from crmlab.quiz.submit import bundle_data

NOON = datetime(2026, 9, 28, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    return folder


@pytest.fixture
def bundle(crmlab_home):
    student.set_id("ana")
    quiz.record("L00", "submit", "submit")
    return bundle_data()


def test_a_bundle_is_kept_under_the_user_with_a_receipt(bundle, store):
    receipt = store_bundle(store, "ana", bundle, now=NOON)
    again = store_bundle(store, "ana", bundle, now=NOON)
    assert receipt["file"] != again["file"] and receipt["sha256"] == again["sha256"]
    assert receipt["received_at"] == "2026-09-28T12:00:00+00:00" and receipt["quizzes"] == ["L00"]
    assert sorted(r["file"] for r in list_submissions(store)) == sorted([receipt["file"], again["file"]])
    assert (store / receipt["file"]).read_bytes() == bundle
    receipts = read_receipts(store / "receipts.csv")
    assert receipts.problems == [] and len(receipts.rows) == 2
    assert receipts.by_digest(receipt["sha256"]) == NOON
    assert receipts.latest("ana", "L00") == NOON


@pytest.mark.parametrize("user, data, status, code, message", [
    ("bob", None, 403, "bundle_of_another",
     "the bundle is for student 'ana' but you are signed in to the hub as 'bob'"),
    ("ana", b"x" * 101, 413, "upload_over_cap",
     "bundle of 101 bytes is larger than the cap of 100 bytes"),
    ("ana", b"PK\x03\x04 broken", 400, "not_zip", "not a crmlab submission bundle"),
    ("../ana", None, 403, "hub_user_not_student_id", "hub user name cannot be a student id"),
])
def test_refused_bundles_store_nothing(bundle, store, user, data, status, code, message):
    cap = 100 if data and len(data) > 100 else 2_000_000
    with pytest.raises(Refused, match="^" + message.replace("(", r"\(")) as caught:
        store_bundle(store, user, bundle if data is None else data, max_bytes=cap)
    assert (caught.value.status, caught.value.code) == (status, code)
    answer = caught.value.answer()  # what the service sends: the code for the student's language
    assert (answer["status"], answer["code"], answer["message"]) == (status, code,
                                                                     caught.value.reason)
    assert list(store.iterdir()) == []


def _forged(bundle, *, answer=None, repeat=1):
    """``bundle`` with the answer of 'submit' replaced by the raw JSON ``answer`` and its one
    manifest entry listed ``repeat`` times, checksums redone (a forger's bundle)."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as source:
        manifest = json.loads(source.read("manifest.json"))
        raw = source.read("answers/L00.json")
    if answer is not None:
        raw = raw.replace(b'"answer": "submit"', b'"answer": ' + answer)
    entry = {**manifest["quizzes"][0], "sha256": hashlib.sha256(raw).hexdigest()}
    manifest["quizzes"] = [entry] * repeat
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("answers/L00.json", raw)
        target.writestr("manifest.json", json.dumps(manifest, separators=(",", ":")))
    return out.getvalue()


@pytest.mark.parametrize("forge, code, message", [
    ({"answer": b"[" * 100_000 + b"]" * 100_000}, "nested_too_deep",
     "answers/L00.json nests lists or mappings more than 8 deep"),
    ({"answer": b"[" * 500 + b"]" * 500}, "nested_too_deep",
     "answers/L00.json nests lists or mappings more than 8 deep"),
    ({"repeat": 10_000}, "listed_twice", "'answers/L00.json' is listed twice in the submission"),
    ({"repeat": 2}, "listed_twice", "'answers/L00.json' is listed twice in the submission"),
])
def test_bundles_that_would_break_grading_are_refused(bundle, store, forge, code, message):
    with pytest.raises(Refused) as caught:
        store_bundle(store, "ana", _forged(bundle, **forge))
    assert (caught.value.status, caught.value.code) == (400, code)
    assert caught.value.reason == f"not a crmlab submission bundle ({message})"
    assert list(store.iterdir()) == []


def test_a_stored_bundle_with_a_number_too_large_for_a_float_cannot_break_grading(
        bundle, store, tmp_path):
    from crmlab.grading.quizzes import grade

    store_bundle(store, "ana", bundle, now=NOON)
    student.set_id("bob", replace=True)  # ana's answers stay hers
    quiz.record("L00", "submit", "submit")
    store_bundle(store, "bob", _forged(bundle_data(), answer=b"1" + b"0" * 400), now=NOON)
    result = grade(store, out=tmp_path / "out", quizzes=["L00"], receipts=store / "receipts.csv",
                   progress=False, figures=False)
    assert sorted(result.gradebook["student_id"]) == ["ana", "bob"]
    assert result.problems["code"].tolist() == ["answer_ignored"]
    assert result.problems["reason"][0] == (
        "answer ignored: question 'submit': Got option=1" + "0" * 119 + "... (401 characters) "
        "instead, expected one of 'answer-again', 'email-notebook', 'screenshot', 'submit'.")


class _Service(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):  # noqa: N802 (the http.server name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, self.headers["Authorization"], body))
        if self.headers["Authorization"] == "token of-bob":
            answer, status = Refused(403, code="bundle_of_another",
                                     params={"owner": "'ana'", "user": "'bob'"}).answer(), 403
        elif self.headers["Authorization"] != "token t0ken":
            answer, status = {"status": 403, "message": "no"}, 403
        else:
            answer, status = {"student_id": "ana", "quizzes": ["L00"], "sha256": "ab12",
                              "received_at": "2026-09-28T12:00:00+00:00", "file": "x"}, 201
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Service.seen.clear()
    yield f"http://127.0.0.1:{server.server_port}/services/crmlab-collect/"
    server.shutdown()


def test_submit_in_a_hub_session_sends_the_bundle_and_prints_the_receipt(
        crmlab_home, monkeypatch, service, capsys):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t0ken")
    monkeypatch.setenv("CRMLAB_COLLECT_URL", service)
    quiz.record("L00", "submit", "submit")
    assert main(["submit"]) == 0
    assert capsys.readouterr().out == (
        "submitted L00 as ana: received 2026-09-28T12:00:00+00:00, sha256 ab12\n")
    ((path, auth, body),) = _Service.seen
    assert path == "/services/crmlab-collect/api/submissions" and auth == "token t0ken"
    assert body[:2] == b"PK"
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "stolen")
    assert main(["submit"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: The collection service refused the bundle (403): no\n")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "of-bob")  # a refusal with its code
    assert main(["--lang", "az", "submit"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Toplama xidməti paketi qəbul etmədi (403): paket 'ana' tələbəsi "
        "üçündür, siz isə hub-a 'bob' kimi daxil olmusunuz; heç nə saxlanmadı\n")


def test_submit_without_out_outside_a_hub_is_a_one_line_error(crmlab_home, capsys):
    student.set_id("ana")
    assert main(["submit"]) == 1
    assert capsys.readouterr().err == ("crmlab: error: --out FILE.zip is required outside a "
                                       "JupyterHub session with a collection service\n")


class _Shapeless(http.server.BaseHTTPRequestHandler):
    """A service answering 200 with :attr:`body` to everything (a hub of another version)."""

    body = b"{}"

    def _answer(self):
        if self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer  # noqa: N815 (the http.server names)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("command, body, path, field", [
    (["submit"], {"student_id": "ana", "sha256": "ab", "received_at": "t", "file": "x"},
     "api/submissions", "quizzes"),
    (["submit", "NOTEBOOK"], {"sha256": "ab", "received_at": "t", "file": "x",
                              "student_id": "ana"}, "api/notebooks", "exercise"),
    (["submit", "NOTEBOOK"], [], "api/notebooks", "file"),
    (["fetch", "ex"], {"file": "ex__ana.ipynb"}, "api/exercises/ex", "notebook"),
    (["regrades", "request", "quiz", "L02", "scale", "--reason", "why"],
     {"id": "R-1", "assessment": "L02", "item": "scale"}, "api/regrades", "received_at"),
    (["regrades", "mine"], {"rows": []}, "api/regrades", "requests"),
    (["regrades", "mine"], {"requests": [{"id": "R-1", "student_id": "ana", "kind": "quiz",
                                          "assessment": "L02", "received_at": "t",
                                          "reason": "why"}]},
     "api/regrades", "requests[0].item"),
    (["regrades", "mine"], {"requests": [{"id": "R-1", "student_id": "ana", "kind": "quiz",
                                          "assessment": "L02", "item": "scale",
                                          "received_at": "t", "reason": "why",
                                          "answer": {"text": "ok"}}]},
     "api/regrades", "requests[0].answer.answered_at"),
    (["fetch", "ex"], None, "api/exercises/ex", ""),
])
def test_an_answer_of_the_wrong_shape_is_one_line_naming_the_url_and_field(
        crmlab_home, monkeypatch, tmp_path, capsys, command, body, path, field):
    """Review fix: a reply without a field was a KeyError traceback."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Shapeless)
    _Shapeless.body = b"<html>a proxy page</html>" if body is None else json.dumps(body).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/services/crmlab-collect/"
    try:
        student.set_id("ana")
        quiz.record("L00", "submit", "submit")
        monkeypatch.setenv("JUPYTERHUB_USER", "ana")
        monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t0ken")
        monkeypatch.setenv("CRMLAB_COLLECT_URL", url)
        notebook = tmp_path / "ex__ana.ipynb"
        notebook.write_bytes(_nb())
        command = [str(notebook) if part == "NOTEBOOK" else part for part in command]
        assert main([*command, *(["--to", str(tmp_path / "to")] if command[0] == "fetch"
                                 else [])]) == 1
    finally:
        server.shutdown()
        server.server_close()
    what = (f"the collection service's answer has no field '{field}'" if field else
            "the collection service's answer is not JSON")
    assert capsys.readouterr().err == (
        f"crmlab: error: {url}{path}: {what}; is the hub's crmlab the same version as yours?\n")
    assert not (tmp_path / "to").exists()


# ------------------------------------------------------------------ exercise notebooks
EXERCISE_NB = {"cells": [], "metadata": {"crmlab": {"kind": "exercise", "id": "EX-x"},
                                          "papermill": {"parameters": {"student_id": "ana",
                                                                       "seed": 7}}},
               "nbformat": 4, "nbformat_minor": 5}


def _nb(student="ana", **crmlab) -> bytes:
    nb = json.loads(json.dumps(EXERCISE_NB))
    nb["metadata"]["papermill"]["parameters"]["student_id"] = student
    nb["metadata"]["crmlab"].update(crmlab)
    return json.dumps(nb).encode()


def test_a_notebook_is_kept_under_the_user_with_its_receipt(store):
    from crmlab.publish.hub_service import store_notebook

    data = _nb()
    receipt = store_notebook(store, "ana", data, now=NOON)
    assert receipt == {"student_id": "ana", "exercise": "EX-x", "sha256":
                       hashlib.sha256(data).hexdigest(), "received_at": "2026-09-28T12:00:00+00:00",
                       "bytes": len(data), "file": receipt["file"]}
    assert receipt["file"].startswith("ana/20260928T120000Z-") and receipt["file"].endswith(".ipynb")
    kept = store / ".exercises" / receipt["file"]
    assert kept.read_bytes() == data
    receipts = read_receipts(store / ".exercises" / "receipts.csv")
    assert receipts.problems == [] and receipts.latest("ana", "EX-x") == NOON
    assert list_submissions(store) == []  # the quiz bundles' listing is not confused by it


@pytest.mark.parametrize("user, data, status, code, message", [
    ("bob", _nb("ana"), 403, "notebook_of_another",
     "the notebook is the exercise copy of student 'ana' but you are signed in to the hub as "
     "'bob'; nothing was stored"),
    ("ana", _nb(kind="lesson"), 400, "notebook_unidentified",
     "this is not an exercise copy crmlab assigned (not a crmlab exercise notebook (no "
     "metadata.crmlab of kind exercise)): hand in the copy `crmlab fetch` gave you; nothing "
     "was stored"),
    ("ana", b"{", 400, "notebook_unidentified",
     "this is not an exercise copy crmlab assigned (not a readable notebook (not JSON: "
     "JSONDecodeError)): hand in the copy `crmlab fetch` gave you; nothing was stored"),
    ("ana", _nb() + b" " * 200, 413, "notebook_over_cap", None),
    ("../ana", _nb(), 403, "hub_user_not_student_id", None),
])
def test_refused_notebooks_store_nothing(store, user, data, status, code, message):
    from crmlab.publish.hub_service import store_notebook

    with pytest.raises(Refused) as caught:
        store_notebook(store, user, data, max_bytes=len(_nb()) + 100)
    assert (caught.value.status, caught.value.code) == (status, code)
    if message:
        assert caught.value.reason == message
    assert list(store.iterdir()) == []


def test_only_the_users_own_assigned_notebook_is_given(tmp_path):
    from crmlab.publish.hub_service import assigned_exercises, assigned_notebook

    folder = tmp_path / "assigned"
    (folder / "week5").mkdir(parents=True)
    (folder / "ex__ana.ipynb").write_bytes(_nb("ana"))
    (folder / "week5" / "other__ana.ipynb").write_bytes(_nb("ana", id="EX-other"))
    (folder / "ex__bob.ipynb").write_bytes(_nb("bob"))
    (folder / "forged__eve.ipynb").write_bytes(_nb("bob", id="EX-forged"))  # says it is bob's
    assert assigned_notebook(folder, "ana", "ex") == ("ex__ana.ipynb", _nb("ana"))
    assert assigned_notebook(folder, "ana", "EX-other")[0] == "other__ana.ipynb"
    assert assigned_notebook(folder, "bob", "EX-x") == ("ex__bob.ipynb", _nb("bob"))
    assert assigned_exercises(folder, "ana") == [{"exercise": "EX-x", "stem": "ex"},
                                                 {"exercise": "EX-other", "stem": "other"}]
    for user, exercise in [("eve", "forged"), ("eve", "EX-forged"), ("carl", "ex"),
                           ("ana", "bob"), ("ana", "*")]:
        with pytest.raises(Refused) as caught:
            assigned_notebook(folder, user, exercise)
        assert caught.value.status == 404 and caught.value.code == "not_assigned"


# ------------------------------------------------------------------ the service over HTTP
#: hub token -> the user the hub would say it belongs to (the stand-in for the hub's API)
TOKENS = {"token-st-a": "st-a", "token-st-b": "st-b", "token-teacher": "teacher"}
_ACCESS = "access:services!service=crmlab-collect"


class _Hub:
    """A stand-in for the hub: the real :class:`HubAuth` (token header, scopes), answering
    ``user_for_token`` from :data:`TOKENS` instead of asking a hub."""

    @staticmethod
    def make():
        from jupyterhub.services.auth import HubAuth

        class FakeHubAuth(HubAuth):
            def user_for_token(self, token, use_cache=True, session_id="", *, sync=True):
                name = TOKENS.get(token)
                model = {"kind": "user", "name": name, "scopes": [_ACCESS] + (
                    ["custom:crmlab:collect"] if name == "teacher" else [])} if name else None
                if sync:
                    return model

                async def answer():
                    return model
                return answer()

        return FakeHubAuth(api_token="service-token", api_url="http://127.0.0.1:1/hub/api",
                           access_scopes={_ACCESS})


@pytest.fixture
def running(tmp_path):
    """The collection service in-process on a free port (its own thread and loop): yields a
    function that starts it for ``(store, assigned, feedback, tokens)`` and returns its URL."""
    import asyncio

    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from crmlab.publish.hub_service import make_app

    started = []

    def start(store, assigned=None, feedback=None, tokens=None):
        app = make_app(store, prefix="/services/crmlab-collect/", assigned=assigned,
                       feedback=feedback, tokens=tokens, hub_auth=_Hub.make())
        sockets = bind_sockets(0, "127.0.0.1")
        port = sockets[0].getsockname()[1]
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(loop)
            server = HTTPServer(app, max_body_size=30_000_000)
            server.add_sockets(sockets)
            started.append((loop, server))
            loop.call_soon(ready.set)
            loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)
        return f"http://127.0.0.1:{port}/services/crmlab-collect/"

    yield start
    for loop, server in started:
        loop.call_soon_threadsafe(server.stop)
        loop.call_soon_threadsafe(loop.stop)


FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exercises" / "exercise" / \
    "fixture_double.ipynb"
EXERCISE = "EX-fixture"


def _as(monkeypatch, user, url):
    """This server's hub session: ``user`` signed in, its token for the service."""
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", f"token-{user}")
    monkeypatch.setenv("CRMLAB_COLLECT_URL", url)


def _answered(path: Path, double: str) -> bytes:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") == "fx-03":
            cell["source"] = double
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def test_assign_fetch_submit_collect_on_the_hub(crmlab_home, tmp_path, monkeypatch, capsys,
                                                running):
    """Assign two students; each fetches their own copy (never the other's), hands it in
    (st-a twice), a copy of st-a's handed in by st-b is refused; the instructor collects the
    service's folder: st-a's latest notebook with the service's receipt, st-b's."""
    _hub_round(tmp_path, monkeypatch, capsys, running)


@pytest.mark.kernel
def test_the_hub_round_grades_with_the_services_receipts(crmlab_home, tmp_path, monkeypatch,
                                                         capsys, running):
    """The grading folder of the hub round grades like any other: st-a's latest notebook
    (fx-double solved: 1 point of 3), st-b's untouched copy (0)."""
    import pandas as pd

    grading, roster = _hub_round(tmp_path, monkeypatch, capsys, running)
    assert main(["exercises", "grade", str(FIXTURE), str(grading), "--roster", str(roster),
                 "--out", str(tmp_path / "graded"), "--workers", "2", "--timeout", "60"]) == 0
    details = pd.read_csv(tmp_path / "graded" / "details.csv", dtype=str,
                          keep_default_na=False).set_index("student_id")
    assert {s: float(row["total"]) for s, row in details.iterrows()} == {"st-a": 1.0,
                                                                         "st-b": 0.0}


def _hub_round(tmp_path, monkeypatch, capsys, running):
    """Assign -> fetch -> submit -> collect on an in-process service; return the grading
    folder and the roster."""
    import pandas as pd

    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "fixture-secret-123")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nst-a\nst-b\n", encoding="utf-8")
    # The fixture's keys, which a course's keys file would hold (assign digests its checks).
    from crmlab.exercises.keys import EXPECTED
    monkeypatch.setitem(EXPECTED, "fx-double", lambda seed: 2 * seed)
    monkeypatch.setitem(EXPECTED, "fx-square", lambda seed: seed * seed)
    assigned, store = tmp_path / "assigned", tmp_path / "store"
    store.mkdir()
    assert main(["exercises", "assign", str(FIXTURE), "--roster", str(roster), "--out",
                 str(assigned)]) == 0
    url = running(store, assigned)
    capsys.readouterr()

    home_a, home_b = tmp_path / "a", tmp_path / "b"
    _as(monkeypatch, "st-a", url)
    assert main(["fetch", "fixture_double", "--to", str(home_a)]) == 0
    mine = home_a / "fixture_double__st-a.ipynb"
    assert capsys.readouterr().out == f"wrote your copy to {mine}\n"
    assert mine.read_bytes() == (assigned / "fixture_double__st-a.ipynb").read_bytes()
    mine.write_bytes(b"my work so far")  # fetching again never overwrites it
    assert main(["fetch", EXERCISE, "--to", str(home_a)]) == 0
    again = home_a / "fixture_double__st-a (2).ipynb"
    assert capsys.readouterr().out == (f"{mine} is already there and was left as it is; your "
                                       f"copy was written to {again}\n")
    assert mine.read_bytes() == b"my work so far" and again.is_file()
    assert main(["fetch", "rfm_pyramid", "--to", str(home_a)]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: The collection service did not give your copy (404): no notebook of "
        "rfm_pyramid is assigned to 'st-a'\n")

    first = home_a / "first.ipynb"
    first.write_bytes((assigned / "fixture_double__st-a.ipynb").read_bytes())
    assert main(["submit", str(first)]) == 0
    assert capsys.readouterr().out.startswith(f"handed in {first} (EX-fixture) as st-a: "
                                              "received ")
    final = home_a / "renamed by the student.ipynb"
    final.write_bytes(_answered(again, "double = 2 * seed"))
    assert main(["submit", str(final)]) == 0
    receipt_line = capsys.readouterr().out

    _as(monkeypatch, "st-b", url)
    assert main(["fetch", "fixture_double", "--to", str(home_b)]) == 0
    theirs = home_b / "fixture_double__st-b.ipynb"
    assert json.loads(theirs.read_text())["metadata"]["papermill"]["parameters"][
        "student_id"] == "st-b"
    capsys.readouterr()
    assert main(["submit", str(final)]) == 1  # st-a's notebook, handed in by st-b
    assert capsys.readouterr().err == (
        "crmlab: error: The collection service refused the notebook (403): the notebook is the "
        "exercise copy of student 'st-a' but you are signed in to the hub as 'st-b'; nothing "
        "was stored\n")
    assert main(["--lang", "az", "submit", str(home_b / "nothing.ipynb")]) == 1
    assert "oxunmur" in capsys.readouterr().err
    assert main(["submit", str(theirs)]) == 0
    capsys.readouterr()

    grading = tmp_path / "grading"
    assert main(["exercises", "collect", str(store / ".exercises"), "--out", str(grading),
                 "--exercise", str(FIXTURE), "--roster", str(roster)]) == 0
    printed = capsys.readouterr()
    assert "WARNING" not in printed.err  # the service's receipts are the times, not file times
    rows = pd.read_csv(grading / "collect.csv", dtype=str, keep_default_na=False)
    verdicts = sorted(zip(rows["owner"], rows["student_id"], rows["verdict"], rows["code"],
                          rows["time_source"]))
    assert verdicts == [("", "", "skipped", "service_receipts", ""),
                        ("st-a", "", "skipped", "resubmitted", ""),
                        ("st-a", "st-a", "collected", "collected", "hub-receipt"),
                        ("st-b", "st-b", "collected", "collected", "hub-receipt")]
    assert (grading / "fixture_double__st-a.ipynb").read_bytes() == final.read_bytes()
    assert (grading / "fixture_double__st-b.ipynb").read_bytes() == theirs.read_bytes()
    receipts = read_receipts(grading / "receipts.csv")
    assert receipts.problems == [] and len(receipts.rows) == 2
    service = read_receipts(store / ".exercises" / "receipts.csv")
    assert receipts.latest("st-a", EXERCISE) == \
        service.latest("st-a", EXERCISE)
    when = receipts.latest("st-a", EXERCISE).isoformat()
    digest = hashlib.sha256(final.read_bytes()).hexdigest()
    assert receipt_line.endswith(f"received {when}, sha256 {digest}\n")
    problems = pd.read_csv(grading / "problems.csv", dtype=str, keep_default_na=False)
    assert problems.empty  # a resubmission is no problem
    return grading, roster


def _get(url, token):
    """``(status, content type, body)`` of a GET with a hub token."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_each_student_reads_only_their_own_feedback_page(crmlab_home, tmp_path, monkeypatch,
                                                         capsys, running):
    store, pages = tmp_path / "store", tmp_path / "feedback"
    store.mkdir()
    url = running(store, feedback=pages)
    _as(monkeypatch, "st-a", url)
    assert main(["fetch", "--feedback", "--to", str(tmp_path / "a")]) == 1  # not yet published
    assert capsys.readouterr().err == (
        "crmlab: error: The collection service did not give your feedback page (404): no "
        "feedback page has been published for 'st-a' yet\n")
    pages.mkdir()
    (pages / "st-a.html").write_text("<p>st-a: 7/10</p>")
    (pages / "st-b.html").write_text("<p>st-b: 9/10</p>")
    assert main(["fetch", "--feedback", "--to", str(tmp_path / "a")]) == 0
    written = tmp_path / "a" / "feedback.html"
    assert capsys.readouterr().out == (f"wrote your feedback page to {written}; open it in "
                                       "JupyterLab or a browser\n")
    assert written.read_text() == "<p>st-a: 7/10</p>"
    assert main(["fetch", "--feedback", "--to", str(tmp_path / "a")]) == 0  # kept, not replaced
    assert (tmp_path / "a" / "feedback (2).html").is_file() and \
        written.read_text() == "<p>st-a: 7/10</p>"
    assert main(["fetch"]) == 1
    assert capsys.readouterr().err.endswith("give an EXERCISE to fetch, or --feedback (not "
                                            "both)\n")
    api = url + "api/feedback"
    status, kind, body = _get(api, "token-st-a")
    assert (status, kind, body) == (200, "text/html; charset=utf-8", b"<p>st-a: 7/10</p>")
    assert _get(api + "/st-b", "token-st-a")[0] == 403  # another student's page
    assert _get(api + "/st-b", "token-st-b")[2] == b"<p>st-b: 9/10</p>"
    assert _get(api + "/st-b", "token-teacher")[2] == b"<p>st-b: 9/10</p>"
    assert _get(api + "/..%2Fst-b", "token-st-a")[0] == 404  # no path out of the folder
    assert _get(api, "stolen")[0] == 403


def test_regrade_requests_queue_answers_and_history(crmlab_home, tmp_path, monkeypatch, capsys,
                                                    running):
    from crmlab.grading.history import REGRADES

    store = tmp_path / "store"
    store.mkdir()
    url = running(store)
    _as(monkeypatch, "st-a", url)
    assert main(["regrades", "request", "quiz", "L02", "scale", "--reason",
                 "4.2 rounds to the key's 4."]) == 0
    filed = capsys.readouterr().out
    assert filed.startswith("regrade request R-") and " filed for L02 scale: received " in filed
    request_id = filed.split()[2]
    assert main(["regrades", "request", "quiz", "L02", "../x", "--reason", "x"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: The collection service refused the regrade request (400): regrade "
        "request: item must be a question or check id (1 to 64 letters, digits, '-', '_' or "
        "'.', not starting with '.' and without '..')\n")
    _as(monkeypatch, "st-b", url)
    assert main(["regrades", "request", "exercise", "EX-x", "rfm", "--reason", "see cell 4"]) == 0
    assert main(["regrades", "mine"]) == 0
    mine = capsys.readouterr().out.splitlines()
    assert len(mine) == 2 and " st-b exercise EX-x rfm (received " in mine[1]  # not st-a's
    status, _, body = _get(url + "api/regrades", "token-teacher")
    assert status == 200 and len(json.loads(body)["requests"]) == 2

    grading = tmp_path / "grading"
    assert main(["regrades", "list", "--store", str(store), "--open"]) == 0
    assert [line.split()[:2] for line in capsys.readouterr().out.splitlines()] == [
        [request_id, "st-a"], [line.split()[0] for line in mine[1:]] + ["st-b"]]
    assert main(["regrades", "answer", request_id, "--store", str(store), "--text",
                 "Right: the key now accepts 4.2.", "--grading", str(grading)]) == 1
    assert capsys.readouterr().err == (
        f"crmlab: error: --grading {grading}: not a grading folder (no run.json of crmlab grade "
        "or crmlab exercises grade); nothing was answered\n")
    assert not (store / ".regrades" / "answers.jsonl").exists() and not grading.exists()
    grading.mkdir()
    (grading / "run.json").write_text('{"run": "20261201T120000Z", "students": {}}')
    assert main(["regrades", "answer", request_id, "--store", str(store), "--text",
                 "Right: the key now accepts 4.2.", "--grading", str(grading)]) == 0
    answered = capsys.readouterr().out.splitlines()
    assert answered[1].startswith("  answered ") and answered[1].endswith(
        ": Right: the key now accepts 4.2.")
    assert answered[2] == f"kept in {grading / REGRADES}"
    assert main(["regrades", "list", "--store", str(store), "--open"]) == 0
    assert request_id not in capsys.readouterr().out
    _as(monkeypatch, "st-a", url)
    assert main(["--lang", "az", "regrades", "mine"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("  cavab ")


# ------------------------------------------------------------------ data variant tokens
SECRET = "hub-test-secret-123"
NOT_PUBLISHED = ("crmlab: error: The collection service did not give your data variant token "
                 "(404): the instructor has not published the data variant tokens on the hub "
                 "yet; until then you work on the practice variant\n")


def _publish(tmp_path, monkeypatch, out, *students):
    """``crmlab quiz tokens`` for ``students`` into ``out``, as the instructor runs it."""
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{name}\n" for name in students))
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    assert main(["quiz", "tokens", "--roster", str(roster), "--out", str(out)]) == 0


def test_each_student_gets_their_own_variant_token_once_published(
        crmlab_home, tmp_path, monkeypatch, capsys, running):
    """Students only their own, an instructor included (no route names another user; the
    instructor has the file): 404 before publishing, a file published later is served, a
    file published again replaces the earlier, the token kept by `crmlab student token`."""
    from crmlab.datasets import Variant, variant
    from crmlab.datasets._variant import token_for

    store, tokens = tmp_path / "store", tmp_path / "tokens.csv"
    store.mkdir()
    url = running(store, tokens=tokens)
    api = url + "api/variant"
    _as(monkeypatch, "st-a", url)
    assert main(["student", "token"]) == 1  # nothing published yet, and nothing saved
    assert capsys.readouterr().err == NOT_PUBLISHED
    assert variant().practice
    status, _, body = _get(api, "token-st-a")
    assert (status, json.loads(body)["code"]) == (404, "tokens_not_published")

    _publish(tmp_path, monkeypatch, tokens, "st-a", "st-b")  # while the service runs
    assert tokens.stat().st_mode & 0o077 == 0  # the class's tokens: the owner's alone
    capsys.readouterr()
    mine = Variant(token_for(SECRET.encode(), "st-a"))
    assert main(["student", "token"]) == 0
    assert capsys.readouterr().out == (
        "got your data variant token from the hub and kept it: your graded numbers are "
        f"computed on your own variant ({mine.digest})\n")
    assert variant().token == mine.token
    tokens.unlink()  # kept: asked again, the saved token is printed without asking the hub
    assert main(["student", "token"]) == 0
    assert capsys.readouterr().out == f"you work on your own data variant ({mine.digest})\n"

    _publish(tmp_path, monkeypatch, tokens, "st-a", "st-b")
    theirs = token_for(SECRET.encode(), "st-b")
    assert _get(api, "token-st-b")[:2] == (200, "application/json; charset=UTF-8")
    assert json.loads(_get(api, "token-st-b")[2]) == {"student_id": "st-b", "token": theirs}
    assert json.loads(_get(api, "token-st-a")[2])["token"] == mine.token
    for path in (api + "/st-b", api + "?user=st-b", api + "?student_id=st-b"):
        status, _, body = _get(path, "token-st-a")
        assert theirs.encode() not in body and (status == 404 or json.loads(body)["token"]
                                                == mine.token)
    status, _, body = _get(api, "token-teacher")  # not on the list: nobody's token
    assert (status, json.loads(body)["code"]) == (404, "no_variant_token")
    assert theirs.encode() not in body and mine.token.encode() not in body
    assert _get(api, "stolen")[0] == 403

    _publish(tmp_path, monkeypatch, tokens, "st-a")  # published again, without st-b
    _as(monkeypatch, "st-b", url)
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home-b"))  # st-b's own server
    capsys.readouterr()
    assert main(["--lang", "az", "student", "token"]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Toplama xidməti məlumat variantı kodunuzu vermədi (404): 'st-b' üçün "
        "məlumat variantı kodu dərc olunmayıb; kodunuzu müəllimdən istəyin (o vaxta qədər "
        "məşq variantı üzərində işləyirsiniz)\n")


GOOD = "0123456789abcdef"


@pytest.mark.parametrize("data, tokens, problems", [
    ((f"student_id,token\nst-a,{GOOD}\n../x,{GOOD}\nst-b,XYZ\nst-c\n\n"
      f"st-d,practice\n\"st-e,{GOOD}\n").encode(), {"st-a": GOOD},
     ["line 3: '../x' is not a student id", "line 4: the token of 'st-b' is not 16 hex digits",
      "line 5: not a row of student_id and token",
      "line 7: the token of 'st-d' is not 16 hex digits",
      "line 8: not a row of student_id and token"]),
    # spreadsheet habits: a BOM, CRLF, quotes, other columns first, capitals, spaces
    (f'\ufeffname,token,student_id\r\n"Ana K",{GOOD.upper()}, st-a \r\n'.encode(),
     {"st-a": GOOD}, []),
    # bytes that are not UTF-8 in one row skip that row only
    (f"student_id,token\nst-a,{GOOD}\n".encode() + b"st-\xff,0123456789abcdef\n"
     + b"st-b,01234567\xe9\xe9abcdef\n", {"st-a": GOOD},
     ["line 3: 'st-\ufffd' is not a student id",
      "line 4: the token of 'st-b' is not 16 hex digits"]),
    # the same student twice: the same token is no problem, another one gives neither
    (f"student_id,token\nst-a,{GOOD}\nst-a,{GOOD}\nst-b,{GOOD}\nst-b,{GOOD[::-1]}\n"
     f"st-b,{GOOD}\n".encode(), {"st-a": GOOD},
     ["line 5: 'st-b' is listed again with another token: neither is given",
      "line 6: 'st-b' is listed again with another token: neither is given"]),
    # a cell larger than the csv module takes, a NUL, a row of one huge id
    (f"student_id,token\nst-a,{GOOD}\n".encode() + b'"' + b"x" * 200_000 + b'",1\n'
     + b"st-\0,0123456789abcdef\n" + b"y" * 300 + b",0123456789abcdef\n", {"st-a": GOOD},
     ["line 3: not a row of student_id and token", "line 4: 'st-\\x00' is not a student id",
      "line 5: '" + "y" * 40 + "...' is not a student id"]),
    # thousands of bad rows: the first 20 logged, the rest counted
    (("student_id,token\n" + "bad row\n" * 5000 + f"st-a,{GOOD}\n").encode(), {"st-a": GOOD},
     [f"line {n}: not a row of student_id and token" for n in range(2, 22)]
     + ["4980 more rows skipped"]),
])
def test_a_bad_row_of_the_tokens_file_is_skipped_and_said(tmp_path, data, tokens, problems):
    from crmlab.publish.hub_service import read_tokens

    path = tmp_path / "tokens.csv"
    path.write_bytes(data)
    found, said = read_tokens(path)
    assert found == tokens
    assert said == [f"tokens.csv {p}; row skipped" if p.startswith("line ") else
                    f"tokens.csv: {p}" for p in problems]


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b"x" * 101), "101 bytes, larger than the cap of 100"),
    (lambda p: p.write_text("student_id,secret\nst-a,0123456789abcdef\n"),
     "no header row naming the columns student_id and token"),
    (lambda p: p.write_bytes(b"student_\xffid,token\n"),
     "no header row naming the columns student_id and token"),
    (lambda p: p.write_bytes(b"\n\n"), "no header row naming the columns student_id and token"),
    (lambda p: p.mkdir(), "not a regular file"),
    (lambda p: os.mkfifo(p), "not a regular file"),  # and no wait for a writer
    (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
    (lambda p: (p.with_name("real.csv").write_text("student_id,token\nst-a,0123456789abcdef\n"),
                p.symlink_to(p.with_name("real.csv"))), "not a regular file"),  # never followed
])
def test_a_tokens_file_that_cannot_be_used_gives_no_token(tmp_path, make, reason):
    from crmlab.publish.hub_service import read_tokens

    path = tmp_path / "tokens.csv"
    make(path)
    with pytest.raises(Refused) as caught:
        read_tokens(path, max_bytes=100)
    assert (caught.value.status, caught.value.code) == (404, "tokens_unreadable")
    assert caught.value.detail == f"{path}: {reason}; no data variant token is given"
    assert caught.value.answer() == {  # the student is not told where the instructor keeps it
        "status": 404, "code": "tokens_unreadable", "params": {},
        "message": "the hub's list of data variant tokens cannot be read; ask your instructor "
                   "(until then you work on the practice variant)"}


def test_a_tokens_file_growing_while_read_past_the_cap_gives_no_token(tmp_path, monkeypatch):
    from crmlab.core import safe_files
    from crmlab.publish.hub_service import read_tokens

    path = tmp_path / "tokens.csv"
    path.write_text("student_id,token\nst-a,0123456789abcdef\n")
    size = path.stat().st_size
    real = os.fstat

    def fstat(fd):  # the size when it was opened: it grew after
        found = real(fd)
        return os.stat_result((*found[:6], 10, *found[7:10]))

    monkeypatch.setattr(safe_files.os, "fstat", fstat)
    assert read_tokens(path, max_bytes=size) == ({"st-a": "0123456789abcdef"}, [])
    with pytest.raises(Refused) as caught:
        read_tokens(path, max_bytes=size - 1)
    assert caught.value.detail == (f"{path}: larger than the cap of {size - 1} bytes; no data "
                                   "variant token is given")


def test_a_hostile_tokens_file_is_never_a_server_error(crmlab_home, tmp_path, monkeypatch,
                                                       running, caplog):
    """Too large, not UTF-8 at all, bad rows: 404 or the good rows' tokens, each problem
    logged once per reading of the file (not per request)."""
    from crmlab.publish.hub_service import TOKENS_BYTES

    store, tokens = tmp_path / "store", tmp_path / "tokens.csv"
    store.mkdir()
    api = running(store, tokens=tokens) + "api/variant"
    caplog.set_level("INFO", logger="tornado.application")
    with open(tokens, "wb") as handle:  # sparse: larger than the cap without the disk
        handle.truncate(TOKENS_BYTES + 1)
    for _ in range(2):
        status, _, body = _get(api, "token-st-a")
        assert (status, json.loads(body)["code"]) == (404, "tokens_unreadable")
        assert str(tokens).encode() not in body
    said = [r.getMessage() for r in caplog.records if "data variant tokens" in r.getMessage()]
    assert said == [f"data variant tokens: {tokens}: {TOKENS_BYTES + 1} bytes, larger than "
                    f"the cap of {TOKENS_BYTES}; no data variant token is given"]
    caplog.clear()
    tokens.write_bytes("student_id,token\nst-a,0123456789abcdef\n".encode("utf-16"))
    assert _get(api, "token-st-a")[0] == 404
    tokens.write_bytes(b"student_id,token\nst-\xff,0123456789abcdef\nst-a,"
                       b"fedcba9876543210\nst-b,\x00\x00\n")
    for _ in range(2):
        status, _, body = _get(api, "token-st-a")
        assert (status, json.loads(body)) == (200, {"student_id": "st-a",
                                                    "token": "fedcba9876543210"})
    status, _, body = _get(api, "token-st-b")
    assert (status, json.loads(body)["code"]) == (404, "no_variant_token")
    said = [r.getMessage() for r in caplog.records if "data variant tokens" in r.getMessage()]
    assert said[1:] == [
        "data variant tokens: tokens.csv line 2: 'st-\ufffd' is not a student id; row skipped",
        "data variant tokens: tokens.csv line 4: the token of 'st-b' is not 16 hex digits; "
        "row skipped", f"data variant tokens: read 1 from {tokens}"]
    assert "no header row" in said[0]  # the UTF-16 file


@pytest.mark.parametrize("body, field", [
    ({"student_id": "ana"}, "no field 'token'"),
    ({"student_id": "ana", "token": "XYZ"}, "a wrong 'token'"),
    ({"student_id": "ana", "token": "practice"}, "a wrong 'token'"),
    ({"student_id": "ana", "token": ["0123456789abcdef"]}, "a wrong 'token'"),
    ({"student_id": "bob", "token": "0123456789abcdef"}, "a wrong 'student_id'"),
])
def test_a_variant_token_answer_of_the_wrong_shape_saves_nothing(crmlab_home, monkeypatch,
                                                                  capsys, body, field):
    from crmlab.datasets import variant

    server = http.server.HTTPServer(("127.0.0.1", 0), _Shapeless)
    _Shapeless.body = json.dumps(body).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/services/crmlab-collect/"
    try:
        _as(monkeypatch, "ana", url)
        assert main(["student", "token"]) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert capsys.readouterr().err == (
        f"crmlab: error: {url}api/variant: the collection service's answer has {field}; is the "
        "hub's crmlab the same version as yours?\n")
    assert variant().practice and not (crmlab_home / "config.json").exists()


def test_off_the_hub_student_token_says_to_ask_the_instructor(crmlab_home, monkeypatch,
                                                              capsys):
    monkeypatch.setenv("CRMLAB_COLLECT_URL", "http://127.0.0.1:1/services/crmlab-collect/")
    assert main(["student", "token"]) == 0  # no hub session: the service is not asked
    assert capsys.readouterr().out == (
        "no data variant token yet: you work on the practice variant. Ask your instructor for "
        "your token, then: crmlab student token TOKEN\n")


@pytest.mark.parametrize("lang, hub, expected", [
    ("en", False, "now the practice variant: set the token your instructor gives you with "
                  "crmlab student token TOKEN"),
    ("en", True, "now the practice variant: run crmlab student token in a terminal to get "
                 "yours from the hub"),
    ("az", True, "hazırda məşq variantıdır: öz kodunuzu hub-dan almaq üçün terminalda crmlab "
                 "student token əmrini işə salın"),
])
def test_the_quiz_says_where_the_token_comes_from(crmlab_home, monkeypatch, lang, hub,
                                                  expected):
    from crmlab.quiz import load
    from crmlab.quiz.variants import on_own_variant
    from crmlab.quiz.widget import QuestionView

    if hub:
        _as(monkeypatch, "ana", "http://127.0.0.1:1/services/crmlab-collect/")
    quiz = load("L05")
    question = next(q for q in quiz.questions if on_own_variant(q))
    view = QuestionView(quiz, question, 1, lang, "ana")
    assert html.escape(expected) in view.prompt.value
