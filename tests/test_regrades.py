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


@pytest.mark.parametrize("change, code, message", [
    ({"kind": "essay"}, "regrade_field", "regrade request: kind must be quiz or exercise"),
    ({"assessment": ""}, "regrade_field", "regrade request: assessment must be a quiz or "
     "exercise id (letters, digits, '-', '_', '.'; up to 64)"),
    ({"item": "a/b"}, "regrade_field", "regrade request: item must be a question or check id "
     "(letters, digits, '-', '_', '.'; up to 64)"),
    ({"item": 7}, "regrade_field", "regrade request: item must be a question or check id "
     "(letters, digits, '-', '_', '.'; up to 64)"),
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
