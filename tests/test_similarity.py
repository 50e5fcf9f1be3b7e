"""crmlab.grading.similarity: copied work found through small edits, honest work left alone.

The honest answers below were written independently, each in its own words, to the course's
open question L02_open/contact-points (every point of contact with the suppliers, which a
"partial competition" relationship should keep, and in what form); the honest solutions are
different ways of writing the EX-abc-profit steps; the short answers and partial solutions are
honest too, written in the words and idioms the lesson uses, so they share more by chance. They,
the edited copies and the copies padded with work of one's own are the cases the thresholds
were chosen from (see the module's docstring): any change to the measure must keep every honest
pair below the thresholds and every copy above one of them. The measured values are kept beside
each case.
"""

from __future__ import annotations

import copy
import itertools
import time

import nbformat
import numpy as np
import pytest

from crmlab.exercises.notebook import find_exercise, read_exercise, student_copy
from crmlab.grading import similarity
from crmlab.grading.files import SIMILARITY_COLUMNS
from crmlab.grading.similarity import (
    CODE_MIN_SHARED,
    CODE_THRESHOLD,
    CONTAINMENT,
    CONTAINMENT_THRESHOLD,
    MIN_TOKENS,
    MIN_WORDS,
    RESEMBLANCE,
    TEXT_MIN_SHARED,
    TEXT_THRESHOLD,
    code_shingles,
    code_similarity,
    code_tokens,
    own_code,
    similar_pairs,
    text_shingles,
    text_similarity,
)
from crmlab.quiz.loading import load

QUESTION = ("L02_open", "contact-points")

HONEST = {
    "h1": "We deal with suppliers when we search the market, when we ask for quotes and "
          "negotiate, when the contract is signed, at every order, at delivery and at "
          "payment. In partial competition I would keep the quotes, the orders and the "
          "delivery checks, handled by the purchasing manager by e-mail and a short call, "
          "and drop the plant visits because we do not depend on one supplier.",
    "h2": "First there is supplier selection and a visit to check their warehouse. Then "
          "negotiations, the framework agreement, purchase orders through the web portal, "
          "goods receipt with a quality inspection, complaints and finally invoicing. With "
          "several suppliers competing for part of our volume, a yearly review meeting at "
          "department-head level is enough; routine orders should go electronically.",
    "h3": "Contacts: requests for proposals, price talks, signing, ordering, shipping, "
          "receiving, returns, billing, paying and rating how well the supplier did. For a "
          "partly competitive relationship keep the rating and the price talks as formal "
          "meetings twice a year, and automate ordering and billing so that nobody has to "
          "phone for them.",
    "h4": "Our firm touches its vendors during sourcing, tendering, contracting, "
          "replenishment, inbound logistics, claims handling and settlement of accounts. "
          "Because we split the business between two or three vendors, the relationship "
          "stays arm's length: tenders and contracts in writing, replenishment by EDI, "
          "claims through a standard form, and a scorecard that decides next year's share.",
    "h5": "A buyer calls the supplier to ask about prices, sends an order, receives the "
          "goods, checks them, pays the bill and sometimes complains. In partial "
          "competition only the contacts that matter for comparing suppliers should stay "
          "personal, the negotiation and the complaint, while the rest can run through "
          "catalogues and automatic payment runs.",
    "h6": "Market research, shortlisting, audits at the supplier's site, negotiation of "
          "terms, the signed contract, call-off orders, transport and acceptance at our "
          "gate, quality claims, invoice matching and payment, then a performance "
          "evaluation. Keep negotiation and evaluation with the head of purchasing, keep "
          "audits only for new suppliers, and run call-offs and payments as standard "
          "transactions.",
}

# Short honest answers (13 to 20 words of their own), in the lesson's words: they share the
# course's phrases ("in partial competition", "by e-mail", "keep the negotiation").
SHORT = {
    "t1": "Orders, deliveries, invoices and complaints. Keep the negotiation personal and put "
          "the orders online.",
    "t2": "Contacts: quotes, contract, orders, delivery, payment. In partial competition keep "
          "the contract talks face to face.",
    "t3": "In partial competition the contacts to keep are the price negotiation and the "
          "quality complaints, by e-mail.",
    "t4": "We contact suppliers for quotes, orders and payment; only the negotiation of the "
          "contract should stay personal.",
    "t5": "Every order, every delivery and every invoice is a contact. Keep the negotiation in "
          "person, the rest by e-mail.",
    "t6": "Tender, contract, order, delivery, payment, claim. The relationship should keep the "
          "tender and the claim, in writing.",
    "t7": "Keep the quotes and the orders by e-mail and meet the supplier once a year to "
          "negotiate the contract.",
    "t8": "The contacts are ordering, delivery and payment, and in partial competition they "
          "should run by e-mail.",
}

# h1 copied: five words changed, two sentences swapped.
EDITED = ("In partial competition I would keep the quotes, the orders and the delivery "
          "controls, handled by the purchase manager by mail and a quick call, and skip the "
          "plant visits since we do not depend on one supplier. We deal with suppliers when "
          "we search the market, when we request quotes and negotiate, when the contract is "
          "signed, at every order, at delivery and at payment.")
# h2 copied: a few words changed, one clause added.
CLAUSE = ("First there is supplier selection and a visit to check their stores. Then "
          "negotiations, the framework contract, purchase orders through the web portal, "
          "goods receipt with a quality inspection, complaints and finally invoicing. With "
          "several suppliers competing for part of our volume, a yearly review meeting at "
          "department-head level is enough, in my opinion; routine orders should go "
          "electronically.")

# Paragraphs of one's own (80 and 78 words; h1 has 68), added after a copy to dilute it.
OWN = ("Looking at our own purchasing data, most of the money goes to three suppliers of "
       "packaging, and they are also the ones whose delivery dates slip most often. I would "
       "add a monthly check of the on-time rate and of the share of faulty batches, shared "
       "with each of these suppliers so that they can see where they stand against the "
       "others, and I would tie next year's volume to that record rather than to the price "
       "alone.")
MORE = ("Another thing I noticed is that nobody owns the relationship after the contract is "
        "signed: the buyers move on to the next tender and the warehouse only talks to the "
        "drivers. A named person for every supplier, with a short quarterly call, would catch "
        "problems before they turn into claims and would make the yearly review less of a "
        "surprise for both sides, which matters when we want them to stay keen on our share "
        "of the business.")

SOLUTIONS = {
    "c1": 'ranked = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
          'class_a = set(ranked.loc[ranked["abc_class"] == "A", "supplier_id"])\n'
          'share_a = round(float(ranked.loc[ranked["abc_class"] == "A", "share"].sum()), 4)\n'
          'by_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
          'a_cost = set(by_cost.loc[by_cost["abc_class"] == "A", "supplier_id"])\n'
          'misranked = len(a_cost - class_a)\n',
    "c2": 'abc = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
          'top = abc[abc.abc_class == "A"]\n'
          'class_a = set(top.supplier_id)\n'
          'share_a = round(top.share.sum(), 4)\n'
          'cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
          'misranked = len(set(cost[cost.abc_class == "A"].supplier_id) - class_a)\n',
    "c3": 'result = abc_analysis(suppliers, label="supplier_id", value="profit_share")\n'
          'is_a = result["abc_class"].eq("A")\n'
          'class_a = set(result["supplier_id"][is_a])\n'
          'share_a = round(float(result["share"][is_a].sum()), 4)\n'
          'cost_a = abc_analysis(suppliers, label="supplier_id", value="unit_cost").query(\n'
          '    "abc_class == \'A\'")\n'
          'misranked = sum(1 for s in cost_a["supplier_id"] if s not in class_a)\n',
    "c4": 'table = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
          'class_a = {s for s, c in zip(table["supplier_id"], table["abc_class"]) if c == "A"}\n'
          'share_a = round(table.groupby("abc_class")["share"].sum()["A"], 4)\n'
          'costs = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
          'cheap = {s for s, c in zip(costs["supplier_id"], costs["abc_class"]) if c == "A"}\n'
          'misranked = len(cheap.difference(class_a))\n',
    "c5": 'order = suppliers.sort_values("profit_share", ascending=False)\n'
          'cum = order["profit_share"].cumsum() / order["profit_share"].sum()\n'
          'class_a = set(order.loc[cum.shift(fill_value=0) < 0.8, "supplier_id"])\n'
          'share_a = round(order.loc[order.supplier_id.isin(class_a), "profit_share"].sum()\n'
          '                / order["profit_share"].sum(), 4)\n'
          'by_cost = suppliers.sort_values("unit_cost", ascending=False)\n'
          'cum_cost = by_cost["unit_cost"].cumsum() / by_cost["unit_cost"].sum()\n'
          'misranked = len(set(by_cost.loc[cum_cost.shift(fill_value=0) < 0.8, "supplier_id"])\n'
          '                - class_a)\n',
}

