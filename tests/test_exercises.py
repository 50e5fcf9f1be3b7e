"""The exercise pipeline: release, assign, grade, and the CI checks of every exercise."""

import json
import os
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from crmlab.cli import main
from crmlab.core.exceptions import ExerciseError
from crmlab.core.i18n import LANGUAGES
from crmlab.exercises.assignment import student_seed
from crmlab.exercises.checks import EXPECTED
from crmlab.exercises.keys import matches
from crmlab.exercises.notebook import (
    PLACEHOLDER,
    exercise_metadata,
    exercise_notebooks,
    read_exercise,
    student_copy,
    visible_checks,
)
from crmlab.exercises.tags import (
    HIDDEN_CHECKS,
    INJECTED_PARAMETERS,
    RAISES_EXCEPTION,
    SOLUTION,
    tags_of,
)

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = exercise_notebooks(ROOT / "notebooks" / "exercises")
SECRET = "test-secret-1234"


def _solution_lines(nb):
    """Every line a student must never see: solution cells, marked regions, hidden checks."""
    lines = set()
    for cell in nb.cells:
        tags = tags_of(cell)
        if SOLUTION in tags or HIDDEN_CHECKS in tags:
            lines |= {line.strip() for line in cell.source.splitlines()}
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside:
                lines.add(line.strip())
    return {line for line in lines if len(line) > 12 and not line.startswith("#")}


EDITIONS = [(lang, path) for lang in LANGUAGES
            for path in exercise_notebooks(ROOT / "notebooks" / ("" if lang == "en" else lang)
                                           / "exercises")]


@pytest.mark.parametrize(("lang", "path"), EDITIONS, ids=[f"{lang}-{p.stem}" for lang, p in EDITIONS])
def test_release_contains_no_solution(lang, path, tmp_path):
    assert main(["exercises", "release", "--out", str(tmp_path), "--lang", lang]) == 0
    released = (tmp_path / path.name).read_text()
    secret_lines = _solution_lines(read_exercise(path))
    assert secret_lines and len(EDITIONS) == len(EXERCISES) * len(LANGUAGES)
    assert [line for line in secret_lines if line in released] == []
    assert "hidden_check" not in released and PLACEHOLDER.splitlines()[1] in released


def _execute(path, out, seed):
    """papermill, with one more start when the kernel dies before it answers: two kernels
    starting at once (the other test worker) can be given the same free port. As the grader
    does (crmlab.grading.runner.STARTS)."""
    for attempt in (1, 2):
        try:
            return papermill.execute_notebook(str(path), str(out), parameters={"seed": seed},
                                              progress_bar=False, kernel_name="python3")
        except RuntimeError as exc:
            if "Kernel died before replying to kernel_info" not in str(exc) or attempt == 2:
                raise


def _run(path, seed, results, out, *, errors_expected=False):
    env_before = os.environ.get("CRMLAB_EXERCISE_RESULTS")
    os.environ["CRMLAB_EXERCISE_RESULTS"] = str(results)
    try:
        _execute(path, out, seed)
        assert not errors_expected, "the student copy ran without an error"
    except PapermillExecutionError:
        if not errors_expected:
            raise
    finally:
        if env_before is None:
            os.environ.pop("CRMLAB_EXERCISE_RESULTS")
        else:
            os.environ["CRMLAB_EXERCISE_RESULTS"] = env_before
    if not results.exists():
        return []
    return [json.loads(line) for line in results.read_text().splitlines()]


@pytest.mark.kernel
@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_solution_passes_every_check_under_three_seeds(path, tmp_path):
    points = read_exercise(path).metadata["crmlab"]["points"]
    for seed in (11, 2024, 90210):
        records = _run(path, seed, tmp_path / f"{seed}.jsonl", tmp_path / f"{seed}.ipynb")
        hidden = {r["check"]: r["passed"] for r in records if r["kind"] == "hidden"}
        visible = [r["passed"] for r in records if r["kind"] == "visible"]
        assert hidden == {name: True for name in points}, seed
        assert visible and all(visible), seed


