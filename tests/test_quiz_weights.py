"""crmlab.grading.weights and `crmlab grade --weights`: set by the instructor, checked line
by line, reflected in the gradebook."""

import pandas as pd
import pytest

from crmlab.cli import main
from crmlab.core.exceptions import CrmlabError
from crmlab.grading.weights import apply_weights, read_weights
from crmlab.quiz import submission
from crmlab.quiz.loading import load


@pytest.fixture(autouse=True)
def practice_counts(monkeypatch):
    """These tests grade L00's practice answers, so their course counts practice in full (the
    default, practice not counted, is tested in test_practice_weight)."""
    monkeypatch.setattr("crmlab.grading.quizzes.course_practice_weight", lambda: 1.0)


AT = "2026-11-20T10:00:00+00:00"


def _submit(folder, student, answers):
    (folder / student).mkdir(parents=True)
    (folder / student / "L00.json").write_bytes(submission.answers_bytes(
        submission.answers_file(student, "L00", answers, at=AT)))


def test_weights_are_reflected_in_the_gradebook(tmp_path, capsys):
    subs = tmp_path / "subs"
    _submit(subs, "s1", {"run-order": "restart", "answers-saved": False})
    weights = tmp_path / "weights.csv"
    weights.write_text("quiz_id,question_id,weight\nL00,run-order,3\nL00,answers-saved,0\n")
    assert main(["grade", str(subs), "--out", str(tmp_path / "out"), "--quiz", "L00",
                 "--weights", str(weights), "--format", "canvas", "--no-figures"]) == 0
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv", keep_default_na=False)
    assert book.loc[1, "Quiz L00"] == 3.0  # 3 x run-order, 0 x answers-saved
    plain = sum(q.points for q in load("L00").questions)
    assert book.loc[0, "Quiz L00"] == plain + 2 - 1  # points possible, weighted
    responses = pd.read_csv(tmp_path / "out" / "responses.csv").set_index("question_id")
    assert responses.loc["run-order", "max_points"] == 3.0
    assert not list((tmp_path / "out").glob("*.png"))  # --no-figures
    assert "## Constant-answer strategies" in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.parametrize(("content", "message"), [
    ("quiz_id,question_id\nL00,run-order\n",
     "Got the weights file {path} without the column 'weight' instead, expected the columns "
     "'quiz_id', 'question_id', 'weight'."),
    ("quiz_id,question_id,weight\nL00,run-order,2\nL00,loader,-1\n",
     "{path}: line 3: Got weight=-1.0 instead, expected a finite number >= 0."),
    ("quiz_id,question_id,weight\nL00,run-order,\n",
     "{path}: line 2: Got weight='' instead, expected a finite number >= 0."),
    ("quiz_id,question_id,weight\nL00,run-order,2\nL00,run-order,1\n",
     "{path}: line 3: Got quiz_id='L00', question_id='run-order' a second time instead, "
     "expected one weight per question."),
])
def test_bad_weights_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "weights.csv"
    path.write_text(content)
    with pytest.raises(CrmlabError) as info:
        read_weights(path)
    assert str(info.value) == message.format(path=path)


def test_weights_must_name_graded_quizzes_and_their_questions(tmp_path, capsys):
    quizzes = {"L00": load("L00")}
    with pytest.raises(CrmlabError) as info:
        apply_weights(quizzes, {("L01", "q1"): 2})
    assert str(info.value) == "weights: Got quiz_id='L01' instead, expected one of 'L00'."
    path = tmp_path / "weights.csv"
    path.write_text("quiz_id,question_id,weight\nL00,nope,2\n")
    assert main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--quiz", "L00",
                 "--weights", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"crmlab: error: {path}: quiz 'L00': Got question_id='nope' instead, "
                          "expected one of 'run-order', ")
    assert err.count("\n") == 1


def test_apply_weights_leaves_its_inputs_alone():
    quizzes = {"L00": load("L00")}
    weighted = apply_weights(quizzes, {("L00", "run-order"): 0.5})
    assert quizzes["L00"].question("run-order").points == 1.0
    assert weighted["L00"].question("run-order").points == 0.5
    assert apply_weights(quizzes, None) == quizzes
    with pytest.raises(CrmlabError, match=r"^weights: Got key='L00' instead, expected a "):
        apply_weights(quizzes, {"L00": 2})
