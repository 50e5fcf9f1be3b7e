"""Figures for touchpoints (L06, C4)."""

from __future__ import annotations

from crmlab.core.i18n import message, shown_value
from crmlab.core.validation import check_columns
from crmlab.plots._style import BLUE, GREY, MARKERS, VERMILLION, set_markers

__all__ = ["touchpoint_priority_plot"]


def touchpoint_priority_plot(risk, *, ax=None):
    """Importance (contacts) against risk per contact, one bubble per touchpoint.

    ``risk`` is a :func:`crmlab.contact_outcomes.touchpoint_risk` table; the bubble grows with
    ``repeat_gap_x_contacts`` (unresolved contacts x the naive repeat gap), so the largest
    bubbles are where the stakes are; red bubbles are back office, blue front office.
    """
    import matplotlib.pyplot as plt

    check_columns(risk, ["office", "contacts", "risk_per_contact", "repeat_gap_x_contacts"],
                  table="risk")
    ax = ax or plt.subplots(figsize=(7, 4.5))[1]
    colours = risk["office"].map({"back": VERMILLION, "front": BLUE}).fillna(GREY)
    bubbles = ax.scatter(risk["contacts"], risk["risk_per_contact"],
                         s=20 + 10 * risk["repeat_gap_x_contacts"], c=colours, alpha=0.7)
    # Back office squares, front office circles: the offices stay apart without colour vision.
    set_markers(bubbles, risk["office"].map({"back": MARKERS[1], "front": MARKERS[0]})
                .fillna(MARKERS[2]))
    for touchpoint, row in risk.iterrows():
        ax.annotate(shown_value(touchpoint), (row["contacts"], row["risk_per_contact"]), xytext=(4, 4),
                    textcoords="offset points", fontsize=8)
    ax.set(xlabel=message("plot.touchpoints.xlabel"), ylabel=message("plot.touchpoints.ylabel"),
           title=message("plot.touchpoints.title"))
    return ax
