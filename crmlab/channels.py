"""Channels and touchpoints (L06, C4), kept so existing lessons keep working; new code imports
the modules below.

The old ``crmlab.channels`` did two jobs; each now has its own module:

* multichannel consistency: :mod:`crmlab.channel_consistency`;
* the touchpoint map and the office of each touchpoint: :mod:`crmlab.touchpoints`;
* what follows a contact (the three C4 analyses and the comparison within strata):
  :mod:`crmlab.contact_outcomes`.

:func:`touchpoint_risk` here adds the old column ``repeat_buyers_lost``, a copy of
``repeat_gap_x_contacts``: the old name called a naive gap a loss.
"""

import pandas as pd

from crmlab import contact_outcomes
from crmlab.channel_consistency import channel_consistency
from crmlab.contact_outcomes import csat_after_contacts, touched_comparison
from crmlab.touchpoints import touchpoint_map

__all__ = ["channel_consistency", "touchpoint_map", "touchpoint_risk", "touched_comparison",
           "csat_after_contacts"]


def touchpoint_risk(interactions: pd.DataFrame, orders: pd.DataFrame, *, window_days: int = 180,
                    as_of=None) -> pd.DataFrame:
    """:func:`crmlab.contact_outcomes.touchpoint_risk` with the old column ``repeat_buyers_lost``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint": ["shop", "shop"],
    ...     "interaction_date": pd.to_datetime(["2024-01-01"] * 2), "resolved": [True, False]})
    >>> orders = pd.DataFrame({"customer_id": ["a", "b"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-12-31"])})
    >>> touchpoint_risk(log, orders)[["repeat_gap_x_contacts", "repeat_buyers_lost"]]
                repeat_gap_x_contacts  repeat_buyers_lost
    touchpoint
    shop                          1.0                 1.0
    """
    risk = contact_outcomes.touchpoint_risk(interactions, orders, window_days=window_days,
                                            as_of=as_of)
    return risk.assign(repeat_buyers_lost=risk["repeat_gap_x_contacts"])
