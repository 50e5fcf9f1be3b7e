"""Figures of the course, one function per figure, each returning the matplotlib ``Axes``.

Each topic keeps its figures in a submodule of this package (``crmlab.plots.suppliers``,
``crmlab.plots.clv``, ...); every public name of a submodule's ``__all__`` is re-exported here,
so lessons write ``from crmlab.plots import portfolio_matrix``. Importing this package imports
matplotlib; ``import crmlab`` does not.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in getattr(_module, "__all__", []):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
