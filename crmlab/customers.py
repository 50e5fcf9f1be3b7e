"""Customer data (L04): the single customer view, personalised profiles, consent, service levels.

The single customer view (:func:`single_customer_view`) links two records of one person when
they share a contact key (the e-mail trimmed and lower-cased, an empty address never matching;
the phone reduced to its 9 national digits, so ``+994 50 123 45 67``, ``+994501234567`` and
``0501234567`` are one phone) and a second field agrees too (the other contact key or the
address), with names that agree once upper case and transliteration (Aliyev / Aliev) are set
aside. Linking is transitive. Pairs that share a key but fail the rest are reported for review,
not merged.

Consent after a merge: a person consents to a purpose only if every one of their records does.
A refusal given in one channel has to be honoured in all of them, and the records carry no date
of consent that would let a later "yes" overrule an earlier "no".

Every function here that selects customers for a purpose takes ``purpose=`` (one of
``PURPOSES``), leaves out the customers without the matching consent and says how many it left
out. Asking for an unknown purpose is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "PURPOSES", "normalise_email", "normalise_phone", "name_key", "CustomerView",
    "single_customer_view", "merge_quality", "customer_profiles", "purchase_history",
    "Selection", "select_customers", "service_levels", "SERVICE_OFFERS",
]

#: What a purpose needs: the consent column that must be true, and what the purpose is.
PURPOSES = {
    "email_campaign": ("consent_email", "e-mail campaigns"),
    "profiling": ("consent_profiling", "profiling (segments, service levels, personal offers)"),
    "win_back": ("consent_winback", "win-back offers to customers who stopped buying"),
}

#: The source's twelfth step of personalisation: a different service for each kind of customer.
SERVICE_OFFERS = {
    "best": "special rewards",
    "regular": "incentives to buy more products or services",
    "recently lost": "a special offer to come back",
    "lapsed": "none: left before the win-back window",
    "prospect": "none: no purchase yet",
}

_TRANSLIT = [("iyev", "iev"), ("ayev", "aev"), ("iyeva", "ieva"), ("ayeva", "aeva")]


def _check_columns(data: pd.DataFrame, names, what: str) -> None:
    missing = [n for n in names if n not in data.columns]
    if missing:
        known = ", ".join(repr(c) for c in data.columns)
        raise ValueError(f"Got {what} without the column {missing[0]!r}, expected the columns "
                         f"{', '.join(repr(n) for n in names)} (it has {known}).")


def normalise_email(values) -> pd.Series:
    """Trim and lower-case e-mail addresses; empty or missing ones become ``<NA>``.

    Examples
    --------
    >>> normalise_email(pd.Series([" Ann.Lee@Example.AZ ", "", None])).tolist()
    ['ann.lee@example.az', <NA>, <NA>]
    """
    out = pd.Series(values, dtype="string").str.strip().str.lower()
    return out.mask(out == "")


def normalise_phone(values) -> pd.Series:
    """Reduce Azerbaijani phone numbers to their 9 national digits; others keep their digits.

    Numbers with fewer than 7 digits cannot identify anyone and become ``<NA>``.

    Examples
    --------
    >>> normalise_phone(pd.Series(["+994 50 123 45 67", "+994501234567", "0501234567", "12-34"]))
    0    501234567
    1    501234567
    2    501234567
    3         <NA>
    dtype: string
    """
    digits = pd.Series(values, dtype="string").str.replace(r"\D", "", regex=True)
    national = digits.str.replace(r"^(?:994|0)(\d{9})$", r"\1", regex=True)
    return national.mask(national.str.len() < 7)


def name_key(first, last) -> pd.Series:
    """A comparison key for names: lower case, single spaces, ``-iyev`` read as ``-iev``.

    Examples
    --------
    >>> name_key(pd.Series(["AYTAN"]), pd.Series(["Guliyeva"])).tolist()
    ['aytan gulieva']
    """
    key = (pd.Series(first, dtype="string").str.strip() + " "
           + pd.Series(last, dtype="string").str.strip()).str.lower()
    key = key.str.replace(r"\s+", " ", regex=True)
    for a, b in _TRANSLIT:
        key = key.str.replace(a, b, regex=False)
    return key


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes: label = smallest node index of the component."""
    parent = np.arange(n)

    def find(i):
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(n)], dtype="int64")


