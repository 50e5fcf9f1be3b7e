"""Smoke tests of crmlab.plots that check what each figure draws: labels, titles, artists, legends."""

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.markers import MarkerStyle

import crmlab.plots as plots
from crmlab.abc_analysis import abc_analysis
from crmlab.clv import BetaGeo
from crmlab.contact_outcomes import touchpoint_risk
from crmlab.marketing import EVOLUTION
from crmlab.plots import _style as style
from crmlab.segmentation import customer_pyramid, rfm_scores

plt.switch_backend("Agg")  # no window, whatever the machine's default

COVERED = set()


def covers(name):
    """Mark a test as the one for plots.<name>; a last test checks that every figure has one."""
    COVERED.add(name)
    return lambda test: test


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@covers("touchpoint_priority_plot")
def test_touchpoint_priority_plot():
    log = pd.DataFrame({"customer_id": list("abcdef"),
                        "interaction_date": pd.to_datetime(["2024-01-01"] * 6),
                        "touchpoint": ["accounting"] * 4 + ["website"] * 2,
                        "resolved": [True, False, False, True, True, False]})
    orders = pd.DataFrame({"customer_id": ["a", "d", "e", "z"],
                           "order_date": pd.to_datetime(["2024-02-01"] * 3 + ["2024-12-31"])})
    risk = touchpoint_risk(log, orders)
    ax = plots.touchpoint_priority_plot(risk)
    assert ax.get_xlabel() == "importance: contacts in the window"
    assert ax.get_ylabel() == "risk per contact"
    assert ax.get_title().startswith("Touchpoints: importance x risk")
    (bubbles,) = ax.collections
    assert bubbles.get_offsets().tolist() == risk[["contacts", "risk_per_contact"]].values.tolist()
    assert [t.get_text() for t in ax.texts] == risk.index.tolist()
    colours = [tuple(np.round(c[:3], 3)) for c in bubbles.get_facecolors()]
    red = tuple(np.round(matplotlib.colors.to_rgb(style.VERMILLION), 3))
    assert colours[risk.index.get_loc("accounting")] == red  # back office in red
    # and a square, so that it does not rely on colour alone
    square = len(MarkerStyle("s").get_path().vertices)
    assert len(bubbles.get_paths()[risk.index.get_loc("accounting")].vertices) == square
    with pytest.raises(ValueError, match=r"^Got risk without the column 'office' instead"):
        plots.touchpoint_priority_plot(risk.drop(columns="office"))


def _scores():
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"recency": rng.integers(1, 400, 200),
                          "frequency": rng.geometric(0.4, 200),
                          "monetary": rng.gamma(2.0, 50.0, 200)})
    return rfm_scores(table)


@covers("rfm_heatmap")
def test_rfm_heatmap():
    scores = _scores()
    ax = plots.rfm_heatmap(scores)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("F score", "R score")
    assert ax.get_title() == "Mean monetary by R and F"
    (image,) = ax.images
    expected = scores.pivot_table(index="R", columns="F", values="monetary", aggfunc="mean")
    np.testing.assert_allclose(image.get_array(), expected.to_numpy())
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar


@covers("rfm_distribution_plot")
def test_rfm_distribution_plot():
    scores = _scores()
    ax = plots.rfm_distribution_plot(scores)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("score", "customers")
    assert ax.get_title() == "RFM scores: customers per score"
    assert _legend(ax) == ["equal shares", "R", "F", "M"]
    assert len(ax.patches) == 15
    heights = [int(p.get_height()) for p in ax.patches]
    assert heights[5:10] == scores["F"].value_counts().reindex(range(1, 6), fill_value=0).tolist()
    (fifth,) = ax.lines
    assert fifth.get_ydata()[0] == pytest.approx(len(scores) / 5)


@covers("pyramid_chart")
def test_pyramid_chart():
    tiers = customer_pyramid(pd.Series(np.arange(100, 0, -1, dtype=float)))
    ax = plots.pyramid_chart(tiers)
    assert ax.get_title() == "Customer pyramid (Curry & Curry)"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "small (80)", "medium (15)", "big (4)", "top (1)"]
    assert [p.get_width() for p in ax.patches] == [80, 15, 4, 1]
    other = customer_pyramid(pd.Series([3.0, 2.0, 1.0]), cutoffs=(0.5,), tiers=("high", "low"))
    assert plots.pyramid_chart(other).get_title() == "Customer pyramid"


def _model():
    return BetaGeo().set_params(r=0.243, alpha=4.414, a=0.793, b=2.426)


@covers("frequency_recency_matrix")
def test_frequency_recency_matrix():
    ax = plots.frequency_recency_matrix(_model(), T=39, max_frequency=5)
    assert ax.get_title() == "Expected purchases in the next 1 units"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("frequency (repeat purchases)", "recency")
    (image,) = ax.images
    assert image.get_array().shape == (40, 6)
    with pytest.raises(ValueError, match=r"^Got an unfitted BetaGeo instead"):
        plots.frequency_recency_matrix(BetaGeo(), T=39)


