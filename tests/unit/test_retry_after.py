"""One reading of Retry-After for every HTTP client (Fatoora, Stripe, Moyasar): seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.clock import retry_after_seconds

NOW = datetime(2026, 12, 7, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), ("0", 0.0), ("1.5", 1.5), ("-3", 0.0),  # delta-seconds; never negative
    ("Mon, 07 Dec 2026 20:00:30 GMT", 30.0),  # an HTTP date, 30 s from now
    ("Mon, 07 Dec 2026 20:00:30 -0000", 30.0),  # a date naming no zone is read as UTC
    ("Mon, 07 Dec 2026 19:59:00 GMT", 0.0),  # a date already past: go now
    ("", None), (None, None), ("soon", None),  # absent or unreadable: the caller's own backoff
])
def test_retry_after_is_read_as_seconds_or_a_date(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds
