"""Numbers of one's own: a student's data variant, the keys computed per student at grading,
the answers that say which variant they were computed on, and what a student's copy lacks.

The course's own questions are checked against the instructor's key functions (each quiz
file's ``answer`` is its key on the practice variant, and two students' keys differ); the
machinery is checked on a small course of its own (a data question and a formula question).
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError, DataError
from crmlab.datasets._variant import Variant, token_for
from crmlab.grading import variant_keys
from crmlab.grading.quizzes import grade
from crmlab.quiz import load, submission
from crmlab.quiz.loading import quiz_files
from crmlab.quiz.simulate import write_cohort
from crmlab.quiz.variants import prompt_text

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"variant-test-secret"


# ------------------------------------------------------------------------------ the variant
def test_a_variant_is_a_consistent_subset_of_the_course_data():
    mine = Variant(token_for(SECRET, "s01"))
    customers = set(mine.load("customers")["customer_id"])
    suppliers = set(mine.load("suppliers")["supplier_id"])
    products = mine.load("products")
    orders = mine.load("orders")
    assert 0.7 < len(customers) / len(datasets.load("customers")) < 0.9
    assert set(products["supplier_id"]) <= suppliers
    assert set(orders["customer_id"]) <= customers
    assert set(orders["product_id"]) <= set(products["product_id"])
    for name in ("interactions", "survey", "customer_links"):
        assert set(mine.load(name)["customer_id"]) <= customers, name
    assert set(mine.load("purchases")["supplier_id"]) <= suppliers
    assert mine.load("cdnow_sample").equals(datasets.load("cdnow_sample"))  # real data: shared
    assert mine.load("orders").dtypes.equals(datasets.load("orders").dtypes)


def test_variants_are_reproducible_and_differ_between_students():
    first = Variant(token_for(SECRET, "s01")).load("orders")
    again = Variant(token_for(SECRET, "s01")).load("orders")
    other = Variant(token_for(SECRET, "s02")).load("orders")
    assert first.equals(again)
    assert set(first["customer_id"]) != set(other["customer_id"])
    assert Variant(token_for(SECRET, "s01")).digest != Variant(token_for(SECRET, "s02")).digest


def test_loading_a_variant_leaves_the_course_data_alone():
    before = datasets.load("orders")
    frame = Variant().load("orders")
    frame.loc[:, "quantity"] = -1
    assert Variant().load("orders")["quantity"].min() > 0
    assert datasets.load("orders").equals(before)


def test_a_regenerated_course_table_is_read_again(monkeypatch, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(datasets.datasets_dir(), root / "datasets")
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(root))
    before = Variant().load("customers")
    customers = datasets.load("customers")
    datasets.write({"customers": customers.head(100)}, root / "datasets")
    after = Variant().load("customers")
    assert len(after) < 100 < len(before)
    assert set(after["customer_id"]) <= set(customers["customer_id"].head(100))
    with pytest.raises(DataError, match="^Got name='supplier' instead, expected one of "):
        Variant().load("supplier")


def test_a_variants_sizes_count_its_rows_and_the_course_datas():
    mine = Variant(token_for(SECRET, "s01"))
    sizes = mine.sizes(tables=("customers", "orders", "cdnow_sample"))
    for table in ("customers", "orders", "cdnow_sample"):
        assert sizes.loc[table, "variant"] == len(mine.load(table))
        assert sizes.loc[table, "course data"] == len(datasets.load(table))
    assert sizes.loc["cdnow_sample", "share"] == 1  # shared, never subset
    assert 0.7 < sizes.loc["customers", "share"] < 0.9
    assert sizes.loc["orders", "share"] == round(len(mine.load("orders"))
                                                 / len(datasets.load("orders")), 3)
    with pytest.raises(DataError, match="^Got name='supplier' instead, expected one of "):
        mine.sizes(tables=("supplier",))


def test_a_token_is_sixteen_hex_digits_and_a_bad_saved_one_names_the_file(monkeypatch,
                                                                           tmp_path):
    with pytest.raises(DataError, match=r"Got token='XYZ' instead, expected 16 hex digits"):
        Variant("XYZ")
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path))
    (tmp_path / "config.json").write_text('{"variant_token": "nope"}')
    with pytest.raises(DataError, match=r"config.json: variant_token: 'nope' is not a variant "
                                        r"token; set it again with crmlab student set"):
        datasets.variant()


def test_the_token_is_set_once_and_a_bad_one_changes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path))
    assert datasets.variant().practice
    assert main(["student", "set", "s01", "--token", "bad"]) == 1
    assert "expected 16 hex digits" in capsys.readouterr().err
    assert not (tmp_path / "config.json").exists()  # nor the id: the token is checked first
    token = token_for(SECRET, "s01")
    assert main(["student", "set", "s01", "--token", token]) == 0
    mine = datasets.variant()
    assert not mine.practice and mine.token == token
    assert f"your own data variant ({mine.digest})" in (
        main(["student", "token"]), capsys.readouterr().out)[1]


# ------------------------------------------------------------------------------ the course's questions
def _own_questions():
    found = []
    for path in quiz_files():
        quiz = load(path.stem)
        found += [(quiz, q) for q in variant_keys.own_questions(quiz)]
    return found


OWN = _own_questions()


def test_the_course_asks_numbers_of_ones_own():
    assert len(OWN) >= 1
    assert all(q.type == "numeric" and q.mode == "graded" for _, q in OWN)


@pytest.mark.parametrize("quiz, question", OWN, ids=[f"{z.id}-{q.id}" for z, q in OWN])
def test_each_key_function_gives_the_quiz_files_practice_key(quiz, question):
    variant_keys.load_keys()
    practice = Variant()
    inputs = practice.inputs(quiz.id, question.id, question.inputs) if question.inputs else {}
    key = variant_keys.KEYS[(quiz.id, question.id)](practice, **inputs)
    assert key == pytest.approx(question.answer, abs=1e-9)  # not within the tolerance


@pytest.mark.parametrize("quiz, question", OWN, ids=[f"{z.id}-{q.id}" for z, q in OWN])
def test_two_students_keys_differ(quiz, question):
    keys = variant_keys.StudentKeys({quiz.id: quiz}, secret=SECRET)
    values = {keys.keys(quiz.id, student)[question.id] for student in ("s01", "s02", "s03")}
    assert all(isinstance(v, float) for v in values)
    assert len(values) > 1


# ------------------------------------------------------------------------------ a small course
QUIZ = """\
id: V
title: Variants
mode: graded
questions:
  - {{id: pick, type: single, prompt: P, options: [{{id: a, text: A, correct: true}}, {{id: b, text: B}}]}}
  - id: n-orders
    type: numeric
    prompt: How many orders are in your own variant?
    answer: {practice_orders}
    variant: student
  - id: margin
    type: numeric
    prompt: "A price of {{price}} and a cost of {{cost}}: the margin?"
    answer: {practice_margin}
    tolerance: 0.01
    variant: student
    inputs: {{price: [10, 20, 1], cost: [2, 8, 0.5]}}
