"""Receivables and their ageing: outstanding amounts of issued invoices by Riyadh days since issue, following the
paid status (payments, refunds, credit notes), checked against sums the test makes from what it issued and paid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.payments import AGEING_BUCKETS, make_link, poll, receivables
from core.payments.ageing import bucket_of
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.support.fake_provider import FakeProvider, World
from tests.support.issuing_world import a_draft, save
from tests.support.payments_world import PAYABLE


def _aged(ctx: Context, now: datetime) -> dict[str, tuple[Decimal, int]]:
    with ctx.uow(write=False) as uow:
        sar = receivables(uow, now).of("SAR")
    return {b: (sar.amount(b), sar.counts[i]) for i, b in enumerate(AGEING_BUCKETS)}


@pytest.mark.parametrize(("age", "bucket"), [(-3, "not_due"), (0, "not_due"), (1, "1_30"), (30, "1_30"),
                                             (31, "31_60"), (60, "31_60"), (61, "61_90"), (90, "61_90"),
                                             (91, "over_90"), (4000, "over_90")])
def test_the_bucket_edges(age: int, bucket: str) -> None:
    assert bucket_of(age) == bucket


def test_invoices_age_by_riyadh_days_since_issue(shop: Context) -> None:
    """The shop's three invoices were issued 2026-11-20 at 12:00 Riyadh time (09:00 UTC)."""
    zero, three = (Decimal("0.00"), 0), (PAYABLE * 3, 3)
    assert _aged(shop, datetime(2026, 11, 20, 20, 59, tzinfo=UTC))["not_due"] == three  # 23:59 in Riyadh
    # 21:00 UTC is already the next day in Riyadh, though still the same day in UTC
    next_day = _aged(shop, datetime(2026, 11, 20, 21, 0, tzinfo=UTC))
    assert next_day["not_due"] == zero and next_day["1_30"] == three
    later = _aged(shop, datetime(2026, 11, 20, 21, 0, tzinfo=UTC) + timedelta(days=30))  # 31 Riyadh days
    assert later["1_30"] == zero and later["31_60"] == three
    assert _aged(shop, datetime(2027, 6, 1, tzinfo=UTC))["over_90"] == three


def test_payments_refunds_and_other_currencies(shop: Context, provider: FakeProvider, gateway: World) -> None:
    old = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)  # more than 90 days before the 20th of November
    save(shop, a_draft("INV-OLD-1", old), a_draft("INV-USD-1", old, currency="USD", exchange_rate=Decimal("3.75")))
    with shop.uow() as uow:
        issue_many(uow, ["INV-OLD-1", "INV-USD-1"])
        uow.commit()
    paid = make_link(shop, provider, "INV-P-0001")
    part = make_link(shop, provider, "INV-OLD-1")
    assert paid is not None and part is not None
    gateway.refund_at_provider(gateway.pay(paid.link_id), Decimal("100.00"))  # the credit note is only drafted
    gateway.pay(part.link_id)
    poll(shop, provider)
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    aged = _aged(shop, now)
    # INV-P-0001 received 575 - 100 and still asks 575 (its credit note is a draft): 100 outstanding;
    # INV-P-0002 and -0003 nothing received; INV-OLD-1 paid in full
    assert aged["1_30"] == (Decimal("100.00") + 2 * PAYABLE, 3)
    assert aged["over_90"] == (Decimal("0.00"), 0)
    with shop.uow(write=False) as uow:
        owed = receivables(uow, now)
    assert [a.currency for a in owed.by_currency] == ["SAR", "USD"]
    assert owed.of("USD").amount("over_90") == PAYABLE and owed.of("SAR").total == Decimal("1250.00")
    assert owed.of("EUR").total == 0 and owed.as_of.isoformat() == "2026-12-07"
