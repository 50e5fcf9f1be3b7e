"""ABC analysis, kept so existing lessons keep working; new code imports :mod:`crmlab.abc_analysis`.

The module was renamed because ``crmlab.abc`` shares its name with the standard library's
``abc`` module.
"""

from crmlab.abc_analysis import abc_analysis

__all__ = ["abc_analysis"]
