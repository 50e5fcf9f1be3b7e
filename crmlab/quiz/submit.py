"""``crmlab submit``: bundle the student's saved answers for the instructor.

The bundle's format (a zip with ``manifest.json`` and one ``answers/<quiz_id>.json`` per quiz,
with checksums) is :mod:`crmlab.quiz.submission`'s. The instructor's grader recomputes every
score from the raw answers; the bundle claims none.

Inside JupyterHub (:func:`crmlab.student.hub_user`, with ``CRMLAB_COLLECT_URL`` set by the
course's hub configuration) :func:`send_bundle` hands the bundle to the collection service
(:mod:`crmlab.publish.hub_service`) with the server's hub token, and the service answers with a
receipt: the checksum and the time it received the file. There too :func:`fetch_token` asks
the service for the student's own data variant token (``crmlab student token``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from crmlab.core.atomic import write_bytes
from crmlab.core.exceptions import CrmlabError, SubmissionError
from crmlab.core.i18n import get_language, message
from crmlab.core.times import iso
from crmlab.quiz import submission
from crmlab.quiz.storage import answers_dir
from crmlab.student import ANONYMOUS, get_id, hub_user

__all__ = ["make_bundle", "bundle_data", "collect_url", "send_bundle", "call_service",
           "expect_fields", "fetch_token"]


def make_bundle(out: str | Path, *, student_id: str | None = None) -> Path:
    """Write the submission zip of the current student to ``out`` and return its path.

    Examples
    --------
    >>> import os, tempfile, zipfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> from crmlab import student, quiz
    >>> _ = student.set_id("s-7")
    >>> _ = quiz.record("L00", "answers-saved", False)
    >>> path = make_bundle(os.path.join(tempfile.mkdtemp(), "s-7.zip"))
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['answers/L00.json', 'manifest.json']
    """
    student_id = student_id or get_id()
    return write_bytes(out, bundle_data(student_id=student_id))


def bundle_data(*, student_id: str | None = None) -> bytes:
    """The bytes of the current student's submission zip (what :func:`make_bundle` writes)."""
    student_id = student_id or get_id()
    if student_id == ANONYMOUS:
        raise CrmlabError(message("cli.submit.no_id"))
    folder = answers_dir(student_id)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise CrmlabError(message("cli.submit.no_answers", student_id=student_id, folder=folder))
    answer_files = []
    for path in files:
        raw = path.read_bytes()
        try:
            submission.parse_answers(raw, str(path), student_id=student_id)
        except SubmissionError as exc:
            problem = exc.text(get_language()) if hasattr(exc, "text") else str(exc)
            raise CrmlabError(message("cli.submit.not_bundled", problem=problem)) from None
        answer_files.append((path.stem, raw))
    created = iso()
    return submission.bundle_bytes(student_id, answer_files, created=created)


def _refusal(exc) -> str:
    """Why the service refused, in the student's language when it gave a code crmlab knows
    (else its own message, else the HTTP reason)."""
    from crmlab.core.i18n import catalog

    try:
        answer = json.loads(exc.read())
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return str(exc.reason)
    code, params = answer.get("code"), answer.get("params")
    if isinstance(code, str) and f"result.{code}" in catalog("en") and isinstance(params, dict):
        try:
            return message(f"result.{code}", **params)
        except (KeyError, IndexError, ValueError):  # fields the catalog does not expect
            pass
    return str(answer.get("message") or exc.reason)


def collect_url() -> str | None:
    """The collection service's address inside a JupyterHub session, else ``None``."""
    url = os.environ.get("CRMLAB_COLLECT_URL")
    return url.rstrip("/") + "/" if url and hub_user() is not None else None


def send_bundle(data: bytes | None = None, *, timeout: float = 60) -> dict:
    """Send the bundle to the hub's collection service; return its receipt.

    The receipt is the service's answer: ``file``, ``sha256``, ``received_at`` (the time that
    counts for the late policy), ``student_id`` and ``quizzes``. A refusal (a bundle for another
    student, one over the size cap) is a ``CrmlabError`` with the service's reason.
    """
    if collect_url() is None:
        raise CrmlabError(message("submit.no_service"))
    data = bundle_data() if data is None else data
    return call_service("api/submissions", data=data, content_type="application/zip",
                        refused="submit.refused", timeout=timeout,
                        fields=("file", "sha256", "received_at", "student_id", "quizzes"))


def expect_fields(answer, where: str, fields, *, within: str = "") -> dict:
    """``answer`` when it is a JSON object holding every name of ``fields``; else a one-line
    ``CrmlabError`` naming ``where`` (the service's URL) and the first field missing (as
    ``within`` + name: ``requests[2].id``).

    Examples
    --------
    >>> expect_fields({"id": "R-1"}, "http://hub/api/regrades", ["id"])
    {'id': 'R-1'}
    >>> expect_fields({"ok": True}, "http://hub/api/regrades", ["id", "received_at"])
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: http://hub/api/regrades: the collection service's answer has no field 'id'; is the hub's crmlab the same version as yours?
    """
    for name in fields:
        if not isinstance(answer, dict) or answer.get(name) is None:
            raise CrmlabError(message("submit.bad_reply", url=where, field=within + name))
    return answer


def call_service(path: str, *, data: bytes | None = None, content_type: str = "",
                 refused: str, timeout: float = 60, raw: bool = False, fields=()):
    """Ask the hub's collection service (``GET``, or ``POST`` of ``data``) as the hub user of
    this server (its hub token); return the JSON answer (its bytes with ``raw``), which must be
    an object holding every name of ``fields``. A refusal is a ``CrmlabError`` with the
    catalog's ``refused`` message (fields ``code`` and ``reason``, the service's reason in the
    student's language); no service, or none reachable, is one too, and so is an answer that
    is not JSON or lacks a field (naming the URL and the field)."""
    url = collect_url()
    if url is None:
        raise CrmlabError(message("submit.no_service"))
    headers = {"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url + path, data=data, headers=headers,
                                     method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        raise CrmlabError(message(refused, code=exc.code, reason=_refusal(exc))) from None
    except (urllib.error.URLError, OSError) as exc:
        raise CrmlabError(message("submit.unreachable", url=url,
                                  reason=getattr(exc, "reason", exc))) from None
    if raw:
        return body
    try:
        answer = json.loads(body)
    except ValueError:
        raise CrmlabError(message("submit.not_json", url=url + path)) from None
    return expect_fields(answer, url + path, fields)


def fetch_token():
    """On the course's JupyterHub, get your own data variant token from the collection service
    (once your instructor has published the tokens), keep it in your settings
    (:func:`crmlab.student.set_token`) and return your variant.

    Outside a hub session with a collection service, or when the service does not give it
    (not published yet, you are not on its list), a ``CrmlabError`` says why; an answer of
    another shape (no token, a token that is not 16 hex digits, another student's) is one line
    naming the URL and the field, and nothing is saved.

    Examples
    --------
    >>> fetch_token()  # outside a hub session  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: Not in a JupyterHub session with a collection service ...
    """
    from crmlab.datasets._variant import PRACTICE, check_token
    from crmlab.student import set_token

    answer = call_service("api/variant", refused="cli.student.token_refused",
                          fields=("student_id", "token"))
    where = f"{collect_url()}api/variant"
    if answer["student_id"] != hub_user():
        raise CrmlabError(message("submit.bad_field", url=where, field="student_id"))
    try:
        if check_token(answer["token"]) == PRACTICE:
            raise CrmlabError(PRACTICE)
    except CrmlabError:
        raise CrmlabError(message("submit.bad_field", url=where, field="token")) from None
    return set_token(answer["token"])
