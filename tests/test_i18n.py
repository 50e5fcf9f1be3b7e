"""crmlab.core.i18n: the one catalog, the student's language setting, labels of displayed tables, and
the scan that finds student-facing strings bypassing the catalog."""

import ast
import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest
import yaml

import crmlab
from crmlab.cli import main
from crmlab.core import i18n
from crmlab.core.exceptions import CrmlabError

PACKAGE = Path(crmlab.__file__).parent


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv("CRMLAB_LANG", raising=False)
    yield
    i18n.set_language(None)


def _fields(text):
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


def _raw(lang):
    path = PACKAGE / "data" / "messages" / f"{lang}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_key_is_in_every_language_with_the_same_fields(lang):
    english, other = _raw("en"), _raw(lang)
    assert sorted(set(english) - set(other)) == [], f"{lang}.yaml lacks these keys"
    assert sorted(set(other) - set(english)) == [], f"{lang}.yaml has keys en.yaml lacks"
    wrong = {key: (_fields(english[key]), _fields(other[key])) for key in english
             if _fields(english[key]) != _fields(other[key])}
    assert wrong == {}
    assert all(isinstance(text, str) and text.strip() for text in other.values())


def test_column_labels_stay_distinct_in_every_language():
    for lang in i18n.LANGUAGES:
        labels = [text for key, text in _raw(lang).items() if key.startswith("column.")]
        assert len(labels) == len(set(labels)), lang


def test_azerbaijani_is_latin_script_without_transliteration():
    texts = " ".join(_raw("az").values())
    assert not re.search(r"[\u0400-\u04ff]", texts)  # no Cyrillic
    assert set("əğıöüçş") <= set(texts.lower())


def _attested():
    """English term -> its Azerbaijani form, for the terms seed 000 attests (the attested text
    itself may be inflected, ``təmasların``; the form is what a message uses)."""
    data = yaml.safe_load((PACKAGE / "data" / "glossary.yaml").read_text(encoding="utf-8"))
    entries = data if isinstance(data, list) else data.get("terms", [])
    return {e["en"]: e["az"]["form"] for e in entries
            if isinstance(e.get("az"), dict) and e["az"].get("attested")}


def test_glossary_terms_attested_in_the_source_are_used_in_that_form():
    english, az = _raw("en"), _raw("az")
    missing = [(key, term) for term, form in _attested().items() for key, text in english.items()
               if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])",
                            re.sub(r"\{[^}]*\}", "", text), re.I)
               and form.lower() not in az[key].lower()]
    assert missing == []


# --- the setting ---------------------------------------------------------------------------

def test_precedence_call_then_environment_then_setting(crmlab_home, monkeypatch):
    assert i18n.get_language() == "en"
    i18n.save_language("az")
    assert i18n.get_language() == "az"
    monkeypatch.setenv("CRMLAB_LANG", "en")
    assert i18n.get_language() == "en"
    assert i18n.set_language("az") == "az"
    assert i18n.set_language(None) == "en"


def test_save_language_keeps_the_student_id(crmlab_home):
    from crmlab.student import get_id, set_id

    set_id("s-1")
    i18n.save_language("az")
    assert get_id() == "s-1"
    assert json.loads((crmlab_home / "config.json").read_text()) == {"student_id": "s-1",
                                                                    "language": "az"}


def test_cli_student_language_sets_and_shows(crmlab_home, capsys):
    assert main(["student", "language"]) == 0
    assert capsys.readouterr().out == "en (English)\n"
    assert main(["student", "language", "az"]) == 0
    assert capsys.readouterr().out == "dil təyin edildi: az (Azərbaycanca)\n"
    assert main(["student", "language"]) == 0
    assert capsys.readouterr().out == "az (Azərbaycanca)\n"
    assert main(["--lang", "en", "student", "set", "s-9"]) == 0
    assert capsys.readouterr().out == "student id set to s-9\n"
    assert i18n.get_language() == "az"  # --lang is for one run


