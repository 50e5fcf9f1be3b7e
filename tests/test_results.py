"""crmlab.grading.results: one vocabulary of outcomes and codes, each made into a sentence by
the catalog in every language, and the typed results graders return."""

import ast
import pickle
import string
from pathlib import Path

import pytest

from crmlab.core.i18n import LANGUAGES, catalog
from crmlab.grading import results
from crmlab.grading.results import CheckResult, JobResult, Reason


def _fields(text: str) -> list:
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


def test_each_code_is_declared_once():
    tables = [set(results.REASONS), set(results.NOTES), set(results.PROBLEMS),
              set(results.SUBMISSION_PROBLEMS), set(results.COLLECT_REASONS),
              set(results.COLLECT_WARNINGS)]
    assert sum(map(len, tables)) == len(set().union(*tables)) == len(results.CODES)
    assert {outcome for outcome, _ in results.REASONS.values()} == set(results.OUTCOMES) - {
        results.RAN}
    assert results.STOPS_BATCH <= {code for code, (outcome, _) in results.REASONS.items()
                                   if outcome == results.GRADER_PROBLEM}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_its_sentence_with_exactly_its_parameters(lang):
    entries = catalog(lang)
    wanted = {f"result.{code}": sorted(params) for code, params in results.CODES.items()}
    wanted |= {f"result.check.{code}": [] for code in results.CHECK_CODES}
    wanted |= {f"result.status.{code}": [] for code in results.STATUSES}
    wanted["result.failed_checks"] = ["checks"]
    assert {key: _fields(entries[key]) for key in wanted if key in entries} == wanted
    unknown = sorted(key for key in entries if key.startswith("result.") and key not in wanted)
    assert unknown == []  # every entry under result. is a code of the module


@pytest.mark.parametrize(("args", "params", "message"), [
    (("melted",), {}, "Got code='melted' instead, expected a code of crmlab.grading.results."),
    (("cell_timeout",), {}, "Got the parameters () for code 'cell_timeout' instead, expected "
                            "seconds."),
    (("syntax_error",), {"seconds": 3}, "Got the parameters (seconds=3) for code "
                                        "'syntax_error' instead, expected none."),
    (("cell_timeout",), {"seconds": [8]}, "Got seconds=[8] for code 'cell_timeout' instead, "
                                          "expected a text or a number."),
])
def test_a_bad_reason_is_one_clear_error(args, params, message):
    with pytest.raises(ValueError) as info:
        Reason(*args, **params)
    assert str(info.value) == message


def test_a_reason_is_a_value():
    params = {"cell": 3, "megabytes": 1536}
    note = Reason("memory_error", **params)
    params["cell"] = 4
    assert note.params["cell"] == 3  # a copy: the caller's dict is not kept
    assert note == Reason("memory_error", megabytes=1536, cell=3)
    assert len({note, Reason("memory_error", cell=3, megabytes=1536)}) == 1
    assert pickle.loads(pickle.dumps(note)) == note  # crosses to dask workers and back
    with pytest.raises(AttributeError):
        note.code = "x"
    with pytest.raises(TypeError):
        note.params["cell"] = 5
    assert (note.kind, Reason("syntax_error").kind, Reason("no_answers").kind,
            Reason("symlink").kind, Reason("no_secret").kind) == (
        "note", "reason", "problem", "file", "warning")
    assert (note.outcome, Reason("job_failed", error="x").outcome) == (None, "grader_problem")


def test_parameters_travel_as_json_text():
    reason = Reason("after_cutoff", received="2026-10-12T05:00:00+00:00",
                    cutoff="2026-10-11T19:59:00+00:00")
    assert Reason.read(reason.code, reason.params_text()) == reason
    assert Reason.read("sys_exit", "") == Reason("sys_exit")
    with pytest.raises(ValueError, match=r"^Got params='\[1\]' instead, expected a JSON object"):
        results.read_params("[1]")


