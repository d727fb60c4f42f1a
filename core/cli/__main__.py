"""`python -m core.cli` runs the `qayd` command line."""

import sys

from core.cli import main

sys.exit(main())
