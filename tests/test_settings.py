"""crmlab.core.settings: the student's one settings file, read and written in one place."""

import json

import pytest

from crmlab import student
from crmlab.core import i18n, settings
from crmlab.core.exceptions import CrmlabError


def test_the_id_and_the_language_share_the_file(crmlab_home):
    student.set_id("s1")
    i18n.save_language("az")
    assert json.loads((crmlab_home / "config.json").read_text()) == {
        "student_id": "s1", "language": "az"}
    assert settings.read() == {"student_id": "s1", "language": "az"}
    i18n.save_language("en")


def test_an_update_keeps_the_other_settings(crmlab_home):
    (crmlab_home / "config.json").write_text('{"theme": "dark"}')
    assert settings.update(student_id="s2") == {"theme": "dark", "student_id": "s2"}


@pytest.mark.parametrize("text", ["{not json", "\xff"])
def test_a_broken_file_is_an_error_naming_it_and_is_not_overwritten(crmlab_home, text):
    path = crmlab_home / "config.json"
    path.write_text(text, encoding="latin-1")
    before = path.read_bytes()
    with pytest.raises(CrmlabError, match=f"^{path}: not a valid crmlab configuration file"):
        settings.update(student_id="s3")
    assert path.read_bytes() == before
    with pytest.raises(CrmlabError):  # the id's commands name the file to fix
        student.get_id()
    assert i18n.saved_language() is None  # the language falls back quietly
