"""Insight check: receivables (stub; see core.insights.checks)."""

from __future__ import annotations

from core.insights.book import Book
from core.insights.model import Collections, Finding, NotApplicable
from core.insights.thresholds import Thresholds


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    return []


def collections(book: Book) -> Collections | None:
    """Expected collections (30/60/90 days) from each customer's own paying history; None before any payment."""
    return None