@pytest.mark.parametrize(("reason", "en", "az"), [
    (Reason("no_submission"), "no submission", "təqdim edilmiş iş yoxdur"),
    (Reason("check_cell_deleted", cell="fx-06"), "check cell 'fx-06' was deleted",
     "'fx-06' yoxlama xanası silinib"),
    (Reason("sandbox_refused", cell=2, detail="[Errno 13] Permission denied: '/etc'"),
     "cell 2: refused by the sandbox: [Errno 13] Permission denied: '/etc'",
     "xana 2: təcrid olunmuş mühit icazə vermədi: [Errno 13] Permission denied: '/etc'"),
    (Reason("id_mismatch", meta="s-1002", cell="s-1003"),
     "tampered: its metadata says student 's-1002', its parameters cell 's-1003'",
     "müdaxilə edilib: metadata tələbə kimi 's-1002' göstərir, parametrlər xanası isə "
     "'s-1003'"),
])
def test_a_reason_is_rendered_in_the_readers_language(reason, en, az):
    assert (reason.text(), reason.text("az"), reason.text("sl")) == (en, az, en)


def test_a_job_result_holds_its_outcome_and_reason_together():
    with pytest.raises(ValueError, match=r"expected a reason exactly when the job did not run"):
        JobResult("s1", results.FATAL)
    with pytest.raises(ValueError, match=r"expected a reason exactly when the job did not run"):
        JobResult("s1", reason=Reason("syntax_error"))
    with pytest.raises(ValueError, match=r"expected the outcome 'fatal'"):
        JobResult("s1", results.GRADER_PROBLEM, Reason("syntax_error"))
    with pytest.raises(ValueError, match=r"^Got outcome='lost' instead, expected one of 'ran'"):
        JobResult("s1", "lost")
    with pytest.raises(ValueError, match=r"expected a reason of a job's outcome"):
        JobResult.ended("s1", Reason("no_answers"))
    with pytest.raises(ValueError, match=r"^Got code='fine' instead"):
        CheckResult("a", "fine")
    assert JobResult.ended("s1", Reason("kernel_died")).outcome == results.FATAL


def test_scoring_gives_every_check_of_the_exercise_a_verdict_and_leaves_the_result_alone():
    found = JobResult("s1", checks=(CheckResult("b", results.WRONG),
                                    CheckResult("a", results.PASSED)),
                      notes=(Reason("hidden_checks_failed", error="NameError: x"),))
    scored = found.scored({"a": 1, "b": 2, "c": 3})
    assert [(c.name, c.code, c.points, c.possible) for c in scored.checks] == [
        ("a", "passed", 1.0, 1.0), ("b", "wrong", 0.0, 2.0), ("c", "not_run", 0.0, 3.0)]
    assert [c.name for c in found.checks] == ["b", "a"]  # unchanged
    assert (scored.total, [c.name for c in scored.failed]) == (1.0, ["b", "c"])
    assert scored.text() == "error in the hidden checks: NameError: x; failed: b, c"
    assert scored.text("az") == ("gizli yoxlamalarda xəta: NameError: x; keçməyən yoxlamalar: "
                                 "b, c")
    assert JobResult("s2").scored({"a": 1}).checks[0].code == results.NOT_RUN
    stopped = JobResult.ended("s3", Reason("wall_clock", seconds=20),
                              notes=(Reason("memory_error", cell=1, megabytes=64),))
    stopped = stopped.scored({"a": 1})
    assert (stopped.total, stopped.checks[0].code) == (0.0, results.NOT_RUN)
    assert stopped.text() == "timed out: the notebook ran longer than 20 s"


def test_check_and_status_words():
    assert [results.check_text(c, "az") for c in results.CHECK_CODES][:2] == [
        "nəticəniz gözlənilən qiymətlə üst-üstə düşür",
        "nəticəniz gözlənilən qiymətlə üst-üstə düşmür"]
    assert results.status_text("on_time") == "on time"
    with pytest.raises(ValueError, match=r"^Got status='on time' instead"):
        results.status_text("on time")
    assert results.failed_text([]) == ""


