"""crmlab.glossary: the four-language glossary and its claims about the sources."""

import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from crmlab import glossary
from crmlab.core.exceptions import DataError

TERMS = glossary.terms()
FOREIGN = ("az", "ms", "sl")
FORMS = [(t["id"], lang) for t in TERMS for lang in FOREIGN]
ATTESTED = [(t["id"], lang, t[lang]["attested"]) for t in TERMS for lang in FOREIGN
            if t[lang]["attested"] is not None]
SUPPLIED = [(t["id"], lang, t[lang]["form"]) for t in TERMS for lang in FOREIGN
            if t[lang]["attested"] is None]
BY_ID = {t["id"]: t for t in TERMS}
VARIANT_KEYS = ("avoid", "avoid_in", "allow")


def _seeds_dir():
    env = os.environ.get("CRMLAB_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def seeds():
    """The three source texts by language; skips where they are not beside the checkout."""
    folder = _seeds_dir()
    if not folder.is_dir():
        if os.environ.get("CRMLAB_SEEDS"):
            pytest.fail(f"CRMLAB_SEEDS={folder} is not a folder")
        pytest.skip(f"source texts not found at {folder}: set CRMLAB_SEEDS to the seeds folder "
                    "to check the glossary's attestations")
    texts = {}
    for lang, number in glossary.SEEDS.items():
        found = sorted(folder.glob(f"{number}_*.txt"))
        assert found, f"{folder}: no seed {number}_*.txt ({lang})"
        texts[lang] = unicodedata.normalize("NFC", found[0].read_text(encoding="utf-8"))
    return texts


# --------------------------------------------------------------------------- the data file
def test_yaml_file_is_valid():
    entries = yaml.safe_load(glossary.PATH.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and 30 <= len(entries) <= 45
    assert entries == TERMS


def test_ids_are_unique_snake_case():
    ids = [t["id"] for t in TERMS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("term", TERMS, ids=[t["id"] for t in TERMS])
def test_every_term_is_complete(term):
    assert set(term) == {"id", "lesson", "definition", "en", *FOREIGN}
    assert term["lesson"] in ("L01", "L02", "L03", "L04", "L05", "L06")
    assert isinstance(term["en"], str) and term["en"].strip()
    definition = term["definition"]
    assert isinstance(definition, str) and "\n" not in definition.strip()
    for lang in FOREIGN:
        assert {"form", "attested"} <= set(term[lang]) <= {"form", "attested", *VARIANT_KEYS}
        assert isinstance(term[lang]["form"], str) and term[lang]["form"].strip()
        assert term[lang]["attested"] is None or term[lang]["attested"].strip()


@pytest.mark.parametrize("term", TERMS, ids=[t["id"] for t in TERMS])
def test_every_term_is_attested_in_at_least_one_source(term):
    assert any(term[lang]["attested"] for lang in FOREIGN)


def test_every_lesson_has_terms():
    assert set(glossary.table()["lesson"]) == set(glossary.LESSONS)


@pytest.mark.parametrize("lang", FOREIGN)
def test_a_variant_avoided_everywhere_is_no_term_of_its_own(lang):
    """A form avoided in every text cannot also be the glossary's form for another concept
    (``front-ofis`` is avoided only in L03 and L07, for the front part of a CRM system, because
    it is the right word for the front office)."""
    forms = {glossary._normalise(t[lang]["form"]): t["id"] for t in TERMS}
    for term in TERMS:
        if "avoid_in" in term[lang]:
            continue
        for variant in term[lang].get("avoid", ()):
            assert glossary._normalise(variant) not in forms, (term["id"], variant)


# --------------------------------------------------------------------------- against the seeds
@pytest.mark.parametrize(("term_id", "lang", "attested"), ATTESTED,
                         ids=[f"{i}-{lang}" for i, lang, _ in ATTESTED])
def test_attested_text_occurs_in_its_source(seeds, term_id, lang, attested):
    assert unicodedata.normalize("NFC", attested) in seeds[lang]


@pytest.mark.parametrize(("term_id", "lang", "form"), SUPPLIED,
                         ids=[f"{i}-{lang}" for i, lang, _ in SUPPLIED])
def test_a_form_supplied_by_the_course_is_not_in_its_source(seeds, term_id, lang, form):
    """A form marked null that the source does use should be recorded as attested."""
    assert glossary._normalise(form) not in glossary._normalise(seeds[lang])


# --------------------------------------------------------------------------- lookup
@pytest.mark.parametrize(("term", "lang", "expected"), [
    ("customer_loyalty", "az", "müştəri loyallığı"),
    ("customer loyalty", "ms", "kesetiaan pelanggan"),
    ("müştəri loyallığı", "sl", "zvestoba strank"),
    ("MÜŞTƏRİ LOYALLIĞI", "en", "customer loyalty"),
    ("Müştəri Münasibətlərinin İdarə Edilməsi", "en", "customer relationship management"),
    ("pemasaran hubungan", "az", "əlaqə marketinqi"),
    ("  Trženje \n odnosov ", "ms", "pemasaran hubungan"),
    ("stična točka", "en", "touchpoint"),
    ("CRM", "sl", "upravljanje odnosov s strankami"),
    ("olap", "en", "OLAP"),
])
def test_lookup(term, lang, expected):
    assert glossary.lookup(term, lang=lang) == expected


def test_lookup_defaults_to_english():
    assert glossary.lookup("angažiranost") == "customer engagement"


@pytest.mark.parametrize(("term_id", "lang"), FORMS, ids=[f"{i}-{lang}" for i, lang in FORMS])
def test_every_form_leads_back_to_its_term(term_id, lang):
    form = BY_ID[term_id][lang]["form"]
    assert glossary.lookup(form, lang="en") == BY_ID[term_id]["en"]
    assert glossary.lookup(term_id, lang=lang) == form


@pytest.mark.parametrize(("term", "message"), [
    ("xyz", "Got term='xyz' instead, expected a glossary term such as 'relationship_marketing' "
            "(see crmlab.glossary.table())."),
    ("custmer loyalty", "Got term='custmer loyalty' instead, expected a glossary term such as "
                        "'customer loyalty' (see crmlab.glossary.table())."),
    ("zvestob strank", "Got term='zvestob strank' instead, expected a glossary term such as "
                       "'zvestoba strank' (see crmlab.glossary.table())."),
    (None, "Got term=None instead, expected a glossary term such as 'relationship_marketing' "
           "(see crmlab.glossary.table())."),
])
def test_unknown_term(term, message):
    with pytest.raises(ValueError) as info:
        glossary.lookup(term)
    assert str(info.value) == message


@pytest.mark.parametrize("call", [
    lambda: glossary.lookup("tender", lang="fr"),
    lambda: glossary.table(lang="fr"),
])
def test_unknown_language(call):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == "Got lang='fr' instead, expected one of 'en', 'az', 'ms', 'sl'."


# --------------------------------------------------------------------------- table
def test_table_has_every_term_and_language():
    frame = glossary.table()
    assert frame.columns.tolist() == ["id", "lesson", "en", "az", "ms", "sl", "definition"]
    assert frame["id"].tolist() == [t["id"] for t in TERMS]
    assert frame.notna().all().all()


@pytest.mark.parametrize(("lang", "columns"), [
    ("en", ["id", "lesson", "en", "definition"]),
    ("az", ["id", "lesson", "en", "az", "attested", "definition"]),
    ("sl", ["id", "lesson", "en", "sl", "attested", "definition"]),
])
def test_table_for_one_language(lang, columns):
    frame = glossary.table(lang=lang)
    assert frame.columns.tolist() == columns
    if lang != "en":
        assert frame["attested"].tolist() == [t[lang]["attested"] for t in TERMS]


def test_table_filters_by_lesson():
    frame = glossary.table(lesson="L02")
    assert frame["id"].tolist() == ["supplier", "partnership", "tender", "abc_analysis"]
    assert frame.index.tolist() == [0, 1, 2, 3]
    parts = [glossary.table(lesson=lesson) for lesson in glossary.LESSONS]
    assert sum(len(part) for part in parts) == len(TERMS)


def test_unknown_lesson():
    with pytest.raises(ValueError) as info:
        glossary.table(lesson="L07")
    assert str(info.value) == ("Got lesson='L07' instead, expected one of "
                               "'L01', 'L02', 'L03', 'L04', 'L05', 'L06'.")


def test_terms_returns_a_copy():
    entries = glossary.terms()
    entries[0]["az"]["form"] = "changed"
    entries.pop()
    assert glossary.terms() == TERMS
    assert glossary.lookup(TERMS[0]["id"], lang="az") == TERMS[0]["az"]["form"]


# --------------------------------------------------------------------------- a broken file
@pytest.fixture
def broken(tmp_path, monkeypatch):
    """Point the glossary at a file of our own, and forget it afterwards."""
    path = tmp_path / "glossary.yaml"
    monkeypatch.setattr(glossary, "PATH", path)
    glossary._load.cache_clear()
    glossary._index.cache_clear()
    yield path
    glossary._load.cache_clear()
    glossary._index.cache_clear()


_GOOD = {"id": "x", "lesson": "L01", "definition": "d", "en": "x",
         **{lang: {"form": f"x-{lang}", "attested": None} for lang in FOREIGN}}


@pytest.mark.parametrize(("entries", "message"), [
    ([{**_GOOD, "lesson": "L9"}],
     "term 'x': lesson 'L9', expected one of ('L01', 'L02', 'L03', 'L04', 'L05', 'L06')"),
    ([_GOOD, _GOOD], "term 'x': the id is used twice"),
    ([{**_GOOD, "sl": "x"}], "term 'x': sl must be {form: text, attested: text or null}, "
                             "optionally with avoid, avoid_in, allow"),
    ([{**_GOOD, "az": {"form": "x-az", "attested": None, "avoid": "y"}}],
     "term 'x': az: avoid must be a non-empty list of text"),
    ([{**_GOOD, "az": {"form": "x-az", "attested": None, "avoid": ["y", " "]}}],
     "term 'x': az: avoid must be a non-empty list of text"),
    ([{**_GOOD, "az": {"form": "x-az", "attested": None, "allow": ["y z"]}}],
     "term 'x': az: allow without avoid"),
    ([{**_GOOD, "az": {"form": "x-az", "attested": None, "avoid": ["y"], "avoid_in": ["l03"]}}],
     "term 'x': az: avoid_in 'l03', expected a course id such as 'L03'"),
    ([{**_GOOD, "az": {"form": "x-az", "attested": None, "prefer": ["y"]}}],
     "term 'x': az must be {form: text, attested: text or null}, "
     "optionally with avoid, avoid_in, allow"),
    ([{**_GOOD, "id": "y", "en": "x-az"}, _GOOD], "'x-az' names both 'y' and 'x'"),
])
def test_a_broken_file_is_a_clear_error(broken, entries, message):
    broken.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as info:
        glossary.lookup("x")
    assert str(info.value) == f"{broken}: {message}"