@dataclass(frozen=True)
class CustomerView:
    """The result of :func:`single_customer_view`.

    Attributes
    ----------
    person : Series
        For every record (index ``customer_id``), the person it belongs to, named after the
        person's first record (``C00017`` for the records of the person first seen as C00017).
    report : DataFrame
        One row per pair of records merged: ``customer_id``, ``other_id``, ``person``,
        ``evidence`` (the fields that agree, e.g. ``phone+address``) and ``same_name``
        (reported, never used to decide).
    review : DataFrame
        Candidate pairs left apart (``customer_id``, ``other_id``, ``evidence``,
        ``same_name``): a person should check them.
    """

    person: pd.Series
    report: pd.DataFrame
    review: pd.DataFrame

    @property
    def n_records(self) -> int:
        return len(self.person)

    @property
    def n_people(self) -> int:
        return int(self.person.nunique())

    def assign(self, table: pd.DataFrame, *, customer_id: str = "customer_id") -> pd.DataFrame:
        """A copy of ``table`` with a ``person`` column looked up from its ``customer_id``."""
        _check_columns(table, [customer_id], "a table")
        person = table[customer_id].map(self.person)
        unknown = table.loc[person.isna(), customer_id]
        if len(unknown):
            raise ValueError(f"Got customer_id={unknown.iloc[0]!r} instead, expected a record of "
                             "the customer view.")
        return table.assign(person=person.to_numpy())

    def __repr__(self) -> str:
        merged = self.n_records - self.n_people
        return (f"CustomerView: {self.n_records:,} records -> {self.n_people:,} people "
                f"({merged:,} records merged, {len(self.review):,} pairs left for review)")


_KEYS = ("email", "phone")


def _address_key(customers: pd.DataFrame) -> pd.Series:
    street = customers["address"].astype("string").str.lower().str.replace(r"[\s.,]+", " ",
                                                                           regex=True)
    return (street.str.strip() + "|" + customers["city"].astype("string").str.strip()
            .str.lower()).mask(customers["address"].isna())


