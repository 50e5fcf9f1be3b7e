"""crmlab.publish.hub_service (the store's rules) and `crmlab submit` in a hub session.

The service's HTTP side with real hub tokens (forbidden requests included) is tested end to end
in tests/hub/test_hub_e2e.py.
"""

import hashlib
import http.server
import io
import json
import threading
import zipfile
from datetime import datetime, timezone

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