"""
KEYS = """\
from crmlab.grading.variant_keys import register

@register("V", "n-orders")
def n_orders(variant):
    return len(variant.load("orders"))

@register("V", "margin")
def margin(variant, *, price, cost):
    return price - cost
"""


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with quiz V, the course data and the instructor's keys of V."""
    root = tmp_path / "course"
    (root / "quizzes").mkdir(parents=True)
    (root / "datasets").symlink_to(ROOT / "datasets")
    (root / "notebooks" / "instructor").mkdir(parents=True)
    (root / "notebooks" / "instructor" / "quiz_keys.py").write_text(KEYS)
    practice = Variant()
    drawn = practice.inputs("V", "margin", {"price": (10, 20, 1), "cost": (2, 8, 0.5)})
    (root / "quizzes" / "V.yaml").write_text(
        QUIZ.format(practice_orders=len(practice.load("orders")),
                    practice_margin=drawn["price"] - drawn["cost"]))
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(root))
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET.decode())
    return root


def _keys(student):
    quiz = load("V")
    return variant_keys.StudentKeys({"V": quiz}, secret=SECRET).keys("V", student)


def _answers(student, values, variants, tmp):
    raw = submission.answers_bytes(submission.answers_file(
        student, "V", values, at="2026-11-20T10:00:00+00:00", variants=variants))
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"{student}.zip"
    path.write_bytes(submission.bundle_bytes(student, [("V", raw)],
                                             created="2026-11-20T10:00:00+00:00"))
    return path


