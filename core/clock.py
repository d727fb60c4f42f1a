"""The clock every use case reads time from; tests pass a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


# Saudi time, the time ZATCA reads issue dates in and the calendar Qayd's periods follow: Arabia Standard Time,
# UTC+3 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
SAUDI_TIME = timezone(timedelta(hours=3), "AST")
