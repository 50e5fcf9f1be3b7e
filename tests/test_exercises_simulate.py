"""``crmlab.exercises.simulate``: a simulated student's work on their assigned notebook."""

from __future__ import annotations

import copy

import pytest

from crmlab.core.exceptions import ExerciseError
from crmlab.exercises.notebook import PLACEHOLDER, find_exercise, read_exercise, student_copy
from crmlab.exercises.simulate import simulate_work


@pytest.fixture(scope="module")
def source():
    return read_exercise(find_exercise("abc_profit_share"))


def test_every_placeholder_gets_the_solution_and_nothing_else_changes(source):
    assigned = student_copy(source)
    before = copy.deepcopy(assigned)
    worked = simulate_work(assigned, source)
    assert assigned == before  # the input is not changed
    code = [c.source for c in worked.cells if c.cell_type == "code"]
    assert not any(PLACEHOLDER.splitlines()[0] in text for text in code)
    assert not any("### BEGIN SOLUTION" in text for text in code)
    by_id = {c.id: c.source for c in source.cells}
    assert [c.id for c in worked.cells] == [c.id for c in assigned.cells]
    for mine, theirs in zip(worked.cells, assigned.cells):
        if theirs.cell_type != "code" or PLACEHOLDER.splitlines()[0] not in theirs.source:
            assert mine.source == theirs.source  # checks, parameters, text untouched
        elif "### BEGIN SOLUTION" not in by_id[mine.id]:
            assert mine.source == by_id[mine.id]  # a whole solution cell


def test_a_cell_the_student_wrote_keeps_their_code(source):
    worked = simulate_work(student_copy(source), source, written={"ex-abc-07": "share_a = 0.5"})
    assert next(c.source for c in worked.cells if c.id == "ex-abc-07") == "share_a = 0.5"
    assert "class_a = set(" in next(c.source for c in worked.cells if c.id == "ex-abc-04")


def test_an_unknown_cell_is_refused(source):
    with pytest.raises(ExerciseError, match=r"^Got cell id 'nope' instead, expected one of "
                                            r"'ex-abc-00', "):
        simulate_work(student_copy(source), source, written={"nope": "x = 1"})
