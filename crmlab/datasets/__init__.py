"""The course datasets, behind one loader.

``load(name)`` returns a typed DataFrame (integers, floats, booleans, categoricals, parsed
dates), checked against the data dictionary that ``describe(name)`` returns; a corrupted file
raises :class:`~crmlab.core.exceptions.DataError` whose one-line message names the file, the column
and the first bad line. Nothing else in crmlab reads the CSV files.

``generate(seed=...)`` makes the course company's tables; the committed CSVs are
``generate(seed=2024)`` and exercises draw a per-student variant with another seed.
``effects()`` lists every effect the generator builds in, with its size in the unit a lesson
estimates it in, so that a lesson can compare its estimate with the built-in value.

Examples
--------
>>> from crmlab import datasets
>>> suppliers = datasets.load("suppliers")
>>> suppliers["product_criticality"].cat.categories.tolist()
['non-critical', 'key', 'strategic']
>>> datasets.load("cdnow_sample")["customer_id"].nunique()
2357
"""

from __future__ import annotations

import io
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.content import Domain
from crmlab.core.exceptions import DataError
from crmlab.core.paths import datasets_dir
from crmlab.core.validation import check_choice
from crmlab.datasets._schema import TABLES
from crmlab.datasets._variant import Variant, variant

__all__ = ["names", "load", "describe", "generate", "effects", "write", "readme",
           "variant", "Variant", "COURSE_SEED", "CONTENT"]

#: The seed of the committed course-company CSVs.
COURSE_SEED = 2024
GENERATED = ("customers", "customer_links", "products", "orders", "suppliers", "purchases",
             "interactions", "survey")


def _texts():
    """Every English text a student reads about the data: the data dictionary (descriptions,
    units, range rules), each table's description and provenance, the effects' titles and
    quantities and the units they are given in."""
    from crmlab.datasets._effects import EFFECTS

    for table in TABLES.values():
        yield from (table.description, table.provenance)
        for column in table.columns:
            yield from (column.description, column.unit)
    for effect in EFFECTS:
        yield effect.title
        for size in effect.sizes:
            yield from (size.quantity, size.unit)


#: The content of the datasets in every language (``crmlab/data/content/<lang>/datasets.yaml``).
CONTENT = Domain("datasets", _texts)


def names() -> list[str]:
    """Return the names of all datasets, sorted.

    Examples
    --------
    >>> names()[:3]
    ['cdnow_master', 'cdnow_sample', 'customer_links']
    """
    return sorted(TABLES)


def _table(name):
    return TABLES[check_choice("name", name, names(), error=DataError)]


def load(name: str, *, data_dir: str | Path | None = None):
    """Load a dataset as a typed DataFrame.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    data_dir : path, optional
        Folder holding ``<name>.csv``; default the course's ``datasets/`` (exercises pass the
        folder of a per-student variant).

    Raises
    ------
    DataError
        Unknown name, missing or empty file, wrong delimiter, missing column, a value of the
        wrong type or out of range; the message names the file, the column and the line.

    Examples
    --------
    >>> orders = load("orders")
    >>> str(orders["order_date"].dtype), str(orders["quantity"].dtype)
    ('datetime64[us]', 'int64')
    >>> load("supplier")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.DataError: Got name='supplier' instead, expected one of 'cdnow_master', ...
    """
    from crmlab.datasets._load import read_table

    table = _table(name)
    folder = Path(data_dir) if data_dir is not None else datasets_dir()
    return read_table(folder / f"{name}.csv", table)


def _allowed(column, lang: str) -> str:
    """The rule of a column as a reader of ``lang`` reads it: the codes the data holds, each
    with its label where the language has one (how the lessons explain the codes)."""
    from crmlab.core.i18n import message, shown_value

    if column.allowed:
        shown = [(code, shown_value(code, lang)) for code in column.allowed]
        return ", ".join(code if label == code else f"{code} ({label})" for code, label in shown)
    if column.min is not None and column.max is not None:
        return message("datasets.range", lang, low=f"{column.min:g}", high=f"{column.max:g}")
    if column.min is not None:
        return f">= {column.min:g}"
    return ""


