"""The instructor's loop end to end, on a small simulated cohort, every number computed by hand.

Release -> four students answer the released quizzes (a free-text answer typed in the widget),
bundle and submit, on time, late, after the cut-off, once with a forged `created` -> the
instructor records the receipts -> grades the quizzes (free text pending) and the exercise
(the small fixture exercise) -> fills the rubric sheet in a "spreadsheet" (columns reordered, one
added, one answer left half graded) and imports it -> the course gradebook (one answer still
pending) -> the last grade imported -> the gradebook again, with the changes and their reasons
-> the feedback pages, each with only its own student's data.

The course file of the test (below) counts practice in full (`practice_weight: 1`, given to
`crmlab grade` as --practice-weight 1; the default, practice not counted, is tested in
test_practice_weight) and weighs L00 (8 points) 1, L02_open (one free-text question,
6 points) 2 and the fixture exercise (3 points) 1; late policy 10% of the points possible per
day started, at most 50%, cut-off 7 days after the deadline; deadlines at 23:59 in Baku (UTC+4).

The last tests read the committed outputs of notebooks/instructor/course_loop.ipynb (the same
loop with exercise notebooks, through the hub and a Moodle download), which strict nbval keeps
equal to what the notebook prints, and check them against expectations computed by hand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from crmlab import datasets, quiz, student
from crmlab.cli import main
from crmlab.datasets._variant import token_for
from crmlab.grading.exercises import grade as grade_exercise
from crmlab.grading.gradebook import course_gradebook, write_gradebook
from crmlab.grading.receipts import collect_receipts
from crmlab.publish.feedback import write_feedback
from crmlab.quiz import submission
from crmlab.quiz.submit import make_bundle

pytestmark = pytest.mark.kernel  # the loop grades the fixture exercise (kernels) once for all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "exercises"
EXERCISE = FIXTURES / "exercise" / "fixture_double.ipynb"
BAKU = ZoneInfo("Asia/Baku")
COURSE = f"""\
title: Loop test course
version: test-1
timezone: Asia/Baku
late_policy: {{penalty_per_day: 10, max_penalty: 50, cutoff_days: 7}}
assessments:
  - {{id: L00, kind: quiz, weight: 1, release: "2026-09-14T09:00", deadline: "2026-09-20T23:59"}}
  - {{id: L02_open, kind: quiz, weight: 2, release: "2026-09-28T09:00", deadline: "2026-10-11T23:59"}}
  - id: EX-fixture
    kind: exercise
    weight: 1
    source: {EXERCISE}
    release: "2026-09-28T09:00"
    deadline: "2026-10-11T23:59"
extensions:
  - {{student: s04, assessment: EX-fixture, days: 5, reason: certificate}}
  - {{student: s99, assessment: L00, days: 2}}
