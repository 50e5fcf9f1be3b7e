"""crmlab handgrade: the hand-grading page's handlers (no socket) and one real server."""

from __future__ import annotations

import csv
import json
import re
import textwrap
import urllib.error
import urllib.request
from html import escape, unescape
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


#: A refused value in each language: the fields typed, the one line the page says.
BAD_VALUES = [
    ({"points:cost": "3", "points:example": "1"},
     {"en": "cost: points: Got points='3' instead, expected a number from 0 to 2.",
      "az": "cost: bal: '3' verilib, gözlənilən: 0 ilə 2 arası ədəd."}),
    ({"points:cost": "two", "points:example": "1"},
     {"en": "cost: points: Got points='two' instead, expected a number (a decimal comma is "
            "fine), or nothing for not graded yet.",
      "az": "cost: bal: 'two' verilib, gözlənilən: ədəd (onluq vergül də qəbul olunur) və ya "
            "hələ qiymətləndirilməyibsə, heç nə."}),
    ({"points:cost": "1", "points:example": "-1"},
     {"en": "example: points: Got points='-1' instead, expected a number (a decimal comma is "
            "fine), or nothing for not graded yet.",
      "az": "example: bal: '-1' verilib, gözlənilən: ədəd (onluq vergül də qəbul olunur) və ya "
            "hələ qiymətləndirilməyibsə, heç nə."}),
]


@pytest.mark.parametrize("lang", ["en", "az"])
@pytest.mark.parametrize(("points", "problems"), BAD_VALUES)
def test_a_bad_value_is_one_line_on_the_page_and_nothing_is_lost(folder, points, problems,
                                                                  lang):
    app = HandGradeApp(folder, token="t0k", lang=lang)
    post(app, answer="0", **{"points:cost": "1", "points:example": "1"})
    before = (folder / "hand_grades.csv").read_bytes()
    status, _, body = post(app, answer="0", **points, **{"comment:cost": "kept <i>"})
    html = body.decode()
    assert status == 400
    said = {"en": "Not saved: ", "az": "Saxlanmadı: "}[lang] + problems[lang]
    assert re.search(r'<p class="problem" role="alert" id="problem">(.*)</p>',
                     html).group(1) == said.replace("'", "&#39;")
    typed = fields(html)
    assert typed["points:cost"] == points["points:cost"]  # what was typed stays in the fields
    assert typed["comment:cost"] == "kept <i>"
    bad = problems["en"].split(":", 1)[0]
    assert re.search(rf'name="points:{bad}" value="[^"]*"[^>]*aria-invalid="true"', html)
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


# ------------------------------------------------------------------------------ the page's language
#: Quiz T with its texts in Azerbaijani too: the page shows the question and the rubric in its
#: language when the quiz gives them.
QUIZ_AZ = textwrap.dedent("""\
    id: T
    title: {en: Text, az: Mətn}
    languages: [en, az]
    mode: graded
    questions:
      - id: why
        type: text
        points: 3
        prompt: {en: Why keep customers?, az: Müştəriləri niyə saxlamalı?}
        rubric:
          - id: cost
            points: 2
            text:
              en: Names the cost of winning customers back
              az: İtirilmiş müştərini geri qaytarmağın xərcini adlandırır
          - id: example
            points: 1
            text: {en: Gives an example, az: Nümunə gətirir}
      - id: tf
        type: truefalse
        prompt: {en: Keeping costs less., az: Saxlamaq daha ucuzdur.}
        answer: true
    """)


def shown(html: str) -> str:
    """What a reader, or a screen reader, gets of a page: its title, the text between its tags
    and its aria-labels, entities decoded, one space between words."""
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    return " ".join(unescape(f"{text} {labels}").split())


