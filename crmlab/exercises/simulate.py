"""Simulated students' work on their assigned exercise notebooks (the instructor notebook's
class, and tests): what a student types into the cells marked ``# YOUR CODE HERE``.

An assigned notebook (``crmlab exercises assign``) is the student copy of the source notebook:
the same cells under the same ids, each solution region replaced by a placeholder
(:data:`crmlab.exercises.notebook.PLACEHOLDER`), plus papermill's injected parameters.
:func:`simulate_work` fills every placeholder with the source's own solution, as a student who
solved the exercise would, except the cells for which the caller writes the student's own code
(a mistake, a half-done answer). Nothing else of the notebook changes: its parameters, digests
and checks stay those of the student it was assigned to. The result is not executed: the
grader runs it.
"""

from __future__ import annotations

import copy
import re

from crmlab.core.exceptions import ExerciseError

__all__ = ["simulate_work"]

_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)


def simulate_work(assigned, source, *, written: dict | None = None):
    """The notebook ``assigned`` as a student hands it in after working in it.

    Parameters
    ----------
    assigned : nbformat.NotebookNode
        One student's assigned notebook (``crmlab exercises assign``); never changed.
    source : nbformat.NotebookNode
        The exercise's source (solution) notebook it was made from.
    written : dict, optional
        ``{cell id: code}``: cells whose whole code the student wrote themselves (instead of
        the solution). A cell id the assigned notebook does not have is an ``ExerciseError``.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook: each cell holding a placeholder gets the source cell's code (the
        solution markers left out), each cell of ``written`` its code.

    Examples
    --------
    >>> import nbformat
    >>> from crmlab.exercises.notebook import student_copy
    >>> cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = seed + 1\\n### END SOLUTION\\nx",
    ...                                  id="q1")
    >>> src = nbformat.v4.new_notebook(cells=[cell])
    >>> mine = student_copy(src)
    >>> print(mine.cells[0].source)
    # YOUR CODE HERE
    raise NotImplementedError()
    x
    >>> print(simulate_work(mine, src).cells[0].source)
    x = seed + 1
    x
    >>> print(simulate_work(mine, src, written={"q1": "x = seed"}).cells[0].source)
    x = seed
    >>> simulate_work(mine, src, written={"q9": "x = 0"})
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.ExerciseError: Got cell id 'q9' instead, expected one of 'q1'.
    """
    from crmlab.exercises.notebook import PLACEHOLDER

    written = dict(written or {})
    ids = [cell.get("id") for cell in assigned.cells]
    for cell_id in written:
        if cell_id not in ids:
            raise ExerciseError(f"Got cell id {cell_id!r} instead, expected one of "
                                f"{', '.join(repr(i) for i in ids if i)}.")
    solutions = {cell.get("id"): _MARKER.sub("", cell.source) for cell in source.cells
                 if cell.cell_type == "code"}
    out = copy.deepcopy(assigned)
    first = PLACEHOLDER.splitlines()[0]
    for cell in out.cells:
        if cell.get("id") in written:
            cell.source = written[cell.id]
        elif cell.cell_type == "code" and first in cell.source and cell.get("id") in solutions:
            cell.source = solutions[cell.id]
    return out
