"""Planted timing anomalies (core.insights.checks.timing): documents issued at night, on the weekend, on public
holidays, and issuing concentrated in the last days of VAT periods (by a user, and in whole periods)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from core.insights.calendar import holiday_of, is_weekend
from core.insights.checks.timing import vat_period
from tests.insights.synth import EGS, RIYADH, Synth

COUNT = 50


def _sale(synth: Synth, moment: datetime, user: str | None = None, walk_in: bool = False) -> str:
    rng = synth.rng
    customer = rng.choice(synth.customers)
    if walk_in or customer.country not in ("", "SA") or customer.created > moment.date():
        customer = None  # type: ignore[assignment]
    level = customer.level if customer is not None else 150.0
    lines = synth.lines_for(level, ("S", "Z", "E"))
    doc = synth.add(synth.doc(customer=customer, moment=moment, user=user or rng.choice(synth.users), lines=lines))
    return doc.id


def _day(synth: Synth, keep) -> datetime:  # type: ignore[no-untyped-def]
    days = [synth.start + timedelta(days=i) for i in range((synth.end - synth.start).days + 1)]
    return synth.rng.choice([d for d in days if keep(d)])  # type: ignore[no-any-return]


def _at(day, hour: int, minute: int = 0) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(hour, minute), RIYADH)


def plant_hours(synth: Synth) -> None:
    rng = synth.rng
    for _ in range(COUNT):
        day = _day(synth, lambda d: not is_weekend(d) and holiday_of(d) is None)
        hour = rng.choice((0, 1, 2, 3, 4, 5, 6, 20, 21, 22, 23))
        synth.plant("INS-TIME-HOURS", _sale(synth, _at(day, hour, rng.randrange(60))))


def plant_weekend(synth: Synth) -> None:
    rng = synth.rng
    for _ in range(COUNT):
        day = _day(synth, lambda d: is_weekend(d) and holiday_of(d) is None)
        synth.plant("INS-TIME-WEEKEND", _sale(synth, _at(day, rng.randrange(9, 16), rng.randrange(60))))


def plant_holiday(synth: Synth) -> None:
    rng = synth.rng
    for _ in range(COUNT):
        day = _day(synth, lambda d: not is_weekend(d) and holiday_of(d) is not None)
        synth.plant("INS-TIME-HOLIDAY", _sale(synth, _at(day, rng.randrange(9, 16), rng.randrange(60))))


def _last_working_days(synth: Synth, end) -> list:  # type: ignore[no-untyped-def]
    days = [end - timedelta(days=i) for i in range(3)]
    return [d for d in days if not is_weekend(d) and holiday_of(d) is None]


def plant_period_end(synth: Synth) -> None:
    """Three new clerks who issue mostly in the last days of quarters, and two quarters whose last days carry about
    four times the usual share of the quarter's amount."""
    rng = synth.rng
    ends = []
    day = synth.start
    while day <= synth.end:
        first, end = vat_period(day, 3)
        ends.append(end)
        day = end + timedelta(days=1)
    ends = [e for e in ends if _last_working_days(synth, e)]
    for _ in range(3):
        user = f"user:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        synth.user_egs[user] = EGS[0]
        synth.plant("INS-TIME-PERIOD-END", user)
        for index in range(60):
            if index % 3 == 0:
                moment = synth.working_moment()
            else:
                moment = synth.working_moment(rng.choice(_last_working_days(synth, rng.choice(ends))))
            _sale(synth, moment, user, walk_in=True)
    for end in rng.sample(ends[1:-1], 2):
        first = vat_period(end, 3)[0]
        amount = sum(d.total for d in synth.docs if first <= d.issued.date() <= end and d.type != "credit_note")
        target = amount * 0.15
        added = 0
        while added < target:
            moment = synth.working_moment(rng.choice(_last_working_days(synth, end)))
            doc_id = _sale(synth, moment)
            added += synth.docs[-1].total
            assert synth.docs[-1].id == doc_id
        synth.plant("INS-TIME-PERIOD-END", f"period:{end.year:04d}-{end.month:02d}")


PLANTERS = {
    "INS-TIME-HOURS": ("events", plant_hours),
    "INS-TIME-WEEKEND": ("events", plant_weekend),
    "INS-TIME-HOLIDAY": ("events", plant_holiday),
    "INS-TIME-PERIOD-END": ("events", plant_period_end),
}
