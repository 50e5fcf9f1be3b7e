"""The one submission format: the saved-answers file and the submission bundle.

Every writer and reader of these files goes through this module: the widget's saves
(:mod:`crmlab.quiz.storage`), ``crmlab submit`` (:mod:`crmlab.quiz.submit`), the
simulated cohorts, the grader and the tests.

Answer file (one quiz of one student; ``CRMLAB_HOME/answers/<student_id>/<quiz_id>.json``)::

    {"format_version": 1, "student_id": "s-1042", "quiz_id": "L02",
     "answers": {"q1": {"answer": "b", "answered_at": "2026-11-23T10:00:00+00:00",
                        "attempts": 2, "history": [{"answer": "a", "answered_at": "..."}, ...]},
                 "q2": {"answer": 213, "variant": "77c5e8e59eb9", ...}}}

``variant`` (on an answer to a number of one's own only) is the digest of the data variant
the student had when answering (:mod:`crmlab.quiz.variants`).

Bundle (``crmlab submit``): a zip with ``manifest.json`` and one ``answers/<quiz_id>.json`` per
quiz, each the answer file unchanged::

    {"format_version": 1, "student_id": "s-1042", "crmlab_version": "0.1.0",
     "created": "2026-11-23T10:00:00+00:00",
     "quizzes": [{"quiz_id": "L02", "path": "answers/L02.json", "sha256": "...",
                  "n_answers": 8, "last_answered": "2026-11-23T09:58:00+00:00"}]}

A reader accepts only the format versions it knows (:data:`FORMAT_VERSION`): a file of an
unknown or future version is refused with a reason, never read by guess. The bundle claims no
score; the grader recomputes every one from the raw answers.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from crmlab import __version__
from crmlab.core import safe_files
from crmlab.core.exceptions import SubmissionError

__all__ = ["FORMAT_VERSION", "MAX_BYTES", "MAX_DEPTH", "Submission", "SubmissionProblem",
           "new_answers", "add_answer", "answers_bytes", "parse_answers", "answers_file",
           "bundle_members", "zip_members", "bundle_bytes", "discover", "read_submission",
           "check_version"]


class SubmissionProblem(SubmissionError):
    """A :class:`~crmlab.core.exceptions.SubmissionError` that carries a code of
    :data:`crmlab.grading.results.SUBMISSION_PROBLEMS` (``code``) and its parameters
    (``params``): the message is the catalog's sentence ``result.<code>`` in English, and
    :meth:`text` gives it in the reader's language (a student sees it in theirs).

    Examples
    --------
    >>> problem = SubmissionProblem("checksum_mismatch", path="answers/L00.json")
    >>> str(problem), problem.text("az")
    ('checksum mismatch for answers/L00.json', 'answers/L00.json üçün nəzarət cəmi uyğun gəlmir')
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, dict(params)
        super().__init__(self.text())

    def text(self, lang: str = "en") -> str:
        """The problem's sentence in ``lang`` (English where crmlab does not ship it)."""
        from crmlab.core.i18n import message, reader_language

        return message(f"result.{self.code}", reader_language(lang), **self.params)

#: The format version this crmlab writes and the only one it reads.
FORMAT_VERSION = 1
#: Largest submission file accepted (a zip, or one member once uncompressed).
MAX_BYTES = 2_000_000
#: Deepest nesting of lists and mappings a raw answer may have (a matching answer has 1): a
#: deeper one is refused before anything walks it, since every walk would recurse.
MAX_DEPTH = 8
MANIFEST = "manifest.json"


# ------------------------------------------------------------------------------ answer files
def new_answers(student_id: str, quiz_id: str) -> dict:
    """An answer file without answers yet."""
    return {"format_version": FORMAT_VERSION, "student_id": student_id, "quiz_id": quiz_id,
            "answers": {}}


