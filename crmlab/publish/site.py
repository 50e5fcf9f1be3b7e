"""Build the static course site (``crmlab site build``, ``make site``): one HTML page per
executed notebook, per edition.

Editions: the English notebooks in ``notebooks/`` become the site's root; every other language
edition (a folder ``notebooks/<lang>/`` holding notebooks, ``<lang>`` one of
:data:`crmlab.core.i18n.LANGUAGES`) becomes ``<out>/<lang>/``, built the same way.

The quizzes are forms (:mod:`crmlab.publish.site_quiz`) whose practice questions the page checks
itself (``static/site_quiz.js``, by the rules of :mod:`crmlab.quiz.scoring`); graded
questions carry no key. Other ipywidgets on the pages render offline from the widget state stored
in the committed notebooks: the renderer (``@jupyter-widgets/html-manager``) and RequireJS come
from the npm registry at build time, pinned below, and are served from ``static/``; no page refers
to a CDN. Every page has the navigation, a search box over the lesson text (the index is built
here, ``static/search-<lang>.js``) and a print style. The same input gives byte-identical output.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from crmlab.core.exceptions import CrmlabError
from crmlab.core.i18n import LANGUAGES, message
from crmlab.core.paths import course_dir, notebooks_dir
from crmlab.lessons import list_lessons

__all__ = ["build", "editions", "search_entries", "figure_alt", "NPM_PACKAGES"]

#: Exact versions of the browser-side renderer the site ships.
NPM_PACKAGES = {"@jupyter-widgets/html-manager": "1.0.15", "requirejs": "2.3.8"}

_VENDOR_FILES = {
    "embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
    "require.js": "requirejs/require.js",
}
#: The site's own assets, shipped in ``crmlab/publish/site_static``.
_OWN_FILES = ("site.css", "site_quiz.js", "site_search.js", "site_widgets.js")

_SHOW = re.compile(r"""quiz\.show\(\s*["']([\w.-]+)["']""")
_WIDGET = "application/vnd.jupyter.widget-view+json"
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _vendor(cache: Path) -> Path:
    """Install the pinned npm packages once into ``cache`` and return its node_modules."""
    modules = cache / "node_modules"
    if all((modules / rel).is_file() for rel in _VENDOR_FILES.values()):
        return modules
    if shutil.which("npm") is None:
        raise CrmlabError("npm is needed to fetch the widget renderer for the site; install Node.js")
    cache.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    result = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(cache), *specs],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["npm install failed"])[-1]
        raise CrmlabError(f"npm install of the widget renderer failed: {last}")
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


def _sitebar(lessons, prefix: str, lang: str, langs: list[str], here: str) -> str:
    def say(key):
        return html.escape(message(key, lang=lang))

    links = [f'<a href="index.html"{_current(here, "index")}>{say("nav.course_map")}</a>']
    links += [f'<a href="{item.path.stem}.html"{_current(here, item.path.stem)} '
              f'title="{html.escape(item.title)}">{html.escape(item.id)}</a>'
              for item in lessons]
    others = "".join(
        f'<a href="{_edition_href(lang, other, here)}" hreflang="{other}" lang="{other}">'
        f'{other.upper()}</a>' for other in langs if other != lang)
    if others:
        others = f'<nav aria-label="{say("site.editions")}">{others}</nav>'
    return (f'<a class="crmlab-skip" href="#crmlab-main">{say("site.skip")}</a>'
            f'<header class="crmlab-sitebar"><nav aria-label="{say("site.course")}">'
            f'{"".join(links)}</nav>{others}'
            f'<form class="crmlab-search" role="search" onsubmit="return false">'
            f'<label for="crmlab-search-box">{say("site.search")}</label> '
            f'<input type="search" id="crmlab-search-box" autocomplete="off" '
            f'aria-controls="crmlab-search-results">'
            f'<ul id="crmlab-search-results" aria-live="polite"></ul></form></header>'
            f'<script src="{prefix}static/search-{lang}.js"></script>'
            f'<script src="{prefix}static/site_search.js"></script>')


def _current(here: str, stem: str) -> str:
    return ' aria-current="page"' if here == stem else ""


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


_OUTPUT_ID = re.compile(r'class="jupyter-widgets jp-OutputArea-output[^"]*" id="([0-9a-f-]{36})"')


def _stable_ids(body: str) -> str:
    # nbconvert gives each widget output a fresh uuid4; the same input must give the same bytes.
    for number, found in enumerate(dict.fromkeys(_OUTPUT_ID.findall(body)), 1):
        body = body.replace(found, f"crmlab-widget-{number}")
    return body


