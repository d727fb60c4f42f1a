"""Frozen entry point of `qayd-desktop` (the same as the `qayd-desktop` script)."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
