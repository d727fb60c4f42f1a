"""`--from`/`--to` for every command that selects by date: inclusive calendar days in Saudi time, parsed one way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import click

from core.clock import saudi_midnight

# Said in every --help that takes these options, so nobody has to guess whether --to is included or whose midnight.
INCLUSIVE = "YYYY-MM-DD; inclusive, Saudi time"
# The widest days a selection takes: the day after the last one and the UTC instant of the first must still be dates
# (9999-12-31 has no next day), and no invoice is older than 1900 or younger than 9999.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def saudi_day(ctx: click.Context | None, param: click.Parameter | None, value: object) -> date | None:
    """A calendar day (YYYY-MM-DD) in Saudi time, as an option callback. A time of day is refused with the reason:
    a day bound stands for the whole day, so an instant would silently mean something else."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    text = str(value).strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise click.BadParameter(f"{text!r} is out of range: give a day from {FIRST_DAY} to {LAST_DAY} "
                                     "(leave the option out for no bound).", ctx, param)
        return day
    if _is_datetime(text):
        raise click.BadParameter(f"{text!r} is a date and time; give a calendar day ({INCLUSIVE}), e.g. "
                                 "2026-11-30. The whole day is included.", ctx, param)
    raise click.BadParameter(f"{text!r} is not a date. Write it as YYYY-MM-DD, e.g. 2026-11-30 (inclusive, Saudi "
                             "time).", ctx, param)


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def range_options(first: str, last: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--from` (as `start`) and `--to` (as `end`): `first` and `last` say what each bound is, e.g. "First issue
    date"; the help adds the format and that both days are included, in Saudi time."""
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option("--to", "end", callback=saudi_day, metavar="YYYY-MM-DD",
                               help=f"{last} ({INCLUSIVE}).")(command)
        return click.option("--from", "start", callback=saudi_day, metavar="YYYY-MM-DD",
                            help=f"{first} ({INCLUSIVE}).")(command)
    return decorate


def check_order(start: date | None, end: date | None) -> None:
    """A period that ends before it starts is a typing mistake, not an empty selection."""
    if start is not None and end is not None and start > end:
        raise click.UsageError(f"The period starts ({start}) after it ends ({end}). Give --from before --to "
                               "(both days are included).")


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The instants of the inclusive days `start` … `end`: from `start` 00:00 Saudi time to the next midnight after
    `end` (excluded), which is what the stores' half-open period filters take."""
    check_order(start, end)
    low = saudi_midnight(start) if start is not None else None
    high = saudi_midnight(end + timedelta(days=1)) if end is not None else None
    return low, high