# c2 copied: every name renamed, comments and spacing changed.
RENAMED = ('# ABC by profit\n'
           'x = abc_analysis(suppliers, value = "profit_share", label = "supplier_id")\n\n'
           'y = x[x.abc_class == "A"]  # class A\n'
           'class_a = set(y.supplier_id)\n'
           'share_a = round(y.share.sum(), 4)\n'
           'z = abc_analysis(suppliers, value = "unit_cost", label = "supplier_id")\n'
           'misranked = len(set(z[z.abc_class == "A"].supplier_id) - class_a)\n')
# c4 copied: renamed, and one line written differently.
REWRITTEN = ('t = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
             'class_a = {s for s, c in zip(t["supplier_id"], t["abc_class"]) if c == "A"}\n'
             'share_a = round(t.loc[t["abc_class"] == "A", "share"].sum(), 4)\n'
             'k = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
             'low = {s for s, c in zip(k["supplier_id"], k["abc_class"]) if c == "A"}\n'
             'misranked = len(low.difference(class_a))\n')


# Honest partial solutions (one or two of the three questions), in the idioms of the lesson
# and of c1 to c4: q13 is written as c2 would have been.
PARTIAL = {
    "q1": 'top = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
          'class_a = set(top[top["abc_class"] == "A"]["supplier_id"])\n'
          'print(len(class_a), "suppliers in class A")\n',
    "q2": 'by_id = suppliers.set_index("supplier_id")["profit_share"]\n'
          'share_a = round(by_id[list(class_a)].sum() / by_id.sum(), 4)\n',
    "q3": 'by_unit_cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
          'cheap_a = by_unit_cost.query("abc_class == \'A\'").supplier_id\n'
          'misranked = int((~cheap_a.isin(class_a)).sum())\n',
    "q13": 'profit = abc_analysis(suppliers, value="profit_share", label="supplier_id")\n'
           'class_a = set(profit.supplier_id[profit.abc_class == "A"])\n'
           'cost = abc_analysis(suppliers, value="unit_cost", label="supplier_id")\n'
           'misranked = len(set(cost.supplier_id[cost.abc_class == "A"]) - class_a)\n',
}
# Cells of one's own (73 and 76 tokens; c2 has 80), added after a copy to dilute it.
PLOT = ('import matplotlib.pyplot as plt\n'
        'fig, ax = plt.subplots(figsize=(6, 3))\n'
        'ax.bar(range(len(ranked_view)), ranked_view["share"].cumsum())\n'
        'ax.axhline(0.8, color="grey", linestyle="--")\n'
        'ax.set_xlabel("suppliers, most profitable first")\n'
        'ax.set_ylabel("cumulative share of profit")\n'
        'print(f"{len(class_a)} suppliers in class A bring {share_a:.1%} of the profit")\n')
TABLE = ('counts = pd.crosstab(profit_view["abc_class"], cost_view["abc_class"])\n'
         'for label, row in counts.iterrows():\n'
         '    print(label, dict(row))\n'
         'wrong = sorted(set(cost_view.supplier_id) - set(profit_view.supplier_id))\n'
         'summary = {"class_a": len(class_a), "share_a": share_a, "misranked": misranked}\n'
         'print(summary)\n')


def _scores(documents: dict) -> dict:
    return {(a, b): s for a, b, _, s, _ in similar_pairs(documents, threshold=1e-9)}


def _measured(documents: dict, base=frozenset()) -> dict:
    """``{(a, b): (resemblance, containment, shared)}`` of every pair, from the definitions:
    each pair on its own, as in a class under COMMON_FROM where nothing is common ground."""
    own = {name: frozenset(shingles) - base for name, shingles in documents.items()}
    found = {}
    for a, b in itertools.combinations(sorted(own), 2):
        shared = len(own[a] & own[b])
        found[a, b] = (round(shared / len(own[a] | own[b]), 3),
                       round(shared / min(len(own[a]), len(own[b])), 3), shared)
    return found


def _prompt():
    return load("L02_open").question(QUESTION[1]).prompt


def _given():
    return frozenset().union(*map(text_shingles, _prompt().values()))


def _class(texts: dict) -> list:
    return [(name, *QUESTION, text) for name, text in texts.items()]


# ------------------------------------------------------------------------------ text
def test_honest_answers_stay_far_below_the_threshold():
    found = text_similarity([("s-" + k, *QUESTION, v) for k, v in HONEST.items()],
                            prompts={QUESTION: _prompt()})
    assert found.empty
    scores = _scores({k: text_shingles(v) for k, v in HONEST.items()})
    assert max(scores.values(), default=0) < TEXT_THRESHOLD / 4
    measured = _measured({k: text_shingles(v) for k, v in HONEST.items()}, _given())
    assert max(c for _, c, _ in measured.values()) == 0.041 < CONTAINMENT_THRESHOLD / 4


