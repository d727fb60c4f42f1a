"""`qayd gdpr access|erase|purge` (being built)."""

from __future__ import annotations

import click


def register(gdpr: click.Group) -> None:
    """Add this module's commands to the `gdpr` group."""