def single_customer_view(customers: pd.DataFrame, *, on=_KEYS) -> CustomerView:
    """Merge the records of one person created in different channels.

    Candidate pairs share a contact key of ``on`` (normalised e-mail or phone). A candidate is
    merged when a second field agrees as well (the other contact key, or the address: street and
    city) and the names agree after :func:`name_key`; different names are overruled only when
    both contact keys agree. So one shared key is not proof (family members share a phone, two
    namesakes may be given look-alike e-mail addresses), and neither is a shared address with a
    shared landline when the first names differ (a household). Such pairs are left apart and
    listed in ``review``. Names alone never link records. Merging is transitive.

    Parameters
    ----------
    customers : DataFrame
        Columns ``customer_id``, ``first_name``, ``last_name``, ``address``, ``city`` and the
        keys in ``on``.
    on : sequence of {"email", "phone"}, default both
        The contact keys that make two records a candidate pair.

    Examples
    --------
    >>> records = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
    ...     "first_name": ["Ann", "ANN", "Ann", "Bob"], "last_name": ["Lee", "LEE", "Lee", "Lee"],
    ...     "email": ["ann@x.az", " ANN@x.az", "", ""],
    ...     "phone": ["+994 50 111 22 33", "0505550000", "0559998877", "0559998877"],
    ...     "address": ["Nizami str. 1", "Nizami str. 1", "Fuzuli str. 9", "Bulbul str. 4"],
    ...     "city": ["Baku"] * 4})
    >>> view = single_customer_view(records)
    >>> view
    CustomerView: 4 records -> 3 people (1 records merged, 1 pairs left for review)
    >>> view.report
      customer_id other_id person       evidence  same_name
    0          C1       C2     C1  email+address       True
    >>> view.review
      customer_id other_id evidence  same_name
    0          C3       C4    phone      False
    """
    on = (on,) if isinstance(on, str) else tuple(on)
    if not on or any(k not in _KEYS for k in on):
        raise ValueError(f"Got on={on!r} instead, expected a non-empty subset of {_KEYS}.")
    _check_columns(customers, ["customer_id", "first_name", "last_name", "address", "city", *on],
                   "customers")
    ids = customers["customer_id"].astype(str).to_numpy()
    dup = pd.Series(ids).duplicated()
    if dup.any():
        raise ValueError(f"Got customer_id={ids[dup.to_numpy()][0]!r} twice, expected one row "
                         "per record.")
    # Evidence fields: both contact keys when present (even if only one of them makes pairs).
    normalise = {"email": normalise_email, "phone": normalise_phone}
    fields = {k: f(customers[k]).reset_index(drop=True) for k, f in normalise.items()
              if k in customers.columns}
    fields["address"] = _address_key(customers).reset_index(drop=True)
    pos = np.arange(len(ids))

    # Candidate pairs: every pair of records that share one of the contact keys in ``on``.
    candidates = []
    for key in on:
        frame = pd.DataFrame({"k": fields[key], "i": pos}).dropna()
        both = frame.merge(frame, on="k", suffixes=("_a", "_b"))
        candidates.append(both.loc[both["i_a"] < both["i_b"], ["i_a", "i_b"]])
    pairs = (pd.concat(candidates).drop_duplicates().sort_values(["i_a", "i_b"])
             .to_numpy().reshape(-1, 2))
    agree = {}
    for name, values in fields.items():
        a = values.take(pairs[:, 0]).reset_index(drop=True)
        b = values.take(pairs[:, 1]).reset_index(drop=True)
        agree[name] = (a == b).fillna(False).astype(bool).to_numpy()
    agree = pd.DataFrame(agree)
    if len(pairs) == 0:
        agree = pd.DataFrame(columns=list(fields), dtype=bool)
    evidence = agree.apply(lambda row: "+".join(f for f in fields if row[f]), axis=1) \
        if len(agree) else pd.Series([], dtype=object)
    names = name_key(customers["first_name"], customers["last_name"]).to_numpy()
    same_name = (names[pairs[:, 0]] == names[pairs[:, 1]]).astype(bool)
    both_contacts = agree.get("email", False) & agree.get("phone", False)
    linked = (agree.sum(axis=1).to_numpy() >= 2) & (same_name | np.asarray(both_contacts))
    label = _components(len(ids), pairs[linked])
    person = pd.Series(ids[label], index=pd.Index(ids, name="customer_id"), name="person")
    report = pd.DataFrame({
        "customer_id": ids[pairs[linked, 0]], "other_id": ids[pairs[linked, 1]],
        "person": ids[label[pairs[linked, 0]]],
        "evidence": np.asarray(evidence, dtype=object)[linked],
        "same_name": same_name[linked],
    })
    review = pd.DataFrame({
        "customer_id": ids[pairs[~linked, 0]], "other_id": ids[pairs[~linked, 1]],
        "evidence": np.asarray(evidence, dtype=object)[~linked], "same_name": same_name[~linked],
    })
    return CustomerView(person=person, report=report, review=review)


