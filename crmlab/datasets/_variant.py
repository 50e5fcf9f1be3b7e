"""A student's own variant of the course data, for the graded numbers of the quizzes.

A variant is a seeded subset of the course company's tables (not a new company: the lessons'
functions and the lessons' explanations stay meaningful on it). About four customers in five
and four suppliers in five are kept; every table is then filtered consistently: a product
stays with its supplier, an order with its customer and its product, a purchase with its
supplier, a link, an interaction and a survey answer with their customer. The CDNOW tables
are real data and are never subset (questions on them stay shared).

Whose variant: the instructor gives each student a **token**,
``HMAC-SHA256(instructor secret, "variant:" + student id)`` cut to 16 hex digits
(:func:`token_for`), through the hub or a roster of tokens. ``crmlab student set ID --token
TOKEN`` keeps it in the student's settings; :func:`variant` then loads that variant. Without a
token a student works on the **practice variant** (a fixed public seed): the lessons' committed
outputs are computed on it, and answers given on it are flagged at grading. A token only names
a subset; without the secret nobody can compute another student's token, and every saved
answer records the :attr:`Variant.digest` it was computed on (not the token).

Examples
--------
>>> from crmlab.datasets import load
>>> practice = Variant()
>>> practice.label, practice.digest
('practice variant', 'practice')
>>> orders = practice.load("orders")
>>> full = load("orders")
>>> 0.6 < len(orders) / len(full) < 0.8
True
>>> set(orders["customer_id"]) <= set(practice.load("customers")["customer_id"])
True
>>> mine = Variant(token_for(b"course-secret", "s01"))
>>> mine.label, mine.digest
('your own variant (77c5e8e59eb9)', '77c5e8e59eb9')
>>> len(mine.load("orders")) != len(orders)
True
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re

from crmlab.core.exceptions import DataError

__all__ = ["Variant", "variant", "token_for", "variant_digest", "check_token", "PRACTICE",
           "SHARED_TABLES", "KEEP", "steps"]

#: The token of the practice variant (public): what a student without a token works on.
PRACTICE = "practice"
#: Tables every variant shares (real data, not the course company's).
SHARED_TABLES = ("cdnow_master", "cdnow_sample")
#: The share of customers and of suppliers a variant keeps.
KEEP = 0.8
_TOKEN = re.compile(r"[0-9a-f]{16}")


def token_for(secret: bytes, student_id: str) -> str:
    """The variant token of ``student_id``: 16 hex digits of HMAC-SHA256(secret, "variant:" + id).

    Examples
    --------
    >>> token_for(b"course-secret", "s01")
    '73f2c5620efda963'
    """
    return hmac.new(secret, f"variant:{student_id}".encode(), hashlib.sha256).hexdigest()[:16]


def variant_digest(token: str) -> str:
    """What a saved answer records of the variant of ``token``: ``"practice"``, or 12 hex
    digits of SHA-256 (never the token itself).

    Examples
    --------
    >>> variant_digest("0123456789abcdef"), variant_digest("practice")
    ('6b48e261a69d', 'practice')
    """
    return (PRACTICE if token == PRACTICE
            else hashlib.sha256(f"crmlab-variant:{token}".encode()).hexdigest()[:12])


def check_token(token: str) -> str:
    """``token`` (spaces around it dropped, in lower case) if it is a variant token (16 hex
    digits) or ``"practice"``, else DataError.

    Examples
    --------
    >>> check_token("ABC")
    Traceback (most recent call last):
    ...
    crmlab.core.exceptions.DataError: Got token='ABC' instead, expected 16 hex digits (0-9, a-f) as the instructor gave them.
    """
    given = token.strip().lower() if isinstance(token, str) else token  # as copied from a mail
    if given == PRACTICE or (isinstance(given, str) and _TOKEN.fullmatch(given)):
        return given
    raise DataError(f"Got token={token!r} instead, expected 16 hex digits (0-9, a-f) as the "
                    "instructor gave them.")


class Variant:
    """The course data as one student sees it for the graded questions.

    Parameters
    ----------
    token : str, default "practice"
        A student's token (:func:`token_for`) or ``"practice"``.
    """

    def __init__(self, token: str = PRACTICE):
        self.token = check_token(token)
        self.practice = self.token == PRACTICE
        #: What a saved answer records: a checksum of the token, never the token itself.
        self.digest = variant_digest(self.token)
        self._kept: dict | None = None

    @property
    def label(self) -> str:
        """Which variant this is, for the student to read, in the current language (a lesson's
        Try-it cell prints it)."""
        from crmlab.core.i18n import message

        return (message("variant.practice") if self.practice
                else message("variant.own", digest=self.digest))

    def __repr__(self) -> str:
        return f"<Variant: {self.label}>"

    def seed(self, *labels: str) -> int:
        """A seed for a draw of this variant (``labels`` name the draw, e.g. a question)."""
        text = ":".join(("crmlab-variant", self.token, *labels))
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")

    def _ids(self) -> dict:
        """The customer and supplier ids this variant keeps."""
        import numpy as np  # here: `from crmlab import datasets` stays light

        if self._kept is None:
            kept = {}
            for table, column in (("customers", "customer_id"), ("suppliers", "supplier_id")):
                ids = np.sort(_full(table)[column].to_numpy(dtype=str))
                rng = np.random.default_rng(self.seed("keep", table))
                kept[column] = frozenset(ids[rng.random(len(ids)) < KEEP])
            self._kept = kept
        return self._kept

    def load(self, name: str):
        """The table ``name`` of this variant (a new DataFrame, typed as :func:`load` types it).

        Examples
        --------
        >>> Variant().load("cdnow_sample").equals(_full("cdnow_sample"))
        True
        """
        import numpy as np  # here: `from crmlab import datasets` stays light

        frame = _full(name)
        if name in SHARED_TABLES:
            return frame.copy()
        kept = self._ids()
        keep = np.ones(len(frame), dtype=bool)
        for column in ("customer_id", "supplier_id"):
            if column in frame.columns:
                keep &= frame[column].isin(kept[column]).to_numpy()
        if "product_id" in frame.columns and name != "products":
            products = self.load("products")["product_id"]
            keep &= frame["product_id"].isin(products).to_numpy()
        return frame.loc[keep].reset_index(drop=True)

    def sizes(self, *, tables=("customers", "suppliers")):
        """How much of the course data this variant keeps.

        Parameters
        ----------
        tables : sequence of str
            Course tables (:func:`crmlab.datasets.names`); a shared table (CDNOW) is kept whole.

        Returns
        -------
        DataFrame
            A row per table: its rows in the variant (``variant``), in the course data
            (``course data``) and their ``share`` (about :data:`KEEP` for customers and
            suppliers), to three decimals.

        Examples
        --------
        >>> sizes = Variant().sizes()
        >>> sizes.columns.tolist(), sizes.index.tolist()
        (['variant', 'course data', 'share'], ['customers', 'suppliers'])
        >>> bool((sizes["share"] - KEEP).abs().max() < 0.1)
        True
        """
        import pandas as pd

        rows = [(len(self.load(table)), len(_full(table))) for table in tables]
        sizes = pd.DataFrame(rows, index=list(tables), columns=["variant", "course data"])
        sizes["share"] = (sizes["variant"] / sizes["course data"]).round(3)
        return sizes

    def inputs(self, quiz_id: str, question_id: str, spec: dict) -> dict:
        """The student's own inputs of a formula question: each name drawn from its
        ``[low, high, step]`` (a seeded draw of this variant and question).

        Examples
        --------
        >>> Variant().inputs("L03", "payback", {"rate": [0.05, 0.15, 0.01]})
        {'rate': 0.13}
        """
        import numpy as np  # here: `from crmlab import datasets` stays light

        rng = np.random.default_rng(self.seed("inputs", quiz_id, question_id))
        drawn = {}
        for name, (low, high, step) in spec.items():
            count = steps(low, high, step)
            if count is None:
                raise DataError(f"Got inputs.{name}={[low, high, step]!r} instead, expected "
                                "[low, high, step] with high - low a whole number of steps.")
            value = low + step * int(rng.integers(count))
            drawn[name] = round(value, 10) if isinstance(step, float) or isinstance(low, float) \
                else int(value)
        return drawn


def steps(low, high, step) -> int | None:
    """How many values the grid ``low, low + step, ..., high`` holds, or None when it is not
    one (bounds or step not finite, high below low, a step not above 0, or high - low not a
    whole number of steps, to a millionth of a step): the one rule of a formula question's
    ``inputs``, for the quiz check and the draw alike.

    Examples
    --------
    >>> steps(0.05, 0.15, 0.01), steps(1, 2, 0.6), steps(10, float("inf"), 1)
    (11, None, None)
    """
    if not all(math.isfinite(v) for v in (low, high, step)) or step <= 0 or high < low:
        return None
    count = (high - low) / step
    return round(count) + 1 if abs(count - round(count)) < 1e-6 else None


_FULL: dict = {}  # path -> (the file's identity, size and times, the table read)


def _full(name: str):
    """The course table ``name``, read once per process and course folder, again when its file
    changes (a regenerated course); variants are subsets of it."""
    from crmlab.core.paths import datasets_dir
    from crmlab.core.validation import check_choice
    from crmlab.datasets._load import read_table
    from crmlab.datasets._schema import TABLES

    check_choice("name", name, sorted(TABLES), error=DataError)
    path = datasets_dir() / f"{name}.csv"
    try:
        found = path.stat()  # a file rewritten, even within its clock's step, changes ctime
        stamp = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    except OSError:
        stamp = None  # read_table says what is wrong, in one line
    kept = _FULL.get(path)
    if kept is None or kept[0] != stamp or stamp is None:
        kept = _FULL[path] = (stamp, read_table(path, TABLES[name]))
    return kept[1]


def variant(token: str | None = None) -> Variant:
    """The current student's variant: ``token``, else the one kept in the student's settings
    (``crmlab student set ID --token TOKEN``), else the practice variant.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["CRMLAB_HOME"] = tempfile.mkdtemp()
    >>> variant().label
    'practice variant'
    """
    if token is None:
        from crmlab.core import settings

        token = settings.read().get("variant_token") or PRACTICE
        try:
            return Variant(token)
        except DataError:
            from crmlab.core.paths import settings_file

            raise DataError(f"{settings_file()}: variant_token: {token!r} is not a variant "
                            "token; set it again with crmlab student set ID --token TOKEN") \
                from None
    return Variant(token)