def _raised_codes(path: Path) -> list:
    """``(line, code, parameter names)`` of every ``SubmissionProblem(...)``/``Refused(...)``
    raised with a code in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "SubmissionProblem", "Refused"):
            codes = [a for a in node.args if isinstance(a, ast.Constant)
                     and isinstance(a.value, str)] + [
                k.value for k in node.keywords
                if k.arg == "code" and isinstance(k.value, ast.Constant)]
            names = sorted(k.arg for k in node.keywords if k.arg not in (None, "code", "params"))
            given = next((k.value for k in node.keywords if k.arg == "params"), None)
            if isinstance(given, ast.Dict):
                names = sorted(key.value for key in given.keys)
            # **where, or params passed on from another error: checked where they are made
            unknown = any(k.arg is None for k in node.keywords) or (
                given is not None and not isinstance(given, ast.Dict))
            for code in codes:
                found.append((node.lineno, code.value, names, unknown))
    return found


def test_the_submission_problems_raised_below_grading_are_declared_here():
    package = Path(results.__file__).resolve().parent.parent
    raised = []
    for name in ("quiz/submission.py", "publish/hub_service.py"):
        raised += [(name, *item) for item in _raised_codes(package / name)]
    assert len(raised) >= 18
    for name, line, code, params, spread in raised:
        assert code in results.SUBMISSION_PROBLEMS, f"{name}:{line}: {code!r} is not declared"
        if not spread:  # SubmissionProblem(code, **where) is checked when it is raised
            assert params == sorted(results.SUBMISSION_PROBLEMS[code]), f"{name}:{line}"


# ------------------------------------------------------------------------------ hand grades
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_hand_problem_has_its_line_with_exactly_its_parameters(lang):
    entries = catalog(lang)
    wanted = {f"handgrade.problem.{code}": sorted(params)
              for code, params in results.HAND_PROBLEMS.items()}
    assert {key: _fields(entries[key]) for key in wanted if key in entries} == wanted
    unknown = sorted(key for key in entries
                     if key.startswith("handgrade.problem.") and key not in wanted)
    assert unknown == []


def test_a_hand_problem_is_a_value_said_in_the_readers_language():
    problem = results.HandProblem("points_range", value="'3'", maximum="2")
    placed = problem.at("cost")
    assert (problem.where, placed.where, placed.code) == ("", "cost", "points_range")
    assert placed == results.HandProblem("points_range", where="cost", maximum="2",
                                         value="'3'")
    assert len({placed, placed.at("cost")}) == 1 and placed != problem
    assert str(placed) == placed.text("sl") == (
        "cost: points: Got points='3' instead, expected a number from 0 to 2.")
    assert placed.text("az") == "cost: bal: '3' verilib, gözlənilən: 0 ilə 2 arası ədəd."
    with pytest.raises(AttributeError):
        placed.where = "example"
    refused = results.HandRefused(problem)
    assert isinstance(refused, ValueError) and refused.problem is problem
    assert str(refused) == "points: Got points='3' instead, expected a number from 0 to 2."


@pytest.mark.parametrize(("args", "params", "message"), [
    (("melted",), {}, "Got code='melted' instead, expected a code of crmlab.grading.results."),
    (("points_range",), {"value": "'3'"}, "Got the parameters (value=\"'3'\") for code "
                                          "'points_range' instead, expected value, maximum."),
    (("reason_missing",), {"value": None}, "Got the parameters (value=None) for code "
                                           "'reason_missing' instead, expected none."),
])
def test_a_bad_hand_problem_is_one_clear_error(args, params, message):
    with pytest.raises(ValueError) as info:
        results.HandProblem(*args, **params)
    assert str(info.value) == message
