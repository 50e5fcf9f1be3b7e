"""crmlab.datasets: one loader, typed columns, one-line errors for corrupted files."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.cli import main
from crmlab.core.exceptions import DataError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", datasets.names())
def test_every_dataset_loads_with_its_dictionary_types(name):
    frame = datasets.load(name)
    dictionary = datasets.describe(name)
    assert frame.columns.tolist() == dictionary["column"].tolist()
    assert len(frame) > 0
    kinds = {"int": "i", "float": "f", "bool": "b", "date": "M"}
    for column, dtype in zip(dictionary["column"], dictionary["dtype"]):
        if dtype in kinds:
            assert frame[column].dtype.kind == kinds[dtype], column
        elif dtype == "category":
            assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert dictionary.attrs["provenance"]


def test_cdnow_counts_match_the_published_data():
    sample = datasets.load("cdnow_sample")
    assert (sample["customer_id"].nunique(), len(sample)) == (2357, 6919)
    assert datasets.load("cdnow_master")["customer_id"].nunique() == 23570


@pytest.fixture
def suppliers_copy(tmp_path):
    shutil.copy(ROOT / "datasets" / "suppliers.csv", tmp_path / "suppliers.csv")
    return tmp_path / "suppliers.csv"


def _edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))


CASES = [
    ("missing column", lambda p: p.write_text(
        "\n".join(",".join(line.split(",")[:-1]) for line in p.read_text().splitlines()) + "\n"),
     "Got {dir}/suppliers.csv without the column 'monopoly_market' instead, expected the "
     "columns {columns}."),
    ("wrong type", lambda p: _line(p, 3, "n_alternatives", "many"),
     "{dir}/suppliers.csv: line 3: Got n_alternatives='many' instead, expected an integer."),
    ("out of range", lambda p: _line(p, 5, "profit_share", "1.7"),
     "{dir}/suppliers.csv: line 5: Got profit_share='1.7' instead, expected 0 to 1."),
    ("not allowed", lambda p: _line(p, 4, "supply_risk", "hgh"),
     "{dir}/suppliers.csv: line 4: Got supply_risk='hgh' instead, expected one of 'low', 'medium', "
     "'high'."),
    ("not a boolean", lambda p: _line(p, 2, "monopoly_market", "yes"),
     "{dir}/suppliers.csv: line 2: Got monopoly_market='yes' instead, expected true or false."),
    ("empty file", lambda p: p.write_text(""),
     "{dir}/suppliers.csv: the file is empty, expected a header line"),
    ("header only", lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"),
     "{dir}/suppliers.csv: no data rows below the header"),
    ("wrong delimiter", lambda p: p.write_text(p.read_text().replace(",", ";")),
     "{dir}/suppliers.csv: wrong delimiter in the header line, expected ',' between columns "
     "supplier_id, name, category, ..."),
]


def _line(path, line_no, column, value):
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[line_no - 1].split(",")
    cells[header.index(column)] = value
    lines[line_no - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(("case", "corrupt", "message"), CASES, ids=[c[0] for c in CASES])
def test_corrupted_file_gives_one_line_error(suppliers_copy, case, corrupt, message):
    corrupt(suppliers_copy)
    with pytest.raises(DataError) as info:
        datasets.load("suppliers", data_dir=suppliers_copy.parent)
    text = str(info.value)
    columns = ", ".join(repr(c) for c in datasets.describe("suppliers")["column"])
    assert text == message.format(dir=suppliers_copy.parent, columns=columns)
    assert "\n" not in text


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(DataError, match=r"orders.csv: file not found \(dataset 'orders'\)$"):
        datasets.load("orders", data_dir=tmp_path)
    with pytest.raises(DataError, match=r"^Got name='order' instead, expected one of "):
        datasets.load("order")


@pytest.mark.parametrize(("name", "line", "column", "value", "expected"), [
    ("survey", 7, "survey_date", "2023-13-01", "a date YYYY-MM-DD"),
    # A nullable integer column: empty is fine, anything else must be a whole number in range.
    ("customers", 4, "welcome_csat", "4.5", "an integer"),
    ("customers", 4, "welcome_csat", "9", "1 to 5"),
])
def test_bad_value_names_column_and_line(tmp_path, name, line, column, value, expected):
    shutil.copy(ROOT / "datasets" / f"{name}.csv", tmp_path / f"{name}.csv")
    _line(tmp_path / f"{name}.csv", line, column, value)
    with pytest.raises(DataError) as info:
        datasets.load(name, data_dir=tmp_path)
    assert str(info.value).endswith(f"line {line}: Got {column}={value!r} instead, "
                                    f"expected {expected}.")


def test_describe_and_readme_are_in_step():
    assert (ROOT / "datasets" / "README.md").read_text() == datasets.readme()
    for name in datasets.names():
        assert f"## `{name}`" in datasets.readme()


def test_cli_list_describe_and_errors(capsys, tmp_path):
    assert main(["datasets", "list"]) == 0
    assert "suppliers" in capsys.readouterr().out
    assert main(["datasets", "describe", "survey"]) == 0
    assert "csat" in capsys.readouterr().out
    assert main(["datasets", "describe", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crmlab: error: Got name='nope' instead") and err.count("\n") == 1
    assert main(["datasets", "generate", "--seed", "-1", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: Got seed=-1 instead, expected a non-negative integer.\n")


def test_nullable_integers_load_as_pandas_nullable_ints():
    customers = datasets.load("customers")
    assert str(customers["welcome_csat"].dtype) == "Int64"
    assert customers["welcome_csat"].isna().any()
    assert customers["welcome_csat"].dropna().between(1, 5).all()
    products = datasets.load("products")
    assert str(products["shelf_life_days"].dtype) == "Int64"
    assert products["own_brand"].dtype == bool

