"""crmlab.abc is kept for existing lessons: its abc_analysis is crmlab.abc_analysis's."""

import crmlab.abc as old
from crmlab import abc_analysis


def test_old_name_is_the_new_object():
    assert old.abc_analysis is abc_analysis.abc_analysis and old.__all__ == ["abc_analysis"]
