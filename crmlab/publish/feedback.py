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
built from one student's rows only, and the page loads nothing from anywhere (inline style, no
script, a Content-Security-Policy that forbids any request).

The page is a Jinja2 template (``crmlab/publish/templates/feedback/``: ``page.html.j2`` and the
parts it includes; autoescape on, so every value is HTML-escaped). This module gathers one
student's values (:func:`page_values`); every word of the template comes from crmlab's one
message catalog (:mod:`crmlab.core.i18n`, keys ``feedback.*``, also seen as :data:`MESSAGES`)
through ``t(key, **fields)``, and every reason (a check's verdict, why a notebook stopped, a
grader's note, a status) is a code of :mod:`crmlab.grading.results` rendered in the page's
language, so a language added to the catalog translates the page; quiz texts come in the page's
language when the quiz gives it.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from crmlab.core.atomic import write_bytes, write_text
from crmlab.core.i18n import Messages, localized, reader_language
from crmlab.core.times import iso, utc, with_offset
from crmlab.grading.gradebook import CourseGradebook
from crmlab.grading.results import Reason, status_text

__all__ = ["MESSAGES", "message", "page_values", "student_page", "write_feedback"]

#: Every text of a feedback page, by language (``feedback.*`` of :mod:`crmlab.core.i18n`), and
#: ``message(key, lang, **fields)``: the text in the page's language (English for a language
#: crmlab does not ship, or where the language lacks it).
MESSAGES = message = Messages("feedback")

#: The folder of the page's templates, inside the package.
TEMPLATES = Path(__file__).resolve().with_name("templates") / "feedback"


@cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


def _source(time_source, lang: str) -> str:
    """Where a submission time came from, in ``lang``; an unknown source is shown as it is."""
    from crmlab.core.i18n import catalog

    key = f"source_{time_source}"
    return message(key, lang) if f"feedback.{key}" in catalog("en") else str(time_source)


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):g}"


def _score(points, possible, lang: str) -> str:
    """"3 of 5" in ``lang``; a score not known yet (None or NaN) is pending."""
    if points is None or points != points:
        return message("pending", lang)
    return message("out_of", lang, points=_number(points), possible=_number(possible))


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


def _summary(book: CourseGradebook, student: str, lang: str) -> tuple[list, str]:
    rows = [{"assessment": row["assessment"], "raw": _number(row["raw"]),
             "late_days": row["late_days"], "penalty": _number(row["penalty"]),
             "final": _score(row["final"], row["possible"], lang),
             "status": _status(row, lang)}
            for row in book.student_rows(student).to_dict("records")]
    total = book.table.loc[book.table["student_id"] == student, "weighted_total"].iloc[0]
    total_text = (message("weighted_total", lang, total=_number(total)) if total == total
                  else message("total_pending", lang))
    return rows, total_text


def _timing(row: dict, zone: ZoneInfo, lang: str) -> list[str]:
    if row["status"] == "missing":
        return [message("missing_note", lang)]
    notes = []
    if row["submitted_at"]:
        notes.append(message("received", lang, time=_time(row["submitted_at"], zone),
                             source=_source(row["time_source"], lang),
                             deadline=_time(row["deadline"], zone)))
    if row["status"] == "cut_off":
        notes.append(message("cut_note", lang))
    elif row["late_days"]:
        notes.append(message("late_note", lang, days=row["late_days"],
                             penalty=_number(row["penalty"]), raw=_number(row["raw"])))
    return notes


def _quiz_details(book: CourseGradebook, student: str, quiz_id: str, lang: str) -> list[dict]:
    from dataclasses import replace

    from crmlab.grading.rubric import TextAnswer
    from crmlab.grading.variant_keys import student_key
    from crmlab.quiz.types import get_type
    from crmlab.quiz.variants import fill_prompt

    quiz = book.quizzes[quiz_id]
    responses = book.responses
    mine = responses[(responses["student_id"] == student) & (responses["quiz_id"] == quiz_id)]
    given = {r["question_id"]: r for r in mine.to_dict("records")}
    questions = []
    for number, question in enumerate(quiz.questions, start=1):
        kind = get_type(question.type)
        prompt = localized(question.prompt, lang)
        if question.variant == "student":  # the student's own key and inputs, never another's
            key, inputs = student_key(book.own_keys, quiz_id, question.id, student)
            question = replace(question, answer=key)
            prompt = fill_prompt(prompt, inputs, unknown=question.inputs)
        row = given.get(question.id)
        answer = json.loads(row["answer"]) if row is not None else None
        points = row["points"] if row is not None else 0.0
        pending = row is not None and points != points
        # What the question counts in the grade: the graded answer's own maximum (item weights
        # and the course's practice weight applied), else the question's points so weighted.
        factor = book.course.practice_weight if question.mode == "practice" else 1.0
        possible = float(row["max_points"]) if row is not None else question.points * factor
        counted = possible > 0 or question.points == 0
        view = {
            "number": number, "id": question.id, "mode": question.mode,
            "css": ("practice" if not counted else "pending" if pending
                    else "right" if points == possible else "partly" if points else "wrong"),
            "prompt": prompt,
            "answer": (kind.answer_text(question, answer, lang) if answer is not None
                       else message("no_answer", lang)),
            "points": (_score(points, possible, lang) if counted
                       else message("not_counted", lang)),
            "rubric": None, "key": "",
            "explanation": localized(question.explanation, lang) if question.explanation
            else ""}
        criteria = getattr(kind, "criteria", None)
        if criteria is not None:
            grades = (book.hand.for_answer(TextAnswer(student, quiz_id, question.id, answer,
                                                      tuple(criteria(question))))
                      if answer is not None else {})
            view["rubric"] = []
            for cid, words, maximum in criteria(question):
                got, comment = grades.get(cid, (None, ""))
                if got is None and answer is None:
                    got = 0.0  # nothing to grade: no points, not pending
                view["rubric"].append({"text": localized(words, lang), "comment": comment,
                                       "points": _score(got, maximum, lang)})
        elif question.answer is not None or question.variant != "student":
            view["key"] = kind.key_text(question, lang)
        questions.append(view)
    return questions


