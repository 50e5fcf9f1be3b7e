"""Layer 3: grading what the students handed in.

One skeleton (``skeleton``: collect, judge, choose, tabulate, write, record) with two judges:
quizzes (``quizzes``; ``weights``, ``item_analysis``, ``report``, ``rubric`` for free-text
answers graded by hand) and exercises (``exercises``: the batch and its options; ``runner``
one notebook, ``sandbox`` and ``_confine`` its limits, ``values`` what crosses out of the
kernel, ``executors`` local threads or dask). What they share: ``results`` (outcomes and codes,
made into sentences only when shown), ``files`` (the grading folders' files and columns), the
course file (``config``: assessments, deadlines, extensions, late policy), ``receipts``,
``history`` (every run kept), ``lms`` (gradebook layouts), ``gradebook`` (the course
gradebook).
"""
