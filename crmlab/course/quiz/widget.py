"""The quiz widget (ipywidgets 8): one renderer for every quiz.

Options are shuffled in an order of the student's own, derived from a hash of
(student, quiz, question), with pinned options ("all of the above") kept last; answers go
through :func:`crmlab.course.quiz.record` by option id, never by position. The text representation is
a fixed summary, so strict nbval can compare lesson outputs whatever the student or the order.
"""

from __future__ import annotations

import hashlib
import html
import random

import ipywidgets as w

from crmlab._display import StableWidgetRepr
from crmlab.course.quiz.schema import Question, Quiz, text
from crmlab.exceptions import QuizError

LABELS = {
    "en": {"check": "Check", "save": "Save answer", "correct": "Correct", "incorrect": "Not quite",
           "partly": "Partly right", "saved": "Answer saved. It will be graded later.",
           "points": "points", "point": "point", "practice": "practice", "graded": "graded",
           "language": "Language", "choose": "(choose)", "number": "Enter a number",
           "true": "True", "false": "False", "question": "Question",
           "not_number": "Please enter a number, e.g. 12.5"},
    "az": {"check": "Yoxla", "save": "Cavabı saxla", "correct": "Düzdür", "incorrect": "Səhvdir",
           "partly": "Qismən düzdür", "saved": "Cavab saxlanıldı. Sonra qiymətləndiriləcək.",
           "points": "bal", "point": "bal", "practice": "məşq", "graded": "qiymətləndirilən",
           "language": "Dil", "choose": "(seçin)", "number": "Ədəd daxil edin",
           "true": "Doğru", "false": "Yanlış", "question": "Sual",
           "not_number": "Zəhmət olmasa ədəd daxil edin, məs. 12.5"},
}
LANGUAGE_NAMES = {"en": "English", "az": "Azərbaycanca"}


