"""Build the static course site (``crmlab site build``, ``make site``): one HTML page per
executed notebook, per edition.

Editions: the English notebooks in ``notebooks/`` become the site's root; every other language
edition (a folder ``notebooks/<lang>/`` holding notebooks, ``<lang>`` one of
:data:`crmlab.core.i18n.LANGUAGES`) becomes ``<out>/<lang>/``, built the same way.

Every page comes from a template, never from HTML patched afterwards: a lesson's page from the
nbconvert template ``site_templates/nbconvert/crmlab_site`` (nbconvert's ``lab`` template with
the site's blocks: the stylesheet with its print style and the scripts, the skip link, the
navigation and the search box, the figures' text alternatives, stable widget ids; the language
attribute is the edition's), the navigation bar, the course map and the quizzes from the Jinja2
templates of ``site_templates/`` (autoescaped). Links between notebooks become links between
pages as the Markdown is rendered (:func:`_site_url`).

The quizzes are forms (:mod:`crmlab.publish.site_quiz`) whose practice questions the page checks
itself (``static/site_quiz.js``, by the rules of :mod:`crmlab.quiz.scoring`); graded
questions carry no key. Other ipywidgets on the pages render offline from the widget state stored
in the committed notebooks: the renderer (``@jupyter-widgets/html-manager``) and RequireJS come
from the npm registry at build time, pinned with all their dependencies by
``site_npm/package-lock.json`` (installed with ``npm ci``), and are served from ``static/``; no
page refers to a CDN. Every page has the navigation, a search box over the lesson text (the index
is built here, ``static/search-<lang>.js``) and a print style. The same input gives
byte-identical output.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crmlab.core.exceptions import CrmlabError
from crmlab.core.i18n import LANGUAGES, message
from crmlab.core.paths import course_dir, notebooks_dir
from crmlab.lessons import list_lessons

__all__ = ["build", "editions", "search_entries", "figure_alt", "NPM_PACKAGES"]

#: The site's npm packages: ``package.json`` and its ``package-lock.json`` (every dependency
#: pinned), shipped in ``crmlab/publish/site_npm``.
_NPM = Path(__file__).with_name("site_npm")
#: Exact versions of the browser-side renderer the site ships (from ``site_npm/package.json``).
NPM_PACKAGES = json.loads((_NPM / "package.json").read_text(encoding="utf-8"))["dependencies"]

_VENDOR_FILES = {
    "embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
    "require.js": "requirejs/require.js",
}
#: The site's own assets, shipped in ``crmlab/publish/site_static``.
_OWN_FILES = ("site.css", "site_quiz.js", "site_search.js", "site_widgets.js")
#: The site's templates: Jinja2 (autoescaped) and, in ``nbconvert/``, the page template.
_TEMPLATES = Path(__file__).with_name("site_templates")

_SHOW = re.compile(r"""quiz\.show\(\s*["']([\w.-]+)["']""")
_WIDGET = "application/vnd.jupyter.widget-view+json"
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _vendor(cache: Path) -> Path:
    """Install the locked npm packages into ``cache`` (``npm ci``, again whenever the lock
    changed) and return its node_modules."""
    modules = cache / "node_modules"
    lock = (_NPM / "package-lock.json").read_bytes()
    installed = cache / "package-lock.json"
    if (installed.is_file() and installed.read_bytes() == lock
            and all((modules / rel).is_file() for rel in _VENDOR_FILES.values())):
        return modules
    if shutil.which("npm") is None:
        raise CrmlabError("npm is needed to fetch the widget renderer for the site; install Node.js")
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(_NPM / name, cache / name)
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(cache)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        installed.unlink(missing_ok=True)  # a half-done install is never taken as done
        last = (result.stderr.strip().splitlines() or ["npm ci failed"])[-1]
        raise CrmlabError(f"npm ci of the widget renderer failed: {last}")
    return modules


def editions(folder: str | Path | None = None) -> list[tuple[str, Path]]:
    """The language editions of the course: ``[(lang, notebooks folder), ...]``, English first.

    Examples
    --------
    >>> editions()[0][0]
    'en'
    """
    folder = Path(folder) if folder else notebooks_dir()
    found = [("en", folder)]
    for lang in LANGUAGES:
        sub = folder / lang
        if lang != "en" and sub.is_dir() and any(sub.glob("*.ipynb")):
            found.append((lang, sub))
    return found


def _templates():
    from crmlab.core.html import templates

    return templates(str(_TEMPLATES))


def _sitebar(lessons, prefix: str, lang: str, langs: list[str], here: str) -> str:
    """The top of every page (skip link, navigation, search box), from ``sitebar.html.j2``."""
    from markupsafe import Markup

    editions = [(other, _edition_href(lang, other, here)) for other in langs if other != lang]
    return Markup(_templates().get_template("sitebar.html.j2").render(
        say=lambda key: message(key, lang=lang), lessons=lessons, here=here,
        editions=editions, prefix=prefix, lang=lang).rstrip("\n"))


def _edition_href(lang: str, other: str, here: str) -> str:
    page = f"{here}.html"
    if lang == "en":
        return f"{other}/{page}"
    return f"../{page}" if other == "en" else f"../{other}/{page}"


def _quiz_outputs(nb, lang: str) -> None:
    """Replace each quiz widget's output by the quiz's form, in ``lang``."""
    from crmlab.publish.site_quiz import quiz_html
    from crmlab.quiz import load

    others = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shown = _SHOW.search(cell.source)
        if not shown:
            others = others or any(_WIDGET in o.get("data", {}) for o in cell.get("outputs", []))
            continue
        quiz = load(shown.group(1))
        use = lang if lang in quiz.languages else quiz.languages[0]
        for output in cell.get("outputs", []):
            if _WIDGET in output.get("data", {}):
                output["data"] = {"text/html": quiz_html(quiz, lang=use)}
    if not others:
        # No widget left to render: the page needs neither the state nor the renderer.
        nb.metadata.pop("widgets", None)


def _text_of(node, lang: str) -> str:
    """The text an argument node stands for: a string literal, or ``message("key")`` read from
    the catalog in ``lang``; "" for anything else."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "message"
            and len(node.args) == 1 and not node.keywords
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        try:
            return message(node.args[0].value, lang=lang)
        except (KeyError, LookupError):
            return ""
    return ""


def figure_alt(source: str, lang: str = "en") -> str:
    """The text alternative of the figure a code cell draws, in ``lang``: its title and what it
    shows.

    The title is the ``title=`` (or ``label=``) the cell passes, a string or a catalog entry
    (``title=message("key")``, read in ``lang``); what the figure shows is the catalog's
    ``site.alt.<function>`` entry of the :mod:`crmlab.plots` function the cell calls.

    Examples
    --------
    >>> figure_alt('ax = abc_curve(ranked, label="Suppliers by share of profit")')
    'Figure: Suppliers by share of profit. Cumulative share curve of an ABC analysis, coloured by class.'
    >>> figure_alt('monthly.plot(title="Revenue by month")')
    'Figure: Revenue by month.'
    >>> figure_alt('s.plot(title=message("plot.orders_by_month.title"))')
    'Figure: Orders by month.'
    >>> figure_alt('pyramid_chart(tiers)', lang="az")
    'Şəkil: Müştəri piramidası: hər pillədə müştəri sayı, ən yuxarı pillə yuxarıda.'
    """
    import ast

    import crmlab.plots as plots

    title, summary = "", ""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in plots.__all__ and name != "plot":
            continue
        for keyword in node.keywords:
            if not title and keyword.arg in ("title", "label"):
                title = _text_of(keyword.value, lang)
        if name in plots.__all__ and not summary:
            summary = message(f"site.alt.{name}", lang=lang)
    parts = [part.rstrip(".") + "." for part in (title, summary) if part]
    if not parts:
        return message("site.figure_default", lang=lang)
    return message("site.figure", lang=lang, text=" ".join(parts))


def _site_url(url: str) -> str:
    """A link to a notebook of the same folder, made a link to its page (``02_x.ipynb#Top`` ->
    ``02_x.html#Top``); any other link as it is.

    Examples
    --------
    >>> _site_url("02_supplier_relationship_types.ipynb#Quiz"), _site_url("https://x.org/a.ipynb")
    ('02_supplier_relationship_types.html#Quiz', 'https://x.org/a.ipynb')
    """
    parts = urlsplit(url)
    name = parts.path
    if parts.scheme or parts.netloc or "/" in name or not name.endswith(".ipynb") \
            or name == ".ipynb":
        return url
    return urlunsplit(parts._replace(path=name[: -len(".ipynb")] + ".html"))


def _exporter_class():
    """nbconvert's HTML exporter whose Markdown links between notebooks point at the pages."""
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class _SiteMarkdown(IPythonRenderer):
        def link(self, text, url, title=None):
            return super().link(text, _site_url(url), title)

    class SiteExporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = _SiteMarkdown(
                escape=False, attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)

    return SiteExporter


def _exporter(lang: str, prefix: str):
    """The page exporter of one edition: the site's nbconvert template in ``lang``, its
    scripts under ``prefix`` (the path back to the site's root)."""
    exporter = _exporter_class()(template_name="crmlab_site",
                                 extra_template_basedirs=[str(_TEMPLATES / "nbconvert")])
    exporter.language_code = lang
    exporter.mathjax_url = ""
    exporter.require_js_url = f"{prefix}static/require.js"
    exporter.widget_renderer_url = f"{prefix}static/embed-amd.js"
    exporter.register_filter("figure_alt", lambda source: figure_alt(source, lang))
    return exporter


def _page(lesson, exporter, sitebar: str, prefix: str, lang: str) -> str:
    import nbformat

    from crmlab.publish.notebooks import student_copy

    nb = nbformat.from_dict(student_copy(nbformat.read(lesson.path, as_version=4)))
    _quiz_outputs(nb, lang)
    numbers = itertools.count(1)
    site = {"prefix": prefix, "sitebar": sitebar,
            "widget_id": lambda: f"crmlab-widget-{next(numbers)}"}
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": lesson.title}, "crmlab": site})
    return body


def _index(lessons, sitebar: str, prefix: str, lang: str) -> str:
    return _templates().get_template("course_map.html.j2").render(
        say=lambda key: message(key, lang=lang), lessons=lessons, sitebar=sitebar,
        prefix=prefix, lang=lang)


class _Text(HTMLParser):
    """The text of the HTML inside a Markdown text, each tag (or comment) a space, entities as
    written (for the search index)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []

    def _gap(self, *args) -> None:
        self.parts.append(" ")

    handle_starttag = handle_endtag = handle_startendtag = handle_comment = _gap
    handle_decl = handle_pi = unknown_decl = _gap

    def handle_data(self, data):
        self.parts.append(data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")


def _untagged(text: str) -> str:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _plain(markdown: str) -> str:
    """The words of a Markdown text: images dropped, links by their words, tags and marks out."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = _untagged(text)
    text = re.sub(r"[*_`>|#]+", " ", text)
    return " ".join(text.split())


def _anchor(title: str) -> str:
    # nbconvert's heading ids: the text with spaces as hyphens.
    return _plain(title).replace(" ", "-")


def search_entries(lesson) -> list[dict]:
    """The lesson's text as search entries, one per heading: ``{page, anchor, title, text}``.

    Examples
    --------
    >>> from crmlab.lessons import list_lessons
    >>> entries = search_entries(list_lessons()[0])
    >>> entries[0]["page"], bool(entries[0]["text"])
    ('00_start_here.html', True)
    """
    from crmlab.publish.notebooks import NAV_START, student_copy

    nb = student_copy(json.loads(lesson.path.read_text(encoding="utf-8")))
    page = f"{lesson.path.stem}.html"
    entries = [{"page": page, "anchor": "", "title": lesson.title, "text": []}]
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or source.lstrip().startswith(NAV_START):
            continue  # the navigation cells are the site's navigation bar
        for line in source.splitlines():
            heading = _HEADING.match(line)
            if heading and len(heading.group(1)) <= 3:
                title = _plain(heading.group(2))
                entries.append({"page": page, "anchor": _anchor(heading.group(2)),
                                "title": f"{lesson.id} · {title}", "text": []})
            else:
                entries[-1]["text"].append(line)
    out = []
    for entry in entries:
        words = _plain("\n".join(entry["text"]))
        if words or entry["anchor"]:
            out.append({**entry, "text": words})
    return out


def _search_index(lessons) -> str:
    entries = [entry for lesson in lessons for entry in search_entries(lesson)]
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "window.crmlabSearchIndex = " + data.replace("</", "<\\/") + ";\n"


def build(out: str | Path, *, cache: str | Path | None = None,
          notebooks: str | Path | None = None) -> list[Path]:
    """Write the site into ``out`` and return the pages written.

    Parameters
    ----------
    out : path
        The output folder (replaced).
    cache : path, optional
        Where the npm packages are installed; default ``build/site-node`` in the course folder.
    notebooks : path, optional
        The folder of the English notebooks (language editions in its subfolders); default
        the course's ``notebooks/``.
    """
    out = Path(out)
    modules = _vendor(Path(cache) if cache else course_dir() / "build" / "site-node")
    if out.exists():
        shutil.rmtree(out)
    (out / "static").mkdir(parents=True)
    for name, rel in _VENDOR_FILES.items():
        shutil.copyfile(modules / rel, out / "static" / name)
    own = resources.files("crmlab.publish").joinpath("site_static")
    for name in _OWN_FILES:
        (out / "static" / name).write_bytes(own.joinpath(name).read_bytes())

    found = editions(notebooks)
    langs = [lang for lang, _ in found]
    pages = []
    for lang, folder in found:
        prefix = "" if lang == "en" else "../"
        target = out if lang == "en" else out / lang
        target.mkdir(exist_ok=True)
        exporter = _exporter(lang, prefix)
        lessons = list_lessons(folder)
        (out / "static" / f"search-{lang}.js").write_text(_search_index(lessons),
                                                          encoding="utf-8")
        index = target / "index.html"
        index.write_text(_index(lessons, _sitebar(lessons, prefix, lang, langs, "index"),
                                prefix, lang), encoding="utf-8")
        pages.append(index)
        for lesson in lessons:
            page = target / f"{lesson.path.stem}.html"
            sitebar = _sitebar(lessons, prefix, lang, langs, lesson.path.stem)
            page.write_text(_page(lesson, exporter, sitebar, prefix, lang), encoding="utf-8")
            pages.append(page)
    return pages
