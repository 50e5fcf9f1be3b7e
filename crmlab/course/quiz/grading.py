"""``crmlab grade``: grade submitted quiz answers with the instructor's keys.

Every score is recomputed from the raw answers with :func:`crmlab.course.quiz.scoring.score`; nothing a
submission says about itself is trusted beyond its student id. Bad input never stops a run: each
rejected or partly rejected submission becomes a row of ``problems.csv`` and every valid answer
is still graded.

Inputs under SUBMISSIONS (searched recursively):

- ``*.zip`` bundles made by ``crmlab submit`` (``manifest.json`` + ``answers/<quiz>.json``);
- folders holding a ``manifest.json`` (an unzipped bundle);
- answer folders: ``<student_id>/<quiz_id>.json`` files in the saved-answers format (a copy of
  a student's ``CRMLAB_HOME/answers/<student_id>``).

Rules: the latest submission of a student wins (by the manifest's ``created``; ``first`` and
``best`` can be chosen); a student missing from the roster is graded and listed in
``problems.csv``; a roster student without a submission gets empty quiz cells and a total of 0.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlab import __version__
from crmlab.atomic import write_text
from crmlab.course.quiz.schema import Quiz
from crmlab.course.quiz.scoring import check_answer, score
from crmlab.course.student import validate_id
from crmlab.exceptions import CrmlabError, QuizError

__all__ = ["grade", "GradeResult", "read_roster", "MAX_BYTES"]

#: Largest submission file accepted (a zip, or one member once uncompressed).
MAX_BYTES = 2_000_000
RESUBMISSION = ("latest", "first", "best")
FORMATS = ("plain", "canvas", "moodle")


@dataclass
class Submission:
    source: str
    student_id: str
    created: str
    quizzes: dict  # quiz_id -> {question_id: raw answer}


@dataclass
class GradeResult:
    gradebook: pd.DataFrame
    responses: pd.DataFrame
    item_analysis: pd.DataFrame
    problems: pd.DataFrame
    files: list = field(default_factory=list)

    def summary(self) -> str:
        students = len(self.gradebook)
        graded = int(self.responses["student_id"].nunique()) if len(self.responses) else 0
        return (f"graded {graded} student(s), {len(self.responses)} answer(s); "
                f"{len(self.problems)} problem(s) in problems.csv; {students} gradebook row(s)")


class _Reject(Exception):
    """A submission that cannot be used at all."""


def _version_ok(version) -> bool:
    return isinstance(version, str) and version.split(".")[:2] == __version__.split(".")[:2]


def _read_zip(path: Path, max_bytes: int) -> Submission:
    if path.stat().st_size > max_bytes:
        raise _Reject(f"file is larger than the cap of {max_bytes} bytes")
    try:
        with zipfile.ZipFile(path) as bundle:
            members = {info.filename: info for info in bundle.infolist()}
            if "manifest.json" not in members:
                raise _Reject("no manifest.json in the bundle")
            if any(info.file_size > max_bytes for info in members.values()):
                raise _Reject(f"a member is larger than the cap of {max_bytes} bytes once "
                              "unpacked")

            def read(name):
                return bundle.read(name) if name in members else None

            return _from_manifest(str(path), read("manifest.json"), read)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise _Reject("not a valid zip file") from None


def _read_folder_bundle(folder: Path, max_bytes: int) -> Submission:
    def read(name):
        target = (folder / name).resolve()
        if folder.resolve() not in target.parents or not target.is_file():
            return None
        if target.stat().st_size > max_bytes:
            raise _Reject(f"{name} is larger than the cap of {max_bytes} bytes")
        return target.read_bytes()

    return _from_manifest(str(folder), read("manifest.json"), read)


def _json(raw: bytes, what: str):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _Reject(f"{what} is not valid JSON") from None


def _student(value) -> str:
    try:
        return validate_id(value)
    except CrmlabError:
        raise _Reject(f"unsafe or missing student id {value!r}") from None


def _from_manifest(source: str, raw_manifest, read) -> Submission:
    manifest = _json(raw_manifest, "manifest.json")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("quizzes"), list):
        raise _Reject("manifest.json lacks the 'quizzes' list")
    student_id = _student(manifest.get("student_id"))
    if not _version_ok(manifest.get("crmlab_version")):
        raise _Reject(f"made by crmlab {manifest.get('crmlab_version')!r}, this is "
                      f"{__version__}; ask the student to update and resubmit")
    quizzes = {}
    for entry in manifest["quizzes"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise _Reject("a manifest entry lacks its 'path'")
        raw = read(entry["path"])
        if raw is None:
            raise _Reject(f"{entry['path']} is listed in the manifest but missing")
        if hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
            raise _Reject(f"checksum mismatch for {entry['path']}")
        data = _json(raw, entry["path"])
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise _Reject(f"{entry['path']} lacks the 'answers' mapping")
        if data.get("student_id", student_id) != student_id:
            raise _Reject(f"{entry['path']} belongs to {data.get('student_id')!r}, not "
                          f"{student_id!r}")
        quiz_id = str(entry.get("quiz_id") or data.get("quiz_id"))
        quizzes[quiz_id] = {qid: item.get("answer") if isinstance(item, dict) else None
                            for qid, item in data["answers"].items()}
    return Submission(source, student_id, str(manifest.get("created", "")), quizzes)


def _read_answer_folder(folder: Path, max_bytes: int) -> Submission:
    student_id = _student(folder.name)
    quizzes, created = {}, ""
    for path in sorted(folder.glob("*.json")):
        if path.stat().st_size > max_bytes:
            raise _Reject(f"{path.name} is larger than the cap of {max_bytes} bytes")
        data = _json(path.read_bytes(), path.name)
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise _Reject(f"{path.name} lacks the 'answers' mapping")
        if data.get("student_id", student_id) != student_id:
            raise _Reject(f"{path.name} belongs to {data.get('student_id')!r}")
        quizzes[str(data.get("quiz_id") or path.stem)] = {
            qid: item.get("answer") if isinstance(item, dict) else None
            for qid, item in data["answers"].items()}
        created = max([created] + [str(i.get("answered_at", "")) for i in data["answers"].values()
                                   if isinstance(i, dict)])
    return Submission(str(folder), student_id, created, quizzes)


def discover(root: Path) -> list[tuple[str, Path]]:
    """Every submission under ``root``: ('zip'|'bundle'|'answers', path), sorted by path."""
    root = Path(root)
    if root.is_file():
        return [("zip", root)]
    found, bundles = [], set()
    for manifest in root.rglob("manifest.json"):
        bundles.add(manifest.parent)
        found.append(("bundle", manifest.parent))
    answer_folders = {p.parent for p in root.rglob("*.json")
                      if p.name != "manifest.json" and not (set(p.parents) & bundles)}
    found += [("answers", folder) for folder in answer_folders]
    found += [("zip", p) for p in root.rglob("*.zip")]
    return sorted(found, key=lambda item: str(item[1]))


_READERS = {"zip": _read_zip, "bundle": _read_folder_bundle, "answers": _read_answer_folder}


def _read_one(item, max_bytes):
    kind, path = item
    try:
        return path, _READERS[kind](path, max_bytes)
    except _Reject as exc:
        return path, f"rejected: {exc}"
    except OSError as exc:
        return path, f"rejected: cannot read ({exc.strerror or exc})"


def _read_chunk(items, max_bytes):
    return [_read_one(item, max_bytes) for item in items]


def _read_all(found, max_bytes, *, progress: bool):
    """Read every submission; large batches are read by one process per core."""
    import os

    from tqdm.auto import tqdm

    workers = min(len(os.sched_getaffinity(0)), 8) if hasattr(os, "sched_getaffinity") else 1
    bar = tqdm(total=len(found), desc="reading", unit="sub", disable=not progress or None,
               leave=False)
    results = []
    if workers < 2 or len(found) < 2000:
        for item in found:
            results.append(_read_one(item, max_bytes))
            bar.update()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = 500
        chunks = [found[i:i + size] for i in range(0, len(found), size)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for chunk_result in pool.map(_read_chunk, chunks, [max_bytes] * len(chunks)):
                results.extend(chunk_result)
                bar.update(len(chunk_result))
    bar.close()
    return results


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read a roster CSV with at least a ``student_id`` column (optional: name, email, section)."""
    path = Path(path)
    try:
        roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CrmlabError(f"{path}: cannot read the roster ({' '.join(str(exc).split())})") \
            from None
    if "student_id" not in roster.columns:
        raise CrmlabError(f"{path}: column 'student_id' is missing")
    duplicated = roster["student_id"][roster["student_id"].duplicated()]
    if len(duplicated):
        raise CrmlabError(f"{path}: student id {duplicated.iloc[0]!r} appears twice")
    for column in ("name", "email", "section"):
        if column not in roster.columns:
            roster[column] = ""
    return roster