@pytest.mark.kernel
@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_student_copy_runs_with_its_checks_failing(path, tmp_path):
    copy = student_copy(read_exercise(path))
    for cell in copy.cells:  # let the placeholders raise and the run go on, as when grading
        if cell.cell_type == "code":
            cell.metadata.setdefault("tags", []).append(RAISES_EXCEPTION)
    student = tmp_path / "student.ipynb"
    nbformat.write(copy, student)
    records = _run(student, 5, tmp_path / "r.jsonl", tmp_path / "out.ipynb",
                   errors_expected=True)
    assert records == []  # every visible check fails before it can pass: no variable exists
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [o["ename"] for c in executed.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert "NotImplementedError" in errors


def test_assign_thirty_students(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\n" + "".join(
        f"s{i:02d},Student {i},s{i:02d}@example.org\n" for i in range(1, 31)))
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(roster),
                 "--out", str(tmp_path / "out")]) == 0
    made = sorted((tmp_path / "out").glob("*.ipynb"))
    assert len(made) == 30
    seeds, keys = set(), set()
    for path in made:
        nb = nbformat.read(path, as_version=4)
        student = path.stem.split("__")[1]
        injected = next(c for c in nb.cells if INJECTED_PARAMETERS in tags_of(c))
        seed = student_seed(SECRET.encode(), "EX-abc-profit", student)
        assert f"seed = {seed}" in injected.source and f'student_id = "{student}"' in injected.source
        assert all(c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
        seeds.add(seed)
        # the visible checks' digests for this student's seed, under a key of its own
        namespace = {}
        exec(injected.source, namespace)
        digests = namespace["check_digests"]
        assert digests["seed"] == seed and sorted(digests["checks"]) == visible_checks(nb)
        keys.add(digests["key"])
        if len(seeds) <= 2:
            for name in digests["checks"]:
                right = EXPECTED[name](seed)
                assert matches(digests, name, right, seed), (student, name)
                assert not matches(digests, name, right, seed + 1), (student, name)
    assert len(seeds) == 30 and len(keys) == 30


def test_assign_without_secret_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CRMLAB_INSTRUCTOR_SECRET", raising=False)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns1\n")
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(roster),
                 "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == ("crmlab: error: No instructor secret: set "
                                       "CRMLAB_INSTRUCTOR_SECRET or pass --secret-file (at least "
                                       "8 characters)\n")
    with pytest.raises(ExerciseError, match=r"^Got exercise='EX-nope' instead, expected one of 'EX-"):
        from crmlab.exercises.notebook import find_exercise
        find_exercise("EX-nope")


