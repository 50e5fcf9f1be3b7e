"""Build the static course site (``make site``): one HTML page per executed notebook.

The ipywidgets on the pages (the quizzes) render offline: the widget renderer
(``@jupyter-widgets/html-manager``) and RequireJS come from the npm registry at build time, pinned
below, and are served from the site's own ``static/`` folder; no page refers to a CDN. Widgets
render from the widget state stored in the committed notebooks (``crmlab.course.notebooks.execute``
stores it), so a static page shows each quiz as the student sees it, without a kernel.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

from crmlab.course.lessons import list_lessons
from crmlab.exceptions import CrmlabError
from crmlab.paths import course_dir, notebooks_dir

__all__ = ["build", "NPM_PACKAGES"]

#: Exact versions of the browser-side renderer the site ships.
NPM_PACKAGES = {"@jupyter-widgets/html-manager": "1.0.15", "requirejs": "2.3.8"}

_VENDOR_FILES = {
    "embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
    "require.js": "requirejs/require.js",
}

_STYLE = """
<style>
.crmlab-sitebar { font: 15px/1.4 system-ui, sans-serif; padding: 8px 16px; background: #12355b;
  color: #fff; position: sticky; top: 0; z-index: 1000; }
.crmlab-sitebar a { color: #fff; margin-right: 14px; text-decoration: none; }
.crmlab-sitebar a:hover { text-decoration: underline; }
</style>
"""


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


def _sitebar(lessons) -> str:
    links = ['<a href="index.html">Course map</a>']
    links += [f'<a href="{item.path.stem}.html">{html.escape(item.id)}</a>' for item in lessons]
    return f'<nav class="crmlab-sitebar">{"".join(links)}</nav>'


def _page(lesson, exporter, sitebar: str) -> str:
    import nbformat

    from crmlab.course.notebooks import student_copy

    nb = nbformat.from_dict(student_copy(nbformat.read(lesson.path, as_version=4)))
    body, _ = exporter.from_notebook_node(nb)
    # Links between notebooks point at the pages of the site.
    body = re.sub(r'href="([\w.-]+)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', body)
    body = body.replace("</head>", _STYLE + "</head>", 1)
    return re.sub(r"(<body[^>]*>)", r"\1" + sitebar.replace("\\", "\\\\"), body, count=1)


def _index(lessons, sitebar: str) -> str:
    rows = "\n".join(
        f'<tr><td>{html.escape(item.id)}</td><td>{html.escape(item.kind)}</td>'
        f'<td><a href="{item.path.stem}.html">{html.escape(item.title)}</a></td></tr>'
        for item in lessons
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>crmlab course</title>"
        f"{_STYLE}<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0}}"
        "main{max-width:60em;margin:2em auto}td{padding:4px 12px}</style></head><body>"
        f"{sitebar}<main><h1>Customer and supplier relationships in the enterprise</h1>"
        "<h2 id='Course-map'>Course map</h2><table><tr><th>id</th><th>kind</th><th>lesson</th></tr>"
        f"{rows}</table></main></body></html>"
    )


def build(out: str | Path, *, cache: str | Path | None = None) -> list[Path]:
    """Write the site into ``out`` and return the pages written.

    Parameters
    ----------
    out : path
        The output folder (replaced).
    cache : path, optional
        Where the npm packages are installed; default ``build/site-node`` in the course folder.
    """
    from nbconvert import HTMLExporter

    out = Path(out)
    modules = _vendor(Path(cache) if cache else course_dir() / "build" / "site-node")
    if out.exists():
        shutil.rmtree(out)
    (out / "static").mkdir(parents=True)
    for name, rel in _VENDOR_FILES.items():
        shutil.copyfile(modules / rel, out / "static" / name)

    exporter = HTMLExporter(template_name="lab")
    exporter.require_js_url = "static/require.js"
    exporter.widget_renderer_url = "static/embed-amd.js"
    exporter.mathjax_url = ""
    lessons = list_lessons(notebooks_dir())
    sitebar = _sitebar(lessons)
    pages = []
    for lesson in lessons:
        page = out / f"{lesson.path.stem}.html"
        page.write_text(_page(lesson, exporter, sitebar), encoding="utf-8")
        pages.append(page)
    index = out / "index.html"
    index.write_text(_index(lessons, sitebar), encoding="utf-8")
    return [index, *pages]


def main(argv=None) -> int:
    """``python -m crmlab.course.site --out DIR`` (``make site``)."""
    parser = argparse.ArgumentParser(prog="python -m crmlab.course.site", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("_site"))
    args = parser.parse_args(argv)
    try:
        pages = build(args.out)
    except CrmlabError as exc:
        print(f"crmlab: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(pages)} pages to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
