"""The demo company's dates follow the clock (issue 13 point 5): this month and the two before it, never the future."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from core.clock import SAUDI_TIME
from core.invoicing.demo import demo_customers, demo_drafts, demo_moment, demo_products
from core.zatca.demo import choose, spread

CLOCKS = [
    datetime(2026, 11, 25, 7, 0, tzinfo=UTC),  # mid-month
    datetime(2026, 11, 30, 21, 0, 30, tzinfo=UTC),  # 30 seconds into 1 December in Riyadh (still 30 Nov in UTC)
    datetime(2027, 1, 1, 0, 0, tzinfo=UTC),  # 03:00 on New Year's Day: the months before are last year's
    datetime(2028, 3, 1, 12, 0, tzinfo=UTC),  # after a leap February
]


def month_index(moment: datetime) -> int:
    local = moment.astimezone(SAUDI_TIME)  # oracle: the wall clock at UTC+3, worked out here, not by Qayd
    return local.year * 12 + local.month


@pytest.mark.parametrize("now", CLOCKS)
def test_every_moment_is_in_this_month_or_the_two_before_and_never_later_than_now(now: datetime) -> None:
    saudi_now = now.astimezone(SAUDI_TIME)
    months = Counter()
    for day in range(90):
        for minute in (1, 2, 300, 599, 600):
            moment = demo_moment(saudi_now, day, minute)
            assert moment <= now, (day, minute, moment)
            back = month_index(now) - month_index(moment)
            assert back in (0, 1, 2), (day, minute, moment)
            months[back] += 1
    assert months[0] == months[1] == months[2]  # a third in each month, however early in the month it is


def drafts_at(now: datetime) -> list[Any]:
    customers, products = demo_customers(), demo_products()
    return demo_drafts(customers, products, 120, SimpleNamespace(clock=lambda: now))  # type: ignore[arg-type]


def fingerprint(draft: Any) -> tuple[object, ...]:
    """Everything of a demo document but its dates, ids and the year in its number."""
    lines = tuple((ln.name, ln.quantity, ln.unit_price, ln.discount, ln.vat_category) for ln in draft.lines)
    return (draft.number.split("-")[-1], draft.kind, draft.type, draft.buyer.name if draft.buyer else None,
            draft.payment_means, lines, tuple(a.amount for a in draft.allowances), draft.billing_reference[-5:])


def test_the_demo_is_the_same_apart_from_its_dates() -> None:
    early, late = drafts_at(CLOCKS[0]), drafts_at(CLOCKS[2])
    assert [fingerprint(d) for d in early] == [fingerprint(d) for d in late]
    assert [fingerprint(d) for d in early] == [fingerprint(d) for d in drafts_at(CLOCKS[0])]
    assert {d.issue_datetime.month for d in early} == {9, 10, 11}
    assert {(d.issue_datetime.year, d.issue_datetime.month) for d in late} == {(2026, 11), (2026, 12), (2027, 1)}
    for draft in early:  # a credit note keeps its invoice's supply date
        assert draft.supply_date == draft.issue_datetime.date() or draft.type.value == "credit_note"
        assert draft.issue_datetime.utcoffset() == timedelta(hours=3)


def test_spread_takes_the_oldest_the_newest_and_evenly_between() -> None:
    assert spread(300, 20)[0] == 0 and spread(300, 20)[-1] == 299 and len(spread(300, 20)) == 20
    gaps = {b - a for a, b in zip(spread(300, 20), spread(300, 20)[1:], strict=False)}
    assert gaps <= {15, 16}
    assert spread(5, 20) == [0, 1, 2, 3, 4] and spread(5, 1) == [4] and spread(5, 0) == []


def row(number: str, kind: str = "invoice", refers: str = "") -> SimpleNamespace:
    return SimpleNamespace(id=number, number=number, type=kind, billing_reference=refers)


def test_an_issued_credit_note_never_corrects_a_draft() -> None:
    drafts = [row("I-1"), row("I-2"), row("I-3"), row("C-4", "credit_note", "I-2"), row("I-5")]
    chosen = [r.number for r in choose(drafts, 3)]  # spread picks I-1, I-3 and I-5: nothing to swap
    assert chosen == ["I-1", "I-3", "I-5"]
    drafts = [row("I-1"), row("I-2"), row("C-3", "credit_note", "I-2"), row("I-4"), row("I-5")]
    chosen = [r.number for r in choose(drafts, 3)]  # spread picks C-3, whose invoice is not picked
    assert "C-3" not in chosen and len(chosen) == 3
    assert chosen == ["I-1", "I-2", "I-5"] or chosen == ["I-1", "I-4", "I-5"]
    drafts = [row("I-1"), row("C-2", "credit_note", "I-1"), row("I-3")]
    assert [r.number for r in choose(drafts, 3)] == ["I-1", "C-2", "I-3"]  # all of them: its invoice is issued too
