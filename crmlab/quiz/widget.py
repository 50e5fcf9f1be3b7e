"""The quiz widget (ipywidgets 8): one renderer for every quiz.

Each question's input comes from its type (:mod:`crmlab.quiz.types`). Options are shuffled
in an order of the student's own, derived from a hash of (student, quiz, question), with pinned
options ("all of the above") kept last; answers go through :func:`crmlab.quiz.record` by
option id, never by position. The text representation is a fixed summary, so strict nbval can
compare lesson outputs whatever the student or the order. Labels come from
:mod:`crmlab.core.i18n`.
"""

from __future__ import annotations

import hashlib
import html
import random

import ipywidgets as w

from crmlab.core.display import StableWidgetRepr
from crmlab.core.exceptions import CrmlabError, QuizError
from crmlab.core.i18n import LANGUAGE_NAMES, label, localized, message
from crmlab.core.validation import check_choice
from crmlab.quiz.model import Question, Quiz
from crmlab.quiz.recording import record
from crmlab.quiz.types import get_type
from crmlab.quiz.variants import on_own_variant, prompt_text
from crmlab.student import get_id

__all__ = ["QuizView", "QuestionView", "option_order"]


def option_order(items, *, student: str, quiz: str, question: str, shuffle: bool = True):
    """Deterministic order of options for one student; pinned items stay last in their order.

    Examples
    --------
    >>> from crmlab.quiz.model import Option
    >>> opts = [Option("a", "A"), Option("b", "B"), Option("c", "C"), Option("all", "All", pin=True)]
    >>> order = [o.id for o in option_order(opts, student="s1", quiz="L00", question="q1")]
    >>> order[-1], sorted(order[:-1])
    ('all', ['a', 'b', 'c'])
    >>> order == [o.id for o in option_order(opts, student="s1", quiz="L00", question="q1")]
    True
    """
    free = [item for item in items if not getattr(item, "pin", False)]
    pinned = [item for item in items if getattr(item, "pin", False)]
    if shuffle:
        digest = hashlib.sha256(f"{student}\x1f{quiz}\x1f{question}".encode()).digest()
        random.Random(int.from_bytes(digest[:8], "big")).shuffle(free)
    return free + pinned


def _span(colour: str, message: str) -> str:
    return f"<span style='color:{colour}'>{html.escape(message)}</span>"


def _on_hub() -> bool:
    """Whether this server is a hub session with a collection service (a hub user name that
    cannot be a student id counts as none here: that error is said where the id is used)."""
    from crmlab.quiz.submit import collect_url

    try:
        return collect_url() is not None
    except CrmlabError:
        return False


def _variant_note(question, lang: str) -> str:
    """For a number of one's own: on which data to compute it (for a formula question: that
    its figures are the student's own), and which variant is in use."""
    if not on_own_variant(question):
        return ""
    from crmlab.datasets import variant

    mine = variant()
    if not mine.practice:
        which = message("quiz.variant_own", lang, digest=mine.digest)
    else:  # on the hub the token comes from the hub, not from the instructor's hand
        which = message("quiz.variant_practice_hub" if _on_hub() else "quiz.variant_practice",
                        lang)
    key = "quiz.variant_inputs_note" if question.inputs else "quiz.variant_note"
    return (f"<div class='crmlab-note'><i>{html.escape(message(key, lang, which=which))}"
            "</i></div>")


