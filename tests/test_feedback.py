"""Feedback pages: one student's data only, keys only after everyone's last chance to submit,
every text escaped, every word from the one message catalog, nothing loaded from anywhere."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from _course_inputs import write_exercise_grades

from crmlab.cli import main
from crmlab.grading.gradebook import course_gradebook
from crmlab.grading.results import CheckResult, JobResult, Reason
from crmlab.publish import feedback
from crmlab.publish.feedback import MESSAGES, message, student_page, write_feedback

ROOT = Path(__file__).resolve().parent.parent
LATE = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _text(page: str) -> str:
    """What a reader sees: the page without its style and tags, entities decoded, one space
    between words."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def book(inputs):
    return course_gradebook(**inputs)


def test_a_page_holds_its_student_only(book):
    pages = {s: student_page(book, s, now=LATE) for s in book.students}
    for who, page in pages.items():
        assert f"Feedback for {who}" in page
        for other in book.students:
            if other != who:
                assert other not in page, (who, other)
        assert "Aysel" not in page and "@uni.az" not in page  # nor the roster's data


def test_the_page_shows_answers_points_keys_and_the_penalty(book):
    page = student_page(book, "s1", now=LATE)
    assert "Weighted total: 62.5%" in page
    assert "1 day(s) late" not in page and "2 day(s) late: 1 point(s) deducted from 2." in page
    assert page.count("Key: True") == 1 and page.count("Key: False") == 1
    assert "fx-square" in page and "passed" in page
    missing = student_page(book, "s2", now=LATE)
    assert "Nothing was submitted for this assessment: 0 points." in missing


def test_keys_wait_for_the_last_chance_to_submit(book):
    # Q: deadline 10-01 12:00 UTC, cut-off 3 days later.
    early = _text(student_page(book, "s1", now=datetime(2026, 10, 4, 11, tzinfo=timezone.utc)))
    assert "Key:" not in early
    assert "Details open 2026-10-04 12:00 (UTC), when every student's time to submit has " \
           "passed." in early
    assert "Key:" in student_page(book, "s1", now=datetime(2026, 10, 4, 12, 1,
                                                          tzinfo=timezone.utc))


def test_every_text_is_escaped(book):
    book.quizzes["Q"] = book.quizzes["Q"].__class__(
        **{**book.quizzes["Q"].__dict__, "title": "<img src=https://example.org/x.png>"})
    page = student_page(book, "s1", now=LATE)
    assert "<img" not in page and "&lt;img src=https://example.org/x.png&gt;" in page
    assert not re.search(r"<[^>]*\s(src|href)\s*=", page)
    assert "default-src 'none'" in page


TEMPLATES = sorted(feedback.TEMPLATES.glob("*.j2"))


def test_every_page_word_comes_from_the_catalog():
    source = Path(feedback.__file__).read_text(encoding="utf-8")
    templates = "".join(path.read_text(encoding="utf-8") for path in TEMPLATES)
    used = {key for key in re.findall(r"""(?:message|\bt)\(\s*f?["']([a-z_ ]+)""",
                                      source + templates)
            if not key.endswith("_")}  # f"source_{...}", "mode_" ~ ...: listed below
    used |= set(re.findall(r'"([a-z_]+)"', " ".join(re.findall(
        r"for key in \(([^)]*)\)", templates))))  # the table headers' keys
    used |= {"source_receipt", "source_file time", "mode_practice", "mode_graded"}
    assert {"assessment", "verdict", "check", "title"} <= used
    assert used <= set(MESSAGES["en"]), used - set(MESSAGES["en"])
    # No word is written into a template: between its tags and expressions there is only
    # punctuation (every word is t(...) from the catalog, or the student's data).
    for path in TEMPLATES:
        text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", path.read_text(), flags=re.S)
        text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S)
        assert re.findall(r"[A-Za-z]{2,}", text) == [], path.name


def test_the_catalog_translates_the_page_and_a_language_without_one_falls_back_to_english():
    assert message("key", "az") == "Düzgün cavab"
    assert message("key", "sl") == MESSAGES["en"]["key"] == "Key"
    assert set(MESSAGES["az"]) == set(MESSAGES["en"])
    assert message("out_of", points="1", possible="2") == "1 of 2"


