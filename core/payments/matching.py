"""One polled event applied to the books: a payment matched to its invoice (or kept unmatched with a finding), or a
refund made at the provider (recorded, with a credit note drafted for a person to issue). Runs inside the poll's
transaction; the payment was re-read from the provider, and only what the provider says now is trusted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.payments.port import PaymentState, ProviderEvent
from core.payments.records import payment_finding
from core.store import models as m
from core.uow import UnitOfWork

if TYPE_CHECKING:
    from core.payments.ingest import PollResult


@dataclass
class Page:
    """What a page's events need from the store, read in a few queries when its transaction starts; the payments
    and refunds recorded while applying the page are added, so a page that names one twice records it once."""

    links: dict[str, m.PaymentLink]  # by link id (a poll makes none)
    payments: dict[str, m.Payment]  # by the provider's payment id
    refunds: set[str]  # the provider's refund ids already recorded
    invoices: dict[uuid.UUID, Any]  # issued invoices (id, currency) the page's references name

    def touched(self) -> set[uuid.UUID]:
        """The invoices whose matched payments this page recorded or refunded (their paid status may change)."""
        return {p.invoice_id for p in self.payments.values() if p.invoice_id is not None and p in self.changed}

    changed: set[Any] = field(default_factory=set)  # the payment rows recorded or refunded by this page


def _chunks(values: set[Any]) -> list[list[Any]]:
    ordered = sorted(values, key=str)
    return [ordered[i:i + 500] for i in range(0, len(ordered), 500)]


def read_page(uow: UnitOfWork, provider: str, events: list[ProviderEvent], states: dict[str, PaymentState]) -> Page:
    seen = [states.get(e.payment_id) for e in events]
    link_ids = {i for e, s in zip(events, seen, strict=True) for i in (e.link_id, s.link_id if s else None) if i}
    pay_ids = {e.payment_id for e in events}
    refund_ids = {e.refund_id for e in events if e.refund_id}
    references = {_uuid(r) for e, s in zip(events, seen, strict=True)
                  for r in (e.reference, s.reference if s else None)}
    session, link, pay, ref, inv = uow.session, m.PaymentLink, m.Payment, m.PaymentRefund, m.Invoice
    page = Page({}, {}, set(), {})
    for chunk in _chunks(link_ids):
        page.links.update({r.link_id: r for r in session.scalars(select(link).where(
            link.provider == provider, link.link_id.in_(chunk)))})
    for chunk in _chunks(pay_ids):
        page.payments.update({r.payment_ref: r for r in session.scalars(select(pay).where(
            pay.provider == provider, pay.payment_ref.in_(chunk)))})
    for chunk in _chunks(refund_ids):
        page.refunds.update(session.scalars(select(ref.refund_ref).where(ref.provider == provider,
                                                                         ref.refund_ref.in_(chunk))))
    for chunk in _chunks(references - {None}):
        page.invoices.update({r.id: r for r in session.execute(select(inv.id, inv.currency).where(
            inv.id.in_(chunk), inv.status != "draft", inv.type == "invoice", inv.deleted_at.is_(None)))})
    return page


def _uuid(reference: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(reference or "")
    except ValueError:
        return None


def _problem(link: m.PaymentLink, invoice: Any, state: PaymentState) -> tuple[str, str]:
    """The first rule the payment breaks (rule id, what differs), or ("", "") when it matches."""
    if invoice is None:
        return "QAYD-PAY-REFERENCE", f"reference {state.reference or '(none)'}"
    if link.invoice_id != invoice.id:
        return "QAYD-PAY-LINK", f"link {link.link_id}"
    if state.currency != link.currency or state.currency != invoice.currency:
        return "QAYD-PAY-CURRENCY", f"{state.currency}, invoice in {invoice.currency}"
    if state.amount != link.amount:
        return "QAYD-PAY-AMOUNT", f"paid {state.amount}, link for {link.amount}"
    return "", ""


def record_payment(uow: UnitOfWork, event: ProviderEvent, state: PaymentState, done: PollResult,
                   page: Page) -> str:
    """Record the payment `state` describes, once; the outcome stored with the event."""
    if state.payment_id in page.payments:
        return "duplicate"
    link = page.links.get(state.link_id or event.link_id or "")
    if link is None:
        done.findings.append(payment_finding("QAYD-PAY-UNKNOWN-LINK", state.payment_id,
                                             f"link {state.link_id or event.link_id or '(none)'}"))
        return "unknown_link"
    if link.owner_device_id != uow.ctx.device_id:
        return "not_ours"  # the desk that made the link records it
    if not state.paid:
        return "not_paid"
    invoice = page.invoices.get(_uuid(state.reference or event.reference))  # type: ignore[arg-type]
    rule, detail = _problem(link, invoice, state)
    now = uow.now()
    row = m.Payment(id=uuid.uuid4(), provider=event.provider, payment_ref=state.payment_id,
                    invoice_id=invoice.id if invoice is not None else None, link_id=link.link_id,
                    reference=state.reference, amount=state.amount, fee=state.fee or event.fee or Decimal("0"),
                    refunded=Decimal("0"), currency=state.currency, state="unmatched" if rule else "matched",
                    problem=rule,
                    paid_at=event.occurred_at, created_at=now, updated_at=now, device_id=uow.ctx.device_id)
    uow.session.add(row)
    page.payments[row.payment_ref] = row
    page.changed.add(row)
    subject = f"invoice:{invoice.id}" if invoice is not None else f"payment:{row.id}"
    uow.audit.append("payment.recorded" if not rule else "payment.unmatched", subject, {
        "provider": event.provider, "payment": state.payment_id, "event": event.event_id, "link": link.link_id,
        "amount": format(state.amount, "f"), "currency": state.currency, "problem": rule})
    if rule:
        done.unmatched += 1
        done.findings.append(payment_finding(rule, state.payment_id, detail))
        return "unmatched"
    done.recorded += 1
    return "recorded"


def record_refund(uow: UnitOfWork, event: ProviderEvent, state: PaymentState, done: PollResult,
                  page: Page) -> str:
    """A refund event: nothing when Qayd made it (recorded then); else recorded and a credit note drafted."""
    if not event.refund_id:
        return "ignored"
    if event.refund_id in page.refunds:
        return "duplicate"
    payment = page.payments.get(state.payment_id)
    if payment is None:  # the refund came first (pages out of order): record the payment from its re-read
        outcome = record_payment(uow, event, state, done, page)
        payment = page.payments.get(state.payment_id)
        if payment is None:
            return outcome
    page.refunds.add(event.refund_id)
    if _confirm_pending(uow, event, payment):
        return "refund_confirmed"  # Qayd's own refund, its answer lost to a crash: now recorded, nothing more
    if payment.refunded + event.amount > state.refunded:
        return "unconfirmed"  # the provider's own state does not show this refund: not trusted
    return _refund_seen(uow, event, payment, done)


def _confirm_pending(uow: UnitOfWork, event: ProviderEvent, payment: m.Payment) -> bool:
    """A refund Qayd reserved and asked for (core.payments.refunds) whose answer was never recorded."""
    refund = m.PaymentRefund
    # amounts compared as numbers (an adapter may say 50 where Qayd stored 50.00)
    pending = next((r for r in uow.session.scalars(select(refund).where(
        refund.payment_id == payment.id, refund.refund_ref.like("pending:%"))) if r.amount == event.amount), None)
    if pending is None:
        return False
    pending.refund_ref, pending.updated_at = event.refund_id or "", uow.now()
    uow.audit.append("payment.refunded", f"invoice:{pending.invoice_id}", {
        "provider": event.provider, "payment": payment.payment_ref, "amount": format(event.amount, "f"),
        "refund": event.refund_id, "confirmed_by": "poll"})
    return True


def _refund_seen(uow: UnitOfWork, event: ProviderEvent, payment: m.Payment, done: PollResult) -> str:
    now = uow.now()
    credit_note = _draft_credit_note(uow, payment, event) if payment.state == "matched" else None
    uow.session.add(m.PaymentRefund(
        id=uuid.uuid4(), payment_id=payment.id, invoice_id=payment.invoice_id, credit_note_id=None,
        provider=event.provider, refund_ref=event.refund_id or "", amount=event.amount, currency=event.currency,
        origin="provider", idempotency_key="", created_at=now, updated_at=now, device_id=uow.ctx.device_id))
    payment.refunded += event.amount
    payment.updated_at = now
    subject = f"invoice:{payment.invoice_id}" if payment.invoice_id else f"payment:{payment.id}"
    uow.audit.append("payment.refund_seen", subject, {
        "provider": event.provider, "payment": payment.payment_ref, "refund": event.refund_id,
        "amount": format(event.amount, "f"), "currency": event.currency, "credit_note": credit_note or ""})
    done.refunds += 1
    if credit_note:
        done.credit_notes.append(credit_note)
    detail = f"{event.amount} {event.currency}" + (f"; credit note {credit_note} drafted" if credit_note else "")
    done.findings.append(payment_finding("QAYD-PAY-REFUND-SEEN", payment.payment_ref, detail))
    return "refund"


def _draft_credit_note(uow: UnitOfWork, payment: m.Payment, event: ProviderEvent) -> str | None:
    from core.errors import ImmutableError
    from core.zatca import prepare_credit_note  # lxml and the gate load only when a refund needs a note

    try:
        return prepare_credit_note(uow, str(payment.invoice_id), event.amount,
                                   reason=f"Refund {event.refund_id} made at {event.provider}")
    except ImmutableError:
        return None  # an invoice that cannot be credited in part by machine: the finding asks a person
