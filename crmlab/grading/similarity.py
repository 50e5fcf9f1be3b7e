"""Copying flagged, never punished: pairs of students whose work is unusually alike.

``crmlab grade`` writes ``similarity.csv`` for the free-text answers (:func:`text_similarity`)
and ``crmlab exercises grade`` for the code the students wrote in their exercise notebooks
(:func:`code_similarity`); the columns are :data:`crmlab.grading.files.SIMILARITY_COLUMNS`.
A row is a question for the instructor to look at, never a verdict: nothing here changes a
grade.

Two measures of two shingle sets: for text, runs of :data:`TEXT_SHINGLE` consecutive words,
case and punctuation ignored; for code, runs of :data:`CODE_SHINGLE` consecutive tokens of the
code normalised by :func:`code_tokens` (comments, blank lines, indentation and line breaks
dropped, every name a student chooses replaced by one placeholder). The Jaccard
*resemblance* (``score``: the shared shingles over all the shingles of either) says the two
are alike; the *containment* (the shared shingles over the smaller side's) says one is
(almost) inside the other. A pair is flagged when its resemblance reaches the threshold
(``measure`` :data:`RESEMBLANCE`), or when its containment reaches
:data:`CONTAINMENT_THRESHOLD` and the two share at least :data:`TEXT_MIN_SHARED` word
shingles (:data:`CODE_MIN_SHARED` token shingles) (``measure`` :data:`CONTAINMENT`): the
resemblance divides by the union, so a copy followed by as much again of one's own words or
cells falls under its threshold, while the copied part stays inside; the least shared keeps
a short honest answer, a few of whose word pairs are bound to be in a long one, from counting
as inside it. A few changed words, a reordered sentence, renamed variables or changed
comments and spacing change only the shingles they touch, so a copy edited by hand keeps
most of them; two answers written independently share almost none. What everyone was given
is never counted: the shingles of a question's prompt (in every language) and of the
exercise's starter code are removed first, and answers with fewer than :data:`MIN_WORDS`
words of their own (code with fewer than :data:`MIN_TOKENS` tokens of its own), counted
without the words or tokens in a run of the prompt or the starter code, are left out: an
answer that restates the question and adds three words has three words to compare, where
phrasing alike by chance is common.

Only pairs that share at least one shingle are compared: the shingle sets form a sparse
document-by-shingle matrix whose product with its transpose (an inverted index, computed in
C) gives the shared shingles of exactly those pairs, and the sizes of the two sides give
both measures. 300 students answering one question take a few hundredths of a second, two to
three times the cost of splitting their answers into shingles
(``benchmarks/bench_similarity.py``).

The thresholds were chosen by measurement (``tests/test_similarity.py`` keeps the cases with
their values, and fails if a change to the measure moves one across). Text, the course's open
question L02_open/contact-points: six answers written independently resembled each other at
most 0.03, and eight short honest answers (13 to 20 words of their own, in the lesson's
phrases) at most 0.15; a copy with five words changed and two sentences swapped scored 0.62
and one with a few words changed and a clause added 0.80. :data:`TEXT_THRESHOLD` (0.4) sits
between. Padded with a paragraph of one's own as long again, the first copy falls to 0.32
(the verbatim copy to 0.47, to 0.31 with twice as much), while 0.75 to 1.0 of the copied
answer is still inside the padded one; among the honest answers the most of one inside
another is 0.47 (a short answer saying in 20 words much of what a long one says, 9 shared
word pairs), the most shared 9. Code, EX-abc-profit: five honest solutions resembled each
other at most 0.25 (0.35 against a copy of another), and four honest partial solutions in
the same idioms at most 0.37; a copy with every name renamed and new comments and spacing
scored 1.0 and one renamed with a line rewritten 0.65. :data:`CODE_THRESHOLD` (0.5) sits
between. Padded with cells of one's own as long again or twice as long, the copies fall to
0.19 to 0.38 while 0.71 to 1.0 of them is still inside; the honest solutions are at most 0.40
inside each other, and a partial solution written in another's idiom 0.67 inside it but with
29 shared runs, where a copied solution shares 40 or more (with the class's common runs
removed). :data:`CONTAINMENT_THRESHOLD` (0.6), :data:`TEXT_MIN_SHARED` (12) and
:data:`CODE_MIN_SHARED` (35) sit between. (Word bigrams separate better here than trigrams,
0.48 for the first copy, or character 5-grams, 0.12 for honest answers.)

What it does not catch: a paraphrase in other words, a translation, a source copied by one
student only or by most of the class (a shingle more than :data:`COMMON` of the class shares
counts for nothing), ideas shared without the wording, a copied passage shorter than the
least shared (about a dozen words, or two or three lines of code) padded beyond the
resemblance threshold, or a copy cut down and mixed with so much of one's own that neither
measure reaches its threshold. And short exercises whose solution is a few library calls
give honest pairs that are truly alike: a row is a reason to look, not a finding.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from collections.abc import Mapping

from crmlab.core.validation import check_rate, check_whole
from crmlab.grading.files import SIMILARITY_COLUMNS

__all__ = ["TEXT_THRESHOLD", "CODE_THRESHOLD", "CONTAINMENT_THRESHOLD", "TEXT_MIN_SHARED",
           "CODE_MIN_SHARED", "MIN_WORDS", "MIN_TOKENS", "TEXT_SHINGLE", "CODE_SHINGLE",
           "COMMON", "COMMON_FROM", "START_WORDS", "NAME", "RESEMBLANCE", "CONTAINMENT", "words",
           "text_shingles", "code_tokens", "code_shingles", "similar_pairs", "text_similarity",
           "own_code", "code_similarity"]

#: Free-text answers at least this alike are flagged (Jaccard of word shingles).
TEXT_THRESHOLD = 0.4
#: Exercise code at least this alike is flagged (Jaccard of token shingles).
CODE_THRESHOLD = 0.5
#: Work at least this much inside another student's is flagged too (the shared shingles over
#: the smaller side's), text and code alike...
CONTAINMENT_THRESHOLD = 0.6
#: ...when they share at least this many word shingles (text)...
TEXT_MIN_SHARED = 12
#: ...or token shingles (code).
CODE_MIN_SHARED = 35
#: Answers with fewer words of their own (words not in a run of the prompt's) are not compared.
MIN_WORDS = 8
#: Code with fewer normalised tokens of its own (not in a run of the starter code's) is not
#: compared.
MIN_TOKENS = 12
#: Words per text shingle.
TEXT_SHINGLE = 2
#: Tokens per code shingle.
CODE_SHINGLE = 5
#: A shingle in more than this share of the answers to a question (or of the class's code) is
#: common ground, not a sign of copying...
COMMON = 0.5
#: ...when there are at least this many answers to tell.
COMMON_FROM = 10
#: Words (text) or tokens (code) shown of each side of a pair.
START_WORDS = 12
#: The ``measure`` of a pair flagged by its Jaccard resemblance...
RESEMBLANCE = "resemblance"
#: ...and of one flagged because one side is (almost) inside the other.
CONTAINMENT = "containment"

_WORD = re.compile(r"\w+")
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)  # IPython magics and shell lines: not Python
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING}
_LITERALS = {tokenize.STRING, tokenize.NUMBER}
_KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
#: The placeholder of every name a student chooses.
NAME = "_"


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, punctuation dropped.

    Examples
    --------
    >>> words("Price, quality -- and DELIVERY time!")
    ['price', 'quality', 'and', 'delivery', 'time']
    """
    return _WORD.findall(str(text).casefold())