def test_write_feedback_pages_and_zips(book, tmp_path):
    files = write_feedback(book, tmp_path / "fb", now=LATE, zip=True)
    assert sorted(p.name for p in files) == ["s1.html", "s1.zip", "s2.html", "s2.zip",
                                             "s3.html", "s3.zip"]


def test_an_unsafe_student_id_gets_no_page(book, tmp_path):
    book.students = ["s1", "../s2"]
    files = write_feedback(book, tmp_path / "fb", now=LATE)
    assert [p.name for p in files] == ["s1.html"]
    assert book.problems.iloc[-1]["reason"] == ("student id is not safe as a file name: no "
                                                "page written")


def test_feedback_command(inputs, tmp_path, capsys):
    args = ["feedback", "--out", str(tmp_path / "fb"), "--quizzes", str(inputs["quizzes"]),
            "--course", str(inputs["course"]), "--roster", str(inputs["roster"])]
    assert main(args) == 0
    assert capsys.readouterr().out == f"wrote 3 feedback page(s) to {tmp_path / 'fb'}\n"


def test_a_time_source_the_catalog_does_not_know_is_shown_as_it_is():
    from crmlab.publish.feedback import _source

    assert _source("receipt", "en") == "receipt"
    assert _source("file time", "az") != "file time"
    assert _source("handed in on paper", "en") == "handed in on paper"


@pytest.mark.parametrize(("result", "en", "az"), [
    (JobResult("s1", checks=(CheckResult("fx-double", "passed"),
                             CheckResult("fx-square", "missing")),
               notes=(Reason("memory_error", cell=4, megabytes=1536),)),
     ["your result matches the expected value",
      "no value to check: the variable the check reads is not defined (or is None)",
      "Grader's note: cell 4: MemoryError (memory limit 1536 MB)"],
     ["nəticəniz gözlənilən qiymətlə üst-üstə düşür",
      "yoxlanacaq qiymət yoxdur: yoxlamanın oxuduğu dəyişən təyin edilməyib (və ya None-dur)",
      "Qiymətləndiricinin qeydi: xana 4: MemoryError (yaddaş həddi 1536 MB)"]),
    (JobResult.ended("s1", Reason("cell_timeout", seconds=60)),
     ["timed out: a cell ran longer than 60 s"],
     ["vaxt bitdi: xana 60 saniyədən uzun işlədi"]),
])
def test_an_exercise_reason_is_rendered_in_the_pages_language(inputs, result, en, az):
    write_exercise_grades(inputs["exercises"][0], [result])
    book = course_gradebook(**inputs)
    english, azerbaijani = (student_page(book, "s1", now=LATE, lang=lang) for lang in ("en", "az"))
    english, azerbaijani = _text(english), _text(azerbaijani)
    for text in en:
        assert text in english and text not in azerbaijani
    for text in az:
        assert text in azerbaijani


#: Words of the English catalog an Azerbaijani text may use too: names, code and loanwords
#: (``test``: Azerbaijani's word for a quiz, ``column.quiz``; ``hub``: the course hub, as the
#: Azerbaijani catalog writes it).
SHARED = {"abc", "crm", "crmlab", "csat", "csv", "curry", "customerview", "disk", "hub",
          "jupyterhub", "jupyterlab", "kernel", "kraljic", "median", "memoryerror", "nbd", "none",
          "notimplementederror", "nps", "problem", "rfm", "risk", "sha", "sys", "exit", "test",
          "url", "zip"}


def _words(text: str) -> set:
    """The words of ``text`` (three letters or more, any script), lower case."""
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}


def _english_words() -> set:
    """Every word of the English catalog but the names and code Azerbaijani shares."""
    from crmlab.core.i18n import catalog

    return set().union(*(_words(re.sub(r"\{[^}]*\}", " ", text))
                         for text in catalog("en").values())) - SHARED


