"""The student's settings file (``CRMLAB_HOME/config.json``): one reader, one writer.

It holds what a student sets once on a machine: ``student_id`` (:mod:`crmlab.student`) and
``language`` (:mod:`crmlab.core.i18n`). A write keeps every other setting and is atomic; a file
that is not a JSON object is an error naming it (never silently overwritten).

Examples
--------
>>> import os, tempfile
>>> home = os.environ.get("CRMLAB_HOME")
>>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
>>> read()
{}
>>> update(language="az")["language"], update(student_id="s1")
('az', {'language': 'az', 'student_id': 's1'})
>>> os.environ["CRMLAB_HOME"] = home  # the session's home again (its language is not az)
"""

from __future__ import annotations

import json

from crmlab.core.atomic import write_json
from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import settings_file

__all__ = ["read", "update"]


def read() -> dict:
    """Every setting (``{}`` before the first one); an unreadable file raises ``CrmlabError``."""
    path = settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise CrmlabError(f"{path}: not a valid crmlab configuration file; fix or delete it") \
            from None
    return data if isinstance(data, dict) else {}


def update(**settings) -> dict:
    """Set ``settings``, keep the others, write the file atomically; return them all."""
    data = {**read(), **settings}
    write_json(settings_file(), data)
    return data
