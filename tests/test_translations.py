"""crmlab.publish.translations: the drift check of every shipped language, the translation
files' tools, and the editions built from them (``notebooks/<lang>/``)."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from crmlab.cli import main as crmlab
from crmlab.publish import translations as tr
from crmlab.publish.translations import Problem, TranslationError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = tr.source_notebooks(NOTEBOOKS)
CASES = [(lang, path) for lang in tr.editions() for path in SOURCES]


def _id(lang, path):
    return f"{lang}-{path.relative_to(NOTEBOOKS).as_posix()}"


def test_sources_are_the_english_lessons_and_exercises():
    names = {p.relative_to(NOTEBOOKS).as_posix() for p in SOURCES}
    assert "00_start_here.ipynb" in names and "exercises/rfm_pyramid.ipynb" in names
    assert not [n for n in names if n.split("/")[0] in ("az", "instructor", "translations")]


@pytest.mark.parametrize(("lang", "path"), CASES, ids=[_id(*case) for case in CASES])
def test_translation_is_complete_and_current(lang, path):
    problems = tr.check(path, lang, folder=NOTEBOOKS)
    assert problems == [], "\n".join(map(str, problems)) + (
        f"\nrun crmlab notebooks translate --lang {lang} --stub, then translate")


# --- the edition committed is the one the builder makes from today's sources ---------------

@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = {}
    for lang in tr.editions():
        folder = tmp_path_factory.mktemp(f"edition-{lang}")
        tr.build_edition(lang, folder=NOTEBOOKS, out=folder)
        out[lang] = folder
    return out


def _text(path):
    nb = nbformat.read(path, as_version=4)
    return nb.metadata.get("crmlab"), [(c.get("id"), c.cell_type, c.source,
                                        c.metadata.get("tags", [])) for c in nb.cells]


@pytest.mark.parametrize(("lang", "path"), CASES, ids=[_id(*case) for case in CASES])
def test_committed_edition_is_built_from_current_sources(rebuilt, lang, path):
    rel = path.relative_to(NOTEBOOKS)
    committed = NOTEBOOKS / lang / rel
    assert committed.is_file(), f"{lang}/{rel} is missing: run make notebooks"
    assert _text(committed) == _text(rebuilt[lang] / rel), (
        f"notebooks/{lang}/{rel} differs from its build: run crmlab notebooks build "
        f"--lang {lang} --execute")


def test_every_edition_notebook_has_a_source():
    for lang in tr.editions():
        built = {p.relative_to(NOTEBOOKS / lang) for p in (NOTEBOOKS / lang).rglob("*.ipynb")}
        assert built == {p.relative_to(NOTEBOOKS) for p in SOURCES}


# --- a small course of one notebook, to change and break ------------------------------------

MARKDOWN = {"t": "# L00 · Start here\n\nWelcome.", "a": "## Part A\n\nOne sentence. Another.",
            "b": "## Part B"}


def _course(root):
    folder = root / "notebooks"
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(metadata={"crmlab": {"id": "L00"}})
    cells = [nbformat.v4.new_markdown_cell(MARKDOWN["t"]),
             nbformat.v4.new_markdown_cell("<!--NAVIGATION-->\nold\n<!--/NAVIGATION-->"),
             nbformat.v4.new_markdown_cell(MARKDOWN["a"]),
             nbformat.v4.new_code_cell("x = 1\nx"),
             nbformat.v4.new_markdown_cell(MARKDOWN["b"])]
    for cell, cid in zip(cells, ["t", "nav-top", "a", "code-1", "b"]):
        cell.id = cid
    nb.cells = cells
    path = folder / "00_start_here.ipynb"
    nbformat.write(nb, path)
    return folder, path


def _translate(folder, path, texts):
    entries = {cid: {"source": tr.fingerprint(MARKDOWN[cid]), "text": text}
               for cid, text in texts.items()}
    return tr.write_translation(tr.translation_path(path, "az", folder=folder), entries,
                                notebook=Path(path.name), lang="az")


AZ = {"t": "# L00 · Buradan başlayın\n\nXoş gəlmisiniz.", "a": "## A hissəsi\n\nBir cümlə.",
      "b": "## B hissəsi"}


def test_changing_one_english_sentence_makes_exactly_that_cell_stale(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for rel in ("05_analytical_crm.ipynb", "translations/az/05_analytical_crm.yaml"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(NOTEBOOKS / rel, folder / rel)
    path = folder / "05_analytical_crm.ipynb"
    assert tr.check(path, "az", folder=folder) == []
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in tr._translatable(nb) if ". " in c.source)
    first = cell.source.index(". ") + 1
    cell.source = cell.source[:first] + " And one sentence more." + cell.source[first:]
    nbformat.write(nb, path)
    assert tr.check(path, "az", folder=folder) == [
        Problem("05_analytical_crm.ipynb", cell.id, "stale", "az")]


def test_check_reports_missing_stale_and_orphan(tmp_path):
    folder, path = _course(tmp_path)
    _translate(folder, path, {"t": AZ["t"], "a": ""})
    entries = tr.read_translation(tr.translation_path(path, "az", folder=folder))
    entries["gone"] = {"source": "0" * 16, "text": "köhnə"}
    entries["t"]["source"] = "1" * 16
    tr.write_translation(tr.translation_path(path, "az", folder=folder), entries,
                         notebook=Path(path.name), lang="az")
    assert [str(p) for p in tr.check(path, "az", folder=folder)] == [
        "00_start_here.ipynb: cell t: stale (az)",
        "00_start_here.ipynb: cell a: missing (az)",
        "00_start_here.ipynb: cell b: missing (az)",
        "00_start_here.ipynb: cell gone: orphan (az)",
    ]


def test_cli_check_and_stub(tmp_path, monkeypatch, capsys):
    folder, path = _course(tmp_path)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path))
    _translate(folder, path, {"a": AZ["a"]})
    target = tr.translation_path(path, "az", folder=folder)
    assert crmlab(["notebooks", "translate", "--lang", "az", "--check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "00_start_here.ipynb: cell t: missing (az)", "00_start_here.ipynb: cell b: missing (az)"]
    assert crmlab(["notebooks", "translate", "--lang", "az", "--stub", str(path)]) == 1
    capsys.readouterr()
    entries = tr.read_translation(target)
    assert list(entries) == ["t", "a", "b"]  # cell order; the translated one kept
    assert entries["a"]["text"] == AZ["a"] and entries["t"] == {
        "source": tr.fingerprint(MARKDOWN["t"]), "text": ""}
    assert "notebook: 00_start_here.ipynb\nlanguage: az\ncells:\n" in target.read_text()
    _translate(folder, path, AZ)
    assert crmlab(["notebooks", "translate", "--lang", "az"]) == 0
    assert capsys.readouterr().out == ""
    assert crmlab(["notebooks", "translate", "--lang", "az", "--dump"]) == 0
    assert capsys.readouterr().out.startswith(
        f"=== t  [{tr.fingerprint(MARKDOWN['t'])}]\n{MARKDOWN['t']}\n\n=== a  [")


def test_stub_and_read_keep_the_format_byte_for_byte(tmp_path):
    source = NOTEBOOKS / "translations" / "az" / "exercises" / "rfm_pyramid.yaml"
    entries = tr.read_translation(source)
    out = tr.write_translation(tmp_path / "x.yaml", entries,
                               notebook=Path("exercises/rfm_pyramid.ipynb"), lang="az")
    assert out.read_bytes() == source.read_bytes()


def test_bad_yaml_is_a_one_line_error(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("cells:\n  \"a\": [unclosed\n", encoding="utf-8")
    with pytest.raises(TranslationError, match=rf"^{bad}:\d+: -: YAML syntax error: "):
        tr.read_translation(bad)
    bad.write_text("cells: 3\n", encoding="utf-8")
    with pytest.raises(TranslationError) as info:
        tr.read_translation(bad)
    assert str(info.value) == f"{bad}: field 'cells' must map cell ids to entries"


def test_build_replaces_markdown_keeps_code_and_sets_the_language(tmp_path):
    folder, path = _course(tmp_path)
    _translate(folder, path, AZ)
    before = path.read_bytes()
    nb = tr.build(path, "az", folder=folder)
    assert path.read_bytes() == before
    assert [(c.id, c.source) for c in nb.cells] == [
        ("t", AZ["t"]), ("nav-top", "<!--NAVIGATION-->\nold\n<!--/NAVIGATION-->"),
        ("a", AZ["a"]), ("language", 'import crmlab\n\ncrmlab.set_language("az")'),
        ("code-1", "x = 1\nx"), ("b", AZ["b"])]
    assert nb.cells[3].metadata["tags"] == ["language"]
    assert nb.metadata["crmlab"] == {"id": "L00", "language": "az"}


@pytest.mark.parametrize(("texts", "renamed", "message"), [
    ({"t": AZ["t"], "b": AZ["b"]}, False, "00_start_here.ipynb: cell a: missing (az)"),
    ({**AZ, "a": ""}, False, "00_start_here.ipynb: cell a: missing (az)"),
    (AZ, True, "00_start_here.ipynb: cell b: stale (az)"),
])
def test_build_refuses_an_untranslated_cell(tmp_path, capsys, monkeypatch, texts, renamed,
                                            message):
    folder, path = _course(tmp_path)
    _translate(folder, path, texts)
    if renamed:
        nb = nbformat.read(path, as_version=4)
        nb.cells[-1].source = "## Part B, renamed"
        nbformat.write(nb, path)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path))
    assert crmlab(["notebooks", "build", "--lang", "az"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"crmlab: error: {message}") and err.count("\n") == 1
    assert not (folder / "az").exists()  # nothing written


def test_build_edition_stamps_translated_navigation_and_keeps_outputs(tmp_path):
    folder, path = _course(tmp_path)
    _translate(folder, path, AZ)
    target = folder / "az" / "00_start_here.ipynb"
    assert tr.build_edition("az", folder=folder) == [target]
    nav = next(c.source for c in nbformat.read(target, as_version=4).cells if c.id == "nav-top")
    assert "[Kursun xəritəsi](00_start_here.ipynb#Kursun-xəritəsi)" in nav
    data = json.loads(target.read_text(encoding="utf-8"))
    data["cells"][4]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    target.write_text(json.dumps(data), encoding="utf-8")
    assert tr.build_edition("az", folder=folder) == []  # unchanged: executed outputs stay
    assert json.loads(target.read_text(encoding="utf-8"))["cells"][4]["outputs"]


def test_unknown_edition_is_a_one_line_error():
    with pytest.raises(TranslationError, match=r"^Got lang='xx' instead, expected one of 'az'\.$"):
        tr.translation_path(NOTEBOOKS / "00_start_here.ipynb", "xx")


def test_a_folder_an_unreadable_file_or_a_non_notebook_is_a_one_line_error(tmp_path):
    with pytest.raises(TranslationError, match=r": not a notebook \(\.ipynb file\)$"):
        tr.translation_path(NOTEBOOKS, "az")
    bad = tmp_path / "x.yaml"
    bad.write_bytes(b"cells:\n  a: \xff\xfe\n")
    with pytest.raises(TranslationError, match=rf"^{bad}:1: -: not UTF-8 text$"):
        tr.read_translation(bad)
    empty = tmp_path / "empty.ipynb"
    empty.write_text("{}")
    with pytest.raises(TranslationError, match=rf"^{empty}: not a readable notebook"):
        tr._read_notebook(empty)