class QuestionView:
    """The widgets of one question: ``prompt``, ``input`` (from the question's type), ``button``
    and ``feedback``; ``parts`` lists the widgets of a composite input by id."""

    def __init__(self, quiz: Quiz, question: Question, number: int, lang: str, student: str,
                 saved=None):
        self.quiz, self.q, self.lang = quiz, question, lang
        unit = label("point" if question.points == 1 else "points", lang)
        note = (f"<div class='crmlab-note'><i>{html.escape(localized(question.note, lang))}</i></div>"
                if question.note else "") + _variant_note(question, lang)
        self.prompt = w.HTML(
            f"<b>{label('question', lang)} {number}.</b> "
            f"{html.escape(prompt_text(question, lang, quiz_id=quiz.id))} "
            f"<span class='crmlab-badge'>({label(question.mode, lang)}, {question.points:g} "
            f"{unit})</span>{note}")
        self.feedback = w.HTML("")
        self.feedback.add_class("crmlab-feedback")
        self.button = w.Button(description=label("check" if question.mode == "practice"
                                                 else "save", lang), button_style="primary")
        self.button.add_class("crmlab-submit")
        self.button.on_click(lambda _: self.submit())

        def order(items):
            return option_order(list(items), student=student, quiz=quiz.id, question=question.id,
                                shuffle=question.shuffle)

        answer_input = get_type(question.type).widget(question, lang=lang, order=order)
        self.input, self.parts, self._read = (answer_input.widget, answer_input.parts,
                                              answer_input.read)
        self.input.add_class("crmlab-input")
        self.box = w.VBox([self.prompt, self.input, self.button, self.feedback],
                          layout=w.Layout(margin="0 0 14px 0"))
        self.box.add_class("crmlab-question")
        self.box.add_class(f"crmlab-q-{question.id}")
        self.box.add_class(f"crmlab-mode-{question.mode}")
        if saved is not None:
            self.show_saved(saved)

    def show_saved(self, answer) -> None:
        """Say which answer is saved for this question (a quiz shown again, after a restart)."""
        kind, lang = get_type(self.q.type), self.lang
        try:
            said = kind.answer_text(self.q, kind.canonical(self.q, answer), lang)
        except (QuizError, ValueError, TypeError):  # the quiz changed since: show it as saved
            said = str(answer)
        self.feedback.value = (f"<span class='crmlab-saved'>{label('saved_before', lang)}</span>"
                               f"<div class='crmlab-saved-answer'>"
                               f"{html.escape(label('saved_answer', lang))}: "
                               f"{html.escape(said)}</div>")

    def answer(self):
        """The answer the inputs hold (None when nothing is chosen; ValueError for bad text)."""
        return self._read()

    def submit(self):
        """Record the answer and show the feedback; return it (None when nothing was saved)."""
        lang = self.lang
        try:
            answer = self.answer()
        except ValueError:
            self.feedback.value = _span("#a05a00", label("not_number", lang))
            return None
        if answer is None:
            self.feedback.value = _span("#a05a00", label("choose", lang))
            return None
        try:
            # By path when there is one: a quiz shown from a file outside quizzes/ records too.
            result = record(self.quiz.path or self.quiz.id, self.q.id, answer, lang=lang)
        except QuizError as exc:
            self.feedback.value = _span("#b00020", str(exc))
            return None
        if result.pending:
            self.feedback.value = f"<span class='crmlab-saved'>{label('pending', lang)}</span>"
            return result
        if result.mode == "graded" or result.correct is None:
            # Say which answer was saved: the student can see that it is the one they meant.
            kind = get_type(self.q.type)
            said = kind.answer_text(self.q, kind.canonical(self.q, answer), lang)
            self.feedback.value = (f"<span class='crmlab-saved'>{label('saved', lang)}</span>"
                                   f"<div class='crmlab-saved-answer'>"
                                   f"{html.escape(label('saved_answer', lang))}: "
                                   f"{html.escape(said)}</div>")
            return result
        if result.correct:
            verdict, colour, css = label("correct", lang), "#1b7f3b", "crmlab-correct"
        elif result.points:
            verdict, colour, css = label("partly", lang), "#a05a00", "crmlab-partly"
        else:
            verdict, colour, css = label("incorrect", lang), "#b00020", "crmlab-incorrect"
        accepted = (f"<div class='crmlab-accept-any'>{label('any_answer', lang)}: "
                    f"{html.escape(result.accepted_any)}</div>" if result.accepted_any else "")
        notes = "".join(f"<div>{html.escape(note)}</div>" for note in result.option_feedback)
        explanation = (f"<div><i>{html.escape(result.explanation)}</i></div>"
                       if result.explanation else "")
        self.feedback.value = (f"<div class='{css}'><b style='color:{colour}'>{verdict}</b> "
                               f"({result.points:g}/{result.max_points:g}){accepted}{notes}"
                               f"{explanation}</div>")
        return result


def _saved_answers(student: str, quiz_id: str) -> dict:
    """``{question_id: answer}`` saved by ``student`` for the quiz; {} when none can be read
    (a damaged file is reported when the next answer is recorded, and never overwritten)."""
    from crmlab.quiz.storage import read_answers

    try:
        entries = read_answers(student, quiz_id)["answers"]
    except QuizError:
        return {}
    return {qid: entry["answer"] for qid, entry in entries.items()
            if isinstance(entry, dict) and "answer" in entry}


class QuizView(StableWidgetRepr):
    """A rendered quiz; ``widget`` is the ipywidgets tree, ``questions`` the question views.

    Answers the student saved earlier (before a kernel restart, say) are named under their
    questions, so the student sees what will be handed in."""

    def __init__(self, quiz: Quiz, *, lang: str | None = None):
        self.quiz = quiz
        self.student = get_id()
        if lang is None:  # the student's language when the quiz has it, else its first
            from crmlab.core.i18n import get_language

            lang = get_language() if get_language() in quiz.languages else quiz.languages[0]
        self.lang = check_choice("lang", lang, quiz.languages, error=QuizError)
        self.saved = _saved_answers(self.student, quiz.id)
        self.header = w.HTML()
        self.body = w.VBox()
        children = [self.header]
        if len(quiz.languages) > 1:
            self.switch = w.ToggleButtons(
                options=[(LANGUAGE_NAMES.get(code, code), code) for code in quiz.languages],
                value=self.lang, description=label("language", self.lang))
            self.switch.observe(lambda change: self.render(change["new"]), names="value")
            children.append(self.switch)
        children.append(self.body)
        self.widget = w.VBox(children)
        self.widget.add_class("crmlab-quiz")
        self.render(self.lang)

    def render(self, lang: str) -> None:
        """Draw every question in ``lang`` (the language switch calls this)."""
        self.lang = lang
        self.header.value = f"<h3>{html.escape(localized(self.quiz.title, lang))}</h3>"
        self.questions = [QuestionView(self.quiz, q, i + 1, lang, self.student,
                                       saved=self.saved.get(q.id))
                          for i, q in enumerate(self.quiz.questions)]
        self.body.children = [view.box for view in self.questions]

    def view(self, question_id: str) -> QuestionView:
        """The view of one question."""
        for view in self.questions:
            if view.q.id == question_id:
                return view
        raise QuizError(f"quiz {self.quiz.id!r}: unknown question {question_id!r}")

    def summary(self) -> str:
        """The fixed text line shown as text/plain (compared by nbval)."""
        modes = [q.mode for q in self.quiz.questions]
        return label("summary", self.lang, quiz=self.quiz.id,
                     title=localized(self.quiz.title, self.lang), questions=len(modes),
                     practice=modes.count("practice"), graded=modes.count("graded"),
                     languages=", ".join(self.quiz.languages))
