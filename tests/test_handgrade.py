"""crmlab handgrade: the hand-grading page's handlers (no socket) and one real server."""

from __future__ import annotations

import csv
import json
import re
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import urlencode

import pytest
from _handgrade_inputs import HOSTILE, TEXTS, exercise_grading, quiz_grading

from crmlab.cli import build_parser
from crmlab.grading.handgrade import HandGrading
from crmlab.grading.rubric import read_store
from crmlab.publish.handgrade import HandGradeApp, serve


@pytest.fixture
def folder(tmp_path, monkeypatch):
    return quiz_grading(tmp_path, monkeypatch)


@pytest.fixture
def app(folder):
    return HandGradeApp(folder, token="t0k")


def get(app, **query):
    status, headers, body = app.handle("GET", "/?" + urlencode({"token": "t0k", **query}))
    return status, headers, body.decode()


def post(app, **form):
    return app.handle("POST", "/save", urlencode({"token": "t0k", **form}).encode())


def fields(html: str) -> dict:
    return {name: unescape(value) for name, value in
            re.findall(r'name="([^"]+)" value="([^"]*)"', html)}


@pytest.mark.parametrize(("method", "target", "body"), [
    ("GET", "/", b""), ("GET", "/?token=wrong", b""), ("GET", "/?token=", b""),
    ("POST", "/save", b"answer=0&points%3Acost=2"), ("POST", "/save?token=t0", b""),
    ("GET", "/nothing", b""),
])
def test_every_request_without_the_token_is_refused(app, method, target, body):
    status, _, content = app.handle(method, target, body)
    assert status == 403
    assert content == b"403: this page needs the token printed by crmlab handgrade\n"
    assert read_store(app.grading.folder).rows == {}


def test_the_page_shows_one_answer_with_its_rubric_and_hides_the_student(app):
    status, headers, html = get(app)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "Answer 1 of 2: quiz T, question why</h2>" in html
    assert "Why keep customers?" in html and TEXTS["s1"] in html
    assert "s1" not in html and "s2" not in html  # ids hidden by default
    assert '<label for="points-1">Points for “Names the cost of winning customers back”, ' \
           "from 0 to 2</label>" in html
    assert '<label for="comment-2">Comment on “Gives an example”' in html
    assert len(re.findall(r"<label for=", html)) == 4  # a label for every field
    assert "0 of 2 answer(s) graded" in html
    shown = get(app, names="1")[2]
    assert "student s1</h2>" in shown and "Hide student ids" in shown


def test_student_text_is_escaped(app):
    html = get(app, answer="1")[2]
    assert HOSTILE not in html and "<script>" not in html
    assert ("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
            in html)


def test_save_writes_the_store_and_the_history_and_goes_to_the_next_pending(app, folder):
    status, headers, _ = post(app, answer="0", **{"points:cost": "2", "points:example": "0,5",
                                                   "comment:cost": "Right <b>", "comment:example": ""})
    assert status == 303 and headers["Location"] == "/?token=t0k&answer=1&saved=1"
    rows = list(csv.DictReader((folder / "hand_grades.csv").open()))
    assert [(r["student_id"], r["criterion"], r["points"], r["comment"]) for r in rows] == [
        ("s1", "cost", "2", "Right <b>"),
        ("s1", "example", "0.5", "")]
    # the same store the sheet import reads
    assert HandGrading(folder).grades.points(app.grading.answers[0]) == 2.5
    run = json.loads((folder / "run.json").read_text())
    assert run["command"] == "handgrade"
    assert run["students"]["s1"]["scores"] == {"T": 3.5, "total": 3.5}
    assert run["students"]["s2"]["scores"] == {"T": None, "total": None}
    changes = list(csv.DictReader((folder / "changes.csv").open()))
    assert [(c["student_id"], c["item"], c["before"], c["after"], c["reasons"])
            for c in changes] == [("s1", "T", "", "3.5", "hand grading"),
                                  ("s1", "total", "", "3.5", "hand grading")]
    assert (folder / "runs" / run["run"] / "hand_grades.csv").is_file()
    html = get(app, answer="0", saved="1")[2]
    assert "Answer 1 saved." in html and "Graded: 2.5 of 3 point(s)." in html
    assert fields(html)["points:example"] == "0.5"


