"""``crmlab feedback``: one self-contained HTML page per student, after the deadline.

Each page holds one student's course gradebook row (per assessment: points before the penalty,
days late, penalty, final points, status; the weighted total) and, per assessment whose
feedback is open, the details: for a quiz every question with the student's answer, the points,
the key and the explanation (for a free-text answer the rubric with the points and comments the
grader gave); for an exercise every check with its verdict, points and message. Practice
questions already gave their feedback in the lesson; graded ones give it only here.

Feedback on an assessment opens when every student's last chance to submit has passed (the
latest deadline with extensions, plus the late policy's cut-off:
:meth:`crmlab.grading.config.Course.feedback_opens`); before that the page says when. A page is
built from one student's rows only, every text is HTML-escaped, and the page loads nothing from
anywhere (inline style, no script, a Content-Security-Policy that forbids any request).

Every word of the page comes from crmlab's one message catalog (:mod:`crmlab.core.i18n`, keys
``feedback.*``, also seen as :data:`MESSAGES`) through :func:`message`, so a language added to
the catalog translates the page; quiz texts come in the page's language when the quiz gives it.
"""

from __future__ import annotations

import html
import io
import json
import math
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from crmlab.core.atomic import write_bytes, write_text
from crmlab.core.i18n import Messages
from crmlab.core.times import iso, utc, with_offset
from crmlab.grading.gradebook import CourseGradebook
from crmlab.grading.results import Reason, status_text

__all__ = ["MESSAGES", "message", "student_page", "write_feedback"]

