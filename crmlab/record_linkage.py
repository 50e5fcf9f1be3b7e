"""Record linkage (L04): one person's records from several channels merged into one view.

The single customer view (:func:`single_customer_view`) links two records of one person when
they share a contact key (the e-mail trimmed and lower-cased, an empty address never matching;
the phone reduced to its 9 national digits, so ``+994 50 123 45 67``, ``+994501234567`` and
``0501234567`` are one phone) and a second field agrees too (the other contact key or the
address), with names that agree once upper case and transliteration (Aliyev / Aliev) are set
aside. Linking is transitive. Pairs that share a key but fail the rest are reported for review,
not merged. :func:`orders_with_person` gives the orders the person each belongs to, so that
the lessons count people, not records. :func:`merge_quality` scores a merge against the true
grouping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab.core.validation import check_columns, check_no_columns, check_unique, expected

__all__ = ["normalise_email", "normalise_phone", "name_key", "CustomerView",
           "single_customer_view", "orders_with_person", "merge_quality"]

_TRANSLIT = [("iyev", "iev"), ("ayev", "aev"), ("iyeva", "ieva"), ("ayeva", "aeva")]


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
        """Number of records linked."""
        return len(self.person)

    @property
    def n_people(self) -> int:
        """Number of people the records belong to."""
        return int(self.person.nunique())

    def assign(self, table: pd.DataFrame, *, customer_id: str = "customer_id") -> pd.DataFrame:
        """A copy of ``table`` with a ``person`` column looked up from its ``customer_id``
        (``table`` must not have one already)."""
        check_columns(table, [customer_id])
        check_no_columns(table, ["person"])
        person = table[customer_id].map(self.person)
        unknown = table.loc[person.isna(), customer_id]
        if len(unknown):
            raise expected(customer_id, unknown.iloc[0], "a record of the customer view")
        return table.assign(person=person.to_numpy())

    def __repr__(self) -> str:
        from crmlab.core.i18n import message

        merged = self.n_records - self.n_people
        return message("linkage.customer_view", records=self.n_records, people=self.n_people,
                       merged=merged, review=len(self.review))


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
        raise expected("on", on, f"a non-empty subset of {_KEYS}")
    check_columns(customers, ["customer_id", "first_name", "last_name", "address", "city", *on],
                  table="customers")
    ids = customers["customer_id"].astype(str).to_numpy()
    check_unique("customer_id", ids, item="record")  # as text: 1 and "1" would be one record
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


def orders_with_person(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The orders with the person each belongs to, by the single customer view of ``customers``.

    A person with two customer records who bought once under each is one repeat customer, not
    two one-time ones: analyses that count customers (repeat buying, retention, RFM, profit per
    customer) count the ``person`` column of this table (``customer_id="person"``).

    Parameters
    ----------
    orders : DataFrame
        The orders (order lines are fine), with the column ``customer_id`` and without
        ``person``; not modified.
    customers : DataFrame
        The customer records, as for :func:`single_customer_view`; not modified. Every
        customer of ``orders`` must be one of them.

    Returns
    -------
    DataFrame
        A copy of ``orders`` with ``person``: :attr:`CustomerView.person` of its customer.

    Examples
    --------
    >>> records = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
    ...     "first_name": ["Ann", "ANN", "Bob"], "last_name": ["Lee", "LEE", "Lee"],
    ...     "email": ["ann@x.az", " ANN@x.az", ""],
    ...     "phone": ["0501112233", "0505550000", "0559998877"],
    ...     "address": ["Nizami str. 1", "Nizami str. 1", "Bulbul str. 4"], "city": ["Baku"] * 3})
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": ["C2", "C3", "C1"]})
    >>> orders_with_person(orders, records)
       order_id customer_id person
    0         1          C2     C1
    1         2          C3     C3
    2         3          C1     C1
    >>> orders_with_person(orders.assign(customer_id="C9"), records)
    Traceback (most recent call last):
    ...
    ValueError: Got customer_id='C9' instead, expected a record of the customer view.
    """
    check_columns(orders, ["customer_id"], table="orders")
    check_no_columns(orders, ["person"], table="orders")
    return single_customer_view(customers).assign(orders)


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
        raise expected("record", record, "a record of both person and truth (it is in only one "
                       "of them)")

    def pairs(sizes):
        sizes = np.asarray(sizes, dtype="int64")
        return int((sizes * (sizes - 1) // 2).sum())

    merged = pairs(both.groupby("found").size())
    true = pairs(both.groupby("truth").size())
    correct = pairs(both.groupby(["found", "truth"]).size())
    return {"true_pairs": true, "merged_pairs": merged, "correct_pairs": correct,
            "precision": round(correct / merged, 3) if merged else 1.0,
            "recall": round(correct / true, 3) if true else 1.0}
