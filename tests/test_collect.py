"""``crmlab exercises collect``: LMS downloads and folders become a grading folder, each notebook
matched to its student by what it carries.

Every fixture is built here (json, zipfile, csv), after the layouts in the research note on the
LMS downloads (README, *Collecting exercise notebooks*): Moodle 4.1+ (folders), 3.1-4.0 (a
trailing ``_``), flat (folders off) and blind marking; Moodle's grading worksheet (``,`` with a
BOM, a ``;`` copy, German headers and dates); a Canvas zip without the UTF-8 flag (and with it);
a plain folder; and what reading must survive (zip bombs, traversal, links, nesting).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import ExerciseError
from crmlab.exercises.assignment import student_seed
from crmlab.grading.collect import collect, read_identity
from crmlab.grading.downloads import ReadLimits, read_source
from crmlab.grading.results import Reason

EX = "EX-rfm-pyramid"
SECRET = "test-secret-123"
MOODLE_TIME = (2025, 3, 20, 10, 0, 0)  # when the zip was downloaded: never a receipt
CANVAS_TIME = (2025, 3, 20, 10, 5, 0)
ROSTER = [  # student_id, name, email, section, Moodle participant number, Canvas user id
    ("s-1001", "Ləman Əliyeva", "leman.aliyeva@example.edu", "A", 8801, 81234),
    ("s-1002", "Nigar Hüseynova", "nigar.huseynova@example.edu", "A", 8802, 81235),
    ("s-1003", "Orxan Məmmədov", "orxan.mammadov@example.edu", "A", 8803, 81236),
    ("s-1004", "Tural Qasımov", "tural.qasimov@example.edu", "B", 8804, 81237),
    ("s-1005", "Jane O'Neil-Smith", "jane.oneil-smith@example.edu", "B", 8805, 81238),
    ("s-1006", "Anna_Maria López", "anna.lopez@example.edu", "B", 8806, 81239),
    ("s-1007", "Rəşad Babayev", "rashad.babayev@example.edu", "B", 8807, 81240),
]


# ------------------------------------------------------------------------------ builders
def notebook(student="s-1001", *, exercise=EX, seed=None, answer="", crmlab=True,
             cell=None, papermill=True, injected=True) -> bytes:
    """An assigned notebook as `crmlab exercises assign` writes it (papermill's metadata and
    injected cell), with ``answer`` making its bytes differ; ``cell`` overrides what the
    injected cell says (``(student, seed)``)."""
    seed = student_seed(SECRET.encode(), exercise, student) if seed is None else seed
    cell_student, cell_seed = (student, seed) if cell is None else cell
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                               "language": "python"}}
    if crmlab:
        metadata["crmlab"] = {"kind": "exercise", "id": exercise, "lesson": "L05",
                              "points": {"rfm-segments": 2}}
    if papermill:
        metadata["papermill"] = {"parameters": {"student_id": student, "seed": seed}}

    def code(source, tags=()):
        return {"cell_type": "code", "id": hashlib.sha1(source.encode()).hexdigest()[:8],
                "metadata": {"tags": list(tags)}, "source": source, "outputs": [],
                "execution_count": None}

    cells = [code('student_id = "demo"\nseed = 2024', ["parameters"])]
    if injected:
        cells.append(code(f'# Parameters\nstudent_id = "{cell_student}"\nseed = {cell_seed}\n',
                          ["injected-parameters"]))
    cells.append(code(f"segments = {answer!r}"))
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4,
                       "nbformat_minor": 5}, indent=1, ensure_ascii=False).encode()


def roster_file(folder: Path) -> Path:
    path = folder / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", "email", "section"])
        writer.writerows(row[:4] for row in ROSTER)
    return path


#: (name Moodle shows, participant number, plugin, the student's file, content)
MOODLE_FILES = [
    ("Ləman Əliyeva", 8801, "file", "rfm_pyramid.ipynb", notebook("s-1001")),
    ("Nigar Hüseynova", 8802, "file", "rfm_pyramid (1).ipynb", notebook("s-1002")),
    ("Orxan Məmmədov", 8803, "file", "rfm_pyramid.ipynb", notebook("s-1003", answer="A")),
    ("Orxan Məmmədov", 8803, "file", "rfm_pyramid (1).ipynb", notebook("s-1003", answer="B")),
    ("Tural Qasımov", 8804, "file", "rfm_pyramid.ipynb", notebook("s-1001", answer="copy")),
    ("Jane ONeil-Smith", 8805, "file", "clv.ipynb",
     notebook("s-1005", exercise="EX-clv-retention")),
    ("Jane ONeil-Smith", 8805, "file", "notes.txt", b"my notes"),
    ("Anna Maria López", 8806, "file", "sub/rfm_pyramid.ipynb", notebook("s-1006")),
    ("Anna Maria López", 8806, "onlinetext", "onlinetext.html", b"<p>see file</p>"),
]


def moodle_name(who, number, plugin, name, style="4.1"):
    prefix = f"{'Participant' if style == 'blind' else who}_{number}_assignsubmission_{plugin}"
    if style == "flat":
        return f"{prefix}_{name.rsplit('/', 1)[-1]}"
    return f"{prefix}{'_' if style == '3.x' else ''}/{name}"


def moodle_zip(path: Path, files=MOODLE_FILES, *, style="4.1") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for who, number, plugin, name, data in files:
            archive.writestr(zipfile.ZipInfo(moodle_name(who, number, plugin, name, style),
                                             date_time=MOODLE_TIME), data)
    return path


def e(who, number, name, plugin="file", style="4.1"):
    """The entry name collect.csv gives a Moodle file."""
    return moodle_name(who, number, plugin, name, style)


WORKSHEET_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade",
                    "Maximum grade", "Grade can be changed", "Last modified (submission)",
                    "Online text", "Last modified (grade)", "Feedback comments"]
WORKSHEET_ROWS = [  # number, status, Last modified (submission)
    (8801, "Submitted for grading", "Friday, 14 March 2025, 11:58 PM"),
    (8802, "Submitted for grading - 7 mins late", "Saturday, 15 March 2025, 12:07 AM"),
    (8803, "Submitted for grading", "Thursday, 13 March 2025, 9:04 AM"),
    (8804, "Submitted for grading", "Friday, 14 March 2025, 10:30 PM"),
    (8805, "Submitted for grading", "Wednesday, 12 March 2025, 3:05 PM"),
    (8806, "Draft (not submitted)", "Tuesday, 11 March 2025, 8:00 PM"),
    (8807, "No submission", "-"),
]


def worksheet(path: Path, *, delimiter=",", german=False, times=None) -> Path:
    header = WORKSHEET_HEADER
    if german:
        header = ["ID", "Vollständiger Name", "E-Mail-Adresse", "Status", "Bewertung",
                  "Bestmögliche Bewertung", "Bewertung kann geändert werden",
                  "Zuletzt geändert (Abgabe)", "Online-Texteingabe",
                  "Zuletzt geändert (Bewertung)", "Feedback als Kommentar"]
    by_number = {row[4]: row for row in ROSTER}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for number, status, when in WORKSHEET_ROWS:
            when = (times or {}).get(number, when)
            who = by_number[number]
            writer.writerow([f"{'Teilnehmer/in' if german else 'Participant'} {number}",
                             who[1].replace("'", ""), who[2], status, "", "100,00", "Ja",
                             when, "", "-", ""])
    return path


#: (Canvas's name part, late, user id, file id, the student's file, content)
CANVAS_FILES = [
    ("əliyevaləman", False, 81234, 5550001, "rfm_pyramid.ipynb", notebook("s-1001")),
    ("hüseynovanigar", True, 81235, 5550002, "rfm_pyramid-1.ipynb", notebook("s-1002")),
    ("məmmədovorxan", False, 81236, 5550003, "rfm_pyramid.ipynb", notebook("s-1003", answer="A")),
    ("məmmədovorxan", False, 81236, 5550004, "rfm_pyramid (1).ipynb",
     notebook("s-1003", answer="B")),
    ("qasımovtural", False, 81237, 5550005, "rfm_pyramid.ipynb", notebook("s-1001", answer="c")),
    ("oneilsmithjane", False, 81238, None, "text.html", b"<p>my answer</p>"),
    ("lópezanna_maria", False, 81239, 5550006, "Untitled.ipynb", notebook("s-1006", crmlab=False)),
    ("babayevrəşad", True, 81240, 5550007, "hw_2_final.ipynb", notebook("s-1007")),
]


def canvas_name(who, late, user, file_id, name):
    head = "_".join([who, *(["late"] if late else []), str(user)])
    return f"{head}_{name}" if file_id is None else f"{head}_{file_id}_{name}"


def clear_utf8_flags(data: bytes) -> bytes:
    """The zip as rubyzip writes it (Canvas): names in UTF-8 without the flag that says so."""
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos, position = archive.infolist(), archive.start_dir
    for info in infos:
        assert buffer[position:position + 4] == b"PK\x01\x02"
        buffer[position + 9] &= ~0x08  # bit 11 of the flags (their high byte: 0x08)
        assert buffer[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
        buffer[info.header_offset + 7] &= ~0x08
        lengths = struct.unpack("<HHH", buffer[position + 28:position + 34])
        position += 46 + sum(lengths)
    return bytes(buffer)


def canvas_zip(path: Path, *, utf8_flag=False) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for spec in CANVAS_FILES:
            archive.writestr(zipfile.ZipInfo(canvas_name(*spec[:5]), date_time=CANVAS_TIME),
                             spec[5])
    path.write_bytes(buffer.getvalue() if utf8_flag else clear_utf8_flags(buffer.getvalue()))
    return path


# ------------------------------------------------------------------------------ running
@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    return tmp_path


def run(tmp_path, source, *extra, out="out"):
    """Run the command; return (exit code, {entry: (verdict, code, student)}, out)."""
    code = main(["exercises", "collect", str(source), "--out", str(tmp_path / out),
                 "--exercise", EX, "--roster", str(roster_file(tmp_path)), *extra])
    return code, outcomes(tmp_path / out), tmp_path / out


def outcomes(out: Path) -> dict:
    frame = pd.read_csv(out / "collect.csv", dtype=str, keep_default_na=False)
    return {row["entry"]: (row["verdict"], row["code"], row["student_id"])
            for row in frame.to_dict("records")}


def collect_rows(out: Path) -> dict:
    frame = pd.read_csv(out / "collect.csv", dtype=str, keep_default_na=False)
    return {row["entry"]: row for row in frame.to_dict("records")}


def problems(out: Path) -> dict:
    """``{item: [(code, English reason), ...]}`` of problems.csv; every row's reason is its
    code's sentence (the code and params are what a reader reads)."""
    frame = pd.read_csv(out / "problems.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["source", "student_id", "assessment", "item", "code",
                                   "params", "reason"]
    found: dict = {}
    for row in frame.to_dict("records"):
        assert Reason.read(row["code"], row["params"]).text() == row["reason"]
        found.setdefault(row["item"], []).append((row["code"], row["reason"]))
    return found


