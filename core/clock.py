"""The clock every use case reads time from; tests pass a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


# Saudi time, the time ZATCA reads issue dates in and the calendar Qayd's periods follow: Arabia Standard Time,
# UTC+3 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
SAUDI_TIME = timezone(timedelta(hours=3), "AST")


def saudi_time(moment: datetime) -> datetime:
    """The same instant on Saudi wall-clock time: the one conversion every document, list and report goes through.

    An issue time given with any offset (`Z`, `+04:00`, `-05:00`) names an instant; ZATCA reads the XML's
    IssueDate/IssueTime, the QR timestamp and the VAT return's period in Saudi time, so that instant is written
    and filed on the Saudi date. A naive datetime names no instant and is refused, never guessed.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is needed to tell its Saudi time")
    return moment.astimezone(SAUDI_TIME)


def saudi_date(moment: datetime) -> date:
    """The Saudi calendar day of an instant: what decides an invoice's date, month, quarter and year."""
    return saudi_time(moment).date()


def saudi_midnight(day: date) -> datetime:
    """The instant a Saudi calendar day begins (00:00 +03:00)."""
    return datetime.combine(day, time(0), SAUDI_TIME)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from an HTTP Retry-After value (RFC 9110 §10.2.3): delta-seconds or an HTTP date (read as
    UTC when it names no zone); None when absent or unreadable. Never negative."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # the email package stays out of start-up

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