def every_page(tmp_path, monkeypatch, lang: str) -> list[str]:
    """Every state of both pages in ``lang``, as HTML: a quiz grading (each answer, student ids
    shown, two refused values, an answer the page does not have, saved, all graded, nothing
    to grade) and an exercise grading whose students passed, failed, handed in nothing, were
    stopped, or met a grader problem (each shown, a refused override, saved, nobody to
    grade)."""
    from _course_inputs import write_exercise_grades

    from crmlab.grading.results import CheckResult, JobResult, Reason

    pages = []
    app = HandGradeApp(quiz_grading(tmp_path / "quiz", monkeypatch, QUIZ_AZ), token="t0k",
                       lang=lang)
    pages += [get(app)[2], get(app, answer="1", names="1")[2]]
    for form in ({"points:cost": "3"}, {"points:cost": "two"}):
        pages.append(post(app, answer="0", **form)[2].decode())
    pages.append(post(app, answer="9")[2].decode())
    for answer in ("0", "1"):
        post(app, answer=answer, **{"points:cost": "2", "points:example": "1"})
    pages.append(get(app, answer="1", saved="2")[2])  # saved, and every answer graded
    app.grading.answers = []  # a quiz grading without a free-text answer
    pages.append(get(app)[2])

    folder = write_exercise_grades(tmp_path / "ex", [
        JobResult("s1", checks=(CheckResult("fx-double", "passed"),
                                CheckResult("fx-square", "wrong"))),
        JobResult("s2", checks=(CheckResult("fx-double", "missing"),)),
        JobResult.ended("s3", Reason("cell_timeout", seconds=60)),
        JobResult.ended("s4", Reason("no_submission")),
        JobResult.ended("s5", Reason("job_failed", error="OSError"))])
    app = HandGradeApp(folder, token="t0k", lang=lang)
    pages += [get(app, student=str(i), names="1")[2] for i in range(5)]
    pages.append(post(app, student="0", **{"points:fx-square": "1"})[2].decode())
    post(app, student="0", **{"points:fx-square": "1", "reason:fx-square": "Bir səhv."})
    pages.append(get(app, student="0", saved="1")[2])
    pages.append(post(app, student="9")[2].decode())
    app.grading.students = []  # an exercise grading without a student
    pages.append(get(app)[2])
    return pages


@pytest.mark.parametrize("lang", ["en", "az"])
def test_a_stopped_notebook_says_why_once(tmp_path, monkeypatch, lang):
    from crmlab.core.i18n import message
    from crmlab.grading.results import HandProblem, Reason

    pages = every_page(tmp_path, monkeypatch, lang)
    for number, reason in ((3, Reason("cell_timeout", seconds=60)),
                           (4, Reason("no_submission")),
                           (5, Reason("job_failed", error="OSError"))):
        status = re.search(r'<p class="note" id="status">(.*?)</p>', pages[6 + number]).group(1)
        said = escape(reason.text(lang), quote=True)
        assert said in status and status.count(said.split(":")[0]) == 1, status
    refused = HandProblem("no_checks", student="'s4'", outcome="no_submission").text(lang)
    assert message("handgrade.outcome.no_submission", lang) in refused


def _literal(text: str) -> list[str]:
    """The parts of a catalog text between its {fields} that hold a word."""
    return [part.strip() for part in re.split(r"\{[^}]*\}", text)
            if re.search(r"[A-Za-z]{2,}", part)]


def _words(text: str) -> set:
    """The words of ``text`` (three letters or more, any script), lower case."""
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}


#: What the pages show that is the grading's data, not the page's words: student answers,
#: ids, the folders' names.
DATA = [*TEXTS.values(), "EX-fixture", "fx-double", "fx-square", "OSError", "T", "why",
        "cost", "example", "out", "ex", "s1", "s2", "s3", "s4", "s5"]


def test_an_azerbaijani_page_has_no_english_word_left(tmp_path, monkeypatch):
    from crmlab.core.i18n import catalog

    english = {key: text for key, text in catalog("en").items()
               if key.startswith("handgrade.")}
    words = set().union(*(_words(re.sub(r"\{[^}]*\}", " ", text))
                          for text in english.values())) - {"crmlab", "handgrade", "enter"}
    assert {"answer", "points", "graded", "student", "check", "save", "previous"} <= words
    for html in every_page(tmp_path, monkeypatch, "az"):
        assert '<html lang="az">' in html
        text = shown(html)
        for value in sorted(DATA, key=len, reverse=True):  # whole words of the data only
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
        assert _words(text) & words == set(), sorted(_words(text) & words)
        for key, value in english.items():
            assert not any(part in text for part in _literal(value)), key


@pytest.mark.parametrize("lang", ["en", "az"])
def test_every_word_of_the_pages_is_a_catalog_entry_they_show(tmp_path, monkeypatch, lang):
    """Each handgrade.* entry (the problems aside: they are checked with their codes) is seen
    on some page, and the templates write no word of their own."""
    from crmlab.core.i18n import catalog
    from crmlab.publish.handgrade import MESSAGES, TEMPLATES

    text = " ".join(shown(html) for html in every_page(tmp_path, monkeypatch, lang))
    # a problem line (and an outcome, which only problem lines say) is shown when it happens
    unseen = [key for key, value in MESSAGES[lang].items()
              if not key.startswith(("problem.", "outcome."))
              and key not in ("forbidden", "not_found")
              and not all(part in text for part in _literal(value))]
    assert unseen == []
    assert set(MESSAGES[lang]) == {key.removeprefix("handgrade.") for key in catalog("en")
                                   if key.startswith("handgrade.")}
    for path in sorted(TEMPLATES.glob("*.j2")):
        source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", path.read_text(), flags=re.S)
        source = re.sub(r"<style>.*?</style>|<[^>]+>", " ", source, flags=re.S)
        assert re.findall(r"[A-Za-z]{2,}", source) == [], path.name