#: Every text of a feedback page, by language (``feedback.*`` of :mod:`crmlab.core.i18n`), and
#: ``message(key, lang, **fields)``: the text in the page's language (English for a language
#: crmlab does not ship, or where the language lacks it).
MESSAGES = message = Messages("feedback")


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}
.question{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #ccc}
.right{border-color:#1b7f3b}.partly{border-color:#a05a00}.wrong{border-color:#b00020}
.pending{border-color:#6b6b6b}.note{color:#555}.answer{white-space:pre-wrap}
"""



def _source(time_source, lang: str) -> str:
    """Where a submission time came from, in ``lang``; an unknown source is shown as it is."""
    from crmlab.core.i18n import catalog

    key = f"source_{time_source}"
    return message(key, lang) if f"feedback.{key}" in catalog("en") else str(time_source)

def _e(value) -> str:
    """Text for an element's content (quotes stay readable)."""
    return html.escape(str(value), quote=False)


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):g}"


def _time(text: str, zone: ZoneInfo) -> str:
    if not text:
        return ""
    moment = with_offset(text).astimezone(zone)
    return f"{moment:%Y-%m-%d %H:%M} ({zone.key})"


def _status(row: dict, lang: str) -> str:
    """The status of an assessment (and that answers wait for hand grading), in ``lang``."""
    words = [status_text(row["status"], lang)]
    if row["pending"]:
        words.append(message("being_graded", lang))
    return ", ".join(words)


def _summary(book: CourseGradebook, student: str, lang: str) -> str:
    rows = book.student_rows(student)
    head = "".join(f"<th>{_e(message(k, lang))}</th>" for k in
                   ("assessment", "raw", "late_days", "penalty", "final", "status"))
    body = []
    for row in rows.to_dict("records"):
        final = (message("out_of", lang, points=_number(row["final"]),
                         possible=_number(row["possible"]))
                 if row["final"] == row["final"] else message("pending", lang))
        body.append(f"<tr><td>{_e(row['assessment'])}</td><td class='num'>"
                    f"{_e(_number(row['raw']))}</td><td class='num'>{row['late_days']}</td>"
                    f"<td class='num'>{_e(_number(row['penalty']))}</td><td class='num'>"
                    f"{_e(final)}</td><td>{_e(_status(row, lang))}</td></tr>")
    total = book.table.loc[book.table["student_id"] == student, "weighted_total"].iloc[0]
    total_text = (message("weighted_total", lang, total=_number(total)) if total == total
                  else message("total_pending", lang))
    return (f"<h2>{_e(message('summary', lang))}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table><p><b>{_e(total_text)}</b></p>")


def _timing(row: dict, zone: ZoneInfo, lang: str) -> str:
    parts = []
    if row["status"] == "missing":
        return f"<p class='note'>{_e(message('missing_note', lang))}</p>"
    if row["submitted_at"]:
        parts.append(message("received", lang, time=_time(row["submitted_at"], zone),
                             source=_source(row["time_source"], lang),
                             deadline=_time(row["deadline"], zone)))
    if row["status"] == "cut_off":
        parts.append(message("cut_note", lang))
    elif row["late_days"]:
        parts.append(message("late_note", lang, days=row["late_days"],
                             penalty=_number(row["penalty"]), raw=_number(row["raw"])))
    return "".join(f"<p class='note'>{_e(p)}</p>" for p in parts)


def _quiz_details(book: CourseGradebook, student: str, quiz_id: str, lang: str) -> str:
    from crmlab.core.i18n import localized
    from crmlab.grading.rubric import TextAnswer
    from crmlab.quiz.types import get_type

    quiz = book.quizzes[quiz_id]
    responses = book.responses
    mine = responses[(responses["student_id"] == student) & (responses["quiz_id"] == quiz_id)]
    given = {r["question_id"]: r for r in mine.to_dict("records")}
    blocks = []
    for number, question in enumerate(quiz.questions, start=1):
        kind = get_type(question.type)
        row = given.get(question.id)
        answer = json.loads(row["answer"]) if row is not None else None
        points = row["points"] if row is not None else 0.0
        pending = row is not None and points != points
        css = ("pending" if pending else "right" if points == question.points
               else "partly" if points else "wrong")
        shown = (kind.answer_text(question, answer, lang) if answer is not None
                 else message("no_answer", lang))
        earned = (message("pending", lang) if pending else
                  message("out_of", lang, points=_number(points),
                          possible=_number(question.points)))
        parts = [f"<p><b>{_e(message('question', lang, n=number))}</b> "
                 f"<span class='note'>({_e(message('mode_' + question.mode, lang))})</span> "
                 f"{_e(localized(question.prompt, lang))}</p>",
                 f"<p>{_e(message('your_answer', lang))}:</p>"
                 f"<blockquote class='answer'>{_e(shown)}</blockquote>",
                 f"<p>{_e(message('points', lang))}: {_e(earned)}</p>"]
        criteria = getattr(kind, "criteria", None)
        if criteria is not None:
            grades = (book.hand.for_answer(TextAnswer(student, quiz_id, question.id, answer,
                                                      tuple(criteria(question))))
                      if answer is not None else {})
            cells = []
            for cid, words, maximum in criteria(question):
                got, comment = grades.get(cid, (None, ""))
                mark = (message("pending", lang) if got is None and answer is not None else
                        message("out_of", lang, points=_number(got or 0.0),
                                possible=_number(maximum)))
                cells.append(f"<tr><td>{_e(localized(words, lang))}</td><td class='num'>"
                             f"{_e(mark)}</td><td>{_e(comment)}</td></tr>")
            parts.append(f"<p>{_e(message('rubric', lang))}:</p><table><thead><tr><th>"
                         f"{_e(message('criterion', lang))}</th><th>"
                         f"{_e(message('points', lang))}</th><th>"
                         f"{_e(message('comment', lang))}</th></tr></thead><tbody>"
                         f"{''.join(cells)}</tbody></table>")
        else:
            parts.append(f"<p>{_e(message('key', lang))}: {_e(kind.key_text(question, lang))}"
                         "</p>")
        if question.explanation:
            parts.append(f"<p>{_e(message('explanation', lang))}: "
                         f"<i>{_e(localized(question.explanation, lang))}</i></p>")
        blocks.append(f"<div class='question {css}'>{''.join(parts)}</div>")
    return "".join(blocks)


def _exercise_details(book: CourseGradebook, student: str, exercise: str, lang: str) -> str:
    result = book.details.get(exercise, {}).get(student)
    if result is None:
        return ""
    result = result.scored(book.checks.get(exercise, {}))  # the course's checks and points
    cells = []
    for check in result.checks:
        note = result.reason.text(lang) if result.reason else check.text(lang)
        score = message("out_of", lang, points=_number(check.points),
                        possible=_number(check.possible))
        cells.append(f"<tr><td>{_e(check.name)}</td><td>"
                     f"{_e(message('passed' if check.passed else 'not_passed', lang))}</td>"
                     f"<td class='num'>{_e(score)}</td><td>{_e(note)}</td></tr>")
    head = "".join(f"<th>{_e(message(k, lang))}</th>"
                   for k in ("check", "verdict", "points", "message"))
    extra = "".join(f"<p class='note'>{_e(message('run_note', lang, reason=n.text(lang)))}</p>"
                    for n in result.notes if result.reason is None)
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(cells)}</tbody></table>"
            f"{extra}")