def test_short_honest_answers_are_not_flagged():
    """A short answer is mostly inside a long one more easily: the closest, t7, says in 20
    words much of what h1 says in 68 ("keep the quotes ... the orders ... by e-mail")."""
    texts = {**HONEST, **SHORT}
    assert text_similarity(_class(texts), prompts={QUESTION: _prompt()}).empty
    measured = _measured({k: text_shingles(v) for k, v in texts.items()}, _given())
    assert measured["h1", "t7"] == (0.12, 0.474, 9)
    assert max(c for _, c, _ in measured.values()) == 0.474 < CONTAINMENT_THRESHOLD - 0.1
    assert max(n for *_, n in measured.values()) == 9 < TEXT_MIN_SHARED
    assert max(s for s, _, _ in measured.values()) == 0.154 < TEXT_THRESHOLD / 2


@pytest.mark.parametrize("original, copied", [("h1", EDITED), ("h2", CLAUSE)])
def test_a_copy_with_small_edits_is_found(original, copied):
    answers = [(k, *QUESTION, v) for k, v in HONEST.items()] + [("copier", *QUESTION, copied)]
    kept = copy.deepcopy(answers)
    found = text_similarity(answers)
    assert answers == kept  # not changed
    assert list(found.columns) == SIMILARITY_COLUMNS
    assert found[["student_a", "student_b", "measure"]].values.tolist() == [
        ["copier", original, RESEMBLANCE]]
    assert found.loc[0, "score"] >= TEXT_THRESHOLD + 0.1
    assert found.loc[0, "start_b"] == " ".join(HONEST[original].split()[:12]) + " …"


@pytest.mark.parametrize("original, copied, measure, score, contained", [
    ("h1", HONEST["h1"] + " " + OWN, RESEMBLANCE, 0.467, 1.0),  # copy + as much again
    ("h1", HONEST["h1"] + " " + OWN + " " + MORE, CONTAINMENT, 0.312, 1.0),  # + twice as much
    ("h1", EDITED + " " + OWN, CONTAINMENT, 0.318, 0.75),  # edited, + as much again
    ("h1", EDITED + " " + OWN + " " + MORE, CONTAINMENT, 0.224, 0.766),
    ("h2", CLAUSE + " " + OWN + " " + MORE, CONTAINMENT, 0.243, 0.911),
])
def test_a_copy_padded_with_words_of_ones_own_is_found(original, copied, measure, score,
                                                       contained):
    """Padding dilutes the resemblance below its threshold; the copy is still inside."""
    answers = _class({**HONEST, **SHORT, "copier": copied})
    found = text_similarity(answers, prompts={QUESTION: _prompt()})
    assert found[["student_a", "student_b", "measure", "score", "containment"]].values.tolist(
        ) == [["copier", original, measure, score, contained]]
    assert contained >= CONTAINMENT_THRESHOLD + 0.1
    if measure == CONTAINMENT:
        assert score < TEXT_THRESHOLD  # what containment is for


def test_the_most_contained_pair_comes_first():
    answers = _class({**HONEST, "copier": EDITED, "padder": HONEST["h2"] + " " + OWN + " " +
                      MORE})
    found = text_similarity(answers)
    assert found[["student_a", "student_b", "measure"]].values.tolist() == [
        ["h2", "padder", CONTAINMENT], ["copier", "h1", RESEMBLANCE]]
    assert found["containment"].is_monotonic_decreasing


def test_answers_are_compared_within_one_question_only():
    answers = [("a", "L02_open", "one", HONEST["h1"]), ("b", "L02_open", "two", HONEST["h1"]),
               ("c", "C2_open", "one", HONEST["h1"])]
    assert text_similarity(answers).empty


@pytest.mark.parametrize("text", ["", "Orders and invoices.", "price quality delivery time"])
def test_short_and_empty_answers_are_not_compared(text):
    assert text_similarity([("a", *QUESTION, text), ("b", *QUESTION, text)]).empty


