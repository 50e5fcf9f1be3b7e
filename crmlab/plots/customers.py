"""Customer figures: RFM heatmap and score distribution, customer pyramid, BG/NBD matrices,
calibration vs holdout, NPS."""

from __future__ import annotations

import numpy as np

from crmlab.core.i18n import column_label, message, shown_value
from crmlab.core.validation import check_column_options, check_each, check_fitted
from crmlab.plots._style import BLUE, GREEN, HATCHES, ORANGE, VERMILLION

__all__ = ["rfm_heatmap", "rfm_distribution_plot", "pyramid_chart", "frequency_recency_matrix",
           "probability_alive_matrix", "calibration_holdout", "nps_breakdown"]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def rfm_heatmap(scores, *, value="monetary", ax=None):
    """Mean ``value`` by R score (rows) and F score (columns) of :func:`rfm_scores` output."""
    check_column_options(scores, R="R", F="F", value=value)
    ax = _axes(ax)
    table = scores.pivot_table(index="R", columns="F", values=value, aggfunc="mean")
    image = ax.imshow(table.to_numpy(), cmap="viridis", origin="lower", aspect="auto")
    ax.set_xticks(range(table.shape[1]), table.columns)
    ax.set_yticks(range(table.shape[0]), table.index)
    ax.set_xlabel(message("plot.rfm_heatmap.xlabel"))
    ax.set_ylabel(message("plot.rfm_heatmap.ylabel"))
    ax.set_title(message("plot.rfm_heatmap.title", value=column_label(value)))
    ax.figure.colorbar(image, ax=ax)
    return ax


def rfm_distribution_plot(scores, *, ax=None):
    """Customers per score for R, F and M side by side, with the equal-fifths line.

    ``scores`` is an :func:`crmlab.segmentation.rfm_scores` table; the dashed line marks the
    count every score would hold without ties.
    """
    check_column_options(scores, R="R", F="F", M="M")
    ax = _axes(ax)
    top = int(scores[["R", "F", "M"]].to_numpy().max())
    positions = np.arange(1, top + 1)
    for offset, letter, colour, hatch in ((-0.27, "R", BLUE, HATCHES[0]),
                                          (0.0, "F", ORANGE, HATCHES[1]),
                                          (0.27, "M", GREEN, HATCHES[2])):
        counts = scores[letter].value_counts().reindex(positions, fill_value=0)
        ax.bar(positions + offset, counts.to_numpy(), width=0.26, color=colour, label=letter,
               hatch=hatch, edgecolor="white")
    ax.axhline(len(scores) / top, color="grey", ls="--", lw=1,
               label=message("plot.rfm_distribution.equal"))
    ax.set_xticks(positions)
    ax.set_xlabel(message("plot.rfm_distribution.xlabel"))
    ax.set_ylabel(message("plot.rfm_distribution.ylabel"))
    ax.set_title(message("plot.rfm_distribution.title"))
    ax.legend()
    return ax


def pyramid_chart(tiers, *, ax=None):
    """Horizontal pyramid: number of customers per tier, top tier on top.

    ``tiers`` is a :func:`crmlab.segmentation.customer_pyramid` result; with the default tiers
    the title names Curry & Curry's pyramid.
    """
    from crmlab.segmentation import CURRY_TIERS

    ax = _axes(ax)
    counts = tiers.value_counts().reindex(tiers.cat.categories[::-1]).fillna(0)
    widths = counts.to_numpy(dtype=float)
    ax.barh(range(len(counts)), widths, left=-widths / 2, color=BLUE)
    ax.set_yticks(range(len(counts)), [f"{shown_value(t)} ({int(n)})" for t, n in counts.items()])
    ax.set_xticks([])
    curry = tuple(tiers.cat.categories) == CURRY_TIERS
    ax.set_title(message("plot.pyramid.title_curry" if curry else "plot.pyramid.title"))
    return ax


def _matrix(model, fn, max_frequency, max_recency, T, ax, title):
    check_fitted(model)
    ax = _axes(ax)
    x = np.arange(max_frequency + 1)
    t = np.linspace(0, max_recency, 40)
    xx, tt = np.meshgrid(x, t)
    xx_f, tt_f = xx.ravel().astype(float), tt.ravel()
    tt_f = np.where(xx_f == 0, 0.0, tt_f)
    z = fn(model, xx_f, tt_f, np.full_like(tt_f, T)).reshape(xx.shape)
    image = ax.imshow(z, origin="lower", aspect="auto", cmap="magma",
                      extent=(-0.5, max_frequency + 0.5, 0, max_recency))
    ax.set_xlabel(message("plot.bgnbd.xlabel"))
    ax.set_ylabel(message("plot.bgnbd.ylabel"))
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax)
    return ax


def frequency_recency_matrix(model, *, T, t=1.0, max_frequency=20, ax=None):
    """Expected purchases in the next ``t`` units by frequency and recency (BG/NBD)."""
    return _matrix(model, lambda m, x, r, big_t: m.expected_purchases(t, x, r, big_t),
                   max_frequency, T, T, ax, message("plot.bgnbd.expected", t=f"{t:g}"))


def probability_alive_matrix(model, *, T, max_frequency=20, ax=None):
    """Probability that a customer is alive by frequency and recency (BG/NBD)."""
    return _matrix(model, lambda m, x, r, big_t: m.probability_alive(x, r, big_t),
                   max_frequency, T, T, ax, message("plot.bgnbd.alive"))


def calibration_holdout(calibration_frequency, predicted, actual, *, max_frequency=7, ax=None):
    """Mean predicted vs actual holdout purchases by calibration frequency (capped)."""
    import pandas as pd

    ax = _axes(ax)
    key = np.minimum(np.asarray(calibration_frequency), max_frequency)
    df = pd.DataFrame({"x": key, "predicted": np.asarray(predicted),
                       "actual": np.asarray(actual)})
    means = df.groupby("x")[["actual", "predicted"]].mean()
    ax.plot(means.index, means["actual"], "o-", label=message("plot.calibration.actual"))
    ax.plot(means.index, means["predicted"], "s--", label=message("plot.calibration.model"))
    ax.set_xlabel(message("plot.calibration.xlabel", cap=max_frequency))
    ax.set_ylabel(message("plot.calibration.ylabel"))
    ax.legend()
    return ax


def nps_breakdown(answers, *, ax=None):
    """Bar chart of the 0-10 answers coloured as detractors, passives and promoters."""
    import pandas as pd

    check_each("nps", answers if isinstance(answers, pd.Series) else pd.Series(list(answers)),
               minimum=0, maximum=10, whole=True)
    ax = _axes(ax)
    values = np.asarray(answers, dtype=int)
    counts = np.bincount(values, minlength=11)[:11]
    colours = [VERMILLION] * 7 + [ORANGE] * 2 + [GREEN] * 2
    hatches = [HATCHES[1]] * 7 + [HATCHES[0]] * 2 + [HATCHES[2]] * 2
    ax.bar(range(11), counts, color=colours, hatch=hatches, edgecolor="white")
    ax.set_xticks(range(11))
    ax.set_xlabel(message("plot.nps.xlabel"))
    ax.set_ylabel(message("plot.nps.ylabel"))
    ax.set_title(message("plot.nps.title"))
    return ax