def _load_quizzes(quiz_ids) -> dict[str, Quiz]:
    from crmlab.course.quiz import load, quiz_files

    ids = list(quiz_ids) if quiz_ids else [p.stem for p in quiz_files()]
    quizzes = {}
    for quiz_id in ids:
        quiz = load(quiz_id)
        if quiz.released:
            raise CrmlabError(f"quiz {quiz_id!r} is a student release without keys; grade with "
                              "the instructor's quizzes/")
        quizzes[quiz_id] = quiz
    return quizzes


def grade(submissions, *, out, quizzes=None, roster=None, format: str = "plain",
          resubmission: str = "latest", max_bytes: int = MAX_BYTES,
          progress: bool = True) -> GradeResult:
    """Grade every submission under ``submissions`` and write the outputs into ``out``.

    Parameters
    ----------
    submissions : path
        A folder searched recursively, or one zip.
    out : path
        Output folder: gradebook.csv, responses.csv, item_analysis.csv, problems.csv,
        report.md and its PNG figures; each written atomically.
    quizzes : list of str, optional
        Quiz ids to grade; default every quiz in ``quizzes/``.
    roster : path, optional
        Roster CSV (``student_id`` plus optional name, email, section).
    format : {"plain", "canvas", "moodle"}
        Layout of gradebook.csv.
    resubmission : {"latest", "first", "best"}
        Which of several submissions of a student counts.
    """
    from crmlab.course.quiz.item_analysis import item_analysis

    if format not in FORMATS:
        raise CrmlabError(f"Got format={format!r} instead, expected one of "
                          f"{', '.join(map(repr, FORMATS))}.")
    if resubmission not in RESUBMISSION:
        raise CrmlabError(f"Got resubmission={resubmission!r} instead, expected one of "
                          f"{', '.join(map(repr, RESUBMISSION))}.")
    root = Path(submissions)
    if not root.exists():
        raise CrmlabError(f"{root}: no such file or folder")
    keys = _load_quizzes(quizzes)
    roster_frame = read_roster(roster) if roster else None
    problems: list[dict] = []

    def problem(source, student, reason, quiz_id="", question_id=""):
        problems.append({"source": str(source), "student_id": student, "quiz_id": quiz_id,
                         "question_id": question_id, "reason": reason})

    found = discover(root)
    parsed: list[Submission] = []
    for path, outcome in _read_all(found, max_bytes, progress=progress):
        if isinstance(outcome, Submission):
            parsed.append(outcome)
        else:
            problem(path, "", outcome)

    # Score every answer of every submission. Many students give the same answer, so the
    # verdict of each distinct (quiz, question, raw answer) is computed once by the one grader.
    cache: dict = {}
    per_submission: list[tuple[Submission, list[tuple], float]] = []
    for sub in parsed:
        rows, total = [], 0.0
        for quiz_id, answers in sorted(sub.quizzes.items()):
            quiz = keys.get(quiz_id)
            if quiz is None:
                if quizzes is None:
                    problem(sub.source, sub.student_id, "unknown quiz id", quiz_id)
                continue
            for question_id, raw in sorted(answers.items()):
                token = (quiz_id, question_id, _freeze(raw))
                judged = cache.get(token)
                if judged is None:
                    judged = cache[token] = _judge(quiz, question_id, raw)
                if isinstance(judged, str):
                    problem(sub.source, sub.student_id, f"answer ignored: {judged}", quiz_id,
                            question_id)
                    continue
                canonical, shown, verdict = judged
                rows.append((sub.student_id, quiz_id, question_id, canonical, shown,
                             verdict.correct, verdict.points, verdict.max_points))
                total += verdict.points
        per_submission.append((sub, rows, total))

    # One submission per student, by the resubmission rule.
    chosen: dict[str, tuple[Submission, list[dict], float]] = {}
    for item in per_submission:
        sub, _, total = item
        current = chosen.get(sub.student_id)
        if current is None:
            chosen[sub.student_id] = item
            continue
        keep_new = {"latest": (sub.created, sub.source) > (current[0].created, current[0].source),
                    "first": (sub.created, sub.source) < (current[0].created, current[0].source),
                    "best": total > current[2]}[resubmission]
        loser = current if keep_new else item
        if keep_new:
            chosen[sub.student_id] = item
        problem(loser[0].source, sub.student_id,
                f"superseded: the same student submitted twice; the {resubmission} counts "
                f"({chosen[sub.student_id][0].source})")

    response_rows = [row for _, rows, _ in chosen.values() for row in rows]
    responses = pd.DataFrame(response_rows, columns=["student_id", "quiz_id", "question_id",
                                                     "answer", "answer_text", "correct",
                                                     "points", "max_points"])
    if roster_frame is not None:
        on_roster = set(roster_frame["student_id"])
        for student in sorted(set(chosen) - on_roster):
            problem(chosen[student][0].source, student, "not in the roster: graded anyway")
    questions = {(q_id, q.id): q for q_id, quiz in keys.items() for q in quiz.questions}
    items = item_analysis(responses, questions=questions)
    gradebook = _gradebook(responses, keys, roster_frame)
    problem_frame = pd.DataFrame(problems, columns=["source", "student_id", "quiz_id",
                                                    "question_id", "reason"])
    if not parsed and found:
        raise CrmlabError(f"nothing could be graded: all {len(found)} submission(s) were "
                          f"rejected (first: {problems[0]['reason']})")
    result = GradeResult(gradebook, responses, items, problem_frame)
    result.files = _write_outputs(result, Path(out), keys, roster_frame, format)
    return result


