"""`qayd secrets set|list|rotate|delete` (being built)."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add the `secrets` group."""
