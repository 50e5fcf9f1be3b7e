"""``python -m crmlab``: the same as the ``crmlab`` command."""

import sys

from crmlab.cli import main

if __name__ == "__main__":
    sys.exit(main())
