"""Similarity of free-text answers (crmlab.grading.similarity): comparing every pair of a class.

300 students answer one question (120 words each, drawn from a Zipf vocabulary, one copied
answer among them: 44,850 pairs). The floor is what any measure must do anyway: split every
answer into its word shingles. The figure is :func:`~crmlab.grading.similarity.text_similarity`
(shingles, then every pair sharing one compared through the sparse product, resemblance and
containment from the same shared counts) over that floor, target <= 4.0 (measured 2-3x; a
walk over the pairs in Python, a set intersection each, measures 12x for 300). The same for 1,000 students (499,500 pairs), to show the cost follows
the shared shingles.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from crmlab.grading.similarity import text_shingles, text_similarity


def _answers(students: int, seed: int = 26) -> list:
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(3000)])
    frequency = 1 / np.arange(1, 3001)
    texts = [" ".join(rng.choice(vocabulary, size=120, p=frequency / frequency.sum()))
             for _ in range(students)]
    texts[-1] = texts[0]
    return [(f"s{i:04d}", "Q", "q", text) for i, text in enumerate(texts)]


def _seconds(work, answers, repeat: int = 5) -> tuple[float, object]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work(answers)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def _shingled(answers) -> list:
    return [text_shingles(answer[3]) for answer in answers]


def run() -> list[dict]:
    """One row per class size: compared over shingled."""
    rows = []
    for students in (300, 1000):
        answers = _answers(students)
        floor, _ = _seconds(_shingled, answers)
        total, found = _seconds(text_similarity, answers)
        rows.append({"name": f"similarity of {students} text answers over shingling",
                     "value": total / floor, "target": "<= 4.0", "unit": "x",
                     "note": f"{total * 1000:.0f} ms, shingling {floor * 1000:.0f} ms; "
                             f"{len(found)} pair(s) flagged"})
    return rows
