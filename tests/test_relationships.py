"""crmlab.relationships: the classifier on the source's examples, its flags and its errors."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.relationships import (
    CRITERIA_FIELDS,
    REQUIRED,
    UNINTERESTED_FLAG,
    WAYS_OUT,
    RelationshipType,
    classify_supplier,
    criteria_table,
    practices,
    rules_table,
    special_cases,
)

ROUTINE = dict(product_criticality="non-critical", supply_risk="low", profit_share=0.002,
               quality_standardised=True, buyer_power="high", n_alternatives=15,
               switching_ease="easy", mutual_dependence="low", value_creation_share=0.005)
KEY = dict(product_criticality="key", supply_risk="medium", profit_share=0.025,
           quality_standardised=True, buyer_power="high", n_alternatives=6,
           switching_ease="easy", mutual_dependence="medium", value_creation_share=0.08)
STRATEGIC = dict(product_criticality="strategic", supply_risk="high", profit_share=0.07,
                 quality_standardised=False, buyer_power="low", n_alternatives=1,
                 switching_ease="hard", mutual_dependence="high", value_creation_share=0.3)

EXAMPLES = [  # (case from the source, profile, expected type)
    ("corridor light bulbs", ROUTINE, 1),
    ("office window cleaning", {**ROUTINE, "n_alternatives": 30}, 1),
    ("exotic spicy sausage in a supermarket", {**ROUTINE, "profit_share": 0.001}, 1),
    ("staple 'doctor's' sausage", {**KEY, "supply_risk": "high"}, 2),
    ("simple standardised B item bought in volume", KEY, 2),
    ("customised key component", {**KEY, "quality_standardised": False, "n_alternatives": 3,
                                  "supply_risk": "high",
                                  "switching_ease": "moderate", "buyer_power": "medium",
                                  "profit_share": 0.05}, 3),
    ("customised key component, considerable dependence",
     {**KEY, "quality_standardised": False, "n_alternatives": 3, "supply_risk": "high",
      "switching_ease": "moderate", "mutual_dependence": "considerable"}, 3),
    ("natural milk for a retail chain", STRATEGIC, 4),
]


@pytest.mark.parametrize(("case", "profile", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_source_examples(case, profile, expected):
    result = classify_supplier(profile)
    assert result.type == RelationshipType(expected)
    assert [r.criterion for r in result.reasons][:2] == ["product_criticality", "supply_risk"]
    assert all(set(r.points_to) <= {1, 2, 3, 4} for r in result.reasons)


# Each criterion the source gives for types 1 and 2 (seed 000 ends its account of each type with
# this list), as a value of the profile: (type, criterion in the source's words, field, value).
SOURCE_CRITERIA = [
    (1, "purchased products: not critical", "product_criticality", "non-critical"),
    (1, "risk level: low", "supply_risk", "low"),
    (1, "share of profit: little or none", "profit_share", 0.002),
    (1, "quality: standardised", "quality_standardised", True),
    (1, "supply market: buyer power", "buyer_power", "high"),
    (1, "supply market: many suppliers", "n_alternatives", 12),
    (1, "supply market: suppliers easily replaced", "switching_ease", "easy"),
    (1, "supply market: low mutual dependence", "mutual_dependence", "low"),
    (1, "share of value creation: low", "value_creation_share", 0.01),
    (2, "purchased products: key", "product_criticality", "key"),
    (2, "risk level: medium", "supply_risk", "medium"),
    (2, "risk level: high", "supply_risk", "high"),
    (2, "share of profit: fairly high", "profit_share", 0.025),
    (2, "quality: standardised", "quality_standardised", True),
    (2, "supply market: many suppliers", "n_alternatives", 8),
    (2, "supply market: suppliers easily replaced", "switching_ease", "easy"),
    (2, "supply market: moderate mutual dependence", "mutual_dependence", "medium"),
    (2, "share of value creation: quite high", "value_creation_share", 0.08),
    # Type 2's list names no buyer power; its summary does: "the buyer's power dominates or
    # power is balanced" (seed 000, the end of part 2).
    (2, "summary: the buyer's power dominates", "buyer_power", "high"),
    (2, "summary: power is balanced", "buyer_power", "medium"),
]


@pytest.mark.parametrize(("expected", "criterion", "field", "value"), SOURCE_CRITERIA,
                         ids=[f"type {t}: {c}" for t, c, *_ in SOURCE_CRITERIA])
def test_each_source_criterion_votes_for_its_type(expected, criterion, field, value):
    base = ROUTINE if expected == 1 else KEY
    reason = next(r for r in classify_supplier({**base, field: value}).reasons
                  if r.criterion == field)
    assert expected in reason.points_to, criterion


def test_a_value_outside_a_source_criterion_does_not_vote_for_its_type():
    # The source's type 2 is a key product of medium or high risk; a low risk is type 1's.
    for field, value, not_for in [("supply_risk", "low", 2), ("product_criticality", "key", 1),
                                  ("mutual_dependence", "considerable", 2),
                                  ("n_alternatives", 3, 2), ("switching_ease", "hard", 2)]:
        reason = next(r for r in classify_supplier({**KEY, field: value}).reasons
                      if r.criterion == field)
        assert not_for not in reason.points_to, (field, value)


def test_rules_read_every_cell_of_the_criteria_table():
    table, rules = criteria_table(), rules_table()
    assert list(CRITERIA_FIELDS) == list(REQUIRED)
    assert list(CRITERIA_FIELDS.values()) == table.index.drop("derived").tolist()
    assert rules["criterion"].tolist() == [CRITERIA_FIELDS[f] for f in
                                           rules.index.get_level_values("field")]
    for field in REQUIRED:  # every type's column of every criterion is some value's vote
        voted = {int(t) for types in rules.loc[field, "points_to"] for t in types.split(", ")}
        assert voted == {1, 2, 3, 4}, field


def test_buyer_power_rules_match_the_criteria_table():
    # Each level points to exactly the types whose cell names it: high = the buyer dominates
    # (1, 2), medium = balanced (2, 3), low = the supplier dominates (4).
    cells = criteria_table().loc["supply market: buyer power"].tolist()
    words = {"high": "buyer dominates", "medium": "balanced", "low": "supplier dominates"}
    for level, word in words.items():
        named = [t for t, cell in enumerate(cells, start=1) if word in cell]
        assert rules_table().loc[("buyer_power", level), "points_to"] == ", ".join(
            map(str, named)), level


def test_a_tie_goes_to_the_product_then_to_the_less_committed_type():
    # S033 of the course data: a key product votes 4.0 for type 2 and 4.0 for type 3; the
    # product points to both, so the less committed type 2 wins.
    tied = {**KEY, "quality_standardised": False, "n_alternatives": 2,
            "switching_ease": "moderate", "buyer_power": "medium", "supply_risk": "medium",
            "mutual_dependence": "medium", "profit_share": 0.045, "value_creation_share": 0.12}
    result = classify_supplier(tied)
    assert result.votes[RelationshipType(2)] == result.votes[RelationshipType(3)]
    assert result.type == RelationshipType.PARTIAL_COMPETITION
    # A strategic product points to type 4: a 3-4 tie goes to 4 (C1's Try it).
    strategic = {**tied, "product_criticality": "strategic", "supply_risk": "high",
                 "n_alternatives": 3, "buyer_power": "low",
                 "value_creation_share": 0.3, "profit_share": 0.08}
    votes = classify_supplier(strategic).votes
    assert votes[RelationshipType(3)] == votes[RelationshipType(4)]
    assert classify_supplier(strategic).type == RelationshipType.PARTNERSHIP


def test_explain_prints_the_rules():
    result = classify_supplier({**KEY, "supply_risk": "high", "mutual_dependence": "considerable"})
    rules = rules_table()
    for reason in result.reasons:
        if reason.criterion in ("supply_risk", "mutual_dependence", "buyer_power"):
            assert ", ".join(map(str, reason.points_to)) == rules.loc[
                (reason.criterion, str(reason.value)), "points_to"]
    assert "  supply_risk = 'high' -> type(s) 2, 3, 4" in result.explain().splitlines()
    assert "  mutual_dependence = 'considerable' -> type(s) 3" in result.explain().splitlines()


def test_monopoly_standard_product_leaves_partial_competition():
    result = classify_supplier({**KEY, "n_alternatives": 1, "monopoly_market": True})
    assert result.type == RelationshipType.SELECTIVE_COOPERATION
    assert result.flags[0].startswith("standard product from a monopoly-like market: partial "
                                      "competition no longer applies")


def test_monopoly_non_critical_item_stays_light():
    result = classify_supplier({**ROUTINE, "n_alternatives": 0, "monopoly_market": True})
    assert result.type == RelationshipType.ECONOMICALLY_EXPEDIENT
    assert "no partnership needed" in result.flags[0]


def test_uninterested_supplier_lists_the_ways_out():
    result = classify_supplier({**KEY, "interested_in_our_volume": False})
    assert result.type == RelationshipType.SELECTIVE_COOPERATION
    # The source: first find out whether the supplier itself (not another one) has spare capacity.
    assert result.flags == (f"{UNINTERESTED_FLAG}: first find out whether the supplier itself "
                            "has spare capacity; if it has, its stance may be unfounded and that "
                            "capacity is a strong card in the negotiation",)
    assert result.ways_out[:4] == WAYS_OUT and result.ways_out[4].startswith("do nothing")
    assert classify_supplier(ROUTINE).ways_out == ()


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": "red"}, "Got field='colour' instead, expected one of 'product_criticality', "
     "'supply_risk', 'profit_share', 'quality_standardised', 'buyer_power', 'n_alternatives', "
     "'switching_ease', 'mutual_dependence', 'value_creation_share', "
     "'interested_in_our_volume', 'monopoly_market', 'supplier_id', 'name', 'category', "
     "'annual_spend', 'unit_cost'."),
    ({"supply_risk": "hgh"},
     "Got supply_risk='hgh' instead, expected one of 'low', 'medium', 'high'."),
    ({"profit_share": 1.5}, "Got profit_share=1.5 instead, expected a rate in [0, 1]."),
    ({"n_alternatives": -2}, "Got n_alternatives=-2 instead, expected a whole number >= 0."),
    ({"n_alternatives": 2.5}, "Got n_alternatives=2.5 instead, expected a whole number >= 0."),
    ({"quality_standardised": "yes"},
     "Got quality_standardised='yes' instead, expected one of True, False."),
    ({"product_criticality": None}, "Got a profile without the field 'product_criticality' "
     "instead, expected the fields 'product_criticality', 'supply_risk', 'profit_share', "
     "'quality_standardised', 'buyer_power', 'n_alternatives', 'switching_ease', "
     "'mutual_dependence', 'value_creation_share'."),
])
def test_invalid_profiles(change, message):
    with pytest.raises(ValueError) as info:
        classify_supplier({**ROUTINE, **change})
    assert str(info.value) == message


def test_dataframe_input_names_the_supplier_and_is_not_mutated():
    suppliers = datasets.load("suppliers")
    before = suppliers.copy()
    result = classify_supplier(suppliers)
    pd.testing.assert_frame_equal(suppliers, before)
    assert len(result) == len(suppliers) and set(result["type"]) == {1, 2, 3, 4}
    broken = suppliers.head(3).copy()
    broken.loc[1, "profit_share"] = 2.0
    with pytest.raises(ValueError) as info:
        classify_supplier(broken)
    assert str(info.value) == ("Got profit_share=2.0 for supplier 'S002' instead, expected a "
                               "rate in [0, 1].")
    with pytest.raises(ValueError) as info:
        classify_supplier([ROUTINE])
    assert str(info.value).startswith("Got profile=[{") and str(info.value).endswith(
        "instead, expected a dict, Series or DataFrame.")


def test_criteria_table_marks_derived_types():
    table = criteria_table()
    assert table.shape == (10, 4)
    assert table.loc["supply market: number of suppliers"].tolist()[:2] == ["many", "many"]
    assert table.loc["risk level"].tolist()[:2] == ["low", "medium and high"]
    # Type 2's list names no buyer power, its summary does: the cell says where it comes from.
    assert table.loc["supply market: buyer power", "2 partial competition"] == (
        "buyer dominates or balanced (source: the summary of type 2)")
    assert table.loc["derived"].tolist() == ["no (source)", "no (source)"] + [
        "yes (the course's, after Kraljic 1983)"] * 2


def test_practices():
    assert "30:70" in practices(2).volume_split and "reserve" in practices(2).volume_split
    assert any("New Year card" in item for item in practices(1).checklist)
    assert practices(RelationshipType.PARTNERSHIP).derived
    with pytest.raises(ValueError, match=r"^Got relationship='x' instead, expected one of 1, 2, "):
        practices("x")


SPECIAL = [  # (profile, special case, vote, verdict): the flag overrides only key or strategic
    ({**KEY, "n_alternatives": 0, "monopoly_market": True}, "monopoly-like market", 2, 3),
    ({**KEY, "product_criticality": "strategic", "n_alternatives": 1}, "monopoly-like market",
     2, 4),
    ({**KEY, "interested_in_our_volume": False}, "uninterested in our volumes", 2, 3),
    ({**ROUTINE, "n_alternatives": 0, "monopoly_market": True}, "monopoly-like market", 1, 1),
    ({**ROUTINE, "interested_in_our_volume": False}, "uninterested in our volumes", 1, 1),
    ({**KEY, "monopoly_market": True, "interested_in_our_volume": False},
     "monopoly-like market + uninterested in our volumes", 2, 3),
    ({**STRATEGIC, "interested_in_our_volume": False}, "uninterested in our volumes", 4, 4),
]


def test_special_cases_show_vote_verdict_and_override():
    frame = pd.DataFrame([{"supplier_id": f"S{i}", **profile}
                          for i, (profile, *_) in enumerate([(ROUTINE,), *SPECIAL])])
    before = frame.copy()
    table = special_cases(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert table["supplier_id"].tolist() == [f"S{i}" for i in range(1, len(SPECIAL) + 1)]
    assert table["special_case"].tolist() == [case for _, case, _, _ in SPECIAL]
    assert table["vote"].tolist() == [vote for *_, vote, _ in SPECIAL]
    assert table["type"].tolist() == [verdict for *_, verdict in SPECIAL]
    assert table["overridden"].tolist() == [vote != verdict for *_, vote, verdict in SPECIAL]
    assert table["type"].tolist() == [int(classify_supplier(p).type) for p, *_ in SPECIAL]


def test_special_cases_on_the_course_data():
    table = special_cases(datasets.load("suppliers")).set_index("supplier_id")
    assert table["overridden"].to_dict() == {"S039": False, "S040": True, "S041": False,
                                             "S049": True}


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ([ROUTINE], {}, "Got suppliers='dict' instead, expected a DataFrame of supplier profiles."),
    ([pd.DataFrame([ROUTINE])], {},
     "Got name_column='supplier_id' instead, expected one of the columns "
     "'product_criticality', 'supply_risk', 'profit_share', 'quality_standardised', "
     "'buyer_power', 'n_alternatives', 'switching_ease', 'mutual_dependence', "
     "'value_creation_share'."),
])
def test_special_cases_errors(args, kwargs, message):
    with pytest.raises(ValueError) as info:
        special_cases(*args, **kwargs)
    assert str(info.value) == message


# --------------------------------------------------------------------------- in the student's language
def test_the_criteria_table_reads_in_the_language_and_keeps_its_identifiers():
    table = criteria_table(lang="az")
    assert table.index.tolist() == criteria_table(lang="en").index.tolist()
    assert table.columns.tolist()[0] == "1 economically expedient"
    assert table.loc["purchased product", "1 economically expedient"] == "kritik olmayan"
    assert table.loc["risk level", "2 partial competition"] == "orta və yüksək"


def test_explanations_practices_and_ways_out_read_in_the_language():
    from crmlab.relationships import ways_out

    result = classify_supplier({**ROUTINE, "interested_in_our_volume": False})
    lines = result.explain(lang="az").splitlines()
    assert lines[0] == "növ 1: iqtisadi cəhətdən əlverişli"
    assert lines[1] == "  product_criticality = 'non-critical' -> növ(lər) 1"
    assert lines[-1].startswith("  işarə: təchizatçı kiçik həcmlərimizlə maraqlanmır")
    assert result.explain(lang="en").splitlines()[0] == "type 1: economically expedient"
    assert practices(2, lang="az").volume_split.startswith("ehtiyaclar təchizatçılar arasında")
    assert practices(1, lang="az").checklist[0] == "məhsulu və ya xidməti mümkün qədər standartlaşdırın"
    assert practices(2).volume_split == practices(2, lang="en").volume_split
    assert ways_out(lang="az")[-1].startswith("heç nə etməmək")
    assert [RelationshipType(t).label for t in (1, 4)] == ["economically expedient",
                                                          "partnership / alliance"]