def _gradebook(responses, keys, roster) -> pd.DataFrame:
    quiz_ids = list(keys)
    if len(responses):
        table = responses.pivot_table(index="student_id", columns="quiz_id", values="points",
                                      aggfunc="sum")
    else:
        table = pd.DataFrame(index=pd.Index([], name="student_id"))
    table = table.reindex(columns=quiz_ids)
    table.columns.name = None
    students = sorted(set(table.index) | (set(roster["student_id"]) if roster is not None
                                          else set()))
    table = table.reindex(students)
    table["total"] = table[quiz_ids].sum(axis=1, min_count=0).fillna(0)
    table.index.name = "student_id"
    return table.reset_index().round(4)


def _export_frame(gradebook, keys, roster, format) -> pd.DataFrame:
    if format == "plain":
        return gradebook
    info = (roster.set_index("student_id") if roster is not None
            else pd.DataFrame(columns=["name", "email", "section"]))
    lookup = info.reindex(gradebook["student_id"]).fillna("")
    possible = {q: sum(x.points for x in quiz.questions) for q, quiz in keys.items()}
    if format == "canvas":
        frame = pd.DataFrame({
            "Student": lookup["name"].to_numpy(), "ID": "",
            "SIS User ID": gradebook["student_id"].to_numpy(),
            "SIS Login ID": lookup["email"].to_numpy(), "Section": lookup["section"].to_numpy()})
        for q in keys:
            frame[f"Quiz {q}"] = gradebook[q].to_numpy()
        points_row = {"Student": "    Points Possible", "ID": "", "SIS User ID": "",
                      "SIS Login ID": "", "Section": "",
                      **{f"Quiz {q}": possible[q] for q in keys}}
        return pd.concat([pd.DataFrame([points_row]), frame], ignore_index=True)
    frame = pd.DataFrame({"ID number": gradebook["student_id"].to_numpy(),
                          "Email address": lookup["email"].to_numpy()})
    for q in keys:
        frame[f"Quiz: {q} (Real)"] = gradebook[q].to_numpy()
    return frame