_JOIN = "\x1f"  # a shingle is one string (hashed faster than a tuple); no token holds this


def _runs(items: list, size: int) -> list[str]:
    if len(items) <= size:
        return [_JOIN.join(items)] if items else []
    return list(map(_JOIN.join, zip(*(items[i:] for i in range(size)))))


def _grams(items: list, size: int) -> frozenset:
    return frozenset(_runs(items, size))


def _own_count(items: list, size: int, base: frozenset) -> int:
    """How many of ``items`` lie in no run of ``size`` that is in ``base`` (what everyone was
    given): the words or tokens a student wrote themselves."""
    if not base:
        return len(items)
    runs = _runs(items, size)
    if len(items) <= size:
        return 0 if runs and runs[0] in base else len(items)
    given = [False] * len(items)
    for start, run in enumerate(runs):
        if run in base:
            given[start:start + size] = [True] * size
    return given.count(False)


def text_shingles(text: str, *, size: int = TEXT_SHINGLE) -> frozenset:
    """The set of runs of ``size`` consecutive words of ``text`` (a shorter text: one run),
    each run one string, its words joined by ``"\\x1f"``.

    Examples
    --------
    >>> [s.split("\x1f") for s in sorted(text_shingles("Orders, then invoices, then payment."))]
    [['invoices', 'then'], ['orders', 'then'], ['then', 'invoices'], ['then', 'payment']]
    >>> text_shingles("x", size=0)
    Traceback (most recent call last):
    ...
    ValueError: Got size=0 instead, expected a whole number >= 1.
    """
    return _grams(words(text), check_whole("size", size, minimum=1))


