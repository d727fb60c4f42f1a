"""10,000 provider events ingested from the fake provider: each stored once, its payment re-read, matched to its
invoice and recorded with its audit entry, pages of 100 each in one transaction with the cursor.

1,000 issued invoices are each paid in ten instalments through ten links (10,000 payments). The floor, measured in
the same run, is SQLite writing the same number of event and payment rows with plain executemany (no matching, no
audit chain): the ratio says what the bookkeeping costs on top of the bare writes."""

from __future__ import annotations

import sqlite3
import time
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import LinkRequest, link_key, paid_statuses, poll
from core.store import models as m
from core.uow import Context
from tests.support.fake_provider import FakeProvider, World
from tests.support.issuing_world import ready_to_issue
from tests.support.payments_world import PAYABLE, issue

pytestmark = pytest.mark.benchmark
INVOICES, INSTALMENTS = 1_000, 10
EVENTS = INVOICES * INSTALMENTS


def _links(ctx: Context, provider: FakeProvider, numbers: list[str]) -> list[str]:
    part = PAYABLE / INSTALMENTS
    with ctx.uow() as uow:
        ids = {r.number: r.id for r in uow.session.execute(select(m.Invoice.number, m.Invoice.id))}
        now, made = uow.now(), []
        for number in numbers:
            for k in range(INSTALMENTS):
                key = link_key(ids[number], part, k)
                link = provider.create_link(LinkRequest(str(ids[number]), number, part, "SAR", number, key))
                uow.session.add(m.PaymentLink(
                    id=uuid.uuid4(), invoice_id=ids[number], provider=link.provider, link_id=link.link_id,
                    url=link.url, amount=part, currency="SAR", sequence=k + 1, idempotency_key=key,
                    owner_device_id=ctx.device_id, created_at=now, updated_at=now, device_id=ctx.device_id))
                made.append(link.link_id)
        uow.commit()
    return made


def _floor(path: str) -> float:
    """Plain executemany of as many event and payment rows, in one transaction, on a copy of the schema."""
    rows = [(uuid.uuid4().hex, "fake", f"evt{i}", "payment.succeeded", f"pay{i}", "57.50", "SAR", "2026-12-01",
             "", "received", "2026-12-01", uuid.uuid4().hex) for i in range(EVENTS)]
    with sqlite3.connect(path) as conn:
        start = time.perf_counter()
        conn.executemany("INSERT INTO payment_event (id, provider, event_id, kind, payment_ref, amount, currency, "
                         "occurred_at, raw_status, outcome, received_at, device_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO payment (id, version, created_at, updated_at, device_id, provider, payment_ref, "
                         "amount, fee, refunded, currency, state, problem, paid_at) VALUES "
                         "(?, 1, ?, ?, ?, 'floor', ?, '57.50', '0', '0', 'SAR', 'matched', '', ?)",
                         [(r[0], r[7], r[7], r[11], r[4], r[7]) for r in rows])
        conn.commit()
        seconds = time.perf_counter() - start
        conn.execute("DELETE FROM payment WHERE provider = 'floor'")
        conn.execute("DELETE FROM payment_event")
    return seconds


def test_ingest_10k_provider_events(ctx: Context, provider: FakeProvider, gateway: World) -> None:
    ready_to_issue(ctx)
    numbers = issue(ctx, INVOICES)
    for link_id in _links(ctx, provider, numbers):
        gateway.pay(link_id)
    assert len(gateway.events) == EVENTS
    floor = _floor(str(ctx.db.path))
    start = time.perf_counter()
    result = poll(ctx, provider, limit=100)
    seconds = time.perf_counter() - start
    print(f"\ningest: {result.events:,} events ({result.pages} pages of 100) re-read, matched and recorded in "
          f"{seconds:.1f} s: {result.events / seconds:,.0f} events/s; floor (plain executemany of the rows): "
          f"{floor:.2f} s ({EVENTS / floor:,.0f} rows/s); ratio {seconds / floor:.1f}x")
    assert (result.events, result.recorded, result.unmatched) == (EVENTS, EVENTS, 0)
    with ctx.uow(write=False) as uow:
        assert {s.state for s in paid_statuses(uow).values()} == {"paid"}
        assert sum(s.received for s in paid_statuses(uow).values()) == PAYABLE * INVOICES
    assert poll(ctx, provider).events == 0
    assert Decimal(EVENTS) / Decimal(str(seconds)) > 0
