"""The collection service: a JupyterHub-managed service that receives submission bundles.

The hub starts it (``c.JupyterHub.services`` in ``deploy/jupyterhub/jupyterhub_config.py``)
and it trusts nobody but the hub: every request carries a hub token (``Authorization: token
...``, the ``JUPYTERHUB_API_TOKEN`` of the student's server) that the hub resolves to a user
name. The rules:

- ``POST api/submissions`` stores the bundle under the **authenticated** user name. A bundle
  whose manifest names another student is **rejected** (403), not rewritten: the bundle's
  checksums cover its student id, so rewriting it would forge the student's file. Bundles larger
  than the cap are refused (413), unreadable ones too (400). Every submission is kept, as
  ``STORE/<user>/<received>-<sha256[:12]>.zip``, and one row per quiz it holds is added to
  ``STORE/receipts.csv`` (the columns of :mod:`crmlab.grading.receipts`, so the late policy uses
  the time the service received it). The answer is the receipt: file, sha256, received_at.
- ``GET api/submissions`` lists the caller's own submissions; an instructor's lists everyone's.
- ``GET api/submissions/<user>/<file>`` downloads one; students only their own (403 otherwise).

Exercise notebooks, both ways:

- ``GET api/exercises`` lists the exercises assigned to the caller, ``GET
  api/exercises/<exercise>`` answers the caller's own assigned notebook (by exercise id or
  file stem) from the folder ``crmlab exercises assign`` wrote (``--assigned DIR``): the file
  ``<stem>__<user>.ipynb`` whose papermill parameters name that user. Nobody gets another
  student's copy: the name comes from the hub token, never from the request (404 otherwise).
- ``POST api/notebooks`` keeps an exercise notebook of the authenticated user (a crmlab
  exercise whose papermill ``student_id`` is that user: 403 for another student's, 400 for a
  notebook that does not say whose it is, 413 over the cap) as
  ``STORE/.exercises/<user>/<received>-<sha256[:12]>.ipynb`` with one row in
  ``STORE/.exercises/receipts.csv`` (``assessment`` is the exercise id). That folder is what
  ``crmlab exercises collect STORE/.exercises`` reads: its receipts are the received times, and
  a resubmission replaces the earlier notebook (:func:`store_notebook`). ``.exercises`` cannot
  be a hub user's folder (no student id starts with a dot).

Feedback and regrade requests:

- ``GET api/feedback`` answers the caller's own feedback page, ``<user>.html`` of the folder
  ``crmlab feedback --out DIR`` wrote (``--feedback DIR``; 404 before it is published);
  ``GET api/feedback/<user>`` is 403 for anyone but that user or an instructor.
- ``POST api/regrades`` (JSON ``kind`` quiz or exercise, ``assessment``, ``item``, ``reason``;
  at most 8 KB) files a request under the caller's name in ``STORE/.regrades/``
  (:mod:`crmlab.grading.regrades`); ``GET api/regrades`` lists the caller's requests with their
  answers (an instructor's: everyone's). The instructor answers with ``crmlab regrades``.

Data variant tokens:

- ``GET api/variant`` answers the caller's own data variant token (``{"student_id", "token"}``)
  from the file ``crmlab quiz tokens --out FILE`` wrote (``--tokens FILE``), what ``crmlab
  student token`` asks on the hub. The name comes from the hub token, never from the request,
  and there is no route to another user's token, an instructor's included (the instructor has
  the file). 404 before the file is published (``tokens_not_published``), for a user it does not
  list (``no_variant_token``) and for a file that cannot be used at all (``tokens_unreadable``);
  the file is read again whenever it changes, so it can be published while the service runs.
  It is read defensively (:func:`read_tokens`): a bad row is skipped and logged, never a 500.

An instructor is a user whose token carries the custom scope ``custom:crmlab:collect`` (the
configuration grants it to the hub group ``instructors``). ``crmlab grade STORE`` reads the store
folder directly, with ``--receipts STORE/receipts.csv``.

Run by the hub as ``crmlab hub-service --store DIR [--assigned DIR] [--feedback DIR]
[--tokens FILE] [--max-bytes N]``
(:func:`serve`).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from crmlab.core.atomic import append_text
from crmlab.core.exceptions import CrmlabError
from crmlab.core.ids import PATTERN, is_id, validate_id
from crmlab.core.safe_files import FileRefused, read_regular
from crmlab.core.times import iso, stamp, utc
from crmlab.exercises.hand_in import MAX_NOTEBOOK as NOTEBOOK_BYTES
from crmlab.grading.receipts import COLUMNS
from crmlab.quiz.submission import MAX_BYTES

__all__ = ["INSTRUCTOR_SCOPE", "EXERCISES", "REGRADES", "NOTEBOOK_BYTES", "TOKENS_BYTES",
           "feedback_page", "file_regrade", "read_tokens", "variant_token", "store_bundle",
           "store_notebook",
           "assigned_notebook", "assigned_exercises", "list_submissions", "make_app", "serve"]

#: The custom scope that lets a hub user list and download every submission.
INSTRUCTOR_SCOPE = "custom:crmlab:collect"
#: The folder of the store that keeps exercise notebooks (never a student id: it starts with a
#: dot), with its own receipts.csv.
EXERCISES = ".exercises"
#: The folder of the store that keeps the regrade requests (:mod:`crmlab.grading.regrades`).
REGRADES = ".regrades"
#: The largest regrade request body (bytes).
REGRADE_BYTES = 8192
#: The largest tokens file read (bytes): a class of 50,000 takes about half of it.
TOKENS_BYTES = 8 * 1024 * 1024
#: How many of a tokens file's bad rows are logged one by one (the rest are counted).
_LOGGED_ROWS = 20
_FILE = re.compile(r"^[0-9TZ]{16}-[0-9a-f]{12}(-[0-9]+)?\.zip$")
_LOCK = threading.Lock()
#: tornado's application log (the service's log on the hub), without importing tornado here.
_LOG = logging.getLogger("tornado.application")


class Refused(CrmlabError):
    """A request the service refuses: ``status`` and a one-line ``reason`` (English, for the
    log); a refusal a student can cause also carries a ``code`` of
    :data:`crmlab.grading.results.SUBMISSION_PROBLEMS` and its ``params``, which the answer
    passes on so that ``crmlab submit`` says it in the student's language."""

    def __init__(self, status: int, reason: str = "", *, code: str | None = None,
                 params: dict | None = None):
        from crmlab.core.i18n import message

        self.status, self.code, self.params = status, code, dict(params or {})
        self.reason = reason or message(f"result.{code}", "en", **self.params)
        super().__init__(self.reason)

    def answer(self) -> dict:
        """The JSON body of the refusal."""
        coded = {"code": self.code, "params": self.params} if self.code else {}
        return {"status": self.status, "message": self.reason, **coded}


