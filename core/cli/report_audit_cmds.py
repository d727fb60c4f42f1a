"""Placeholder: filled in by its owner."""

from __future__ import annotations

import click


def register(report: click.Group) -> None:
    del report
