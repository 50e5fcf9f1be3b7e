"""Choosing a CRM system, kept so existing lessons keep working; new code imports
:mod:`crmlab.crm_selection`.

The module was renamed because "selection" also meant choosing customers for a purpose
(:class:`crmlab.consent.ConsentedSelection`).
"""

from crmlab.crm_selection import (
    SIEBEL_MODULE_NEEDS,
    course_company_needs,
    cumulative_cash_flow,
    example_candidates,
    needs_matrix,
    normalise_weights,
    payback_period,
    phased_benefits,
    requirement_profile,
    rollout_order,
    sensitivity,
    weighted_scores,
)

__all__ = ["normalise_weights", "weighted_scores", "sensitivity", "payback_period",
           "cumulative_cash_flow", "example_candidates", "requirement_profile",
           "SIEBEL_MODULE_NEEDS", "course_company_needs", "needs_matrix", "rollout_order",
           "phased_benefits"]