practice_weight: 1
"""
ROSTER = "student_id,name,email\ns01,Aysel,s01@uni.az\ns02,Elvin,s02@uni.az\n" \
         "s03,Nigar,s03@uni.az\ns04,Orxan,s04@uni.az\n"

# What each student answers (L00: 1 point per question right), and the text of L02_open.
# n-perishable is a number of one's own: its entry is how far the answer is from the number
# the student computes on their own data variant (0: right).
L00_ANSWERS = {
    "s01": {"run-order": "restart", "answers-saved": False, "n-perishable": 0,
            "submit": "submit"},                                    # 4 right
    "s02": {"run-order": "restart", "answers-saved": False, "loader": "load",
            "submit": "submit", "n-perishable": -1},                # 4 right, 1 wrong
    "s03": {"run-order": "restart", "answers-saved": False, "loader": "load"},  # 3 right
    "s04": {"run-order": "restart", "answers-saved": True},         # 1 right
}
TEXTS = {
    "s01": "Market analysis, quotation requests, plant visits, orders, deliveries, invoices.",
    "s02": "We phone the supplier when an order is late.",
    "s04": "Selection, standard contracts, the 30:70 split <script>alert('x')</script>.",
}
# Submissions: (student, bundle number, quizzes in it, received in Baku time).
BUNDLES = [
    ("s01", 1, ["L00"], "2026-09-19T20:00"),
    ("s01", 2, ["L00", "L02_open"], "2026-10-10T18:00"),
    ("s02", 1, ["L00"], "2026-09-22T10:00"),          # 1 d 10 h late: 2 days started
    ("s02", 2, ["L00", "L02_open"], "2026-10-05T12:00"),
    ("s03", 1, ["L00"], "2026-09-19T09:00"),
    ("s03", 2, ["L00"], "2026-10-20T09:00"),          # the same answers again, later
    ("s04", 1, ["L00"], "2026-09-28T12:00"),          # after the cut-off (09-27 23:59)
    ("s04", 2, ["L00", "L02_open"], "2026-10-14T12:00"),  # 2 d 12 h late: 3 days started
]
# Exercise notebooks: (student, fixture, received in Baku time); s03 submits nothing.
NOTEBOOKS = [("s01", "solved", "2026-10-11T20:00"),
             ("s02", "wrong_answer", "2026-10-12T10:00"),   # 10 h late: 1 day started
             ("s04", "solved", "2026-10-15T12:00")]         # extension: due 10-16 23:59
# The grader's rubric points per criterion (contact-list 2, contact-level 1, contact-forms 2,
# evaluation 1); s04's evaluation is graded in a second sheet.
POINTS = {"s01": {"contact-list": "2", "contact-level": "1", "contact-forms": "1.5",
                  "evaluation": "1"},
          "s02": {"contact-list": "1", "contact-level": "0", "contact-forms": "1",
                  "evaluation": "0"},
          "s04": {"contact-list": "2", "contact-level": "1", "contact-forms": "2",
                  "evaluation": ""}}
COMMENTS = {"s01": "Thorough list; say who meets the supplier.", "s02": "Only one contact.",
            "s04": "Good forms."}

# Hand-computed: (raw, late days, penalty, final, status) per student and assessment.
EXPECTED = {
    "s01": {"L00": (4, 0, 0, 4, "on_time"), "L02_open": (5.5, 0, 0, 5.5, "on_time"),
            "EX-fixture": (3, 0, 0, 3, "on_time")},
    # L00: 8 x 10% x 2 days = 1.6; EX: 3 x 10% x 1 day = 0.3
    "s02": {"L00": (4, 2, 1.6, 2.4, "late"), "L02_open": (2, 0, 0, 2, "on_time"),
            "EX-fixture": (2, 1, 0.3, 1.7, "late")},
    # L00 counts from the first bundle holding the same answers: on time
    "s03": {"L00": (3, 0, 0, 3, "on_time"), "L02_open": (0, 0, 0, 0, "missing"),
            "EX-fixture": (0, 0, 0, 0, "missing")},
    # L00: 7 d 12 h late, past the cut-off: 0; L02_open: 6 x 10% x 3 days = 1.8
    "s04": {"L00": (1, 8, 1, 0, "cut_off"), "L02_open": (6, 3, 1.8, 4.2, "late"),
            "EX-fixture": (3, 0, 0, 3, "on_time")},
}
# sum(weight x final / possible) / sum(weight) x 100, weights 1, 2, 1, possible 8, 6, 3:
TOTALS = {"s01": 83.33,   # (4/8 + 2 x 5.5/6 + 3/3) / 4
          "s02": 38.33,   # (2.4/8 + 2 x 2/6 + 1.7/3) / 4
          "s03": 9.38,    # (3/8) / 4
          "s04": 60.0}    # (0 + 2 x 4.2/6 + 3/3) / 4


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=BAKU).timestamp()


def _answer(released: Path, home: Path, who: str, quizzes, monkeypatch) -> None:
    """One student answers in the released course: record() for L00, the widget for free text.
    The student sets the data variant token the instructor gives and computes the number of
    one's own on that variant (its key: the instructor's key function on it)."""
    from crmlab.grading.variant_keys import KEYS, load_keys

    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(released))
    monkeypatch.setenv("CRMLAB_HOME", str(home))
    student.set_id(who)
    student.set_token(token_for(os.environ["CRMLAB_INSTRUCTOR_SECRET"].encode(), who))
    load_keys(ROOT / "notebooks" / "instructor" / "quiz_keys.py")  # not in the released course
    perishable = KEYS[("L00", "n-perishable")](datasets.variant())
    for question, answer in L00_ANSWERS[who].items():
        if question == "n-perishable":
            answer = perishable + answer
        quiz.record("L00", question, answer)
    if "L02_open" in quizzes and who in TEXTS:
        view = quiz.show("L02_open").view("contact-points")
        view.input.value = TEXTS[who]
        view.button.click()
        assert "graded by hand" in view.feedback.value  # pending, no verdict, no rubric


def _forge_created(path: Path, created: str) -> None:
    """Rewrite a bundle's manifest to claim another `created` (the members stay valid)."""
    with zipfile.ZipFile(path) as bundle:
        members = {n: bundle.read(n) for n in bundle.namelist() if n != "manifest.json"}
        manifest = json.loads(bundle.read("manifest.json"))
    manifest["created"] = created
    path.write_bytes(submission.zip_members(manifest, members))


