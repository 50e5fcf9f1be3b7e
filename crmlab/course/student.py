"""Who the student is: an id set once, kept in ``CRMLAB_HOME/config.json``.

Examples
--------
>>> import os, tempfile
>>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
>>> get_id()
'anonymous'
>>> set_id("s-1042")
's-1042'
>>> get_id()
's-1042'
>>> set_id("../etc")
Traceback (most recent call last):
...
crmlab.exceptions.CrmlabError: Got student_id='../etc' instead, expected 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..'.
"""

from __future__ import annotations

import json
import re

from crmlab._validation import expected
from crmlab.atomic import write_json
from crmlab.exceptions import CrmlabError
from crmlab.paths import home_dir

__all__ = ["get_id", "set_id", "validate_id", "ANONYMOUS"]

#: The id used before a student sets theirs; nothing can be submitted under it.
ANONYMOUS = "anonymous"
_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")


def validate_id(student_id) -> str:
    """Return ``student_id`` if it is a safe id (no path separators, no ``..``), else raise."""
    if not isinstance(student_id, str) or not _ID.match(student_id) or ".." in student_id:
        raise expected("student_id", student_id, "1 to 64 letters, digits, '-', '_' or '.', "
                       "not starting with '.' and without '..'", error=CrmlabError)
    return student_id


def _config_path():
    return home_dir() / "config.json"


def _config() -> dict:
    path = _config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise CrmlabError(f"{path}: not a valid crmlab configuration file; fix or delete it") \
            from None
    return data if isinstance(data, dict) else {}


def get_id() -> str:
    """Return the student id, or ``'anonymous'`` before one is set."""
    value = _config().get("student_id")
    try:
        return validate_id(value)
    except CrmlabError:
        return ANONYMOUS


def set_id(student_id: str) -> str:
    """Set the student id once for this machine (kept in ``CRMLAB_HOME/config.json``)."""
    validate_id(student_id)
    config = _config()
    config["student_id"] = student_id
    write_json(_config_path(), config)
    return student_id