def test_the_widget_shows_the_students_own_inputs_and_says_which_variant(course, monkeypatch,
                                                                         tmp_path):
    from crmlab.quiz.widget import QuestionView

    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home"))
    quiz = load("V")
    question = quiz.question("margin")
    practice = prompt_text(question, "en", quiz_id="V")
    assert "{price}" not in practice and "{cost}" not in practice
    view = QuestionView(quiz, question, 3, "en", "s01")
    assert html.escape(practice) in view.prompt.value
    assert "now the practice variant" in view.prompt.value
    token = token_for(SECRET, "s01")
    main(["student", "token", token])
    mine = prompt_text(question, "en", quiz_id="V")
    inputs = Variant(token).inputs("V", "margin", question.inputs)
    assert mine == f"A price of {inputs['price']:g} and a cost of {inputs['cost']:g}: the margin?"
    view = QuestionView(quiz, question, 3, "az", "s01")
    assert f"hazırda öz variantınız {Variant(token).digest}" in view.prompt.value
    plain = QuestionView(quiz, quiz.question("pick"), 1, "en", "s01")
    assert "variant" not in plain.prompt.value


def test_an_answer_records_the_variant_it_was_computed_on(course, monkeypatch, tmp_path):
    from crmlab.quiz import record
    from crmlab.quiz.storage import read_answers

    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home"))
    main(["student", "set", "s01"])
    record("V", "n-orders", 10)
    record("V", "pick", "a")
    saved = read_answers("s01", "V")["answers"]
    assert saved["n-orders"]["variant"] == "practice" and "variant" not in saved["pick"]
    main(["student", "token", token_for(SECRET, "s01")])
    record("V", "n-orders", 11)
    saved = read_answers("s01", "V")["answers"]
    assert saved["n-orders"]["variant"] == Variant(token_for(SECRET, "s01")).digest