def collected_files(out: Path) -> dict:
    return {p.name: p.read_bytes() for p in out.glob("*.ipynb")}


def moodle_expected(style="4.1"):
    """The outcome of MOODLE_FILES in every Moodle layout whose names say who submitted."""
    sub = "rfm_pyramid.ipynb" if style == "flat" else "sub/rfm_pyramid.ipynb"
    return {
        e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb", style=style):
            ("collected", "collected", "s-1001"),
        e("Nigar Hüseynova", 8802, "rfm_pyramid (1).ipynb", style=style):
            ("collected", "collected", "s-1002"),
        e("Orxan Məmmədov", 8803, "rfm_pyramid.ipynb", style=style):
            ("set aside", "duplicate", "s-1003"),
        e("Orxan Məmmədov", 8803, "rfm_pyramid (1).ipynb", style=style):
            ("set aside", "duplicate", "s-1003"),
        e("Tural Qasımov", 8804, "rfm_pyramid.ipynb", style=style):
            ("set aside", "copied", "s-1001"),
        e("Jane ONeil-Smith", 8805, "clv.ipynb", style=style):
            ("set aside", "other_exercise", "s-1005"),
        e("Jane ONeil-Smith", 8805, "notes.txt", style=style):
            ("not a notebook", "not_a_notebook", ""),
        e("Anna Maria López", 8806, sub, style=style): ("collected", "collected", "s-1006"),
        e("Anna Maria López", 8806, "onlinetext.html", "onlinetext", style=style):
            ("not a notebook", "not_a_notebook", ""),
    }


