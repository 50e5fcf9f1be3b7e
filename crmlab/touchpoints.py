"""The touchpoint map (L06, C4): where customers meet the company, front office and back office.

Seed 002 says customer relations are not built only in the so-called front-office channels,
"telefonski recepciji, prodaji in trženju" (phone reception, sales and marketing), but also
through the customer's other contacts with the company, typically back office: "poprodajne
storitve, računovodstvo, trgovina itd." (after-sales services, accounting, the shop, etc.).
``TOUCHPOINT_OFFICE`` codes the course company's touchpoints by that list; the touchpoints the
source does not name are coded by the course and marked so. Every function of the course that
speaks of an office (:func:`touchpoint_map`, :mod:`crmlab.contact_outcomes`) takes it from here,
not from the ``office`` column of an interaction log, so the map, the analyses and the source
agree.
"""

from __future__ import annotations

import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.validation import check_columns, expected

__all__ = ["TOUCHPOINT_OFFICE", "office_of", "touchpoint_map", "CONTENT"]

#: touchpoint -> (office, basis). Basis "seed 002" when the source names the touchpoint (its
#: words in brackets), "course" when the course placed it (the source's list ends in "etc.").
TOUCHPOINT_OFFICE = {
    "call_centre": ("front", "seed 002: phone reception (telefonska recepcija)"),
    "sales_rep": ("front", "seed 002: sales (prodaja)"),
    "website": ("front", "course: the web shop's sales and marketing pages"),
    "email": ("front", "course: marketing e-mail"),
    "shop": ("back", "seed 002: the shop ('trgovina', one machine-translated word)"),
    "after_sales": ("back", "seed 002: after-sales services (poprodajne storitve)"),
    "accounting": ("back", "seed 002: accounting (računovodstvo)"),
    "complaints": ("back", "course: handling complaints, with after-sales"),
    "delivery": ("back", "course: delivery, behind the sale"),
}


#: Where each touchpoint's office comes from, in every language
#: (``crmlab/data/content/<lang>/touchpoints.yaml``), shown translated by the display.
CONTENT = Domain("touchpoints", lambda: [basis for _, basis in TOUCHPOINT_OFFICE.values()])


def office_of(touchpoints) -> pd.Series:
    """The office ("front" or "back") of each touchpoint, by ``TOUCHPOINT_OFFICE``.

    Examples
    --------
    >>> office_of(pd.Series(["shop", "call_centre"])).tolist()
    ['back', 'front']
    >>> office_of(["lobby"])
    Traceback (most recent call last):
    ...
    ValueError: Got touchpoint='lobby' instead, expected a touchpoint of TOUCHPOINT_OFFICE: \
'call_centre', 'sales_rep', 'website', 'email', 'shop', 'after_sales', 'accounting', \
'complaints', 'delivery'.
    """
    series = pd.Series(touchpoints).astype(str)
    unknown = series[~series.isin(list(TOUCHPOINT_OFFICE))]
    if len(unknown):
        raise expected("touchpoint", unknown.iloc[0], "a touchpoint of TOUCHPOINT_OFFICE: "
                       + ", ".join(repr(t) for t in TOUCHPOINT_OFFICE))
    return series.map({t: office for t, (office, _) in TOUCHPOINT_OFFICE.items()}) \
        .rename("office")


def touchpoint_map(interactions: pd.DataFrame) -> pd.DataFrame:
    """One row per touchpoint: office, contacts, customers, response time and resolution.

    The office and its ``basis`` come from ``TOUCHPOINT_OFFICE`` (the source's list where it
    names the touchpoint). Rows are sorted by office, then by contacts, most first. The basis is
    a sentence, so the table shows every cell whole (a :class:`~crmlab.core.display.TextTable`).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "a"], "touchpoint": ["shop", "accounting",
    ...     "accounting"], "response_hours": [1.0, 30.0, 50.0], "resolved": [True, False, True]})
    >>> touchpoint_map(log)[["office", "contacts", "customers", "mean_response_hours",
    ...                      "resolved_share"]]
               office  contacts  customers  mean_response_hours  resolved_share
    touchpoint
    accounting   back         2          2                 40.0             0.5
    shop         back         1          1                  1.0             1.0
    >>> touchpoint_map(log).loc["shop", "basis"]
    "seed 002: the shop ('trgovina', one machine-translated word)"
    """
    check_columns(interactions, ["customer_id", "touchpoint", "response_hours", "resolved"],
                  table="interactions")
    log = interactions.assign(touchpoint=interactions["touchpoint"].astype(str))
    g = log.groupby("touchpoint")
    out = pd.DataFrame({
        "contacts": g.size().astype("int64"),
        "customers": g["customer_id"].nunique().astype("int64"),
        "mean_response_hours": g["response_hours"].mean().round(1),
        "resolved_share": g["resolved"].mean().round(3),
    })
    out.insert(0, "office", office_of(out.index.to_series()).to_numpy())
    out.insert(1, "basis", [TOUCHPOINT_OFFICE[t][1] for t in out.index])
    return text_table(out.sort_values(["office", "contacts"], ascending=[True, False],
                                      kind="stable"))
