"""crmlab.core.schemas and crmlab/schemas/: the file formats declared once, as JSON Schemas that
the validators, editors and the documentation share."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from crmlab.cli import main
from crmlab.core.schemas import SCHEMAS, load_schema, schema_file, schema_problems
from crmlab.core.yaml_lines import parse, plain, read
from crmlab.quiz.loading import quiz_files
from crmlab.quiz.schema import quiz_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_schema_is_a_valid_draft_7_schema(name):
    jsonschema.Draft7Validator.check_schema(json.loads(schema_text(name)))


def test_the_published_quiz_schema_holds_every_types_part():
    """The committed file is what the registry assembles: a type changed without running the
    command below leaves editors with an old schema."""
    published = schema_file("quiz").read_text(encoding="utf-8")
    assert published == json.dumps(quiz_schema(), indent=2, ensure_ascii=False) + "\n", \
        "run: crmlab schema quiz --out crmlab/schemas/quiz.schema.json"


def _objects(schema, where="#"):
    """Every subschema that lists properties, with where it is."""
    if isinstance(schema, dict):
        if "properties" in schema:
            yield where, schema
        for key, value in schema.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _objects(value, f"{where}/{index}")


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_mapping_of_every_format_refuses_an_unknown_field(name):
    schema = json.loads(schema_text(name))
    open_ = [where for where, part in _objects(schema)
             if part.get("additionalProperties") is not False
             and where not in ("#/definitions/common", "#/definitions/question")
             and not where.endswith("/if")]
    # The shared fields of a question and its dispatch by type: each type's part closes it.
    assert open_ == []


def _committed_quizzes():
    return [pytest.param(path, id=path.name) for path in quiz_files()]


@pytest.mark.parametrize("path", _committed_quizzes())
def test_every_committed_quiz_follows_the_published_schema(path):
    """Read as an editor would: the published file, a standard Draft 7 validator."""
    data, problem = read(path)
    assert problem is None
    validator = jsonschema.Draft7Validator(json.loads(schema_file("quiz").read_text()))
    assert [e.message for e in validator.iter_errors(plain(data))] == []
    assert schema_problems(quiz_schema(), data) == []


def test_the_course_file_follows_its_schema():
    data, problem = read(ROOT / "course.yaml")
    assert problem is None
    validator = jsonschema.Draft7Validator(load_schema("course"))
    assert [e.message for e in validator.iter_errors(plain(data))] == []
    assert schema_problems("course", data) == []


def test_the_rubric_sheet_and_the_receipts_crmlab_writes_follow_their_schemas(tmp_path, crmlab_home):
    import csv
    import io

    from crmlab.grading.receipts import collect_receipts
    from crmlab.grading.rubric import HandGrades, TextAnswer, sheet_csv
    from crmlab.quiz.submit import make_bundle

    answer = TextAnswer("s1", "L02_open", "contact-points", "Deliveries, invoices.",
                        (("contact-list", "Lists the contact points", 2.0),))
    rows = list(csv.DictReader(io.StringIO(sheet_csv([answer], HandGrades()))))
    assert rows and all(schema_problems("rubric", row) == [] for row in rows)

    from crmlab import student

    student.set_id("s1")
    from crmlab import quiz

    quiz.record("L00", quiz.load("L00").questions[0].id,
                quiz.load("L00").questions[0].options[0].id)
    make_bundle(tmp_path / "subs" / "s1.zip")
    collect_receipts(tmp_path / "subs", out=tmp_path / "receipts.csv")
    rows = list(csv.DictReader((tmp_path / "receipts.csv").open()))
    assert rows and all(schema_problems("receipts", row) == [] for row in rows)


def test_committed_yaml_names_its_schema_for_editors():
    """Every quiz file and the course file start with the YAML language server's modeline,
    pointing at the schema file beside them in the course."""
    files = {path: "quiz" for path in quiz_files()} | {ROOT / "course.yaml": "course"}
    for path, name in files.items():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found = MODELINE.match(first)
        assert found, f"{path.name}: the first line is not the modeline"
        target = (path.parent / found.group(1)).resolve()
        assert target == (ROOT / "crmlab" / "schemas" / f"{name}.schema.json"), path.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=../crmlab/schemas/quiz.schema.json" in readme


@pytest.mark.parametrize(("schema", "value", "message"), [
    ({"type": "number", "errorMessage": "expected a number"}, float("nan"),
     "Got nan instead, expected a number."),
    ({"type": "number", "errorMessage": "expected a number"}, True,
     "Got True instead, expected a number."),
    ({"type": "integer"}, 2.5, "Got 2.5 instead, expected a whole number."),
    ({"type": "string", "format": "date-time"}, "2026-09-28 20:10",
     "Got '2026-09-28 20:10' instead, expected a date-time."),
    ({"enum": ["a", "b"]}, "c", "Got 'c' instead, expected one of 'a', 'b'."),
    ({"type": "object", "title": "thing", "required": ["id"]}, {},
     "field 'id' is missing in thing"),
    ({"type": "object", "title": "thing", "properties": {"name": {}},
      "additionalProperties": False}, {"nmae": 1},
     "unknown field 'nmae' in thing (did you mean 'name'?)"),
    ({"type": "array", "items": {"type": "integer"}}, ["x" * 80],
     "Got [0]='" + "x" * 56 + "... instead, expected a whole number."),
])
def test_the_one_message_shape(schema, value, message):
    assert [p.message for p in schema_problems(schema, value)] == [message]


def test_problems_carry_the_line_of_the_yaml_node():
    data, _ = parse("assessments:\n  - id: L00\n    kind: quiz\n    weight: -1\n")
    [problem] = schema_problems("course", data)
    assert (problem.path, problem.line, problem.kind) == (("assessments", 0, "weight"), 4,
                                                          "value")
    assert problem.value == "-1"  # the value as the message shows it, for a caller's own words


def test_a_field_unknown_or_missing_shows_no_value():
    schema = {"type": "object", "title": "thing", "required": ["id"],
              "properties": {"id": {}}, "additionalProperties": False}
    assert sorted((p.kind, p.value) for p in schema_problems(schema, {"nmae": 1})) == [
        ("missing", ""), ("unknown", "")]


def test_schema_command(tmp_path, capsys):
    assert main(["schema"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in listed] == list(SCHEMAS)
    assert all(Path(line.split("\t")[1]).is_file() for line in listed)
    assert main(["schema", "course"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "course file"
    assert main(["schema", "quiz", "--out", str(tmp_path / "quiz.json")]) == 0
    assert (tmp_path / "quiz.json").read_text() == schema_file("quiz").read_text()
    with pytest.raises(SystemExit):
        main(["schema", "gradebook"])
