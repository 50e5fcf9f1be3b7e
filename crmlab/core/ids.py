"""The student id: one rule wherever an id is read or becomes part of a name.

The student's own setting, the hub user name, a roster row, a bundle's manifest, a collection
service URL, an exercise submission (``<stem>__<student>.ipynb``), a feedback page: an id is 1 to
64 letters, digits, ``-``, ``_`` or ``.``, not starting with ``.`` and without ``..``, so it is
safe as a file name and in a URL.

Examples
--------
>>> validate_id("s-1042")
's-1042'
>>> is_id("../etc"), is_id(".hidden"), is_id("a" * 65), is_id(42), is_id("s1\\n")
(False, False, False, False, False)
>>> validate_id("../etc")
Traceback (most recent call last):
...
crmlab.core.exceptions.CrmlabError: Got student_id='../etc' instead, expected 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..'.
"""

from __future__ import annotations

import re

from crmlab.core.exceptions import CrmlabError
from crmlab.core.validation import expected

__all__ = ["PATTERN", "ANCHORED", "RULE", "is_id", "validate_id"]

#: The id as a regular expression without anchors (for URL routes); ``..`` is refused apart.
PATTERN = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"
#: The rule in words, as every refusal says it.
RULE = "1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..'"
#: The whole rule as one anchored regular expression (JupyterHub's ``username_pattern``, which
#: JupyterHub applies with ``re.match``): it ends in ``\Z``, since ``$`` also matches before a
#: final newline and ``"s1\n"`` would pass.
ANCHORED = rf"^(?!.*\.\.){PATTERN}\Z"
_ID = re.compile(ANCHORED)


def is_id(value) -> bool:
    """Whether ``value`` is a valid student id."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def validate_id(student_id, *, error=CrmlabError) -> str:
    """Return ``student_id`` if it is a valid id, else raise ``error`` naming it."""
    if not is_id(student_id):
        raise expected("student_id", student_id, RULE, error=error)
    return student_id
