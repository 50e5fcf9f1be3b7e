"""Figures for choosing a CRM system."""

from __future__ import annotations

from crmlab.core.i18n import message
from crmlab.plots._style import BLUE, LIGHT, VERMILLION

__all__ = ["cash_flow_plot"]


def cash_flow_plot(investment, monthly_benefits, *, annual_rate: float = 0.0, ax=None):
    """Cumulative cash flow by month, with the payback month marked."""
    import matplotlib.pyplot as plt

    from crmlab.crm_selection import cumulative_cash_flow, payback_period

    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    flow = cumulative_cash_flow(investment, monthly_benefits, annual_rate=annual_rate)
    ax.plot(flow.index, flow.to_numpy(), marker="o", ms=3, color=BLUE)
    ax.axhline(0, color="grey", lw=0.8)
    month = payback_period(investment, monthly_benefits, annual_rate=annual_rate)
    if month is not None:
        ax.axvline(month, color=VERMILLION, ls="--", lw=1)
        ax.text(month + 0.3, flow.min() * 0.9, message("plot.cash_flow.payback", month=month),
                color=VERMILLION)
    ax.axvspan(8, 12, color=LIGHT, zorder=0, label=message("plot.cash_flow.typical"))
    title = (message("plot.cash_flow.title_discounted", rate=f"{annual_rate:.0%}") if annual_rate
             else message("plot.cash_flow.title"))
    ax.set(xlabel=message("plot.cash_flow.xlabel"), ylabel=message("plot.cash_flow.ylabel"),
           title=title)
    ax.legend(loc="lower right")
    return ax
