"""Customer data (L04), kept so existing lessons keep working; new code imports the modules below.

The old ``crmlab.customers`` did four jobs; each now has its own module:

* record linkage, the single customer view: :mod:`crmlab.record_linkage`;
* personalised profiles and purchase history: :mod:`crmlab.profiles`;
* consent and selecting customers for a purpose: :mod:`crmlab.consent`
  (``Selection`` is now ``ConsentedSelection``);
* service levels and the win-back list: :mod:`crmlab.service_levels`.
"""

from crmlab.consent import PURPOSES, ConsentedSelection, select_customers
from crmlab.profiles import customer_profiles, purchase_history
from crmlab.record_linkage import (
    CustomerView,
    merge_quality,
    name_key,
    normalise_email,
    normalise_phone,
    single_customer_view,
)
from crmlab.service_levels import SERVICE_OFFERS, service_levels, win_back_candidates

#: The old name of :class:`crmlab.consent.ConsentedSelection`.
Selection = ConsentedSelection

__all__ = [
    "PURPOSES", "normalise_email", "normalise_phone", "name_key", "CustomerView",
    "single_customer_view", "merge_quality", "customer_profiles", "purchase_history",
    "Selection", "select_customers", "service_levels", "SERVICE_OFFERS", "win_back_candidates",
]
