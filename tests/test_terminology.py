"""The Azerbaijani edition uses the source's terms: every glossary term whose Azerbaijani form
is attested in seed 000 appears in that form in the Azerbaijani edition of the lesson that
teaches it (its ``lesson`` field); and no translated cell, quiz text or catalog message uses a
variant the glossary says to avoid for a concept (one concept, one name), nor does a translated
text of crmlab's content (``crmlab/data/content/<lang>/``).

Azerbaijani inflects by suffixes (``əlaqə marketinqi`` -> ``əlaqə marketinqinin``), so the form
may open a longer word; case is ignored, with Azerbaijani's dotted and dotless i.
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from crmlab.glossary import LANGUAGES, terms
from crmlab.lessons import list_lessons
from crmlab.publish import translations as tr
from crmlab.publish.translations import NAV_IDS, editions

ATTESTED = [t for t in terms() if t["az"]["attested"]]
EDITION = {lesson.id: lesson.path for lesson in list_lessons(lang="az")}


def fold(text: str) -> str:
    """Lower case as Azerbaijani writes it: ``İ`` -> ``i``, ``I`` -> ``ı``.

    >>> fold("İnternet və Işıq")
    'internet və ışıq'
    """
    return text.replace("İ", "i").replace("I", "ı").lower()


def uses(text: str, form: str) -> bool:
    """Whether ``form`` starts a word of ``text`` (a suffix may follow it).

    >>> uses("Əlaqə marketinqinin məqsədi", "əlaqə marketinqi")
    True
    >>> uses("marketinqi", "əlaqə marketinqi")
    False
    """
    return re.search(rf"(?<!\w){re.escape(fold(form))}", fold(text)) is not None


def _markdown(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells
                     if c.cell_type == "markdown" and c.get("id") not in NAV_IDS)


def test_attested_terms_and_their_lessons_exist():
    assert len(ATTESTED) > 20
    assert {t["lesson"] for t in ATTESTED} <= set(EDITION)
    assert all(EDITION[lesson].parent.name == "az" for lesson in EDITION)


@pytest.mark.parametrize("term", ATTESTED, ids=[t["id"] for t in ATTESTED])
def test_azerbaijani_lesson_uses_the_attested_term(term):
    path = EDITION[term["lesson"]]
    assert uses(_markdown(path), term["az"]["form"]), (
        f"{term['lesson']} (notebooks/az/{path.name}) never says {term['az']['form']!r} "
        f"for {term['en']!r}, the form attested in seed 000")


# --------------------------------------------------------------------------- one name per concept
# A glossary form may list the variants an edition must not use for its concept (``avoid``),
# where (``avoid_in``, course ids) and which longer phrases stay right (``allow``). Every
# translated cell, every quiz text and every catalog message of the edition is checked.

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
QUIZZES = sorted((ROOT / "quizzes").glob("*.yaml"))
CATALOG = {lang: ROOT / "crmlab" / "data" / "messages" / f"{lang}.yaml" for lang in editions()}
#: Course texts known to break a rule while another change corrects them; each must still fail
#: (strict xfail), so its entry is removed as soon as the text is fixed. Empty: nothing pending.
PENDING: dict[str, str] = {}


def _pattern(form: str) -> re.Pattern:
    """Each word of ``form`` may carry a suffix; case is folded as Azerbaijani folds it.

    >>> bool(_pattern("təmas nöqtə").search(fold("Təmas nöqtələriniz")))
    True
    >>> bool(_pattern("tərəfdaş və ya alyans").search("tərəfdaşlığa və ya alyansa"))
    True
    >>> bool(_pattern("müraciət").search("bir müraciətçi"))
    True
    >>> bool(_pattern("müraciət").search("əlaqəmüraciət"))
    False
    """
    words = fold(form).split()
    return re.compile(r"(?<!\w)" + r"\w*\s*".join(re.escape(w) for w in words))


def _rules(lang: str) -> list[dict]:
    rules = []
    for term in terms():
        entry = term[lang]
        for variant in entry.get("avoid", ()):
            rules.append({"term": term["id"], "en": term["en"], "form": entry["form"],
                          "variant": variant, "pattern": _pattern(variant),
                          "where": set(entry.get("avoid_in", ())),
                          "allow": [_pattern(a) for a in entry.get("allow", ())]})
    return rules


def misuses(text: str, rules: list[dict], *, course_id: str | None) -> list[str]:
    """The avoided variants ``text`` uses, each as ``'variant' (form: 'form', term id)``.

    >>> rules = _rules("az")
    >>> misuses("Təchizatçılarla təmas nöqtələriniz", rules, course_id="L02")
    ["'təmas nöqtə' for touchpoint (use 'əlaqə nöqtəsi', glossary term touchpoint)"]
    >>> misuses("alıcı başqasına müraciət edir", rules, course_id="C2")
    []
    >>> misuses("front-ofis və arxa ofis", rules, course_id="L06")
    []
    >>> len(misuses("(front-ofis, əməliyyat hissəsi)", rules, course_id="L03"))
    1
    """
    folded = fold(text)
    found = []
    for rule in rules:
        if rule["where"] and course_id not in rule["where"]:
            continue
        masked = folded
        for allowed in rule["allow"]:
            masked = allowed.sub(lambda m: " " * len(m.group(0)), masked)
        if rule["pattern"].search(masked):
            found.append(f"{rule['variant']!r} for {rule['en']} (use {rule['form']!r}, "
                         f"glossary term {rule['term']})")
    return found


def _translation_texts(path: Path, lang: str):
    """(place, text) of every cell of a translation file, with the notebook's course id."""
    notebook = NOTEBOOKS / path.relative_to(NOTEBOOKS / "translations" / lang).with_suffix(".ipynb")
    meta = nbformat.read(notebook, as_version=4).metadata.get("crmlab", {})
    course_id = meta.get("lesson", meta.get("id"))
    for cell, entry in tr.read_translation(path).items():
        yield course_id, f"cell {cell}", entry["text"]


