"""crmlab.core.content: the course's content in every language, its files and their claims.

Every content domain (``crmlab.publish.translations.CONTENT_MODULES``) has a translation of
every English text in every shipped language, and nothing else; a text marked ``attested`` takes
its words from the source in that language (seed 000 for Azerbaijani), so the attested words
occur in the source; and one English text reads the same in every domain, since the display
shows a table's text through all of them together.
"""

import unicodedata

import pandas as pd
import pytest
import yaml

from crmlab.core import content
from crmlab.core.content import Domain, Entry
from crmlab.core.exceptions import DataError
from crmlab.core.i18n import LANGUAGES, set_language
from crmlab.publish.translations import CONTENT_MODULES, content_domains, translate
from tests._seeds import flat, read_seed

OTHER = [lang for lang in LANGUAGES if lang != "en"]
DOMAINS = content_domains()
SEEDS = {"az": "000"}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    set_language(None)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty content folder in place of crmlab's, caches cleared before and after."""
    monkeypatch.setattr(content, "FOLDER", tmp_path)
    content.read.cache_clear()
    yield tmp_path
    content.read.cache_clear()


def _write(folder, lang, domain, entries):
    (folder / lang).mkdir(exist_ok=True)
    path = folder / lang / f"{domain}.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the domain
def test_a_domain_reads_its_texts_in_the_language_in_effect(folder):
    _write(folder, "az", "demo", [{"en": "supplier", "text": "təchizatçı", "attested": None}])
    demo = Domain("demo", lambda: ["supplier", "buyer"])
    assert demo("supplier", "az") == "təchizatçı" and demo("supplier", "en") == "supplier"
    assert demo("buyer", "az") == "buyer"  # untranslated: the English (the check reports it)
    assert demo(None, "az") is None and demo(3, "az") == 3
    set_language("az")
    assert demo("supplier") == "təchizatçı" and demo.each(["supplier", "buyer"]) == (
        "təchizatçı", "buyer")
    assert demo.translations("az") == {"supplier": Entry("təchizatçı", None)}


def test_frame_translates_text_cells_and_leaves_the_input_alone(folder):
    _write(folder, "az", "demo", [{"en": "supplier", "text": "təchizatçı", "attested": None}])
    demo = Domain("demo", lambda: ["supplier"])
    table = pd.DataFrame({"who": ["supplier", "S001"], "n": [1, 2]}, index=["supplier", "x"])
    table.attrs["provenance"] = "p"
    before = table.copy()
    shown = demo.frame(table, index=True, lang="az")
    assert shown["who"].tolist() == ["təchizatçı", "S001"] and shown["n"].tolist() == [1, 2]
    assert shown.index.tolist() == ["təchizatçı", "x"] and shown.attrs == {"provenance": "p"}
    pd.testing.assert_frame_equal(table, before)
    assert demo.frame(table, columns=["n"], lang="az")["who"].tolist() == ["supplier", "S001"]


def test_problems_name_the_file_the_text_and_the_kind(folder):
    _write(folder, "az", "demo", [{"en": "gone", "text": "getdi", "attested": None},
                                  {"en": "stub", "text": "", "attested": None}])
    demo = Domain("demo", lambda: ["kept", "stub", "kept"])
    assert [str(p) for p in demo.problems("az")] == [
        "crmlab/data/content/az/demo.yaml: 'kept': missing (az)",
        "crmlab/data/content/az/demo.yaml: 'stub': missing (az)",
        "crmlab/data/content/az/demo.yaml: 'gone': orphan (az)"]
    assert demo.problems("en") == []


