"""Each student's keys of the graded numbers of one's own, computed at grading.

A question with ``variant: student`` (:mod:`crmlab.quiz.variants`) has one key per student: the
instructor's key function run on the student's own data variant
(:class:`crmlab.datasets.Variant`, whose token is HMAC(instructor secret, "variant:" + id)).
The functions live in the instructor's ``notebooks/instructor/quiz_keys.py``
(:func:`~crmlab.core.paths.quiz_keys_file`), which ``crmlab release`` never copies, and are
registered with :func:`register`; :func:`load_keys` loads that file by path, as the exercise
keys are loaded. A key function takes the variant and the question's inputs as keywords and
returns the number::

    @register("L05", "n-champions")
    def n_champions(variant):
        orders = variant.load("orders")
        ...

:class:`StudentKeys` computes a student's keys of a quiz once and keeps them, per (quiz,
variant), in the grading folder's ``variant_keys.json``: a regrade reads them back instead of
computing them again, unless the key functions or the questions changed (the file records a
checksum of both). The file also names each student's variant digest, so that the feedback
pages show each student their own key without the secret (:func:`student_key`), with a
checksum of the secret they were made with (a changed secret makes them again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from pathlib import Path

from crmlab.core.atomic import write_text
from crmlab.core.exceptions import CrmlabError
from crmlab.core.paths import quiz_keys_file

__all__ = ["KEYS", "register", "load_keys", "keys_source", "StudentKeys", "CACHE",
           "own_questions", "read_cache", "student_key", "student_keys_report"]

#: (quiz id, question id) -> the instructor's function computing a student's key.
KEYS: dict = {}
#: The grading folder's cache of computed keys.
CACHE = "variant_keys.json"
_LOADED: dict = {}
_MODULE = "crmlab_instructor_quiz_keys"


def register(quiz_id: str, question_id: str):
    """Decorator: register the function computing a student's key of one question."""
    def wrap(function):
        KEYS[(quiz_id, question_id)] = function
        return function
    return wrap


def keys_source(path: str | Path | None = None) -> str:
    """The text of the instructor's quiz keys; a one-line CrmlabError when it is not there."""
    from crmlab.core.instructor import read_source

    return read_source(path or quiz_keys_file(), what="the instructor's quiz keys",
                       where_to="grade in the instructor's checkout", error=CrmlabError)


def load_keys(path: str | Path | None = None) -> str:
    """Load the instructor's quiz keys (run once per text; :data:`KEYS` then holds that
    text's functions); return a checksum of the text.

    Examples
    --------
    >>> len(load_keys()), ("L05", "n-champions") in KEYS
    (64, True)
    """
    from crmlab.core.instructor import run_source

    source = keys_source(path)
    fingerprint = hashlib.sha256(source.encode()).hexdigest()
    KEYS.clear()
    if fingerprint not in _LOADED:
        run_source(source, str(path or quiz_keys_file()), what="the quiz keys", error=CrmlabError,
                   module=_MODULE)
        _LOADED[fingerprint] = dict(KEYS)
    KEYS.update(_LOADED[fingerprint])  # the functions of that text, not of the one run last
    return fingerprint


def own_questions(quiz) -> list:
    """The questions of ``quiz`` whose key is each student's own."""
    return [q for q in quiz.questions if q.variant == "student"]