@covers("probability_alive_matrix")
def test_probability_alive_matrix():
    ax = plots.probability_alive_matrix(_model(), T=39, max_frequency=3)
    assert ax.get_title() == "Probability alive"
    values = ax.images[0].get_array()
    assert values.shape == (40, 4) and values.min() >= 0 and values.max() <= 1
    assert np.allclose(values[:, 0], 1.0)  # no repeat purchase: alive for sure


@covers("calibration_holdout")
def test_calibration_holdout():
    ax = plots.calibration_holdout([0, 1, 1, 9], [0.2, 1.0, 2.0, 5.0], [0, 1, 3, 4],
                                   max_frequency=7)
    assert ax.get_xlabel() == "purchases in calibration (7 = 7+)"
    assert ax.get_ylabel() == "mean purchases in holdout"
    assert _legend(ax) == ["actual", "model"]
    actual, model = ax.lines
    assert actual.get_xdata().tolist() == [0, 1, 7]
    assert actual.get_ydata().tolist() == [0.0, 2.0, 4.0]
    assert model.get_ydata().tolist() == [0.2, 1.5, 5.0]


@covers("nps_breakdown")
def test_nps_breakdown():
    ax = plots.nps_breakdown([10, 10, 9, 8, 3, 0])
    assert ax.get_title() == "NPS: detractors 0-6, passives 7-8, promoters 9-10"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("likelihood to recommend (0-10)", "respondents")
    assert [int(p.get_height()) for p in ax.patches] == [1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 2]
    with pytest.raises(ValueError, match=r"^Got nps=11 at row 1 instead"):
        plots.nps_breakdown([10, 11])


@covers("evolution_timeline")
def test_evolution_timeline():
    ax = plots.evolution_timeline()
    assert ax.get_title().startswith("From transactional marketing to social CRM")
    assert ax.get_xlabel() == "year"
    assert len(ax.texts) == len(EVOLUTION)
    assert {t.get_text().split("\n")[0] for t in ax.texts} == {row[0] for row in EVOLUTION}


@covers("repeat_rate_plot")
def test_repeat_rate_plot():
    rates = pd.DataFrame({"customers": [10, 30], "repeat_customers": [5, 6],
                          "repeat_rate": [0.5, 0.2]},
                         index=pd.Index(["store", "web"], name="channel"))
    ax = plots.repeat_rate_plot(rates, title="By channel")
    assert ax.get_title() == "By channel" and ax.get_xlabel() == "channel"
    assert ax.get_ylabel() == "share who bought again"
    assert [p.get_height() for p in ax.patches] == [0.5, 0.2]
    assert [t.get_text() for t in ax.texts] == ["n=10", "n=30"]


@covers("cash_flow_plot")
def test_cash_flow_plot():
    ax = plots.cash_flow_plot(10_000, [1_000] * 12)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("month", "cumulative cash flow")
    assert ax.get_title() == "Cumulative cash flow"
    assert _legend(ax) == ["typical 8-12 months (source)"]
    assert ax.lines[0].get_ydata().tolist()[:2] == [-10_000, -9_000]
    assert [t.get_text() for t in ax.texts] == ["payback: month 10"]
    discounted = plots.cash_flow_plot(10_000, [1_000] * 12, annual_rate=0.12)
    assert discounted.get_title() == "Cumulative cash flow (discounted at 12%/year)"
    assert len(plots.cash_flow_plot(10_000, [100] * 12).texts) == 0  # never pays back


def _suppliers():
    return pd.DataFrame({"supplier_id": ["S1", "S2", "S3"], "supply_risk": ["low", "high",
                                                                          "medium"],
                         "n_alternatives": [12, 1, 4], "profit_share": [0.002, 0.06, 0.02],
                         "annual_spend": [1_000.0, 50_000.0, 8_000.0]})


@covers("portfolio_matrix")
def test_portfolio_matrix():
    ax = plots.portfolio_matrix(_suppliers(), types=[1, 4, 2])
    assert ax.get_title() == "Purchasing portfolio matrix (after Kraljic 1983)"
    assert ax.get_ylabel() == "profit impact: share of total profit (%)"
    assert ax.get_xlabel().startswith("supply risk")
    (points,) = ax.collections
    assert len(points.get_offsets()) == 3
    assert [t.get_text() for t in ax.texts] == ["non-critical items", "leverage items",
                                                "bottleneck items", "strategic items"]
    assert _legend(ax) == ["1 economically expedient", "2 partial competition",
                           "3 selective cooperation", "4 partnership / alliance"]
    # Points at the highest risk (1.0) are not clipped, and the legend, outside, hides none.
    assert ax.get_xlim()[1] > 1
    assert ax.get_legend().get_bbox_to_anchor().transformed(ax.transAxes.inverted()).x0 > 1
    assert plots.portfolio_matrix(_suppliers()).get_legend() is None
    with pytest.raises(ValueError) as err:
        plots.portfolio_matrix(_suppliers(), types=[1, 2])
    assert str(err.value) == "Got types='2 types' instead, expected one type per supplier (3)."


