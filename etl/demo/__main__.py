"""``python -m etl.demo [DIR]``: build the demo into DIR and compare every fact with the plan it
was generated from (see :func:`etl.demo.corpus.main`)."""
from __future__ import annotations

import sys

from etl.demo.corpus import main

if __name__ == "__main__":
    sys.exit(main())