_NO_ALT = 'alt="No description has been provided for this image"'


def figure_alt(source: str, lang: str = "en") -> str:
    """The text alternative of the figure a code cell draws, in ``lang``: its title and what it
    shows.

    The title is the ``title=`` (or ``label=``) the cell passes; what the figure shows is the
    catalog's ``site.alt.<function>`` entry of the :mod:`crmlab.plots` function the cell calls.

    Examples
    --------
    >>> figure_alt('ax = abc_curve(ranked, label="Suppliers by share of profit")')
    'Figure: Suppliers by share of profit. Cumulative share curve of an ABC analysis, coloured by class.'
    >>> figure_alt('monthly.plot(title="Revenue by month")')
    'Figure: Revenue by month.'
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
            if (not title and keyword.arg in ("title", "label")
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)):
                title = keyword.value.value
        if name in plots.__all__ and not summary:
            summary = message(f"site.alt.{name}", lang=lang)
    parts = [part.rstrip(".") + "." for part in (title, summary) if part]
    if not parts:
        return message("site.figure_default", lang=lang)
    return message("site.figure", lang=lang, text=" ".join(parts))


def _figure_alts(nb, lang: str) -> list[str]:
    """One text alternative per image output, in page order."""
    alts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if any(kind.startswith("image/") for kind in output.get("data", {})):
                alts.append(figure_alt(cell.source, lang))
    return alts


def _alt_texts(body: str, alts: list[str]) -> str:
    # nbconvert marks every image without alt the same way; the figures' own texts go there.
    parts = body.split(_NO_ALT)
    if len(parts) - 1 != len(alts):
        raise CrmlabError(f"the page has {len(parts) - 1} images without alt text and the "
                          f"notebook {len(alts)} image outputs")
    out = [parts[0]]
    for alt, rest in zip(alts, parts[1:], strict=True):
        out += [f'alt="{html.escape(alt)}"', rest]
    return "".join(out)


def _page(lesson, exporter, sitebar: str, prefix: str, lang: str) -> str:
    import nbformat

    from crmlab.publish.notebooks import student_copy

    nb = nbformat.from_dict(student_copy(nbformat.read(lesson.path, as_version=4)))
    _quiz_outputs(nb, lang)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": lesson.title}})
    # Links between notebooks point at the pages of the site.
    body = re.sub(r'href="([\w.-]+)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', body)
    body = re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)
    head = (f'<link rel="stylesheet" href="{prefix}static/site.css">'
            f'<script src="{prefix}static/site_quiz.js" defer></script>'
            f'<script src="{prefix}static/site_widgets.js"></script>')
    body = body.replace("</head>", head + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + sitebar, body, count=1)
    body = re.sub(r"<main>", '<main id="crmlab-main">', body, count=1)
    return _alt_texts(_stable_ids(body), _figure_alts(nb, lang))


def _index(lessons, sitebar: str, prefix: str, lang: str) -> str:
    def say(key):
        return html.escape(message(key, lang=lang))

    rows = "\n".join(
        f'<tr><td>{html.escape(item.id)}</td><td>{say("site.kind." + item.kind)}</td>'
        f'<td><a href="{item.path.stem}.html">{html.escape(item.title)}</a></td></tr>'
        for item in lessons
    )
    heads = "".join(f"<th scope='col'>{say('column.' + name)}</th>"
                    for name in ("id", "kind", "lesson"))
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{say('site.title')}</title>"
        f"<link rel='stylesheet' href='{prefix}static/site.css'>"
        "</head><body class='crmlab-index'>"
        f"{sitebar}<main id='crmlab-main'><h1>{say('site.heading')}</h1>"
        f"<h2 id='Course-map'>{say('nav.course_map')}</h2><table><caption>"
        f"{say('site.map_caption')}</caption><tr>{heads}</tr>{rows}</table></main></body></html>\n"
    )


def _plain(markdown: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
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
    from crmlab.publish.notebooks import student_copy

    nb = student_copy(json.loads(lesson.path.read_text(encoding="utf-8")))
    page = f"{lesson.path.stem}.html"
    entries = [{"page": page, "anchor": "", "title": lesson.title, "text": []}]
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
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
    from nbconvert import HTMLExporter

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
        exporter = HTMLExporter(template_name="lab")
        exporter.require_js_url = f"{prefix}static/require.js"
        exporter.widget_renderer_url = f"{prefix}static/embed-amd.js"
        exporter.mathjax_url = ""
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