def _checked_user(user: str) -> None:
    try:
        validate_id(user)
    except CrmlabError as exc:
        raise Refused(403, code="hub_user_not_student_id", params={"error": str(exc)}) \
            from None


def _keep(store: Path, user: str, data: bytes, suffix: str, moment: datetime) -> Path:
    """Write ``data`` as ``store/<user>/<received>-<sha256[:12]><suffix>`` (never over another
    file; called under the lock) and return its path."""
    digest = hashlib.sha256(data).hexdigest()
    folder = store / user
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"{stamp(moment)}-{digest[:12]}"
    target, n = folder / f"{stem}{suffix}", 1
    while target.exists():  # the same file twice in one second: keep both
        target, n = folder / f"{stem}-{n}{suffix}", n + 1
    with open(target, "xb") as handle:
        handle.write(data)
    os.utime(target, (moment.timestamp(), moment.timestamp()))
    return target


def _append_receipts(store: Path, rows: list[dict]) -> None:
    path = store / "receipts.csv"
    new = not path.exists()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    if new:
        writer.writeheader()
    for row in rows:
        writer.writerow(row)
    # One writer (this process, under the lock); appending keeps earlier receipts untouched.
    append_text(path, buffer.getvalue())


def _received(folder: Path, user: str, data: bytes, suffix: str, assessments: list,
              now: datetime | None) -> dict:
    """Keep ``data`` in ``folder/<user>/`` and add one row per assessment it holds to
    ``folder/receipts.csv``; the receipt: student, file, sha256, received_at, bytes."""
    digest = hashlib.sha256(data).hexdigest()
    moment = utc(now)
    with _LOCK:
        relative = _keep(folder, user, data, suffix, moment).relative_to(folder).as_posix()
        received = iso(moment)
        _append_receipts(folder, [{"file": relative, "sha256": digest, "student_id": user,
                                   "assessment": assessment, "received_at": received}
                                  for assessment in assessments])
    return {"student_id": user, "file": relative, "sha256": digest, "received_at": received,
            "bytes": len(data)}