def test_cli_unknown_language_is_one_line_and_saves_nothing(crmlab_home, capsys):
    assert main(["student", "language", "xx"]) == 1
    err = capsys.readouterr().err
    assert err == "crmlab: error: Got language='xx' instead, expected one of en, az.\n"
    assert not (crmlab_home / "config.json").exists()
    assert main(["--lang", "xx", "lessons"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_messages_follow_the_language(crmlab_home, capsys, monkeypatch):
    monkeypatch.setenv("CRMLAB_LANG", "az")
    assert main(["submit", "--out", str(crmlab_home / "x.zip")]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Tələbə identifikatoru təyin edilməyib; əvvəlcə "
        "`crmlab student set SİZİN-ID` əmrini icra edin\n")
    assert main(["--lang", "en", "submit", "--out", str(crmlab_home / "x.zip")]) == 1
    assert "No student id is set" in capsys.readouterr().err


@pytest.mark.parametrize("lang, expected", [("en", "total: correct"), ("az", "total: düzdür")])
def test_exercise_check_verdicts_follow_the_language(lang, expected, capsys):
    from crmlab.exercises import checks

    checks.register("demo-i18n")(lambda seed: 3)
    try:
        i18n.set_language(lang)
        checks.check("demo-i18n", 3, seed=1)
        checks.check("demo-i18n", 4, seed=1)
    finally:
        del checks.EXPECTED["demo-i18n"]
    right, wrong = capsys.readouterr().out.replace("demo-i18n", "total").splitlines()
    assert right == expected
    assert wrong == i18n.message("check.not_yet", lang, name="total")


# --- column labels at display time ---------------------------------------------------------

def _table():
    return pd.DataFrame({"customers": [10, 30], "repeat_rate": [0.5, 0.2], "web": [1, 2]},
                        index=pd.Index(["store", "phone"], name="channel"))


def test_translate_labels_shows_labels_and_codes_in_the_language_and_keeps_the_data():
    table = _table().assign(segment=["champions", "C00001"])
    before = table.copy()
    shown = i18n.translate_labels(table, lang="az")
    assert shown.columns.tolist() == ["müştərilər", "təkrar alış payı", "veb", "seqment"]
    assert shown.index.name == "kanal" and shown.index.tolist() == ["mağaza", "telefon"]
    assert shown["seqment"].tolist() == ["çempionlar", "C00001"]  # a code, then an id
    assert shown.iloc[:, :3].to_numpy().tolist() == table.iloc[:, :3].to_numpy().tolist()
    pd.testing.assert_frame_equal(table, before)  # not mutated
    series = i18n.translate_labels(table["customers"], lang="az")
    assert series.name == "müştərilər" and table["customers"].name == "customers"
    assert series.index.tolist() == ["mağaza", "telefon"]
    pd.testing.assert_frame_equal(i18n.translate_labels(table, lang="en"), before)


def test_translate_labels_shows_categories_and_content_texts():
    from crmlab.marketing import table as source_list

    codes = pd.Series(pd.Categorical(["back", "front", "back"]), name="office")
    shown = i18n.translate_labels(codes, lang="az")
    assert shown.tolist() == ["arxa ofis", "front-ofis", "arxa ofis"]
    assert codes.tolist() == ["back", "front", "back"]
    english = source_list("levers", lang="en")
    assert i18n.translate_labels(english, lang="az").iloc[:, 0].tolist() == source_list(
        "levers", lang="az").iloc[:, 0].tolist()


def test_translate_labels_of_a_multiindex():
    table = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples(
        [("orders", "web"), ("revenue", "web")], names=["measure", "channel"]))
    shown = i18n.translate_labels(table, lang="az")
    assert shown.columns.tolist() == [("sifarişlər", "veb"), ("gəlir", "veb")]
    assert shown.columns.names == ["ölçü", "kanal"]


def test_set_language_installs_the_display_formatter_in_ipython_and_removes_it():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    formatter = shell.display_formatter
    table = _table()
    english = formatter.format(table)[0]
    assert "customers" in english["text/html"] and "customers" in english["text/plain"]
    try:
        i18n.set_language("az")
        shown = formatter.format(table)[0]
        assert "müştərilər" in shown["text/html"] and "customers" not in shown["text/html"]
        assert "müştərilər" in shown["text/plain"] and "kanal" in shown["text/plain"]
        assert "müştərilər" in formatter.format(table["customers"])[0]["text/plain"]
        # A table of sentences (crmlab.core.display.TextTable) is relabelled too, and stays whole.
        from crmlab.core.display import text_table

        long = "a sentence long enough for pandas to cut it at fifty characters, but not here"
        whole = formatter.format(text_table(table.assign(customers=long)))[0]
        for mime in ("text/plain", "text/html"):
            assert "müştərilər" in whole[mime] and long in whole[mime]
        assert table.columns.tolist() == ["customers", "repeat_rate", "web"]
        assert table.loc["store", "customers"] == 10  # code still indexes the identifiers
    finally:
        i18n.set_language("en")
    assert formatter.format(table)[0] == english
    InteractiveShell.clear_instance()


# --- strings that bypass the catalog -------------------------------------------------------

#: Calls whose string arguments a student sees on a figure or a widget.
_TEXT_METHODS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "annotate"}
_TEXT_KEYWORDS = {"label", "description", "tooltip", "placeholder", "xlabel", "ylabel"}
#: Where print (or an error raised to the student) speaks to the student.
_STUDENT_CLI = {"cli/lessons.py": None, "cli/quiz.py": {"_student_set", "_student_show",
                                                        "_student_language", "_submit"},
                "quiz/submit.py": None, "exercises/checks.py": None, "cli/selfcheck.py": None}