@pytest.mark.kernel
def test_three_commands_end_to_end_with_thirty_students(tmp_path, monkeypatch, capsys):
    """Release, assign 30, grade: a few submissions (solved, seed changed, wrong, untouched).

    Every failure case is graded one by one on fixtures in ``test_exercises_grading.py``.
    """
    import pandas as pd

    monkeypatch.setenv("CRMLAB_INSTRUCTOR_SECRET", SECRET)
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home"))
    assert main(["exercises", "release", "--out", str(tmp_path / "release")]) == 0
    assert (tmp_path / "release" / "abc_profit_share.ipynb").is_file()
    students = [f"s{i:02d}" for i in range(1, 31)]
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\n" + "".join(
        f"{s},Student {s},{s}@example.org\n" for s in students))
    assert main(["exercises", "assign", "EX-abc-profit", "--roster", str(roster),
                 "--out", str(tmp_path / "assigned")]) == 0
    source = read_exercise(EXERCISES[0])
    by_id = {c.id: c.source for c in source.cells}
    cases = {"s01": None, "s02": ("ex-abc-01", "student_id = 's02'\nseed = 1"),
             "s03": ("ex-abc-07", "share_a = 0.5"), "s04": "untouched"}
    subs = tmp_path / "subs"
    subs.mkdir()
    for student, change in cases.items():
        nb = nbformat.read(tmp_path / "assigned" / f"abc_profit_share__{student}.ipynb",
                           as_version=4)
        if change != "untouched":
            for cell in nb.cells:
                if "NotImplementedError" in cell.source and cell.id in by_id:
                    cell.source = by_id[cell.id]
        if isinstance(change, tuple):
            next(c for c in nb.cells if c.id == change[0]).source = change[1]
        nbformat.write(nb, subs / f"abc_profit_share__{student}.ipynb")
    capsys.readouterr()
    assert main(["exercises", "grade", "EX-abc-profit", str(subs), "--roster", str(roster),
                 "--out", str(tmp_path / "graded"), "--workers", "2", "--timeout", "60"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    alike = pd.read_csv(tmp_path / "graded" / "similarity.csv")
    assert first == (
        "graded 30 student(s): 4 ran, 0 stopped (0 points), 26 without a submission, 0 grader "
        "problem(s); 0 problem(s) in problems.csv" + (
            f"; {len(alike)} pair(s) of students whose own code is alike in similarity.csv "
            "(flagged for a look, no grade changed)" if len(alike) else ""))
    scores = pd.read_csv(tmp_path / "graded" / "scores.csv", keep_default_na=False, dtype=str)
    assert list(scores.columns) == ["student_id", "EX-abc-profit", "total"]
    assert list(scores["student_id"]) == students
    details = pd.read_csv(tmp_path / "graded" / "details.csv", keep_default_na=False)
    got = {r.student_id: (r.total, r.reason) for r in details.itertuples()}
    assert got["s01"] == (5.0, "")
    assert got["s02"] == (5.0, "")  # the roster's seed was injected again
    assert got["s03"] == (4.0, "failed: abc-share-a")
    assert got["s04"] == (0.0, "failed: abc-class-a, abc-misranked, abc-share-a")
    assert got["s30"] == (0.0, "no submission")
    feedback = (tmp_path / "graded" / "feedback" / "abc_profit_share__s03.ipynb").read_text()
    assert "hidden check (source kept by the instructor)" in feedback
    assert "abc-share-a: not passed" in feedback
    assert 'hidden_check("abc-class-a"' not in feedback


def test_release_readme_is_for_students(tmp_path):
    from crmlab.exercises import release

    written = release(tmp_path)
    assert [p.name for p in written] == [p.name for p in EXERCISES]
    readme = (tmp_path / "README.md").read_text()
    assert readme.startswith("# Exercises\n")
    assert "hidden" not in readme and "SECRET" not in readme and "HMAC" not in readme


def test_azerbaijani_release_is_the_azerbaijani_edition(tmp_path):
    from crmlab.exercises import release

    written = release(tmp_path, lang="az")
    assert [p.name for p in written] == [p.name for p in EXERCISES]
    assert (tmp_path / "README.md").read_text().startswith("# Tapşırıqlar\n")
    nb = nbformat.read(written[0], as_version=4)
    assert nb.metadata["crmlab"]["language"] == "az"
    assert 'crmlab.set_language("az")' in nb.cells[[c.get("id") for c in nb.cells].index(
        "language")].source


def test_exercise_metadata_reads_the_ids_without_nbformat(tmp_path):
    for path in EXERCISES:
        assert exercise_metadata(path) == dict(read_exercise(path).metadata["crmlab"])
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(ExerciseError, match=r"broken.ipynb: not a readable notebook"):
        exercise_metadata(broken)
    lesson = tmp_path / "lesson.ipynb"
    lesson.write_text(json.dumps({"metadata": {"crmlab": {"kind": "lesson", "id": "L01"}},
                                  "cells": []}))
    with pytest.raises(ExerciseError, match=r"lesson.ipynb: metadata crmlab.kind must be"):
        exercise_metadata(lesson)


def _near_misses(expected):
    """Wrong answers one small step from ``expected``, of its own type."""
    import pandas as pd

    if isinstance(expected, float):
        return [expected + max(abs(expected) * 1e-3, 1e-3), -expected if expected else 1.0]
    if isinstance(expected, int):
        return [expected + 1, expected - 1]
    if isinstance(expected, str):
        return [expected + "x", expected.lower() if expected != expected.lower() else "x"]
    if isinstance(expected, (set, frozenset)):
        return [set(sorted(expected)[1:]), set(expected) | {"S999"}]
    if isinstance(expected, tuple):  # each part one step off, the others right
        return [expected[:i] + (miss,) + expected[i + 1:]
                for i, part in enumerate(expected) for miss in _near_misses(part)[:1]] + [
            expected[:-1], expected[0]]
    if isinstance(expected, dict):
        first = sorted(expected)[0]
        return [{**expected, first: expected[first] + 1},
                {k: v for k, v in expected.items() if k != first},
                pd.Series(expected)]  # the right numbers, but not the asked-for type
    raise AssertionError(f"no near miss written for {type(expected).__name__}")


@pytest.mark.parametrize("seed", [3, 11])
def test_every_check_refuses_a_near_miss_and_never_crashes(seed, crmlab_home):
    """Each check passes its expected value and refuses a value one step off, a Series and an
    array in place of a scalar: the verdict is a plain True or False, never an exception; the
    digest a student's notebook carries gives the same verdicts."""
    import numpy as np
    import pandas as pd

    from crmlab.exercises.checks import EXPECTED, _verdict
    from crmlab.exercises.keys import load_keys, make_digests, matches

    load_keys()
    digests = make_digests(EXPECTED, seed)
    for name, compute in sorted(EXPECTED.items()):
        right = compute(seed)
        assert _verdict(name, right, seed) is True, name
        assert matches(digests, name, right, seed) is True, name
        for wrong in _near_misses(right):
            assert _verdict(name, wrong, seed) is False, (name, wrong)
            assert matches(digests, name, wrong, seed) is False, (name, wrong)
        if not isinstance(right, (set, frozenset, dict, tuple)):
            for shaped in (pd.Series([right, right]), np.array([right, right])):
                assert _verdict(name, shaped, seed) is False, (name, type(shaped))
                assert matches(digests, name, shaped, seed) is False, (name, type(shaped))


def test_one_catalogue_one_submission_name():
    from crmlab.exercises.notebook import (
        catalogue,
        exercise_notebooks,
        find_exercise,
        submission_name,
        submission_owner,
    )

    known = catalogue()
    assert sorted(known.values()) == exercise_notebooks()
    for ident, path in known.items():
        assert find_exercise(ident) == find_exercise(path.stem) == find_exercise(path) == path
    name = submission_name("abc_profit", "s.01")
    assert submission_owner(f"out/{name}") == ("abc_profit", "s.01")


def test_a_visible_check_judges_by_the_notebooks_digests_for_their_seed(capsys, monkeypatch):
    """A notebook's ``check_digests`` judge a check the process has no key for, at the
    check's precision; a changed seed is named, not judged; a grading kernel loads no keys."""
    from crmlab.exercises import checks, keys

    keys.register("demo-digest")(lambda seed: 0.25)
    try:
        digests = keys.make_digests(["demo-digest"], 7)
    finally:
        del EXPECTED["demo-digest"]
    namespace = {"check": checks.check, "check_digests": digests}
    exec('check("demo-digest", 0.2500000001, seed=7)\ncheck("demo-digest", 0.26, seed=7)\n'
         'check("demo-digest", 0.25, seed=8)\ncheck("demo-other", 0.25, seed=7)', namespace)
    assert capsys.readouterr().out.splitlines() == [
        "demo-digest: correct",
        "demo-digest: not yet: look again at the method, not the number",
        "demo-digest: not checked: this notebook checks the answers of seed 7, not of the seed set above",
        "demo-other: not checked here: this notebook cannot check it (your own copy from the "
        "instructor can)"]
    assert namespace["check_digests"] == digests  # not mutated
    namespace["check_digests"] = {"seed": 7, "checks": {"demo-digest": "edited"}}
    exec('check("demo-digest", 0.25, seed=7)', namespace)
    assert capsys.readouterr().out.startswith("demo-digest: not checked here")
    monkeypatch.setenv("CRMLAB_SANDBOX_JOB", "job-1")
    assert checks._instructor_keys() is False
    checks.check("demo-other", 0.25, seed=7)
    assert capsys.readouterr().out == ("demo-other: judged by the grader, outside this notebook "
                                       "(its verdict is in the hidden checks below)\n")
    monkeypatch.delenv("CRMLAB_SANDBOX_JOB")
    assert checks._instructor_keys() is True


def test_only_visible_checks_get_a_digest():
    """A check called only in the hidden checks gets no digest in a student's notebook."""
    nb = read_exercise(EXERCISES[0])
    hidden = next(c for c in nb.cells if HIDDEN_CHECKS in tags_of(c))
    visible = visible_checks(nb)
    hidden.source += '\nhidden_check("demo-hidden-only", 1, seed=seed)'
    assert visible_checks(nb) == visible and "demo-hidden-only" not in visible


@pytest.mark.parametrize("source, message", [
    ("def broken(:\n", r":1: the exercise keys do not run: SyntaxError: "),
    ("x = 1\nraise RuntimeError('no data')\n",
     r":2: the exercise keys do not run: RuntimeError: no data$"),
])
def test_an_instructor_keys_file_that_does_not_run_is_one_line(tmp_path, source, message):
    """Review fix: a keys file with an error ended in a traceback from exec()."""
    from crmlab.core.exceptions import ExerciseError
    from crmlab.exercises.keys import load_keys

    path = tmp_path / "exercise_keys.py"
    path.write_text(source)
    with pytest.raises(ExerciseError, match=f"^{path}" + message):
        load_keys(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ExerciseError, match=f"^{path}: not UTF-8 text"):
        load_keys(path)
