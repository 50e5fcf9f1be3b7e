"""A static call graph of crmlab: what a function can reach, and where the environment is read.

Every module under ``crmlab/`` is parsed with :mod:`ast`. A node is a module's top-level code
(``crmlab.core.paths``), a function (``crmlab.core.paths.home_dir``), a class or a method
(``crmlab.grading.sandbox.Sandbox.__init__``); a function nested in another belongs to it. A
node reaches every name its code refers to that resolves to another node (calls and references
alike: a function handed to an executor counts), through the imports of its module and its own
lazy imports, following a package's re-exports; ``self.m`` and ``cls.m`` reach the method of
their class; a class reaches all its methods (its objects may call any); a function reaches its
module's top-level code, and a module the code of its packages and of the modules it imports.
What cannot be resolved without running the code (a method of an object of unknown type, code
outside crmlab) is not followed: the graph under-approximates there, so declarations checked
against it may name more than it finds, never less.
"""

from __future__ import annotations

import ast
from functools import cached_property
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "crmlab"
_DEF = (ast.FunctionDef, ast.AsyncFunctionDef)


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _environ(node) -> bool:
    """``os.environ`` or a bare ``environ``."""
    return ((isinstance(node, ast.Attribute) and node.attr == "environ"
             and isinstance(node.value, ast.Name) and node.value.id == "os")
            or (isinstance(node, ast.Name) and node.id == "environ"))


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def environment_reads(tree) -> list[str]:
    """The names of the variables ``tree`` reads from this process's environment
    (``os.environ.get(N)``, ``os.environ[N]``, ``os.getenv(N)``, ``N in os.environ``).

    >>> environment_reads(ast.parse("os.environ.get('A'); os.environ['B'] = 1; 'C' in os.environ"))
    ['A', 'C']
    """
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and _environ(func.value):
                name = _text(node.args[0])
            elif (isinstance(func, ast.Attribute) and func.attr == "getenv"
                  and isinstance(func.value, ast.Name) and func.value.id == "os"):
                name = _text(node.args[0])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and _environ(node.value):
            name = _text(node.slice)
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn))
                                                   for op in node.ops) \
                and any(_environ(c) for c in node.comparators):
            name = _text(node.left)
        if name:
            found.append(name)
    return found


