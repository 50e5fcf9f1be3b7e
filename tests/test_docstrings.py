"""Every public name of every crmlab module is documented.

A public name is one listed in a module's ``__all__``. A function or class needs its own
docstring (a dataclass's generated signature does not count), and so does every public method
and property of a public class; a constant needs a ``#:`` comment on the line above its
assignment, where Sphinx and a reader look for it. A name a module imports from another module
is checked there when that module lists it in its own ``__all__``.
"""

import ast
import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import crmlab


def _modules():
    names = [crmlab.__name__] + [info.name for info in
                                 pkgutil.walk_packages(crmlab.__path__, crmlab.__name__ + ".")]
    return [importlib.import_module(name) for name in sorted(names)]


def _own_doc(obj) -> str:
    doc = obj.__doc__ or ""
    if dataclasses.is_dataclass(obj) and doc.startswith(obj.__name__ + "("):
        return ""  # the signature dataclasses write when the class has no docstring
    return doc.strip()


def _constant_comment(module, name):
    """The ``#:`` comment above the module-level assignment of ``name``; None if not assigned
    here (imported from the module that defines it)."""
    source = inspect.getsource(module)
    lines = source.splitlines()
    for node in ast.parse(source).body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            return above if above.startswith("#:") else ""
    return None


def _public_names():
    for module in _modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            home = getattr(obj, "__module__", module.__name__)
            if home != module.__name__ and name in getattr(importlib.import_module(home),
                                                           "__all__", ()):
                continue  # a re-export: checked where it is defined and public
            yield module, name, obj
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    target = value.fget if isinstance(value, property) else value
                    if isinstance(target, (staticmethod, classmethod)):
                        target = target.__func__
                    if callable(target):
                        yield module, f"{name}.{attr}", target


def _documented(module, obj, name):
    if inspect.isclass(obj) or callable(obj):
        return bool(_own_doc(obj))
    comment = _constant_comment(module, name)
    return comment is None or bool(comment)


CASES = [pytest.param(module, name, obj, id=f"{module.__name__}:{name}")
         for module, name, obj in _public_names()]


@pytest.mark.parametrize(("module", "name", "obj"), CASES)
def test_public_name_is_documented(module, name, obj):
    assert _documented(module, obj, name), f"{module.__name__}.{name} has no docstring"


def test_the_scan_sees_the_subject_and_the_engine():
    seen = {module.__name__ for module in _modules()}
    assert {"crmlab.segmentation", "crmlab.contact_outcomes", "crmlab.plots.customers"} <= seen
    assert len(CASES) > 200
