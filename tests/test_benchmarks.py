"""`python -m benchmarks` reports every benchmark and fails when one of them failed."""

import json

import pytest

import benchmarks.__main__ as runner


class _Module:
    def __init__(self, rows=None, error=None):
        self.rows, self.error = rows, error

    def run(self):
        if self.error:
            raise self.error
        return self.rows


def _run(monkeypatch, tmp_path, modules):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "rows_of", lambda name: modules[name].run())
    return runner.main(list(modules))


def test_a_failing_benchmark_fails_the_run_after_the_others(monkeypatch, tmp_path, capsys):
    ok = [{"name": "fine", "value": 1.5, "target": "<= 2.0", "unit": "x", "note": ""}]
    code = _run(monkeypatch, tmp_path, {"bench_core": _Module(error=RuntimeError("boom")),
                                        "bench_grading": _Module(ok)})
    assert code == 1
    out, err = capsys.readouterr()
    assert "FAILED: RuntimeError: boom" in out and "fine" in out
    assert err == "\n1 benchmark row(s) not ok: bench_core (FAILED)\n"
    rows = json.loads((tmp_path / "bench-results" / "latest.json").read_text())
    assert [row["name"] for row in rows] == ["bench_core", "fine"]


def test_a_clean_run_exits_zero(monkeypatch, tmp_path, capsys):
    ok = [{"name": "fine", "value": 1.5, "target": "<= 2.0", "unit": "x", "note": ""}]
    assert _run(monkeypatch, tmp_path, {"bench_grading": _Module(ok)}) == 0


def test_a_missed_target_fails_the_run(monkeypatch, tmp_path, capsys):
    rows = [{"name": "slow", "value": 2.6, "target": "<= 2.0", "unit": "x", "note": ""},
            {"name": "fast", "value": 1.4, "target": "<= 2.0", "unit": "x", "note": ""},
            {"name": "free", "value": 3.0, "target": "", "unit": "s", "note": "no target"}]
    assert _run(monkeypatch, tmp_path, {"bench_grading": _Module(rows)}) == 1
    out, err = capsys.readouterr()
    assert "MISSED" in out and err == "\n1 benchmark row(s) not ok: slow (MISSED)\n"


def test_each_benchmark_runs_in_an_interpreter_of_its_own(tmp_path):
    rows = runner.rows_of("bench_similarity")
    assert [row["name"] for row in rows][:1] == ["similarity of 300 text answers over shingling"]
    assert all(runner.status(row) in ("ok", "MISSED") for row in rows)


def test_a_benchmark_failing_in_its_interpreter_says_why(monkeypatch, tmp_path):
    out = tmp_path / "rows.json"
    monkeypatch.setattr(runner.importlib, "import_module",
                        lambda name: _Module(error=RuntimeError("boom")))
    assert runner._one("bench_core", str(out)) == 0
    assert json.loads(out.read_text()) == {"error": "RuntimeError: boom"}
    with pytest.raises(runner.Failed, match="^ModuleNotFoundError: No module named "
                                            "'benchmarks.bench_nothing_of_that_name'$"):
        runner.rows_of("bench_nothing_of_that_name")
