"""The Azerbaijani edition uses the source's terms: every glossary term whose Azerbaijani form
is attested in seed 000 appears in that form in the Azerbaijani edition of the lesson that
teaches it (its ``lesson`` field).

Azerbaijani inflects by suffixes (``əlaqə marketinqi`` -> ``əlaqə marketinqinin``), so the form
may open a longer word; case is ignored, with Azerbaijani's dotted and dotless i.
"""

import re

import nbformat
import pytest

from crmlab.glossary import terms
from crmlab.lessons import list_lessons
from crmlab.publish.translations import NAV_IDS

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
