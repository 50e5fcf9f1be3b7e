"""Who the student is: an id set once, kept in ``CRMLAB_HOME/config.json``.

Inside a server spawned by JupyterHub (``JUPYTERHUB_USER`` set together with the hub's API
variables) the id is the hub user name: the hub authenticated it, so it cannot be changed here.

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
crmlab.core.exceptions.CrmlabError: Got student_id='../etc' instead, expected 1 to 64 letters, digits, '-', '_' or '.', not starting with '.' and without '..'.
"""

from __future__ import annotations

import json
import os
import re

from crmlab.core.atomic import write_json
from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import home_dir
from crmlab.core.validation import expected

__all__ = ["get_id", "set_id", "validate_id", "hub_user", "ANONYMOUS"]

#: The id used before a student sets theirs; nothing can be submitted under it.
ANONYMOUS = "anonymous"
_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")


def validate_id(student_id) -> str:
    """Return ``student_id`` if it is a safe id (no path separators, no ``..``), else raise."""
    if not isinstance(student_id, str) or not _ID.match(student_id) or ".." in student_id:
        raise expected("student_id", student_id, "1 to 64 letters, digits, '-', '_' or '.', "
                       "not starting with '.' and without '..'", error=CrmlabError)
    return student_id


def hub_user() -> str | None:
    """The hub user name inside a JupyterHub-spawned server, else ``None``.

    A server counts as hub-spawned when ``JUPYTERHUB_USER`` is set together with
    ``JUPYTERHUB_API_URL`` and ``JUPYTERHUB_API_TOKEN`` (JupyterHub sets all three); a stray
    ``JUPYTERHUB_USER`` alone changes nothing.

    Examples
    --------
    >>> hub_user() is None or isinstance(hub_user(), str)
    True
    """
    name = os.environ.get("JUPYTERHUB_USER")
    if not name or not os.environ.get("JUPYTERHUB_API_URL") \
            or not os.environ.get("JUPYTERHUB_API_TOKEN"):
        return None
    try:
        return validate_id(name)
    except CrmlabError:
        raise CrmlabError(f"JupyterHub user name {name!r} cannot be a crmlab student id (1 to 64 "
                          "letters, digits, '-', '_' or '.'); ask the instructor to set "
                          "Authenticator.username_pattern") from None


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
    """Return the student id: the hub user name inside JupyterHub, else the id set with
    :func:`set_id`, or ``'anonymous'`` before one is set."""
    name = hub_user()
    if name is not None:
        return name
    value = _config().get("student_id")
    try:
        return validate_id(value)
    except CrmlabError:
        return ANONYMOUS


def set_id(student_id: str) -> str:
    """Set the student id once for this machine (kept in ``CRMLAB_HOME/config.json``).

    Inside JupyterHub the id is the hub user name and this raises ``CrmlabError``.
    """
    name = hub_user()
    if name is not None:
        raise CrmlabError(f"On JupyterHub your student id is your hub user name {name!r}; "
                          "it cannot be changed here")
    validate_id(student_id)
    config = _config()
    config["student_id"] = student_id
    write_json(_config_path(), config)
    return student_id