def option_order(items, *, student: str, quiz: str, question: str, shuffle: bool = True):
    """Deterministic order of options for one student; pinned items stay last in their order.

    Examples
    --------
    >>> from crmlab.course.quiz.schema import Option
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


class QuestionView:
    """The widgets of one question."""

    def __init__(self, quiz: Quiz, question: Question, number: int, lang: str, student: str):
        self.quiz, self.q, self.lang = quiz, question, lang
        labels = LABELS.get(lang, LABELS["en"])
        self.labels = labels
        mode = labels[question.mode]
        unit = labels["point"] if question.points == 1 else labels["points"]
        points = f"{question.points:g} {unit}"
        self.prompt = w.HTML(
            f"<b>{labels['question']} {number}.</b> {html.escape(text(question.prompt, lang))} "
            f"<span class='crmlab-badge'>({mode}, {points})</span>")
        self.feedback = w.HTML("")
        self.feedback.add_class("crmlab-feedback")
        kind = "check" if question.mode == "practice" else "save"
        self.button = w.Button(description=labels[kind], button_style="primary")
        self.button.add_class("crmlab-submit")
        self.button.on_click(lambda _: self.submit())
        self.input = self._input(student)
        self.box = w.VBox([self.prompt, self.input, self.button, self.feedback],
                          layout=w.Layout(margin="0 0 14px 0"))
        self.box.add_class("crmlab-question")
        self.box.add_class(f"crmlab-q-{question.id}")
        self.box.add_class(f"crmlab-mode-{question.mode}")

    def _input(self, student: str):
        q, lang, labels = self.q, self.lang, self.labels
        order = dict(student=student, quiz=self.quiz.id, question=q.id, shuffle=q.shuffle)
        if q.type == "single":
            options = option_order(list(q.options), **order)
            widget = w.RadioButtons(options=[(text(o.text, lang), o.id) for o in options],
                                    value=None, layout=w.Layout(width="auto"))
        elif q.type == "truefalse":
            widget = w.RadioButtons(options=[(labels["true"], True), (labels["false"], False)],
                                    value=None)
        elif q.type == "multi":
            self.checks = [(o.id, w.Checkbox(value=False, description=text(o.text, lang),
                                              indent=False, layout=w.Layout(width="auto")))
                           for o in option_order(list(q.options), **order)]
            widget = w.VBox([box for _, box in self.checks])
        elif q.type == "numeric":
            widget = w.Text(placeholder=labels["number"],
                            description=q.unit or "", layout=w.Layout(width="260px"))
        else:
            choices = option_order(list(q.choices), **order)
            self.dropdowns = []
            rows = []
            for pair in option_order(list(q.pairs), **order):
                dropdown = w.Dropdown(
                    options=[(labels["choose"], None)] + [(text(c.text, lang), c.id)
                                                          for c in choices],
                    value=None, layout=w.Layout(width="auto"))
                self.dropdowns.append((pair.id, dropdown))
                rows.append(w.HBox([w.Label(text(pair.left, lang),
                                            layout=w.Layout(width="45%")), dropdown]))
            widget = w.VBox(rows)
        widget.add_class("crmlab-input")
        return widget

    def answer(self):
        q = self.q
        if q.type in ("single", "truefalse"):
            return self.input.value
        if q.type == "multi":
            return [oid for oid, box in self.checks if box.value]
        if q.type == "numeric":
            raw = self.input.value.strip().replace(",", ".")
            return float(raw) if raw else None
        return {pid: dropdown.value for pid, dropdown in self.dropdowns}

    def submit(self):
        from crmlab.course.quiz import record

        labels = self.labels
        try:
            answer = self.answer()
        except ValueError:
            self.feedback.value = f"<span style='color:#a05a00'>{labels['not_number']}</span>"
            return None
        if answer is None:
            self.feedback.value = f"<span style='color:#a05a00'>{labels['choose']}</span>"
            return None
        try:
            result = record(self.quiz.id, self.q.id, answer, lang=self.lang)
        except QuizError as exc:
            self.feedback.value = f"<span style='color:#b00020'>{html.escape(str(exc))}</span>"
            return None
        if result.mode == "graded" or result.correct is None:
            self.feedback.value = f"<span class='crmlab-saved'>{labels['saved']}</span>"
            return result
        if result.correct:
            verdict, colour, css = labels["correct"], "#1b7f3b", "crmlab-correct"
        elif result.points:
            verdict, colour, css = labels["partly"], "#a05a00", "crmlab-partly"
        else:
            verdict, colour, css = labels["incorrect"], "#b00020", "crmlab-incorrect"
        notes = "".join(f"<div>{html.escape(note)}</div>" for note in result.option_feedback)
        explanation = (f"<div><i>{html.escape(result.explanation)}</i></div>"
                       if result.explanation else "")
        self.feedback.value = (f"<div class='{css}'><b style='color:{colour}'>{verdict}</b> "
                               f"({result.points:g}/{result.max_points:g}){notes}{explanation}"
                               "</div>")
        return result


class QuizView(StableWidgetRepr):
    """A rendered quiz; ``widget`` is the ipywidgets tree, ``questions`` the question views."""

    def __init__(self, quiz: Quiz, *, lang: str | None = None):
        from crmlab.course.student import get_id

        self.quiz = quiz
        self.student = get_id()
        self.lang = lang or quiz.languages[0]
        if self.lang not in quiz.languages:
            raise QuizError(f"quiz {quiz.id!r} has no language {self.lang!r}; expected one of "
                            f"{', '.join(quiz.languages)}")
        self.header = w.HTML()
        self.body = w.VBox()
        children = [self.header]
        if len(quiz.languages) > 1:
            self.switch = w.ToggleButtons(
                options=[(LANGUAGE_NAMES.get(code, code), code) for code in quiz.languages],
                value=self.lang, description=LABELS.get(self.lang, LABELS["en"])["language"])
            self.switch.observe(lambda change: self.render(change["new"]), names="value")
            children.append(self.switch)
        children.append(self.body)
        self.widget = w.VBox(children)
        self.widget.add_class("crmlab-quiz")
        self.render(self.lang)

    def render(self, lang: str) -> None:
        self.lang = lang
        self.header.value = f"<h3>{html.escape(text(self.quiz.title, lang))}</h3>"
        self.questions = [QuestionView(self.quiz, q, i + 1, lang, self.student)
                          for i, q in enumerate(self.quiz.questions)]
        self.body.children = [view.box for view in self.questions]

    def view(self, question_id: str) -> QuestionView:
        for view in self.questions:
            if view.q.id == question_id:
                return view
        raise QuizError(f"quiz {self.quiz.id!r}: unknown question {question_id!r}")

    def summary(self) -> str:
        modes = [q.mode for q in self.quiz.questions]
        langs = ", ".join(self.quiz.languages)
        return (f"Quiz {self.quiz.id} · {text(self.quiz.title, 'en')} — {len(modes)} questions "
                f"({modes.count('practice')} practice, {modes.count('graded')} graded; "
                f"languages: {langs}). Answers are saved in your CRMLAB_HOME as you give them.")