def _literal(text: str) -> str:
    try:
        return repr(ast.literal_eval(text))  # 'a' and "a", 1_000 and 1000 read alike
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def code_tokens(source: str) -> list[str]:
    """The tokens of Python ``source``, normalised: comments, blank lines, indentation, line
    breaks and IPython magics dropped; every name a student chooses is :data:`NAME`, while
    keywords, built-ins and attributes (``.groupby``) stay, and so do literals, written
    alike (``'a'`` and ``"a"``).

    Literals stay because they carry the solution's substance (a column, a cut-off) and
    differ between honest solutions more often than the names given by the exercise. Source
    that does not tokenize (a syntax error) falls back to words and single symbols.

    Examples
    --------
    >>> code_tokens("total = df['spend'].sum()  # the spend")
    ['_', '=', '_', '[', "'spend'", ']', '.', 'sum', '(', ')']
    >>> code_tokens("s = df[\\"spend\\"].sum()") == code_tokens("total = df['spend'].sum()")
    True
    >>> code_tokens("if x:\\n  print(len(x)")
    ['if', '_', ':', 'print', '(', 'len', '(', '_', ')']
    """
    source = _MAGIC.sub("", str(source))
    found: list[str] = []
    previous = ""
    try:
        for kind, text, *_ in tokenize.generate_tokens(io.StringIO(source).readline):
            if kind in _SKIPPED:
                continue
            original = text
            if kind == tokenize.NAME:
                text = text if previous == "." or text in _KEPT_NAMES else NAME
            elif kind in _LITERALS:
                text = _literal(text)
            found.append(text)
            previous = original
    except (tokenize.TokenError, SyntaxError):
        plain = re.sub(r"#[^\n]*", "", source)
        return [w if not w.isidentifier() or w in _KEPT_NAMES else NAME
                for w in re.findall(r"\w+|[^\w\s]", plain)]
    return found


def code_shingles(source: str, *, size: int = CODE_SHINGLE) -> frozenset:
    """The set of runs of ``size`` consecutive :func:`code_tokens` of ``source``.

    Examples
    --------
    >>> code_shingles("a = b + 1", size=5) == code_shingles("x=y+1  # renamed", size=5)
    True
    """
    return _grams(code_tokens(source), check_whole("size", size, minimum=1))