def store_bundle(store: str | Path, user: str, data: bytes, *, max_bytes: int = MAX_BYTES,
                 now: datetime | None = None) -> dict:
    """Check and keep one bundle of ``user``; return its receipt, or raise :class:`Refused`.

    Examples
    --------
    >>> import tempfile
    >>> store_bundle(tempfile.mkdtemp(), "ana", b"not a zip")
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: not a crmlab submission bundle (not a valid zip file)
    """
    from crmlab.core.exceptions import SubmissionError
    from crmlab.quiz.submission import read_submission

    _checked_user(user)
    if len(data) > max_bytes:
        raise Refused(413, code="upload_over_cap", params={"size": len(data), "cap": max_bytes})
    store = Path(store)
    with tempfile.TemporaryDirectory(dir=store) as scratch:
        probe = Path(scratch, "bundle.zip")
        probe.write_bytes(data)
        try:
            submission = read_submission("zip", probe, max_bytes=max_bytes)
        except SubmissionError as exc:
            # the student reads the bundle's own problem, in their language
            raise Refused(400, f"not a crmlab submission bundle ({exc})",
                          code=getattr(exc, "code", None),
                          params=getattr(exc, "params", None)) from None
    if submission.student_id != user:
        raise Refused(403, code="bundle_of_another",
                      params={"owner": repr(submission.student_id), "user": repr(user)})
    receipt = _received(store, user, data, ".zip", sorted(submission.quizzes) or [""], now)
    return {**receipt, "quizzes": sorted(submission.quizzes)}


def store_notebook(store: str | Path, user: str, data: bytes, *,
                   max_bytes: int = NOTEBOOK_BYTES, now: datetime | None = None) -> dict:
    """Check and keep one exercise notebook of ``user``; return its receipt, or raise
    :class:`Refused`.

    The notebook must be a crmlab exercise whose papermill parameters name ``user``
    (:func:`crmlab.grading.collect.read_identity`); it is kept in ``store/.exercises/<user>/``
    and receipted in ``store/.exercises/receipts.csv``.

    Examples
    --------
    >>> import json, tempfile
    >>> nb = {"cells": [], "metadata": {"crmlab": {"kind": "exercise", "id": "EX-x"},
    ...       "papermill": {"parameters": {"student_id": "ana", "seed": 7}}}}
    >>> store_notebook(tempfile.mkdtemp(), "bob", json.dumps(nb).encode())
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: the notebook is the exercise copy of student 'ana' but you are signed in to the hub as 'bob'; nothing was stored
    """
    from crmlab.grading.collect import read_identity

    _checked_user(user)
    if len(data) > max_bytes:
        raise Refused(413, code="notebook_over_cap", params={"size": len(data),
                                                             "cap": max_bytes})
    identity, reason = read_identity(data)
    if identity is None:
        raise Refused(400, code="notebook_unidentified", params={"detail": reason.text("en")})
    if identity.student != user:
        raise Refused(403, code="notebook_of_another",
                      params={"owner": repr(identity.student), "user": repr(user)})
    receipt = _received(Path(store) / EXERCISES, user, data, ".ipynb", [identity.exercise], now)
    return {**receipt, "exercise": identity.exercise}


def _assigned_files(assigned: Path, user: str) -> list[Path]:
    """The notebooks ``crmlab exercises assign`` wrote for ``user`` in ``assigned`` (the folder
    itself, or one folder per exercise in it)."""
    from crmlab.exercises.notebook import submission_name

    name = submission_name("*", user)
    found = [*assigned.glob(name), *assigned.glob(f"*/{name}")]
    return sorted(p for p in found if p.is_file() and not p.is_symlink())


def assigned_exercises(assigned: str | Path, user: str) -> list[dict]:
    """The exercises assigned to ``user``: ``[{"exercise": id, "stem": stem}]``, by stem."""
    from crmlab.exercises.notebook import submission_owner
    from crmlab.grading.collect import read_identity

    _checked_user(user)
    rows = []
    for path in _assigned_files(Path(assigned), user):
        identity, _ = read_identity(path.read_bytes())
        if identity is not None and identity.student == user:
            rows.append({"exercise": identity.exercise, "stem": submission_owner(path)[0]})
    return sorted(rows, key=lambda row: row["stem"])