def _quiz_texts(path: Path, lang: str):
    """(place, text) of every text of a quiz in ``lang``, named by question and field."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def walk(node, where):
        if isinstance(node, dict):
            if isinstance(node.get(lang), str):
                yield where, node[lang]
            for key, value in node.items():
                if key not in LANGUAGES:
                    yield from walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for number, value in enumerate(node):
                name = value.get("id", number) if isinstance(value, dict) else number
                yield from walk(value, f"{where}[{name}]")

    for where, text in walk(data, ""):
        yield data.get("lesson"), where, text


def _catalog_texts(path: Path, lang: str):
    for key, text in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        yield None, f"key {key}", str(text)


#: The lessons and cases that print each content domain (crmlab/data/content/<lang>/), so that a
#: variant avoided only in some (front-ofis in L03 and L07) is checked where it is shown.
CONTENT_SHOWN_IN = {"marketing": ("L01", "L02", "L04", "L06", "C1"),
                    "taxonomy": ("L03", "L07", "C3"), "relationships": ("L02", "C1", "C2"),
                    "crm_selection": ("L03", "L07", "C3"), "touchpoints": ("L06", "C4"),
                    # the data's front and back office are the offices of L06 (touchpoints),
                    # not the front part of a CRM system of L03 and L07
                    "datasets": ("L00", "L01", "L02", "L04", "L05", "L06", "C4")}


def _content_texts(path: Path, lang: str):
    """(course id, place, text) of every translated content text, once per course showing it."""
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or ():
        for course_id in CONTENT_SHOWN_IN.get(path.stem, (None,)):
            yield course_id, f"text {entry['en'][:50]!r}", entry["text"] or ""


def _sources():
    for lang in editions():
        for path in sorted((NOTEBOOKS / "translations" / lang).rglob("*.yaml")):
            yield lang, path, _translation_texts
        for path in QUIZZES:
            yield lang, path, _quiz_texts
        yield lang, CATALOG[lang], _catalog_texts
        for path in sorted((ROOT / "crmlab" / "data" / "content" / lang).glob("*.yaml")):
            yield lang, path, _content_texts


def _case(lang, path, read):
    rel = path.relative_to(ROOT).as_posix()
    marks = ([pytest.mark.xfail(strict=True, reason=PENDING[rel])] if rel in PENDING else [])
    return pytest.param(lang, path, read, id=f"{lang}-{rel}", marks=marks)


@pytest.mark.parametrize(("lang", "path", "read"), [_case(*s) for s in _sources()])
def test_one_name_per_concept(lang, path, read):
    rules = _rules(lang)
    problems = [f"{path.relative_to(ROOT)}: {place}: {problem}"
                for course_id, place, text in read(path, lang)
                for problem in misuses(text, rules, course_id=course_id)]
    assert not problems, "\n".join(problems)


def test_the_issue_25_concepts_have_their_variants_in_the_glossary():
    """Touchpoint, type 4, the front part of a CRM system and a contact each have one name."""
    ruled = {rule["term"] for rule in _rules("az")}
    assert {"touchpoint", "partnership", "front_part", "contact"} <= ruled


def test_avoid_in_names_course_ids():
    ids = {lesson.id for lesson in list_lessons(lang="az")}
    for rule in _rules("az"):
        assert rule["where"] <= ids, (rule["term"], rule["where"] - ids)


def test_a_planted_variant_fails_naming_file_and_place(tmp_path):
    quiz = tmp_path / "X.yaml"
    quiz.write_text(yaml.safe_dump({"id": "X", "lesson": "L07", "questions": [
        {"id": "q1", "prompt": {"en": "?", "az": "CRM sisteminin front-ofisi"},
         "options": [{"id": "a", "text": {"en": "a", "az": "hər təmas nöqtəsində"}},
                     {"id": "b", "text": {"en": "b", "az": "müraciət etmək olar"}}]}]},
        allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = [(place, problem) for course_id, place, text in _quiz_texts(quiz, "az")
             for problem in misuses(text, _rules("az"), course_id=course_id)]
    assert [place for place, _ in found] == ["questions[q1].prompt",
                                             "questions[q1].options[a].text"]
    assert "'frontal hissə'" in found[0][1] and "'əlaqə nöqtəsi'" in found[1][1]
