"""The course-company generator: deterministic, realistic shapes, the committed data is one seed."""

import hashlib
from pathlib import Path

import pytest

from crmlab import datasets
from crmlab.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).glob("*.csv"))}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        datasets.write(datasets.generate(seed=seed, n_customers=150), tmp_path / name)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["orders.csv"] != _digest(tmp_path / "c")["orders.csv"]


def test_committed_csvs_are_seed_2024(tmp_path):
    assert main(["datasets", "generate", "--seed", str(datasets.COURSE_SEED),
                 "--out", str(tmp_path)]) == 0
    committed = _digest(ROOT / "datasets")
    for name, digest in _digest(tmp_path).items():
        assert committed[name] == digest, f"datasets/{name} differs from generate(seed=2024)"


@pytest.fixture(scope="module")
def company():
    return {name: datasets.load(name) for name in datasets.GENERATED}


def test_spend_has_a_pareto_head(company):
    spend = company["orders"].groupby("customer_id")["revenue"].sum().sort_values(ascending=False)
    head = spend.head(len(spend) // 5).sum() / spend.sum()
    assert 0.55 <= head <= 0.85


def test_december_is_the_peak_month(company):
    orders = company["orders"]
    by_month = orders.groupby(orders["order_date"].dt.month)["revenue"].sum()
    assert by_month.idxmax() == 12


def test_duplicates_exist_and_links_cover_every_record(company):
    links = company["customer_links"]
    assert links["customer_id"].tolist() == company["customers"]["customer_id"].tolist()
    per_person = links.groupby("person_id").size()
    assert 0.02 <= (per_person > 1).mean() <= 0.08


def test_a_woman_s_surname_is_feminine_and_changes_nothing_else(company):
    from crmlab.datasets._generate import FEMALE, _surname

    customers = company["customers"]
    woman = customers["first_name"].str.capitalize().isin(FEMALE)
    assert woman.any() and (~woman).any()
    assert customers.loc[woman, "last_name"].str.lower().str.endswith(("ova", "eva")).all()
    assert customers.loc[~woman, "last_name"].str.lower().str.endswith(("ov", "ev")).all()
    # The feminine form is the last step, from the record's own strings: the e-mail address
    # was made from the masculine form, and the upper-case duplicates stay upper case.
    masculine = customers.loc[woman, "last_name"].str[:-1].str.lower()
    email = customers.loc[woman, "email"].str.strip().str.lower()
    assert all(not e or name.replace("iev", "iyev").replace("aev", "ayev") in e
               for name, e in zip(masculine, email.fillna("")))
    assert _surname("ALIEV", female=True) == "ALIEVA" and _surname("Aliyev", female=False) == \
        "Aliyev"


def test_foreign_keys_hold(company):
    ids = set(company["customers"]["customer_id"])
    for table in ("orders", "interactions", "survey"):
        assert set(company[table]["customer_id"]) <= ids
    assert set(company["orders"]["product_id"]) <= set(company["products"]["product_id"])
    assert set(company["products"]["supplier_id"]) <= set(company["suppliers"]["supplier_id"])


def test_supplier_mix_has_the_special_cases(company):
    suppliers = company["suppliers"]
    assert suppliers["monopoly_market"].sum() >= 1
    assert (~suppliers["interested_in_our_volume"]).sum() >= 1
    assert set(suppliers["product_criticality"]) == {"non-critical", "key", "strategic"}
    assert suppliers["profit_share"].sum() == pytest.approx(1, abs=0.01)
    # Unit cost is not what drives profit: the two rankings disagree.
    assert suppliers[["unit_cost", "profit_share"]].corr(method="spearman").iloc[0, 1] < 0.3


def test_margin_is_revenue_minus_cost(company):
    orders = company["orders"]
    assert ((orders["revenue"] - orders["cost"] - orders["margin"]).abs() < 0.011).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"seed": 1.5}, "Got seed=1.5 instead, expected a non-negative integer."),
    ({"seed": 1, "n_customers": 5}, "Got n_customers=5 instead, expected an integer >= 20."),
    ({"seed": 1, "months": 2}, "Got months=2 instead, expected an integer >= 6."),
])
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError) as info:
        datasets.generate(**kwargs)
    assert str(info.value) == message


def test_smallest_company_still_has_every_supplier_role():
    from crmlab.datasets import _generate

    tables = datasets.generate(seed=3, n_customers=20, n_suppliers=8)
    roles = _generate.supplier_roles(seed=3, n_suppliers=8)
    assert set(roles) == {s["kind"] for s in _generate.SPECIAL_SUPPLIERS}
    assert set(roles.values()) <= set(tables["suppliers"]["supplier_id"])
    assert tables["suppliers"]["supplier_id"].is_unique and tables["suppliers"]["name"].is_unique


def test_effect_sizes_can_be_switched_off_but_not_misnamed():
    from crmlab.datasets import _generate

    with pytest.raises(ValueError, match=r"^Got sizes=\{'leave': 0\} instead, expected keys "
                                         r"among \['leave_after_unresolved_back', "):
        _generate.generate(seed=1, n_customers=20, sizes={"leave": 0})


def test_the_readme_documents_every_effect():
    text = datasets.readme()
    for key in datasets.effects().index.get_level_values("effect").unique():
        assert f"(`{key}`;" in text
    assert "### Not built in" in text