def similar_pairs(documents: Mapping, *, threshold: float,
                  containment_threshold: float | None = None, min_shared: int = 1,
                  base=frozenset(), common: float = COMMON) -> list[tuple]:
    """``[(a, b, measure, score, containment), ...]``: the pairs of ``documents`` (``{name:
    set of shingles}``) whose Jaccard resemblance ``score`` (the shared shingles over all) is
    at least ``threshold`` (``measure`` :data:`RESEMBLANCE`) or, with a
    ``containment_threshold``, whose ``containment`` (the shared shingles over the smaller
    side's: how much of one is inside the other) is at least that, sharing at least
    ``min_shared`` shingles (``measure`` :data:`CONTAINMENT`); the most contained first,
    then the most alike (``a < b``).

    Shingles in ``base`` (what everyone was given) are removed first, and so are, among
    :data:`COMMON_FROM` documents or more, those in more than a ``common`` share of them (the
    phrasing or code most of the class arrived at: alike without copying); a document left
    empty is not compared. Only pairs sharing a shingle are compared (a sparse product: an
    inverted index), so the cost follows the shared shingles, not the square of the class.

    Examples
    --------
    >>> docs = {"s1": {1, 2, 3, 4}, "s2": {1, 2, 3, 5}, "s3": {6, 7}, "s4": {1, 8, 9}}
    >>> similar_pairs(docs, threshold=0.5)
    [('s1', 's2', 'resemblance', 0.6, 0.75)]
    >>> similar_pairs(docs, threshold=0.5, base={1, 2, 3})
    []
    >>> padded = {"s1": {1, 2, 3}, "s2": {1, 2, 3, 4, 5, 6, 7}}  # s1 inside s2
    >>> similar_pairs(padded, threshold=0.5)
    []
    >>> similar_pairs(padded, threshold=0.5, containment_threshold=0.9, min_shared=3)
    [('s1', 's2', 'containment', 0.429, 1.0)]
    >>> many = {f"s{i}": {0, i} for i in range(10)} | {"x": {0, 1}}
    >>> similar_pairs(many, threshold=0.5)  # 0 is everyone's: only s1 and x share more
    [('s1', 'x', 'resemblance', 1.0, 1.0)]
    >>> similar_pairs(docs, threshold=0)
    Traceback (most recent call last):
    ...
    ValueError: Got threshold=0 instead, expected a rate in (0, 1].
    """
    import numpy as np
    from scipy import sparse

    threshold = check_rate("threshold", threshold, low_open=True)
    if containment_threshold is not None:
        containment_threshold = check_rate("containment_threshold", containment_threshold,
                                           low_open=True)
    min_shared = check_whole("min_shared", min_shared, minimum=1)
    common = check_rate("common", common, low_open=True)
    base = frozenset(base)
    names, hashes, bounds = [], [], [0]
    for name in sorted(documents):
        own = set(documents[name]).difference(base)
        if own:
            names.append(name)
            # A shingle's column is found by its hash (in C, where a dict of the shingles
            # would cost more than the comparison); two shingles sharing a 64-bit hash are
            # vanishingly rare and would only nudge a score.
            hashes.append(np.fromiter(map(hash, own), dtype=np.int64, count=len(own)))
            bounds.append(bounds[-1] + len(own))
    if len(names) < 2:
        return []
    columns, indices = np.unique(np.concatenate(hashes), return_inverse=True)
    matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.int32), indices, bounds),
                               shape=(len(names), len(columns)))
    matrix.sum_duplicates()  # a hash shared within one document: counted once
    matrix.data[:] = 1
    if len(names) >= COMMON_FROM:
        spread = np.asarray(matrix.sum(axis=0)).ravel()
        matrix = matrix[:, np.flatnonzero(spread <= common * len(names))].tocsr()
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    sizes = np.diff(matrix.indptr)
    left, right, both = sizes[shared.row], sizes[shared.col], shared.data
    scores = both / (left + right - both)
    contained = both / np.minimum(left, right)
    alike = scores >= threshold - 1e-12
    keep = alike.copy()
    if containment_threshold is not None:
        keep |= (contained >= containment_threshold - 1e-12) & (both >= min_shared)
    found = [(names[a], names[b], RESEMBLANCE if by_score else CONTAINMENT,
              round(float(s), 3), round(float(c), 3))
             for a, b, by_score, s, c in zip(shared.row[keep], shared.col[keep], alike[keep],
                                             scores[keep], contained[keep])]
    return sorted(found, key=lambda pair: (-pair[4], -pair[3], pair[0], pair[1]))


def _start(items: list, count: int = START_WORDS) -> str:
    return " ".join(items[:count]) + (" …" if len(items) > count else "")


