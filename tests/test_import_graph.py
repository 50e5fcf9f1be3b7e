"""The import graph of crmlab: no circle, and no import running up a layer.

Every module under ``crmlab/`` is parsed with :mod:`ast`; every import in it counts, the lazy
ones inside functions too (they run sooner or later). A module belongs to the layer of the
longest prefix of its name in :data:`LAYERS`; any other top-level module of ``crmlab`` is a
subject module (layer 1). A module may import its own layer or a lower one. How to read a
failure: CONTRIBUTING.md, "The layers".
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "crmlab"

#: The layers from the bottom up: a module imports only from its own layer or below.
LAYER_NAMES = ("core", "subject", "engines", "grading", "publish", "cli")
#: Module name (or package prefix) -> layer. ``crmlab`` itself (the package's ``__init__``:
#: the version and the language set at import) is core; ``crmlab.notebooks`` is the
#: ``python -m crmlab.notebooks`` alias of ``crmlab notebooks``.
LAYERS = {
    "crmlab": 0, "crmlab.core": 0,
    "crmlab.quiz": 2, "crmlab.exercises": 2, "crmlab.student": 2, "crmlab.lessons": 2,
    "crmlab.grading": 3,
    "crmlab.publish": 4,
    "crmlab.cli": 5, "crmlab.__main__": 5, "crmlab.notebooks": 5,
}
SUBJECT = 1


def layer_of(module: str, layers: dict = LAYERS) -> int:
    """The layer of ``module``: its longest prefix in ``layers`` (``crmlab`` only as itself),
    else the subject layer.

    >>> layer_of("crmlab.grading.config"), layer_of("crmlab.clv"), layer_of("crmlab")
    (3, 1, 0)
    """
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in layers and (end > 1 or module == prefix):
            return layers[prefix]
    return SUBJECT


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``crmlab/grading/config.py`` -> ``crmlab.grading.config``; a package is its folder."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool, known: set) -> list:
    """``[(line, imported module)]`` of every crmlab import in ``source``, lazy ones included.

    ``from X import name`` counts as importing ``X.name`` when that is a module of ``known``,
    else ``X``; an unknown module counts as its longest known prefix.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against this module's package
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known
                       else origin for alias in node.names]
        else:
            continue
        for target in targets:
            if target != "crmlab" and not target.startswith("crmlab."):
                continue
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != module:
                found.append((node.lineno, target))
    return found


def import_graph(root: Path = PACKAGE) -> dict:
    """``{module: [(file:line, imported module), ...]}`` for every module under ``root``."""
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    known = set(files)
    graph = {}
    for module, path in files.items():
        where = path.relative_to(root.parent).as_posix()
        graph[module] = [(f"{where}:{line}", target) for line, target in
                         imports_of(path.read_text(encoding="utf-8"), module,
                                    is_package=path.name == "__init__.py", known=known)]
    return graph


def upward_imports(graph: dict, layers: dict = LAYERS) -> list:
    """One line per import that runs up a layer."""
    found = []
    for module, edges in graph.items():
        for where, target in edges:
            mine, theirs = layer_of(module, layers), layer_of(target, layers)
            if theirs > mine:
                found.append(f"{where}: {module} ({LAYER_NAMES[mine]}, layer {mine}) imports "
                             f"{target} ({LAYER_NAMES[theirs]}, layer {theirs})")
    return found


def circles(graph: dict) -> list:
    """One line per import circle (a strongly connected set of modules), as a path
    ``a -> b -> ... -> a`` with the place of each import."""
    edges = {module: sorted({t for _, t in targets if t in graph})
             for module, targets in graph.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(start):  # Tarjan, iterative: the graph may be deep
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(_circle_path(sorted(group), graph))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(edges[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def _circle_path(group: list, graph: dict) -> str:
    """A shortest way round the circle from its first module, each step with its import."""
    members, start = set(group), group[0]
    paths, frontier = {start: []}, [start]
    while frontier:
        following = []
        for node in frontier:
            for where, target in graph[node]:
                if target == start and paths[node] is not None:
                    steps = [*paths[node], (node, where)]
                    return " -> ".join(f"{module} ({at})" for module, at in steps) + f" -> {start}"
                if target in members and target not in paths:
                    paths[target] = [*paths[node], (node, where)]
                    following.append(target)
        frontier = following
    return " <-> ".join(group)


# ------------------------------------------------------------------------------ the package
GRAPH = import_graph()


def test_every_module_is_read():
    assert "crmlab.core.paths" in GRAPH and "crmlab.cli" in GRAPH and len(GRAPH) > 100


def test_no_import_runs_up_a_layer():
    assert upward_imports(GRAPH) == []


def test_no_import_circle():
    assert circles(GRAPH) == []


# ------------------------------------------------------------------------------ the checker
def _graph(**sources):
    """A graph of synthetic modules: ``crmlab__core__x="..."`` is ``crmlab.core.x``."""
    known = {name.replace("__", ".") for name in sources}
    return {name.replace("__", "."): [
        (f"{name}:{line}", target) for line, target in
        imports_of(text, name.replace("__", "."), is_package=False, known=known)]
        for name, text in sources.items()}


def test_a_planted_upward_import_fails_and_says_where():
    graph = _graph(crmlab__core__paths="import os\nfrom crmlab.grading.config import x\n",
                   crmlab__grading__config="from crmlab.core.paths import home_dir\n")
    assert upward_imports(graph) == [
        "crmlab__core__paths:2: crmlab.core.paths (core, layer 0) imports crmlab.grading.config "
        "(grading, layer 3)"]


def test_a_lazy_import_inside_a_function_counts():
    graph = _graph(crmlab__quiz__widget="def show():\n    from crmlab.publish.site import x\n",
                   crmlab__publish__site="")
    assert upward_imports(graph) == [
        "crmlab__quiz__widget:2: crmlab.quiz.widget (engines, layer 2) imports "
        "crmlab.publish.site (publish, layer 4)"]


def test_a_subject_module_may_not_import_the_engines():
    graph = _graph(crmlab__clv="import crmlab.quiz.scoring\n", crmlab__quiz__scoring="")
    assert len(upward_imports(graph)) == 1


def test_a_planted_circle_fails_with_its_path():
    graph = _graph(crmlab__publish__notebooks="from crmlab.publish import translations\n",
                   crmlab__publish__translations="def f():\n    import crmlab.publish.notebooks\n",
                   crmlab__publish__site="import crmlab.publish.notebooks\n")
    assert upward_imports(graph) == []
    assert circles(graph) == [
        "crmlab.publish.notebooks (crmlab__publish__notebooks:1) -> crmlab.publish.translations "
        "(crmlab__publish__translations:2) -> crmlab.publish.notebooks"]


@pytest.mark.parametrize(("source", "target"), [
    ("from crmlab.quiz import submission", "crmlab.quiz.submission"),  # a module of a package
    ("from crmlab.quiz import load", "crmlab.quiz"),  # a name of a package
    ("from crmlab.quiz.scoring import score", "crmlab.quiz.scoring"),
    ("import crmlab.quiz.nothing_here", "crmlab.quiz"),  # longest known prefix
    ("from . import submission", "crmlab.quiz.submission"),  # relative
])
def test_imports_are_resolved_to_modules(source, target):
    known = {"crmlab", "crmlab.quiz", "crmlab.quiz.submission", "crmlab.quiz.scoring",
             "crmlab.quiz.widget"}
    assert imports_of(source, "crmlab.quiz.widget", is_package=False, known=known) == [
        (1, target)]