#: Modules only an instructor sees (grader reports may stay English, issue 18).
_INSTRUCTOR = {"grading/report.py"}
#: Callables whose ``description=``/``label=`` are not shown to a student (argparse's help).
_NOT_SHOWN = {"ArgumentParser", "add_parser", "add_argument", "add_argument_group"}
_WORD = re.compile(r"[A-Za-z]{2,}")


def _literal_words(node) -> bool:
    """True when ``node`` is a string literal (or an f-string, or a choice of them) with a
    word in it: text a reader would read."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, (ast.IfExp, ast.BoolOp)):
        parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
        return any(_literal_words(part) for part in parts)
    return False


def _functions(tree):
    owner = {}
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                owner.setdefault(id(node), func.name)
    return owner


def bypassing(path: Path, relative: str) -> list[str]:
    """Every student-facing string literal of one module, as ``file:line``."""
    if relative in _INSTRUCTOR:
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    cli = relative in _STUDENT_CLI
    scope = _STUDENT_CLI.get(relative)
    owner = _functions(tree) if scope else {}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Call, ast.Raise)):
            continue
        if isinstance(node, ast.Raise):
            call = node.exc
            if not (cli and isinstance(call, ast.Call) and getattr(call.func, "id", "") ==
                    "CrmlabError"):
                continue
            if scope and owner.get(id(node)) not in scope:
                continue
            suspects = call.args
        else:
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            # a keyword label= of a plain function is a column name (abc_analysis(label=...));
            # of a method (ax.bar) or a class (Line2D, w.Button) it is shown
            shown = name not in _NOT_SHOWN and (isinstance(node.func, ast.Attribute)
                                                or (name or "")[:1].isupper())
            suspects = [kw.value for kw in node.keywords if kw.arg in _TEXT_KEYWORDS and shown]
            if name in _TEXT_METHODS or (name == "legend" or name == "set"):
                suspects += [kw.value for kw in node.keywords if kw.arg == "title"]
            if name in _TEXT_METHODS:
                suspects += node.args[:1] if name != "text" else node.args[2:3]
            if name in {"print", "echo", "secho"} and cli and (
                    not scope or owner.get(id(node)) in scope):
                suspects += node.args
        found += [f"crmlab/{relative}:{s.lineno}" for s in suspects if _literal_words(s)]
    return sorted(found, key=lambda where: int(where.rsplit(":", 1)[1]))


def test_no_student_facing_string_bypasses_the_catalog():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += bypassing(path, path.relative_to(PACKAGE).as_posix())
    assert found == []


@pytest.mark.parametrize("source, hits", [
    ('ax.set_title("Mean value")', 1),
    ('ax.set(xlabel="month", title=f"Flow {x}")', 2),
    ('ax.legend(title="relationship type")', 1),
    ('ax.bar(x, y, label="equal shares")', 1),
    ('ax.text(1, 2, f"payback: month {m}")', 1),
    ('w.Button(description="Check", tooltip="Check it")', 2),
    ('ax.set_title(message("plot.x"))', 0),
    ('ax.text(1, 2, f"n={n}")', 0),
    ('ax.bar(x, y, label=letter)', 0),
])
def test_the_scan_finds_literals(source, hits, tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(source + "\n")
    assert len(bypassing(path, "plots/mod.py")) == hits


def test_the_scan_finds_prints_in_student_commands(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text('def _submit(args):\n    print(f"wrote {x}")\n'
                    'def _release(args):\n    print(f"wrote {x}")\n'
                    'def _student_set(args):\n    raise CrmlabError("No id")\n')
    assert bypassing(path, "cli/quiz.py") == ["crmlab/cli/quiz.py:2", "crmlab/cli/quiz.py:6"]


def test_message_formats_and_falls_back_to_english(monkeypatch):
    assert i18n.message("check.correct", "az", name="x") == "x: düzdür"
    monkeypatch.setitem(i18n.catalog("az"), "check.only-en", None)
    monkeypatch.setitem(i18n.catalog("en"), "check.only-en", "english")
    assert i18n.message("check.only-en", "az") == "english"
    with pytest.raises(CrmlabError):
        i18n.message("check.correct", "xx")


def test_cli_lessons_shows_the_edition_of_the_language(tmp_path, monkeypatch, capsys):
    english = tmp_path / "00_start.ipynb"
    cell = {"cell_type": "markdown", "metadata": {}, "source": "# L00 · Start here"}
    notebook = {"cells": [cell], "metadata": {"crmlab": {"id": "L00"}}, "nbformat": 4,
                "nbformat_minor": 5}
    english.write_text(json.dumps(notebook))
    (tmp_path / "az").mkdir()
    notebook["cells"] = [dict(cell, source="# L00 · Buradan başlayın")]
    (tmp_path / "az" / "00_start.ipynb").write_text(json.dumps(notebook))
    monkeypatch.setattr("crmlab.core.paths.notebooks_dir", lambda: tmp_path)
    monkeypatch.setattr("crmlab.lessons.notebooks_dir", lambda: tmp_path)
    assert main(["--lang", "az", "lessons"]) == 0
    line = capsys.readouterr().out.split()
    assert line[:3] == ["L00", "Buradan", "başlayın"] and len(line) == 4
    assert line[3].endswith("az/00_start.ipynb")
    assert main(["lessons"]) == 0
    assert capsys.readouterr().out.split()[1:3] == ["Start", "here"]


@pytest.mark.parametrize("lang, start", [("en", "Selection for 'email_campaign' (e-mail "),
                                         ("az", "'email_campaign' üçün seçim (e-poçt ")])
def test_lesson_reprs_follow_the_language(lang, start):
    from crmlab.consent import select_customers

    table = pd.DataFrame({"customer_id": ["a", "b"], "consent_email": [True, False]})
    i18n.set_language(lang)
    assert repr(select_customers(table, purpose="email_campaign")).startswith(start)


def test_relationship_type_names_in_english_are_the_types_labels():
    from crmlab.relationships import RelationshipType

    assert [i18n.message(f"relationship.type_{t.value}", "en") for t in RelationshipType] == [
        t.label for t in RelationshipType]


def test_every_figure_function_has_its_text_alternative_in_the_catalog():
    """The static site's alt text of a figure is the catalog's site.alt.<function> entry
    (crmlab.publish.site.figure_alt); every language holds every key (tested above)."""
    import crmlab.plots as plots

    figures = [name for name in plots.__all__ if callable(getattr(plots, name))]
    assert len(figures) >= 10
    missing = [name for name in figures if f"site.alt.{name}" not in i18n.catalog("en")]
    assert missing == []
    extra = [key for key in i18n.catalog("en") if key.startswith("site.alt.")
             and key.removeprefix("site.alt.") not in figures]
    assert extra == []