def _csv(frame: pd.DataFrame) -> str:
    if "answer_text" in frame.columns:  # answers as JSON text, computed once per distinct answer
        frame = frame.drop(columns="answer").rename(columns={"answer_text": "answer"})
    return frame.to_csv(index=False, lineterminator="\n")


def _freeze(value):
    """A hashable token of a raw JSON answer (lists and mappings included)."""
    if isinstance(value, list):
        return ("list",) + tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return ("dict",) + tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def _judge(quiz, question_id, raw):
    """(canonical answer, its JSON text, Score), or the reason the answer cannot be graded."""
    try:
        question = quiz.question(question_id)
        canonical = check_answer(question, raw)
    except QuizError as exc:
        return str(exc)
    shown = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return canonical, shown, score(question, canonical)


def _write_outputs(result: GradeResult, out: Path, keys, roster, format) -> list[Path]:
    from crmlab.course.quiz.report import write_report

    out.mkdir(parents=True, exist_ok=True)
    files = [
        write_text(out / "responses.csv", _csv(result.responses)),
        write_text(out / "item_analysis.csv", _csv(result.item_analysis)),
        write_text(out / "problems.csv", _csv(result.problems)),
    ]
    files += write_report(result, out)
    # The gradebook is written last: its presence means the run finished.
    files.append(write_text(out / "gradebook.csv",
                            _csv(_export_frame(result.gradebook, keys, roster, format))))
    return files

