"""Entry point for ``python -m etl``; see :mod:`etl.cli`."""
from __future__ import annotations

import sys

from etl.cli import main

if __name__ == "__main__":
    sys.exit(main())