def test_the_prompt_copied_is_not_counted():
    prompt = load("L02_open").question(QUESTION[1]).prompt
    answers = [("a", *QUESTION, prompt["en"]), ("b", *QUESTION, prompt["en"].upper()),
               ("c", *QUESTION, prompt["az"]), ("d", *QUESTION, prompt["az"])]
    assert text_similarity(answers, prompts={QUESTION: prompt}).empty
    assert len(text_similarity(answers)) == 2  # without the prompt: two identical pairs
    # An answer that restates the question before its own words: only its own words count.
    own = [("a", *QUESTION, prompt["en"] + " " + HONEST["h1"]),
           ("b", *QUESTION, prompt["en"] + " " + HONEST["h3"])]
    assert text_similarity(own, prompts={QUESTION: prompt}).empty


def test_the_words_of_ones_own_are_counted_without_the_prompt():
    """An answer that restates the prompt and adds a few words has the prompt's words, not
    enough of its own: it is not compared, as a short answer is not."""
    prompt = _prompt()
    restated = prompt["en"] + " Orders, invoices and claims."  # four words of one's own
    assert len(similarity.words(restated)) > 4 * MIN_WORDS
    answers = [("a", *QUESTION, restated), ("b", *QUESTION, restated.lower())]
    assert text_similarity(answers, prompts={QUESTION: prompt}).empty
    alike = text_similarity(answers, prompts={QUESTION: prompt}, min_words=4)  # what it guards
    assert alike[["student_a", "student_b", "score"]].values.tolist() == [["a", "b", 1.0]]
    # Words of one's own anywhere in the answer count, the prompt's phrases around them not.
    mixed = prompt["en"][:60] + " " + " ".join(["orders", "invoices", "claims", "visits"] * 2)
    assert text_similarity([("a", *QUESTION, mixed), ("b", *QUESTION, mixed)],
                           prompts={QUESTION: prompt})["score"].tolist() == [1.0]


@pytest.mark.parametrize("option, value, message", [
    ("threshold", 0, "Got threshold=0 instead, expected a rate in (0, 1]."),
    ("threshold", 1.2, "Got threshold=1.2 instead, expected a rate in (0, 1]."),
    ("min_words", 0, "Got min_words=0 instead, expected a whole number >= 1."),
    ("containment_threshold", 0,
     "Got containment_threshold=0 instead, expected a rate in (0, 1]."),
    ("min_shared", 0, "Got min_shared=0 instead, expected a whole number >= 1."),
])
def test_text_options_are_checked(option, value, message):
    with pytest.raises(ValueError) as info:
        text_similarity([], **{option: value})
    assert str(info.value) == message


# ------------------------------------------------------------------------------ code
def test_code_tokens_ignore_names_comments_and_spacing():
    assert code_tokens(SOLUTIONS["c2"]) == code_tokens(RENAMED)
    assert code_tokens("%matplotlib inline\n!ls\nx = 1") == ["_", "=", "1"]
    assert code_tokens("x = (1,\n") == ["_", "=", "(", "1", ","]  # a syntax error: words
    assert code_shingles("print(1)") == frozenset(["print\x1f(\x1f1\x1f)"])


def test_honest_solutions_stay_below_the_code_threshold():
    assert code_similarity(SOLUTIONS, exercise="EX-abc-profit").empty
    scores = _scores({k: code_shingles(v) for k, v in SOLUTIONS.items()})
    assert max(scores.values(), default=0) < CODE_THRESHOLD - 0.2
    measured = _measured({k: code_shingles(v) for k, v in SOLUTIONS.items()})
    assert max(c for _, c, _ in measured.values()) == 0.403 < CONTAINMENT_THRESHOLD - 0.1


def test_honest_partial_solutions_are_not_flagged():
    """A partial solution written in another's idiom is largely inside it (q13 in c2: the same
    abc_analysis calls and filters) but shares few runs: fewer than CODE_MIN_SHARED."""
    code = {**SOLUTIONS, **PARTIAL}
    assert code_similarity(code, exercise="EX-abc-profit").empty
    measured = _measured({k: code_shingles(v) for k, v in code.items()})
    assert measured["c2", "q13"] == (0.367, 0.674, 29)
    assert max(n for *_, n in measured.values()) == 29 < CODE_MIN_SHARED
    assert max(s for s, _, _ in measured.values()) == 0.367 < CODE_THRESHOLD - 0.1
    alike = code_similarity(code, exercise="EX-abc-profit", min_shared=29)  # what it guards
    assert alike[["student_a", "student_b", "measure"]].values.tolist() == [
        ["c2", "q13", CONTAINMENT]]


