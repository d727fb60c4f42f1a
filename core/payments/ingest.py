"""Polling the provider's events: each stored once, its payment re-read before it is trusted, matched to its
invoice and recorded with its audit entry, in one transaction with the cursor that moves past it.

A kill anywhere loses and repeats nothing: until the transaction commits, neither the events nor the cursor moved,
so the next poll asks for the same page again; once it commits, both did. A page the provider sends twice, or in
another order, records each event once (unique (provider, event id)) and each payment once (unique (provider,
payment id)); a refund seen before its payment records the payment first, from the provider's re-read state.
Only the desk that made a link records what is paid through it (several desks may share one provider account).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from core.findings import Finding
from core.payments.matching import Page, read_page, record_payment, record_refund
from core.payments.port import PaymentProvider, PaymentState, ProviderEvent
from core.payments.status import overpaid_finding, paid_statuses
from core.progress import CancelCheck, Progress, check
from core.store import models as m
from core.uow import Context, UnitOfWork

REREAD = ("payment.succeeded", "payment.refunded")  # the kinds whose payment is re-read before it is trusted


@dataclass
class PollResult:
    pages: int = 0
    events: int = 0  # new events stored
    recorded: int = 0  # payments matched to their invoice
    unmatched: int = 0  # payments kept aside with a finding
    refunds: int = 0  # refunds seen at the provider
    credit_notes: list[str] = field(default_factory=list)  # drafted for refunds made at the provider
    findings: list[Finding] = field(default_factory=list)


def poll(ctx: Context, provider: PaymentProvider, *, limit: int = 100, max_pages: int = 10_000,
         progress: Progress | None = None, cancelled: CancelCheck | None = None) -> PollResult:
    """Every event after this desk's cursor, page by page (network calls outside any transaction)."""
    result = PollResult()
    for _ in range(max_pages):
        check(cancelled, "payments poll")
        page = provider.events_since(_cursor(ctx, provider.name), limit=limit)
        fresh = _unseen(ctx, provider.name, page.events)
        wanted = dict.fromkeys(e.payment_id for e in fresh if e.kind in REREAD)
        states = {payment: provider.fetch_payment(payment) for payment in wanted}
        _record(ctx, provider.name, fresh, states, page.cursor, result)
        result.pages += 1
        if progress is not None:  # how many pages remain is unknown: the fraction creeps towards 1
            progress(result.pages / (result.pages + 1), f"{result.events} new event(s), page {result.pages}")
        if not page.has_more or page.cursor is None:
            break
    _polled(ctx, provider.name)
    return result


def last_poll_key(provider: str) -> str:
    """Where this desk keeps its last successful poll of `provider` (sync_state: local, never synchronised)."""
    return f"payments.{provider}.last_poll_at"


def _polled(ctx: Context, provider: str) -> None:
    """Remember that a poll reached the provider's last page (`qayd doctor`'s payment-poll-gap check reads it).
    Bookkeeping of this desk, like sync's last_sync_at: no audit entry (the events it recorded have theirs)."""
    with ctx.uow() as uow:
        uow.session.connection().exec_driver_sql(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (last_poll_key(provider), uow.now().isoformat()))
        uow.commit()


def _cursor(ctx: Context, provider: str) -> str | None:
    with ctx.uow(write=False) as uow:
        row = uow.session.get(m.PaymentCursor, provider)
        return None if row is None else row.cursor


def _unseen(ctx: Context, provider: str, events: tuple[ProviderEvent, ...]) -> list[ProviderEvent]:
    ids = list(dict.fromkeys(e.event_id for e in events))
    with ctx.uow(write=False) as uow:
        ev = m.ProviderEventRow
        seen = set(uow.session.scalars(select(ev.event_id).where(ev.provider == provider, ev.event_id.in_(ids))))
    first = {e.event_id: e for e in reversed(events)}  # an id repeated within a page counts once
    return [first[i] for i in ids if i not in seen]


def _record(ctx: Context, provider: str, events: list[ProviderEvent], states: dict[str, PaymentState],
            cursor: str | None, result: PollResult) -> None:
    with ctx.uow() as uow:  # a write transaction: it holds the store's write lock from its first statement
        done = PollResult()
        ev = m.ProviderEventRow
        # another poll (another process) may have stored some since we looked: read again under the lock
        stored = set(uow.session.scalars(select(ev.event_id).where(
            ev.provider == provider, ev.event_id.in_([e.event_id for e in events])))) if events else set()
        page = read_page(uow, provider, [e for e in events if e.event_id not in stored], states)
        for event in events:
            if event.event_id in stored:
                continue
            outcome = _apply(uow, event, states.get(event.payment_id), done, page)
            uow.session.add(_event_row(uow, event, outcome))
            done.events += 1
        _advance(uow, provider, cursor)
        uow.session.flush()
        overpaid = [s for s in paid_statuses(uow, page.touched()).values() if s.state == "overpaid"]
        uow.commit()
    done.findings += [overpaid_finding(s) for s in overpaid]
    result.events += done.events
    result.recorded += done.recorded
    result.unmatched += done.unmatched
    result.refunds += done.refunds
    result.credit_notes += done.credit_notes
    result.findings += done.findings


def _advance(uow: UnitOfWork, provider: str, cursor: str | None) -> None:
    """Move the cursor, in the transaction that recorded the events it moves past."""
    if cursor is None:
        return
    row = uow.session.get(m.PaymentCursor, provider)
    if row is None:
        uow.session.add(m.PaymentCursor(provider=provider, cursor=cursor, updated_at=uow.now()))
    else:
        row.cursor, row.updated_at = cursor, uow.now()
    uow.session.flush()


def _event_row(uow: UnitOfWork, e: ProviderEvent, outcome: str) -> m.ProviderEventRow:
    return m.ProviderEventRow(
        id=uuid.uuid4(), provider=e.provider, event_id=e.event_id, kind=e.kind, payment_ref=e.payment_id,
        amount=e.amount, currency=e.currency, occurred_at=e.occurred_at, link_id=e.link_id, reference=e.reference,
        fee=e.fee, refund_id=e.refund_id, raw_status=e.raw_status[:60], outcome=outcome, received_at=uow.now(),
        device_id=uow.ctx.device_id)


def _apply(uow: UnitOfWork, event: ProviderEvent, state: PaymentState | None, done: PollResult,
           page: Page) -> str:
    if state is None or event.kind not in REREAD:
        return "ignored"  # a payout, or a failed payment: stored as seen, nothing to record
    if event.kind == "payment.succeeded":
        return record_payment(uow, event, state, done, page)
    return record_refund(uow, event, state, done, page)