def _exercise_details(book: CourseGradebook, student: str, exercise: str,
                      lang: str) -> dict | None:
    result = book.details.get(exercise, {}).get(student)
    if result is None:
        return None
    hand = book.overrides.get(exercise, {})
    given = {check.name: check.points for check in result.checks}  # hand overrides in
    result = result.scored(book.checks.get(exercise, {}))  # the course's checks and points
    checks = []
    for check in result.checks:
        reason = hand.get((student, check.name))
        points = given[check.name] if reason is not None else check.points
        checks.append({
            "name": check.name,
            "verdict": message("passed" if check.passed else "not_passed", lang),
            "points": _score(points, check.possible, lang),
            # a notebook that stopped: why, on every check; else the check's own verdict
            "message": result.reason.text(lang) if result.reason else check.text(lang),
            "hand": "" if reason is None else message("hand_points", lang, reason=reason)})
    notes = [note.text(lang) for note in result.notes] if result.reason is None else []
    return {"checks": checks, "notes": notes}


def _regrade_command(kind: str, assessment: str, lang: str) -> str:
    """The command that files a regrade request on one item of ``assessment``, its
    placeholders (the item's id, the reason) in ``lang``.

    Examples
    --------
    >>> _regrade_command("exercise", "EX-rfm", "en")
    'crmlab regrades request exercise EX-rfm CHECK_ID --reason "your reason"'
    """
    item = message(f"regrade_{kind}_item", lang)
    return (f"crmlab regrades request {kind} {assessment} {item} --reason "
            f"\"{message('regrade_reason', lang)}\"")


def page_values(book: CourseGradebook, student: str, *, now: datetime | None = None,
                lang: str = "en") -> dict:
    """The values the page template shows for ``student`` (that student's rows only), every
    text in ``lang``."""
    if student not in book.students:
        from crmlab.core.exceptions import CrmlabError

        raise CrmlabError(f"Got student={student!r} instead, expected a student of the course "
                          "gradebook (its roster or its gradings)")
    now = utc(now)
    lang = reader_language(lang)
    zone = ZoneInfo(book.course.timezone)
    sections = []
    for row in book.student_rows(student).to_dict("records"):
        item = book.course.assessment(row["assessment"])
        if item.kind == "quiz":
            heading = message("quiz", lang, id=item.id,
                              title=localized(book.quizzes[item.id].title, lang))
        else:
            heading = message("exercise", lang, id=item.id)
        section = {"id": item.id, "heading": heading, "notes": _timing(row, zone, lang),
                   "quiz": None, "exercise": None, "regrade": ""}
        opens = book.course.feedback_opens(item.id, book.students)
        if opens is None:
            section["notes"].append(message("no_deadline", lang))
        elif now < opens:
            section["notes"].append(message("not_open", lang,
                                            time=_time(opens.isoformat(), zone)))
        elif row["status"] != "missing":
            if item.kind == "quiz":
                section["quiz"] = _quiz_details(book, student, item.id, lang)
            else:
                section["exercise"] = _exercise_details(book, student, item.id, lang)
            section["regrade"] = _regrade_command(item.kind, item.id, lang)
        sections.append(section)
    rows, total = _summary(book, student, lang)
    return {"lang": lang, "student": student, "course": book.course.title,
            "written": _time(iso(now), zone), "summary": rows, "total": total,
            "sections": sections, "mine_command": "crmlab regrades mine"}


def student_page(book: CourseGradebook, student: str, *, now: datetime | None = None,
                 lang: str = "en") -> str:
    """The feedback page of one student, as HTML text (built from that student's rows only)."""
    values = page_values(book, student, now=now, lang=lang)

    def t(key: str, **fields) -> str:
        return message(key, values["lang"], **fields)

    return _environment().get_template("page.html.j2").render(t=t, **values)


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
