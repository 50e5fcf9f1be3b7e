"""crmlab.grading.files: the grading folders' files and columns, declared once; the writers
write exactly these columns and the readers ask for them."""

import pandas as pd
import pytest

from crmlab.core.validation import PROBLEM_COLUMNS
from crmlab.grading import files
from crmlab.grading.gradebook import course_gradebook, write_gradebook


def _header(path) -> list:
    return list(pd.read_csv(path, nrows=0).columns)


def test_the_quiz_grader_writes_the_declared_columns(inputs):
    folder = inputs["quizzes"]
    assert _header(folder / files.RESPONSES) == files.RESPONSE_COLUMNS
    assert _header(folder / files.SUBMISSIONS) == files.SUBMISSION_COLUMNS
    assert _header(folder / files.ITEM_ANALYSIS) == files.ITEM_ANALYSIS_COLUMNS
    assert _header(folder / files.STRATEGIES) == files.STRATEGY_COLUMNS
    assert _header(folder / files.PROBLEMS) == PROBLEM_COLUMNS
    assert _header(folder / files.CHANGES) == files.CHANGE_COLUMNS
    assert (folder / files.RUNS).is_dir() and (folder / files.GRADEBOOK).is_file()


def test_the_course_gradebook_writes_the_same_problems_layout(inputs, tmp_path):
    book = course_gradebook(course=inputs["course"], quizzes=inputs["quizzes"],
                            exercises=inputs["exercises"], receipts=inputs["receipts"],
                            roster=inputs["roster"])
    write_gradebook(book, tmp_path / "book")
    assert _header(tmp_path / "book" / files.PROBLEMS) == PROBLEM_COLUMNS
    assert _header(tmp_path / "book" / files.ASSESSMENTS) == files.ASSESSMENT_COLUMNS
    assert list(book.problems.columns) == PROBLEM_COLUMNS


@pytest.mark.parametrize("columns", [
    ["student_id", "total", "reason"],  # no exercise
    ["student_id", "EX-a", "EX-b", "total", "reason"],  # two
])
def test_a_details_file_names_exactly_one_exercise(columns):
    with pytest.raises(ValueError, match="expected student_id, the exercise id, total"):
        files.details_exercise(columns)