def describe(name: str, *, lang: str | None = None):
    """Return the data dictionary of a dataset in ``lang`` (default: the language in effect);
    its provenance is in ``.attrs["provenance"]``.

    The column names and the codes in ``allowed`` are what the data holds (a language other
    than English gives each code its label in brackets). The descriptions are sentences, so
    the table shows every cell whole (a :class:`~crmlab.core.display.TextTable`).

    Examples
    --------
    >>> d = describe("survey")
    >>> d.loc[d["column"] == "csat", "allowed"].item()
    '1 to 5'
    >>> d.attrs["provenance"].startswith("Synthetic")
    True
    >>> d = describe("suppliers", lang="az")
    >>> d.loc[d["column"] == "supply_risk", "allowed"].item()
    'low (aşağı), medium (orta), high (yüksək)'
    """
    import pandas as pd

    from crmlab.core.display import text_table
    from crmlab.core.i18n import get_language

    lang = lang or get_language()
    table = _table(name)
    frame = pd.DataFrame(
        [{"column": c.name, "dtype": c.dtype, "description": CONTENT(c.description, lang),
          "allowed": _allowed(c, lang), "unit": CONTENT(c.unit, lang), "nullable": c.nullable}
         for c in table.columns]
    )
    frame.attrs["provenance"] = CONTENT(table.provenance, lang)
    frame.attrs["description"] = CONTENT(table.description, lang)
    return text_table(frame)


def generate(*, seed: int, n_customers: int = 2000, n_suppliers: int = 60,
             start: str = "2023-01-01", months: int = 24) -> dict:
    """Generate the tables of the course company, Caspian Trade Distribution.

    Parameters
    ----------
    seed : int
        Seed of the one random generator; the same seed gives the same tables.
    n_customers : int, default 2000
        Number of customer records (about 4% are duplicates of a person from another channel).
    n_suppliers : int, default 60
    start : str, default "2023-01-01"
        First day of the period.
    months : int, default 24
        Length of the period.

    Returns
    -------
    dict of str to DataFrame
        customers, customer_links, products, orders, suppliers, purchases, interactions, survey.

    Examples
    --------
    >>> tables = generate(seed=7, n_customers=200)
    >>> sorted(tables) == sorted(GENERATED)
    True
    >>> generate(seed=-1)
    Traceback (most recent call last):
    ...
    ValueError: Got seed=-1 instead, expected a non-negative integer.
    """
    from crmlab.datasets._generate import generate as _generate

    return _generate(seed=seed, n_customers=n_customers, n_suppliers=n_suppliers,
                     start=start, months=months)


def effects(*, lang: str | None = None):
    """The effects built into the course company: one row per documented size, the titles
    and units in ``lang`` (default: the language in effect).

    The index is (``effect``, ``quantity``); the columns are ``value`` and ``tolerance`` in
    ``unit`` (a share, a ratio, points, hours, ...), ``basis`` (``parameter``: a constant of
    the generator; ``counterfactual``: counted against the same company generated without the
    effect; ``expected``: the mean over other seeds) and ``title``. The tolerance is how far an
    estimate from the course data may fall from the value (``NaN``: the data cannot estimate
    it). ``datasets/README.md`` explains how each effect is built, how to estimate it and why
    the tolerance is what it is. The course data is synthetic: these effects are built in, not
    discovered. The quantities and titles are sentences, so the table shows every cell whole
    (a :class:`~crmlab.core.display.TextTable`). The quantities stay English, since lessons
    look sizes up by them; the display shows them in the reader's language.

    Examples
    --------
    >>> table = effects()
    >>> row = table.loc[("c4_leaving", "drop in buying again within 90 days after an "
    ...                  "unresolved back-office contact")]
    >>> print(row["value"], row["unit"], row["tolerance"], row["basis"])
    0.112 share 0.035 counterfactual
    >>> print(table.loc["response", "value"].iloc[-1])
    2.5
    """
    import pandas as pd

    from crmlab.core.display import text_table
    from crmlab.datasets._effects import EFFECTS

    rows = [{"effect": e.key, "quantity": s.quantity, "value": float(s.value),
             "unit": CONTENT(s.unit, lang),
             "tolerance": float("nan") if s.tolerance is None else float(s.tolerance),
             "basis": s.basis, "title": CONTENT(e.title, lang)} for e in EFFECTS for s in e.sizes]
    return text_table(pd.DataFrame(rows).set_index(["effect", "quantity"]))


