"""Regrade requests: a student asks for a second look at one question or check, with a reason;
the instructor lists the queue and answers.

The queue is a folder (the hub's collection service keeps it as ``STORE/.regrades/``) of two
append-only JSON-lines files, each with one writer: ``requests.jsonl`` (the service, one line
per request it accepted, under the hub user's name) and ``answers.jsonl`` (the instructor's
``crmlab regrades answer``). A request is ``{"id", "student_id", "kind", "assessment", "item",
"reason", "received_at"}``; an answer ``{"id", "text", "answered_at"}``, and the latest answer
of a request is the one that counts. An answer given with a grading folder is also kept in its
run history (:func:`crmlab.grading.history.record_regrade`): the next grading run names the
question when the student's score moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from crmlab.core.atomic import append_text
from crmlab.core.exceptions import CrmlabError
from crmlab.core.ids import RULE, is_id
from crmlab.core.times import iso, stamp, utc

__all__ = ["KINDS", "MAX_REASON", "MAX_OPEN", "REQUESTS", "ANSWERS", "RegradeProblem",
           "check_request", "file_request", "read_queue", "find_request", "answer_request"]

#: What a request may be about.
KINDS = ("quiz", "exercise")
#: The longest reason (characters) and answer.
MAX_REASON = 2000
#: The most requests one student may have waiting (a bound on the queue, not a rule of fairness).
MAX_OPEN = 20
#: The queue's requests, one JSON line each (written by the service only).
REQUESTS = "requests.jsonl"
#: The instructor's answers, one JSON line each (the latest of a request counts).
ANSWERS = "answers.jsonl"
_ID = re.compile(r"R-[0-9TZ]{16}-[0-9a-f]{8}")


class RegradeProblem(CrmlabError):
    """A request that cannot be filed: ``code`` (of
    :data:`crmlab.grading.results.SUBMISSION_PROBLEMS`) and its ``params``."""

    def __init__(self, code: str, **params):
        from crmlab.core.i18n import message

        self.code, self.params = code, params
        super().__init__(message(f"result.{code}", "en", **params))


def check_request(body) -> dict:
    """The fields of a request body (``kind``, ``assessment``, ``item``, ``reason``), checked;
    :class:`RegradeProblem` names the first bad one.

    Examples
    --------
    >>> check_request({"kind": "quiz", "assessment": "L02", "item": "scale", "reason": " Why? "})
    {'kind': 'quiz', 'assessment': 'L02', 'item': 'scale', 'reason': 'Why?'}
    >>> check_request({"kind": "quiz", "assessment": "L02", "item": "../x", "reason": "Why?"})
    Traceback (most recent call last):
    ...
    crmlab.grading.regrades.RegradeProblem: regrade request: item must be a question or check id (1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..')
    """
    if not isinstance(body, dict):
        raise RegradeProblem("regrade_field", field="body", expected="a JSON object")
    if body.get("kind") not in KINDS:
        raise RegradeProblem("regrade_field", field="kind", expected="quiz or exercise")
    for name in ("assessment", "item"):
        value = body.get(name)
        if not is_id(value):  # the one id rule: safe in a file name and a URL
            raise RegradeProblem("regrade_field", field=name, expected=(
                "a question or check id" if name == "item" else "a quiz or exercise id")
                + f" ({RULE})")
    reason = body.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON:
        raise RegradeProblem("regrade_field", field="reason",
                             expected=f"a text of 1 to {MAX_REASON} characters")
    return {"kind": body["kind"], "assessment": body["assessment"], "item": body["item"],
            "reason": reason}


#: The fields every request of the queue carries (a row without them was not written by
#: crmlab, or was cut: it is left out, as a line that is not JSON).
_FIELDS = ("id", "student_id", "kind", "assessment", "item", "received_at", "reason")


def _lines(path: Path, fields=("id",)) -> list[dict]:
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the ones before and after still count
        if isinstance(row, dict) and all(isinstance(row.get(name), str) for name in fields):
            rows.append(row)
    return rows


def read_queue(folder: str | Path, *, student: str | None = None) -> list[dict]:
    """Every request of the queue ``folder`` (``student``'s only, if given), oldest first, each
    with its latest ``answer`` (``None`` while open)."""
    folder = Path(folder)
    answers = {row["id"]: row for row in _lines(folder / ANSWERS)}
    return [{**row, "answer": answers.get(row["id"])} for row in _lines(folder / REQUESTS, _FIELDS)
            if student is None or row.get("student_id") == student]


def file_request(folder: str | Path, student: str, body, *, now: datetime | None = None) -> dict:
    """Check ``body`` and add it to the queue as ``student``'s request; return the request.

    Call it from one writer only (the service, under its lock).
    """
    fields = check_request(body)
    folder = Path(folder)
    waiting = [r for r in read_queue(folder, student=student) if r["answer"] is None]
    if len(waiting) >= MAX_OPEN:
        raise RegradeProblem("regrade_queue_full", count=len(waiting))
    moment = utc(now)
    seed = json.dumps([student, fields, iso(moment), len(waiting)], sort_keys=True)
    request = {"id": f"R-{stamp(moment)}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}",
               "student_id": student, **fields, "received_at": iso(moment)}
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    append_text(folder / REQUESTS, json.dumps(request, ensure_ascii=False) + "\n")
    return request


def find_request(folder: str | Path, request_id: str) -> dict:
    """The request ``request_id`` of the queue ``folder``, with its latest ``answer``; a
    malformed or unknown id is a ``CrmlabError``."""
    folder = Path(folder)
    if not isinstance(request_id, str) or not _ID.fullmatch(request_id):
        raise CrmlabError(f"Got request id {request_id!r} instead, expected one like "
                          "R-20261201T120000Z-0123abcd (crmlab regrades list shows them).")
    found = [r for r in read_queue(folder) if r["id"] == request_id]
    if not found:
        raise CrmlabError(f"{folder / REQUESTS}: no regrade request {request_id}")
    return found[0]


def answer_request(folder: str | Path, request_id: str, *, text: str,
                   now: datetime | None = None) -> dict:
    """Answer the request ``request_id`` of the queue ``folder`` with ``text``; return the
    request with its ``answer``. An unknown id or an empty text is a ``CrmlabError``."""
    folder = Path(folder)
    found = [find_request(folder, request_id)]
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > MAX_REASON:
        raise CrmlabError(f"--text: give an answer of 1 to {MAX_REASON} characters")
    answer = {"id": request_id, "text": text, "answered_at": iso(utc(now))}
    append_text(folder / ANSWERS, json.dumps(answer, ensure_ascii=False) + "\n")
    return {**found[0], "answer": answer}
