"""The checks: each module's `check(book, thresholds)` returns its findings (and `NotApplicable` where it cannot
judge this book). Pure functions of the book: no store, no clock but `book.now`, no personal value in a finding.

Each module owns the rules of one group of core.insights.model.RULES; `CHECKS` is the order they run (and report).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.insights.book import Book
    from core.insights.model import Finding, NotApplicable
    from core.insights.thresholds import Thresholds

    Check = Callable[[Book, Thresholds], list[Finding | NotApplicable]]

# module -> the rule ids it raises (a unit test keeps these and RULES in step)
CHECKS: dict[str, tuple[str, ...]] = {
    "duplicates": ("INS-DUP-AMOUNT", "INS-DUP-LINES"),
    "digits": ("INS-DIG-ROUND", "INS-DIG-REPEAT"),
    "benford": ("INS-DIG-BENFORD",),
    "timing": ("INS-TIME-HOURS", "INS-TIME-WEEKEND", "INS-TIME-HOLIDAY", "INS-TIME-PERIOD-END"),
    "vat": ("INS-VAT-PRODUCT", "INS-VAT-SHARE", "INS-VAT-EXPORT"),
    "customers": ("INS-CUS-SPEND", "INS-CUS-NEW-LARGE"),
    "sequence": ("INS-SEQ-GAP", "INS-SEQ-BACKWARDS", "INS-SEQ-BACKDATED"),
    "credits": ("INS-CRN-EXCEEDS", "INS-CRN-AFTER-CLOSE", "INS-CRN-CONCENTRATED"),
    "receivables": ("INS-AR-OVERDUE",),
}


def check_of(name: str) -> Check:
    module = importlib.import_module(f"core.insights.checks.{name}")
    return module.check  # type: ignore[no-any-return]