def _texts(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [str(v) for v in value.values()]
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _frame(rows: list):
    import pandas as pd  # here: the command line reads this module's defaults, fast

    return pd.DataFrame(rows, columns=SIMILARITY_COLUMNS)


def text_similarity(answers, *, threshold: float = TEXT_THRESHOLD,
                    containment_threshold: float = CONTAINMENT_THRESHOLD,
                    min_shared: int = TEXT_MIN_SHARED, min_words: int = MIN_WORDS,
                    prompts: Mapping | None = None):
    """The pairs of students whose free-text answers to the same question are at least
    ``threshold`` alike, or one at least ``containment_threshold`` inside the other
    (:data:`~crmlab.grading.files.SIMILARITY_COLUMNS`; ``assessment`` is the quiz, ``item``
    the question), the most contained first.

    Parameters
    ----------
    answers : iterable of (student_id, quiz_id, question_id, text)
        The answers; ``answers`` is not changed.
    threshold : float in (0, 1], default :data:`TEXT_THRESHOLD`
        The least Jaccard resemblance of word shingles flagged.
    containment_threshold : float in (0, 1], default :data:`CONTAINMENT_THRESHOLD`
        The least share of the shorter answer's word shingles found in the other flagged
        (a copy padded with words of one's own)...
    min_shared : int, default :data:`TEXT_MIN_SHARED`
        ...when the two share at least this many.
    min_words : int, default :data:`MIN_WORDS`
        Answers with fewer words of their own (not in a run of the prompt's words) are not
        compared.
    prompts : mapping, optional
        ``{(quiz_id, question_id): prompt}``, the prompt a text or ``{language: text}``: its
        shingles never count, and neither do its words towards ``min_words``.

    Examples
    --------
    >>> answers = [("s1", "L02_open", "q", "We meet suppliers at the contract, at delivery "
    ...            "and when the invoice is paid."),
    ...           ("s2", "L02_open", "q", "Purchasing talks with the supplier's sales team "
    ...            "before each order and after each claim."),
    ...           ("s3", "L02_open", "q", "We meet suppliers at the contract, at delivery "
    ...            "and whenever an invoice is paid."),
    ...           ("s4", "L02_open", "q", "Too short to say."),
    ...           ("s5", "L02_open", "q", "In my view purchasing talks with the supplier's "
    ...            "sales team before each order and after each claim. That keeps the "
    ...            "relationship friendly but formal, and the price is always compared with "
    ...            "two other quotes before anything is signed.")]
    >>> found = text_similarity(answers)
    >>> found[["student_a", "student_b", "measure", "score", "containment"]].values.tolist()
    [['s2', 's5', 'containment', 0.368, 1.0], ['s1', 's3', 'resemblance', 0.625, 0.769]]
    >>> found.loc[1, "start_a"]
    'We meet suppliers at the contract, at delivery and when the invoice …'
    >>> text_similarity(answers, min_words=0)
    Traceback (most recent call last):
    ...
    ValueError: Got min_words=0 instead, expected a whole number >= 1.
    """
    threshold = check_rate("threshold", threshold, low_open=True)
    containment_threshold = check_rate("containment_threshold", containment_threshold,
                                       low_open=True)
    min_shared = check_whole("min_shared", min_shared, minimum=1)
    min_words = check_whole("min_words", min_words, minimum=1)
    prompts = prompts or {}
    groups: dict = {}
    for student, quiz, question, text in answers:
        groups.setdefault((str(quiz), str(question)), []).append((str(student), str(text)))
    rows = []
    for (quiz, question), given in sorted(groups.items()):
        base = frozenset().union(*map(text_shingles, _texts(prompts.get((quiz, question)))))
        documents, starts = {}, {}
        for student, text in given:
            said = words(text)
            if _own_count(said, TEXT_SHINGLE, base) < min_words:
                continue
            documents[student] = _grams(said, TEXT_SHINGLE)
            starts[student] = _start(text.split())
        for a, b, *measured in similar_pairs(
                documents, threshold=threshold, containment_threshold=containment_threshold,
                min_shared=min_shared, base=base):
            rows.append([quiz, question, a, b, *measured, starts[a], starts[b]])
    return _frame(rows)


def own_code(notebook, *, starter=()) -> str:
    """The code a student wrote in an exercise notebook: its code cells, but the parameters,
    the checks and every cell whose :func:`code_tokens` are those of a ``starter`` cell (the
    assigned notebook's code, given to everyone), joined by blank lines.

    ``notebook`` is an nbformat notebook (or a plain dict of one); ``starter`` the sources of
    the assigned notebook's code cells.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "source": "seed = 7", "metadata": {"tags": ["parameters"]}},
    ...     {"cell_type": "code", "source": "data = load(seed)", "metadata": {}},
    ...     {"cell_type": "markdown", "source": "Now you.", "metadata": {}},
    ...     {"cell_type": "code", "source": "total = data.sum()", "metadata": {}},
    ...     {"cell_type": "code", "source": "check('a', total)", "metadata": {"tags": ["check"]}}]}
    >>> own_code(nb, starter=["data = load(seed)  # given"])
    'total = data.sum()'
    """
    from crmlab.exercises.tags import (
        CHECK,
        HIDDEN_CHECKS,
        INJECTED_PARAMETERS,
        PARAMETERS,
        tags_of,
    )

    given = {tuple(code_tokens(s)) for s in starter}
    skipped = {PARAMETERS, INJECTED_PARAMETERS, CHECK, HIDDEN_CHECKS}
    kept = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code" or skipped & set(tags_of(cell)):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        tokens = tuple(code_tokens(source))
        if tokens and tokens not in given:
            kept.append(source.strip())
    return "\n\n".join(kept)


def code_similarity(code: Mapping, *, exercise: str, starter=(),
                    threshold: float = CODE_THRESHOLD,
                    containment_threshold: float = CONTAINMENT_THRESHOLD,
                    min_shared: int = CODE_MIN_SHARED, min_tokens: int = MIN_TOKENS):
    """The pairs of students whose exercise code is at least ``threshold`` alike, or one's at
    least ``containment_threshold`` inside the other's
    (:data:`~crmlab.grading.files.SIMILARITY_COLUMNS`; ``assessment`` is the exercise,
    ``item`` is ``code``), the most contained first.

    Parameters
    ----------
    code : mapping
        ``{student_id: the code they wrote}`` (:func:`own_code` of their notebook).
    exercise : str
        The exercise id, for the ``assessment`` column.
    starter : iterable of str
        The assigned notebook's code cells: their shingles never count, and neither do their
        tokens towards ``min_tokens``.
    threshold : float in (0, 1], default :data:`CODE_THRESHOLD`
        The least Jaccard resemblance of token shingles flagged.
    containment_threshold : float in (0, 1], default :data:`CONTAINMENT_THRESHOLD`
        The least share of the shorter code's token shingles found in the other flagged (a
        copy with cells of one's own added)...
    min_shared : int, default :data:`CODE_MIN_SHARED`
        ...when the two share at least this many.
    min_tokens : int, default :data:`MIN_TOKENS`
        Code with fewer normalised tokens of its own is not compared.

    Examples
    --------
    >>> code = {"s1": "spend = df['spend']\\nshare = spend / spend.sum()\\nshare.round(2)",
    ...         "s2": "# my own work\\nx = df[\\"spend\\"]\\n\\ny = x / x.sum()\\ny.round(2)",
    ...         "s3": "df.assign(share=lambda d: d.spend.div(d.spend.sum()))"}
    >>> found = code_similarity(code, exercise="EX-demo")
    >>> found[["assessment", "item", "student_a", "student_b", "measure", "score"]].values.tolist()
    [['EX-demo', 'code', 's1', 's2', 'resemblance', 1.0]]
    >>> code_similarity(code, exercise="EX-demo", threshold=1.5)
    Traceback (most recent call last):
    ...
    ValueError: Got threshold=1.5 instead, expected a rate in (0, 1].
    """
    threshold = check_rate("threshold", threshold, low_open=True)
    containment_threshold = check_rate("containment_threshold", containment_threshold,
                                       low_open=True)
    min_shared = check_whole("min_shared", min_shared, minimum=1)
    min_tokens = check_whole("min_tokens", min_tokens, minimum=1)
    base = frozenset().union(*(code_shingles(s) for s in starter))
    documents, starts = {}, {}
    for student, source in code.items():
        tokens = code_tokens(source)
        if _own_count(tokens, CODE_SHINGLE, base) < min_tokens:
            continue
        documents[str(student)] = _grams(tokens, CODE_SHINGLE)
        starts[str(student)] = _start(str(source).split())
    rows = [[exercise, "code", a, b, *measured, starts[a], starts[b]]
            for a, b, *measured in similar_pairs(
                documents, threshold=threshold, containment_threshold=containment_threshold,
                min_shared=min_shared, base=base)]
    return _frame(rows)