@pytest.mark.parametrize("original, copied", [("c2", RENAMED), ("c4", REWRITTEN)])
def test_copied_code_with_renamed_names_is_found(original, copied):
    found = code_similarity({**SOLUTIONS, "copier": copied}, exercise="EX-abc-profit")
    assert found[["assessment", "item", "student_a", "student_b", "measure"]].values.tolist(
        ) == [["EX-abc-profit", "code", original, "copier", RESEMBLANCE]]
    assert found.loc[0, "score"] >= CODE_THRESHOLD + 0.1


@pytest.mark.parametrize("original, copied, measure, score, contained", [
    ("c2", SOLUTIONS["c2"] + "\n" + PLOT, CONTAINMENT, 0.376, 1.0),  # + as much again
    ("c2", SOLUTIONS["c2"] + "\n" + PLOT + "\n" + TABLE, CONTAINMENT, 0.233, 1.0),
    ("c2", RENAMED + "\n" + PLOT + "\n" + TABLE, CONTAINMENT, 0.233, 1.0),
    ("c4", REWRITTEN + "\n" + PLOT, CONTAINMENT, 0.274, 0.714),
    ("c4", REWRITTEN + "\n" + PLOT + "\n" + TABLE, CONTAINMENT, 0.185, 0.714),
])
def test_copied_code_padded_with_cells_of_ones_own_is_found(original, copied, measure, score,
                                                            contained):
    code = {**SOLUTIONS, **PARTIAL, "copier": copied}
    found = code_similarity(code, exercise="EX-abc-profit")
    assert found[["student_a", "student_b", "measure", "score", "containment"]].values.tolist(
        ) == [[original, "copier", measure, score, contained]]
    assert score < CODE_THRESHOLD and contained >= CONTAINMENT_THRESHOLD + 0.1


def _exercise():
    source = read_exercise(find_exercise("EX-abc-profit"))
    assigned = student_copy(source)
    starter = [c.source for c in assigned.cells if c.cell_type == "code"]
    return source, assigned, starter


def test_identical_starter_code_is_not_counted():
    _, assigned, starter = _exercise()
    untouched = {f"s{i}": own_code(copy.deepcopy(assigned), starter=starter) for i in range(4)}
    assert set(untouched.values()) == {""}
    # Starter cells kept beside a student's own cells count for nothing either.
    mixed = {}
    for name, solution in SOLUTIONS.items():
        nb = copy.deepcopy(assigned)
        nb.cells.append(nbformat.v4.new_code_cell(solution))
        mixed[name] = own_code(nb, starter=starter)
        assert mixed[name] == solution.strip()
    # The same starter lines inside a student's cell: their shingles do not count.
    padded = {k: "\n".join(starter) + "\n" + v for k, v in SOLUTIONS.items()}
    assert code_similarity(padded, exercise="EX-abc-profit", starter=starter).empty
    assert not code_similarity(padded, exercise="EX-abc-profit").empty  # what it guards


def test_the_solution_notebook_cells_give_own_code():
    source, _, starter = _exercise()
    before = copy.deepcopy(source)
    code = own_code(source, starter=starter)
    assert source == before  # not changed
    solutions = [c.source.strip() for c in source.cells if "solution" in c.metadata.get(
        "tags", [])]
    assert code and all(s in code for s in solutions)
    assert "hidden_check" not in code and "check(" not in code


def test_the_tokens_of_ones_own_are_counted_without_the_starter_code():
    _, _, starter = _exercise()
    given = "\n".join(starter)
    assert len(code_tokens(given)) > 4 * MIN_TOKENS
    code = {"a": given + "\nx = len(y)\n", "b": given + "\nn = len(m)\n"}  # six tokens own
    assert code_similarity(code, exercise="EX-abc-profit", starter=starter).empty
    alike = code_similarity(code, exercise="EX-abc-profit", starter=starter, min_tokens=6)
    assert alike[["student_a", "student_b", "score"]].values.tolist() == [["a", "b", 1.0]]


def test_short_code_is_not_compared():
    short = {"a": "x = 1", "b": "y = 1"}
    assert code_similarity(short, exercise="EX").empty
    assert len(code_similarity(short, exercise="EX", min_tokens=1)) == 1


# ------------------------------------------------------------------------------ scale
def test_three_hundred_students_are_compared_quickly():
    """Not a timed test (the benchmark measures it): a bound that only a quadratic walk in
    Python would break."""
    rng = np.random.default_rng(26)
    vocabulary = np.array([f"w{i}" for i in range(3000)])
    frequency = 1 / np.arange(1, 3001)  # a few words everywhere, most rare (Zipf)
    answers = [(f"s{student:03d}", *QUESTION, " ".join(rng.choice(
        vocabulary, size=120, p=frequency / frequency.sum()))) for student in range(300)]
    answers.append(("s999", *QUESTION, answers[0][3]))
    start = time.perf_counter()
    found = text_similarity(answers)
    assert time.perf_counter() - start < 5
    assert found[["student_a", "student_b"]].values.tolist() == [["s000", "s999"]]