def test_saving_the_same_grades_again_records_no_run(app, folder):
    form = {"answer": "0", "points:cost": "1", "points:example": "1"}
    post(app, **form)
    runs = sorted(p.name for p in (folder / "runs").iterdir())
    assert post(app, **form)[0] == 303
    assert sorted(p.name for p in (folder / "runs").iterdir()) == runs


def test_opening_the_page_resumes_at_the_first_ungraded_answer(app, folder):
    post(app, answer="0", **{"points:cost": "2", "points:example": "1"})
    assert "Answer 2 of 2" in get(app)[2]
    again = HandGradeApp(folder, token="t0k")  # a new server on the same folder
    assert "Answer 2 of 2" in get(again)[2] and "1 of 2 answer(s) graded" in get(again)[2]
    status, headers, _ = post(again, answer="1", **{"points:cost": "0", "points:example": "1"})
    assert headers["Location"] == "/?token=t0k&answer=1&saved=2"  # all graded: stays
    assert "every answer is graded" in get(again)[2]


@pytest.mark.parametrize(("points", "problem"), [
    ({"points:cost": "3", "points:example": "1"},
     "cost: points: Got points='3' instead, expected a number from 0 to 2."),
    ({"points:cost": "two", "points:example": "1"},
     "cost: points: Got points='two' instead, expected a number (a decimal comma is fine), "
     "or nothing for not graded yet."),
    ({"points:cost": "1", "points:example": "-1"},
     "example: points: Got points='-1' instead, expected a number (a decimal comma is fine), "
     "or nothing for not graded yet."),
])
def test_a_bad_value_is_one_line_on_the_page_and_nothing_is_lost(app, folder, points,
                                                                  problem):
    post(app, answer="0", **{"points:cost": "1", "points:example": "1"})
    before = (folder / "hand_grades.csv").read_bytes()
    status, _, body = post(app, answer="0", **points, **{"comment:cost": "kept <i>"})
    html = body.decode()
    assert status == 400
    assert re.search(r'<p class="problem" role="alert" id="problem">Not saved: (.*)</p>',
                     html).group(1) == problem.replace("'", "&#39;")
    typed = fields(html)
    assert typed["points:cost"] == points["points:cost"]  # what was typed stays in the fields
    assert typed["comment:cost"] == "kept <i>"
    assert (folder / "hand_grades.csv").read_bytes() == before  # the store as it was


def test_an_empty_field_leaves_the_answer_pending(app, folder):
    assert post(app, answer="0", **{"points:cost": "2", "points:example": ""})[0] == 303
    assert app.grading.pending(0)
    assert read_store(folder).rows[("s1", "T", "why", "cost")]["points"] == "2"


def test_a_folder_without_responses_is_one_line(tmp_path):
    from crmlab.core.exceptions import CrmlabError

    with pytest.raises(CrmlabError, match=r"no responses.csv here: not a quiz grading folder"):
        HandGrading(tmp_path)


def test_a_bad_answer_cell_names_the_file_and_line(folder, capsys):
    """Review fix: an answer cell that is not JSON was a JSONDecodeError traceback."""
    from crmlab.cli import main

    path = folder / "responses.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    line = next(n for n, row in enumerate(rows, start=2)
                if (row["student_id"], row["question_id"]) == ("s2", "why"))
    rows[line - 2]["answer"] = "not json"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = path.read_bytes()
    assert main(["handgrade", str(folder)]) == 1
    assert capsys.readouterr().err == (
        f"crmlab: error: {path}:{line}: answer: Got answer='not json' instead, expected the "
        "answer as JSON (as crmlab grade writes it)\n")
    assert path.read_bytes() == before and not (folder / "hand_grades.csv").exists()