def merge_quality(person, truth) -> dict:
    """Pairwise precision and recall of a merge against the true grouping of records.

    A pair of records is a true merge when both groupings put them together. ``person`` and
    ``truth`` are Series indexed by record id.

    Examples
    --------
    >>> found = pd.Series({"r1": "a", "r2": "a", "r3": "a", "r4": "d"})
    >>> truth = pd.Series({"r1": "x", "r2": "x", "r3": "y", "r4": "y"})
    >>> merge_quality(found, truth)
    {'true_pairs': 2, 'merged_pairs': 3, 'correct_pairs': 1, 'precision': 0.333, 'recall': 0.5}
    """
    both = pd.DataFrame({"found": pd.Series(person), "truth": pd.Series(truth)})
    if both.isna().any().any():
        side = "truth" if both["truth"].isna().any() else "person"
        record = both.index[both[side].isna()][0]
        raise ValueError(f"Got record {record!r} in only one grouping, expected the same records in "
                         "person and truth.")

    def pairs(sizes):
        sizes = np.asarray(sizes, dtype="int64")
        return int((sizes * (sizes - 1) // 2).sum())

    merged = pairs(both.groupby("found").size())
    true = pairs(both.groupby("truth").size())
    correct = pairs(both.groupby(["found", "truth"]).size())
    return {"true_pairs": true, "merged_pairs": merged, "correct_pairs": correct,
            "precision": round(correct / merged, 3) if merged else 1.0,
            "recall": round(correct / true, 3) if true else 1.0}


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
    >>> p = customer_profiles(records, orders, view=single_customer_view(records)).iloc[0]
    >>> print(p["name"], p["phones"], p["interests"], p["orders"], p["consent_email"], sep=" | ")
    Ann Lee | +994 50 111 22 33 | Dairy; Household | 2 | False
    """
    _check_columns(customers, ["customer_id", "first_name", "last_name", "email", "phone", "city",
                               "address", "preferred_channel", "signup_date", "interests",
                               *(c for c, _ in PURPOSES.values())], "customers")
    _check_columns(orders, ["order_id", "customer_id", "order_date", "revenue", "margin"], "orders")
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
        _check_columns(products, ["product_id", "category"], "products")
        _check_columns(orders, ["product_id"], "orders")
        cat = ords.merge(products[["product_id", "category"]], on="product_id", how="left")
        spend = cat.groupby(["person", "category"], observed=True)["revenue"].sum().reset_index()
        spend = spend.sort_values(["person", "revenue", "category"],
                                  ascending=[True, False, True], kind="stable")
        out["top_category"] = spend.drop_duplicates("person").set_index("person")["category"] \
            .astype(str).reindex(out.index)
    for column, _ in PURPOSES.values():
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
    >>> purchase_history(orders, view=single_customer_view(records), person="C1")
            orders  revenue
    period
    2024Q1       2     15.0
    2024Q3       1      7.5
    """
    if person not in set(view.person):
        raise ValueError(f"Got person={person!r} instead, expected a person of the customer view "
                         f"such as {view.person.iloc[0]!r}.")
    ords = view.assign(orders)
    mine = ords[ords["person"] == person]
    period = pd.to_datetime(mine["order_date"]).dt.to_period(freq).astype(str).rename("period")
    g = mine.groupby(period, sort=True)
    return pd.DataFrame({"orders": g["order_id"].nunique().astype("int64"),
                         "revenue": g["revenue"].sum().round(2)})


@dataclass(frozen=True)
class Selection:
    """Customers selected for a purpose, and how many were left out for lack of consent."""

    purpose: str
    customers: pd.DataFrame
    excluded: int

    @property
    def consent(self) -> str:
        return PURPOSES[self.purpose][0]

    def __len__(self) -> int:
        return len(self.customers)

    def __repr__(self) -> str:
        total = len(self.customers) + self.excluded
        return (f"Selection for {self.purpose!r} ({PURPOSES[self.purpose][1]}): "
                f"{len(self.customers):,} of {total:,} selected, {self.excluded:,} excluded "
                f"without {self.consent}")


def _check_purpose(purpose) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"Got purpose={purpose!r} instead, expected one of {tuple(PURPOSES)}.")
    return PURPOSES[purpose][0]


def select_customers(table: pd.DataFrame, *, purpose: str) -> Selection:
    """Keep the customers who consented to ``purpose``; count the ones left out.

    ``table`` is any table with the consent columns: the customers' records or the profiles of
    :func:`customer_profiles`. It is not modified.

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
    ...     "consent_email": [True, False, True], "consent_profiling": [False, False, True],
    ...     "consent_winback": [True, True, True]})
    >>> select_customers(table, purpose="email_campaign")
    Selection for 'email_campaign' (e-mail campaigns): 2 of 3 selected, 1 excluded without consent_email
    >>> select_customers(table, purpose="sms")
    Traceback (most recent call last):
    ...
    ValueError: Got purpose='sms' instead, expected one of ('email_campaign', 'profiling', 'win_back').
    """
    column = _check_purpose(purpose)
    _check_columns(table, [column], "a table")
    if table[column].isna().any() or table[column].dtype != bool:
        raise ValueError(f"Got {column} with values other than true/false, expected a boolean "
                         "column (a missing consent is not a consent).")
    keep = table[column].to_numpy()
    return Selection(purpose=purpose, customers=table[keep].copy(), excluded=int((~keep).sum()))


def service_levels(profiles: pd.DataFrame, *, as_of=None, best_share: float = 0.2,
                   lost_after: int = 180, lost_within: int = 365) -> Selection:
    """Differentiated service levels (best, regular, recently lost), for profiled customers only.

    Deciding a service level from someone's purchases is profiling, so customers without
    ``consent_profiling`` are left out and counted. Of the rest, customers whose last order is
    more than ``lost_after`` days before ``as_of`` are *recently lost* up to ``lost_within`` days
    and *lapsed* beyond that; among the active ones the top ``best_share`` by margin are *best*
    and the others *regular*; customers without orders are *prospects*. The thresholds are the
    course's defaults, not the source's (it names the three levels, not the cut-offs). Each
    level gets the offer of ``SERVICE_OFFERS``.

    Examples
    --------
    >>> profiles = pd.DataFrame({"margin": [90.0, 10.0, 20.0, 5.0, 0.0],
    ...     "last_order": pd.to_datetime(["2024-12-01", "2024-11-01", "2024-03-01", "2024-10-01",
    ...                                   None]),
    ...     "consent_profiling": [True, True, True, False, True]}, index=list("abcde"))
    >>> levels = service_levels(profiles, as_of="2025-01-01", best_share=0.5)
    >>> levels
    Selection for 'profiling' (profiling (segments, service levels, personal offers)): 4 of 5 selected, 1 excluded without consent_profiling
    >>> levels.customers["service_level"].to_dict()
    {'a': 'best', 'b': 'regular', 'c': 'recently lost', 'e': 'prospect'}
    """
    if not 0 < best_share < 1:
        raise ValueError(f"Got best_share={best_share!r} instead, expected a share in (0, 1).")
    if not 0 < lost_after < lost_within:
        raise ValueError(f"Got lost_after={lost_after!r}, lost_within={lost_within!r} instead, "
                         "expected 0 < lost_after < lost_within (days).")
    _check_columns(profiles, ["margin", "last_order"], "profiles")
    chosen = select_customers(profiles, purpose="profiling")
    table = chosen.customers
    last = pd.to_datetime(table["last_order"])
    end = (last.max() + pd.Timedelta(days=1)) if as_of is None else pd.Timestamp(as_of)
    idle = (end - last).dt.days
    level = pd.Series("regular", index=table.index, dtype=object)
    level[last.isna()] = "prospect"
    level[(idle > lost_after) & (idle <= lost_within)] = "recently lost"
    level[idle > lost_within] = "lapsed"
    active = level == "regular"
    if active.any():
        ranked = table.loc[active, "margin"].rank(method="first", ascending=False)
        n_best = max(1, int(round(best_share * int(active.sum()))))
        level[ranked[ranked <= n_best].index] = "best"
    table = table.assign(service_level=level.to_numpy(),
                         offer=level.map(SERVICE_OFFERS).to_numpy())
    return Selection(purpose="profiling", customers=table, excluded=chosen.excluded)

