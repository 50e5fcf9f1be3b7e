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

import os

from crmlab.core import settings
from crmlab.core.exceptions import CrmlabError
from crmlab.core.ids import RULE, validate_id

__all__ = ["get_id", "set_id", "set_token", "validate_id", "hub_user", "ANONYMOUS"]

#: The id used before a student sets theirs; nothing can be submitted under it.
ANONYMOUS = "anonymous"


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
        raise CrmlabError(f"JupyterHub user name {name!r} cannot be a crmlab student id ({RULE}); "
                          "ask the instructor to set Authenticator.username_pattern") from None


def get_id() -> str:
    """Return the student id: the hub user name inside JupyterHub, else the id set with
    :func:`set_id`, or ``'anonymous'`` before one is set."""
    name = hub_user()
    if name is not None:
        return name
    value = settings.read().get("student_id")
    try:
        return validate_id(value)
    except CrmlabError:
        return ANONYMOUS


def set_id(student_id: str, *, replace: bool = False) -> str:
    """Set the student id once for this machine (kept in ``CRMLAB_HOME/config.json``).

    Answers given before any id was set (as ``anonymous``) become the new id's. Changing an id
    that has saved answers is refused (``CrmlabError`` saying which) unless ``replace=True``:
    the earlier id's answers then stay saved under it, and are not handed in with the new
    id's. Inside JupyterHub the id is the hub user name and this raises ``CrmlabError``.
    """
    from crmlab.core.i18n import message
    from crmlab.quiz.storage import adopt_answers, answers_dir, saved_quizzes

    name = hub_user()
    if name is not None:
        raise CrmlabError(f"On JupyterHub your student id is your hub user name {name!r}; "
                          "it cannot be changed here")
    new = validate_id(student_id)
    old = get_id()
    if old not in (ANONYMOUS, new) and saved_quizzes(old) and not replace:
        raise CrmlabError(message("cli.student.switch_refused", old=old, new=new,
                                  quizzes=", ".join(saved_quizzes(old)),
                                  folder=str(answers_dir(old))))
    if old == ANONYMOUS:
        adopt_answers(ANONYMOUS, new)
    settings.update(student_id=new)
    return new


def set_token(token: str):
    """Keep the data variant token the instructor gave (``crmlab student set ID --token``,
    or ``crmlab student token TOKEN``): the graded numbers of the quizzes are then computed on
    the student's own variant (:func:`crmlab.datasets.variant`). Return that variant.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> set_token("0123456789abcdef").label
    'your own variant (6b48e261a69d)'
    """
    from crmlab.datasets import Variant

    mine = Variant(token)
    settings.update(variant_token=mine.token)
    return mine