def test_the_server_listens_on_loopback_and_refuses_without_the_token(app, folder):
    import threading

    server, url = serve(folder, token="t0k")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert url == f"http://127.0.0.1:{server.server_address[1]}/?token=t0k"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200 and b"Answer 1 of 2" in response.read()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url.split("?")[0], timeout=5)
        assert refused.value.code == 403
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_command_is_registered():
    args = build_parser().parse_args(["handgrade", "DIR", "--port", "8123"])
    assert (args.grading_dir, args.port) == ("DIR", 8123)


# ------------------------------------------------------------------------------ check overrides
@pytest.fixture
def exercise(tmp_path):
    return exercise_grading(tmp_path)


def test_the_exercise_page_starts_at_a_failed_check_and_hides_the_student(exercise):
    app = HandGradeApp(exercise, token="t0k")
    status, _, html = get(app)
    assert status == 200 and app.mode == "checks"
    assert "Student 1 of 2, exercise EX-fixture</h2>" in html and "s1" not in html
    assert "<legend>Check fx-double: passed, 1 of 1 point(s)</legend>" in html
    assert "<legend>Check fx-square: wrong, 0 of 2 point(s)</legend>" in html
    assert '<label for="reason-2">Reason for the points of check fx-square' in html
    assert "1 of 3 point(s)" in html


def test_an_override_is_stored_applied_and_recorded(exercise):
    from crmlab.grading.files import read_exercise_results
    from crmlab.grading.overrides import overridden

    app = HandGradeApp(exercise, token="t0k")
    status, headers, _ = post(app, student="0", **{"points:fx-square": "1,5",
                                                    "reason:fx-square": "right idea, <one> slip",
                                                    "points:fx-double": "",
                                                    "reason:fx-double": ""})
    assert status == 303 and headers["Location"] == "/?token=t0k&student=0&saved=1"
    rows = list(csv.DictReader((exercise / "overrides.csv").open()))
    assert [(r["student_id"], r["check"], r["points"], r["reason"], r["submission_sha256"])
            for r in rows] == [("s1", "fx-square", "1.5", "right idea, <one> slip", "sha-s1")]
    assert overridden(read_exercise_results(exercise), exercise).results["s1"].total == 2.5
    assert read_exercise_results(exercise).results["s1"].total == 1.0  # as graded
    run = json.loads((exercise / "run.json").read_text())
    assert run["command"] == "handgrade"
    changes = list(csv.DictReader((exercise / "changes.csv").open()))
    assert [(c["student_id"], c["item"], c["before"], c["after"], c["reasons"])
            for c in changes] == [("s1", "check:fx-square", "0", "1.5", "hand override"),
                                  ("s1", "EX-fixture", "1", "2.5", "hand override")]
    html = get(app, student="0", saved="1")[2]
    assert "Student 1 saved." in html and "set by hand to 1.5" in html
    assert "right idea, &lt;one&gt; slip" in html


def test_an_override_without_a_reason_or_out_of_range_is_refused(exercise):
    app = HandGradeApp(exercise, token="t0k")
    status, _, body = post(app, student="0", **{"points:fx-square": "1"})
    assert status == 400
    assert "Not saved: fx-square: reason: a hand override needs its reason (one line).</p>" \
        in body.decode()
    status, _, body = post(app, student="0", **{"points:fx-square": "3", "reason:fx-square": "x"})
    assert "Not saved: fx-square: points: Got points=&#39;3&#39; instead, expected a number " \
           "from 0 to 2.</p>" in body.decode()
    assert not (exercise / "overrides.csv").exists()


