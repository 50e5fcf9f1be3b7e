"""Quiz keys against the lessons: a key must answer the question its prompt asks.

A number of one's own (``variant: student``) is keyed at grading by the instructor's key
function (``notebooks/instructor/quiz_keys.py``) on each student's variant of the course data.
Here each such question is answered again the way a student answers it, without that file: the
lesson's own Try-it (or worked-example) cell, read by its cell id from the committed English
notebook, changed as the prompt says, run with ``datasets.variant()`` returning the variant
under test; where no lesson cell computes the number, plain pandas restates the lesson's cell.
The key function must give the same number on the practice variant and on two students'
variants. (That the quiz file's ``answer`` is the key on the practice variant is
``tests/test_quiz_variants.py``'s.) The other keys are checked against the course data.
"""

import ast
import contextlib
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat
import pytest

from crmlab import datasets
from crmlab.datasets._variant import Variant, token_for
from crmlab.quiz import load
from crmlab.quiz.variants import question_inputs
from crmlab.relationships import classify_supplier
from crmlab.value_exchange import csat_and_order_value, value_for_cost_interval

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SECRET = b"course-secret"


@dataclass(frozen=True)
class Asked:
    """How a student answers a number of one's own: run ``cells`` of ``notebook`` (English,
    by cell id) with ``changes`` (old text -> new, each found exactly once; the new text may
    name the question's inputs as ``{name}``), then evaluate ``number`` in what they left
    (``_`` is the value of a cell's last expression)."""

    notebook: str
    cells: tuple
    number: str
    changes: dict = field(default_factory=dict)


# L02's Try it, part 2, ranked by purchase value with the cut-offs 70% and 90%
BY_SPEND = {'value, cutoffs = "profit_share", CUTOFFS':
            'value, cutoffs = "annual_spend", (0.7, 0.9)'}

