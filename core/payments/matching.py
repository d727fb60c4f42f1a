"""One polled event applied to the books: a payment matched to its invoice (or kept unmatched with a finding), or a
refund made at the provider (recorded, with a credit note drafted for a person to issue). Runs inside the poll's
transaction; the payment was re-read from the provider, and only what the provider says now is trusted."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.payments.port import PaymentState, ProviderEvent
from core.payments.records import payment_finding
from core.store import models as m
from core.uow import UnitOfWork

if TYPE_CHECKING:
    from core.payments.ingest import PollResult


def _link(uow: UnitOfWork, provider: str, link_id: str | None) -> m.PaymentLink | None:
    if not link_id:
        return None
    return uow.session.scalars(select(m.PaymentLink).where(m.PaymentLink.provider == provider,
                                                           m.PaymentLink.link_id == link_id)).first()


def _payment(uow: UnitOfWork, provider: str, payment_ref: str) -> m.Payment | None:
    return uow.session.scalars(select(m.Payment).where(m.Payment.provider == provider,
                                                       m.Payment.payment_ref == payment_ref)).first()


def _invoice(uow: UnitOfWork, reference: str | None) -> m.Invoice | None:
    """The issued invoice whose UUID (its id: the document's cbc:UUID) the provider echoed back."""
    try:
        invoice_id = uuid.UUID(reference or "")
    except ValueError:
        return None
    row = uow.session.get(m.Invoice, invoice_id)
    ok = row is not None and row.status != "draft" and row.type == "invoice" and row.deleted_at is None
    return row if ok else None


def _problem(link: m.PaymentLink, invoice: m.Invoice | None, state: PaymentState) -> tuple[str, str]:
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


def record_payment(uow: UnitOfWork, event: ProviderEvent, state: PaymentState, done: PollResult) -> str:
    """Record the payment `state` describes, once; the outcome stored with the event."""
    if _payment(uow, event.provider, state.payment_id) is not None:
        return "duplicate"
    link = _link(uow, event.provider, state.link_id or event.link_id)
    if link is None:
        done.findings.append(payment_finding("QAYD-PAY-UNKNOWN-LINK", state.payment_id,
                                             f"link {state.link_id or event.link_id or '(none)'}"))
        return "unknown_link"
    if link.owner_device_id != uow.ctx.device_id:
        return "not_ours"  # the desk that made the link records it
    if not state.paid:
        return "not_paid"
    invoice = _invoice(uow, state.reference or event.reference)
    rule, detail = _problem(link, invoice, state)
    now = uow.now()
    row = m.Payment(id=uuid.uuid4(), provider=event.provider, payment_ref=state.payment_id,
                    invoice_id=invoice.id if invoice is not None else None, link_id=link.link_id,
                    reference=state.reference, amount=state.amount, fee=state.fee or event.fee or Decimal("0"),
                    refunded=Decimal("0"), currency=state.currency, state="unmatched" if rule else "matched",
                    problem=rule,
                    paid_at=event.occurred_at, created_at=now, updated_at=now, device_id=uow.ctx.device_id)
    uow.session.add(row)
    uow.session.flush()
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


def record_refund(uow: UnitOfWork, event: ProviderEvent, state: PaymentState, done: PollResult) -> str:
    """A refund event: nothing when Qayd made it (recorded then); else recorded and a credit note drafted."""
    refund = m.PaymentRefund
    if not event.refund_id:
        return "ignored"
    if uow.session.scalar(select(refund.id).where(refund.provider == event.provider,
                                                  refund.refund_ref == event.refund_id)):
        return "duplicate"
    payment = _payment(uow, event.provider, state.payment_id)
    if payment is None:  # the refund came first (pages out of order): record the payment from its re-read
        outcome = record_payment(uow, event, state, done)
        payment = _payment(uow, event.provider, state.payment_id)
        if payment is None:
            return outcome
    if payment.refunded + event.amount > state.refunded:
        return "unconfirmed"  # the provider's own state does not show this refund: not trusted
    return _refund_seen(uow, event, payment, done)


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
