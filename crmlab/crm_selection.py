"""Choosing a CRM system: weighted scoring, how robust the winner is, and payback.

Weighted scoring multiplies each candidate's score on each requirement by the requirement's
weight and adds up. The sensitivity analysis asks how much a *single* weight would have to
change (the others rescaled to keep the sum at 1) before another candidate wins. The payback
period of an investment with monthly net benefits is the first month in which the cumulative
(optionally discounted) cash flow is no longer negative; the source (seed 000) cites a typical
CRM payback of 8-12 months.

For a modular system rolled out in phases (case C3), :func:`rollout_order` orders the modules
by the company's needs they meet, :func:`course_company_needs` weighs the needs of the course
company from its data, :data:`SIEBEL_MODULE_NEEDS` says which module meets which need, and
:func:`phased_benefits` turns a phase plan into monthly benefits for :func:`payback_period`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.validation import (
    check_column_options,
    check_columns,
    check_each,
    check_number,
    check_whole,
    expected,
)

__all__ = ["normalise_weights", "weighted_scores", "sensitivity", "payback_period",
           "cumulative_cash_flow", "example_candidates", "requirement_profile",
           "SIEBEL_MODULE_NEEDS", "course_company_needs", "needs_matrix", "rollout_order",
           "phased_benefits", "CONTENT"]


def normalise_weights(weights: dict) -> pd.Series:
    """Return weights as a Series summing to 1; negative, NaN or all-zero weights are errors.

    Examples
    --------
    >>> normalise_weights({"price": 2, "support": 1, "features": 1}).tolist()
    [0.5, 0.25, 0.25]
    >>> normalise_weights({"price": -1, "support": 1})
    Traceback (most recent call last):
    ...
    ValueError: Got weight=-1 at requirement 'price' instead, expected a number >= 0.
    """
    raw = weights if isinstance(weights, pd.Series) else pd.Series(weights, dtype=object)
    check_each("weight", raw, minimum=0, item="requirement")
    series = raw.astype(float)
    total = series.sum()
    if total <= 0:
        raise expected("weights", dict(raw), "at least one requirement with a weight > 0")
    return series / total


def _check_scores(scores: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """The score columns of the weighted requirements, each score a number."""
    check_columns(scores, list(weights.index), table="scores")
    for requirement in weights.index:
        check_each(requirement, scores[requirement], item="candidate")
    return scores[list(weights.index)].astype(float)


def weighted_scores(scores: pd.DataFrame, weights: dict) -> pd.Series:
    """Total weighted score of each candidate (rows of ``scores``), best first.

    Parameters
    ----------
    scores : DataFrame
        One row per candidate system (the index names it), one column per requirement.
    weights : dict or Series
        Weight per requirement; normalised to sum to 1 (see :func:`normalise_weights`).

    Examples
    --------
    >>> scores = pd.DataFrame({"price": [4, 2], "support": [2, 5]}, index=["A", "B"])
    >>> weighted_scores(scores, {"price": 0.5, "support": 0.5}).to_dict()
    {'B': 3.5, 'A': 3.0}
    """
    w = normalise_weights(weights)
    table = _check_scores(scores, w)
    total = table.mul(w, axis=1).sum(axis=1)
    order = np.lexsort((total.index.astype(str), -total.to_numpy()))
    return total.iloc[order].rename("weighted_score")


def sensitivity(scores: pd.DataFrame, weights: dict) -> pd.DataFrame:
    """For each requirement, the smallest change of its weight that changes the winner.

    The weight ``w_i`` moves to ``w_i + d`` and the other weights are rescaled by
    ``(1 - w_i - d) / (1 - w_i)`` so the sum stays 1. Scores are linear in ``d``, so the
    change at which each rival overtakes the winner is solved exactly.

    Returns a DataFrame with columns requirement, weight, change (signed; NaN when no change
    within [0, 1] makes another candidate win), new_weight and new_winner, smallest change first.

    Examples
    --------
    >>> scores = pd.DataFrame({"price": [4, 2], "support": [2, 5]}, index=["A", "B"])
    >>> sensitivity(scores, {"price": 0.5, "support": 0.5}).iloc[0].to_dict()
    {'requirement': 'price', 'weight': 0.5, 'change': 0.1, 'new_weight': 0.6, 'new_winner': 'A'}
    """
    w = normalise_weights(weights)
    table = _check_scores(scores, w)
    base = weighted_scores(scores, w)
    winner = base.index[0]
    rows = []
    for req in w.index:
        wi = w[req]
        best = None
        for rival in table.index:
            if rival == winner:
                continue
            diff = table.loc[winner] - table.loc[rival]
            others = diff.drop(req)
            w_others = w.drop(req)
            rest = float((others * w_others).sum())
            # margin(d) = diff_req (wi + d) + rest (1 - wi - d) / (1 - wi); find margin(d) = 0
            if wi < 1:
                slope = float(diff[req]) - rest / (1 - wi)
                intercept = float(diff[req]) * wi + rest
            else:
                slope, intercept = float(diff[req]) - float((others).mean()), float(diff[req])
            if slope == 0:
                continue
            d = -intercept / slope
            if -wi - 1e-12 <= d <= 1 - wi + 1e-12 and (best is None or abs(d) < abs(best[0])):
                best = (d, rival)
        if best is None:
            rows.append({"requirement": req, "weight": round(float(wi), 6), "change": np.nan,
                         "new_weight": np.nan, "new_winner": ""})
        else:
            rows.append({"requirement": req, "weight": round(float(wi), 6),
                         "change": round(best[0], 6), "new_weight": round(float(wi + best[0]), 6),
                         "new_winner": best[1]})
    frame = pd.DataFrame(rows)
    frame["_abs"] = frame["change"].abs()
    return frame.sort_values(["_abs", "requirement"], na_position="last").drop(
        columns="_abs").reset_index(drop=True)


def cumulative_cash_flow(investment: float, monthly_benefits, *,
                         annual_rate: float = 0.0) -> pd.Series:
    """Cumulative cash flow by month (month 0 is the investment), discounted if rate > 0.

    ``monthly_benefits`` are the net benefits of months 1, 2, ...; with ``annual_rate`` (0.1 for
    10% a year) month ``m`` is discounted by ``(1 + annual_rate) ** (-m / 12)``.

    Examples
    --------
    >>> cumulative_cash_flow(1_000, [400, 400, 400]).tolist()
    [-1000.0, -600.0, -200.0, 200.0]
    """
    check_number("investment", investment, minimum=0, strict=True, what="amount")
    check_number("annual_rate", annual_rate, minimum=0, what="rate")
    benefits = list(monthly_benefits)
    if not benefits:
        raise expected("monthly_benefits", benefits, "at least one month's benefit")
    check_each("monthly_benefits", pd.Series(benefits, index=range(1, len(benefits) + 1),
                                             dtype=object), item="month")
    benefits = np.asarray(benefits, dtype=float)
    months = np.arange(1, benefits.size + 1)
    factor = (1 + annual_rate) ** (-months / 12)
    flows = np.concatenate([[-float(investment)], benefits * factor])
    return pd.Series(np.cumsum(flows), index=pd.RangeIndex(0, benefits.size + 1, name="month"),
                     name="cumulative_cash_flow")


def payback_period(investment: float, monthly_benefits, *, annual_rate: float = 0.0):
    """The first month whose cumulative cash flow is >= 0, or None if it never pays back.

    Examples
    --------
    >>> payback_period(10_000, [1_000] * 12)
    10
    >>> payback_period(10_000, [1_000] * 9) is None
    True
    >>> payback_period(10_000, [1_000] * 12, annual_rate=0.12)
    11
    """
    cumulative = cumulative_cash_flow(investment, monthly_benefits, annual_rate=annual_rate)
    paid = np.flatnonzero(cumulative.to_numpy()[1:] >= -1e-9)
    return int(paid[0]) + 1 if paid.size else None


def example_candidates() -> pd.DataFrame:
    """Illustrative 1-5 scores of three systems of the source's Table 5.7 on four requirements.

    The scores are this course's assumptions for practice, not the source's ratings.

    Examples
    --------
    >>> example_candidates().loc["Terrasoft", "price"]
    np.int64(5)
    """
    return pd.DataFrame(
        {"sales automation": [5, 4, 4], "analytics": [5, 3, 3], "call centre": [5, 3, 4],
         "price": [2, 4, 5]},
        index=pd.Index(["Siebel (Oracle)", "SalesLogix", "Terrasoft"], name="candidate"),
    )


def requirement_profile(seed: int) -> dict:
    """A requirements profile (weights summing to 1, rounded to 0.05) drawn from ``seed``.

    Examples
    --------
    >>> profile = requirement_profile(3)
    >>> sorted(profile) == sorted(example_candidates().columns), round(sum(profile.values()), 6)
    (True, 1.0)
    """
    rng = np.random.default_rng(seed)
    raw = rng.dirichlet([1.5, 1.5, 1.0, 2.5])  # price matters more for some students
    steps = np.maximum(np.round(raw * 20), 1)
    steps[np.argmax(steps)] += 20 - steps.sum()
    return {name: round(float(s) / 20, 2) for name, s in zip(example_candidates().columns, steps)}


#: Which needs of the course company each module of Oracle Siebel CRM meets. The modules are
#: seed 000's list (``crmlab.taxonomy.table("siebel_modules")``); the links are the course's
#: reading of the module names and of the main functions Table 5.6 gives the matching system
#: types (SFA includes order processing; MA distributes offers to groups of customers). The
#: source does not link modules to needs. Employee relationship management meets no need the
#: course data records (it holds no staff data), so the data cannot weigh it.
SIEBEL_MODULE_NEEDS = {
    "business analytics": ("rank customers by value",),
    "sales management": ("support the salespeople", "process orders"),
    "marketing management": ("target offers",),
    "contact centres and call centres": ("answer customer contacts",),
    "order processing management": ("process orders",),
    "partner relationship management": ("coordinate suppliers",),
    "employee relationship management": (),
}

_NEED_MEASURES = {  # need -> what is counted in the year
    "answer customer contacts": "contacts (interactions)",
    "process orders": "orders",
    "target offers": "contacts at which an offer was presented",
    "support the salespeople": "orders taken by field sales or phone",
    "rank customers by value": "customers who ordered",
    "coordinate suppliers": "supplier invoices (purchases)",
}


def course_company_needs(orders: pd.DataFrame, interactions: pd.DataFrame,
                         purchases: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """The needs a CRM system would meet at a company, weighed by how often they arise in a year.

    Each need of :data:`SIEBEL_MODULE_NEEDS` is counted in the data of one calendar year: one
    case of a need is one contact, order, offer, customer or invoice (see ``measure``). The
    weight of a need is its number of cases: a simple rule of the course, which treats a contact
    to answer and an order to process as equally heavy.

    Parameters
    ----------
    orders : DataFrame
        Columns ``order_id``, ``customer_id``, ``order_date``, ``channel`` (order lines).
    interactions : DataFrame
        Columns ``interaction_date``, ``offer`` (empty or missing: no offer).
    purchases : DataFrame
        Column ``purchase_date``. None of the three is modified.
    year : int
        The calendar year counted.

    Returns
    -------
    DataFrame
        Indexed by ``need``: ``measure`` (what is counted) and ``cases``, most cases first.

    Examples
    --------
    >>> from crmlab import datasets
    >>> needs = course_company_needs(datasets.load("orders"), datasets.load("interactions"),
    ...                              datasets.load("purchases"), year=2024)
    >>> needs.columns.tolist(), len(needs)
    (['measure', 'cases'], 6)
    """
    check_columns(orders, ["order_id", "customer_id", "order_date", "channel"], table="orders")
    check_columns(interactions, ["interaction_date", "offer"], table="interactions")
    check_columns(purchases, ["purchase_date"], table="purchases")
    year = check_whole("year", year)
    in_year = orders[orders["order_date"].dt.year == year]
    contacts = interactions[interactions["interaction_date"].dt.year == year]
    offers = contacts["offer"].fillna("").astype(str).str.strip() != ""
    sales_force = in_year["channel"].astype(str).isin(["field_sales", "phone"])
    cases = {
        "answer customer contacts": len(contacts),
        "process orders": in_year["order_id"].nunique(),
        "target offers": int(offers.sum()),
        "support the salespeople": in_year.loc[sales_force, "order_id"].nunique(),
        "rank customers by value": in_year["customer_id"].nunique(),
        "coordinate suppliers": int((purchases["purchase_date"].dt.year == year).sum()),
    }
    if not any(cases.values()):
        raise expected("year", year, "a year with orders, contacts or invoices in the data")
    out = pd.DataFrame({"measure": pd.Series(_NEED_MEASURES),
                        "cases": pd.Series(cases, dtype="int64")})
    out.index.name = "need"
    return text_table(out.sort_values("cases", ascending=False, kind="stable"))


def needs_matrix(needs, meets: dict) -> pd.DataFrame:
    """The table of needs against modules: "x" where a module meets a need.

    Parameters
    ----------
    needs : DataFrame, Series, Index or list
        The needs, in the order of the rows (a table gives its index, e.g. the result of
        :func:`course_company_needs`).
    meets : dict
        Module -> the needs it meets, e.g. :data:`SIEBEL_MODULE_NEEDS`; one column each.

    Examples
    --------
    >>> needs_matrix(["orders", "offers"], {"sales": ("orders",), "marketing": ("offers",),
    ...                                     "staff": ()})
           sales marketing staff
    need
    orders     x
    offers               x
    """
    rows = list(needs.index if isinstance(needs, (pd.Series, pd.DataFrame)) else needs)
    for module, wanted in meets.items():
        for need in wanted:
            if need not in rows:
                raise expected("need", need, "one of " + ", ".join(map(repr, rows)),
                               where=f" for module {module!r}")
    table = pd.DataFrame({module: ["x" if need in wanted else "" for need in rows]
                          for module, wanted in meets.items()},
                         index=pd.Index(rows, name="need"))
    return table


def rollout_order(needs, meets: dict) -> pd.DataFrame:
    """Order modules so that each next one meets the most weight of the needs not yet met.

    The rule (a greedy cover): start with nothing met; at each step take the module whose needs
    not yet met weigh most, ties going to the module listed first in ``meets``; its needs are
    then met. A module that adds nothing (its needs met already, or none it can meet) comes
    after all that add something, in the order of ``meets``.

    Parameters
    ----------
    needs : Series or dict
        The weight of each need (>= 0), e.g. the ``cases`` of :func:`course_company_needs`.
    meets : dict
        Module -> the needs it meets (names of ``needs``), e.g. :data:`SIEBEL_MODULE_NEEDS`.

    Returns
    -------
    DataFrame
        One row per module in rollout order (``step`` from 1): ``module``, ``newly_met`` (the
        needs it is the first to meet, joined by "; "), ``weight_added`` and ``share_met`` (the
        cumulative share of the total weight met after this step).

    Examples
    --------
    >>> order = rollout_order({"contacts": 50, "orders": 40, "offers": 20},
    ...                       {"marketing": ("offers",), "sales": ("orders", "offers"),
    ...                        "contact centre": ("contacts",), "orders module": ("orders",)})
    >>> order[["module", "weight_added", "share_met"]]
                   module  weight_added  share_met
    step
    1               sales            60   0.545455
    2      contact centre            50   1.000000
    3           marketing             0   1.000000
    4       orders module             0   1.000000
    >>> rollout_order({"contacts": 5}, {"sales": ("orders",)})
    Traceback (most recent call last):
    ...
    ValueError: Got need='orders' for module 'sales' instead, expected one of 'contacts'.
    """
    weights = needs if isinstance(needs, pd.Series) else pd.Series(needs, dtype=object)
    check_each("need weight", weights, minimum=0, item="need")
    weights = weights.astype(float)
    for module, wanted in meets.items():
        for need in wanted:
            if need not in weights.index:
                raise expected("need", need, "one of " + ", ".join(map(repr, weights.index)),
                               where=f" for module {module!r}")
    total = float(weights.sum())
    if total <= 0:
        raise expected("needs", {k: float(v) for k, v in weights.items()},
                       "at least one need with a weight > 0")
    met: set = set()
    left = list(meets)
    rows = []
    while left:
        gains = [float(weights[[n for n in meets[m] if n not in met]].sum()) for m in left]
        best = max(range(len(left)), key=lambda i: (gains[i], -i))
        if gains[best] <= 0:
            best = 0
        module = left.pop(best)
        new = [n for n in meets[module] if n not in met]
        met.update(new)
        rows.append({"module": module, "newly_met": "; ".join(new),
                     "weight_added": weights[new].sum(),
                     "share_met": float(weights[list(met)].sum()) / total})
    out = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="step"))
    if weights.map(float.is_integer).all():
        out["weight_added"] = out["weight_added"].astype("int64")
    return out


def phased_benefits(plan: pd.DataFrame, *, months: int = 24, start: str = "live from month",
                    benefit: str = "monthly benefit") -> list:
    """Net benefit of each month 1..``months`` of a phased rollout.

    Each row of ``plan`` is a phase that brings ``benefit`` every month from month ``start`` on
    (month 1 is the first month after the investment); a month's benefit is the sum over the
    phases live by then. Feed the result to :func:`payback_period`.

    Examples
    --------
    >>> plan = pd.DataFrame({"live from month": [1, 3], "monthly benefit": [100, 50]})
    >>> phased_benefits(plan, months=4)
    [100, 100, 150, 150]
    >>> phased_benefits(plan.assign(**{"live from month": [0, 3]}), months=4)
    Traceback (most recent call last):
    ...
    ValueError: Got live from month=0 at phase 0 instead, expected a whole number >= 1.
    """
    check_column_options(plan, start=start, benefit=benefit)
    months = check_whole("months", months, minimum=1)
    check_each(start, plan[start], minimum=1, whole=True, item="phase")
    check_each(benefit, plan[benefit], item="phase")
    starts = plan[start].astype(int).to_numpy()
    values = plan[benefit].to_numpy()
    out = []
    for month in range(1, months + 1):
        total = values[starts <= month].sum()
        out.append(int(total) if float(total).is_integer() else float(total))
    return out


#: The needs of the course company and what each one counts, in every language
#: (``crmlab/data/content/<lang>/crm_selection.yaml``); the tables keep the needs as
#: identifiers (lessons index them) and the display shows them translated.
CONTENT = Domain("crm_selection", lambda: [text for need, measure in _NEED_MEASURES.items()
                                           for text in (need, measure)])
