"""crmlab.taxonomy: the source's classifications as data."""

import pytest

from crmlab import taxonomy


@pytest.mark.parametrize("name", taxonomy.names())
def test_every_table_renders(name):
    frame = taxonomy.table(name)
    assert len(frame) > 0 and frame.notna().all().all()


def test_source_lists_are_complete():
    assert taxonomy.table("system_types")["type"].tolist() == [
        "SFA", "MA", "CSA&CSS", "BCM", "call/contact centre", "FSM", "PRM/SRM", "user support"]
    assert len(taxonomy.table("example_systems")) == 7
    assert len(taxonomy.table("siebel_modules")) == 7
    assert taxonomy.table("development_areas")["area"].tolist() == [
        "customer service", "sales force automation", "field service"]
    assert taxonomy.table("adoption_motives")["motive"].tolist() == [
        "crisis", "fast growth", "supply-chain position"]


def test_indicators_carry_no_invented_figures():
    indicators = taxonomy.table("indicators")
    assert len(indicators) == 8
    assert not indicators.apply(lambda col: col.str.contains(r"\d+\s*%")).any().any()


@pytest.mark.parametrize(("text", "level"), [
    ("Register a new contact after a trade fair", "operational CRM"),
    ("Analysis of the sales funnel by segment", "analytical CRM"),
    ("Customers configure and order products in a self-service portal", "collaborative CRM"),
])
def test_classify_feature(text, level):
    assert taxonomy.classify_feature(text) == level


def test_errors():
    with pytest.raises(ValueError, match=r"^Unknown system type 'XYZ'; expected one of SFA, MA"):
        taxonomy.lookup("XYZ")
    with pytest.raises(ValueError, match=r"^Cannot classify 'Paint the office'"):
        taxonomy.classify_feature("Paint the office")
