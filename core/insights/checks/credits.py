"""Insight check: credits (stub; see core.insights.checks)."""

from __future__ import annotations

from core.insights.book import Book
from core.insights.model import Finding, NotApplicable
from core.insights.thresholds import Thresholds


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    return []
