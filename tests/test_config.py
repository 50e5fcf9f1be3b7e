"""The course file: validation with FILE:LINE: FIELD: message, the late policy, extensions."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CourseError
from crmlab.exercises.notebook import exercise_id, exercise_notebooks, read_exercise
from crmlab.grading.config import LatePolicy, load_course, validate_course
from crmlab.quiz.loading import quiz_files

ROOT = Path(__file__).resolve().parent.parent
BAKU = ZoneInfo("Asia/Baku")
HEAD = """\
title: T
timezone: Asia/Baku
late_policy: {penalty_per_day: 10, max_penalty: 50, cutoff_days: 7}
assessments:
"""
L00 = '  - {id: L00, kind: quiz, weight: 1, release: "2026-09-14T09:00", ' \
      'deadline: "2026-09-20T23:59"}\n'


def write(tmp_path, text) -> Path:
    path = tmp_path / "course.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_course_file_is_valid_and_lists_every_quiz_and_exercise():
    assert validate_course() == []
    course = load_course()
    quizzes = {a.id for a in course.assessments if a.kind == "quiz"}
    exercises = {a.id for a in course.assessments if a.kind == "exercise"}
    assert quizzes == {p.stem for p in quiz_files()}
    assert exercises == {exercise_id(read_exercise(p)) for p in exercise_notebooks()}
    for item in course.assessments:
        assert item.release < item.deadline, item.id
        assert item.weight > 0
    assert course.assessment("final_test").late_policy.cutoff_days == 0


# (what is wrong, the course file, the problem: "LINE: FIELD: message")
ENTRY_PROBLEMS = [
    ("deadline before the release",
     HEAD + '  - {id: L00, kind: quiz, release: "2026-09-14T09:00", deadline: "2026-09-01T23:59"}\n',
     "5: assessments.L00.deadline: the deadline 2026-09-01T23:59:00+04:00 is before the release "
     "2026-09-14T09:00:00+04:00. No late policy applied."),
    ("a date without a time",
     HEAD + '  - {id: L00, kind: quiz, deadline: "2026-09-20"}\n',
     "5: assessments.L00.deadline: Got deadline='2026-09-20' instead, expected a date and time "
     "such as 2026-09-28T23:59. No late policy applied."),
    ("unknown kind", HEAD + L00 + "  - {id: L01, kind: essay}\n",
     "6: assessments.L01.kind: Got kind='essay' instead, expected one of 'quiz', 'exercise'. "
     "Left out."),
    ("unknown quiz", HEAD + L00 + "  - {id: L99, kind: quiz}\n",
     "6: assessments.L99: no quiz has this id (known: "),
    ("listed twice", HEAD + L00 + L00,
     "6: assessments.L00: listed twice; the second entry is left out"),
    ("negative weight", HEAD + "  - {id: L00, kind: quiz, weight: -2}\n  - {id: L01, kind: quiz}\n",
     "5: assessments.L00.weight: Got weight=-2 instead, expected a finite number >= 0. Left out "
     "of the weighted total."),
    ("unknown field", HEAD + "  - {id: L00, kind: quiz, wieght: 2}\n",
     "5: assessments.L00.wieght: unknown field 'wieght' in assessment (did you mean 'weight'?)"),
    ("bad penalty", HEAD.replace("penalty_per_day: 10", "penalty_per_day: 150") + L00,
     "3: late_policy.penalty_per_day: Got penalty_per_day=150 instead, expected a percent from "
     "0 to 100. No late policy applied."),
    ("extension for an unknown assessment",
     HEAD + L00 + "extensions:\n  - {student: s1, assessment: L01, days: 2}\n",
     "7: extensions[0].assessment: unknown assessment 'L01'. Ignored."),
    ("extension with days and a deadline",
     HEAD + L00 + 'extensions:\n  - {student: s1, assessment: L00, days: 2, '
                  'deadline: "2026-09-30T23:59"}\n',
     "7: extensions[0]: give either days or deadline. Ignored."),
    ("extension of zero days",
     HEAD + L00 + "extensions:\n  - {student: s1, assessment: L00, days: 0}\n",
     "7: extensions[0].days: Got days=0 instead, expected a number of days > 0 and at most 365. "
     "Ignored."),
    ("extension naming a list, not an assessment",
     HEAD + L00 + "extensions:\n  - {student: s1, assessment: [L00], days: 2}\n",
     "7: extensions[0].assessment: Got assessment=['L00'] instead, expected the id of an "
     "assessment of this file. Ignored."),
]


def test_an_exercise_source_with_points_that_are_not_numbers_is_left_out(tmp_path):
    (tmp_path / "exs.ipynb").write_text(
        '{"metadata": {"crmlab": {"kind": "exercise", "id": "EX-x", "points": {"c1": "two"}}},'
        ' "cells": []}')
    path = write(tmp_path, HEAD + L00 + "  - {id: EX-x, kind: exercise, source: exs.ipynb}\n")
    assert validate_course(path) == [
        f"{path}:6: assessments.EX-x.source: {tmp_path / 'exs.ipynb'}: metadata "
        "crmlab.points.c1: Got 'two' instead, expected a number >= 0. Left out."]
    assert [a.id for a in load_course(path).assessments] == ["L00"]


@pytest.mark.parametrize(("case", "text", "problem"), ENTRY_PROBLEMS,
                         ids=[c[0] for c in ENTRY_PROBLEMS])
def test_a_bad_entry_is_one_line_and_the_rest_loads(tmp_path, case, text, problem):
    path = write(tmp_path, text)
    problems = validate_course(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{problem}")
    course = load_course(path)  # the run goes on without the bad entry
    assert course.problems == problems
    assert course.assessment("L00").kind == "quiz"


def test_a_bad_entry_is_neutralised_not_guessed(tmp_path):
    course = load_course(write(tmp_path, ENTRY_PROBLEMS[0][1]))
    assert course.assessment("L00").deadline is None  # no late policy, never a made-up one
    course = load_course(write(tmp_path, ENTRY_PROBLEMS[5][1]))
    assert course.assessment("L00").weight == 0.0
    course = load_course(write(tmp_path, ENTRY_PROBLEMS[7][1]))
    assert course.assessment("L00").late_policy == LatePolicy()


FATAL = [
    ("yaml syntax", HEAD + "  - {id: L00\n", ":6: -: YAML syntax error: "),
    ("not a mapping", "- L00\n", ":1: -: the course file must be a mapping with assessments"),
    ("no assessments", "title: T\n", ":1: assessments: the course file lists no assessments"),
    ("unknown time zone", HEAD.replace("Asia/Baku", "Baku") + L00,
     ":2: timezone: unknown time zone 'Baku' (e.g. Asia/Baku, Europe/Ljubljana, UTC)"),
    ("nothing usable", HEAD + "  - {id: L99, kind: quiz}\n",
     ":4: assessments: no usable assessment (first problem: "),
]


@pytest.mark.parametrize(("case", "text", "message"), FATAL, ids=[c[0] for c in FATAL])
def test_an_unusable_course_file_is_one_line_error(tmp_path, case, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CourseError) as info:
        load_course(path)
    assert str(info.value).startswith(f"{path}{message}")
    assert validate_course(path)[0] == str(info.value)


def test_missing_course_file(tmp_path):
    with pytest.raises(CourseError, match=r"course.yaml:1: -: no such file$"):
        load_course(tmp_path / "course.yaml")


def test_course_validate_command(tmp_path, capsys):
    assert main(["course", "validate"]) == 0
    assert capsys.readouterr().out.endswith("course.yaml: valid\n")
    path = write(tmp_path, ENTRY_PROBLEMS[0][1])
    assert main(["course", "validate", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}:{ENTRY_PROBLEMS[0][2]}\n"


DUE = datetime(2026, 9, 20, 23, 59, tzinfo=BAKU)
POLICY = LatePolicy(penalty_per_day=10, max_penalty=50, cutoff_days=7)


# (received after the deadline, raw, possible) -> (late days, penalty, final, cut off)
@pytest.mark.parametrize(("after", "raw", "expected"), [
    (timedelta(0), 8.0, (0, 0.0, 8.0, False)),                      # on the minute: on time
    (timedelta(seconds=1), 8.0, (1, 1.0, 7.0, False)),               # a day started
    (timedelta(days=1), 8.0, (1, 1.0, 7.0, False)),
    (timedelta(days=1, seconds=1), 8.0, (2, 2.0, 6.0, False)),
    (timedelta(days=6, hours=1), 8.0, (7, 5.0, 3.0, False)),         # capped at 50% of 10
    (timedelta(days=7), 8.0, (7, 5.0, 3.0, False)),                  # the cut-off minute
    (timedelta(days=7, seconds=1), 8.0, (8, 8.0, 0.0, True)),        # past it: 0
    (timedelta(days=3), 2.0, (3, 2.0, 0.0, False)),                  # never below 0
    (-timedelta(days=1), 8.0, (0, 0.0, 8.0, False)),                 # early
])
def test_late_policy(after, raw, expected):
    late = POLICY.apply(raw, possible=10.0, received=DUE + after, deadline=DUE)
    assert (late.late_days, late.penalty, late.final, late.cut_off) == expected


def test_late_policy_without_a_time_or_a_deadline_applies_nothing():
    assert POLICY.apply(4.0, possible=10.0, received=None, deadline=DUE).final == 4.0
    assert POLICY.apply(4.0, possible=10.0, received=DUE, deadline=None).final == 4.0


def test_extensions_move_the_deadline_and_the_cut_off(tmp_path):
    course = load_course(write(tmp_path, HEAD + L00 + textwrap.dedent("""\
        extensions:
          - {student: s1, assessment: L00, days: 3}
          - {student: s2, assessment: L00, deadline: "2026-10-01T12:00"}
        """)))
    assert course.deadline_for("s1", "L00") == DUE + timedelta(days=3)
    assert course.deadline_for("s2", "L00") == datetime(2026, 10, 1, 12, tzinfo=BAKU)
    assert course.deadline_for("s3", "L00") == DUE
    # Keys go out once the last student's cut-off has passed: s2's, 7 days after 10-01 12:00.
    assert course.feedback_opens("L00", ["s1", "s2", "s3"]) == \
        datetime(2026, 10, 8, 12, tzinfo=BAKU)
    assert course.feedback_opens("L00", ["s3"]) == DUE + timedelta(days=7)


def test_times_with_an_offset_keep_it(tmp_path):
    course = load_course(write(tmp_path, HEAD + '  - {id: L00, kind: quiz, deadline: '
                                                '"2026-09-20T20:00:00+00:00"}\n'))
    assert course.assessment("L00").deadline == datetime(2026, 9, 20, 20, tzinfo=timezone.utc)


def test_loading_does_not_change_the_file(tmp_path):
    path = write(tmp_path, HEAD + L00)
    before = path.read_bytes()
    load_course(path)
    assert path.read_bytes() == before


# Times and extensions a gradebook could not hold (issue 29): each a line, never a traceback
# later when the deadline is moved by an extension or a cut-off.
OUT_OF_RANGE = [
    ("deadline in 9999", HEAD + '  - {id: L00, kind: quiz, deadline: "9999-12-31T23:59"}\n'
     "extensions:\n  - {student: s1, assessment: L00, days: 3}\n",
     "5: assessments.L00.deadline: Got deadline='9999-12-31T23:59' instead, expected a time in "
     "the years 1970 to 2999. No late policy applied."),
    ("release before 1970", HEAD + '  - {id: L00, kind: quiz, release: "0001-01-01T00:00", '
     'deadline: "2026-09-20T23:59"}\n',
     "5: assessments.L00.release: Got release='0001-01-01T00:00' instead, expected a time in the "
     "years 1970 to 2999. Release time ignored."),
    ("a date that is not in the calendar", HEAD + '  - {id: L00, kind: quiz, '
     'deadline: "2026-02-30T23:59"}\n',
     "5: assessments.L00.deadline: Got '2026-02-30T23:59' instead, expected a date and time "
     "such as 2026-09-28T23:59. No late policy applied."),
    ("extension of a thousand years", HEAD + L00 +
     "extensions:\n  - {student: s1, assessment: L00, days: 365000}\n",
     "7: extensions[0].days: Got days=365000 instead, expected a number of days > 0 and at most "
     "365. Ignored."),
    ("extension deadline in 9999", HEAD + L00 +
     'extensions:\n  - {student: s1, assessment: L00, deadline: "9999-12-31T23:59"}\n',
     "7: extensions[0].deadline: Got deadline='9999-12-31T23:59' instead, expected a time in the "
     "years 1970 to 2999. Ignored."),
    ("a cut-off of a million days", HEAD.replace("cutoff_days: 7", "cutoff_days: 1000000") + L00,
     "3: late_policy.cutoff_days: Got cutoff_days=1000000 instead, expected a number of days "
     "from 0 to 365, or null for no cut-off. No late policy applied."),
    ("a weight that is not a number", HEAD + L00 + "  - {id: L01, kind: quiz, weight: .nan}\n",
     "6: assessments.L01.weight: Got weight=nan instead, expected a finite number >= 0. Left out "
     "of the weighted total."),
]


@pytest.mark.parametrize(("case", "text", "problem"), OUT_OF_RANGE,
                         ids=[c[0] for c in OUT_OF_RANGE])
def test_times_and_extensions_out_of_range_are_refused(tmp_path, case, text, problem):
    path = write(tmp_path, text)
    assert validate_course(path) == [f"{path}:{problem}"]
    course = load_course(path)
    # Whatever was refused, no deadline of any student overflows.
    for item in course.assessments:
        for student in ("s1", "s2"):
            course.deadline_for(student, item.id)
        course.feedback_opens(item.id, ["s1", "s2"])


def test_every_weight_zero_is_a_problem_since_everyone_would_get_zero(tmp_path, capsys):
    path = write(tmp_path, HEAD + L00.replace("weight: 1", "weight: 0")
                 + "  - {id: L01, kind: quiz, weight: 0}\n")
    expected = (f"{path}:4: assessments: every weight is 0: the weighted total would be 0 for "
                "everyone; give an assessment a weight > 0")
    assert validate_course(path) == [expected]
    assert load_course(path).problems == [expected]  # the gradebook lists it in problems.csv
    assert main(["course", "validate", str(path)]) == 1
    assert capsys.readouterr().out == expected + "\n"


def test_an_unknown_field_is_refused_with_the_exact_message(tmp_path):
    path = write(tmp_path, HEAD.replace("timezone:", "time_zone: UTC\ntimezone:") + L00)
    assert validate_course(path) == [
        f"{path}:2: time_zone: unknown field 'time_zone' in course file (did you mean "
        "'timezone'?)"]


def test_a_time_written_without_quotes_is_read(tmp_path):
    path = write(tmp_path, HEAD + "  - {id: L00, kind: quiz, deadline: 2026-09-20T23:59:00}\n")
    assert validate_course(path) == []
    assert load_course(path).assessment("L00").deadline == DUE
