"""``python -m crmlab.notebooks ARGS``: an alias of ``crmlab notebooks ARGS``, the spelling the
course's guides have long given; no logic here (see :mod:`crmlab.cli.notebooks`)."""

import sys

from crmlab.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(["notebooks", *sys.argv[1:]]))
