"""HTML the one way: Jinja2 templates with autoescape, never strings glued with escape calls.

:func:`render` renders a template given as text (a question type's inputs for the static site);
:func:`templates` is the environment of a folder of template files (the site's pages). Every
value is escaped unless it is already HTML (a :class:`markupsafe.Markup` a template made), and
``tojson`` writes JSON that is safe inside a ``<script>`` element (``<``, ``>``, ``&`` and
``'`` as ``\\u`` escapes).

Examples
--------
>>> str(render('<label for="{{ id }}">{{ words }}</label>', id="q-1", words='"A" & <B>'))
'<label for="q-1">&#34;A&#34; &amp; &lt;B&gt;</label>'
>>> str(render('<script type="application/json">{{ data | tojson }}</script>',
...            data={"text": "</script>"}))
'<script type="application/json">{"text": "\\\\u003c/script\\\\u003e"}</script>'
"""

from __future__ import annotations

from functools import cache, lru_cache

__all__ = ["render", "templates"]


def _configured(environment):
    # JSON keeps its non-ASCII letters (Azerbaijani texts stay readable) and sorted keys, so the
    # same data gives the same bytes.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return environment


@cache
def _strings():
    import jinja2

    return _configured(jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined))


@lru_cache(maxsize=64)
def _compiled(source: str):
    return _strings().from_string(source)


def render(source: str, /, **values):
    """The template text ``source`` rendered with ``values``, as HTML (a ``Markup``)."""
    from markupsafe import Markup

    return Markup(_compiled(source).render(**values))


@cache
def templates(folder: str):
    """The autoescaping environment of the template files in ``folder`` (a path)."""
    import jinja2

    return _configured(jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True))
