"""crmlab.references: the bibliography, its claims about the sources, and the lessons' citations."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from _seeds import flat, read_seed

from crmlab import glossary, references
from crmlab.core.curated import normalise
from crmlab.core.exceptions import DataError
from crmlab.lessons import list_lessons

ROOT = Path(__file__).resolve().parent.parent
WORKS = references.entries()
BY_KEY = {work["key"]: work for work in WORKS}
FROM_SOURCES = [work for work in WORKS if not work["added_by_course"]]
FROM_COURSE = [work for work in WORKS if work["added_by_course"]]
RECORDED = [(work["key"], seed, text) for work in WORKS for seed, cited in work["seeds"].items()
            for text in [*cited["cited_as"], cited["listed_as"]] if text]


def _surnames(work):
    return [name.split(",")[0] for name in work["authors"]]


def _said(work):
    """Everything the sources say of a work, as one text."""
    return flat(" ".join(text for cited in work["seeds"].values()
                         for text in [*cited["cited_as"], cited["listed_as"] or ""]))


# --------------------------------------------------------------------------- the data file
def test_yaml_file_is_valid():
    assert yaml.safe_load(references.PATH.read_text(encoding="utf-8")) == WORKS
    keys = [work["key"] for work in WORKS]
    assert len(keys) == len(set(keys))
    assert FROM_SOURCES and FROM_COURSE


@pytest.mark.parametrize("work", FROM_SOURCES, ids=[w["key"] for w in FROM_SOURCES])
def test_a_work_a_source_cites_records_only_what_the_source_gives(work):
    said = _said(work)
    for field in ("title", "published"):
        assert work[field] is None or flat(work[field]) in said, field
    for surname in _surnames(work):
        assert normalise(surname, accents=False) in normalise(said, accents=False)
    assert work["year"] is None or str(work["year"])[:4] in said
    # Seed 000 marks a translation "[trans. İngilis dilindən]": only then is the language known.
    assert work["language"] == ("en" if "ngilis dilindən" in said else None)
    gaps = [field for field in ("title", "published", "year", "language") if work[field] is None]
    assert work["missing"] or not gaps, f"say in 'missing' that the source gives no {gaps}"
    assert work["why"] is None


@pytest.mark.parametrize("work", FROM_COURSE, ids=[w["key"] for w in FROM_COURSE])
def test_a_work_the_course_adds_is_complete_and_says_why(work):
    assert work["authors"] and isinstance(work["year"], int)
    assert work["title"] and work["published"] and work["language"] == "en"
    assert work["why"] and work["lessons"] and work["missing"] is None
    assert work["key"].startswith(f"{_surnames(work)[0].lower()}{work['year']}")


def test_every_lesson_listed_is_in_the_course():
    course = {lesson.id for lesson in list_lessons(ROOT / "notebooks")}
    listed = {lesson for work in WORKS for lesson in work["lessons"]}
    assert listed <= course


# --------------------------------------------------------------------------- against the seeds
@pytest.fixture(scope="module")
def seeds():
    what = "the bibliography's records of them"
    return {number: read_seed(number, what=what) for number in references.SEEDS}


@pytest.mark.parametrize(("key", "seed", "text"), RECORDED,
                         ids=[f"{key}-{seed}-{i}" for i, (key, seed, _) in enumerate(RECORDED)])
def test_recorded_text_occurs_in_its_source(seeds, key, seed, text):
    assert flat(text) in flat(seeds[seed])


def _listed(seed):
    return {flat(cited["listed_as"]) for work in WORKS
            for number, cited in work["seeds"].items() if number == seed and cited["listed_as"]}


def test_every_work_on_the_reading_list_of_seed_000_is_recorded(seeds):
    text = seeds["000"]
    section = flat(text[text.index("BİBLİOQRAFİYA"):text.index("ƏLAVƏ 1")])
    items = re.split(r" (?=\d{1,2}\. \S)", section)[1:]
    assert len(items) == 20
    items = [re.sub(r"^\d{1,2}\. | Əlavə ədəbiyyat:$", "", item) for item in items]
    # Item 20 names journals, not a work.
    assert items[-1].startswith("Jurnallar")
    assert set(items[:-1]) == _listed("000")


def test_every_work_in_the_bibliography_of_seed_001_is_recorded(seeds):
    text = seeds["001"]
    lines = [line.strip() for line in text[text.index("\nBibliografi"):].splitlines()]
    entries = [line for line in lines[2:] if re.search(r"\((?:19|20)\d\d\)", line)]
    assert len(entries) == 7
    assert {flat(line) for line in entries} == _listed("001")


def test_every_citation_in_the_text_of_seed_001_is_recorded(seeds):
    body = flat(seeds["001"][:seeds["001"].index("\nBibliografi")])
    year = r"(?:19|20)\d\d(?:: \d+)?"
    found = re.findall(rf"[A-Z]\w+(?: dan [A-Z]\w+)?(?:, {year}| \({year}\))", body)
    recorded = {text for work in WORKS for text in work["seeds"].get("001", {}).get("cited_as", [])}
    assert len(found) >= 10
    assert set(found) <= recorded


def test_seed_002_cites_no_work(seeds):
    assert not re.search(r"\b(?:19|20)\d\d\b", seeds["002"])
    assert not any("002" in work["seeds"] for work in WORKS)


# --------------------------------------------------------------------------- the lessons cite it
def _english(value):
    """Every English string of a quiz file: the ``en`` text of a field given in several
    languages (the other languages cite the same works, inflected), any other string as it is."""
    if isinstance(value, dict):
        if isinstance(value.get("en"), str):
            yield value["en"]
            return
        for item in value.values():
            yield from _english(item)
    elif isinstance(value, list):
        for item in value:
            yield from _english(item)
    elif isinstance(value, str):
        yield value


def _course_texts():
    """(course id, file, text) for what the course shows: notebook markdown, quizzes, glossary."""
    texts = []
    for lesson in list_lessons(ROOT / "notebooks"):
        if lesson.id != "REFERENCES":  # the appendix shows the bibliography itself
            nb = nbformat.read(lesson.path, as_version=4)
            texts += [(lesson.id, lesson.path.name, cell.source) for cell in nb.cells
                      if cell.cell_type == "markdown"]
    for path in sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts += [(nb.metadata["crmlab"]["lesson"], path.name, cell.source) for cell in nb.cells
                  if cell.cell_type == "markdown"]
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.append((data["lesson"], path.name, "\n".join(_english(data))))
    texts.append(("GLOSSARY", glossary.PATH.name, glossary.PATH.read_text(encoding="utf-8")))
    return texts


COURSE = _course_texts()
CITATIONS = [(lesson, where, citation) for lesson, where, text in COURSE
             for citation in references.find_citations(text)]


def test_the_lessons_cite_in_author_year_form():
    assert len({lesson for lesson, _, _ in CITATIONS}) >= 8


def test_every_citation_in_the_course_names_a_work_that_lists_its_lesson():
    problems = []
    for lesson, where, citation in CITATIONS:
        if not citation.keys:
            problems.append(f"{where}: {citation.text!r} names no work in references.yaml")
        elif not any(lesson in BY_KEY[key]["lessons"] for key in citation.keys):
            problems.append(f"{where}: {citation.text!r} ({'/'.join(citation.keys)}) does not "
                            f"list {lesson} among its lessons")
    assert problems == []


@pytest.mark.parametrize("work", [w for w in WORKS if w["lessons"]],
                         ids=[w["key"] for w in WORKS if w["lessons"]])
def test_every_lesson_a_work_lists_names_its_author(work):
    by_lesson = {}
    for lesson, _, text in COURSE:
        by_lesson[lesson] = by_lesson.get(lesson, "") + "\n" + normalise(text, accents=False)
    author = normalise(_surnames(work)[0], accents=False)
    assert [lesson for lesson in work["lessons"] if author not in by_lesson.get(lesson, "")] == []


# --------------------------------------------------------------------------- cite, lookup, find
@pytest.mark.parametrize(("key", "page", "expected"), [
    ("huete1997", None, "Huete (1997)"),
    ("huete1997", 40, "Huete (1997: 40)"),
    ("alet1994", "35", "Alet (1994: 35)"),
    ("clancy1994", None, "Clancy & Shulman (1994)"),
    ("fader2005", None, "Fader, Hardie & Lee (2005)"),
    ("carrion2000", None, "Carrión (2000)"),
    ("drucker", None, "Drucker (1960s)"),
    ("tretyak", None, "Tretyak (n.d.)"),
    ("crm2007", None, "Müştərilərlə Əlaqələrin İdarə Edilməsi (2007)"),
])
def test_cite(key, page, expected):
    assert references.cite(key, page=page) == expected


@pytest.mark.parametrize(("ref", "key"), [
    ("huete1997", "huete1997"),
    ("Huete (1997)", "huete1997"),
    ("Huete (1997: 40)", "huete1997"),
    ("Huete 1997", "huete1997"),
    ("  huete   (1997) ", "huete1997"),
    ("Carrion (2000)", "carrion2000"),
    ("Carrión 2000", "carrion2000"),
    ("Clancy and Shulman (1994)", "clancy1994"),
    ("Kraljic, P. (1983)", "kraljic1983"),
    ("Fader et al. (2005)", "fader2005"),
    ("Fader & Hardie (2013)", "fader2013"),
    ("Curry & Curry (2002)", "curry2002"),
    ("curry2000method", "curry2000method"),
])
def test_lookup(ref, key):
    assert references.lookup(ref)["key"] == key


_EXPECTED = ("a reference key such as 'huete1997' or a citation such as 'Huete (1997)' "
             "(see crmlab.references.table())")


@pytest.mark.parametrize(("ref", "message"), [
    ("Huete (1998)", f"Got ref='Huete (1998)' instead, expected {_EXPECTED}; did you mean "
                     "'Huete (1997)'?"),
    ("hueet1997", f"Got ref='hueet1997' instead, expected {_EXPECTED}; did you mean "
                  "'huete1997'?"),
    ("Nobody (1999)", f"Got ref='Nobody (1999)' instead, expected {_EXPECTED}."),
    (None, f"Got ref=None instead, expected {_EXPECTED}."),
    ("Curry & Curry (2000: 222)", "Got ref='Curry & Curry (2000: 222)' instead, expected a "
                                  "citation of one work; it fits 'curry2000', 'curry2000method', "
                                  "so give the key."),
])
def test_lookup_errors(ref, message):
    with pytest.raises(ValueError) as info:
        references.lookup(ref)
    assert str(info.value) == message


@pytest.mark.parametrize(("key", "message"), [
    ("huete1979", "Got key='huete1979' instead, expected a reference key such as 'huete1997' "
                  "(see crmlab.references.table()); did you mean 'huete1997'?"),
    ("Huete (1997)", "Got key='Huete (1997)' instead, expected a reference key such as "
                     "'huete1997' (see crmlab.references.table()); did you mean 'huete1997'?"),
    (1997, "Got key=1997 instead, expected a reference key such as 'huete1997' "
           "(see crmlab.references.table())."),
])
def test_cite_errors(key, message):
    with pytest.raises(ValueError) as info:
        references.cite(key)
    assert str(info.value) == message


@pytest.mark.parametrize(("text", "found"), [
    ("Loyalty has two dimensions (Huete 1997).", [("Huete 1997", ("huete1997",))]),
    ("Huete (1997: 40) asks one question.", [("Huete (1997: 40)", ("huete1997",))]),
    ("derived from Kraljic, P. (1983), *Purchasing*", [("Kraljic, P. (1983)", ("kraljic1983",))]),
    ("the BG/NBD model (Fader, Hardie & Lee 2005) says",
     [("Fader, Hardie & Lee 2005", ("fader2005",))]),
    ("Zeithaml, Rust & Lemon (2001) name the tiers",
     [("Zeithaml, Rust & Lemon (2001)", ("zeithaml2001",))]),
    ("Already, Huete (1997) said", [("Huete (1997)", ("huete1997",))]),
    ("for Curry & Curry (2000: 222)",
     [("Curry & Curry (2000: 222)", ("curry2000", "curry2000method"))]),
    ("Gupta & Lehmann 2003, 10% discount; Smith (1999)",
     [("Gupta & Lehmann 2003", ("gupta2003",)), ("Smith (1999)", ())]),
    ("In 2024 sales rose; June 1998 ended it; Q1 1997 began it.", []),
    ("the 1960s and Huete's diagnostic", []),
])
def test_find_citations(text, found):
    assert [(c.text, c.keys) for c in references.find_citations(text)] == found


def test_find_citations_reports_authors_and_year():
    (citation,) = references.find_citations("(Clancy and Shulman 1994)")
    assert citation == references.Citation("Clancy and Shulman 1994", ("Clancy", "Shulman"), 1994,
                                           ("clancy1994",))


# --------------------------------------------------------------------------- table, entries
def test_table_has_every_work():
    frame = references.table()
    assert frame.columns.tolist() == ["key", "citation", "reference", "origin", "cited_by",
                                      "lessons", "note"]
    assert frame["key"].tolist() == list(BY_KEY)
    assert frame["citation"].tolist() == [references.cite(key) for key in BY_KEY]
    assert set(frame["origin"]) == {"source", "course"}
    assert (frame.loc[frame["origin"] == "course", "cited_by"] == "").all()


def test_table_reference_shows_the_details_and_the_course_rendering():
    row = references.table().set_index("key").loc["huete1997"]
    assert row["reference"] == ("Huete, LM (1997). Perkhidmatan & Faedah [Services & benefits]. "
                                "Deusto, Madrid.")
    assert row["cited_by"] == "seed 001" and row["note"].startswith("not given: the original title")
    course = references.table().set_index("key").loc["kraljic1983"]
    assert course["reference"] == ("Kraljic, P. (1983). Purchasing must become supply "
                                   "management. Harvard Business Review 61(5), 109-117.")
    assert course["note"] == " ".join(BY_KEY["kraljic1983"]["why"].split())


@pytest.mark.parametrize(("options", "keys"), [
    ({"lesson": "L02"}, ["kraljic1983"]),
    ({"lesson": "L06"}, ["reichheld2003", "schenker2001"]),
    ({"lesson": "FINAL", "origin": "course"},
     ["reichheld1990", "czepiel1990", "morgan1994", "christopher1991"]),
    ({"origin": "source"}, [w["key"] for w in FROM_SOURCES]),
    ({"lesson": "L04"}, []),
])
def test_table_filters(options, keys):
    frame = references.table(**options)
    assert frame["key"].tolist() == keys
    assert frame.index.tolist() == list(range(len(keys)))


@pytest.mark.parametrize(("options", "message"), [
    ({"lesson": "L7"}, "Got lesson='L7' instead, expected a course id such as 'L01', 'C2', "
                       "'GLOSSARY' or 'FINAL'."),
    ({"origin": "seed"}, "Got origin='seed' instead, expected one of 'source', 'course'."),
])
def test_table_errors(options, message):
    with pytest.raises(ValueError) as info:
        references.table(**options)
    assert str(info.value) == message


def test_entries_returns_a_copy():
    works = references.entries()
    works[0]["authors"].append("Someone")
    works[0]["seeds"]["001"]["cited_as"].clear()
    works.pop()
    assert references.entries() == WORKS
    assert references.lookup(WORKS[0]["key"]) == WORKS[0]


def test_lookup_returns_a_copy():
    work = references.lookup("huete1997")
    work["lessons"].clear()
    assert references.lookup("huete1997")["lessons"] == BY_KEY["huete1997"]["lessons"]


# --------------------------------------------------------------------------- a broken file
@pytest.fixture
def broken(tmp_path, monkeypatch):
    """Point the bibliography at a file of our own, and forget it afterwards."""
    path = tmp_path / "references.yaml"
    monkeypatch.setattr(references, "PATH", path)
    references._load.cache_clear()
    references._index.cache_clear()
    yield path
    references._load.cache_clear()
    references._index.cache_clear()


_GOOD = {"key": "x2000", "authors": ["X, A."], "year": 2000, "title": "T", "title_en": None,
         "published": None, "language": None,
         "seeds": {"001": {"cited_as": ["X (2000)"], "listed_as": None, "where": "w"}},
         "lessons": ["L01"], "added_by_course": False, "why": None, "missing": "the publisher"}


@pytest.mark.parametrize(("works", "message"), [
    ({"x": 1}, "expected a list of works, got dict"),
    ([{"key": "x2000"}], "work 1: expected exactly the fields ('key', 'authors', 'year', "
                         "'title', 'title_en', 'published', 'language', 'seeds', 'lessons', "
                         "'added_by_course', 'why', 'missing')"),
    ([{**_GOOD, "key": "X 2000"}], "work 'X 2000': key must be a surname and a year, such as "
                                   "'huete1997'"),
    ([_GOOD, _GOOD], "work 'x2000': the key is used twice"),
    ([{**_GOOD, "authors": "X, A."}], "work 'x2000': authors must be a list of names"),
    ([{**_GOOD, "year": "2000"}], "work 'x2000': year '2000', expected a year, a decade such as "
                                  "'1960s', or null"),
    ([{**_GOOD, "seeds": {"003": _GOOD["seeds"]["001"]}}],
     "work 'x2000': seeds: '003', expected one of ('000', '001', '002')"),
    ([{**_GOOD, "seeds": {"001": {"cited_as": [], "listed_as": None, "where": "w"}}}],
     "work 'x2000': seeds: 001: cited_as must be a list of texts and listed_as a text or null, "
     "not both empty"),
    ([{**_GOOD, "lessons": ["lesson one"]}],
     "work 'x2000': lessons must be a list of course ids such as 'L01'"),
    ([{**_GOOD, "added_by_course": True}],
     "work 'x2000': a work added by the course says why, and only such a work"),
    ([{**_GOOD, "seeds": {}}], "work 'x2000': a work no source cites must be added_by_course"),
])
def test_a_broken_file_is_a_clear_error(broken, works, message):
    broken.write_text(yaml.safe_dump(works, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as info:
        references.cite("x2000")
    assert str(info.value) == f"{broken}: {message}"
