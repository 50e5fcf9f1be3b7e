"""``crmlab schema``: the JSON Schemas of the course's file formats, for editors and scripts."""

from __future__ import annotations

from pathlib import Path

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab schema`` to the parser."""
    from crmlab.core.schemas import SCHEMAS

    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of a file format (quiz, course, rubric, receipts)",
        description="The JSON Schemas crmlab validates its files with. Without NAME: where "
                    "the schema files are. With NAME: the schema (the quiz schema with every "
                    "registered question type), on stdout or into --out.",
        **reads())
    parser.add_argument("name", nargs="?", choices=SCHEMAS, metavar="NAME",
                        help=f"one of {', '.join(SCHEMAS)}")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the schema here")
    parser.set_defaults(func=_schema)


def _schema(args) -> int:
    from crmlab.core.atomic import write_text
    from crmlab.core.schemas import SCHEMAS, schema_file
    from crmlab.quiz.schema import schema_text

    if args.name is None:
        for name in SCHEMAS:
            print(f"{name}\t{schema_file(name)}")
        return 0
    text = schema_text(args.name)
    if args.out:
        write_text(args.out, text)
        print(f"wrote the {args.name} schema to {args.out}")
    else:
        print(text, end="")
    return 0
