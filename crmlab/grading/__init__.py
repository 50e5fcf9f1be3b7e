"""Layer 3: grading what the students handed in.

Quizzes (``quizzes``: read, judge, choose, tabulate, write; ``weights``, ``item_analysis``,
``report``, ``rubric`` for free-text answers graded by hand), exercises (``exercises``: the
batch; ``runner`` one notebook, ``sandbox`` and ``_confine`` its limits, ``values`` what crosses
out of the kernel, ``executors`` local threads or dask), and what both share: the course file
(``config``: assessments, deadlines, extensions, late policy), ``receipts``, ``history`` (every
run kept), ``lms`` (gradebook layouts), ``gradebook`` (the course gradebook).
"""
