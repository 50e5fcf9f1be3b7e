"""The cell tags of an exercise notebook, in one place.

An exercise's source (solution) notebook marks its parts with these tags; the student copy,
the assignment and the autograder all read them from here. The last two are set by the tools
the grader drives: papermill tags the cell it injects, nbclient lets a cell tagged
``raises-exception`` fail without stopping the notebook.
"""

from __future__ import annotations

__all__ = ["PARAMETERS", "SOLUTION", "CHECK", "HIDDEN_CHECKS", "INJECTED_PARAMETERS",
           "RAISES_EXCEPTION", "tags_of"]

#: The cell setting ``student_id``, ``seed`` and the exercise's own parameters (papermill's tag).
PARAMETERS = "parameters"
#: A whole cell that is solution code (replaced by a placeholder in the student copy).
SOLUTION = "solution"
#: A visible check (kept in the student copy; its deletion scores 0).
CHECK = "check"
#: The instructor's hidden checks (only in the source; put back at grading).
HIDDEN_CHECKS = "hidden_checks"
#: The cell papermill injects with the parameters.
INJECTED_PARAMETERS = "injected-parameters"
#: A cell allowed to fail without stopping the run (nbclient's tag).
RAISES_EXCEPTION = "raises-exception"


def tags_of(cell) -> list:
    """The tags of a notebook cell (a plain dict or an nbformat node).

    Examples
    --------
    >>> tags_of({"metadata": {"tags": [CHECK]}}), tags_of({"metadata": {}})
    (['check'], [])
    """
    return list(cell.get("metadata", {}).get("tags", []))