class CallGraph:
    """The nodes of crmlab and what each refers to (see the module docstring)."""

    def __init__(self, root: Path = PACKAGE):
        self.root = root
        self.modules: dict[str, ast.Module] = {}
        self.packages: set[str] = set()
        for path in sorted(root.rglob("*.py")):
            name = _module_name(path, root)
            self.modules[name] = ast.parse(path.read_text(encoding="utf-8"))
            if path.name == "__init__.py":
                self.packages.add(name)
        self.defs: dict[str, ast.AST] = {}    # dotted name -> FunctionDef / ClassDef
        self.owner: dict[str, str] = {}       # dotted name -> its module
        self.bindings: dict[str, dict] = {}   # module -> {name bound by an import: target}
        for module, tree in self.modules.items():
            self.bindings[module] = self._imports(module, self._top_level(tree))
            for node in tree.body:
                if isinstance(node, _DEF + (ast.ClassDef,)):
                    self._define(f"{module}.{node.name}", node, module)
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, _DEF):
                            self._define(f"{module}.{node.name}.{item.name}", item, module)

    def _define(self, name, node, module):
        self.defs[name], self.owner[name] = node, module

    # ------------------------------------------------------------------ imports and names
    @staticmethod
    def _top_level(tree):
        """The statements of a module outside its function and class bodies."""
        todo, out = list(tree.body), []
        while todo:
            node = todo.pop()
            if isinstance(node, _DEF + (ast.ClassDef,)):
                continue
            out.append(node)
            for field in ("body", "orelse", "finalbody", "handlers"):
                todo.extend(getattr(node, field, []) or [])
        return out

    def _imports(self, module: str, statements) -> dict:
        bound = {}
        for stmt in statements:
            for node in ast.walk(stmt) if not isinstance(stmt, _DEF) else [stmt]:
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.asname:
                            bound[alias.asname] = alias.name
                        else:
                            top = alias.name.split(".")[0]
                            bound[top] = top
                elif isinstance(node, ast.ImportFrom):
                    origin = node.module or ""
                    if node.level:
                        base = module.split(".")
                        if module not in self.packages:
                            base = base[:-1]
                        base = base[:len(base) - node.level + 1]
                        origin = ".".join(base + ([node.module] if node.module else []))
                    for alias in node.names:
                        bound[alias.asname or alias.name] = f"{origin}.{alias.name}"
        return bound

    def resolve(self, dotted: str, _seen=None) -> str | None:
        """The node or module ``dotted`` names, following re-exports; None outside crmlab."""
        if dotted in self.defs or dotted in self.modules:
            return dotted
        if "." not in dotted:
            return None
        seen = _seen or set()
        if dotted in seen:
            return None
        seen.add(dotted)
        parent, attr = dotted.rsplit(".", 1)
        parent = self.resolve(parent, seen)
        if parent is None:
            return None
        if parent in self.modules:
            target = self.bindings[parent].get(attr)
            return self.resolve(target, seen) if target else None
        candidate = f"{parent}.{attr}"  # a method of a class
        return candidate if candidate in self.defs else None

    # ------------------------------------------------------------------ edges
    def _chain(self, node) -> list[str] | None:
        names = []
        while isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        names.append(node.id)
        return names[::-1]

    def _refs(self, body, module: str, local: dict, cls: str | None) -> set[str]:
        found = set()
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Attribute) or (isinstance(node, ast.Name)
                                                       and isinstance(node.ctx, ast.Load)):
                    chain = self._chain(node)
                    if not chain:
                        continue
                    head, rest = chain[0], chain[1:]
                    if head in ("self", "cls") and cls:
                        start = cls
                    elif head in local:
                        start = local[head]
                    elif f"{module}.{head}" in self.defs:
                        start = f"{module}.{head}"
                    elif head in self.bindings[module]:
                        start = self.bindings[module][head]
                    else:
                        continue
                    for end in range(len(rest), -1, -1):
                        target = self.resolve(".".join([start, *rest[:end]]))
                        if target:
                            found.add(target)
                            break
        return found

    def _imported(self, bindings: dict) -> set[str]:
        """The modules an import statement runs (importing a function runs its module)."""
        found = set()
        for target in bindings.values():
            node = self.resolve(target)
            if node:
                found.add(node if node in self.modules else self.owner[node])
        return found

    @cached_property
    def edges(self) -> dict[str, set[str]]:
        """``{node: the nodes it reaches in one step}``."""
        edges = {}
        for module, tree in self.modules.items():
            refs = self._refs(self._top_level(tree), module, {}, None)
            for node in tree.body:  # decorators run when the module is imported
                if isinstance(node, _DEF + (ast.ClassDef,)):
                    refs |= self._refs(node.decorator_list, module, {}, None)
            parts = module.split(".")
            packages = {".".join(parts[:end]) for end in range(1, len(parts))}
            edges[module] = refs | self._imported(self.bindings[module]) | packages
        for name, node in self.defs.items():
            module = self.owner[name]
            if isinstance(node, ast.ClassDef):
                methods = {f"{name}.{item.name}" for item in node.body if isinstance(item, _DEF)}
                body = [item for item in node.body if not isinstance(item, _DEF)]
                edges[name] = methods | self._refs(body, module, {}, name) | {module}
                continue
            parent = name.rsplit(".", 1)[0]
            cls = parent if parent in self.defs else None
            local = self._imports(module, [n for n in ast.walk(node)
                                           if isinstance(n, (ast.Import, ast.ImportFrom))])
            edges[name] = (self._refs(node.body, module, local, cls) | {module}
                           | self._imported(local))
        return edges

    def reach(self, start: str) -> set[str]:
        """Every node ``start`` can reach (itself included)."""
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(self.edges.get(node, ()))
        return seen

    def environment_readers(self) -> dict[str, set[str]]:
        """``{variable: the nodes (functions, or a module's top-level code) that read it}``."""
        readers: dict[str, set[str]] = {}
        for name, node in self.defs.items():
            if isinstance(node, _DEF):
                for variable in environment_reads(node):
                    readers.setdefault(variable, set()).add(name)
        for module, tree in self.modules.items():
            for variable in environment_reads(ast.Module(body=self._top_level(tree),
                                                         type_ignores=[])):
                readers.setdefault(variable, set()).add(module)
        return readers