def add_answer(data: dict, question_id: str, answer, *, at: str, variant: str | None = None) \
        -> dict:
    """Return a copy of answer file ``data`` with ``answer`` given at ``at`` (history kept);
    ``variant`` is the digest of the data variant a number of one's own was computed on
    (:mod:`crmlab.quiz.variants`).

    Examples
    --------
    >>> data = add_answer(new_answers("s1", "L00"), "q1", "a", at="2026-11-23T10:00:00+00:00")
    >>> data = add_answer(data, "q1", "b", at="2026-11-23T10:01:00+00:00")
    >>> entry = data["answers"]["q1"]
    >>> entry["answer"], entry["attempts"], [h["answer"] for h in entry["history"]]
    ('b', 2, ['a', 'b'])
    """
    entry = data["answers"].get(question_id, {"history": []})
    history = list(entry.get("history", [])) + [{"answer": answer, "answered_at": at}]
    answers = dict(data["answers"])
    answers[question_id] = {"answer": answer, "answered_at": at, "attempts": len(history),
                            "history": history}
    if variant is not None:
        answers[question_id]["variant"] = variant
    return {**data, "answers": answers}


def answers_file(student_id: str, quiz_id: str, answers: dict, *, at: str,
                 variants: dict | None = None) -> dict:
    """An answer file holding ``{question_id: answer}``, each given once at ``at`` (with the
    variant digest ``variants`` names for a question, if any)."""
    data = new_answers(student_id, quiz_id)
    variants = variants or {}
    for question_id, answer in answers.items():
        data = add_answer(data, question_id, answer, at=at, variant=variants.get(question_id))
    return data


