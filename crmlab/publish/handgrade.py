"""The hand-grading page of ``crmlab handgrade GRADING_DIR``: a small web server on 127.0.0.1.

The server (the standard library's :mod:`http.server`) listens on the loopback address only
and answers nothing without its token: a random secret made at start, printed in the URL the
grader opens, carried by every link and form of the page; a request without it is refused with
403. :class:`HandGradeApp` is the whole server as one method, :meth:`HandGradeApp.handle`
(method, path, form fields -> status, headers, body), so the tests call it without a socket.

The page (``templates/handgrade/``, Jinja2 with autoescape: whatever a student wrote is
shown as text) shows one free-text answer at a time: the question, the answer, each
criterion of the rubric with its maximum, a points field and a comment field. "Save and next"
saves through :class:`crmlab.grading.handgrade.HandGrading` (the store of the sheet import,
its one check, the run history) and moves to the next answer still pending; a bad value comes
back as one line on the same page with everything typed still in the fields. Opening the page
resumes at the first answer not graded. Student ids are hidden until the grader asks for them.

The page speaks the grader's language: every word of its templates comes from crmlab's one
message catalog (:mod:`crmlab.core.i18n`, keys ``handgrade.*``, also seen as :data:`MESSAGES`)
through ``t(key, **fields)``, as the feedback pages' do; a refused value is a
:class:`~crmlab.grading.results.HandProblem` said in that language, a notebook's reason and a
check's verdict are codes said in it too, and the quiz's question and rubric come in it when the
quiz gives it. The language is the one crmlab is using (``CRMLAB_LANG``, then the saved
setting, then English: :func:`crmlab.core.i18n.get_language`) unless ``lang`` names another.

Given an exercise grading folder instead, the page shows one student at a time with each
check's verdict and points, and a points and a reason field to override a check by hand
(:class:`crmlab.grading.handgrade.CheckOverriding`, ``overrides.csv``); it starts at the first
student with a failed check not overridden.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from crmlab.core.i18n import Messages, get_language, localized, reader_language
from crmlab.grading.handgrade import CheckOverriding, HandGrading
from crmlab.grading.results import RAN, HandProblem

__all__ = ["HandGradeApp", "serve", "TEMPLATES", "MESSAGES"]

#: Every text of the hand-grading page, by language (``handgrade.*`` of
#: :mod:`crmlab.core.i18n`), and ``message(key, lang, **fields)``: the text in the page's
#: language (English for a language crmlab does not ship, or where the language lacks it).
MESSAGES = message = Messages("handgrade")

#: The page's templates, inside the package.
TEMPLATES = Path(__file__).resolve().with_name("templates") / "handgrade"
#: The only address the server listens on.
HOST = "127.0.0.1"


@cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def _number(value: float) -> str:
    return f"{value:g}"


class HandGradeApp:
    """The hand-grading pages of one grading folder, behind one token: the free-text answers
    of a quiz grading (``responses.csv``), or the checks of an exercise grading
    (``details.csv``) to override by hand; every word in ``lang`` (default: the language in
    effect, :func:`~crmlab.core.i18n.get_language`).

    Examples
    --------
    >>> app = HandGradeApp.__new__(HandGradeApp)  # the token check alone
    >>> app.token, app.lang = "secret", "en"
    >>> app.handle("GET", "/?token=wrong")[0], app.handle("GET", "/")[0]
    (403, 403)
    """

    def __init__(self, folder, *, token: str | None = None, lang: str | None = None):
        from crmlab.core.exceptions import CrmlabError
        from crmlab.grading import files

        folder = Path(folder)
        if (folder / files.RESPONSES).is_file():
            self.grading, self.mode = HandGrading(folder), "answers"
        elif (folder / files.DETAILS).is_file():
            self.grading, self.mode = CheckOverriding(folder), "checks"
        else:
            raise CrmlabError(f"{folder}: neither a quiz grading folder (responses.csv) nor an "
                              "exercise grading folder (details.csv)")
        self.token = token or secrets.token_urlsafe(24)
        self.lang = reader_language(lang or get_language())
        self.lock = threading.Lock()

    def _say(self, key: str, **fields) -> str:
        return message(key, self.lang, **fields)

    def progress(self) -> str:
        """One line, in the page's language: how far the grading is."""
        if self.mode == "answers":
            graded, total = self.grading.progress()
            key = "progress.answers_done" if graded == total else "progress.answers"
            return self._say(key, graded=graded, total=total)
        count = sum(1 for _ in self.grading.overrides.rows)
        return self._say("progress.checks", students=len(self.grading.students),
                         overridden=count)

    # ------------------------------------------------------------------------- dispatch
    def handle(self, method: str, target: str, body: bytes = b"") -> tuple[int, dict, bytes]:
        """Answer one request (``target``: path and query; ``body``: a POST's form, URL
        encoded): ``(status, headers, body)``."""
        status, headers, content = self._dispatch(method, target, body)
        return int(status), headers, content

    def _dispatch(self, method: str, target: str, body: bytes):
        url = urlsplit(target)
        fields = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if method == "POST":
            fields.update({k: v[-1] for k, v in parse_qs(
                body.decode("utf-8", "replace"), keep_blank_values=True).items()})
        if not hmac.compare_digest(str(fields.get("token", "")).encode(), self.token.encode()):
            return self._text(HTTPStatus.FORBIDDEN, self._say("forbidden") + "\n")
        with self.lock:
            if method == "GET" and url.path == "/":
                return self._page(fields)
            if method == "POST" and url.path == "/save":
                return self._save(fields)
        return self._text(HTTPStatus.NOT_FOUND, self._say("not_found") + "\n")

    # ------------------------------------------------------------------------- pages
    @property
    def _key(self) -> str:
        return "answer" if self.mode == "answers" else "student"

    @property
    def _count(self) -> int:
        grading = self.grading
        return len(grading.answers if self.mode == "answers" else grading.students)

    def _link(self, **query) -> str:
        return "/?" + urlencode({"token": self.token, **{k: v for k, v in query.items()
                                                          if v not in ("", None)}})

    def _index(self, text, default: int | None) -> int | None:
        try:
            index = int(text)
        except (TypeError, ValueError):
            return default
        return index if 0 <= index < self._count else default

    def _page(self, fields: dict, *, status=HTTPStatus.OK, typed=None, problem=None):
        names = bool(fields.get("names"))
        saved = ""
        if str(fields.get("saved", "")).isdigit() and not problem:
            saved = self._say(f"saved.{self.mode}", number=fields["saved"])
        resume = self.grading.resume()
        index = self._index(fields.get(self._key), resume if resume is not None else 0)
        count, flag = max(self._count, 1), "1" if names else ""
        shown = bool(self._count)
        links = {"previous": self._link(**{self._key: (index - 1) % count}, names=flag),
                 "next": self._link(**{self._key: (index + 1) % count}, names=flag),
                 "pending": self._link(names=flag),
                 "names": self._link(**{self._key: index if shown else ""},
                                     names="" if names else "1")}
        values = {"lang": self.lang, "mode": self.mode, "heading": self.grading.folder.name,
                  "progress": self.progress(), "total": self._count, "shown": shown,
                  "names": names, "token": self.token, "links": links,
                  "problem": problem.text(self.lang) if problem else "", "saved": saved,
                  "bad": problem.where if problem else ""}
        if self.mode == "answers":
            template = "answers.html.j2"
            values.update(answer=self._answer(index, typed) if shown else None)
        else:
            template = "checks.html.j2"
            values.update(exercise=self.grading.exercise,
                          student=self._student(index, typed) if shown else None)
        html = _environment().get_template(template).render(t=self._say, **values)
        return status, {"Content-Type": "text/html; charset=utf-8",
                        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                        "X-Frame-Options": "DENY"}, html.encode("utf-8")

    def _answer(self, index: int, typed: dict | None) -> dict:
        grading = self.grading
        answer = grading.answers[index]
        given = grading.given(index)
        criteria = []
        for criterion, words, maximum in answer.criteria:
            points, comment = given.get(criterion, (None, ""))
            if typed is not None:
                points = typed.get(f"points:{criterion}", "")
                comment = typed.get(f"comment:{criterion}", "")
            elif points is not None:
                points = _number(points)
            criteria.append({"id": criterion, "text": localized(words, self.lang),
                             "maximum": _number(maximum),
                             "points": "" if points is None else points, "comment": comment})
        points = grading.grades.points(answer)
        return {"index": index, "number": index + 1, "quiz_id": answer.quiz_id,
                "question_id": answer.question_id, "student_id": answer.student_id,
                "prompt": localized(grading.prompt(index), self.lang), "text": answer.answer,
                "criteria": criteria, "pending": points is None,
                "points": "" if points is None else _number(points),
                "possible": _number(sum(m for _, _, m in answer.criteria))}

    def _student(self, index: int, typed: dict | None) -> dict:
        grading = self.grading
        student = grading.students[index]
        result = grading.results[student]
        checks = []
        for check in grading.checks(index):
            if typed is not None:
                check = {**check, "points": typed.get(f"points:{check['name']}", ""),
                         "reason": typed.get(f"reason:{check['name']}", "")}
            checks.append({**check, "machine": _number(check["machine"]),
                           "possible": _number(check["possible"]),
                           "verdict": self._say(f"verdict.{check['code']}")})
        stopped = result.outcome != RAN
        return {"index": index, "number": index + 1, "student_id": student,
                "total": _number(grading.total(index)),
                "possible": _number(sum(grading.possible.values())), "stopped": stopped,
                "reason": result.text(self.lang), "checks": checks}

    def _save(self, fields: dict):
        grading = self.grading
        index = self._index(fields.get(self._key), None)
        if index is None:
            return self._page(fields, status=HTTPStatus.BAD_REQUEST,
                              problem=HandProblem(f"no_such_{self._key}",
                                                  value=repr(fields.get(self._key))))
        if self.mode == "answers":
            names = [c for c, _, _ in grading.answers[index].criteria]
            second = "comment"
        else:
            names = [c.name for c in grading.results[grading.students[index]].checks]
            second = "reason"
        saved = grading.save(index, {c: fields.get(f"points:{c}", "") for c in names},
                             {c: fields.get(f"{second}:{c}", "") for c in names})
        if saved.problem:  # the same page again, with what was typed and the one line
            return self._page(fields, status=HTTPStatus.BAD_REQUEST, typed=fields,
                              problem=saved.problem)
        following = grading.resume(index)
        target = self._link(**{self._key: following if following is not None else index},
                            names="1" if fields.get("names") else "", saved=f"{index + 1}")
        return HTTPStatus.SEE_OTHER, {"Location": target, "Content-Length": "0"}, b""

    @staticmethod
    def _text(status, text: str):
        return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    app: HandGradeApp  # set on the subclass serve() makes

    def _reply(self, method: str):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1_000_000)) if method == "POST" else b""
        status, headers, content = self.app.handle(method, self.path, body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self._reply("GET")

    def do_POST(self):  # noqa: N802
        self._reply("POST")

    def log_message(self, format, *args):  # the token is in every URL: log nothing
        pass


def serve(folder, *, port: int = 0, token: str | None = None,
          lang: str | None = None) -> tuple[HTTPServer, str]:
    """A hand-grading server for ``folder`` on 127.0.0.1 (``port`` 0: a free one), its page in
    ``lang`` (default: the language in effect), and the URL to open, token included; call
    ``serve_forever()`` on it (and ``server_close()`` after)."""
    app = HandGradeApp(folder, token=token, lang=lang)
    handler = type("HandGradeHandler", (_Handler,), {"app": app})
    server = HTTPServer((HOST, port), handler)
    return server, f"http://{HOST}:{server.server_address[1]}/?token={app.token}"
