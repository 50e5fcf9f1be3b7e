"""Customer profiles (L04): the personalised profile of each person and their purchase history.

The source's step 5 of personalisation names what a profile holds: name and address, contact
information, purchases over a period, personal interests, preferences
(``crmlab.marketing.PROFILE_CONTENTS``). :func:`customer_profiles` builds it per person of a
:class:`crmlab.record_linkage.CustomerView`, with the consent flags of every record combined
(a person consents to a purpose only if every one of their records does: a refusal given in
one channel is honoured in all of them, and the records carry no date of consent that would let
a later "yes" overrule an earlier "no").
"""

from __future__ import annotations

import pandas as pd

from crmlab.consent import CONSENT_COLUMNS
from crmlab.core.validation import check_columns, expected
from crmlab.record_linkage import CustomerView, normalise_email, normalise_phone

__all__ = ["customer_profiles", "purchase_history"]


def _join_unique(person: pd.Series, values: pd.Series) -> pd.Series:
    """Per person: the distinct non-empty values, sorted, joined with "; " (vectorised)."""
    pairs = pd.DataFrame({"person": person.to_numpy(), "value": values.to_numpy()})
    pairs = pairs[pairs["value"].notna()]
    pairs = pairs[pairs["value"].astype(str) != ""].astype({"value": str})
    pairs = pairs.drop_duplicates().sort_values(["person", "value"], kind="stable")
    return pairs.groupby("person", sort=True)["value"].agg("; ".join)


def customer_profiles(customers: pd.DataFrame, orders: pd.DataFrame, *, view: CustomerView,
                      products: pd.DataFrame | None = None) -> pd.DataFrame:
    """The personalised profile of every person: the source's five kinds of information.

    Name and address (from the person's first record, properly capitalised), contacts (every
    e-mail and phone, normalised), purchases over time (orders, first and last order, revenue,
    margin), interests (union over the records) and preferences (preferred channel of the latest
    record, the product category bought most if ``products`` is given), plus consent (every
    record must agree).

    Examples
    --------
    >>> records = pd.DataFrame({"customer_id": ["C1", "C2"], "first_name": ["Ann", "ANN"],
    ...     "last_name": ["Lee", "LEE"], "email": ["ann@x.az", ""], "phone": ["0501112233",
    ...     "+994 50 111 22 33"], "city": ["Baku", "Baku"], "address": ["Nizami str. 1"] * 2,
    ...     "preferred_channel": ["web", "phone"], "signup_date": pd.to_datetime(["2024-01-01",
    ...     "2024-02-01"]), "interests": ["Dairy", "Dairy;Household"],
    ...     "consent_email": [True, False], "consent_profiling": [True, True],
    ...     "consent_winback": [True, True]})
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C2"],
    ...     "order_date": pd.to_datetime(["2024-01-03", "2024-03-01"]), "revenue": [10.0, 5.0],
    ...     "margin": [2.0, 1.0], "product_id": ["P1", "P1"]})
    >>> from crmlab.record_linkage import single_customer_view
    >>> p = customer_profiles(records, orders, view=single_customer_view(records)).iloc[0]
    >>> print(p["name"], p["phones"], p["interests"], p["orders"], p["consent_email"], sep=" | ")
    Ann Lee | +994 50 111 22 33 | Dairy; Household | 2 | False
    """
    check_columns(customers, ["customer_id", "first_name", "last_name", "email", "phone", "city",
                              "address", "preferred_channel", "signup_date", "interests",
                              *CONSENT_COLUMNS], table="customers")
    check_columns(orders, ["order_id", "customer_id", "order_date", "revenue", "margin"],
                  table="orders")
    recs = view.assign(customers).sort_values(["person", "signup_date", "customer_id"],
                                              kind="stable")
    phones = normalise_phone(recs["phone"])
    phones = phones.where(phones.str.len() != 9,
                          "+994 " + phones.str[:2] + " " + phones.str[2:5] + " "
                          + phones.str[5:7] + " " + phones.str[7:])
    interests = recs["interests"].fillna("").astype(str).str.split(";")
    g = recs.groupby("person", sort=True)
    first = g.head(1).set_index("person")
    out = pd.DataFrame({
        "records": g["customer_id"].agg("; ".join),
        "name": (first["first_name"].str.title() + " " + first["last_name"].str.title()),
        "city": first["city"], "address": first["address"],
        "emails": _join_unique(recs["person"], normalise_email(recs["email"])),
        "phones": _join_unique(recs["person"], phones),
        "interests": _join_unique(recs["person"].repeat(interests.str.len()),
                                  interests.explode()),
        "preferred_channel": g["preferred_channel"].last().astype(str),
    })
    for column in ("emails", "phones", "interests"):
        out[column] = out[column].fillna("")
    ords = view.assign(orders)
    og = ords.groupby("person", sort=True)
    out["orders"] = og["order_id"].nunique().reindex(out.index).fillna(0).astype("int64")
    out["first_order"] = og["order_date"].min().reindex(out.index)
    out["last_order"] = og["order_date"].max().reindex(out.index)
    out["revenue"] = og["revenue"].sum().reindex(out.index).fillna(0.0).round(2)
    out["margin"] = og["margin"].sum().reindex(out.index).fillna(0.0).round(2)
    if products is not None:
        check_columns(products, ["product_id", "category"], table="products")
        check_columns(orders, ["order_id", "customer_id", "order_date", "revenue", "margin",
                               "product_id"], table="orders")
        cat = ords.merge(products[["product_id", "category"]], on="product_id", how="left")
        spend = cat.groupby(["person", "category"], observed=True)["revenue"].sum().reset_index()
        spend = spend.sort_values(["person", "revenue", "category"],
                                  ascending=[True, False, True], kind="stable")
        out["top_category"] = spend.drop_duplicates("person").set_index("person")["category"] \
            .astype(str).reindex(out.index)
    for column in CONSENT_COLUMNS:
        out[column] = g[column].all()
    out.index.name = "person"
    return out


def purchase_history(orders: pd.DataFrame, *, view: CustomerView, person: str,
                     freq: str = "Q") -> pd.DataFrame:
    """One person's purchases over time: orders and revenue per period (``freq``: "M", "Q", "Y").

    Examples
    --------
    >>> records = pd.DataFrame({"customer_id": ["C1", "C2"], "first_name": ["A", "A"],
    ...     "last_name": ["B", "B"], "email": ["a@b.az", "A@B.AZ"], "phone": ["1", "2"],
    ...     "address": ["Nizami str. 1"] * 2, "city": ["Baku"] * 2})
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": ["C1", "C2", "C2"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-07-01"]),
    ...     "revenue": [10.0, 5.0, 7.5]})
    >>> from crmlab.record_linkage import single_customer_view
    >>> purchase_history(orders, view=single_customer_view(records), person="C1")
            orders  revenue
    period
    2024Q1       2     15.0
    2024Q3       1      7.5
    """
    if person not in set(view.person):
        raise expected("person", person, "a person of the customer view such as "
                       f"{view.person.iloc[0]!r}")
    ords = view.assign(orders)
    mine = ords[ords["person"] == person]
    period = pd.to_datetime(mine["order_date"]).dt.to_period(freq).astype(str).rename("period")
    g = mine.groupby(period, sort=True)
    return pd.DataFrame({"orders": g["order_id"].nunique().astype("int64"),
                         "revenue": g["revenue"].sum().round(2)})