def answers_bytes(data: dict) -> bytes:
    """The bytes of an answer file as written to disk (indented, sorted keys, UTF-8)."""
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def check_version(data, what: str) -> None:
    """Raise SubmissionError unless ``data`` declares the format version this crmlab reads."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION or isinstance(version, bool):
        where = {"what": what, "version": __version__, "expected": FORMAT_VERSION}
        if version is None:
            raise SubmissionProblem("no_format_version", **where)
        raise SubmissionProblem("other_format_version", found=repr(version), **where)


def _json(raw: bytes, what: str):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SubmissionProblem("not_json", what=what) from None
    except RecursionError:  # nested past what the parser itself can follow
        raise SubmissionProblem("nested_too_deep", what=what, depth=MAX_DEPTH) from None


def _depth(value, limit: int) -> int:
    """How deep ``value`` nests lists and mappings, counted up to ``limit + 1`` (the recursion
    stops there, so it is never deeper than ``limit + 1`` calls).

    Examples
    --------
    >>> _depth("a", 8), _depth({"p1": "x"}, 8), _depth([[[[1]]]], 2)
    (0, 1, 3)
    """
    if not isinstance(value, (list, dict)):
        return 0
    deepest = 0
    if limit > 0:
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (list, dict)):  # a flat answer (the commonest) ends here
                deepest = max(deepest, _depth(item, limit - 1))
                if deepest >= limit:
                    break
    return deepest + 1


def parse_answers(raw: bytes, what: str, *, student_id: str | None = None) -> dict:
    """Read an answer file: valid JSON, a known format version, an ``answers`` mapping and,
    when ``student_id`` is given, that student's. Raise SubmissionError naming ``what``.

    Examples
    --------
    >>> parse_answers(answers_bytes(new_answers("s1", "L00")), "L00.json")["quiz_id"]
    'L00'
    >>> parse_answers(b'{"format_version": 2, "answers": {}}', "L00.json")
    Traceback (most recent call last):
    ...
    crmlab.quiz.submission.SubmissionProblem: L00.json has format_version 2; this crmlab ... reads format 1 only (update crmlab, or ask for a new submission)
    """
    data = _json(raw, what)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise SubmissionProblem("no_answers_mapping", what=what)
    check_version(data, what)
    if student_id is not None and data.get("student_id", student_id) != student_id:
        raise SubmissionProblem("answers_of_another", what=what,
                              owner=repr(data.get("student_id")), student=repr(student_id))
    return data


def _raw_answers(data: dict, what: str) -> tuple[dict, dict]:
    """``({question_id: raw answer}, {question_id: variant digest})``; an answer nested past
    :data:`MAX_DEPTH` refuses the file. A variant that is not a short plain text is left out
    (the grader then says the answer's variant is unknown)."""
    answers, variants = {}, {}
    for qid, item in data["answers"].items():
        if not isinstance(item, dict):
            answers[qid] = None
            continue
        answer = answers[qid] = item.get("answer")
        if type(answer) is list and all(type(part) is str for part in answer):
            pass  # a list of options, the commonest nested answer: one level deep
        elif isinstance(answer, (list, dict)) and _depth(answer, MAX_DEPTH) > MAX_DEPTH:
            raise SubmissionProblem("nested_too_deep", what=what, depth=MAX_DEPTH)
        variant = item.get("variant")
        if variant is not None and type(variant) is str and len(variant) <= 32 \
                and variant.isalnum():
            variants[qid] = variant
    return answers, variants


# ------------------------------------------------------------------------------ bundles
def bundle_members(student_id: str, answer_files, *, created: str) -> tuple[dict, dict]:
    """The manifest and the members ``{name: bytes}`` of a bundle.

    ``answer_files`` is a list of ``(quiz_id, raw answer-file bytes)``; the manifest records a
    SHA-256 checksum of each.
    """
    entries, members = [], {}
    for quiz_id, raw in answer_files:
        answers = json.loads(raw).get("answers", {})
        name = f"answers/{quiz_id}.json"
        members[name] = raw
        entries.append({
            "quiz_id": quiz_id, "path": name, "sha256": hashlib.sha256(raw).hexdigest(),
            "n_answers": len(answers),
            "last_answered": max((a.get("answered_at", "") for a in answers.values()),
                                 default=""),
        })
    manifest = {"format_version": FORMAT_VERSION, "student_id": student_id,
                "crmlab_version": __version__, "created": created, "quizzes": entries}
    return manifest, members


def zip_members(manifest: dict, members: dict) -> bytes:
    """The bytes of a bundle zip from its manifest and members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, raw in members.items():
            bundle.writestr(name, raw)
        bundle.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return buffer.getvalue()


def bundle_bytes(student_id: str, answer_files, *, created: str) -> bytes:
    """The bytes of a submission zip: ``answer_files`` is a list of (quiz_id, raw JSON bytes)."""
    return zip_members(*bundle_members(student_id, answer_files, created=created))


# ------------------------------------------------------------------------------ reading
@dataclass
class Submission:
    """One student's submission as read: the raw answers of each quiz, nothing judged yet."""

    source: str
    student_id: str
    created: str
    quizzes: dict  # quiz_id -> {question_id: raw answer}
    variants: dict = field(default_factory=dict)  # quiz_id -> {question_id: variant digest}
    sha256: str = ""  # of a zip's bytes as read (a folder's files are checksummed elsewhere)
    mtime: float | None = None  # a zip's modification time as read (the file opened, no link)


def _version_ok(version) -> bool:
    return isinstance(version, str) and version.split(".")[:2] == __version__.split(".")[:2]


def _student(value) -> str:
    from crmlab.core.ids import is_id

    if not is_id(value):
        raise SubmissionProblem("bad_student_id", value=repr(value))
    return value


def _from_manifest(source: str, read) -> Submission:
    raw_manifest = read(MANIFEST)
    if raw_manifest is None:
        raise SubmissionProblem("no_manifest")
    manifest = _json(raw_manifest, MANIFEST)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("quizzes"), list):
        raise SubmissionProblem("manifest_without_quizzes")
    student_id = _student(manifest.get("student_id"))
    check_version(manifest, MANIFEST)
    if not _version_ok(manifest.get("crmlab_version")):
        raise SubmissionProblem("other_crmlab", made=repr(manifest.get("crmlab_version")),
                              version=__version__)
    quizzes, variants, paths = {}, {}, set()
    for entry in manifest["quizzes"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise SubmissionProblem("manifest_entry_without_path")
        if entry["path"] in paths:  # checked before reading: 10,000 entries of one member
            raise SubmissionProblem("listed_twice", name=_shown(entry["path"]))
        paths.add(entry["path"])
        raw = read(entry["path"])
        if raw is None:
            raise SubmissionProblem("member_missing", path=entry["path"])
        if hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
            raise SubmissionProblem("checksum_mismatch", path=entry["path"])
        data = parse_answers(raw, entry["path"], student_id=student_id)
        _add_quiz(quizzes, str(entry.get("quiz_id") or data.get("quiz_id")),
                  _raw_answers(data, entry["path"]), variants)
    return Submission(source, student_id, _created(manifest.get("created")), quizzes, variants)


def _shown(value) -> str:
    """A name from a submission as a problem repeats it: its repr, cut to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "..."


def _add_quiz(quizzes: dict, quiz_id: str, parsed: tuple[dict, dict],
              variants: dict) -> None:
    """Add one quiz's answers (and their variants); a quiz given twice refuses the submission
    (which would count?)."""
    if quiz_id in quizzes:
        raise SubmissionProblem("listed_twice", name=f"quiz {_shown(quiz_id)}")
    quizzes[quiz_id] = parsed[0]
    if parsed[1]:
        variants[quiz_id] = parsed[1]


def _created(value) -> str:
    """The bundle's own ``created`` as text, for the submissions table only (nothing is ordered
    by it: it comes from the student's computer); anything but a short text is blank."""
    return value if isinstance(value, str) and len(value) <= 40 and value.isprintable() else ""


def _read_file(path: str | Path, *, name: str, max_bytes: int, dir_fd: int | None = None) \
        -> bytes:
    """The bytes of the regular file ``path`` (``name`` in a problem; relative to the open
    folder ``dir_fd`` if given), at most ``max_bytes``: a link, a FIFO, a device or a larger
    file raises :class:`SubmissionProblem` (read by :func:`crmlab.core.safe_files.read_regular`;
    an OS error is raised as it is).

    Examples
    --------
    >>> _read_file("/dev/zero", name="L00.json", max_bytes=10)
    Traceback (most recent call last):
    ...
    crmlab.quiz.submission.SubmissionProblem: L00.json is a link or a special file (not read)
    """
    try:
        return safe_files.read_regular(path, max_bytes=max_bytes, dir_fd=dir_fd)
    except safe_files.FileRefused as refused:
        raise _problem(refused, name, "file_over_cap", name=name, cap=max_bytes) from None


def _problem(refused: safe_files.FileRefused, shown: str, code: str, **params) -> Exception:
    """What a file refused is here: ``not_regular_file`` (of the file ``shown``), the problem
    ``code`` with ``params`` when too large, or the OS error itself (read_submission says it;
    a bundle's folder misses a member)."""
    if refused.kind == safe_files.OS_ERROR:
        return refused.error
    if refused.kind == safe_files.NOT_REGULAR:
        return SubmissionProblem("not_regular_file", name=shown)
    return SubmissionProblem(code, **params)


def _read_zip(path: Path, max_bytes: int) -> Submission:
    # Read once: the checksum is of the very bytes graded, and the zip is parsed in memory.
    try:
        data, info = safe_files.read_regular_stat(path, max_bytes=max_bytes)
    except safe_files.FileRefused as refused:
        raise _problem(refused, path.name, "bundle_too_large", cap=max_bytes) from None
    submission = _read_zip_file(path, io.BytesIO(data), max_bytes)
    submission.sha256 = hashlib.sha256(data).hexdigest()
    submission.mtime = info.st_mtime
    return submission


def _read_zip_file(path: Path, handle, max_bytes: int) -> Submission:
    try:
        with zipfile.ZipFile(handle) as bundle:
            members = {info.filename: info for info in bundle.infolist()}
            if MANIFEST not in members:
                raise SubmissionProblem("no_manifest")
            if any(info.file_size > max_bytes for info in members.values()):
                raise SubmissionProblem("member_too_large", cap=max_bytes)
            return _from_manifest(str(path), lambda name: bundle.read(name)
                                  if name in members else None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        raise SubmissionProblem("not_zip") from None


def _read_folder_bundle(folder: Path, max_bytes: int) -> Submission:
    top = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return _from_manifest(str(folder), lambda name: _read_member(top, name, max_bytes))
    finally:
        os.close(top)


def _read_member(top: int, name: str, max_bytes: int) -> bytes | None:
    """The member ``name`` of the unzipped bundle open as ``top`` (None if it has none),
    walked one folder at a time with ``O_NOFOLLOW``: no folder on the way may be a link, not
    even one swapped in while the bundle is read."""
    parts = name.split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return None  # only plain names inside the folder
    fd = top
    try:
        for part in parts[:-1]:
            try:
                below = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                return None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link or a file on the way
                    raise SubmissionProblem("not_regular_file", name=name) from None
                raise
            if fd != top:
                os.close(fd)
            fd = below
        return _read_file(parts[-1], name=name, max_bytes=max_bytes, dir_fd=fd)
    except FileNotFoundError:
        return None
    finally:
        if fd != top:
            os.close(fd)


def _read_answer_folder(folder: Path, max_bytes: int) -> Submission:
    student_id = _student(folder.name)
    quizzes, variants, created = {}, {}, ""
    for path in sorted(folder.glob("*.json")):
        data = parse_answers(_read_file(path, name=path.name, max_bytes=max_bytes), path.name,
                             student_id=student_id)
        _add_quiz(quizzes, str(data.get("quiz_id") or path.stem), _raw_answers(data, path.name),
                  variants)
        created = max([created] + [_created(i.get("answered_at"))
                                   for i in data["answers"].values() if isinstance(i, dict)])
    return Submission(str(folder), student_id, created, quizzes, variants)


_READERS = {"zip": _read_zip, "bundle": _read_folder_bundle, "answers": _read_answer_folder}


def discover(root: str | Path) -> list[tuple[str, Path]]:
    """Every submission under ``root``: ('zip'|'bundle'|'answers', path), sorted by path.

    A zip made by ``crmlab submit``; a folder holding a ``manifest.json`` (an unzipped
    bundle); an answer folder ``<student_id>/<quiz_id>.json`` (a copy of a student's
    ``CRMLAB_HOME/answers/<student_id>``).
    """
    root = Path(root)
    if root.is_file():
        return [("zip", root)]
    found, bundles = [], []
    for folder, _, files in os.walk(root):  # one walk: 10,000 zips in a folder are common
        if MANIFEST in files:
            found.append(("bundle", Path(folder)))
            bundles.append(folder + os.sep)
        elif any(name.endswith(".json") for name in files) and not any(
                folder.startswith(bundle) for bundle in bundles):
            found.append(("answers", Path(folder)))  # the answers of a bundle are not a folder
        found += [("zip", Path(folder, name)) for name in files if name.endswith(".zip")]
    return sorted(found, key=lambda item: str(item[1]))


def read_submission(kind: str, path: str | Path, *, max_bytes: int = MAX_BYTES) -> Submission:
    """Read one submission found by :func:`discover`; raise SubmissionError with the reason."""
    path = path if isinstance(path, Path) else Path(path)
    try:
        return _READERS[kind](path, max_bytes)
    except OSError as exc:
        raise SubmissionProblem("cannot_read", error=str(exc.strerror or exc)) from None
