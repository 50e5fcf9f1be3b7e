"""The student's language: one message catalog for every string crmlab shows a student.

The catalog is one YAML file per language in ``crmlab/data/messages/<lang>.yaml``, a flat
mapping of dotted keys (``quiz.check``, ``plot.clv.title``) to text with ``{field}`` placeholders.
:func:`message` looks a key up in the current language; English is the source and every shipped
language holds every key (a test checks it), so a third language is one more file.

The current language, first match wins:

1. :func:`set_language` called in this process;
2. the ``CRMLAB_LANG`` environment variable;
3. the student's setting, kept in ``CRMLAB_HOME/config.json`` (``crmlab student language az``);
4. English.

Examples
--------
>>> message("quiz.check", lang="az")
'Yoxla'
>>> message("quiz.check", lang="en")
'Check'
>>> set_language("xx")
Traceback (most recent call last):
...
crmlab.exceptions.CrmlabError: Got language='xx' instead, expected one of en, az.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources

from crmlab.exceptions import CrmlabError

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "set_language", "get_language", "message",
           "catalog", "check_language"]

#: The languages crmlab ships, the source language first.
LANGUAGES = ("en", "az")
#: The name of each language in itself, for a language switch.
LANGUAGE_NAMES = {"en": "English", "az": "Azərbaycanca"}

_current: str | None = None


def check_language(lang) -> str:
    """Return ``lang`` if crmlab ships it, else raise a one-line error."""
    if lang not in LANGUAGES:
        from crmlab._validation import expected

        raise expected("language", lang, f"one of {', '.join(LANGUAGES)}", error=CrmlabError)
    return lang


def set_language(lang: str | None) -> str:
    """Use ``lang`` for everything crmlab shows from now on in this process.

    ``None`` forgets the call, so the environment and the student's setting apply again.
    Returns the language now in effect.
    """
    global _current
    _current = None if lang is None else check_language(lang)
    return get_language()


def _configured() -> str | None:
    from crmlab.paths import home_dir

    try:
        data = json.loads((home_dir() / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in LANGUAGES else None


def get_language() -> str:
    """The language in effect (see the module docstring for the order)."""
    if _current is not None:
        return _current
    env = os.environ.get("CRMLAB_LANG")
    if env:
        return check_language(env)
    return _configured() or "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of ``lang``: ``{key: text}``."""
    import yaml

    text = resources.files("crmlab").joinpath(f"data/messages/{check_language(lang)}.yaml")
    return yaml.safe_load(text.read_text(encoding="utf-8")) or {}


def message(key: str, lang: str | None = None, **fields) -> str:
    """The text of catalog entry ``key`` in ``lang`` (default: :func:`get_language`), formatted
    with ``fields``; an entry a language lacks falls back to English."""
    lang = lang or get_language()
    entries = catalog(lang)
    text = entries.get(key)
    if text is None:
        text = catalog("en")[key]
    return text.format(**fields) if fields else text