@pytest.mark.parametrize("entries, message", [
    ({"en": "x"}, "demo.yaml: expected a list of entries (en, text, attested), got dict"),
    ([{"en": "x", "text": "y"}], "demo.yaml: entry 1: expected the fields en, text, attested "
                                 "(and optionally note)"),
    ([{"en": "", "text": "y", "attested": None}], "demo.yaml: entry 1: en must be non-empty text"),
    ([{"en": "x", "text": 3, "attested": None}], "demo.yaml: entry 1 ('x'): text must be text"),
    ([{"en": "x", "text": "y", "attested": " "}],
     "demo.yaml: entry 1 ('x'): attested must be the source's words or null"),
    ([{"en": "x", "text": "y", "attested": None}, {"en": "x", "text": "z", "attested": None}],
     "demo.yaml: entry 2: 'x' is translated twice"),
])
def test_a_malformed_file_is_one_line_naming_file_entry_and_field(folder, entries, message):
    _write(folder, "az", "demo", entries)
    with pytest.raises(DataError) as err:
        content.read("demo", "az")
    assert str(err.value).endswith(message) and "\n" not in str(err.value)


def test_write_stub_adds_the_missing_texts_and_keeps_the_rest(folder):
    path = _write(folder, "az", "demo", [{"en": "kept", "text": "saxlanıb", "attested": "x",
                                          "note": "why"}])
    demo = Domain("demo", lambda: ["kept", "new one"])
    assert content.write_stub(demo, "az") == path
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert entries == [{"en": "kept", "text": "saxlanıb", "attested": "x", "note": "why"},
                       {"en": "new one", "text": "", "attested": None}]
    content.write_stub(demo, "az")  # again: nothing more to add
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == entries
    assert [p.kind for p in demo.problems("az")] == ["missing"]


def test_a_domain_name_is_snake_case():
    with pytest.raises(ValueError, match="Got name='Mark eting' instead, expected a snake_case"):
        Domain("Mark eting", list)


# --------------------------------------------------------------------------- the shipped files
def test_every_content_module_declares_its_domain_under_its_own_name():
    assert [d.name for d in DOMAINS] == list(CONTENT_MODULES)
    files = {p.stem for lang in OTHER for p in (content.FOLDER / lang).glob("*.yaml")}
    assert files == set(CONTENT_MODULES)


@pytest.mark.parametrize("lang", OTHER)
@pytest.mark.parametrize("domain", DOMAINS, ids=[d.name for d in DOMAINS])
def test_every_text_is_translated_and_nothing_else(domain, lang):
    assert [str(p) for p in domain.problems(lang)] == []


@pytest.mark.parametrize("lang", OTHER)
def test_the_translate_check_covers_the_content(lang):
    assert [str(p) for p in translate(lang) if "crmlab/data/content" in str(p)] == []


@pytest.mark.parametrize("lang", OTHER)
def test_one_english_text_reads_the_same_in_every_domain(lang):
    seen, clashes = {}, []
    for domain in DOMAINS:
        for english, entry in domain.translations(lang).items():
            if seen.setdefault(english, (domain.name, entry.text))[1] != entry.text:
                clashes.append((english, seen[english], (domain.name, entry.text)))
    assert clashes == []


@pytest.mark.parametrize("lang", sorted(SEEDS))
def test_attested_words_occur_in_the_source(lang):
    source = flat(read_seed(SEEDS[lang], what="the content's attested words"))
    absent = [(domain.name, entry.attested) for domain in DOMAINS
              for entry in domain.translations(lang).values()
              if entry.attested and flat(entry.attested) not in source]
    assert absent == []


@pytest.mark.parametrize("lang", OTHER)
def test_translations_are_written_in_the_language_not_left_in_english(lang):
    """A translation may equal its English only when it is a name (Siebel (Oracle), SFA)."""
    from tests.test_edition_outputs import english_words

    same = [(domain.name, english) for domain in DOMAINS
            for english, entry in domain.translations(lang).items()
            if entry.text == english and english_words(english)]
    assert same == []


def test_azerbaijani_content_is_latin_script_in_nfc():
    """Cyrillic only inside quotation marks (the Russian word a note explains)."""
    import re

    for domain in DOMAINS:
        for entry in domain.translations("az").values():
            assert unicodedata.normalize("NFC", entry.text) == entry.text, entry.text
            unquoted = re.sub(r'"[^"]*"', "", entry.text)
            assert not any("\u0400" <= char <= "\u04ff" for char in unquoted), entry.text