# ------------------------------------------------------------------------------ Moodle
@pytest.mark.parametrize("style", ["4.1", "3.x", "flat"])
def test_moodle_download_every_layout(env, style):
    source = moodle_zip(env / "CRM101-RFM pyramid-4711.zip", style=style)
    before = source.read_bytes()
    code, found, out = run(env, source)
    assert code == 1  # some notebooks were set aside
    assert found == moodle_expected(style)
    assert collected_files(out) == {
        "rfm_pyramid__s-1001.ipynb": notebook("s-1001"),  # s-1004's copy did not replace it
        "rfm_pyramid__s-1002.ipynb": notebook("s-1002"),  # renamed "(1)": still s-1002's
        "rfm_pyramid__s-1006.ipynb": notebook("s-1006")}
    reasons = problems(out)
    assert reasons[e("Tural Qasımov", 8804, "rfm_pyramid.ipynb", style=style)] == [(
        "copied", "s-1001's notebook in the submission of s-1004 (Moodle participant 8804, "
        "Tural Qasımov): only s-1001's own submission counts (--pick ENTRY accepts it for "
        "s-1001)")]
    assert reasons[e("Orxan Məmmədov", 8803, "rfm_pyramid.ipynb", style=style)] == [(
        "duplicate", "one of 2 different notebooks of s-1003: none collected; choose one with "
        "--pick ENTRY")]
    assert reasons[e("Jane ONeil-Smith", 8805, "clv.ipynb", style=style)] == [
        ("other_exercise", "a notebook of EX-clv-retention, not of EX-rfm-pyramid")]
    rows = collect_rows(out)
    copied = rows[e("Tural Qasımov", 8804, "rfm_pyramid.ipynb", style=style)]
    assert json.loads(copied["params"]) == {
        "student": "s-1001", "holder": "s-1004 (Moodle participant 8804, Tural Qasımov)"}
    assert copied["reason"] == Reason("copied", **json.loads(copied["params"])).text()
    kept = rows[e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb", style=style)]
    assert (kept["code"], kept["params"], kept["reason"]) == (
        "collected", '{"file":"rfm_pyramid__s-1001.ipynb"}',
        "collected as rfm_pyramid__s-1001.ipynb")
    notes = rows[e("Jane ONeil-Smith", 8805, "notes.txt", style=style)]
    assert (notes["owner"], notes["lms_key"], notes["layout"]) == ("s-1005", "8805", "moodle")
    # Set-aside notebooks are kept for the instructor, where the grader never reads them.
    kept = sorted(p.name for p in (out / "set-aside").iterdir())
    assert len(kept) == 4 and all(name[:4].isdigit() and name[4:6] == "__" for name in kept)
    assert not (out / "receipts.csv").exists()  # Moodle's zip holds no submission time
    assert source.read_bytes() == before  # the download is never changed


def test_moodle_without_worksheet_warns_that_there_are_no_times(env, capsys):
    code, _, out = run(env, moodle_zip(env / "download.zip"))
    err = capsys.readouterr().err
    assert "crmlab: WARNING: Moodle's zip holds no submission times (its entry times are when " \
           "it was downloaded): no receipts were written" in " ".join(err.split())
    assert collect_rows(out)[e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb")]["received_at"] == ""


def test_blind_marking_relies_on_the_notebooks_alone(env, capsys):
    code, found, out = run(env, moodle_zip(env / "blind.zip", style="blind"))
    name = lambda number, file: e("", number, file, style="blind")  # noqa: E731
    # Nobody is named, so s-1001's two notebooks (8801's and 8804's) cannot be told apart.
    assert found[name(8801, "rfm_pyramid.ipynb")] == ("set aside", "duplicate", "s-1001")
    assert found[name(8804, "rfm_pyramid.ipynb")] == ("set aside", "duplicate", "s-1001")
    assert found[name(8802, "rfm_pyramid (1).ipynb")] == ("collected", "collected", "s-1002")
    assert found[name(8806, "sub/rfm_pyramid.ipynb")] == ("collected", "collected", "s-1006")
    assert sorted(collected_files(out)) == ["rfm_pyramid__s-1002.ipynb",
                                            "rfm_pyramid__s-1006.ipynb"]
    assert "blind marking: the download names no one" in capsys.readouterr().err


def test_blind_marking_with_the_worksheet_emails_finds_the_copy(env):
    """A marker allowed to see identities gets the emails in the worksheet."""
    sheet = worksheet(env / "Grades.csv")
    code, found, out = run(env, moodle_zip(env / "blind.zip", style="blind"), "--worksheet",
                           str(sheet), "--timezone", "Asia/Baku")
    assert found[e("", 8804, "rfm_pyramid.ipynb", style="blind")] == (
        "set aside", "copied", "s-1001")
    assert found[e("", 8801, "rfm_pyramid.ipynb", style="blind")] == (
        "collected", "collected", "s-1001")


# ------------------------------------------------------------------------------ worksheet
RECEIPTS = {  # the worksheet's times in Asia/Baku (UTC+4), in UTC, at the start of the minute
    "s-1001": "2025-03-14T19:58:00+00:00",
    "s-1002": "2025-03-14T20:07:00+00:00",
    "s-1006": "2025-03-11T16:00:00+00:00",
}


@pytest.mark.parametrize("variant", ["comma", "semicolon", "german"])
def test_worksheet_gives_the_receipts(env, variant):
    sheet = {"comma": lambda p: worksheet(p),
             "semicolon": lambda p: worksheet(p, delimiter=";"),
             "german": lambda p: worksheet(p, delimiter=";", german=True, times={
                 8801: "Freitag, 14. März 2025, 23:58", 8802: "Samstag, 15. März 2025, 00:07",
                 8806: "Dienstag, 11. März 2025, 20:00"})}[variant](env / "worksheet.csv")
    code, found, out = run(env, moodle_zip(env / "download.zip"), "--worksheet", str(sheet),
                           "--timezone", "Asia/Baku")
    assert found == moodle_expected()
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert list(receipts.columns) == ["file", "sha256", "student_id", "assessment",
                                      "received_at"]
    assert dict(zip(receipts["student_id"], receipts["received_at"])) == RECEIPTS
    assert set(receipts["assessment"]) == {EX}
    s1 = receipts.set_index("student_id").loc["s-1001"]
    assert (s1["file"], s1["sha256"]) == ("rfm_pyramid__s-1001.ipynb",
                                          hashlib.sha256(notebook("s-1001")).hexdigest())
    rows = collect_rows(out)
    assert rows[e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb")]["time_source"] == \
        "moodle-worksheet"


def test_worksheet_in_an_unknown_language_is_read_by_content_with_a_warning(env, capsys):
    sheet = worksheet(env / "worksheet.csv")
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = ",".join(f"Sütun {i}" for i in range(1, 12))  # headers nobody listed
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    code, _, out = run(env, moodle_zip(env / "download.zip"), "--worksheet", str(sheet),
                       "--timezone", "Asia/Baku")
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert dict(zip(receipts["student_id"], receipts["received_at"])) == RECEIPTS
    assert f"{sheet}: the column(s) Sütun 1, Sütun 8 were found by their content, not their " \
           "header: check them" in " ".join(capsys.readouterr().err.split())


def test_worksheet_time_that_cannot_be_read_gives_no_receipt(env):
    sheet = worksheet(env / "worksheet.csv", times={8806: "03/11/2025 20:00"})
    code, _, out = run(env, moodle_zip(env / "download.zip"), "--worksheet", str(sheet),
                       "--timezone", "Asia/Baku")
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert sorted(receipts["student_id"]) == ["s-1001", "s-1002"]
    assert problems(out)[e("Anna Maria López", 8806, "sub/rfm_pyramid.ipynb")] == [(
        "worksheet_time", "no receipt: worksheet.csv:7: Last modified (submission): cannot "
        "read '03/11/2025 20:00' as a date and time without guessing (give --date-format); the "
        "late policy is not applied to it")]
    # With the format said, it is read.
    code, _, out = run(env, moodle_zip(env / "download.zip"), "--worksheet", str(sheet),
                       "--timezone", "Asia/Baku", "--date-format", "%m/%d/%Y %H:%M",
                       out="again")
    receipts = pd.read_csv(out / "receipts.csv", dtype=str).set_index("student_id")
    assert receipts.loc["s-1006", "received_at"] == "2025-03-11T16:00:00+00:00"


def test_a_participant_missing_from_the_worksheet_or_without_a_time_gets_no_receipt(env):
    sheet = worksheet(env / "worksheet.csv", times={8802: "-"})
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    sheet.write_text("\n".join(line for line in lines if "Participant 8806" not in line)
                     + "\n", encoding="utf-8-sig")
    code, _, out = run(env, moodle_zip(env / "download.zip"), "--worksheet", str(sheet),
                       "--timezone", "Asia/Baku")
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert list(receipts["student_id"]) == ["s-1001"]
    reasons = problems(out)
    assert reasons[e("Nigar Hüseynova", 8802, "rfm_pyramid (1).ipynb")] == [(
        "worksheet_no_time", "no receipt: worksheet.csv:3: the worksheet gives no submission "
        "time; the late policy is not applied to it")]
    assert reasons[e("Anna Maria López", 8806, "sub/rfm_pyramid.ipynb")] == [(
        "not_in_worksheet", "no receipt: Moodle participant 8806, Anna Maria López is not in "
        "the worksheet worksheet.csv; the late policy is not applied to it")]


def test_worksheet_extends_a_course_receipts_file(env):
    course = env / "course-receipts.csv"
    course.write_text("file,sha256,student_id,assessment,received_at\n"
                      "x.zip,ab12,s-1001,L02,2025-03-01T10:00:00+00:00\n")
    code, _, out = run(env, moodle_zip(env / "download.zip"), "--worksheet",
                       str(worksheet(env / "w.csv")), "--timezone", "Asia/Baku",
                       "--receipts", str(course))
    frame = pd.read_csv(course, dtype=str)
    assert list(frame["student_id"]) == ["s-1001", "s-1001", "s-1002", "s-1006"]
    assert not (out / "receipts.csv").exists()


# ------------------------------------------------------------------------------ Canvas
@pytest.mark.parametrize("utf8_flag", [False, True])
def test_canvas_zip(env, capsys, utf8_flag):
    source = canvas_zip(env / "submissions.zip", utf8_flag=utf8_flag)
    if not utf8_flag:  # as Python reads it: cp437 mojibake, repaired by collect
        with zipfile.ZipFile(source) as archive:
            assert "╔Öliyeval╔Öman_81234_5550001_rfm_pyramid.ipynb" in archive.namelist()
    code, found, out = run(env, source)
    names = [canvas_name(*spec[:5]) for spec in CANVAS_FILES]
    assert found == {
        names[0]: ("collected", "collected", "s-1001"),
        names[1]: ("collected", "collected", "s-1002"),  # renamed by Canvas, late
        names[2]: ("set aside", "duplicate", "s-1003"),
        names[3]: ("set aside", "duplicate", "s-1003"),
        names[4]: ("set aside", "copied", "s-1001"),
        names[5]: ("not a notebook", "not_a_notebook", ""),
        names[6]: ("set aside", "not_crmlab", ""),
        names[7]: ("collected", "collected", "s-1007"),  # late, digits in its own name
    }
    rows = collect_rows(out)
    assert (rows[names[7]]["lms_key"], rows[names[7]]["lms_late"], rows[names[7]]["owner"]) \
        == ("81240", "yes", "s-1007")
    assert rows[names[5]]["owner"] == "s-1005"  # "oneilsmithjane" is Jane O'Neil-Smith
    reasons = problems(out)
    assert reasons[names[4]] == [(
        "copied", "s-1001's notebook in the submission of s-1004 (Canvas user 81237, "
        "qasımovtural): only s-1001's own submission counts (--pick ENTRY accepts it for "
        "s-1001)")]
    late = ("canvas_late", "Canvas marked the submission late; its download holds no time, so "
            "the late policy is not applied to it")
    assert reasons[names[1]] == [late] and reasons[names[7]] == [late]
    assert reasons[names[6]] == [("not_crmlab", "not a crmlab exercise notebook (no "
                                                "metadata.crmlab of kind exercise)")]
    assert not (out / "receipts.csv").exists()
    err = " ".join(capsys.readouterr().err.split())
    assert "Canvas's zip holds no submission times (its entry times are when it was built): " \
           "no receipts were written, so the late policy is not applied; 2 collected " \
           "notebook(s) carry Canvas's late mark (problems.csv)" in err


# ------------------------------------------------------------------------------ folders
def test_extracted_moodle_folder_with_macos_names_is_still_moodle(env):
    import unicodedata

    folder = env / "extracted"
    for who, number, plugin, name, data in MOODLE_FILES:
        path = folder / unicodedata.normalize("NFD", moodle_name(who, number, plugin, name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._x.ipynb").write_bytes(b"\0")
    (folder / ".DS_Store").write_bytes(b"\0")
    code, found, out = run(env, folder)
    assert {k: v for k, v in found.items() if v[0] != "skipped"} == moodle_expected()
    assert found["__MACOSX/._x.ipynb"] == ("skipped", "macos_metadata", "")
    assert found[".DS_Store"] == ("skipped", "system_litter", "")
    assert collect_rows(out)[".DS_Store"]["reason"] == "operating-system litter"
    assert "__MACOSX/._x.ipynb" not in problems(out)  # litter is nobody's problem
    assert problems(out)[e("Jane ONeil-Smith", 8805, "notes.txt")] == [
        ("not_a_notebook", "only .ipynb files are collected")]


def test_plain_folder_file_times_are_never_silent_receipts(env, capsys):
    folder = env / "inbox"
    folder.mkdir()
    files = {"rfm_pyramid__s-1001.ipynb": notebook("s-1001"),
             "homework final.ipynb": notebook("s-1002"),  # any name: the content decides
             "s-1003/rfm_pyramid.ipynb": notebook("s-1003"),
             "s-1003/copy of rfm_pyramid.ipynb": notebook("s-1003")}  # the same bytes
    stamp = 1742000000  # 2025-03-15T00:53:20+00:00
    for name, data in files.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
        os.utime(folder / name, (stamp, stamp))
    code, found, out = run(env, folder)
    assert code == 0
    assert found == {
        "homework final.ipynb": ("collected", "collected", "s-1002"),
        "rfm_pyramid__s-1001.ipynb": ("collected", "collected", "s-1001"),
        "s-1003/copy of rfm_pyramid.ipynb": ("collected", "collected", "s-1003"),
        "s-1003/rfm_pyramid.ipynb": ("identical", "identical", "s-1003"),
    }
    assert problems(out)["s-1003/rfm_pyramid.ipynb"] == [
        ("identical", "the same notebook as s-1003/copy of rfm_pyramid.ipynb: one copy kept")]
    rows = collect_rows(out)
    assert (rows["homework final.ipynb"]["received_at"],
            rows["homework final.ipynb"]["time_source"]) == ("2025-03-15T00:53:20+00:00",
                                                             "file-mtime")
    assert not (out / "receipts.csv").exists()
    err = " ".join(capsys.readouterr().err.split())
    assert "3 notebook(s) have only their file's time (file-mtime), which a copy or a " \
           "download sets and a student can forge: not written as receipts, so the late " \
           "policy is not applied to them (--trust-file-times writes them)" in err
    # Said explicitly, they become receipts, each listed as such.
    code, _, out = run(env, folder, "--trust-file-times", out="trusted")
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert sorted(receipts["student_id"]) == ["s-1001", "s-1002", "s-1003"]
    assert set(receipts["received_at"]) == {"2025-03-15T00:53:20+00:00"}
    assert problems(out)["homework final.ipynb"] == [(
        "file_time_receipt", "its receipt is its file's time, 2025-03-15T00:53:20+00:00 "
        "(file-mtime), not a time an LMS recorded (--trust-file-times)")]
    assert "3 notebook(s) have only their file's time (file-mtime), which a copy or a " \
           "download sets and a student can forge: written as receipts because of " \
           "--trust-file-times, each listed in problems.csv" in " ".join(
               capsys.readouterr().err.split())


# ------------------------------------------------------------------------------ identity
def two_injected(first: str, second: str) -> bytes:
    """A notebook without papermill's metadata whose two injected cells name two students."""
    nb = json.loads(notebook(first, papermill=False))
    extra = dict(nb["cells"][1], id="second", source=f'student_id = "{second}"\n')
    nb["cells"].insert(2, extra)
    return json.dumps(nb).encode()


IDENTITY_CASES = {  # file -> (content, verdict, code, student, reason)
    "tampered_seed.ipynb": (notebook("s-1002", seed=12345), "set aside", "wrong_seed",
                            "s-1002", "tampered: seed 12345 is not the seed assigned to s-1002 "
                            "(checked with the instructor secret)"),
    "tampered_id.ipynb": (notebook("s-1002", cell=("s-1003", 5)), "set aside", "id_mismatch",
                          "", "tampered: its metadata says student 's-1002', its parameters "
                          "cell 's-1003'"),
    "tampered_cell_seed.ipynb": (notebook("s-1004", cell=("s-1004", 5)), "set aside",
                                 "seed_mismatch", "", None),
    "anonymous.ipynb": (notebook("demo"), "set aside", "unknown_student", "demo",
                        "student 'demo' is not in the roster"),
    "unassigned.ipynb": (notebook("s-1005", papermill=False, injected=False), "set aside",
                         "no_id_nor_seed", "", "carries no student id nor seed: not a notebook "
                         "made by `crmlab exercises assign`"),
    "no_seed.ipynb": (notebook("s-1005", seed="x", injected=False), "set aside", "no_seed", "",
                      "carries no seed: not a notebook made by `crmlab exercises assign`"),
    "two_ids.ipynb": (two_injected("s-1005", "s-1006"), "set aside", "ids_in_cell", "",
                      "tampered: its metadata says no student, its parameters cell "
                      "'s-1005 / s-1006'"),
    "truncated.ipynb": (notebook("s-1006")[:200], "refused", "unreadable", "",
                        "not a readable notebook (not JSON: JSONDecodeError)"),
    "not_json.ipynb": (b"\xff\xfe garbage", "refused", "unreadable", "", None),
    "other_exercise.ipynb": (notebook("s-1007", exercise="EX-abc-profit"), "set aside",
                             "other_exercise", "s-1007", None),
    "not_crmlab.ipynb": (notebook("s-1007", crmlab=False), "set aside", "not_crmlab", "", None),
    "only_metadata.ipynb": (notebook("s-1001", injected=False), "collected", "collected",
                            "s-1001", None),
    "only_cell.ipynb": (notebook("s-1003", papermill=False), "collected", "collected", "s-1003",
                        None),
}


def test_identity_cases(env):
    folder = env / "subs"
    folder.mkdir()
    for name, (data, *_) in IDENTITY_CASES.items():
        (folder / name).write_bytes(data)
    code, found, out = run(env, folder)
    assert found == {name: case[1:4] for name, case in IDENTITY_CASES.items()}
    reasons, rows = problems(out), collect_rows(out)
    for name, (_, _, code, _, reason) in IDENTITY_CASES.items():
        if reason:
            assert rows[name]["reason"] == reason
            assert reasons[name] == [(code, reason)]
    # Refused notebooks are kept in set-aside/ too (the instructor may look at them).
    assert sum(1 for _ in (out / "set-aside").iterdir()) == 11


def test_without_the_secret_a_tampered_seed_passes_with_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CRMLAB_INSTRUCTOR_SECRET", raising=False)
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "x.ipynb").write_bytes(notebook("s-1002", seed=12345))
    code, found, out = run(tmp_path, folder)
    assert (code, found) == (0, {"x.ipynb": ("collected", "collected", "s-1002")})
    assert "no instructor secret (CRMLAB_INSTRUCTOR_SECRET or --secret-file): the seeds were " \
           "not checked" in " ".join(capsys.readouterr().err.split())
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    code, found, out = run(tmp_path, folder, "--secret-file", str(secret), out="checked")
    assert found == {"x.ipynb": ("set aside", "wrong_seed", "s-1002")}


def test_read_identity_never_runs_or_trusts_the_parameters_cell():
    nb = json.loads(notebook("s-1001"))
    nb["cells"][0]["source"] = 'student_id = "s-1009"\nseed = 1'  # the untagged defaults cell
    identity, reason = read_identity(json.dumps(nb).encode())
    assert (identity.student, reason) == ("s-1001", None)
    for hostile in (b"[" * 100000, b'{"cells": "x", "metadata": {}}', b"null", b""):
        assert read_identity(hostile)[1].code == "unreadable"
    # A seed of 5000 digits is no seed (int() would refuse it); the metadata's still counts.
    nb["cells"][1]["source"] = 'student_id = "s-1001"\nseed = ' + "9" * 5000
    assert read_identity(json.dumps(nb).encode())[0].student == "s-1001"
    # What a notebook claims is clipped in every report.
    nb = json.loads(notebook("x" * 10_000, injected=False))
    assert read_identity(json.dumps(nb).encode())[0].student == "x" * 10_000
    nb["cells"].append({"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
                        "source": 'student_id = "' + "y" * 10_000 + '"', "outputs": []})
    identity, reason = read_identity(json.dumps(nb).encode())
    assert reason.code == "id_mismatch" and len(reason.text()) < 250


def test_an_entry_name_with_a_newline_stays_on_one_line(env, capsys):
    source = env / "odd.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("line\nbreak.ipynb", notebook("s-1001", exercise="EX-abc-profit"))
    code, found, out = run(env, source)
    assert found == {"line_break.ipynb": ("set aside", "other_exercise", "s-1001")}
    assert "  set aside: line_break.ipynb [s-1001]: a notebook of EX-abc-profit, not of " \
           "EX-rfm-pyramid\n" in capsys.readouterr().out


# ------------------------------------------------------------------------------ choosing
def test_pick_resolves_a_duplicate_and_accepts_a_copy(env):
    source = moodle_zip(env / "download.zip")
    chosen = e("Orxan Məmmədov", 8803, "rfm_pyramid (1).ipynb")
    copy = e("Tural Qasımov", 8804, "rfm_pyramid.ipynb")
    code, found, out = run(env, source, "--pick", chosen)
    assert found[chosen] == ("collected", "picked", "s-1003")
    assert found[e("Orxan Məmmədov", 8803, "rfm_pyramid.ipynb")] == (
        "set aside", "not_picked", "s-1003")
    assert collected_files(out)["rfm_pyramid__s-1003.ipynb"] == notebook("s-1003", answer="B")
    code, found, out = run(env, source, "--pick", copy, out="copy")
    assert found[copy] == ("collected", "picked", "s-1001")
    assert found[e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb")] == (
        "set aside", "not_picked", "s-1001")


def test_a_copy_is_set_aside_even_when_its_student_handed_in_nothing(env):
    """s-1001 submitted nothing; s-1004 handed in s-1001's notebook: nobody gets it."""
    files = [("Tural Qasımov", 8804, "file", "rfm_pyramid.ipynb", notebook("s-1001"))]
    code, found, out = run(env, moodle_zip(env / "d.zip", files))
    assert (code, found) == (1, {e("Tural Qasımov", 8804, "rfm_pyramid.ipynb"): (
        "set aside", "copied", "s-1001")})
    assert collected_files(out) == {}


def test_a_copy_in_a_submission_of_someone_not_in_the_roster(env):
    """Whose submission 8809 is nobody knows, but s-1001's own is 8801: 8809's is a copy."""
    files = [("Ləman Əliyeva", 8801, "file", "rfm_pyramid.ipynb", notebook("s-1001")),
             ("Guest Auditor", 8809, "file", "rfm_pyramid.ipynb", notebook("s-1001", answer="x"))]
    code, found, out = run(env, moodle_zip(env / "d.zip", files))
    assert found[e("Guest Auditor", 8809, "rfm_pyramid.ipynb")] == ("set aside", "copied",
                                                                     "s-1001")
    assert found[e("Ləman Əliyeva", 8801, "rfm_pyramid.ipynb")] == ("collected", "collected",
                                                                     "s-1001")
    assert problems(out)[e("Guest Auditor", 8809, "rfm_pyramid.ipynb")] == [(
        "copied", "s-1001's notebook in the submission of Moodle participant 8809, Guest "
        "Auditor: only s-1001's own submission counts (--pick ENTRY accepts it for s-1001)")]


def test_a_submission_of_unknown_owner_holding_two_students_is_set_aside(env):
    files = [("Participant", 8801, "file", "a.ipynb", notebook("s-1001")),
             ("Participant", 8801, "file", "b.ipynb", notebook("s-1002")),
             ("Participant", 8803, "file", "c.ipynb", notebook("s-1003"))]
    code, found, out = run(env, moodle_zip(env / "d.zip", files))
    assert found == {e("Participant", 8801, "a.ipynb"): ("set aside", "mixed_submission", "s-1001"),
                     e("Participant", 8801, "b.ipynb"): ("set aside", "mixed_submission", "s-1002"),
                     e("Participant", 8803, "c.ipynb"): ("collected", "collected", "s-1003")}
    assert problems(out)[e("Participant", 8801, "a.ipynb")] == [(
        "mixed_submission", "the submission of Moodle participant 8801 holds notebooks of "
        "s-1001, s-1002, and whose submission it is cannot be told (--pick ENTRY accepts one)")]


# ------------------------------------------------------------------------------ safety
def test_reader_refuses_what_it_must_and_reads_the_rest(tmp_path):
    source = tmp_path / "hostile.zip"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("inside/rfm_pyramid.ipynb", notebook("s-1002"))
    deep = io.BytesIO()
    with zipfile.ZipFile(deep, "w") as outer:
        outer.writestr("level2.zip", inner.getvalue())
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ok.ipynb", notebook("s-1001"))
        archive.writestr("../../escape.ipynb", notebook("s-1003"))
        archive.writestr("/absolute.ipynb", notebook("s-1003"))
        archive.writestr("bomb.ipynb", b"{" + b" " * 5_000_000 + b"}")  # 5 MB of spaces
        link = zipfile.ZipInfo("link.ipynb")
        link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("student.zip", inner.getvalue())
        archive.writestr("deep.zip", deep.getvalue())
    items = read_source(source, limits=ReadLimits(notebook=1_000_000, depth=1))
    found = {item.name: (item.kind, item.reason) for item in items}
    assert found == {
        "ok.ipynb": ("notebook", None),
        "../../escape.ipynb": ("refused", Reason("climbing_name")),
        "/absolute.ipynb": ("refused", Reason("absolute_name")),
        "bomb.ipynb": ("refused", Reason("too_large", limit=1_000_000)),
        "link.ipynb": ("refused", Reason("symlink")),
        "student.zip!/inside/rfm_pyramid.ipynb": ("notebook", None),
        "deep.zip!/level2.zip": ("refused", Reason("too_deep", depth=1)),
    }
    assert found["../../escape.ipynb"][1].text() == "an unsafe name (a path climbing with '..')"


def test_a_zip_header_that_lies_about_a_size_reads_no_more_than_the_cap(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.ipynb", b" " * 3_000_000)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info, central = archive.infolist()[0], archive.start_dir
    struct.pack_into("<I", data, central + 24, 100)  # uncompressed size: "100 bytes"
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    items = read_source(tmp_path / "liar.zip", limits=ReadLimits(notebook=1000))
    assert [(item.kind, item.reason.code) for item in items] == [("refused", "bad_entry")]


def test_folder_links_fifos_and_an_encrypted_entry(env):
    outside = env / "outside"
    outside.mkdir()
    (outside / "secret.ipynb").write_bytes(notebook("s-1001"))
    folder = env / "subs"
    folder.mkdir()
    (folder / "mine.ipynb").write_bytes(notebook("s-1002"))
    os.symlink(outside / "secret.ipynb", folder / "link.ipynb")
    os.symlink(outside, folder / "linked-folder")
    os.mkfifo(folder / "pipe.ipynb")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("locked.ipynb", notebook("s-1003"))
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info, central = archive.infolist()[0], archive.start_dir
    data[central + 8] |= 0x01  # the "encrypted" flag
    data[info.header_offset + 6] |= 0x01
    (folder / "student.zip").write_bytes(bytes(data))
    code, found, out = run(env, folder)
    assert found == {"mine.ipynb": ("collected", "collected", "s-1002"),
                     "link.ipynb": ("refused", "symlink", ""),
                     "linked-folder": ("refused", "symlink", ""),
                     "pipe.ipynb": ("refused", "special_file", ""),
                     "student.zip!/locked.ipynb": ("refused", "encrypted", "")}
    assert problems(out)["link.ipynb"] == [("symlink", "a symbolic link (never followed)")]
    assert problems(out)["student.zip!/locked.ipynb"] == [("encrypted", "an encrypted zip entry")]
    assert code == 1


def test_a_file_changed_after_it_was_listed_is_refused_not_followed(tmp_path, monkeypatch):
    """Between lstat and the read a file can become a link, a FIFO, a larger file or nothing:
    each is refused with its reason, and a FIFO does not block the collection."""
    from crmlab.grading import downloads

    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "mine.ipynb").write_bytes(notebook("s-1002"))
    cap = len(notebook("s-1002"))
    (folder / "link.ipynb").symlink_to(folder / "mine.ipynb")
    os.mkfifo(folder / "pipe.ipynb")
    (folder / "grown.ipynb").write_bytes(b"x" * (cap + 1))
    (folder / "gone.ipynb").write_bytes(b"{}")
    real, small = os.lstat, os.lstat(folder / "mine.ipynb")

    def lstat(path, *args, **kwargs):  # each looked like the small notebook when listed
        if Path(path).name == "gone.ipynb":
            os.unlink(path)
        return small if Path(path).name.endswith(".ipynb") else real(path, *args, **kwargs)

    monkeypatch.setattr(downloads.os, "lstat", lstat)
    items = read_source(folder, limits=ReadLimits(notebook=cap))
    found = {item.name: (item.kind, item.reason) for item in items}
    assert found == {
        "mine.ipynb": ("notebook", None),
        "link.ipynb": ("refused", Reason("special_file")),
        "pipe.ipynb": ("refused", Reason("special_file")),
        "grown.ipynb": ("refused", Reason("too_large", limit=cap)),
        "gone.ipynb": ("refused", Reason("unreadable_file", detail=(
            "FileNotFoundError: [Errno 2] No such file or directory: "
            f"'{folder / 'gone.ipynb'}'"))),
    }


def test_a_file_grown_after_it_was_listed_is_charged_and_dated_as_read(tmp_path, monkeypatch):
    """The download's budget is charged the bytes read, not the size listed, and a notebook's
    time is that of the file read."""
    from crmlab.grading import downloads

    folder = tmp_path / "subs"
    folder.mkdir()
    grown, after = notebook("s-1001", answer="x" * 200), notebook("s-1002")
    (folder / "a.ipynb").write_bytes(grown)
    (folder / "b.ipynb").write_bytes(after)
    os.utime(folder / "a.ipynb", (1_700_000_000, 1_700_000_000))
    (folder / "listed").write_bytes(b"{}")  # what a.ipynb was when listed: 2 bytes, a day older
    os.utime(folder / "listed", (1_699_913_600, 1_699_913_600))
    real, listed = os.lstat, os.lstat(folder / "listed")

    def lstat(path, *args, **kwargs):
        return listed if Path(path).name == "a.ipynb" else real(path, *args, **kwargs)

    monkeypatch.setattr(downloads.os, "lstat", lstat)
    # room for a.ipynb as read, but not for b.ipynb as well; as listed, both would fit
    total = len(grown) + len(after) - 1
    found = {item.name: item for item in read_source(folder, limits=ReadLimits(total=total))}
    assert (found["a.ipynb"].kind, found["a.ipynb"].data) == ("notebook", grown)
    assert found["a.ipynb"].mtime == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    assert (found["b.ipynb"].kind, found["b.ipynb"].reason) == (
        "refused", Reason("over_budget", limit=total))
    # with room for both as read, both are read
    total = len(grown) + len(after)
    found = {item.name: item for item in read_source(folder, limits=ReadLimits(total=total))}
    assert [found[name].kind for name in ("a.ipynb", "b.ipynb")] == ["notebook", "notebook"]


def test_too_many_entries(tmp_path):
    source = tmp_path / "many.zip"
    with zipfile.ZipFile(source, "w") as archive:
        for index in range(6):
            archive.writestr(f"f{index}.txt", "x")
    with pytest.raises(ExerciseError, match=r"many\.zip: holds 6 entries, more than the cap of 5$"):
        read_source(source, limits=ReadLimits(entries=5))


# ------------------------------------------------------------------------------ the command
def test_help_names_what_it_reads(capsys):
    with pytest.raises(SystemExit):
        main(["exercises", "collect", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for needle in ("CRMLAB_INSTRUCTOR_SECRET", "--secret-file", "--worksheet", "--roster",
                   "--receipts", "--timezone", "--trust-file-times", "--pick", "SOURCE",
                   "collect.csv", "problems.csv", "Exit status"):
        assert needle in text


@pytest.mark.parametrize("change, message", [
    (lambda t, a: a.__setitem__(2, str(t / "nope.zip")),
     "{t}/nope.zip: cannot read the download (No such file or directory)"),
    (lambda t, a: (t / "junk.zip").write_text("not a zip") and a.__setitem__(2, str(t / "junk.zip")),
     "{t}/junk.zip: not a folder nor a readable zip (BadZipFile: File is not a zip file)"),
    (lambda t, a: (t / "out").mkdir() or (t / "out" / "x").write_text("x"),
     "{t}/out: the folder is not empty; collect into a new folder (a course-wide receipts "
     "file is extended with --receipts FILE)"),
    (lambda t, a: a.extend(["--worksheet", str(t / "w.csv")]),
     "{t}/w.csv: the worksheet's times carry no zone; give --timezone, the zone of the Moodle "
     "user who downloaded it (e.g. Asia/Baku)"),
    (lambda t, a: a.extend(["--timezone", "Asia/Baku"]),
     "--timezone and --date-format read Moodle's worksheet: give --worksheet too"),
    (lambda t, a: worksheet(t / "w.csv") and a.extend(["--worksheet", str(t / "w.csv"),
                                                       "--timezone", "Mars/Base"]),
     "Got timezone='Mars/Base' instead, expected an IANA time zone such as Asia/Baku or "
     "Europe/Ljubljana."),
    (lambda t, a: a.extend(["--pick", "nobody.ipynb"]),
     "--pick 'nobody.ipynb': no such entry in {t}/download.zip (give it as collect.csv or "
     "problems.csv names it)"),
    (lambda t, a: a.extend(["--pick", e("Jane ONeil-Smith", 8805, "clv.ipynb")]),
     "--pick 'Jane ONeil-Smith_8805_assignsubmission_file/clv.ipynb': cannot be collected (a "
     "notebook of EX-clv-retention, not of EX-rfm-pyramid)"),
    (lambda t, a: a.__setitem__(6, "EX-nope"),
     "Got exercise='EX-nope' instead, expected one of 'EX-abc-profit', 'EX-classify-suppliers', "
     "'EX-clv-retention', 'EX-crm-selection', 'EX-rfm-pyramid', 'EX-survey-analysis', "
     "'abc_profit_share', 'classify_suppliers', 'clv_retention', 'crm_selection', "
     "'rfm_pyramid', 'survey_analysis'."),
    (lambda t, a: (t / "r.csv").write_text("file,sha256,student_id,assessment,received_at\n"
                                           "x,ab,s-1001,L02,yesterday\n")
     and a.extend(["--receipts", str(t / "r.csv")]),
     "{t}/r.csv:2: received_at: Got received_at='yesterday' instead, expected an ISO 8601 time "
     "with its offset, e.g. 2026-09-28T20:10:00+00:00. Row ignored. Fix it before collecting "
     "(nothing was written)."),
    (lambda t, a: a.extend(["--max-notebook", "0"]),
     "Got --max-notebook=0 instead, expected a whole number of MB >= 1."),
])
def test_user_mistakes_are_one_line_and_write_nothing(env, capsys, change, message):
    moodle_zip(env / "download.zip")
    args = ["exercises", "collect", str(env / "download.zip"), "--out", str(env / "out"),
            "--exercise", EX, "--roster", str(roster_file(env))]
    change(env, args)
    before = sorted(p.name for p in env.iterdir())
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == f"crmlab: error: {message.format(t=env)}\n"
    assert sorted(p.name for p in env.iterdir()) == before  # nothing written


def test_collect_library_call_leaves_its_inputs_alone(env):
    source = moodle_zip(env / "download.zip")
    roster = roster_file(env)
    before = (source.read_bytes(), roster.read_bytes())
    picks = [e("Orxan Məmmədov", 8803, "rfm_pyramid.ipynb")]
    result = collect(source, exercise=EX, roster=roster, out=env / "out", pick=picks)
    assert (source.read_bytes(), roster.read_bytes()) == before
    assert picks == [e("Orxan Məmmədov", 8803, "rfm_pyramid.ipynb")]
    assert sorted(result.collected) == ["s-1001", "s-1002", "s-1003", "s-1006"]
    assert result.missing == ["s-1004", "s-1005", "s-1007"]


def test_reasons_and_warnings_are_codes_rendered_by_the_catalog():
    """collect's reasons and warnings are codes of crmlab.grading.results, made into sentences
    in the reader's language (every code's sentence in every catalog: tests/test_results.py)."""
    assert Reason("too_large", limit=10).text() == "larger than the cap of 10 bytes"
    assert Reason("too_large", limit=10).text("az") == "10 baytlıq həddən böyükdür"
    assert (Reason("duplicate", count=2, student="s-1").kind, Reason("blind_marking").kind) == (
        "file", "warning")
    with pytest.raises(ValueError, match=r"^Got code='too-large' instead, expected a code"):
        Reason("too-large", limit=10)


# ------------------------------------------------------------------------------ end to end
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exercises" / "exercise" / \
    "fixture_double.ipynb"
E2E_SECRET = "fixture-secret-123"


def _answered(path: Path, double: str, square: str) -> bytes:
    """The assigned notebook at ``path`` with the student's answers typed in (as JSON text,
    the way Jupyter saves it)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") == "fx-03":
            cell["source"] = double
        elif cell.get("id") == "fx-05":
            cell["source"] = square
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def _assigned_class(tmp_path, monkeypatch):
    """A roster of three and their copies of the fixture exercise, assigned with the fixture's
    keys (which a course's keys file would hold: assign digests its checks)."""
    from crmlab.exercises.keys import EXPECTED

    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", E2E_SECRET)
    monkeypatch.setitem(EXPECTED, "fx-double", lambda seed: 2 * seed)
    monkeypatch.setitem(EXPECTED, "fx-square", lambda seed: seed * seed)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\n"
                      "st-a,Aysel Quliyeva,aysel@example.edu\n"
                      "st-b,Bəhruz Əliyev,behruz@example.edu\n"
                      "st-c,Cavid Nəsirov,cavid@example.edu\n", encoding="utf-8")
    assert main(["exercises", "assign", str(FIXTURE), "--roster", str(roster), "--out",
                 str(tmp_path / "assigned")]) == 0
    return roster, {s: tmp_path / "assigned" / f"fixture_double__{s}.ipynb"
                    for s in ("st-a", "st-b", "st-c")}


@pytest.mark.kernel
def test_assign_lms_zip_collect_grade_end_to_end(tmp_path, monkeypatch):
    """Assign three students, hand their notebooks back through a Moodle zip with renamed
    files, an identical and a different duplicate and a copy, collect, grade: the totals are
    the hand-computed ones (fx-double 1 point, fx-square 2 points)."""
    roster, assigned = _assigned_class(tmp_path, monkeypatch)
    solved = ("double = 2 * seed", "square = seed * seed\nsquare")
    a_solved = _answered(assigned["st-a"], *solved)  # 1 + 2 = 3 points
    b_wrong = _answered(assigned["st-b"], "double = 2 * seed + 1", solved[1])  # 0 + 2 = 2
    c_untouched = assigned["st-c"].read_bytes()  # 0 points
    c_solved = _answered(assigned["st-c"], *solved)  # 3 points, the one the instructor picks
    files = [
        ("Aysel Quliyeva", 501, "file", "fixture_double (1).ipynb", a_solved),
        ("Aysel Quliyeva", 501, "file", "fixture_double (2).ipynb", a_solved),
        ("Bəhruz Əliyev", 502, "file", "my answers.ipynb", b_wrong),
        ("Bəhruz Əliyev", 502, "file", "fixture_double__st-a.ipynb",
         assigned["st-a"].read_bytes()),  # st-a's untouched copy, in st-b's submission
        ("Cavid Nəsirov", 503, "file", "fixture_double__st-c.ipynb", c_untouched),
        ("Cavid Nəsirov", 503, "file", "fixture_double__st-c (1).ipynb", c_solved),
    ]
    download = moodle_zip(tmp_path / "CRM101-fixture-77.zip", files)
    common = ["--exercise", str(FIXTURE), "--roster", str(roster)]
    assert main(["exercises", "collect", str(download), "--out", str(tmp_path / "first"),
                 *common]) == 1
    assert outcomes(tmp_path / "first") == {
        e("Aysel Quliyeva", 501, "fixture_double (1).ipynb"): ("collected", "collected", "st-a"),
        e("Aysel Quliyeva", 501, "fixture_double (2).ipynb"): ("identical", "identical", "st-a"),
        e("Bəhruz Əliyev", 502, "fixture_double__st-a.ipynb"): ("set aside", "copied", "st-a"),
        e("Bəhruz Əliyev", 502, "my answers.ipynb"): ("collected", "collected", "st-b"),
        e("Cavid Nəsirov", 503, "fixture_double__st-c (1).ipynb"): ("set aside", "duplicate",
                                                                    "st-c"),
        e("Cavid Nəsirov", 503, "fixture_double__st-c.ipynb"): ("set aside", "duplicate",
                                                                "st-c"),
    }
    duplicate = [("duplicate", "one of 2 different notebooks of st-c: none collected; "
                               "choose one with --pick ENTRY")]
    reasons = problems(tmp_path / "first")
    assert reasons[e("Cavid Nəsirov", 503, "fixture_double__st-c.ipynb")] == duplicate
    assert reasons[e("Cavid Nəsirov", 503, "fixture_double__st-c (1).ipynb")] == duplicate
    picked = e("Cavid Nəsirov", 503, "fixture_double__st-c (1).ipynb")
    collected = tmp_path / "collected"
    assert main(["exercises", "collect", str(download), "--out", str(collected), *common,
                 "--pick", picked]) == 1  # st-b's copy of st-a's notebook is still set aside
    assert sorted(collected_files(collected)) == [
        "fixture_double__st-a.ipynb", "fixture_double__st-b.ipynb", "fixture_double__st-c.ipynb"]
    # The copy waits in set-aside/, under a name the grader never reads as st-a's.
    assert sorted(p.name for p in (collected / "set-aside").iterdir()) == [
        "0003__fixture_double__st-a.ipynb", "0006__fixture_double__st-c.ipynb"]
    assert main(["exercises", "grade", str(FIXTURE), str(collected), "--roster", str(roster),
                 "--out", str(tmp_path / "graded"), "--workers", "2", "--timeout", "60"]) == 0
    details = pd.read_csv(tmp_path / "graded" / "details.csv", dtype=str,
                          keep_default_na=False).set_index("student_id")
    assert {s: (float(row["total"]), row["reason"]) for s, row in details.iterrows()} == {
        "st-a": (3.0, ""), "st-b": (2.0, "failed: fx-double"), "st-c": (3.0, "")}
    assert _gradebook(tmp_path, roster) == {"st-a": 3.0, "st-b": 2.0, "st-c": 3.0}


def _gradebook(tmp_path: Path, roster: Path, receipts: Path | None = None) -> dict:
    """``{student: final points of the fixture exercise}`` of the course gradebook (`crmlab
    gradebook`) over tmp_path/graded, with a course file naming the fixture exercise."""
    course = tmp_path / "course.yaml"
    course.write_text(f"title: LMS round\ntimezone: UTC\nassessments:\n"
                      f"  - {{id: EX-fixture, kind: exercise, weight: 1, source: {FIXTURE},\n"
                      f"     deadline: \"2025-03-19T12:00\"}}\n", encoding="utf-8")
    assert main(["gradebook", "--out", str(tmp_path / "book"), "--course", str(course),
                 "--exercises", str(tmp_path / "graded"), "--roster", str(roster),
                 *(["--receipts", str(receipts)] if receipts else [])]) == 0
    book = pd.read_csv(tmp_path / "book" / "gradebook.csv").set_index("student_id")
    return {s: float(row["EX-fixture final"]) for s, row in book.iterrows()}


@pytest.mark.kernel
def test_assign_canvas_zip_collect_grade_to_the_gradebook(tmp_path, monkeypatch):
    """The same round through Canvas's submissions zip (its own names, a late mark, names
    in UTF-8 without the flag): st-a's notebook renamed "(1)", st-b's two different
    notebooks (a duplicate: listed in problems.csv, none collected until one is picked),
    st-c's late untouched copy; graded, the course gradebook holds the hand-computed points
    (fx-double 1 point, fx-square 2 points)."""
    roster, assigned = _assigned_class(tmp_path, monkeypatch)
    solved = ("double = 2 * seed", "square = seed * seed\nsquare")
    files = [  # Canvas's name part, late, user id, file id, the student's file, content
        ("quliyevaaysel", False, 91001, 7001, "fixture_double (1).ipynb",
         _answered(assigned["st-a"], *solved)),  # 1 + 2 = 3 points
        ("əliyevbəhruz", False, 91002, 7002, "fixture_double.ipynb",
         _answered(assigned["st-b"], "double = 2 * seed + 1", solved[1])),  # 0 + 2 = 2
        ("əliyevbəhruz", False, 91002, 7003, "fixture_double-1.ipynb",
         _answered(assigned["st-b"], *solved)),  # 3 points, not picked
        ("nəsirovcavid", True, 91003, 7004, "my answers.ipynb",
         assigned["st-c"].read_bytes()),  # 0 points
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for *spec, data in files:
            archive.writestr(zipfile.ZipInfo(canvas_name(*spec), date_time=CANVAS_TIME), data)
    download = tmp_path / "submissions.zip"
    download.write_bytes(clear_utf8_flags(buffer.getvalue()))
    names = [canvas_name(*spec) for *spec, _ in files]
    common = ["--exercise", str(FIXTURE), "--roster", str(roster)]
    assert main(["exercises", "collect", str(download), "--out", str(tmp_path / "first"),
                 *common]) == 1
    assert outcomes(tmp_path / "first") == {
        names[0]: ("collected", "collected", "st-a"),
        names[1]: ("set aside", "duplicate", "st-b"),
        names[2]: ("set aside", "duplicate", "st-b"),
        names[3]: ("collected", "collected", "st-c")}
    reasons = problems(tmp_path / "first")
    duplicate = [("duplicate", "one of 2 different notebooks of st-b: none collected; "
                               "choose one with --pick ENTRY")]
    assert reasons[names[1]] == duplicate and reasons[names[2]] == duplicate
    assert [code for code, _ in reasons[names[3]]] == ["canvas_late"]
    collected = tmp_path / "collected"
    assert main(["exercises", "collect", str(download), "--out", str(collected), *common,
                 "--pick", names[1]]) == 1  # the one not picked stays set aside, listed
    assert outcomes(collected)[names[2]][0] == "set aside"
    assert collected_files(collected)["fixture_double__st-a.ipynb"] == files[0][-1]
    assert collected_files(collected)["fixture_double__st-b.ipynb"] == files[1][-1]
    assert main(["exercises", "grade", str(FIXTURE), str(collected), "--roster", str(roster),
                 "--out", str(tmp_path / "graded"), "--workers", "2", "--timeout", "60"]) == 0
    assert _gradebook(tmp_path, roster) == {"st-a": 3.0, "st-b": 2.0, "st-c": 0.0}


def test_canvas_zip_inside_a_folder_and_a_student_zip_inside_it(env):
    """Canvas's zip kept in a folder beside the roster; one student uploaded a zip."""
    own = io.BytesIO()
    with zipfile.ZipFile(own, "w") as archive:
        archive.writestr("work/rfm_pyramid.ipynb", notebook("s-1002"))
    folder = env / "downloads"
    folder.mkdir()
    with zipfile.ZipFile(folder / "submissions.zip", "w") as archive:
        archive.writestr("əliyevaləman_81234_5550001_rfm_pyramid.ipynb", notebook("s-1001"))
        archive.writestr("hüseynovanigar_81235_5550002_BobsWork.zip", own.getvalue())
    (folder / "notes.md").write_text("collected on Friday")
    roster_file(folder)  # the roster kept with the download: the command's input, skipped
    assert main(["exercises", "collect", str(folder), "--out", str(env / "out"), "--exercise",
                 EX, "--roster", str(folder / "roster.csv")]) == 0
    found, out = outcomes(env / "out"), env / "out"
    inner = "submissions.zip!/hüseynovanigar_81235_5550002_BobsWork.zip!/work/rfm_pyramid.ipynb"
    assert found == {
        "notes.md": ("not a notebook", "not_a_notebook", ""),
        "roster.csv": ("skipped", "command_input", ""),
        "submissions.zip!/əliyevaləman_81234_5550001_rfm_pyramid.ipynb": ("collected",
                                                                         "collected", "s-1001"),
        inner: ("collected", "collected", "s-1002")}
    row = collect_rows(out)[inner]
    assert (row["layout"], row["lms_key"], row["owner"]) == ("canvas", "81235", "s-1002")


def test_a_simulated_moodle_download_is_read_as_moodle_writes_it(env):
    """write_moodle_download (the instructor notebook's simulated LMS) writes what collect
    reads from a real download: folders per participant, a renamed file, the worksheet's
    local times as receipts in the downloading user's zone."""
    from datetime import datetime, timezone

    from crmlab.grading.lms_layouts import MoodleSubmission, time_zone, write_moodle_download

    baku = time_zone("Asia/Baku")
    people = [
        MoodleSubmission(8801, "Ləman Əliyeva", "leman.aliyeva@example.edu",
                         {"rfm_pyramid (1).ipynb": notebook("s-1001")},
                         datetime(2025, 3, 14, 19, 58, tzinfo=timezone.utc)),
        MoodleSubmission(8805, "Jane O'Neil-Smith", "jane.oneil-smith@example.edu",
                         {"rfm_pyramid.ipynb": notebook("s-1005", answer="A"),
                          "rfm_pyramid final.ipynb": notebook("s-1005", answer="B")},
                         datetime(2025, 3, 15, 8, 0, tzinfo=timezone.utc)),
        MoodleSubmission(8807, "Rəşad Babayev", "rashad.babayev@example.edu")]
    zipped, sheet = write_moodle_download(env / "download.zip", env / "grades.csv", people,
                                          zone=baku, downloaded=datetime(2025, 3, 20, 10, 0))
    code, found, out = run(env, zipped, "--worksheet", str(sheet), "--timezone", "Asia/Baku")
    assert code == 1
    assert found == {
        "Ləman Əliyeva_8801_assignsubmission_file/rfm_pyramid (1).ipynb":
            ("collected", "collected", "s-1001"),
        "Jane ONeil-Smith_8805_assignsubmission_file/rfm_pyramid.ipynb":
            ("set aside", "duplicate", "s-1005"),
        "Jane ONeil-Smith_8805_assignsubmission_file/rfm_pyramid final.ipynb":
            ("set aside", "duplicate", "s-1005")}
    receipts = pd.read_csv(out / "receipts.csv", dtype=str)
    assert receipts[["student_id", "received_at"]].values.tolist() == [
        ["s-1001", "2025-03-14T19:58:00+00:00"]]
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == ("Participant 8801,Ləman Əliyeva,leman.aliyeva@example.edu,Submitted "
                        'for grading,,100.00,Yes,"Friday, 14 March 2025, 11:58 PM",,-,')
    assert lines[3].endswith("No submission,,100.00,Yes,-,,-,")
