"""The instructor's quiz keys: each student's key of a graded number of one's own.

A quiz question with ``variant: student`` is computed on each student's own variant of the
course data; its key is computed at grading by the function registered here for it, with
:func:`~crmlab.grading.variant_keys.register`. A function takes the student's
:class:`~crmlab.datasets.Variant` (``variant.load(name)`` gives a table of it) and, for a
formula question, the student's inputs as keywords, and returns the number.

This file is not part of the ``crmlab`` package and ``crmlab release`` never copies
``notebooks/instructor/``. :func:`crmlab.grading.variant_keys.load_keys` loads it by path
(``crmlab grade``, ``crmlab quiz keys``). The quiz file's ``answer`` of such a question is its
key on the practice variant; ``tests/test_quiz_variants.py`` holds every function to it.
"""

from __future__ import annotations

from crmlab.grading.variant_keys import register


@register("L05", "n-champions")
def _n_champions(variant):
    from crmlab.segmentation import rfm_scores, rfm_segment, rfm_table

    orders = variant.load("orders")
    earlier = orders[orders["order_date"] < "2024-01-01"]
    segments = rfm_segment(rfm_scores(rfm_table(earlier, as_of="2024-01-01")))
    return int((segments == "champions").sum())