ASKED = {
    ("L00", "n-perishable"): Asked(
        "00_start_here", ("l00-22",),
        'round(float(_["shelf_life_days"].notna().sum()))',
        {'mine.load("products").head(3)': 'mine.load("products")'}),
    ("L01", "repeat-phone-90"): Asked(
        "01_relationship_marketing", ("e3e6c322",),
        'round(float(_.loc["phone", "repeat_rate"]) * 100, 1)',
        {'by="cohort", window=90, cohort="Y"': 'by="channel", window=90'}),
    # Retention from the first quarter of 2024 into the second, restated in plain pandas on
    # the Try-it cell's orders with their person (the lesson's retention_rate, cell cda89f27,
    # by quarter).
    ("L01", "retention-quarter"): Asked(
        "01_relationship_marketing", ("e3e6c322",),
        "_quarter_retention(my_orders_by_person, '2024Q1', '2024Q2')"),
    # The first Try-it cell is the calculator (widget) on the worked example's figures: the
    # worked example, with the student's new retention and cost per customer reached.
    ("L01", "net-value"): Asked(
        "01_relationship_marketing", ("98f0a407", "dfeed727", "cda89f27", "239126b6",
                                      "27800798"),
        'round(float(economics.loc[("present value", "net value of the programme"), '
        '"amount"]))',
        {"new_retention=rate_2023 + 0.05": "new_retention={new_retention}",
         "cost_per_customer=10)": "cost_per_customer={cost_per_customer}, reach='active')"}),
    ("L02", "n-class-a-spend"): Asked(
        "02_supplier_relationship_types", ("l02-25b",), "len(class_a)",
        BY_SPEND),
    ("L02", "share-class-a-spend"): Asked(
        "02_supplier_relationship_types", ("l02-25b",),
        'round(float(class_a["annual_spend"].sum() / my_suppliers["annual_spend"].sum()) * 100,'
        ' 1)',
        BY_SPEND),
    ("L03", "payback-calc"): Asked(
        "03_crm_classifications", ("l03-34b",), "_",
        {"= 60_000, 7_000, 0.12": "= {investment}, {monthly_benefit}, {rate} / 100"}),
    ("L04", "n-people"): Asked(
        "04_customer_data_and_personalisation", ("8d6861a3", "fc0c3aae"),
        "int(by_name.nunique())",
        {'name_key(customers["first_name"], customers["last_name"])':
         'name_key(my_customers["first_name"], my_customers["last_name"])',
         'by_name.index = customers["customer_id"]\nmerge_quality(by_name, truth)': ""}),
    ("L04", "email-excluded"): Asked(
        "04_customer_data_and_personalisation", ("8d6861a3", "b5742a68"), "_.excluded",
        {'purpose="win_back"': 'purpose="profiling"'}),
    ("L04", "win-back-n"): Asked(
        "04_customer_data_and_personalisation", ("8d6861a3",), "len(_)",
        {"lost_after=150": "lost_after=120"}),
    ("L05", "n-champions"): Asked(
        "05_analytical_crm", ("l05-try-mine", "4922dc8c"), 'int(_["champions"])',
        {'as_of = "2024-07-01"': 'as_of = "2024-01-01"'}),
    ("L05", "platinum-share"): Asked(
        "05_analytical_crm", ("l05-try-mine", "0c94a232"),
        'round(float(my_margin[_ == "top"].sum() / my_margin.sum()) * 100, 1)',
        {".value_counts().sort_index()": ""}),
    ("L05", "clv"): Asked(
        "05_analytical_crm", ("845156ac",), "_",
        {"100, retention=0.85, discount=0.08":
         "{margin}, retention={retention} / 100, discount={discount} / 100"}),
    ("L05", "expected"): Asked(
        "05_analytical_crm", ("21b8f4e5", "dca4b1c9", "5a583939"), "_[0]",
        {"model.expected_purchases(39, 4, 10, 38.86)":
         "model.expected_purchases(39, {frequency}, {recency}, 38.86)"}),
    ("L06", "nps-phone"): Asked(
        "06_multichannel_and_satisfaction", ("l06-try-mine", "l06-try-segment"),
        "round(float(_[0]), 1)", {'== "web"': '== "phone"'}),
    # The top-2 share of the welcome score (the Try-it's suggestion
    # csat(my_customers["welcome_csat"].dropna())), restated in plain pandas.
    ("L06", "top2-welcome"): Asked(
        "06_multichannel_and_satisfaction", ("l06-try-mine",),
        'round(float(my_customers["welcome_csat"].dropna().isin([4, 5]).mean()) * 100, 1)'),
    ("L06", "repeat-5-120"): Asked(
        "06_multichannel_and_satisfaction", ("l06-try-mine", "7ea3b66a"),
        "round(float(_.loc[5]) * 100, 1)", {"window_days=90": "window_days=120"}),
    ("L06", "n-three-channels"): Asked(
        "06_multichannel_and_satisfaction", ("l06-try-mine", "2cc0d9cb"), "_[0]",
        {"min_channels=2": "min_channels=3"}),
    ("L07", "email-ratio"): Asked(
        "07_crm_in_the_supply_chain", ("l07-try-mine",),
        'round(float(_.loc["email", "value_for_cost"]), 2)',
        {"mine = datasets.variant()": 'by = "preferred_channel"\nmine = datasets.variant()'}),
    ("C2", "partnership-profit"): Asked(
        "c2_natural_milk", ("c2-12b",),
        'round(float(partners["profit_share"].sum()) * 100, 1)',
        {'chosen = my_suppliers[my_suppliers["category"] == "Dairy"]': "chosen = my_suppliers"}),
    # All modules at once: the case's discounted payback (cell c3-09) with one constant monthly
    # benefit, restated in plain Python (month m discounted by (1 + rate) ** (-m / 12)).
    ("C3", "discounted"): Asked(
        "c3_crm_rollout", (), "_discounted_payback({outlay}, {monthly}, {rate} / 100)"),
    # The back office's resolved share among contacts of customers welcomed with 4 or 5,
    # restated in plain pandas on the Try-it cell's contacts (the case's cell
    # c4-resolved-by-welcome gives it band by band).
    ("C4", "resolved-high-welcome"): Asked(
        "c4_received_by_the_accountant", ("c4-try-mine",),
        'round(float(my_contacts.loc[(office_of(my_contacts["touchpoint"]) == "back").to_numpy()'
        ' & my_contacts["welcome_csat"].isin([4, 5]).to_numpy(), "resolved"].mean()) * 100, 1)'),
    ("C4", "adjusted-gap-180"): Asked(
        "c4_received_by_the_accountant", ("c4-try-mine", "c4-19"),
        "round(float(_.adjusted_gap) * 100, 1)",
        {'window_days=90, touchpoint="accounting"': 'window_days=180, office="back"'}),
}


def _quarter_retention(orders, quarter, following):
    periods = orders["order_date"].dt.to_period("Q").astype(str)
    now = set(orders.loc[periods == quarter, "person"])
    later = set(orders.loc[periods == following, "person"])
    return round(len(now & later) / len(now) * 100, 1)


def _discounted_payback(outlay, monthly, rate):
    cumulative, month = -outlay, 0
    while cumulative < 0:
        month += 1
        cumulative += monthly * (1 + rate) ** (-month / 12)
    return month


