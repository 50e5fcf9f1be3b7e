"""Supplier figures: the purchasing portfolio matrix and the ABC (Pareto) curve."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.core.i18n import message
from crmlab.core.validation import check_columns, check_each, expected
from crmlab.plots._style import BLUE, GREEN, HATCHES, MARKERS, ORANGE, TEXT, VERMILLION, set_markers

__all__ = ["portfolio_matrix", "abc_curve"]

_RISK = {"low": 1.0, "medium": 2.0, "high": 3.0}
_COLOURS = {1: GREEN, 2: BLUE, 3: ORANGE, 4: VERMILLION}


def supply_risk_score(suppliers):
    """Supply risk on a 0-1 scale: the risk level, nudged up when alternatives are few."""
    level = suppliers["supply_risk"].astype(str).map(_RISK).to_numpy(dtype=float)
    scarcity = 1 - np.minimum(suppliers["n_alternatives"].to_numpy(dtype=float), 10) / 10
    return (level - 1 + scarcity) / 3


def portfolio_matrix(suppliers, *, types=None, ax=None):
    """Kraljic-style matrix: profit impact (share of profit) against supply risk.

    Points are sized by annual spend and coloured by relationship type when ``types`` (a
    sequence of 1-4, e.g. from ``classify_supplier``) is given. The quadrants follow Kraljic
    (1983): non-critical, leverage, bottleneck, strategic items. The axes and cuts are the
    course's choices: x is :func:`supply_risk_score` (the risk level, nudged up when
    alternatives are few), cut at its middle, 0.5; y is the share of profit in %, cut at twice
    its median. The legend stands outside the axes, so that it hides no point.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from crmlab.relationships import RelationshipType

    check_columns(suppliers, ["supply_risk", "n_alternatives", "profit_share", "annual_spend"],
                  table="suppliers")
    if types is not None:
        types = list(types)
        if len(types) != len(suppliers):
            raise expected("types", f"{len(types)} types", f"one type per supplier "
                           f"({len(suppliers)})")
        check_each("types", pd.Series(types), minimum=1, maximum=4, whole=True)
    ax = ax or plt.subplots(figsize=(7, 5.5))[1]
    x = supply_risk_score(suppliers)
    y = suppliers["profit_share"].to_numpy(dtype=float) * 100
    spend = suppliers["annual_spend"].to_numpy(dtype=float)
    sizes = 20 + 280 * spend / spend.max()
    colours = ([_COLOURS[int(t)] for t in types] if types is not None else BLUE)
    points = ax.scatter(x, y, s=sizes, c=colours, alpha=0.75, edgecolors="white", linewidths=0.6)
    if types is not None:
        # A marker per type as well as a colour: the types stay apart without colour vision.
        set_markers(points, [MARKERS[int(t) - 1] for t in types])
    x_mid, y_mid = 0.5, float(np.median(y)) * 2
    ax.axvline(x_mid, color="grey", lw=0.8)
    ax.axhline(y_mid, color="grey", lw=0.8)
    top = y.max() * 1.08
    for (tx, ty, key) in ((0.02, y_mid * 0.05, "non_critical"), (0.02, top * 0.96, "leverage"),
                          (0.52, y_mid * 0.05, "bottleneck"), (0.52, top * 0.96, "strategic")):
        ax.text(tx, ty, message(f"plot.portfolio.{key}"), fontsize=9, color=TEXT,
                va="bottom" if ty < y_mid else "top")
    ax.set(xlim=(0, 1.05), ylim=(0, top), xlabel=message("plot.portfolio.xlabel"),
           ylabel=message("plot.portfolio.ylabel"), title=message("plot.portfolio.title"))
    if types is not None:
        handles = [Line2D([], [], marker=MARKERS[t.value - 1], ls="", color=_COLOURS[t.value],
                          label=f"{t.value} {message(f'relationship.type_{t.value}')}")
                   for t in RelationshipType]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
                  title=message("plot.portfolio.legend"))
    return ax


def abc_curve(ranked, *, ax=None, label=None):
    """Cumulative share curve of an ``abc_analysis`` result, coloured by class.

    Bars show each item's share (A red, B amber, C green), the line on the right-hand axis the
    cumulative share.
    """
    import matplotlib.pyplot as plt

    check_columns(ranked, ["rank", "share", "cumulative_share", "abc_class"], table="ranked")
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    classes = ranked["abc_class"].astype(str)
    colours = classes.map({"A": VERMILLION, "B": ORANGE, "C": GREEN})
    hatches = classes.map(dict(zip("ABC", HATCHES, strict=False))).tolist()
    ax.bar(ranked["rank"], ranked["share"] * 100, color=colours, hatch=hatches,
           edgecolor="white")
    twin = ax.twinx()
    twin.plot(ranked["rank"], ranked["cumulative_share"] * 100, color="black", lw=1.2)
    twin.set(ylim=(0, 102), ylabel=message("plot.abc.cumulative"))
    ax.set(xlabel=message("plot.abc.xlabel"), ylabel=message("plot.abc.ylabel"),
           title=label or message("plot.abc.title"))
    return ax