def test_grading_judges_each_student_against_their_own_key(course, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    own = {s: (Variant(token_for(SECRET, s)).digest, _keys(s)) for s in ("s01", "s02", "s03")}
    assert own["s01"][1]["n-orders"] != own["s02"][1]["n-orders"]
    # s01 right on both; s02 gives s01's numbers (copied: wrong for s02); s03 right but on the
    # practice variant's data for n-orders, and without saying which variant for margin
    _answers("s01", {"pick": "a", **own["s01"][1]},
             {"n-orders": own["s01"][0], "margin": own["s01"][0]}, subs)
    _answers("s02", {"pick": "a", **own["s01"][1]},
             {"n-orders": own["s02"][0], "margin": own["s02"][0]}, subs)
    _answers("s03", {"pick": "b", **own["s03"][1]}, {"n-orders": "practice"}, subs)
    result = grade(subs, out=tmp_path / "out", figures=False, progress=False)
    totals = result.gradebook.set_index("student_id")["V"].to_dict()
    assert totals == {"s01": 3.0, "s02": 1.0, "s03": 2.0}
    problems = result.problems[["student_id", "item", "reason"]].values.tolist()
    assert problems == [
        ["s03", "margin", "the answer does not say which data variant it was computed on: "
                          "graded against the student's own key"],
        ["s03", "n-orders", f"answered on another data variant (practice; the student's own is "
                            f"{own['s03'][0]}): graded against the student's own key"]]
    cache = json.loads((tmp_path / "out" / variant_keys.CACHE).read_text())
    assert cache["students"] == {s: own[s][0] for s in own}
    assert cache["quizzes"]["V"]["keys"][own["s02"][0]] == own["s02"][1]


def test_item_analysis_counts_each_student_right_on_their_own_key(course, tmp_path):
    quiz = load("V")
    keys = variant_keys.StudentKeys({"V": quiz}, secret=SECRET)
    write_cohort(quiz, tmp_path / "subs", n_students=40, seed=5,
                 own=lambda s: (keys.variant(s).digest, keys.keys("V", s)))
    result = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert len(result.problems) == 0
    responses = result.responses[result.responses["question_id"] == "n-orders"]
    right = responses["correct"].astype(bool)
    assert 0 < right.mean() < 1
    row = result.item_analysis.set_index("question_id").loc["n-orders"]
    assert row["difficulty"] == pytest.approx(right.mean())
    # every student's right answer is their own key, and the keys differ
    answers = responses.loc[right.values, ["student_id", "answer"]]
    assert answers["answer"].astype(float).nunique() > 1
    for student, answer in answers.values:
        assert float(answer) == keys.keys("V", student)["n-orders"]


def test_the_forked_readers_grade_numbers_of_ones_own_as_one_process_does(course, tmp_path,
                                                                         monkeypatch):
    from crmlab.grading import quizzes as grading

    quiz = load("V")
    keys = variant_keys.StudentKeys({"V": quiz}, secret=SECRET)
    subs = tmp_path / "subs"
    write_cohort(quiz, subs, n_students=12, seed=2,
                 own=lambda s: (keys.variant(s).digest, keys.keys("V", s)))
    # one answer on the practice variant, one without a variant, one not a number
    _answers("sim-0003", {"pick": "a", "n-orders": 1, "margin": 2.5},
             {"n-orders": "practice"}, subs)
    _answers("sim-0005", {"pick": "b", "n-orders": "many", "margin": [1]},
             {"n-orders": keys.variant("sim-0005").digest}, subs)
    serial = grade(subs, out=tmp_path / "serial", figures=False, progress=False)
    monkeypatch.setattr(grading, "PARALLEL_FROM", 2)
    monkeypatch.setattr(grading, "CHUNK_SIZES", (1, 2))  # several chunks for each reader
    monkeypatch.setattr(grading.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    parallel = grade(subs, out=tmp_path / "parallel", figures=False, progress=False)
    assert len(serial.problems) == 5
    pd.testing.assert_frame_equal(parallel.problems, serial.problems)
    pd.testing.assert_frame_equal(parallel.gradebook, serial.gradebook)
    for name in ("responses.csv", "item_analysis.csv", variant_keys.CACHE):
        assert (tmp_path / "parallel" / name).read_bytes() == \
            (tmp_path / "serial" / name).read_bytes()
    # a regrade: the readers know every student's key and judge the numbers of one's own too
    (tmp_path / "warm").mkdir()
    shutil.copy(tmp_path / "serial" / variant_keys.CACHE, tmp_path / "warm" / variant_keys.CACHE)
    warm = grade(subs, out=tmp_path / "warm", figures=False, progress=False)
    pd.testing.assert_frame_equal(warm.problems, serial.problems)
    pd.testing.assert_frame_equal(warm.gradebook, serial.gradebook)
    for name in ("responses.csv", "item_analysis.csv", variant_keys.CACHE):
        assert (tmp_path / "warm" / name).read_bytes() == \
            (tmp_path / "serial" / name).read_bytes()


def test_a_regrade_reads_the_keys_back_and_a_changed_key_function_computes_them_again(
        course, tmp_path, monkeypatch):
    quiz = load("V")
    keys = variant_keys.StudentKeys({"V": quiz}, secret=SECRET)
    write_cohort(quiz, tmp_path / "subs", n_students=5, seed=1,
                 own=lambda s: (keys.variant(s).digest, keys.keys("V", s)))
    calls = []  # how many students' keys each run computed (StudentKeys.save sees it)
    original = variant_keys.StudentKeys.save

    def counting(self):
        calls.append(self.computed)
        return original(self)

    monkeypatch.setattr(variant_keys.StudentKeys, "save", counting)
    grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert calls[-1] == 5
    calls.clear()
    cache = tmp_path / "out" / variant_keys.CACHE
    written = cache.stat().st_mtime_ns
    grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert calls and calls[-1] == 0  # read back from variant_keys.json
    assert cache.stat().st_mtime_ns == written  # and nothing new to write
    keys_file = course / "notebooks" / "instructor" / "quiz_keys.py"
    keys_file.write_text(KEYS.replace("return len(variant.load(\"orders\"))",
                                      "return len(variant.load(\"orders\")) + 1"))
    calls.clear()
    result = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert calls[-1] == 5
    assert not result.responses.loc[result.responses["question_id"] == "n-orders",
                                    "correct"].astype(bool).any()


def test_keys_made_on_other_course_data_are_made_again(course, tmp_path):
    (course / "datasets").unlink()  # a course of its own, whose data is regenerated
    shutil.copytree(ROOT / "datasets", course / "datasets")
    quiz = load("V")
    keys = variant_keys.StudentKeys({"V": quiz}, secret=SECRET)
    students = [f"sim-{i:04d}" for i in range(1, 4)]
    write_cohort(quiz, tmp_path / "subs", n_students=3, seed=1,
                 own=lambda s: (keys.variant(s).digest, keys.keys("V", s)))
    grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    orders = datasets.load("orders")
    datasets.write({"orders": orders.head(len(orders) - 2000)}, course / "datasets")
    grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    cache = variant_keys.read_cache(tmp_path / "out")
    for student in students:  # the keys of the data as it is now, not as it was
        key, _ = variant_keys.student_key(cache, "V", "n-orders", student)
        assert key == len(Variant(token_for(SECRET, student)).load("orders"))


def test_a_broken_cache_entry_is_computed_again_not_a_failed_key(course, tmp_path):
    quiz = load("V")
    keys = variant_keys.StudentKeys({"V": quiz}, secret=SECRET)
    write_cohort(quiz, tmp_path / "subs", n_students=3, seed=1,
                 own=lambda s: (keys.variant(s).digest, keys.keys("V", s)))
    first = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    path = tmp_path / "out" / variant_keys.CACHE
    data = json.loads(path.read_text())
    digest = keys.variant("sim-0001").digest
    data["quizzes"]["V"]["inputs"][digest] = 5  # a mapping of inputs was there
    data["quizzes"]["V"]["keys"][keys.variant("sim-0002").digest]["margin"] = "TypeError: old"
    path.write_text(json.dumps(data))
    again = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert "variant_key_failed" not in set(again.problems["code"])
    pd.testing.assert_frame_equal(again.gradebook, first.gradebook)
    repaired = variant_keys.read_cache(tmp_path / "out")
    for student in ("sim-0001", "sim-0002"):
        assert isinstance(variant_keys.student_key(repaired, "V", "margin", student)[0], float)


def test_a_key_function_failing_on_one_variant_stops_nobody_elses_grade(course, tmp_path):
    broken = KEYS.replace('    return len(variant.load("orders"))',
                          '    orders = variant.load("orders")\n'
                          '    if len(orders) % 2:\n'
                          '        raise ValueError("odd")\n'
                          '    return len(orders)')
    (course / "notebooks" / "instructor" / "quiz_keys.py").write_text(broken)
    students = [f"s{i:02d}" for i in range(1, 9)]
    lengths = {s: len(Variant(token_for(SECRET, s)).load("orders")) for s in students}
    assert len({n % 2 for n in lengths.values()}) == 2  # some fail, some do not
    for s in students:
        _answers(s, {"n-orders": lengths[s]}, {"n-orders": Variant(token_for(SECRET, s)).digest},
                 tmp_path / "subs")
    result = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    graded = set(result.responses["student_id"])
    assert graded == {s for s in students if lengths[s] % 2 == 0}
    assert set(result.problems["student_id"]) == {s for s in students if lengths[s] % 2}
    assert set(result.problems["reason"]) == {
        "the student's own key could not be computed (ValueError: odd): answer not graded"}


def test_a_hostile_variant_field_is_an_unknown_variant(course, tmp_path):
    digest = Variant(token_for(SECRET, "s01")).digest
    for i, weird in enumerate([["x"], {"a": 1}, "x" * 500, "../../etc", 12, None, digest]):
        student = f"h{i}"
        raw = submission.answers_bytes(submission.answers_file(
            student, "V", {"n-orders": 1}, at="2026-11-20T10:00:00+00:00"))
        data = json.loads(raw)
        data["answers"]["n-orders"]["variant"] = weird
        raw = submission.answers_bytes(data)
        (tmp_path / "subs").mkdir(exist_ok=True)
        (tmp_path / "subs" / f"{student}.zip").write_bytes(
            submission.bundle_bytes(student, [("V", raw)], created="2026-11-20T10:00:00+00:00"))
    result = grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    reasons = result.problems.set_index("student_id")["reason"]
    assert len(result.gradebook) == 7
    for i in range(6):
        assert reasons[f"h{i}"].startswith("the answer does not say which data variant")
    assert reasons["h6"].startswith("answered on another data variant (" + digest)


def test_without_the_secret_grading_says_which_quizzes_need_it(course, tmp_path, monkeypatch):
    monkeypatch.delenv("CRMLAB_INSTRUCTOR_SECRET")
    _answers("s01", {"pick": "a"}, {}, tmp_path / "subs")
    with pytest.raises(CrmlabError, match=r"^No instructor secret: .*: the quiz\(zes\) V ask for "
                                          r"numbers of one's own"):
        grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_quiz_keys_prints_one_students_keys_and_inputs(course, capsys):
    assert main(["quiz", "keys", "V", "--student", "s01"]) == 0
    report = json.loads(capsys.readouterr().out)
    mine = Variant(token_for(SECRET, "s01"))
    assert report == {"quiz_id": "V", "student_id": "s01", "variant": mine.digest,
                      "keys": _keys("s01"),
                      "inputs": {"margin": mine.inputs("V", "margin",
                                                       load("V").question("margin").inputs)}}
    assert main(["quiz", "keys", "V", "--student", "../x"]) == 1
    assert "Got student_id='../x' instead" in capsys.readouterr().err


def test_quiz_tokens_writes_each_students_token(course, tmp_path, capsys):
    (tmp_path / "roster.csv").write_text("student_id,name\ns01,A\ns02,B\n")
    assert main(["quiz", "tokens", "--roster", str(tmp_path / "roster.csv"),
                 "--out", str(tmp_path / "tokens.csv")]) == 0
    tokens = pd.read_csv(tmp_path / "tokens.csv", dtype=str)
    assert tokens.values.tolist() == [["s01", token_for(SECRET, "s01")],
                                      ["s02", token_for(SECRET, "s02")]]


def test_the_feedback_page_shows_each_student_their_own_key(course, tmp_path):
    from datetime import datetime, timezone

    from crmlab.grading.gradebook import course_gradebook
    from crmlab.publish.feedback import student_page

    (course / "course.yaml").write_text(
        "title: V\ntimezone: UTC\nassessments:\n"
        "  - {id: V, kind: quiz, weight: 1, deadline: \"2026-11-21T12:00\"}\n")
    own = {s: _keys(s) for s in ("s01", "s02")}
    for s in own:
        _answers(s, {"n-orders": own["s01"]["n-orders"]},
                 {"n-orders": Variant(token_for(SECRET, s)).digest}, tmp_path / "subs")
    grade(tmp_path / "subs", out=tmp_path / "out", figures=False, progress=False)
    book = course_gradebook(course=course / "course.yaml", quizzes=tmp_path / "out")
    later = datetime(2026, 12, 30, tzinfo=timezone.utc)
    for student in own:
        page = student_page(book, student, now=later)
        assert f"Key: {own[student]['n-orders']:g}" in page
        other = "s02" if student == "s01" else "s01"
        assert f"Key: {own[other]['n-orders']:g}" not in page
        # the formula question's prompt shows the student's own inputs
        inputs = Variant(token_for(SECRET, student)).inputs(
            "V", "margin", load("V").question("margin").inputs)
        assert f"A price of {inputs['price']:g} and a cost of {inputs['cost']:g}" in page
    # a student whose keys are not in variant_keys.json (a cache from before the student
    # was graded): no key, and no {name} placeholder in the prompt
    cache = tmp_path / "out" / variant_keys.CACHE
    data = json.loads(cache.read_text())
    del data["students"]["s02"]
    cache.write_text(json.dumps(data))
    page = student_page(course_gradebook(course=course / "course.yaml",
                                         quizzes=tmp_path / "out"), "s02", now=later)
    assert "A price of … and a cost of …" in page and "{price}" not in page
    with pytest.raises(CrmlabError, match="^Got student='s09' instead, expected a student "):
        student_page(book, "s09", now=later)


# ------------------------------------------------------------------------------ the schema
@pytest.mark.parametrize("question, message", [
    ("{id: q, type: single, prompt: P, mode: graded, variant: student, "
     "options: [{id: a, text: A, correct: true}, {id: b, text: B}]}",
     "variant: student is for graded numbers only"),
    ("{id: q, type: numeric, prompt: P, answer: 1, mode: practice, variant: student}",
     "variant: student is for graded numbers only"),
    ("{id: q, type: numeric, prompt: 'P {x}', answer: 1, mode: graded, inputs: {x: [1, 2, 1]}}",
     "inputs are the student's own: give the question variant: student"),
    ("{id: q, type: numeric, prompt: P, answer: 1, mode: graded, variant: student, "
     "inputs: {x: [1, 2, 1]}}", "input 'x' is not shown in the prompt: write {x} where"),
    ("{id: q, type: numeric, prompt: 'P {x}', answer: 1, mode: graded, variant: student, "
     "inputs: {x: [3, 2, 1]}}", "input 'x': expected [low, high, step] with low <= high"),
    ("{id: q, type: numeric, prompt: 'P {x}', answer: 1, mode: graded, variant: student, "
     "inputs: {x: [10, .inf, 1]}}", "Got inputs.x[1]=inf instead, expected a number."),
    ("{id: q, type: numeric, prompt: P, answer: 1, mode: graded, variant: own}",
     "Got variant='own' instead, expected shared or student."),
])
def test_the_schema_refuses_a_misplaced_variant_or_input(tmp_path, question, message):
    from crmlab.quiz.schema import validate_file

    path = tmp_path / "X.yaml"
    path.write_text(f"id: X\ntitle: X\nquestions:\n  - {question}\n")
    problems = validate_file(path)
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith(f"{path}:4: q: ")


# ------------------------------------------------------------------------------ the student's view
def test_a_students_copy_cannot_compute_a_key(tmp_path):
    """The release carries no quiz keys; the installed package registers none and holds no
    key function's code; without the secret, a token names a variant but not whose."""
    from crmlab.publish.release import release

    out = release(tmp_path / "release")
    assert not list(Path(out).rglob("quiz_keys.py"))
    assert not list(Path(out).rglob("exercise_keys.py"))
    env = {**os.environ, "CRMLAB_COURSE_DIR": str(out)}
    import subprocess
    import sys

    probe = ("from crmlab.grading import variant_keys\n"
             "try:\n    variant_keys.load_keys()\nexcept Exception as e:\n    print(e)\n"
             "print(len(variant_keys.KEYS))\n")
    shown = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                           text=True, check=True).stdout
    assert "the instructor's quiz keys are not here" in shown and shown.strip().endswith("0")
    for quiz, question in OWN:
        released = (Path(out) / "quizzes" / f"{quiz.id}.yaml").read_text(encoding="utf-8")
        assert f"answer: {question.answer}" not in released or question.answer in (0, 1)


def test_the_gift_export_collects_a_number_of_ones_own_without_a_key(course):
    from crmlab.quiz.gift import parse_gift, to_gift

    quiz = load("V")
    parsed = {q["id"]: q for q in parse_gift(to_gift(quiz))}
    for question_id in ("n-orders", "margin"):
        assert parsed[question_id]["moodle"] == "essay"
        assert any(c.startswith("number of one's own") for c in parsed[question_id]["comments"])
    practice = Variant().inputs("V", "margin", quiz.question("margin").inputs)
    assert parsed["margin"]["prompt"] == (f"A price of {practice['price']:g} and a cost of "
                                          f"{practice['cost']:g}: the margin?")
    assert parsed["pick"]["moodle"] == "multichoice"


@pytest.mark.parametrize("quiz, question", [(z, q) for z, q in OWN if q.inputs],
                         ids=[f"{z.id}-{q.id}" for z, q in OWN if q.inputs])
def test_every_drawn_input_is_on_its_range_and_step(quiz, question):
    for n in range(60):
        drawn = Variant(token_for(SECRET, f"s{n:02d}")).inputs(quiz.id, question.id,
                                                                question.inputs)
        for name, (low, high, step) in question.inputs.items():
            steps = (drawn[name] - low) / step
            assert low - 1e-9 <= drawn[name] <= high + 1e-9, (name, drawn[name])
            assert abs(steps - round(steps)) < 1e-6, (name, drawn[name])


def test_a_draw_is_on_the_grid_and_refuses_a_range_that_is_not_whole_steps():
    assert {Variant(token_for(SECRET, f"s{n}")).inputs("X", "q", {"x": (1, 2.2, 0.6)})["x"]
            for n in range(200)} == {1, 1.6, 2.2}
    with pytest.raises(DataError, match=r"^Got inputs.x=\[1, 2, 0.6\] instead, expected "):
        Variant().inputs("X", "q", {"x": (1, 2, 0.6)})  # quiz validate refuses it before


# Formula keys by hand, apart from the lessons' functions: a wrong rate scale or horizon in a
# key function fails here (the payback examples scale crm_selection's documented 10,000 at
# 1,000 a month and 12% a year: month 11).
FORMULAS = [
    ("L05", "clv", {"margin": 250, "retention": 75, "discount": 12},
     round(250 * 0.75 / (1 + 0.12 - 0.75), 2)),
    ("C3", "discounted", {"outlay": 120_000, "monthly": 12_000, "rate": 12}, 11),
    ("L03", "payback-calc", {"investment": 60_000, "monthly_benefit": 6_000, "rate": 12}, 11),
]


@pytest.mark.parametrize("quiz_id, question_id, inputs, expected", FORMULAS,
                         ids=[f"{f[0]}-{f[1]}" for f in FORMULAS])
def test_a_formula_key_is_what_a_hand_computation_gives(quiz_id, question_id, inputs, expected):
    variant_keys.load_keys()
    assert variant_keys.KEYS[(quiz_id, question_id)](Variant(), **inputs) == \
        pytest.approx(expected, abs=1e-9)


def test_a_corrupt_key_cache_shows_no_key_and_raises_nothing():
    for cache in ({"students": [], "quizzes": []}, {"students": {"s1": "d"}, "quizzes": {
            "V": {"keys": [], "inputs": "x"}}}, {"students": {"s1": 3}}):
        assert variant_keys.student_key(cache, "V", "n-orders", "s1") == (None, {})