def test_an_override_belongs_to_the_submission_it_was_given_for(exercise):
    from crmlab.grading.files import read_exercise_results
    from crmlab.grading.overrides import overridden, read_overrides

    app = HandGradeApp(exercise, token="t0k")
    post(app, student="0", **{"points:fx-square": "2", "reason:fx-square": "ok"})
    run = json.loads((exercise / "run.json").read_text())
    run["students"]["s1"]["inputs"]["submission"] = "sha-new"  # s1 resubmitted
    (exercise / "run.json").write_text(json.dumps(run))
    assert overridden(read_exercise_results(exercise), exercise).results["s1"].total == 1.0
    assert read_overrides(exercise).points("s1", "fx-square") == 2.0  # kept on file


@pytest.mark.kernel
def test_the_next_exercise_grading_applies_the_override(tmp_path, monkeypatch):
    """An override made on the page is applied by crmlab exercises grade (its hand-grade
    stage): details, checks and scores carry it, and the run sees no score change."""
    from pathlib import Path

    from crmlab.grading.exercises import grade as grade_exercise

    fixtures = Path(__file__).resolve().parent / "fixtures" / "exercises"
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "fixture-secret-123")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nsolved\nwrong_answer\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("solved", "wrong_answer"):
        (subs / f"{name}.ipynb").write_bytes((fixtures / "submissions" /
                                              f"{name}.ipynb").read_bytes())
    out = tmp_path / "out"

    def run():
        return grade_exercise(str(fixtures / "exercise" / "fixture_double.ipynb"), subs,
                              roster=roster, out=out, timeout=20, workers=1, progress=False)

    assert list(run().details["total"]) == [3.0, 2.0]
    app = HandGradeApp(out, token="t0k")
    assert app.grading.students[app.grading.resume()] == "wrong_answer"
    post(app, student="1", **{"points:fx-double": "0,5", "reason:fx-double": "off by one"})
    again = run()
    assert list(again.details["total"]) == [3.0, 2.5]
    assert again.run.changes == []  # the handgrade run already recorded the change
    checks = list(csv.DictReader((out / "checks.csv").open()))
    assert [(c["check"], c["code"], c["points"]) for c in checks
            if c["student_id"] == "wrong_answer"] == [("fx-double", "wrong", "0.5"),
                                                      ("fx-square", "passed", "2.0")]
    scores = list(csv.DictReader((out / "scores.csv").open()))
    assert [row["total"] for row in scores if "wrong_answer" in row.values()] == ["2.5"]


def test_the_command_refuses_a_folder_that_is_not_a_grading_in_one_line(tmp_path, capsys):
    from crmlab.cli import main

    assert main(["handgrade", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"crmlab: error: {tmp_path}: neither a quiz grading folder (responses.csv) nor an "
        "exercise grading folder (details.csv)\n")


def test_the_command_prints_the_url_serves_and_stops_on_ctrl_c(folder):
    import os
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "crmlab", "handgrade", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=os.environ.copy())
    try:
        assert process.stdout.readline() == f"{folder}: 0 of 2 answer(s) graded.\n"
        url = process.stdout.readline().removeprefix("open ").strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32}", url)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"Answer 1 of 2" in response.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (out, err, process.returncode) == ("stopped: 0 of 2 answer(s) graded.\n", "", 0)


def test_the_command_starts_on_an_exercise_folder_and_refuses_a_bad_port(tmp_path, monkeypatch,
                                                                         capsys):
    """Review fix: the command read the quiz side's progress and crashed on an exercise
    folder; a port out of range was a traceback from bind()."""
    from http.server import HTTPServer

    from crmlab.cli import main

    folder = exercise_grading(tmp_path)

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(HTTPServer, "serve_forever", interrupted)
    assert main(["handgrade", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{folder}: 2 student(s); 0 check(s) overridden by hand."
    assert out[-1] == "stopped: 2 student(s); 0 check(s) overridden by hand."
    with pytest.raises(SystemExit):
        main(["handgrade", str(folder), "--port", "99999"])
    assert "expected a port from 1 to 65535" in capsys.readouterr().err