@cache
def _notebook(name):
    """The notebook's code cells by id, and its import statements (what its cells rely on)."""
    cells = {cell.id: cell.source for cell in nbformat.read(NOTEBOOKS / f"{name}.ipynb", 4).cells
             if cell.cell_type == "code"}
    imports = [ast.unparse(node) for source in cells.values()
               for node in ast.parse(source).body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return cells, "\n".join(imports)


def _run(source, namespace):
    """Run a cell as Jupyter does: its last expression's value is kept as ``_``."""
    tree = ast.parse(source)
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        tree.body[-1] = ast.Assign([ast.Name("_", ast.Store())], tree.body[-1].value)
        ast.fix_missing_locations(tree)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, "<cell>", "exec"), namespace)


def _answer(quiz_id, question_id, variant, monkeypatch):
    """The number a student gets on ``variant`` with the lesson's cells changed as asked."""
    asked = ASKED[(quiz_id, question_id)]
    inputs = question_inputs(load(quiz_id).question(question_id), variant, quiz_id=quiz_id)
    cells, imports = _notebook(asked.notebook)
    source = "\n".join(cells[cell] for cell in asked.cells)
    for old, new in asked.changes.items():
        assert source.count(old) == 1, f"{asked.notebook} {asked.cells}: {old!r}"
        source = source.replace(old, new.format(**inputs))
    monkeypatch.setattr(datasets, "variant", lambda token=None: variant)
    namespace = {"display": lambda *args, **kwargs: None, "_quarter_retention": _quarter_retention,
                 "_discounted_payback": _discounted_payback}
    _run(imports, namespace)
    _run(source, namespace)
    return eval(asked.number.format(**inputs), namespace), inputs


def test_every_number_of_one_s_own_is_answered_from_its_lesson():
    from crmlab.grading.variant_keys import own_questions
    from crmlab.quiz.loading import quiz_files

    own = {(path.stem, question.id) for path in quiz_files()
           for question in own_questions(load(path.stem))}
    assert own == set(ASKED)


@pytest.mark.parametrize("student", [None, "s01", "s02"], ids=["practice", "s01", "s02"])
@pytest.mark.parametrize(("quiz_id", "question_id"), list(ASKED),
                         ids=[f"{q}:{i}" for q, i in ASKED])
def test_key_function_gives_what_the_lesson_s_cells_give(quiz_id, question_id, student,
                                                          monkeypatch):
    from crmlab.grading.variant_keys import KEYS, load_keys

    load_keys()
    variant = Variant(token_for(SECRET, student)) if student else Variant()
    answer, inputs = _answer(quiz_id, question_id, variant, monkeypatch)
    assert KEYS[(quiz_id, question_id)](variant, **inputs) == pytest.approx(answer, abs=1e-9)


def _touchpoint_risk():
    from crmlab.contact_outcomes import touchpoint_risk

    return touchpoint_risk(datasets.load("interactions"), datasets.load("orders"))


def _gap(strata, window_days, office):
    from crmlab.contact_outcomes import repeat_gap_within_strata, welcome_contacts

    contacts = welcome_contacts(datasets.load("interactions"), datasets.load("customers"))
    return repeat_gap_within_strata(contacts, datasets.load("orders"), strata=strata,
                                    window_days=window_days, office=office)


def _accounting_nps():
    from crmlab.contact_outcomes import touched_comparison

    table = touched_comparison(datasets.load("interactions"), datasets.load("orders"),
                               datasets.load("survey"), touchpoint="accounting")
    return round(table.loc["touched", "nps"], 1)


KEYS = [
    ("C4", "accounting-nps", _accounting_nps),
]


@pytest.mark.parametrize(("quiz_id", "question_id", "compute"), KEYS,
                         ids=[f"{k[0]}:{k[1]}" for k in KEYS])
def test_numeric_key_matches_the_data(quiz_id, question_id, compute):
    question = load(quiz_id).question(question_id)
    assert question.answer == pytest.approx(compute(), abs=1e-9)


def _keyed(quiz_id, question_id):
    return {option.id for option in load(quiz_id).question(question_id).options if option.correct}


