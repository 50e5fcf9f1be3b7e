"""Gradebook layouts for learning management systems, used by both graders.

A gradebook is ``student_id``, one column per graded item (a quiz, an exercise) and ``total``.
:func:`layout` writes it as it is (``plain``), as a Canvas gradebook import (``canvas``: student
columns, a "Points Possible" row, a ``<Kind> <item>`` column per item) or as a Moodle grade
import (``moodle``: ID number, email, ``<Kind>: <item> (Real)``).
"""

from __future__ import annotations

from crmlab.core.exceptions import CrmlabError
from crmlab.core.validation import check_choice

__all__ = ["layout", "FORMATS"]

#: The gradebook layouts: plain CSV, Canvas import, Moodle import.
FORMATS = ("plain", "canvas", "moodle")


def layout(gradebook, *, possible: dict, roster=None, format: str = "plain",
           kind: str | dict = "Quiz"):
    """The gradebook in the layout of ``format``.

    Parameters
    ----------
    gradebook : DataFrame
        ``student_id``, one column per item of ``possible``, ``total``.
    possible : dict
        ``{item: points possible}``, in column order.
    roster : DataFrame, optional
        From :func:`crmlab.core.roster.read_roster` (names, emails, sections).
    format : {"plain", "canvas", "moodle"}
    kind : str or dict
        What an item is, in the LMS column names ("Quiz", "Exercise"); a mapping
        ``{item: kind}`` for a gradebook mixing kinds (the course gradebook).

    Examples
    --------
    >>> import pandas as pd
    >>> book = pd.DataFrame({"student_id": ["s1"], "L00": [5.0], "total": [5.0]})
    >>> layout(book, possible={"L00": 7.0}, format="moodle").columns.tolist()
    ['ID number', 'Email address', 'Quiz: L00 (Real)']
    """
    import pandas as pd

    check_choice("format", format, FORMATS, error=CrmlabError)
    if format == "plain":
        return gradebook
    kinds = {item: kind.get(item, "Quiz") if isinstance(kind, dict) else kind
             for item in possible}
    info = (roster.set_index("student_id") if roster is not None
            else pd.DataFrame(columns=["name", "email", "section"]))
    lookup = info.reindex(gradebook["student_id"]).fillna("")
    if format == "canvas":
        frame = pd.DataFrame({
            "Student": lookup["name"].to_numpy(), "ID": "",
            "SIS User ID": gradebook["student_id"].to_numpy(),
            "SIS Login ID": lookup["email"].to_numpy(), "Section": lookup["section"].to_numpy()})
        for item in possible:
            frame[f"{kinds[item]} {item}"] = gradebook[item].to_numpy()
        points_row = {"Student": "    Points Possible", "ID": "", "SIS User ID": "",
                      "SIS Login ID": "", "Section": "",
                      **{f"{kinds[item]} {item}": value for item, value in possible.items()}}
        return pd.concat([pd.DataFrame([points_row]), frame], ignore_index=True)
    frame = pd.DataFrame({"ID number": gradebook["student_id"].to_numpy(),
                          "Email address": lookup["email"].to_numpy()})
    for item in possible:
        frame[f"{kinds[item]}: {item} (Real)"] = gradebook[item].to_numpy()
    return frame
