"""crmlab.core.yaml_lines: the one YAML reader refuses what no author means, in one line each,
and the validators that use it (quizzes, course file, curated lists, translations) say so."""

import os
import subprocess
import sys
import textwrap

import pytest

from crmlab.core.exceptions import CrmlabError
from crmlab.core.yaml_lines import (
    MAX_ALIAS_NODES,
    MAX_BYTES,
    MAX_DEPTH,
    Problem,
    parse,
    plain,
    read,
    read_plain,
)
from crmlab.grading.config import validate_course
from crmlab.quiz.schema import validate_file

#: Nine levels of ten aliases each: a few hundred bytes standing for 10**9 values.
LAUGHS = "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]\n" for i in range(1, 10))


@pytest.mark.parametrize(("text", "problem"), [
    ("a: 1\nb: 2\na: 3\n", Problem(3, "a", "duplicate key 'a' (first at line 1)")),
    ("q:\n  - id: x\n    text: A\n    text: B\n",
     Problem(4, "q[0].text", "duplicate key 'text' (first at line 3)")),
    ("a: {x: 1, x: 1}\n", Problem(1, "a.x", "duplicate key 'x' (first at line 1)")),
    ("1: a\n1: b\n", Problem(2, "1", "duplicate key 1 (first at line 1)")),
    ("a: " + "[" * 40 + "]" * 40 + "\n",
     Problem(1, "a[0][0][0]...", f"nested deeper than {MAX_DEPTH} levels")),
    (LAUGHS, Problem(3, "lol2[8]", f"aliases stand for more than {MAX_ALIAS_NODES} values; "
                                   "write the values out")),
    ("a: &a [*a]\n", Problem(1, "a[0]", "alias *a names no anchor defined before it")),
    ("a: *nothing\n", Problem(1, "a", "alias *nothing names no anchor defined before it")),
    ("a: 1\n---\nb: 2\n", Problem(2, "-", "the file holds more than one YAML document")),
    ("? [a, b]\n: 1\n", Problem(1, "-", "a key must be a plain value, not a list or a mapping")),
    ("", Problem(1, "-", "the file is empty")),
    ("# only a comment\n", Problem(1, "-", "the file is empty")),
    ("x: !!python/object:os.system y\n",
     Problem(1, "x", "YAML error: could not determine a constructor for the tag "
                     "'tag:yaml.org,2002:python/object:os.system'")),
], ids=["duplicate key", "duplicate key in a list item", "duplicate key in a flow mapping",
        "duplicate number key", "nesting", "billion laughs", "recursive alias",
        "unknown alias", "two documents", "complex key", "empty", "comment only",
        "python tag"])
def test_what_the_reader_refuses(text, problem):
    assert parse(text) == (None, problem)


def test_a_few_aliases_are_read_as_copies():
    data, problem = parse("a: &t {en: A, az: Ə}\nb: *t\nc: *t\n")
    assert problem is None
    assert plain(data) == {"a": {"en": "A", "az": "Ə"}, "b": {"en": "A", "az": "Ə"},
                           "c": {"en": "A", "az": "Ə"}}
    assert data["b"] is not data["a"]  # no shared value that one change would alter twice


def test_nesting_up_to_the_limit_is_read():
    depth = MAX_DEPTH - 1
    data, problem = parse("a: " + "[" * depth + "1" + "]" * depth + "\n")
    assert problem is None


def test_the_values_and_lines_are_those_of_pyyaml():
    text = "id: L00\nn: 1.5\nflag: yes\nitems:\n  - {id: a}\n  - b\n"
    import yaml

    data, problem = parse(text)
    assert problem is None and plain(data) == yaml.safe_load(text)
    assert data.lines == {"id": 1, "n": 2, "flag": 3, "items": 4}
    assert data["items"].lines == [5, 6] and data["items"][0].line == 5


def test_a_date_is_the_text_written():
    data, _ = parse("due: 2026-09-28T23:59:00\nday: 2026-09-28\n")
    assert plain(data) == {"due": "2026-09-28T23:59:00", "day": "2026-09-28"}


def test_a_file_too_large_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * MAX_BYTES + "\n")
    assert read(path) == (None, Problem(1, "-", f"the file is larger than {MAX_BYTES:,} bytes"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert read(fifo) == (None, Problem(1, "-", "not a regular file"))
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    assert read(zero) == (None, Problem(1, "-", "not a regular file"))


def test_a_course_file_linked_into_place_is_read_and_a_missing_one_said(tmp_path):
    (tmp_path / "real.yaml").write_text("a: 1\n")
    (tmp_path / "course.yaml").symlink_to(tmp_path / "real.yaml")
    assert plain(read(tmp_path / "course.yaml")[0]) == {"a": 1}
    assert read(tmp_path / "gone.yaml") == (
        None, Problem(1, "-", "cannot read the file (No such file or directory)"))
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    assert read(tmp_path / "dangling.yaml") == (
        None, Problem(1, "-", "cannot read the file (No such file or directory)"))


def test_read_plain_raises_the_one_line(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- a\n- {b: 1, b: 2}\n")
    with pytest.raises(CrmlabError) as info:
        read_plain(path, error=CrmlabError)
    assert str(info.value) == f"{path}:3: [2].b: duplicate key 'b' (first at line 3)"


QUIZ = textwrap.dedent("""\
    id: t
    title: T
    questions:
      - id: q1
        type: truefalse
        prompt: P
        answer: true
    """)


@pytest.mark.parametrize(("text", "expected"), [
    (QUIZ + "    prompt: Q\n", "8: questions[0].prompt: duplicate key 'prompt' (first at line 6)"),
    (QUIZ + "    note: " + "[" * 100 + "]" * 100 + "\n",
     f"8: questions[0].note[0]...: nested deeper than {MAX_DEPTH} levels"),
    (LAUGHS, f"3: lol2[8]: aliases stand for more than {MAX_ALIAS_NODES} values; write the "
             "values out"),
], ids=["duplicate key", "deep nesting", "billion laughs"])
def test_quiz_validate_refuses_in_one_line(tmp_path, text, expected):
    path = tmp_path / "t.yaml"
    path.write_text(text)
    assert validate_file(path) == [f"{path}:{expected}"]


def test_course_validate_refuses_a_duplicate_key(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text("title: T\ntimezone: UTC\nassessments:\n"
                    "  - {id: L00, kind: quiz, weight: 1, weight: 0}\n")
    assert validate_course(path) == [
        f"{path}:4: assessments[0].weight: duplicate key 'weight' (first at line 4)"]


def test_billion_laughs_finish_at_once_from_the_command_line(tmp_path):
    """The whole CLI, in a process of its own, so that a reader without the budget fails by
    the timeout instead of hanging the test run."""
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS)
    result = subprocess.run([sys.executable, "-m", "crmlab", "quiz", "validate", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == (f"{path}:3: lol2[8]: aliases stand for more than "
                             f"{MAX_ALIAS_NODES} values; write the values out\n")
