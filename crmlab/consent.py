"""Consent (L04): every list of customers chosen for a purpose leaves out those who refused it.

The source's first typical mistake of personalisation is ignoring privacy: data is used only for
the purposes people agreed to. Each purpose of ``PURPOSES`` needs one consent column to be true.
:func:`select_customers` keeps the customers who gave it, says how many it left out, and is the
one door through which the course selects customers for a purpose (service levels, win-back
lists and e-mail campaigns all pass through it). Asking for an unknown purpose is an error, and
so is a missing consent: a missing consent is not a consent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlab.core.display import text_table
from crmlab.core.validation import check_choice, check_columns, check_each

__all__ = ["PURPOSES", "CONSENT_COLUMNS", "ConsentedSelection", "select_customers", "purposes"]

#: What a purpose needs: the consent column that must be true, and what the purpose is.
PURPOSES = {
    "email_campaign": ("consent_email", "e-mail campaigns"),
    "profiling": ("consent_profiling", "profiling (segments, service levels, personal offers)"),
    "win_back": ("consent_winback", "win-back offers to customers who stopped buying"),
}

#: The consent columns of the customers' records, one per purpose.
CONSENT_COLUMNS = tuple(column for column, _ in PURPOSES.values())


def purposes(*, lang: str | None = None) -> pd.DataFrame:
    """``PURPOSES`` as a table, the descriptions in ``lang`` (default: the language in effect):
    one row per purpose, its ``consent`` column and its ``description`` (shown whole).

    Examples
    --------
    >>> purposes().loc["win_back", "consent"]
    'consent_winback'
    >>> purposes(lang="az").loc["email_campaign", "description"]
    'e-poçt kampaniyaları'
    """
    from crmlab.core.i18n import message

    rows = {purpose: {"consent": column,
                      "description": message(f"consent.purpose.{purpose}", lang)}
            for purpose, (column, _) in PURPOSES.items()}
    return text_table(pd.DataFrame.from_dict(rows, orient="index").rename_axis("purpose"))


@dataclass(frozen=True)
class ConsentedSelection:
    """Customers selected for a purpose, and how many were left out for lack of consent.

    Attributes
    ----------
    purpose : str
        A key of ``PURPOSES``.
    customers : DataFrame
        The rows of the table given that carry the purpose's consent.
    excluded : int
        How many rows the consent rule removed.
    earlier : tuple of (str, int)
        Consent rules applied before this one on the way to the list (the consent column and how
        many it removed), e.g. the profiling consent that service levels need.
    """

    purpose: str
    customers: pd.DataFrame
    excluded: int
    earlier: tuple = ()

    @property
    def consent(self) -> str:
        """The consent column the purpose needs."""
        return PURPOSES[self.purpose][0]

    def __len__(self) -> int:
        return len(self.customers)

    def __repr__(self) -> str:
        from crmlab.core.i18n import message

        total = len(self.customers) + self.excluded
        before = "".join(message("consent.earlier", n=n, column=column)
                         for column, n in self.earlier)
        return message("consent.selection", purpose=repr(self.purpose),
                       description=message(f"consent.purpose.{self.purpose}"),
                       selected=len(self.customers), total=total,
                       excluded=self.excluded, consent=self.consent, earlier=before)


def select_customers(table: pd.DataFrame, *, purpose: str) -> ConsentedSelection:
    """Keep the customers who consented to ``purpose``; count the ones left out.

    ``table`` is any table with the purpose's consent column: the customers' records, the
    profiles of :func:`crmlab.profiles.customer_profiles`, or a list already chosen for another
    reason (the customers of one service level). It is not modified.

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
    ValueError: Got purpose='sms' instead, expected one of 'email_campaign', 'profiling', 'win_back'.
    """
    check_choice("purpose", purpose, PURPOSES)
    column = PURPOSES[purpose][0]
    check_columns(table, [column])
    check_each(column, table[column], choices=(True, False),
               what="True or False (a missing consent is not a consent)")
    keep = table[column].astype(bool).to_numpy()
    return ConsentedSelection(purpose=purpose, customers=table[keep].copy(),
                              excluded=int((~keep).sum()))