def test_an_azerbaijani_page_carries_no_english(inputs):
    """Issue 25 §5: every word of an Azerbaijani page is Azerbaijani, reasons and statuses
    included; only the data (ids, names, the course's title, times) stays as it is."""
    with open(inputs["receipts"], "a") as handle:  # s1's exercise after the cut-off
        handle.write("late.ipynb,,s1,EX-fixture,2026-10-09T12:00:00+00:00\n")
    write_exercise_grades(inputs["exercises"][0], [
        JobResult("s1", checks=(CheckResult("fx-double", "wrong"),
                                CheckResult("fx-square", "missing")),
                  notes=(Reason("memory_error", cell=4, megabytes=1536),
                         Reason("process_limit", cell=5, processes=48))),
        JobResult.ended("s2", Reason("cell_timeout", seconds=60)),
        JobResult.ended("s3", Reason("kernel_not_started", seconds=180, detail="OSError",
                                     attempts=2))])
    book = course_gradebook(**inputs)
    data = {book.course.title, "OSError", "MemoryError"}
    english = _english_words()
    assert {"passed", "late", "grader", "timed", "submitted", "key"} <= english
    seen = set()
    for now in (LATE, datetime(2026, 10, 4, 11, tzinfo=timezone.utc)):
        for student in book.students:
            # a command to type (<code>) stays as it is, placeholders aside
            page = student_page(book, student, now=now, lang="az")
            commands = " ".join(re.findall(r"<code>(.*?)</code>", page, flags=re.S))
            assert "crmlab regrades request" not in commands or "səbəbiniz" in commands
            text = _text(re.sub(r"<code>.*?</code>", " ", page, flags=re.S))
            for value in data:
                text = text.replace(value, " ")
            found = _words(text) & english
            assert found == set(), (student, now, sorted(found))
            seen.add(text)
    shown = " ".join(seen)
    for expected in ("son həddən sonra", "gecikmiş", "təqdim edilməyib", "keçmədi",
                     "vaxt bitdi: xana 60 saniyədən uzun işlədi",
                     "nəticəniz gözlənilən qiymətlə üst-üstə düşmür",
                     "yoxlanacaq qiymət yoxdur", "xana 5: proses həddinə (48) çatıldı",
                     "Təfərrüatlar 2026-10-08 12:00 (UTC) açılır"):
        assert expected in shown, expected


def test_a_hand_override_shows_its_points_and_reason_and_how_to_ask_for_a_regrade(inputs):
    """Review fix: the page showed the machine's points of an overridden check, without the
    reason, and nothing said how to ask for a regrade."""
    from crmlab.grading.overrides import Overrides

    folder = inputs["exercises"][0]
    write_exercise_grades(folder, [JobResult("s1", checks=(CheckResult("fx-double", "passed"),
                                                           CheckResult("fx-square", "wrong")))])
    Overrides().set("s1", "fx-square", "1,5", "Right idea, <one> slip.",
                    possible={"fx-double": 1, "fx-square": 2})[0].write(folder)
    book = course_gradebook(**inputs)
    english, azerbaijani = (student_page(book, "s1", now=LATE, lang=lang) for lang in ("en", "az"))
    assert ("<td>fx-square</td><td>not passed</td><td class=\"num\">1.5 of 2</td>"
            in english)
    assert "Points set by hand by your instructor: Right idea, &lt;one&gt; slip." in english
    assert "<td>fx-double</td><td>passed</td><td class=\"num\">1 of 1</td>" in english
    assert "Points set by hand" not in english.split("fx-double", 1)[1].split("</tr>")[0]
    assert "Bal müəlliminiz tərəfindən əl ilə təyin edilib: Right idea, &lt;one&gt; slip." \
        in azerbaijani
    assert ('<pre><code>crmlab regrades request exercise EX-fixture CHECK_ID --reason '
            '&#34;your reason&#34;</code></pre>') in english
    assert ('<pre><code>crmlab regrades request quiz Q QUESTION_ID --reason '
            '&#34;your reason&#34;</code></pre>') in english
    assert "<b>Question 1</b> <code>a</code>" in english  # the id the request needs
    assert ("crmlab regrades request exercise EX-fixture YOXLAMA_ID --reason "
            "&#34;səbəbiniz&#34;") in azerbaijani
    assert _text(english).count("this command shows your requests and the answers: "
                                "crmlab regrades mine") == 2
    assert "Weighted total:" in english
    missing = student_page(book, "s2", now=LATE)  # nothing to look at again: no command
    assert "crmlab regrades request exercise" not in missing