def test_classify_milk_key_is_the_classifier_s_verdict_on_the_profile_it_gives():
    # C2's Try it, part 1: the natural-milk farm S020 with a second developed farm.
    farm = datasets.load("suppliers").set_index("supplier_id").loc["S020"].to_dict()
    developed = {**farm, "n_alternatives": 2, "switching_ease": "moderate"}
    question = load("C2").question("classify-milk")
    prompt = question.prompt["en"]
    # The prompt gives all nine criteria, with S020's values.
    for words in ("strategic product", "high supply risk", f"{farm['profit_share']:.2%}",
                  "not standardised", "medium buyer power", "two alternative farms",
                  "moderate switching", "high mutual dependence",
                  f"value creation of {farm['value_creation_share']:.0%}"):
        assert words in prompt, words
    assert (farm["product_criticality"], farm["supply_risk"], farm["quality_standardised"],
            farm["buyer_power"], farm["mutual_dependence"]) == ("strategic", "high", False,
                                                                "medium", "high")
    assert _keyed("C2", "classify-milk") == {f"t{int(classify_supplier(developed).type)}"}


def test_gap_x_contacts_key_says_what_the_column_measures():
    risk = _touchpoint_risk()
    # The keyed reading: unresolved contacts x the naive gap ...
    assert risk["repeat_gap_x_contacts"].tolist() == pytest.approx(
        (risk["unresolved"] * risk["gap"].clip(lower=0)).tolist())
    # ... not lost buyers: within welcome-CSAT bands the back office's gap is smaller.
    within = _gap("welcome_csat", 180, "back")
    assert within.adjusted_gap < within.naive_gap
    assert _keyed("C4", "gap-x-contacts") == {"naive-stakes"}


def test_clear_differences_key_follows_the_intervals():
    from crmlab.contact_outcomes import risk_difference
    from crmlab.survey import nps_difference

    survey, log = datasets.load("survey"), datasets.load("interactions")
    touched = survey["customer_id"].isin(log.loc[log["touchpoint"] == "accounting",
                                                 "customer_id"])
    clear = {
        "nps-accounting": nps_difference(survey.loc[touched, "nps"],
                                         survey.loc[~touched, "nps"])["clear"],
        "delivery-accounting": risk_difference(_touchpoint_risk(), "delivery",
                                               "accounting")["clear"],
        "naive-back": _gap("everyone", 90, "back").clear,
        "within-back": _gap("welcome_csat", 90, "back").clear,
        "within-front": _gap("welcome_csat", 90, "front").clear,
    }
    options = {option.id for option in load("C4").question("clear-differences").options}
    assert options == set(clear)
    assert _keyed("C4", "clear-differences") == {key for key, is_clear in clear.items() if is_clear}
    # The option claims a direction; where it is clear, the direction must hold too.
    assert _gap("everyone", 90, "back").adjusted_gap > 0
    assert _gap("welcome_csat", 90, "back").adjusted_gap > 0


# Pair ids of question C1 "types" -> the partner profiles that notebook C1 classifies.
C1_PAIRS = {"office": "office supplies", "packaging": "custom packaging",
            "producer": "competitor producing for the programme"}


def _c1_partner(pair_id):
    from crmlab.marketing import ARTLIFE_PARTNERS

    return ARTLIFE_PARTNERS[C1_PAIRS[pair_id]]


def test_partner_types_key_matches_the_classifier():
    question = load("C1").question("types")
    keyed = {pair.id: pair.match for pair in question.pairs}
    assert keyed == {pair_id: f"t{int(classify_supplier(_c1_partner(pair_id)).type)}"
                     for pair_id in C1_PAIRS}


def test_type_4_only_reasons_key_matches_the_classifier():
    options = {option.id for option in load("C1").question("reasons").options}
    only_4 = {reason.criterion.replace("_", "-")
              for reason in classify_supplier(_c1_partner("producer")).reasons
              if tuple(reason.points_to) == (4,)}
    assert _keyed("C1", "reasons") == only_4 & options


def test_store_gap_key_follows_the_differences_and_the_ranks():
    from crmlab.value_exchange import (
        median_comparison,
        value_for_cost_difference,
    )

    table = csat_and_order_value(datasets.load("orders"), datasets.load("survey"),
                                 customers=datasets.load("customers"))
    ratio = value_for_cost_interval(table, by="preferred_channel", benefit="csat",
                                    cost="order_value", per=100)
    assert ratio.index[-1] == "store"  # the prompt: the store's ratio is again the lowest
    against = value_for_cost_difference(table, by="preferred_channel", benefit="csat",
                                        cost="order_value", against="store", per=100)
    # The keyed option: clearly below the web and field sales by the difference intervals ...
    assert set(against.index[against["clear"]]) == {"web", "field_sales"}
    # ... yet no channel's order values differ from the store's by rank.
    ranks = median_comparison(table, by="preferred_channel", value="order_value",
                              against="store")
    assert (ranks["p_value"] > 0.05).all()
    assert _keyed("L07", "store-gap") == {"tail"}