def _fill(sheet: Path, out: Path, points: dict) -> None:
    """The instructor's spreadsheet: points and comments typed in, columns reordered and one
    column added, saved as a new file."""
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    for row in rows:
        row["points"] = points.get(row["student_id"], {}).get(row["criterion"], "")
        row["comment"] = COMMENTS.get(row["student_id"], "") if row["points"] else ""
        row["grader"] = "AK"
    columns = ["grader", "answer", "points", "comment", "criterion", "question_id", "quiz_id",
               "student_id", "max_points", "answer_sha256", "criterion_text"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")


def _check(book, students) -> None:
    rows = book.rows.set_index(["student_id", "assessment"])
    for who in students:
        for item, (raw, days, penalty, final, status) in EXPECTED[who].items():
            row = rows.loc[(who, item)]
            assert (row["raw"], row["late_days"], row["penalty"], row["final"],
                    row["status"]) == pytest.approx((raw, days, penalty, final, status)), \
                (who, item)
        total = book.table.set_index("student_id").loc[who, "weighted_total"]
        assert total == pytest.approx(TOTALS[who]), who


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """Run the whole loop once; each test below reads one part of it."""
    mp = pytest.MonkeyPatch()
    work = tmp_path_factory.mktemp("loop")
    try:
        mp.setenv("CRMLAB_INSTRUCTOR_SECRET", "loop-secret-2026")
        (work / "course.yaml").write_text(COURSE, encoding="utf-8")
        (work / "roster.csv").write_text(ROSTER, encoding="utf-8")
        assert main(["release", "--out", str(work / "release")]) == 0

        subs = work / "submissions"
        for who, number, quizzes, received in BUNDLES:
            _answer(work / "release", work / "homes" / who, who, quizzes, mp)
            path = make_bundle(subs / f"{who}-{number}.zip")
            if (who, number) == ("s02", 1):
                _forge_created(path, "2026-09-20T10:00:00+00:00")  # claims: on time
            os.utime(path, (_stamp(received), _stamp(received)))
        mp.delenv("CRMLAB_COURSE_DIR")  # the instructor grades with the keys
        ex_subs = work / "exercise-submissions"
        ex_subs.mkdir()
        for who, fixture, received in NOTEBOOKS:
            target = ex_subs / f"fixture_double__{who}.ipynb"
            shutil.copy(FIXTURES / "submissions" / f"{fixture}.ipynb", target)
            os.utime(target, (_stamp(received), _stamp(received)))
        receipts = work / "receipts.csv"
        collect_receipts(subs, out=receipts, course=work / "course.yaml")
        collect_receipts(ex_subs, out=receipts, course=work / "course.yaml")

        grades = work / "grades"
        args = ["grade", str(subs), "--out", str(grades), "--quiz", "L00", "--quiz", "L02_open",
                "--roster", str(work / "roster.csv"), "--receipts", str(receipts),
                "--no-figures", "--practice-weight", "1"]  # this course counts L00's practice
        assert main(args) == 0
        first_sheet = (grades / "rubric.csv").read_text(encoding="utf-8")
        grade_exercise(str(EXERCISE), ex_subs, roster=work / "roster.csv",
                       out=work / "exercise-grades", workers=2, progress=False)

        _fill(grades / "rubric.csv", work / "filled-1.csv", POINTS)
        assert main(args + ["--import-rubric", str(work / "filled-1.csv")]) == 0
        inputs = {"course": work / "course.yaml", "quizzes": grades,
                  "exercises": [work / "exercise-grades"], "receipts": receipts,
                  "roster": work / "roster.csv"}
        pending = course_gradebook(**inputs)
        write_gradebook(pending, work / "book")

        rest = {"s04": {**POINTS["s04"], "evaluation": "1"}}
        _fill(grades / "rubric.csv", work / "filled-2.csv", rest)
        assert main(args + ["--import-rubric", str(work / "filled-2.csv")]) == 0
        again = main(args + ["--import-rubric", str(work / "filled-2.csv")])  # idempotent
        final = course_gradebook(**inputs)
        write_gradebook(final, work / "book")
        pages = write_feedback(final, work / "feedback",
                               now=datetime(2026, 12, 30, tzinfo=timezone.utc), zip=True)
        early = write_feedback(final, work / "early",
                               now=datetime(2026, 10, 12, 12, tzinfo=timezone.utc))
    finally:
        mp.undo()
    return {"work": work, "pending": pending, "final": final, "pages": pages, "early": early,
            "first_sheet": first_sheet, "again": again}


def test_the_released_quiz_carries_no_rubric(loop):
    import yaml

    path = loop["work"] / "release" / "quizzes" / "L02_open.yaml"
    question = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"][0]
    assert "rubric" not in question and "explanation" not in question
    assert question["points"] == 6  # the student still sees what the question is worth
    text = path.read_text(encoding="utf-8")
    assert "contact-level" not in text and "purchasing manager" not in text
    assert not (loop["work"] / "release" / "course.yaml").exists()


def test_the_exported_sheet_lists_every_free_text_answer_with_empty_points(loop):
    rows = list(csv.DictReader(io.StringIO(loop["first_sheet"])))
    assert sorted({r["student_id"] for r in rows}) == ["s01", "s02", "s04"]
    assert len(rows) == 3 * 4  # three answers, four criteria each
    assert {r["points"] for r in rows} == {""} and {r["comment"] for r in rows} == {""}
    s04 = [r for r in rows if r["student_id"] == "s04"]
    assert s04[0]["answer"] == TEXTS["s04"] and s04[0]["max_points"] == "2"


def test_gradebook_with_one_answer_pending(loop):
    book = loop["pending"]
    _check(book, ["s01", "s02", "s03"])
    rows = book.rows.set_index(["student_id", "assessment"])
    row = rows.loc[("s04", "L02_open")]
    assert (row["raw"], row["pending"], row["late_days"], row["status"]) == (0.0, 1, 3, "late")
    assert pd.isna(row["final"])  # pending, not 0
    table = book.table.set_index("student_id")
    assert pd.isna(table.loc["s04", "weighted_total"])
    assert table.loc["s04", "pending"] == "L02_open"


def test_gradebook_once_everything_is_graded(loop):
    _check(loop["final"], ["s01", "s02", "s03", "s04"])


def test_the_gradebook_files_and_problems(loop):
    book_dir = loop["work"] / "book"
    sheet = pd.read_csv(book_dir / "gradebook.csv", dtype=str, keep_default_na=False)
    assert sheet.columns.tolist() == [
        "student_id", "L00 raw", "L00 late days", "L00 penalty", "L00 final", "L02_open raw",
        "L02_open late days", "L02_open penalty", "L02_open final", "EX-fixture raw",
        "EX-fixture late days", "EX-fixture penalty", "EX-fixture final", "weighted_total",
        "pending"]
    assert sheet.set_index("student_id").loc["s02", "L00 penalty"] == "1.6"
    problems = pd.read_csv(book_dir / "problems.csv", dtype=str, keep_default_na=False)
    reasons = set(zip(problems["student_id"], problems["assessment"], problems["code"],
                      problems["params"], problems["reason"]))
    course = loop["work"] / "course.yaml"
    assert reasons == {
        ("s99", "L00", "unknown_extension_student",
         json.dumps({"file": str(course), "line": 16, "student": "s99"}, separators=(",", ":")),
         f"{course}:16: extensions.student: unknown student 's99' (not in the roster or any "
         "grades); ignored"),
        ("s04", "L00", "after_cutoff", '{"cutoff":"2026-09-27T19:59:00+00:00","received":'
                                       '"2026-09-28T08:00:00+00:00"}',
         "received 2026-09-28T08:00:00+00:00, after the cut-off 2026-09-27T19:59:00+00:00: "
         "0 points"),
        ("s03", "L02_open", "no_answers", "", "no answers to this quiz: 0 points"),
        ("s03", "EX-fixture", "not_submitted", "", "no submission: 0 points"),
    }


def test_the_forged_created_time_is_not_used(loop):
    subs = pd.read_csv(loop["work"] / "grades" / "submissions.csv", dtype=str,
                       keep_default_na=False)
    s02 = subs[(subs["student_id"] == "s02") & (subs["source"].str.endswith("s02-1.zip"))]
    assert s02.iloc[0]["created"] == "2026-09-20T10:00:00+00:00"  # the claim
    assert s02.iloc[0]["received_at"] == "2026-09-22T06:00:00+00:00"  # the receipt
    assert s02.iloc[0]["time_source"] == "receipt"


def test_regrades_are_kept_and_explained(loop):
    grades = loop["work"] / "grades"
    runs = sorted(p.name for p in (grades / "runs").iterdir())
    assert len(runs) == 4  # first grading, two imports, the repeated import
    changes = pd.read_csv(grades / "runs" / runs[2] / "changes.csv", dtype=str,
                          keep_default_na=False)
    assert changes.to_dict("records") == [
        # Pending hand grading before: no score (empty), never a 0 to add points to.
        {"student_id": "s04", "item": "L02_open", "before": "", "after": "6", "change": "",
         "reasons": "hand grading"},
        {"student_id": "s04", "item": "total", "before": "", "after": "7", "change": "",
         "reasons": "hand grading"}]
    assert loop["again"] == 0
    last = pd.read_csv(grades / "changes.csv", dtype=str, keep_default_na=False)
    assert last.empty  # the same sheet imported twice changes nothing
    store = pd.read_csv(grades / "hand_grades.csv", dtype=str, keep_default_na=False)
    assert len(store) == 12 and set(store["comment"]) >= {"Good forms."}
    book_changes = pd.read_csv(loop["work"] / "book" / "changes.csv", dtype=str,
                               keep_default_na=False)
    moved = book_changes.set_index(["student_id", "item"])
    assert moved.loc[("s04", "L02_open"), "after"] == "4.2"
    assert moved.loc[("s04", "weighted_total"), "after"] == "60"
    assert moved.loc[("s04", "L02_open"), "reasons"].startswith("regraded")


def test_feedback_pages_show_each_student_only_their_own_work(loop):
    pages = {p.stem: p.read_text(encoding="utf-8") for p in loop["pages"] if p.suffix == ".html"}
    assert sorted(pages) == ["s01", "s02", "s03", "s04"]
    others = {who: [who, *(TEXTS.get(who, "")[:40] and [TEXTS[who][:40]]),
                    COMMENTS.get(who, "@@none@@")] for who in pages}
    for who, page in pages.items():
        for other, marks in others.items():
            if other != who:
                assert not any(mark in page for mark in marks), (who, other)
    s01 = pages["s01"]
    assert TEXTS["s01"] in s01 and COMMENTS["s01"] in s01
    assert "Weighted total: 83.33%" in s01
    assert "Key: Restart the kernel and run all cells from the top" in s01  # L00 run-order
    assert "Points: 1 of 1" in s01 and "Points: 0 of 1" in s01  # s01 left loader unanswered
    s02 = pages["s02"]
    assert "2 day(s) late: 1.6 point(s) deducted from 4." in s02
    assert "fx-double" in s02 and "not passed" in s02
    s04 = pages["s04"]
    assert "&lt;script&gt;" in s04 and "<script>" not in s04  # the answer is text, not code
    assert "Received after the cut-off: 0 points." in s04
    with zipfile.ZipFile(loop["work"] / "feedback" / "s01.zip") as bundle:
        assert bundle.namelist() == ["s01.html"]


def test_feedback_before_everyone_could_submit_holds_back_the_keys(loop):
    page = next(p for p in loop["early"] if p.stem == "s01").read_text(encoding="utf-8")
    # L00 closed on 09-27 (cut-off); L02_open and the exercise close with the cut-off on
    # 10-18, or on 10-23 for the exercise (s04's extension).
    assert "Details open 2026-10-18 23:59 (Asia/Baku)" in page
    assert "Details open 2026-10-23 23:59 (Asia/Baku)" in page
    assert TEXTS["s01"] not in page and "fx-double" not in page
    assert "Key:" in page  # L00's details are open


# ------------------------------------------------------------------------------ the notebook
# notebooks/instructor/course_loop.ipynb walks the same loop with exercise notebooks on the
# real exercises; strict nbval proves its committed outputs are what it prints today, and the
# tests below prove those outputs say what its prose says (expectations computed by hand).
NOTEBOOK = ROOT / "notebooks" / "instructor" / "course_loop.ipynb"


def _printed(cell_id: str) -> str:
    """Everything the notebook's cell ``cell_id`` printed or showed as text."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c.get("id") == cell_id)
    return "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell["outputs"])


def _table_rows(cell_id: str) -> list[list[str]]:
    """The body rows of the HTML table the cell ``cell_id`` showed (index left out)."""
    import html
    import re

    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c.get("id") == cell_id)
    page = "".join(next(o["data"]["text/html"] for o in cell["outputs"]
                        if "text/html" in o.get("data", {})))
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [[html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _row(text: str, label: str) -> list[str]:
    """The values of the printed table row ``label``."""
    line = next(line for line in text.splitlines() if line.startswith(label + " "))
    return line[len(label):].split()


def test_the_notebook_takes_exercises_back_through_the_hub_with_its_receipts():
    printed = _printed("cl-hub-collect")
    assert "collected 4 notebook(s) of EX-abc-profit" in printed
    assert "no notebook collected for 1 student(s): sim-0005" in printed
    assert "4 receipt(s) added to" in printed
    assert printed.count("hub-receipt") == 4
    assert "sim-0002               skipped       resubmitted" in printed  # not a problem
    assert "403 the notebook is the exercise copy of student 'sim-0001' but you are signed in " \
           "to the hub as 'sim-0004'; nothing was stored" in _printed("cl-hub-refused")


def test_the_notebook_collects_a_moodle_download_with_a_renamed_file_and_a_duplicate():
    first = _printed("cl-lms-first")
    assert "WARNING: Moodle's zip holds no submission times" in first
    # problems.csv of the first look: sim-0004's two different notebooks, neither chosen
    assert _table_rows("cl-lms-first") == [
        ["sim-0004", f"Orxan Əliyev_8804_assignsubmission_file/{name}", "duplicate",
         "one of 2 different notebooks of sim-0004: none collected; choose one with --pick "
         "ENTRY"] for name in ("classify_suppliers final.ipynb", "classify_suppliers.ipynb")]
    assert _printed("cl-plain") == (
        "WARNING: 4 notebook(s) have only their file's time (file-mtime), which a copy or a "
        "download sets and a student can forge: not written as receipts, so the late policy is "
        "not applied to them (--trust-file-times writes them)\n")
    picked = _printed("cl-lms-collect")
    rows = {row[0]: row[1:] for row in _table_rows("cl-lms-collect")}
    # the renamed file is sim-0003's; Tuesday 10:15 in Baku, from the worksheet
    assert rows["Nigar Həsənova_8803_assignsubmission_file/classify_suppliers (1).ipynb"] == [
        "collected", "sim-0003", "2026-10-20T06:15:00+00:00", "moodle-worksheet"]
    assert rows["Orxan Əliyev_8804_assignsubmission_file/classify_suppliers.ipynb"] == [
        "set aside", "sim-0004", "", ""]
    assert "not collected: --pick chose Orxan Əliyev_8804_assignsubmission_file/" \
           "classify_suppliers final.ipynb" in picked


def test_the_notebooks_gradebook_has_the_exercise_rows_computed_by_hand():
    table = _printed("f974735a")
    assert "gradebook of 5 student(s) x 4 assessment(s)" in table
    # sim-0001..5; abc: sim-0002 4 + 0.5 by hand, sim-0003 2 days late: 10% x 2 x 5 = 1
    assert _row(table, "EX-abc-profit raw") == ["5.0", "4.5", "5.0", "5.0", "0.0"]
    assert _row(table, "EX-abc-profit late days") == ["0", "0", "2", "0", "0"]
    assert _row(table, "EX-abc-profit final") == ["5.0", "4.5", "4.0", "5.0", "0.0"]
    # classify: sim-0002 lost cls-counts (1 point), sim-0003 renamed and 2 days late
    assert _row(table, "EX-classify-suppliers raw") == ["5.0", "4.0", "5.0", "5.0", "0.0"]
    assert _row(table, "EX-classify-suppliers final") == ["5.0", "4.0", "4.0", "5.0", "0.0"]
    # weights 4, 5, 6, 6 (sum 21); possible 2, 6, 5, 5
    totals = [(4 * 2 / 2 + 5 * 0 / 6 + 6 * 5 / 5 + 6 * 5 / 5) / 21,
              (4 * 1.8 / 2 + 5 * 6 / 6 + 6 * 4.5 / 5 + 6 * 4 / 5) / 21,
              (4 * 2 / 2 + 5 * 6 / 6 + 6 * 4 / 5 + 6 * 4 / 5) / 21,
              (4 * 0 / 2 + 5 * 5.4 / 6 + 6 * 5 / 5 + 6 * 5 / 5) / 21,
              (4 * 1 / 2 + 0 + 0 + 0) / 21]
    assert _row(table, "weighted_total") == [f"{100 * t:.2f}" for t in totals]
    problems = _printed("97e41f04")
    assert "sim-0005  EX-classify-suppliers" in problems and "sim-0005          EX-abc-profit" \
        in problems


def test_the_notebooks_override_and_regrade_request_are_named_in_the_history():
    assert "sim-0002 EX-abc-profit: 4 -> 4.5 (+0.5): hand override" in _printed("cl-override")
    assert "sim-0002 L02: 2 -> 4 (+2): regrade answered: L02 question scale; policy change: " \
           "item weights" in _printed("b6c828f7")
