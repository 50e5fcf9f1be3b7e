"""`crmlab submit`: a bundle with a manifest and checksums."""

import hashlib
import json
import zipfile

from crmlab import __version__, quiz, student
from crmlab.cli import main


def test_bundle_has_manifest_and_checksums(crmlab_home, tmp_path, capsys):
    student.set_id("s-9")
    quiz.record("L00", "run-order", "restart")
    quiz.record("L00", "submit", "submit")
    out = tmp_path / "s-9.zip"
    assert main(["submit", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        raw = bundle.read("answers/L00.json")
    assert manifest["student_id"] == "s-9" and manifest["crmlab_version"] == __version__
    (entry,) = manifest["quizzes"]
    assert entry["quiz_id"] == "L00" and entry["n_answers"] == 2
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
    assert "score" not in json.dumps(manifest)


def test_submit_without_id_or_answers_is_a_one_line_error(crmlab_home, tmp_path, capsys):
    assert main(["submit", "--out", str(tmp_path / "x.zip")]) == 1
    assert capsys.readouterr().err == (
        "crmlab: error: No student id is set; run `crmlab student set YOUR-ID` first\n")
    student.set_id("s-1")
    assert main(["submit", "--out", str(tmp_path / "x.zip")]) == 1
    assert "No saved answers for student 's-1'" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()
