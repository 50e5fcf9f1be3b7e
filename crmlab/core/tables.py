"""The instructor's CSV files (the roster, item weights): read as text, their columns checked.

Every cell is read as a string (an id like ``007`` stays ``007``; an empty cell stays ``""``);
a file that cannot be read or lacks a column is a one-line error naming it.
"""

from __future__ import annotations

from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.validation import check_columns

__all__ = ["read_csv"]


def read_csv(path: str | Path, *, what: str, columns):
    """Read the CSV file ``path`` (a ``what``, e.g. "roster") holding at least ``columns``.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "roster.csv")
    >>> _ = open(path, "w").write("student_id\\n007\\n")
    >>> read_csv(path, what="roster", columns=["student_id"])["student_id"].tolist()
    ['007']
    >>> read_csv(path, what="weights file", columns=["weight"])
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.CrmlabError: Got the weights file ...roster.csv without the column 'weight' instead, expected the columns 'weight'.
    """
    import pandas as pd

    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CrmlabError(f"{path}: cannot read the {what} ({' '.join(str(exc).split())})") \
            from None
    check_columns(frame, columns, table=f"the {what} {path}", error=CrmlabError)
    return frame
