"""Lesson-facing entry point of the notebook tooling: ``python -m crmlab.notebooks execute
notebooks/02_x.ipynb --stamp`` (the command the course's guides give).

The tooling itself lives in :mod:`crmlab.publish.notebooks`; this module only re-exports it (no
logic here).
"""

import sys

from crmlab.publish.notebooks import (
    NAV_END,
    NAV_START,
    all_notebooks,
    execute,
    main,
    navigation_markdown,
    stamp,
)

__all__ = ["navigation_markdown", "stamp", "execute", "all_notebooks", "main", "NAV_START",
           "NAV_END"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