def test_every_pair_once_with_the_smaller_id_first():
    docs = {name: {1, 2, 3} for name in ("c", "a", "b")}
    assert similar_pairs(docs, threshold=1) == [
        (a, b, RESEMBLANCE, 1.0, 1.0) for a, b in itertools.combinations("abc", 2)]


def test_containment_needs_enough_shared_shingles():
    docs = {"short": {1, 2, 3}, "long": set(range(1, 40))}
    before = copy.deepcopy(docs)
    assert similar_pairs(docs, threshold=0.5, containment_threshold=0.6, min_shared=4) == []
    assert similar_pairs(docs, threshold=0.5, containment_threshold=0.6, min_shared=3) == [
        ("long", "short", CONTAINMENT, 0.077, 1.0)]
    assert docs == before  # not changed


def test_module_thresholds_are_rates():
    assert 0 < similarity.TEXT_THRESHOLD < similarity.CONTAINMENT_THRESHOLD < 1
    assert 0 < similarity.CODE_THRESHOLD < similarity.CONTAINMENT_THRESHOLD < 1


# ------------------------------------------------------------------------------ crmlab grade
QUIZ = """\
id: T
title: Text
mode: graded
questions:
  - id: contacts
    type: text
    points: 2
    prompt: List every point of contact between your company and its suppliers.
    rubric:
      - {id: list, text: Lists the contacts, points: 2}
  - {id: tf, type: truefalse, prompt: Keeping customers costs less., answer: true}
"""


@pytest.fixture
def course(tmp_path, monkeypatch):
    from crmlab.quiz import submission

    (tmp_path / "course" / "quizzes").mkdir(parents=True)
    (tmp_path / "course" / "quizzes" / "T.yaml").write_text(QUIZ)
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(tmp_path / "course"))
    texts = {**{f"s-{k}": v for k, v in HONEST.items()}, "s-copier": EDITED,
             "s-prompt1": "List every point of contact between your company and its suppliers.",
             "s-prompt2": "list every point of contact between your company and its suppliers",
             "s-short1": "Orders.", "s-short2": "Orders."}
    (tmp_path / "subs").mkdir()
    for student, text in texts.items():
        raw = submission.answers_bytes(submission.answers_file(
            student, "T", {"contacts": text, "tf": student < "s-h4"},
            at="2026-10-01T10:00:00+00:00"))
        (tmp_path / "subs" / f"{student}.zip").write_bytes(submission.bundle_bytes(
            student, [("T", raw)], created="2026-10-01T10:00:00+00:00"))
    return tmp_path