class StudentKeys:
    """The keys of every student's numbers of one's own, computed once per (quiz, variant).

    Parameters
    ----------
    quizzes : mapping of quiz id to Quiz
    secret : bytes
        The instructor secret (:func:`crmlab.exercises.assignment.load_secret`).
    folder : path, optional
        The grading folder: its ``variant_keys.json`` is read first and written by
        :meth:`save`.
    keys_file : path, optional
        The instructor's quiz keys (default :func:`~crmlab.core.paths.quiz_keys_file`).
    """

    def __init__(self, quizzes: dict, *, secret: bytes, folder=None, keys_file=None):
        self.quizzes = {q: quiz for q, quiz in quizzes.items() if own_questions(quiz)}
        self.secret, self.folder = secret, Path(folder) if folder is not None else None
        self.fingerprint = load_keys(keys_file) if self.quizzes else ""
        self.data = _data_fingerprint() if self.quizzes else ""
        for quiz_id, quiz in self.quizzes.items():
            missing = [q.id for q in own_questions(quiz) if (quiz_id, q.id) not in KEYS]
            if missing:
                raise CrmlabError(f"{keys_file or quiz_keys_file()}: no key "
                                  f"function for {quiz_id} question(s) {', '.join(missing)} "
                                  "(variant: student); register one with "
                                  f"@register({quiz_id!r}, {missing[0]!r})")
        self._own_ids = {quiz_id: tuple(q.id for q in own_questions(quiz))
                         for quiz_id, quiz in self.quizzes.items()}
        #: Which secret the students' digests were made with (a checksum, not the secret).
        self.secret_check = hmac.new(secret, b"crmlab-variant-cache", hashlib.sha256) \
            .hexdigest()[:16]
        self.students: dict = {}
        self.inputs: dict = {}
        self._stale = True
        self.cached = self._read()
        self.computed = 0
        self._digests: dict = dict(self.students)  # made with this secret (see _read)

    def _checksums(self) -> dict:
        """Per quiz: the key functions' file, the course data they read and what of its
        questions the keys depend on."""
        return {quiz_id: hashlib.sha256(repr((self.fingerprint, self.data, [
            (q.id, sorted(q.inputs.items())) for q in own_questions(quiz)])).encode())
            .hexdigest()[:16] for quiz_id, quiz in self.quizzes.items()}

    def _read(self) -> dict:
        """The cached keys still valid: ``{quiz: {variant digest: {question: key}}}``."""
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / CACHE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        self._stale = True  # until the file proves to hold exactly the quizzes' valid keys
        checksums = self._checksums()
        quizzes = data.get("quizzes") if isinstance(data, dict) else None
        if not isinstance(quizzes, dict):
            return {}
        students = data.get("students")
        if isinstance(students, dict) and data.get("secret") == self.secret_check:
            self.students = {student: digest for student, digest in students.items()
                             if isinstance(digest, str)}
        valid = {quiz_id: entry for quiz_id, entry in quizzes.items()
                 if isinstance(entry, dict) and entry.get("checksum") == checksums.get(quiz_id)
                 and isinstance(entry.get("keys"), dict)
                 and isinstance(entry.get("inputs", {}), dict)}
        self.inputs = {quiz_id: {digest: found for digest, found in entry.get("inputs", {}).items()
                                 if isinstance(found, dict)}
                       for quiz_id, entry in valid.items()}
        self._stale = set(valid) != set(quizzes) or set(valid) != set(self.quizzes)
        return {quiz_id: dict(entry["keys"]) for quiz_id, entry in valid.items()}

    def digest(self, student_id: str) -> str:
        """The digest of the student's own variant (what their answers record)."""
        found = self._digests.get(student_id)
        if found is None:
            from crmlab.datasets._variant import token_for, variant_digest

            found = self._digests[student_id] = variant_digest(token_for(self.secret,
                                                                         student_id))
        return found

    def known(self, quiz_id: str, student_id: str):
        """The student's keys of ``quiz_id`` if they are known already (``{}`` for a quiz
        without numbers of one's own), else None: nothing is computed."""
        ids = self._own_ids.get(quiz_id)
        if ids is None:
            return {}
        found = self.cached.get(quiz_id, {}).get(self.digest(student_id))
        if not isinstance(found, dict) or any(type(found.get(q)) not in (int, float)
                                              for q in ids):
            # not computed yet, a key function that failed last time (tried again: the
            # failure may have passed) or a cache entry not as written: computed again
            return None
        return found

    def variant(self, student_id: str):
        """The student's own variant."""
        from crmlab.datasets import Variant
        from crmlab.datasets._variant import token_for

        # made anew each time (an HMAC): a variant holds the ids it keeps, and a cohort of
        # 10,000 students' variants would hold gigabytes
        return Variant(token_for(self.secret, student_id))

    def keys(self, quiz_id: str, student_id: str) -> dict:
        """``{question id: key or an error text}`` of the student's numbers of one's own in
        ``quiz_id`` (``{}`` for a quiz without any). A key function that fails on a variant
        gives the error's text instead of a key: that student's answer is not graded, and
        the grading of the others goes on."""
        quiz = self.quizzes.get(quiz_id)
        if quiz is None:
            return {}
        per_quiz = self.cached.setdefault(quiz_id, {})
        found = self.known(quiz_id, student_id)
        if found is None:
            from crmlab.quiz.variants import question_inputs

            variant = self.variant(student_id)
            found = {}
            for question in own_questions(quiz):
                try:
                    inputs = question_inputs(question, variant, quiz_id=quiz_id)
                    if inputs:
                        self.inputs.setdefault(quiz_id, {}).setdefault(
                            variant.digest, {})[question.id] = inputs
                    value = float(KEYS[(quiz_id, question.id)](variant, **inputs))
                    found[question.id] = value if math.isfinite(value) else \
                        f"the key is {value}, not a finite number"
                except Exception as exc:  # the instructor's function: one student's problem
                    found[question.id] = f"{type(exc).__name__}: {exc}"
            per_quiz[variant.digest] = found
            self.computed += 1
        return found

    def save(self):
        """Write the cache into the grading folder (atomically) unless it holds nothing new
        (a regrade with the same keys and students); return its path, or None."""
        if self.folder is None or not self.quizzes:
            return None
        checksums = self._checksums()
        students = {**self.students, **self._digests}
        path = self.folder / CACHE
        if not (self.computed or self._stale or students != self.students) and path.is_file():
            return path
        data = {"quizzes": {quiz_id: {"checksum": checksums[quiz_id],
                                      "keys": self.cached.get(quiz_id, {}),
                                      "inputs": self.inputs.get(quiz_id, {})}
                            for quiz_id in sorted(self.quizzes)},
                "students": students, "secret": self.secret_check}
        return write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def _data_fingerprint() -> str:
    """A checksum of the course's data tables (``datasets/*.csv``, names and bytes): keys
    computed on other data are computed again."""
    from crmlab.core.paths import datasets_dir

    digest = hashlib.sha256()
    for path in sorted(datasets_dir().glob("*.csv")):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def read_cache(folder) -> dict:
    """The grading folder's ``variant_keys.json`` as written (``{}`` when there is none)."""
    try:
        data = json.loads((Path(folder) / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def student_key(cache: dict, quiz_id: str, question_id: str, student_id: str):
    """``(key, inputs)`` of a student's number of one's own from a read cache (:func:`read_cache`):
    the key (None when unknown) and the inputs of a formula question (``{}`` for another)."""
    def part(mapping, *names):  # a corrupt cache (a list where a mapping was) knows nothing
        for name in names:
            mapping = mapping.get(name) if isinstance(mapping, dict) else None
        return mapping

    digest = part(cache, "students", student_id)
    if not isinstance(digest, str):
        return None, {}
    value = part(cache, "quizzes", quiz_id, "keys", digest, question_id)
    inputs = part(cache, "quizzes", quiz_id, "inputs", digest, question_id)
    value = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return value, inputs if isinstance(inputs, dict) else {}


def student_keys_report(quiz, student_id: str, *, secret: bytes, keys_file=None) -> dict:
    """One student's keys of ``quiz``'s numbers of one's own, as ``crmlab quiz keys`` prints
    them: the variant's digest, each key, and each formula question's inputs.

    Examples
    --------
    >>> from crmlab.quiz import load
    >>> report = student_keys_report(load("L05"), "s01", secret=b"course-secret")
    >>> report["variant"], report["keys"]["n-champions"]
    ('77c5e8e59eb9', 134.0)
    """
    from crmlab.quiz.variants import question_inputs

    keys = StudentKeys({quiz.id: quiz}, secret=secret, keys_file=keys_file)
    if not keys.quizzes:
        raise CrmlabError(f"quiz {quiz.id!r} has no number of one's own (variant: student): "
                          "its keys are in its quiz file")
    variant = keys.variant(student_id)
    found = keys.keys(quiz.id, student_id)
    failed = {q: v for q, v in found.items() if isinstance(v, str)}
    if failed:
        question, error = next(iter(failed.items()))
        raise CrmlabError(f"{quiz.id} question {question}: the key function failed on "
                          f"{student_id}'s variant: {error}")
    return {"quiz_id": quiz.id, "student_id": student_id, "variant": variant.digest,
            "keys": found,
            "inputs": {q.id: question_inputs(q, variant, quiz_id=quiz.id)
                       for q in own_questions(quiz) if q.inputs}}
