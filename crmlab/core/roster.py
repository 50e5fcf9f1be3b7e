"""The course roster: one CSV, read the same way by the quiz grader and the exercise grader.

Columns: ``student_id`` (required, unique, each a valid id: :mod:`crmlab.core.ids`, since it
names files and folders) and optionally ``name``, ``email``, ``section``
(added empty when absent, for the LMS layouts of :mod:`crmlab.grading.lms`).
"""

from __future__ import annotations

from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.ids import RULE, is_id
from crmlab.core.tables import read_csv

__all__ = ["read_roster", "OPTIONAL_COLUMNS"]

#: Roster columns read besides student_id when present.
OPTIONAL_COLUMNS = ("name", "email", "section")


def read_roster(path: str | Path):
    """Read a roster CSV with at least a ``student_id`` column (optional: name, email, section).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "roster.csv")
    >>> _ = open(path, "w").write("student_id,name\\ns1,Aysel\\n")
    >>> read_roster(path).columns.tolist()
    ['student_id', 'name', 'email', 'section']
    >>> _ = open(path, "w").write("student_id\\ns1\\n../s2\\n")
    >>> read_roster(path)
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: ...roster.csv:3: student_id: Got '../s2' instead, expected 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..'.
    """
    path = Path(path)
    roster = read_csv(path, what="roster", columns=["student_id"])
    seen: dict = {}
    for line, student in enumerate(roster["student_id"], start=2):
        if not is_id(student):
            raise CrmlabError(f"{path}:{line}: student_id: Got {student!r} instead, expected "
                              f"{RULE}.")
        if student in seen:
            raise CrmlabError(f"{path}:{line}: student_id: {student!r} appears twice (first on "
                              f"line {seen[student]})")
        seen[student] = line
    for column in OPTIONAL_COLUMNS:
        if column not in roster.columns:
            roster[column] = ""
    return roster