def assigned_notebook(assigned: str | Path, user: str, exercise: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of ``user``'s own assigned notebook of ``exercise`` (its id or
    file stem), or raise :class:`Refused` (404) when there is none.

    Examples
    --------
    >>> import tempfile
    >>> assigned_notebook(tempfile.mkdtemp(), "ana", "rfm_pyramid")
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: no notebook of rfm_pyramid is assigned to 'ana'
    """
    from crmlab.exercises.notebook import submission_owner
    from crmlab.grading.collect import read_identity

    _checked_user(user)
    for path in _assigned_files(Path(assigned), user):
        data = path.read_bytes()
        identity, _ = read_identity(data)
        # the file's name and its parameters both say whose it is
        if identity is not None and identity.student == user and \
                exercise in (identity.exercise, submission_owner(path)[0]):
            return path.name, data
    raise Refused(404, code="not_assigned", params={"exercise": exercise, "user": repr(user)})


def feedback_page(feedback: str | Path | None, user: str) -> bytes:
    """``user``'s published feedback page (``<user>.html`` of ``feedback``), or raise
    :class:`Refused` (404) when there is none."""
    _checked_user(user)
    path = Path(feedback) / f"{user}.html" if feedback is not None else None
    if path is None or not path.is_file() or path.is_symlink():
        raise Refused(404, code="no_feedback", params={"user": repr(user)})
    return path.read_bytes()


def read_tokens(path: str | Path, *, max_bytes: int = TOKENS_BYTES) -> tuple[dict, list[str]]:
    """The tokens file ``crmlab quiz tokens --out FILE`` wrote: ``({student_id: token},
    problems)``, ``problems`` saying which rows were skipped and why (at most 21 lines).

    Read defensively, whoever wrote the file: its header row names the columns ``student_id``
    and ``token`` (others may be there, in any order); a row that is not CSV, whose student id
    is not a student id or whose token is not 16 hex digits, or whose bytes are not UTF-8, is
    skipped; a student listed twice with different tokens gets neither. Raise
    :class:`Refused` (404): ``tokens_not_published`` when there is no file,
    ``tokens_unreadable`` (its ``detail`` says why, for the log) when it cannot be used at all:
    not a regular file (a link is never followed, nor a FIFO waited on: read by
    :func:`crmlab.core.safe_files.read_regular`), larger than ``max_bytes``, no such header.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "tokens.csv"
    >>> _ = path.write_text("student_id,token\\nana,0123456789abcdef\\nbob,XYZ\\n"
    ...                     "../x,0123456789abcdef\\n")
    >>> tokens, problems = read_tokens(path)
    >>> tokens
    {'ana': '0123456789abcdef'}
    >>> print("\\n".join(problems))
    tokens.csv line 3: the token of 'bob' is not 16 hex digits; row skipped
    tokens.csv line 4: '../x' is not a student id; row skipped
    >>> read_tokens(path.with_name("none.csv"))
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: the instructor has not published the data variant tokens on the hub yet; until then you work on the practice variant
    """
    path = Path(path)
    try:  # never a link (nor one swapped in after a check), never blocked on a FIFO
        data = read_regular(path, max_bytes=max_bytes)
    except FileRefused as refused:
        if isinstance(refused.error, FileNotFoundError):
            raise Refused(404, code="tokens_not_published") from None
        raise _unreadable(path, refused.why) from None
    # undecodable bytes become lone surrogates: no student id or token matches them
    lines = data.decode("utf-8-sig", "surrogateescape").split("\n")
    return _token_rows(path, lines)


def _unreadable(path: Path, why: str) -> Refused:
    """The refusal for a tokens file that cannot be used: the student reads the code's
    sentence; ``detail`` (for the service's log) says which file and why."""
    refused = Refused(404, code="tokens_unreadable")
    refused.detail = f"{path}: {why}; no data variant token is given"
    return refused


def _token_rows(path: Path, lines: list[str]) -> tuple[dict, list[str]]:
    """The tokens of the CSV ``lines`` of ``path`` and the problems (see :func:`read_tokens`)."""
    from crmlab.datasets._variant import PRACTICE, check_token

    start = next((n for n, line in enumerate(lines) if line.strip()), None)
    header = _csv_row(lines[start]) if start is not None else None
    header = [cell.strip() for cell in header] if header else []
    if "student_id" not in header or "token" not in header:
        raise _unreadable(path, "no header row naming the columns student_id and token")
    who, what = header.index("student_id"), header.index("token")
    tokens, conflicts, problems, skipped = {}, set(), [], 0

    def skip(number: int, why: str) -> None:
        nonlocal skipped
        skipped += 1
        if len(problems) < _LOGGED_ROWS:
            problems.append(f"{path.name} line {number}: {why}; row skipped")

    for number, line in enumerate(lines[start + 1:], start + 2):
        if not line.strip():
            continue
        cells = _csv_row(line)
        if cells is None or len(cells) <= max(who, what):
            skip(number, "not a row of student_id and token")
            continue
        student = cells[who].strip()
        if not is_id(student):
            skip(number, f"{_shown(student)} is not a student id")
            continue
        try:
            token = check_token(cells[what])  # stripped and lower-cased, as a student's is
            if token == PRACTICE:
                raise CrmlabError(token)
        except CrmlabError:  # never logged: a token is a student's
            skip(number, f"the token of {student!r} is not 16 hex digits")
            continue
        if student in conflicts or tokens.get(student, token) != token:
            tokens.pop(student, None)
            conflicts.add(student)
            skip(number, f"{student!r} is listed again with another token: neither is given")
            continue
        tokens[student] = token
    if skipped > len(problems):
        problems.append(f"{path.name}: {skipped - len(problems)} more rows skipped")
    return tokens, problems


def _csv_row(line: str) -> list[str] | None:
    """The cells of one CSV line, or ``None`` when it is not one."""
    try:
        return next(csv.reader([line.rstrip("\r")]), [])
    except csv.Error:
        return None


def _shown(value: str) -> str:
    """``value`` for a log line: quoted, at most 40 characters, undecodable bytes as U+FFFD."""
    shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return repr(shown if len(shown) <= 40 else shown[:40] + "...")


#: path -> (the file's signature when read, its tokens or the Refused it raised)
_TOKENS: dict = {}


def variant_token(tokens: str | Path | None, user: str) -> str:
    """``user``'s own data variant token from the tokens file ``tokens`` (read again when it
    changes; its skipped rows logged once per reading), or raise :class:`Refused` (404).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "tokens.csv"
    >>> _ = path.write_text("student_id,token\\nana,0123456789abcdef\\n")
    >>> variant_token(path, "ana")
    '0123456789abcdef'
    >>> variant_token(path, "bob")
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: no data variant token is published for 'bob'; ask your instructor for yours (until then you work on the practice variant)
    """
    _checked_user(user)
    if tokens is None:
        raise Refused(404, code="tokens_not_published")
    path = Path(tokens)
    try:
        info = path.stat()
        signature = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        signature = None
    known = _TOKENS.get(path)
    if known is None or known[0] != signature:
        try:
            found = read_tokens(path)
        except Refused as exc:
            found = exc
            if exc.code != "tokens_not_published":
                _LOG.warning("data variant tokens: %s", getattr(exc, "detail", exc.reason))
        else:
            for problem in found[1]:
                _LOG.warning("data variant tokens: %s", problem)
            _LOG.info("data variant tokens: read %d from %s", len(found[0]), path)
        known = _TOKENS[path] = (signature, found)
    found = known[1]
    if isinstance(found, Refused):  # a new one each time: a raised one keeps its traceback
        raise Refused(found.status, found.reason, code=found.code, params=found.params)
    if user not in found[0]:
        raise Refused(404, code="no_variant_token", params={"user": repr(user)})
    return found[0][user]


def file_regrade(store: str | Path, user: str, data: bytes, *,
                 now: datetime | None = None) -> dict:
    """Check the regrade request ``data`` (JSON) of ``user`` and queue it in
    ``store/.regrades/``; return it, or raise :class:`Refused`.

    Examples
    --------
    >>> import tempfile
    >>> file_regrade(tempfile.mkdtemp(), "ana", b'{"kind": "quiz"}')
    Traceback (most recent call last):
    ...
    crmlab.publish.hub_service.Refused: regrade request: assessment must be a quiz or exercise id (1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..')
    """
    from crmlab.grading.regrades import RegradeProblem, file_request

    _checked_user(user)
    if len(data) > REGRADE_BYTES:
        raise Refused(413, code="upload_over_cap", params={"size": len(data),
                                                           "cap": REGRADE_BYTES})
    try:
        body = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    try:
        with _LOCK:
            return file_request(Path(store) / REGRADES, user, body, now=now)
    except RegradeProblem as exc:
        status = 429 if exc.code == "regrade_queue_full" else 400
        raise Refused(status, code=exc.code, params=exc.params) from None


def list_submissions(store: str | Path, user: str | None = None) -> list[dict]:
    """The kept submissions, oldest first per student: all, or ``user``'s only."""
    store = Path(store)
    rows = []
    folders = [store / user] if user else sorted(p for p in store.iterdir()
                                                 if p.is_dir() and not p.name.startswith("."))
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.zip")):
            rows.append({"student_id": folder.name, "file": path.relative_to(store).as_posix(),
                         "bytes": path.stat().st_size})
    return rows


def make_app(store: str | Path, *, prefix: str = "/", max_bytes: int = MAX_BYTES,
             assigned: str | Path | None = None, feedback: str | Path | None = None,
             tokens: str | Path | None = None, hub_auth=None):
    """The tornado application of the service (routes under ``prefix``); ``assigned`` is the
    folder of assigned exercise notebooks (none: ``crmlab fetch`` answers 404), ``feedback``
    the folder of published feedback pages (none: 404), ``tokens`` the file of data variant
    tokens (none, or not there yet: 404); ``hub_auth``
    replaces the hub's token check (the tests' stand-in for a hub)."""
    from jupyterhub.services.auth import HubAuth, HubAuthenticated
    from tornado import web
    from tornado.log import app_log

    store = Path(store)
    hub_auth = hub_auth or HubAuth(cache_max_age=60)

    class _Handler(HubAuthenticated, web.RequestHandler):
        def initialize(self):
            self.hub_auth = hub_auth

        def check_xsrf_cookie(self):
            """Token-authenticated API: no cookies, so no cross-site forgery to guard."""

        def write_error(self, status_code, **kwargs):
            reason = self._reason
            exc = kwargs.get("exc_info", (None, None, None))[1]
            answer = {"status": status_code, "message": reason}
            if isinstance(exc, Refused):
                answer = {**exc.answer(), "status": status_code}
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(answer))

        def refuse(self, status: int, reason: str = "", *, refused: Refused | None = None):
            refused = refused or Refused(status, reason)
            self.set_status(status, reason=refused.reason.splitlines()[0][:200])
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(refused.answer()))

        @property
        def instructor(self) -> bool:
            return INSTRUCTOR_SCOPE in set(self.current_user.get("scopes", ()))

        async def accept(self, what: str, store_it, shown):
            """Store what the signed-in user posted (``store_it(user, body)``, off the event
            loop): 201 and its receipt, or the refusal; both logged (``shown(receipt)``)."""
            user = self.current_user["name"]
            try:
                receipt = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: store_it(user, self.request.body))
            except Refused as exc:
                app_log.warning("refused %s from %s: %s", what, user, exc.reason)
                return self.refuse(exc.status, refused=exc)
            app_log.info("received %s from %s", shown(receipt), user)
            self.set_status(201)
            self.finish(receipt)

    class Submissions(_Handler):
        @web.authenticated
        async def post(self):
            await self.accept(
                "a bundle", lambda user, body: store_bundle(store, user, body,
                                                            max_bytes=max_bytes),
                lambda receipt: receipt["file"])

        @web.authenticated
        def get(self):
            user = self.current_user["name"]
            rows = list_submissions(store, None if self.instructor else user)
            self.finish({"submissions": rows})

    class Download(_Handler):
        @web.authenticated
        def get(self, owner, name):
            user = self.current_user["name"]
            if owner != user and not self.instructor:
                return self.refuse(403, f"{user!r} may not read the submissions of {owner!r}")
            path = store / owner / name
            if not _FILE.match(name) or not path.is_file():
                return self.refuse(404, "no such submission")
            self.set_header("Content-Type", "application/zip")
            self.finish(path.read_bytes())

    async def _off_loop(work):
        return await asyncio.get_running_loop().run_in_executor(None, work)

    class Notebooks(_Handler):
        @web.authenticated
        async def post(self):
            await self.accept(
                "a notebook", lambda user, body: store_notebook(store, user, body,
                                                                max_bytes=NOTEBOOK_BYTES),
                lambda receipt: f"{EXERCISES}/{receipt['file']}")

    class Exercises(_Handler):
        @web.authenticated
        async def get(self, exercise=None):
            user = self.current_user["name"]
            try:
                if assigned is None:
                    raise Refused(404, code="not_assigned",
                                  params={"exercise": exercise or "*", "user": repr(user)})
                if exercise is None:
                    rows = await _off_loop(lambda: assigned_exercises(assigned, user))
                    return self.finish({"exercises": rows})
                name, data = await _off_loop(
                    lambda: assigned_notebook(assigned, user, exercise))
            except Refused as exc:
                return self.refuse(exc.status, refused=exc)
            self.finish({"file": name, "notebook": data.decode("utf-8")})

    class Feedback(_Handler):
        @web.authenticated
        def get(self, owner=None):
            user = self.current_user["name"]
            if owner is not None and owner != user and not self.instructor:
                return self.refuse(403, f"{user!r} may not read the feedback of {owner!r}")
            try:
                page = feedback_page(feedback, owner or user)
            except Refused as exc:
                return self.refuse(exc.status, refused=exc)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            # the page's own policy, also as a header: it loads nothing and runs nothing
            self.set_header("Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'")
            self.set_header("X-Content-Type-Options", "nosniff")
            self.finish(page)

    class Regrades(_Handler):
        @web.authenticated
        async def post(self):
            await self.accept("a regrade request",
                              lambda user, body: file_regrade(store, user, body),
                              lambda request: f"regrade request {request['id']}")

        @web.authenticated
        def get(self):
            from crmlab.grading.regrades import read_queue

            user = self.current_user["name"]
            rows = read_queue(store / REGRADES, student=None if self.instructor else user)
            self.finish({"requests": rows})

    class VariantToken(_Handler):
        @web.authenticated
        async def get(self):
            user = self.current_user["name"]  # the hub's answer: never the request's word
            try:
                token = await _off_loop(lambda: variant_token(tokens, user))
            except Refused as exc:
                return self.refuse(exc.status, refused=exc)
            self.set_header("Cache-Control", "no-store")
            self.finish({"student_id": user, "token": token})

    class Whoami(_Handler):
        @web.authenticated
        def get(self):
            self.finish({"name": self.current_user["name"], "instructor": self.instructor})

    class Health(web.RequestHandler):
        def get(self):
            self.finish({"service": "crmlab-collect"})

    base = prefix.rstrip("/") + "/"
    return web.Application([
        (rf"{base}?", Health),
        (rf"{base}api/submissions/?", Submissions),
        (rf"{base}api/submissions/({PATTERN})/([^/]+)", Download),
        (rf"{base}api/notebooks/?", Notebooks),
        (rf"{base}api/exercises/?", Exercises),
        (rf"{base}api/exercises/([A-Za-z0-9][A-Za-z0-9_.-]{{0,99}})", Exercises),
        (rf"{base}api/feedback/?", Feedback),
        (rf"{base}api/feedback/({PATTERN})", Feedback),
        (rf"{base}api/regrades/?", Regrades),
        (rf"{base}api/variant/?", VariantToken),
        (rf"{base}api/whoami", Whoami),
    ], max_body_size=max(max_bytes, NOTEBOOK_BYTES) + 1024)


def serve(store: str | Path, *, max_bytes: int = MAX_BYTES,
          assigned: str | Path | None = None, feedback: str | Path | None = None,
          tokens: str | Path | None = None) -> None:
    """Run the service where the hub says (``JUPYTERHUB_SERVICE_URL``, ``..._PREFIX``), keeping
    the bundles in ``store`` (made private to this user) and handing out the assigned notebooks
    of ``assigned``, the feedback pages of ``feedback`` and the data variant tokens of the file
    ``tokens``, until the hub stops it (SIGINT)."""
    from tornado.log import enable_pretty_logging

    enable_pretty_logging()
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(store, 0o700)  # students' OS accounts must not read each other's bundles
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/crmlab-collect/")
    app = make_app(store, prefix=prefix, max_bytes=max_bytes, assigned=assigned,
                   feedback=feedback, tokens=tokens)

    async def run():
        app.listen(url.port or 80, url.hostname or "127.0.0.1",
                   max_body_size=max(max_bytes, NOTEBOOK_BYTES) + 1024)
        print(f"crmlab collection service on {url.geturl()}{prefix} storing in {store}",
              flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:  # the hub stops its services with SIGINT
        pass
