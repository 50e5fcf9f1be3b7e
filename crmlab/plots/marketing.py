"""Figures for relationship marketing (L01)."""

from __future__ import annotations

from crmlab.core.i18n import column_label, message
from crmlab.core.validation import check_columns
from crmlab.plots._style import BLUE, GREY

__all__ = ["evolution_timeline", "repeat_rate_plot"]


def evolution_timeline(*, ax=None):
    """The road from transactional marketing to social CRM, one marker per stage.

    Filled markers are dated by the course's sources, open ones by the literature (see
    ``crmlab.marketing``).
    """
    import matplotlib.pyplot as plt

    from crmlab.marketing import evolution

    stages = evolution()  # in the language in effect
    ax = ax or plt.subplots(figsize=(10, 5))[1]
    # Label heights chosen so that the crowded 1994-2009 labels do not overlap.
    levels = [1.2, -1.2, 2.6, -1.2, 3.6, -2.4, 1.2, -3.6, 2.4, -1.2]
    ax.axhline(0, color="grey", lw=1)
    for i, row in stages.iterrows():
        level = levels[i % len(levels)]
        seed = row["date_from"] != "literature"
        ax.plot([row["year"]] * 2, [0, level], color=GREY, lw=0.8)
        ax.plot(row["year"], 0, "o", ms=7, color=BLUE,
                markerfacecolor=BLUE if seed else "white")
        ax.text(row["year"], level + (0.1 if level > 0 else -0.1),
                f"{row['stage']}\n{row['reference']}",
                ha="center", va="bottom" if level > 0 else "top", fontsize=8)
    ax.set(ylim=(-4.8, 4.8), xlim=(1950, 2016), yticks=[], xlabel=message("plot.evolution.xlabel"),
           title=message("plot.evolution.title"))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def repeat_rate_plot(rates, *, ax=None, title=None):
    """Bars of a ``repeat_rate(..., by=...)`` table, with the customer counts on the bars
    (``title`` defaults to the catalog's "Repeat-customer rate")."""
    import matplotlib.pyplot as plt

    check_columns(rates, ["customers", "repeat_rate"], table="rates")
    ax = ax or plt.subplots(figsize=(7, 3.2))[1]
    bars = ax.bar(rates.index.astype(str), rates["repeat_rate"], color=BLUE)
    for bar, n in zip(bars, rates["customers"]):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01, f"n={n}",
                ha="center", fontsize=8)
    ax.set(ylim=(0, 1), ylabel=message("plot.repeat_rate.ylabel"),
           xlabel=column_label(rates.index.name), title=title or message("plot.repeat_rate.title"))
    return ax