def student_page(book: CourseGradebook, student: str, *, now: datetime | None = None,
                 lang: str = "en") -> str:
    """The feedback page of one student, as HTML text (built from that student's rows only)."""
    from crmlab.core.i18n import localized

    now = utc(now)
    zone = ZoneInfo(book.course.timezone)
    sections = []
    for row in book.student_rows(student).to_dict("records"):
        item = book.course.assessment(row["assessment"])
        if item.kind == "quiz":
            heading = message("quiz", lang, id=item.id,
                              title=localized(book.quizzes[item.id].title, lang))
        else:
            heading = message("exercise", lang, id=item.id)
        opens = book.course.feedback_opens(item.id, book.students)
        body = _timing(row, zone, lang)
        if opens is None:
            body += f"<p class='note'>{_e(message('no_deadline', lang))}</p>"
        elif now < opens:
            when = _time(opens.isoformat(), zone)
            body += f"<p class='note'>{_e(message('not_open', lang, time=when))}</p>"
        elif row["status"] != "missing":
            body += (_quiz_details(book, student, item.id, lang) if item.kind == "quiz"
                     else _exercise_details(book, student, item.id, lang))
        anchor = html.escape(item.id, quote=True)
        sections.append(f"<section id='{anchor}'><h2>{_e(heading)}</h2>{body}</section>")
    title = message("title", lang, student=student)
    written = _time(iso(now), zone)
    return (
        "<!DOCTYPE html>\n"
        f"<html lang='{html.escape(lang, quote=True)}'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='note'>{_e(book.course.title)}. "
        f"{_e(message('private', lang, student=student))} "
        f"{_e(message('written', lang, time=written))}</p>"
        f"{_summary(book, student, lang)}{''.join(sections)}</body></html>\n")


def write_feedback(book: CourseGradebook, out, *, now: datetime | None = None,
                   lang: str = "en", zip: bool = False) -> list[Path]:
    """Write ``<student_id>.html`` for every student of ``book`` into ``out`` (and, with
    ``zip``, ``<student_id>.zip`` holding that page, for an LMS's feedback upload).

    A student id that is not safe as a file name is skipped, with a problem row in
    ``book.problems``.
    """
    from crmlab.core.exceptions import CrmlabError
    from crmlab.core.ids import validate_id

    out = Path(out)
    now = utc(now)
    files = []
    for student in book.students:
        try:
            validate_id(student)
        except CrmlabError:
            reason = Reason("unsafe_student_id")
            book.problems.loc[len(book.problems)] = {
                "source": "feedback", "student_id": student, "assessment": "", "item": "",
                "code": reason.code, "params": reason.params_text(), "reason": reason.text()}
            continue
        page = student_page(book, student, now=now, lang=lang)
        files.append(write_text(out / f"{student}.html", page))
        if zip:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
                bundle.writestr(f"{student}.html", page)
            files.append(write_bytes(out / f"{student}.zip", buffer.getvalue()))
    return files