@covers("abc_curve")
def test_abc_curve():
    ranked = abc_analysis(pd.DataFrame({"id": list("abcd"), "v": [60, 25, 10, 5]}), value="v",
                          label="id")
    ax = plots.abc_curve(ranked, label="Suppliers by profit")
    assert ax.get_title() == "Suppliers by profit"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("rank", "share (%)")
    assert [round(p.get_height()) for p in ax.patches] == [60, 25, 10, 5]
    twin = [other for other in ax.figure.axes if other is not ax][0]
    assert twin.get_ylabel() == "cumulative share (%)"
    assert twin.lines[0].get_ydata().tolist() == pytest.approx([60, 85, 95, 100])


def test_every_figure_has_a_test():
    assert COVERED == set(plots.__all__)


# --- the student's language ----------------------------------------------------------------

def _risk():
    log = pd.DataFrame({"customer_id": list("abcd"), "interaction_date": pd.to_datetime(
        ["2024-01-01"] * 4), "touchpoint": ["accounting", "accounting", "website", "website"],
        "resolved": [True, False, True, False]})
    orders = pd.DataFrame({"customer_id": ["a", "c", "z"], "order_date": pd.to_datetime(
        ["2024-02-01", "2024-02-01", "2024-12-31"])})
    return touchpoint_risk(log, orders)


#: One call per figure, drawn in each language.
DRAW = {
    "touchpoint_priority_plot": lambda: plots.touchpoint_priority_plot(_risk()),
    "rfm_heatmap": lambda: plots.rfm_heatmap(_scores()),
    "rfm_distribution_plot": lambda: plots.rfm_distribution_plot(_scores()),
    "pyramid_chart": lambda: plots.pyramid_chart(
        customer_pyramid(pd.Series(np.arange(100, 0, -1, dtype=float)))),
    "frequency_recency_matrix": lambda: plots.frequency_recency_matrix(_model(), T=39,
                                                                       max_frequency=3),
    "probability_alive_matrix": lambda: plots.probability_alive_matrix(_model(), T=39,
                                                                       max_frequency=3),
    "calibration_holdout": lambda: plots.calibration_holdout([0, 1, 9], [0.2, 1.0, 5.0],
                                                             [0, 1, 4]),
    "nps_breakdown": lambda: plots.nps_breakdown([10, 9, 8, 3]),
    "evolution_timeline": lambda: plots.evolution_timeline(),
    "repeat_rate_plot": lambda: plots.repeat_rate_plot(pd.DataFrame(
        {"customers": [10, 30], "repeat_rate": [0.5, 0.2]},
        index=pd.Index(["store", "web"], name="channel"))),
    "cash_flow_plot": lambda: plots.cash_flow_plot(10_000, [1_000] * 12, annual_rate=0.1),
    "portfolio_matrix": lambda: plots.portfolio_matrix(_suppliers(), types=[1, 4, 2]),
    "abc_curve": lambda: plots.abc_curve(abc_analysis(
        pd.DataFrame({"id": list("abcd"), "v": [60, 25, 10, 5]}), value="v", label="id")),
}


def _texts(ax):
    """Every text a reader sees on the figure of ``ax``."""
    found = []
    for axes in ax.figure.axes:
        found += [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
        found += [t.get_text() for t in axes.texts]
        found += [t.get_text() for t in axes.get_xticklabels() + axes.get_yticklabels()]
        legend = axes.get_legend()
        if legend is not None:
            found += [legend.get_title().get_text()] + [t.get_text() for t in legend.get_texts()]
    return [text for text in found if text]


def _english_phrases():
    """The English words of every figure entry of the catalog that Azerbaijani translates:
    each literal stretch between ``{fields}`` with a word in it."""
    from crmlab.core.i18n import catalog

    english, az = catalog("en"), catalog("az")
    phrases = set()
    for key, text in english.items():
        if key.split(".")[0] in ("plot", "relationship") and text != az[key]:
            phrases |= {part.strip(" :(),") for part in re.split(r"\{[^}]*\}", text)}
    return {p for p in phrases if re.search(r"[A-Za-z]{3,}", p)}


def _english_in(texts):
    return sorted({phrase for phrase in _english_phrases() for text in texts
                   if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)})


def test_every_figure_is_drawn_in_every_language():
    assert set(DRAW) == set(plots.__all__)


@pytest.mark.parametrize("name", sorted(DRAW))
def test_figures_speak_the_students_language(name):
    from crmlab.core.i18n import set_language

    try:
        set_language("az")
        az = _texts(DRAW[name]())
        set_language("en")
        english = _texts(DRAW[name]())
    finally:
        set_language(None)
    assert _english_in(az) == []
    assert _english_in(english) != []  # the same figure in English is still English
    assert az != english
