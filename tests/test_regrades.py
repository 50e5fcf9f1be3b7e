"""crmlab.grading.regrades: the queue of regrade requests and its answers."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from crmlab.core.exceptions import CrmlabError
from crmlab.grading.regrades import (
    MAX_OPEN,
    RegradeProblem,
    answer_request,
    check_request,
    file_request,
    read_queue,
)

NOON = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
GOOD = {"kind": "quiz", "assessment": "L02", "item": "scale", "reason": "4.2 rounds to 4."}


#: The one id rule (crmlab.core.ids), as a refusal says it.
RULE = "(1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..')"


@pytest.mark.parametrize("change, code, message", [
    ({"kind": "essay"}, "regrade_field", "regrade request: kind must be quiz or exercise"),
    ({"assessment": ""}, "regrade_field",
     f"regrade request: assessment must be a quiz or exercise id {RULE}"),
    ({"item": "a/b"}, "regrade_field", f"regrade request: item must be a question or check id {RULE}"),
    ({"item": 7}, "regrade_field", f"regrade request: item must be a question or check id {RULE}"),
    ({"item": ".x"}, "regrade_field", f"regrade request: item must be a question or check id {RULE}"),
    ({"assessment": "L..2"}, "regrade_field",
     f"regrade request: assessment must be a quiz or exercise id {RULE}"),
    ({"reason": "   "}, "regrade_field",
     "regrade request: reason must be a text of 1 to 2000 characters"),
    ({"reason": "x" * 2001}, "regrade_field",
     "regrade request: reason must be a text of 1 to 2000 characters"),
])
def test_a_bad_request_names_its_field(change, code, message):
    body = {**GOOD, **change}
    before = json.dumps(body, sort_keys=True)
    with pytest.raises(RegradeProblem) as caught:
        check_request(body)
    assert (caught.value.code, str(caught.value)) == (code, message)
    assert json.dumps(body, sort_keys=True) == before  # the body is left as it was


def test_requests_queue_per_student_and_the_latest_answer_counts(tmp_path):
    first = file_request(tmp_path, "ana", GOOD, now=NOON)
    assert first["id"].startswith("R-20261201T120000Z-") and first["student_id"] == "ana"
    file_request(tmp_path, "bob", {**GOOD, "kind": "exercise", "item": "rfm"}, now=NOON)
    assert [r["student_id"] for r in read_queue(tmp_path)] == ["ana", "bob"]
    assert [r["answer"] for r in read_queue(tmp_path, student="ana")] == [None]
    answer_request(tmp_path, first["id"], text="Looking at it.", now=NOON)
    later = answer_request(tmp_path, first["id"], text="  Fixed the key.  ", now=NOON)
    assert later["answer"] == {"id": first["id"], "text": "Fixed the key.",
                               "answered_at": "2026-12-01T12:00:00+00:00"}
    assert read_queue(tmp_path, student="ana")[0]["answer"]["text"] == "Fixed the key."
    with (tmp_path / "requests.jsonl").open("a") as handle:
        handle.write('{"id": "R-cut')  # a line cut short: the others still count
    assert len(read_queue(tmp_path)) == 2


def test_the_queue_of_one_student_is_bounded(tmp_path):
    for n in range(MAX_OPEN):
        file_request(tmp_path, "ana", {**GOOD, "item": f"q{n}"}, now=NOON)
    with pytest.raises(RegradeProblem) as caught:
        file_request(tmp_path, "ana", GOOD, now=NOON)
    assert str(caught.value) == ("you have 20 regrade requests waiting for an answer; file "
                                 "more once they are answered")
    file_request(tmp_path, "bob", GOOD, now=NOON)  # another student's are not counted
    answer_request(tmp_path, read_queue(tmp_path)[0]["id"], text="done")
    file_request(tmp_path, "ana", GOOD, now=NOON)  # one answered: room for one more


@pytest.mark.parametrize("request_id, text, message", [
    ("R-1", "ok", "Got request id 'R-1' instead, expected one like R-20261201T120000Z-0123abcd "
                  "(crmlab regrades list shows them)."),
    ("R-20261201T120000Z-0123abcd", "ok", "no regrade request R-20261201T120000Z-0123abcd"),
    (None, "  ", "--text: give an answer of 1 to 2000 characters"),
])
def test_an_answer_to_nothing_or_without_text_is_refused(tmp_path, request_id, text, message):
    filed = file_request(tmp_path, "ana", GOOD, now=NOON)
    with pytest.raises(CrmlabError, match=message.replace("(", r"\(").replace(")", r"\)")):
        answer_request(tmp_path, request_id or filed["id"], text=text)
    assert not (tmp_path / "answers.jsonl").exists()


def test_a_queue_row_without_the_listed_fields_is_left_out(tmp_path):
    """Review fix: a row with an id only made `crmlab regrades list` a KeyError."""
    from crmlab.grading.regrades import read_queue

    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "requests.jsonl").write_text('{"id": "R-1"}\nnot json\n')
    assert read_queue(folder) == []


# ------------------------------------------------------------- crmlab regrades answer --points
def _queue_of(store, student, kind, assessment, item):
    from crmlab.publish.hub_service import REGRADES

    return file_request(store / REGRADES, student, {"kind": kind, "assessment": assessment,
                                                    "item": item, "reason": "Nearly right."},
                        now=NOON)["id"]


def test_an_answer_with_points_is_a_hand_change_in_history_and_gradebook(inputs, tmp_path,
                                                                         capsys):
    """The answer sets the check's points by hand with the answer as the reason: overrides.csv,
    a handgrade run naming the hand override and the regrade, and the course gradebook."""
    import csv

    import pandas as pd
    from _handgrade_inputs import exercise_grading

    from crmlab.cli import main

    store, grading = tmp_path / "store", exercise_grading(tmp_path / "x")
    request_id = _queue_of(store, "s1", "exercise", "EX-fixture", "fx-square")
    text = "Right idea, one slip in the last step: 1.5 of 2."
    assert main(["regrades", "answer", request_id, "--store", str(store), "--text", text,
                 "--grading", str(grading), "--points", "1,5"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[2] == f"kept in {grading / 'regrades.csv'}"
    assert printed[3].startswith("points of fx-square set by hand to 1,5: run ")
    assert printed[4:] == [
        "  s1 check:fx-square: 0 -> 1.5 (+1.5): hand override; regrade answered: EX-fixture "
        "check fx-square",
        "  s1 EX-fixture: 1 -> 2.5 (+1.5): hand override; regrade answered: EX-fixture check "
        "fx-square"]
    rows = list(csv.DictReader((grading / "overrides.csv").open()))
    assert [(r["student_id"], r["check"], r["points"], r["reason"]) for r in rows] == [
        ("s1", "fx-square", "1.5", text)]
    assert json.loads((grading / "run.json").read_text())["command"] == "handgrade"
    assert (grading / "regrades.csv").read_text().count(request_id) == 1

    out = tmp_path / "book"
    assert main(["gradebook", "--out", str(out), "--course", str(inputs["course"]),
                 "--exercises", str(grading)]) == 0
    book = pd.read_csv(out / "gradebook.csv").set_index("student_id")
    assert (book.loc["s1", "EX-fixture final"], book.loc["s2", "EX-fixture final"]) == (2.5, 3.0)


def test_points_refused_after_the_check_are_said_not_silently_dropped(tmp_path, capsys,
                                                                     monkeypatch):
    # The grading changed between the check and the write (an exercise graded again meanwhile):
    # the request is answered, and the command says the points were not set.
    from _handgrade_inputs import exercise_grading

    from crmlab.cli import main
    from crmlab.grading.handgrade import CheckOverriding, Saved
    from crmlab.grading.results import HandProblem

    store, grading = tmp_path / "store", exercise_grading(tmp_path / "x")
    request_id = _queue_of(store, "s1", "exercise", "EX-fixture", "fx-square")
    real = CheckOverriding.override

    def raced(self, student, check, points, reason, *, write=True):
        if not write:
            return real(self, student, check, points, reason, write=False)
        return Saved(problem=HandProblem("no_student", student="'s1'", exercise="EX-fixture"))

    monkeypatch.setattr(CheckOverriding, "override", raced)
    assert main(["regrades", "answer", request_id, "--store", str(store), "--text", "Yes.",
                 "--grading", str(grading), "--points", "1"]) == 1
    err = capsys.readouterr().err
    assert err == (f"crmlab: error: --points: request {request_id} is answered, but its points "
                   "were not set: student_id: no student 's1' in the grading of EX-fixture; "
                   "set them with crmlab handgrade\n")


@pytest.mark.parametrize("kind, item, grading, points, message", [
    ("exercise", "fx-square", None, "1", "--points needs --grading DIR (the exercise grading "
     "folder whose points change); nothing was answered"),
    ("exercise", "fx-square", "ex", "3", "--points: fx-square: points: Got points='3' "
     "instead, expected a number from 0 to 2.; nothing was answered"),
    ("exercise", "fx-cube", "ex", "1", "--points: check: Got check='fx-cube' instead, "
     "expected one of 'fx-double', 'fx-square'; nothing was answered"),
    ("quiz", "tf", "ex", "1", "--points: request {id} is about quiz question EX-fixture tf: "
     "--points sets an exercise check's points; a quiz question's score changes by a key or "
     "points fix in the quiz file, or by crmlab handgrade for a free-text answer; nothing was "
     "answered"),
])
def test_points_that_cannot_be_set_answer_nothing(tmp_path, capsys, kind, item, grading, points,
                                                  message):
    from _handgrade_inputs import exercise_grading

    from crmlab.cli import main

    store, folder = tmp_path / "store", exercise_grading(tmp_path / "x")
    before = (folder / "run.json").read_bytes()
    request_id = _queue_of(store, "s1", kind, "EX-fixture", item)
    command = ["regrades", "answer", request_id, "--store", str(store), "--text", "ok",
               "--points", points]
    assert main(command + (["--grading", str(folder)] if grading else [])) == 1
    assert capsys.readouterr().err == f"crmlab: error: {message.format(id=request_id)}\n"
    assert not (store / ".regrades" / "answers.jsonl").exists()
    assert not (folder / "overrides.csv").exists() and not (folder / "regrades.csv").exists()
    assert (folder / "run.json").read_bytes() == before
