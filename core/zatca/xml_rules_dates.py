"""XPath 2.0 casts of dates and times (xs:date, xs:time) for Qayd's Python EN 16931 and ZATCA rules."""

from __future__ import annotations

import re
from datetime import UTC, date, time, timedelta, timezone, tzinfo

_XS_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_XS_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?")


def xs_date(s: str | None) -> date | None:
    """The date when `s` is castable as xs:date (the time zone, if any, is ignored)."""
    m = _XS_DATE.fullmatch((s or "").strip(" \t\r\n"))
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def xs_time(s: str | None) -> tuple[time, tzinfo | None] | None:
    """(time, its zone or None) when `s` is castable as xs:time; 24:00:00 reads as midnight."""
    m = _XS_TIME.fullmatch((s or "").strip(" \t\r\n"))
    if m is None:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if (hour, minute, second) == (24, 0, 0) and not (m.group(4) or "").strip(".0"):
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    zone = m.group(5)
    if zone is None:
        return time(hour, minute, second), None
    if zone == "Z":
        return time(hour, minute, second), UTC
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return time(hour, minute, second), timezone(-offset if zone[0] == "-" else offset)