def test_the_question_and_the_rubric_come_in_the_pages_language(tmp_path, monkeypatch):
    folder = quiz_grading(tmp_path, monkeypatch, QUIZ_AZ)
    english, azerbaijani = (get(HandGradeApp(folder, token="t0k", lang=lang))[2]
                            for lang in ("en", "az"))
    assert '<p class="prompt" id="prompt">Why keep customers?</p>' in english
    assert '<p class="prompt" id="prompt">Müştəriləri niyə saxlamalı?</p>' in azerbaijani
    assert ('<label for="points-1">«İtirilmiş müştərini geri qaytarmağın xərcini adlandırır» '
            "meyarı üzrə bal, 0 ilə 2 arası</label>") in azerbaijani
    assert "<h2 id=\"question-heading\">Cavab 1 (cəmi 2): test T, sual why</h2>" in azerbaijani
    assert TEXTS["s1"] in azerbaijani  # the student's answer as written


@pytest.mark.parametrize(("env", "saved", "lang", "expected"), [
    (None, None, None, "en"),
    ("az", None, None, "az"),  # CRMLAB_LANG
    (None, "az", None, "az"),  # crmlab student language az
    ("az", None, "en", "en"),  # lang= names another
    (None, "az", "sl", "en"),  # a language crmlab does not ship: English
])
def test_the_page_speaks_the_language_crmlab_uses_unless_told(folder, crmlab_home,
                                                              monkeypatch, env, saved, lang,
                                                              expected):
    from crmlab.core.i18n import save_language

    monkeypatch.delenv("CRMLAB_LANG", raising=False)
    if env:
        monkeypatch.setenv("CRMLAB_LANG", env)
    if saved:
        save_language(saved)
    app = HandGradeApp(folder, token="t0k", lang=lang)
    html = get(app)[2]
    assert app.lang == expected and f'<html lang="{expected}">' in html
    title = {"en": "<h1>Hand grading: out</h1>", "az": "<h1>Əl ilə qiymətləndirmə: out</h1>"}
    assert title[expected] in html
    refused = app.handle("GET", "/?token=wrong")[2].decode()
    assert refused.startswith({"en": "403: this page needs", "az": "403: bu səhifə"}[expected])
    missing = app.handle("GET", "/nothing?token=t0k")[2].decode()
    assert missing == {"en": "404: no such page\n", "az": "404: belə səhifə yoxdur\n"}[expected]


def test_a_refused_override_is_one_azerbaijani_line(exercise):
    app = HandGradeApp(exercise, token="t0k", lang="az")
    status, _, body = post(app, student="0", **{"points:fx-square": "1"})
    assert status == 400
    assert ('<p class="problem" role="alert" id="problem">Saxlanmadı: fx-square: səbəb: əl ilə '
            "verilən bal üçün səbəb mütləqdir (bir sətir).</p>") in body.decode()
    status, _, body = post(app, student="0", **{"points:fx-square": "2,5",
                                                 "reason:fx-square": "x"})
    assert ("Saxlanmadı: fx-square: bal: &#39;2,5&#39; verilib, gözlənilən: 0 ilə 2 arası "
            "ədəd.</p>") in body.decode()
    assert not (exercise / "overrides.csv").exists()


def test_the_command_speaks_the_language_crmlab_uses_or_its_lang(folder, monkeypatch, capsys):
    from http.server import HTTPServer

    from crmlab.cli import main

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(HTTPServer, "serve_forever", interrupted)
    monkeypatch.delenv("CRMLAB_LANG", raising=False)
    english = [f"{folder}: 0 of 2 answer(s) graded.", "stopped: 0 of 2 answer(s) graded."]
    azerbaijani = [f"{folder}: 2 cavabdan 0 cavab qiymətləndirilib.",
                   "dayandırıldı: 2 cavabdan 0 cavab qiymətləndirilib."]
    for env, args, lines, opening in ((None, ["--lang", "az"], azerbaijani, "brauzerdə açın: "),
                                      ("az", [], azerbaijani, "brauzerdə açın: "),
                                      ("az", ["--lang", "en"], english, "open ")):
        if env:
            monkeypatch.setenv("CRMLAB_LANG", env)
        assert main(["handgrade", str(folder), *args]) == 0
        out = capsys.readouterr().out.splitlines()
        assert [out[0], out[-1]] == lines
        assert out[1].startswith(f"{opening}http://127.0.0.1:")
    with pytest.raises(SystemExit):
        main(["handgrade", str(folder), "--lang", "sl"])
    assert "argument --lang: invalid choice: 'sl' (choose from" in capsys.readouterr().err
