"""Saudi working time for the timing checks: the weekend, and the public holidays of the Umm al-Qura calendar.

The private sector's official holidays (Labor Law and the Ministry of Human Resources' yearly announcements): Eid
al-Fitr from 29 Ramadan to 3 Shawwal, Eid al-Adha from the Day of Arafah (9 Dhu al-Hijjah) to 12 Dhu al-Hijjah,
Founding Day (22 February) and National Day (23 September). Hijri dates are converted with the Umm al-Qura tables
(hijridate, already the invoices' Hijri dates); the announced days can differ by one when the moon is sighted
otherwise, which the checks tolerate by scoring a holiday's edge days lower (`edge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    name_ar: str
    edge: bool  # the first or last day of a lunar holiday: its date may move by a day


def _hijri_span(year: int, first: tuple[int, int], last: tuple[int, int]) -> list[date]:
    """Every Gregorian day from Hijri (month, day) `first` to `last` of `year`, both included."""
    from hijridate import Hijri

    start, end = Hijri(year, *first).to_gregorian(), Hijri(year, *last).to_gregorian()
    start_day, end_day = date(start.year, start.month, start.day), date(end.year, end.month, end.day)
    return [start_day + timedelta(days=i) for i in range((end_day - start_day).days + 1)]


@cache
def holidays(year: int) -> dict[date, Holiday]:
    """The public holidays falling in Gregorian `year`."""
    from hijridate import Gregorian

    found: dict[date, Holiday] = {
        date(year, 2, 22): Holiday("Founding Day", "يوم التأسيس", False),
        date(year, 9, 23): Holiday("National Day", "اليوم الوطني", False),
    }
    for hijri_year in {Gregorian(year, 1, 1).to_hijri().year, Gregorian(year, 12, 31).to_hijri().year}:
        try:
            fitr = _hijri_span(hijri_year, (9, 29), (10, 3))
            adha = _hijri_span(hijri_year, (12, 9), (12, 12))
        except (ValueError, OverflowError):  # outside the Umm al-Qura tables (1343–1500 AH)
            continue
        for days, name, name_ar in ((fitr, "Eid al-Fitr", "عيد الفطر"), (adha, "Eid al-Adha", "عيد الأضحى")):
            for day in days:
                if day.year == year:
                    found[day] = Holiday(name, name_ar, day in (days[0], days[-1]))
    return found


def holiday_of(day: date) -> Holiday | None:
    return holidays(day.year).get(day)


def is_weekend(day: date, weekend_days: tuple[int, ...] = (4, 5)) -> bool:
    return day.weekday() in weekend_days


def is_working_day(day: date, weekend_days: tuple[int, ...] = (4, 5)) -> bool:
    return not is_weekend(day, weekend_days) and holiday_of(day) is None
