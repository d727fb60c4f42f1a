"""Frozen entry point of the `qayd` command line (the same as the `qayd` console script)."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
