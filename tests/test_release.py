"""The student release carries no graded key and no solution: a scan proves it."""

import sys
from pathlib import Path

import pytest
import yaml

from crmlab import quiz
from crmlab.cli import main
from crmlab.core.i18n import localized
from crmlab.quiz.schema import key_fields

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "course"
    assert main(["release", "--out", str(out)]) == 0
    return out


def _graded_secrets():
    """Every text that would reveal the key of a graded question, by quiz."""
    secrets = []
    for path in quiz.quiz_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in data["questions"]:
            if q.get("mode", data.get("mode", "practice")) != "graded":
                continue
            for lang in data.get("languages", ["en"]):
                if q.get("explanation"):
                    secrets.append((path.name, q["id"], localized(q["explanation"], lang)))
                for option in q.get("options", []):
                    if option.get("feedback"):
                        secrets.append((path.name, q["id"], localized(option["feedback"], lang)))
                for criterion in q.get("rubric", []):
                    secrets.append((path.name, q["id"], localized(criterion["text"], lang)))
    return secrets


def _graded_questions(path) -> list:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [q for q in data["questions"]
            if q.get("mode", data.get("mode", "practice")) == "graded"]


def test_released_quizzes_have_no_graded_keys(released):
    paths = sorted((released / "quizzes").glob("*.yaml"))
    assert [p.name for p in paths] == sorted(p.name for p in quiz.quiz_files())
    checked = 0
    for path in paths:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["released"] is True
        for q in _graded_questions(path):
            leaked = set(q) & key_fields()
            for item in q.get("options", []) + q.get("pairs", []):
                leaked |= set(item) & key_fields()
            assert leaked == set(), f"{path.name}:{q['id']} leaks {leaked}"
            checked += 1
    # every graded question of the course was looked at (none lost its mode on the way)
    assert checked == sum(len(_graded_questions(p)) for p in quiz.quiz_files()) > 0


def test_no_graded_secret_text_anywhere_in_the_release(released):
    secrets = [s for s in _graded_secrets() if len(s[2]) >= 12]
    assert secrets, "the course has graded questions with explanations"
    for path in released.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".ipynb", ".py", ".md", ".json", ".csv"):
            content = path.read_text(encoding="utf-8", errors="ignore")
            for name, qid, secret in secrets:
                assert secret not in content, f"{path} reveals {name}:{qid}"


def test_release_has_no_instructor_material_and_still_works(released, monkeypatch, tmp_path):
    assert not (released / "notebooks" / "instructor").exists()
    assert not (released / "notebooks" / "translations").exists()
    assert (released / "notebooks" / "az" / "exercises" / "rfm_pyramid.ipynb").is_file()
    assert (released / "notebooks" / "00_start_here.ipynb").is_file()
    assert (released / "datasets" / "orders.csv").is_file()
    monkeypatch.setenv("CRMLAB_COURSE_DIR", str(released))
    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home"))
    assert quiz.validate() == []
    feedback = quiz.record("L00", "run-order", "restart")  # practice keeps its feedback
    assert feedback.correct is True
    assert quiz.record("L00", "submit", "submit").correct is None


def test_lesson_cells_for_the_instructor_stay_home(released):
    import json

    from crmlab.publish.notebooks import INSTRUCTOR

    source = ROOT / "notebooks" / "99_final_test.ipynb"
    tagged = [c for c in json.loads(source.read_text(encoding="utf-8"))["cells"]
              if INSTRUCTOR in c["metadata"].get("tags", [])]
    assert tagged, "the final test shows the constant-answer strategies to the instructor"
    for path in (released / "notebooks").rglob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert not [c for c in cells if INSTRUCTOR in c["metadata"].get("tags", [])], path.name
    for edition in ("", "az"):
        released_text = (released / "notebooks" / edition / "99_final_test.ipynb").read_text(
            encoding="utf-8")
        assert "constant_strategies" not in released_text
    assert "beats 40%" not in released_text


def test_release_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["release", "--out", str(tmp_path)]) == 1
    assert "exists and is not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_accept_any_of_a_graded_question_is_a_key_and_stays_home():
    from crmlab.publish.release import strip_quiz

    data = {"id": "X", "mode": "graded", "questions": [
        {"id": "q", "type": "single", "prompt": "P", "note": "Stem reconstructed",
         "accept_any": "Key lost", "options": [{"id": "a", "text": "A", "feedback": "F"}]}]}
    assert strip_quiz(data)["questions"] == [
        {"id": "q", "type": "single", "prompt": "P", "note": "Stem reconstructed",
         "options": [{"id": "a", "text": "A"}]}]


def test_a_broken_exercise_package_fails_the_release(tmp_path, monkeypatch, capsys):
    from crmlab.publish.release import release

    monkeypatch.setitem(sys.modules, "crmlab.exercises", None)  # import fails
    with pytest.raises(ImportError):
        release(tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half-written