def _effects_readme() -> list[str]:
    from crmlab.datasets._effects import EFFECTS, NOT_BUILT_IN

    lines = [
        "## Effects built into the course company",
        "",
        "Everything the generator builds in, with its size in the unit a lesson would estimate it",
        "in. A lesson that finds one of these compares its estimate with the size below (also in",
        "`crmlab.datasets.effects()`) and says that the data is synthetic: these are built in, not",
        "discovered about the world. `tests/test_generator_effects.py` recovers every size from",
        "the committed data within its tolerance. Basis: *parameter*, a constant of",
        "`crmlab/datasets/_generate.py`; *counterfactual*, counted on the course data against the",
        "same company generated without the effect (every other draw the same); *expected*, the",
        "mean over `generate(seed=s)` for s = 1 to 16. Text: `crmlab/datasets/_effects.py`.",
        "",
    ]
    for e in EFFECTS:
        lines += [f"### {e.title} (`{e.key}`; {e.lessons})", "", e.mechanism, "",
                  "| quantity | size | unit | tolerance | basis |", "|---|---|---|---|---|"]
        for s in e.sizes:
            tol = "not estimable: checked against the regeneration" if s.tolerance is None \
                else f"{s.tolerance:g}"
            lines.append(f"| {s.quantity} | {s.value:g} | {s.unit} | {tol} | {s.basis} |")
        lines += ["", f"*Estimate:* {e.estimate}", "", f"*Tolerance:* {e.tolerance}", ""]
    lines += ["### Not built in", "",
              "What the generator does not build in, so that no lesson reads it into the data:", ""]
    lines += [f"- **{claim}** {instead}" for claim, instead in NOT_BUILT_IN]
    lines.append("")
    return lines


def _csv_text(name, frame) -> str:
    import pandas as pd

    table = TABLES[name]
    frame = frame[[c.name for c in table.columns]].copy()
    for col in table.columns:
        if col.dtype == "date":
            frame[col.name] = pd.to_datetime(frame[col.name]).dt.strftime("%Y-%m-%d")
        elif col.dtype == "bool":
            frame[col.name] = frame[col.name].map({True: "true", False: "false"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.10g")
    return buffer.getvalue()


def write(tables: dict, out_dir: str | Path) -> list[Path]:
    """Write tables as ``<name>.csv`` into ``out_dir``, byte-for-byte deterministic.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write(generate(seed=1, n_customers=100), folder)
    ...     load("orders", data_dir=folder)["order_id"].is_unique
    True
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        _table(name)
        written.append(write_text(out / f"{name}.csv", _csv_text(name, frame)))
    return written


def readme() -> str:
    """Return the text of ``datasets/README.md``, generated from the data dictionary."""
    lines = [
        "# Course datasets",
        "",
        "Generated from the data dictionary in `crmlab/datasets/_schema.py` and the generator's",
        "effects in `crmlab/datasets/_effects.py` by `crmlab datasets readme >",
        "datasets/README.md`; a test keeps it in step. Load every table with",
        "`crmlab.datasets.load(name)`: never read the CSV files directly. The last section lists",
        "every effect built into the course company, with its size.",
        "",
        "The course company, Caspian Trade Distribution, is **synthetic**: its tables come from",
        f"`crmlab.datasets.generate(seed={COURSE_SEED})` (`crmlab datasets generate --seed "
        f"{COURSE_SEED} --out datasets`). Its figures are invented for teaching and are not the "
        "source texts'. The CDNOW tables are real data.",
        "",
        "## Tables",
        "",
    ]
    for name in names():
        table = TABLES[name]
        lines += [f"### `{name}`", "", table.description, "", f"Provenance: {table.provenance}",
                  "", "| column | type | description | allowed | unit |", "|---|---|---|---|---|"]
        for c in table.columns:
            nullable = " (may be empty)" if c.nullable else ""
            lines.append(f"| `{c.name}` | {c.dtype} | {c.description}{nullable} | {c.rule()} | "
                         f"{c.unit} |")
        lines.append("")
    lines += _effects_readme()
    return "\n".join(lines)