def test_grade_writes_the_pairs_alike_and_changes_no_grade(course):
    import pandas as pd

    from crmlab.grading.quizzes import grade

    result = grade(course / "subs", out=course / "out", quizzes=["T"], figures=False,
                   progress=False)
    table = pd.read_csv(course / "out" / "similarity.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == SIMILARITY_COLUMNS
    assert table[["assessment", "item", "student_a", "student_b"]].values.tolist() == [
        ["T", "contacts", "s-copier", "s-h1"]]
    assert float(table.loc[0, "score"]) == result.similarity.loc[0, "score"] > TEXT_THRESHOLD
    assert result.summary().endswith("; 1 pair(s) of answers alike in similarity.csv")
    report = (course / "out" / "report.md").read_text()
    assert "## Answers alike" in report and "| T | contacts | s-copier, s-h1 |" in report
    # Nothing flagged at a threshold above the copy's score, and the same grades either way.
    again = grade(course / "subs", out=course / "again", quizzes=["T"], figures=False,
                  progress=False, similarity_threshold=0.95, containment_threshold=0.95)
    assert again.similarity.empty and "similarity.csv" not in again.summary()
    assert (course / "again" / "similarity.csv").read_text() == ",".join(
        SIMILARITY_COLUMNS) + "\n"
    pd.testing.assert_frame_equal(result.gradebook, again.gradebook)
    assert (course / "out" / "gradebook.csv").read_text() == (
        course / "again" / "gradebook.csv").read_text()


def test_the_command_line_threshold(course, capsys):
    from crmlab.cli import main

    args = ["grade", str(course / "subs"), "--out", str(course / "out"), "--quiz", "T",
            "--no-figures"]
    assert main(args + ["--similarity-threshold", "0.99", "--containment-threshold", "0.99"]
                ) == 0
    assert "similarity.csv" not in capsys.readouterr().out
    assert main(args + ["--similarity-threshold", "0.99"]) == 0  # the copy is inside h1 too
    assert "1 pair(s) of answers alike in similarity.csv" in capsys.readouterr().out
    assert main(args) == 0
    assert "1 pair(s) of answers alike in similarity.csv" in capsys.readouterr().out
    assert main(args + ["--similarity-threshold", "0"]) != 0
    assert ("Got similarity_threshold=0.0 instead, expected a rate in (0, 1]."
            in capsys.readouterr().err)
    assert main(args + ["--containment-threshold", "1.5"]) != 0
    assert ("Got containment_threshold=1.5 instead, expected a rate in (0, 1]."
            in capsys.readouterr().err)


# ------------------------------------------------------------------------------ exercises grade
def test_exercises_grade_writes_the_pairs_alike_and_changes_no_score(tmp_path, monkeypatch):
    """The fixture exercise graded without kernels (an executor that only says every job ran):
    what is compared is the code the students wrote, read from their notebooks."""
    from pathlib import Path

    import pandas as pd

    from crmlab.grading import exercises
    from crmlab.grading.results import JobResult

    fixtures = Path(__file__).resolve().parent / "fixtures" / "exercises"
    source = read_exercise(fixtures / "exercise" / "fixture_double.ipynb")
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", "fixture-secret-123")
    monkeypatch.setattr(exercises, "preflight", lambda *args, **kwargs: None)
    assigned = student_copy(source)
    solved = nbformat.read(fixtures / "submissions" / "solved.ipynb", as_version=4)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    extra = {"a": SOLUTIONS["c4"], "b": REWRITTEN, "c": SOLUTIONS["c3"], "d": None, "e": None}
    for student, code in extra.items():
        nb = copy.deepcopy(solved if code else assigned)  # d and e: the assigned copy as is
        if code:
            nb.cells.append(nbformat.v4.new_code_cell(code))
        nbformat.write(nb, submissions / f"fixture_double__{student}.ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{s}\n" for s in extra))

    class Ran:
        def map(self, function, jobs):
            return [JobResult(job.student_id) for job in jobs]

    def run(out, **options):
        return exercises.grade(str(fixtures / "exercise" / "fixture_double.ipynb"),
                               submissions, roster=roster, out=tmp_path / out, executor=Ran(),
                               progress=False, **options)

    graded = run("out")
    table = pd.read_csv(tmp_path / "out" / "similarity.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == SIMILARITY_COLUMNS
    assert table[["assessment", "item", "student_a", "student_b"]].values.tolist() == [
        ["EX-fixture", "code", "a", "b"]]
    assert graded.summary().endswith("; 1 pair(s) of students whose own code is alike in "
                                     "similarity.csv (flagged for a look, no grade changed)")
    assert graded.summary("az").endswith("öz kodu oxşar olan 1 tələbə cütü (baxmaq üçün qeyd "
                                         "olunub, heç bir qiymət dəyişməyib)")
    again = run("again", similarity_threshold=0.9, containment_threshold=0.9)
    assert (again.similarity.empty and "similarity" not in again.summary()
            and (tmp_path / "again" / "similarity.csv").is_file())
    assert (tmp_path / "out" / "scores.csv").read_text() == (
        tmp_path / "again" / "scores.csv").read_text()
    with pytest.raises(Exception) as info:
        run("bad", similarity_threshold=0)
    assert str(info.value) == "Got similarity_threshold=0 instead, expected a rate in (0, 1]."
    with pytest.raises(Exception) as info:
        run("bad", containment_threshold=2)
    assert str(info.value) == "Got containment_threshold=2 instead, expected a rate in (0, 1]."


@pytest.mark.parametrize("source", [
    "x = '''unterminated", "\x00\x00abc", "(" * 5000, "if x:\n\ty\n        z", "def f(:\n  pass",
    "a = 1\n  b = 2", "\\\n", "x = f'{'", "0xZZ", "\r\n\r", "x = 1e999999", "💥 = 3",
])
def test_hostile_code_is_tokenized_without_an_error(source):
    """A student's cell, however broken, gives tokens (words and symbols at worst)."""
    assert isinstance(code_tokens(source), list)
    nb = {"cells": [{"cell_type": "code", "source": source, "metadata": {}}]}
    assert own_code(nb) == source.strip() or not code_tokens(source)
