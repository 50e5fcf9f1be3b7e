"""``crmlab datasets list | describe NAME | generate --seed S --customers N --out DIR | readme``."""

from __future__ import annotations

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab datasets`` to the parser."""
    parser = subparsers.add_parser("datasets", help="list, describe or generate the course data")
    sub = parser.add_subparsers(dest="datasets_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="list the datasets", **reads()).set_defaults(func=_list)
    describe = sub.add_parser("describe", help="print the data dictionary of a dataset",
                              **reads())
    describe.add_argument("name")
    describe.set_defaults(func=_describe)
    generate = sub.add_parser("generate", help="generate a variant of the course company",
                              **reads())
    generate.add_argument("--seed", type=int, required=True)
    generate.add_argument("--customers", type=int, default=2000)
    generate.add_argument("--suppliers", type=int, default=60)
    generate.add_argument("--out", required=True)
    generate.set_defaults(func=_generate)
    sub.add_parser("readme", help="print datasets/README.md, generated from the data dictionary",
                   **reads()).set_defaults(func=_readme)


def _list(args) -> int:
    from crmlab.datasets import describe, names

    for name in names():
        print(f"{name:<16} {describe(name).attrs['description']}")
    return 0


def _describe(args) -> int:
    from crmlab.datasets import describe

    table = describe(args.name)
    print(table.attrs["description"])
    print(table.to_string(index=False))
    print(f"\nProvenance: {table.attrs['provenance']}")
    return 0


def _generate(args) -> int:
    from crmlab.datasets import generate, write

    tables = generate(seed=args.seed, n_customers=args.customers, n_suppliers=args.suppliers)
    for path in write(tables, args.out):
        print(path)
    return 0


def _readme(args) -> int:
    from crmlab.datasets import readme

    print(readme(), end="")
    return 0
