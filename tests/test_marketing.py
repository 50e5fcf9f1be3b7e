"""Tests of crmlab.marketing: the source's lists carry over complete."""

import os
import unicodedata
from pathlib import Path

import pytest

from crmlab import marketing
from crmlab.marketing import evolution, table


@pytest.mark.parametrize("name, rows", [
    ("new_consumer", 7),              # Matathia & Salzman (2000: 32)
    ("triple_goal", 3),               # seed 002
    ("levers", 3),                    # seed 002
    ("consumer_relations_goals", 5),  # seed 000
    ("personalisation_steps", 12),    # seed 000, #1-#12
    ("personalisation_aims", 5),      # seed 000, step 2
    ("personalisation_mistakes", 3),  # seed 000
    ("profile_contents", 5),          # seed 000, step 5
    ("artlife_success_factors", 5),   # seed 000, case ARTLIFE
    ("remarks", 13),
])
def test_lists_are_complete_and_numbered_from_one(name, rows):
    got = table(name)
    assert len(got) == rows
    assert got.index.tolist() == list(range(1, rows + 1))
    assert not got.isna().any().any()


def test_evolution_is_in_year_order_and_flags_the_literature_dates():
    stages = evolution()
    assert stages["year"].is_monotonic_increasing
    literature = set(stages.loc[stages["date_from"] == "literature", "stage"])
    assert literature == {"marketing mix (transactional marketing codified)", "segmentation", "social CRM",
                          "the business exists to create a customer"}
    # Seed 001 says "the 1960s"; the line is from The Practice of Management (1954).
    drucker = stages.set_index("stage").loc["the business exists to create a customer"]
    assert (drucker["year"], drucker["reference"]) == (1954, "Drucker (1954)")
    assert set(stages["date_from"]) == {"literature", "seed 001"}
    cited = dict(zip(stages["stage"], stages["reference"]))
    assert cited["relationship marketing"] == "Alet (1994)"
    assert cited["e-CRM"] == "Curry & Curry (2000)"


def test_tables_are_copies():
    levers = table("levers")
    levers.loc[1, "lever"] = "changed"
    assert table("levers").iloc[0, 0] == "satisfaction"
    assert marketing.LEVERS[0][0] == "satisfaction"


def test_unknown_table():
    with pytest.raises(ValueError, match=r"^Got name='steps' instead, expected one of "
                                         r"'new_consumer', "):
        table("steps")
    with pytest.raises(ValueError, match=r"^Got key='nowhere' instead, expected one of "):
        marketing.remark("nowhere")


def _seed_text(number):
    """One source text, whitespace folded; skips where the texts are not beside the checkout."""
    env = os.environ.get("CRMLAB_SEEDS")
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    found = sorted(folder.glob(f"{number}_*.txt"))
    if not found:
        if env:
            pytest.fail(f"CRMLAB_SEEDS={folder} holds no seed {number}_*.txt")
        pytest.skip(f"source texts not found at {folder}: set CRMLAB_SEEDS")
    return " ".join(unicodedata.normalize("NFC", found[0].read_text(encoding="utf-8")).split())


@pytest.mark.parametrize("key", list(marketing.REMARKS))
def test_every_remark_quotes_its_source_word_for_word(key):
    entry = marketing.remark(key)
    assert entry["lesson"] in ("L01", "L02", "L03", "L04", "L05", "L06")
    assert entry["remark"] and entry["source words"]
    assert " ".join(entry["source words"].split()) in _seed_text(entry["seed"])


def test_remarks_table_and_figures():
    remarks = table("remarks")
    assert remarks.columns.tolist() == ["key", "seed", "lesson", "remark", "source words",
                                        "garbled"]
    assert "90%" in marketing.remark("opening_figure")["remark"]
    assert marketing.remark("order_fulfilment")["garbled"].startswith("garbled")


def test_artlife_partners_cover_both_ends_of_the_scale():
    from crmlab.relationships import classify_supplier

    partners = marketing.artlife_partners()
    assert partners["supplier_id"].tolist() == list(marketing.ARTLIFE_PARTNERS)
    assert classify_supplier(partners)["type"].tolist() == [1, 3, 4]


@pytest.mark.parametrize("keys", [("huete_approach",), ("coupons", "cost_effective_pr")])
def test_quote_gives_each_remark_with_its_source_words_and_note(keys):
    blocks = marketing.quote(*keys).split("\n\n")
    assert len(blocks) == len(keys)
    for key, block in zip(keys, blocks):
        entry = marketing.remark(key)
        lines = block.split("\n")
        assert lines[0] == entry["remark"]
        assert lines[1] == f'  seed {entry["seed"]}: "{entry["source words"]}"'
        assert lines[2:] == [f"  note: {entry['garbled']}"]


def test_quote_errors():
    with pytest.raises(ValueError, match=r"^Got keys=\(\) instead, expected at least one key "):
        marketing.quote()
    with pytest.raises(ValueError, match=r"^Got key='pr' instead, expected one of "):
        marketing.quote("coupons", "pr")
