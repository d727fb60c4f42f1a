"""A refund made from Qayd: only against an issued credit note for the invoice, never more than was paid.

Issuing a credit note moves the ICV, so it is a person's act: when no issued credit note covers the refund, one is
drafted (as `qayd invoice correct` drafts) and the refund waits until a person issues it. The provider's refund is
asked with a deterministic idempotency key (the payment, the amount, how many refunds it had), so a retry after a
crash refunds once.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.errors import ValidationError
from core.findings import Finding
from core.incident import check_not_held
from core.invoicing.service import find_invoice_row
from core.payments.port import PaymentProvider
from core.store import models as m
from core.uow import Context, UnitOfWork

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class RefundMade:
    invoice: str
    amount: Decimal
    refunds: tuple[str, ...]  # the provider's refund ids


@dataclass(frozen=True, slots=True)
class _Plan:
    invoice_id: uuid.UUID
    number: str
    credit_note_id: uuid.UUID
    parts: tuple[tuple[uuid.UUID, str, Decimal, str], ...]  # payment row, provider payment id, amount, key


def refund_key(payment_ref: str, amount: Decimal, made: int) -> str:
    digest = hashlib.sha256(f"qayd-refund|{payment_ref}|{format(amount, 'f')}|{made}".encode()).hexdigest()
    return f"qayd-refund-{digest[:40]}"


def _refused(rule: str, field: str, en: tuple[str, str], ar: tuple[str, str]) -> ValidationError:
    return ValidationError("The refund", [Finding(rule, field, en[0], en[1], message_ar=ar[0], fix_ar=ar[1])])


def _credit_left(uow: UnitOfWork, row: m.Invoice) -> tuple[uuid.UUID | None, Decimal]:
    """The newest issued credit note of the invoice, and how much of all its issued credit notes is not refunded."""
    inv = m.Invoice
    notes = list(uow.session.execute(select(inv.id, inv.payable).where(
        inv.billing_reference == row.number, inv.type == "credit_note", inv.status != "draft",
        inv.deleted_at.is_(None)).order_by(inv.issue_datetime)))
    refunded = sum(uow.session.scalars(select(m.PaymentRefund.amount).where(m.PaymentRefund.invoice_id == row.id)),
                   ZERO)
    return (notes[-1].id if notes else None), sum((n.payable for n in notes), ZERO) - refunded


def _plan(uow: UnitOfWork, ref: str, amount: Decimal, provider: str) -> _Plan | str:
    """The refund split over the invoice's payments (oldest first), or the number of a credit note drafted."""
    row = find_invoice_row(uow, ref)
    payments = list(uow.session.scalars(select(m.Payment).where(
        m.Payment.invoice_id == row.id, m.Payment.state == "matched", m.Payment.provider == provider,
        m.Payment.deleted_at.is_(None)).order_by(m.Payment.paid_at)))
    paid = sum((p.amount - p.refunded for p in payments), ZERO)
    if amount <= 0 or amount > paid:
        raise _refused("QAYD-PAY-REFUND-LIMIT", "amount",
                       (f"A refund of {amount} on {row.number} must be more than 0 and at most what was paid and not "
                        f"refunded yet: {paid} {row.currency}.", "Refund at most that amount."),
                       (f"يجب أن يكون استرداد {amount} على {row.number} أكبر من صفر ولا يتجاوز المدفوع غير المسترد: "
                        f"{paid} {row.currency}.", "استرد هذا المبلغ أو أقل."))
    note, left = _credit_left(uow, row)
    if note is None or left < amount:
        from core.zatca import prepare_credit_note  # the gate loads only when a note is drafted

        return prepare_credit_note(uow, row.number, amount - max(left, ZERO), reason="Refund of a payment")
    return _Plan(row.id, row.number, note, tuple(_parts(uow, payments, amount)))


def _parts(uow: UnitOfWork, payments: list[m.Payment], amount: Decimal) -> list[tuple[uuid.UUID, str, Decimal, str]]:
    parts, rest = [], amount
    for p in payments:
        take = min(rest, p.amount - p.refunded)
        if take > 0:
            made = len(list(uow.session.scalars(select(m.PaymentRefund.id).where(m.PaymentRefund.payment_id == p.id))))
            parts.append((p.id, p.payment_ref, take, refund_key(p.payment_ref, take, made)))
            rest -= take
    return parts


PENDING = "pending:"  # the refund_ref of a refund asked of the provider whose answer is not recorded yet


def refund(ctx: Context, provider: PaymentProvider, ref: str, amount: Decimal) -> RefundMade | str:
    """Refund `amount` of invoice `ref`'s payments; or, with no issued credit note covering it, draft one and
    return its number (committed: a person reviews and issues it, then runs the refund again).

    Each part is reserved in the store (a pending refund, counted as refunded) before the provider is asked, and
    confirmed with the provider's refund id after: a crash in between leaves the reservation, which the next run
    (or the poll, when the refund's event comes back) completes under the same key. Nothing is refunded twice,
    and the refund's own event is never mistaken for one made at the provider."""
    with ctx.uow(write=False) as uow:
        check_not_held(uow, "payments")  # incident mode: the provider is not asked, nothing is reserved
    interrupted = _pending(ctx, ref, provider.name)
    if interrupted:  # an earlier run was cut off after reserving: finish it first, under the same keys
        return RefundMade(ref, sum((p[3] for p in interrupted), ZERO),
                          tuple(_ask(ctx, provider, *p) for p in interrupted))
    with ctx.uow() as uow:
        plan = _plan(uow, ref, amount, provider.name)
        if isinstance(plan, str):
            uow.commit()
            return plan
    made = []
    for payment_id, payment_ref, part, key in plan.parts:
        pending = _reserve(ctx, plan, payment_id, part, key)
        made.append(_ask(ctx, provider, pending, payment_ref, key, part))
    return RefundMade(plan.number, amount, tuple(made))


def _pending(ctx: Context, ref: str, provider: str) -> list[tuple[uuid.UUID, str, str, Decimal]]:
    with ctx.uow(write=False) as uow:
        row = find_invoice_row(uow, ref)
        refund, pay = m.PaymentRefund, m.Payment
        return [(r.id, r.payment_ref, r.idempotency_key, r.amount) for r in uow.session.execute(
            select(refund.id, pay.payment_ref, refund.idempotency_key, refund.amount)
            .join(pay, pay.id == refund.payment_id)
            .where(refund.invoice_id == row.id, refund.provider == provider, refund.refund_ref.like(f"{PENDING}%")))]


def _ask(ctx: Context, provider: PaymentProvider, pending: uuid.UUID, payment_ref: str, key: str,
         amount: Decimal) -> str:
    """Ask the provider (outside any transaction); a refusal releases the reservation, a timeout keeps it."""
    from core.payments.errors import PaymentRefused

    try:
        done = provider.refund(payment_ref, amount, idempotency_key=key)
    except PaymentRefused:
        _settle(ctx, pending, None)
        raise
    _settle(ctx, pending, done.refund_id)
    return done.refund_id


def _reserve(ctx: Context, plan: _Plan, payment_id: uuid.UUID, amount: Decimal, key: str) -> uuid.UUID:
    with ctx.uow() as uow:
        payment = uow.session.get(m.Payment, payment_id)
        assert payment is not None  # read by _plan a moment ago; payments are never deleted
        now, pending = uow.now(), uuid.uuid4()
        uow.session.add(m.PaymentRefund(
            id=pending, payment_id=payment_id, invoice_id=plan.invoice_id, credit_note_id=plan.credit_note_id,
            provider=payment.provider, refund_ref=f"{PENDING}{key}", amount=amount, currency=payment.currency,
            origin="qayd", idempotency_key=key, created_at=now, updated_at=now, device_id=uow.ctx.device_id))
        payment.refunded += amount
        payment.updated_at = now
        uow.audit.append("payment.refund_requested", f"invoice:{plan.invoice_id}", {
            "provider": payment.provider, "payment": payment.payment_ref, "amount": format(amount, "f"),
            "idempotency_key": key, "credit_note": str(plan.credit_note_id)})
        uow.commit()
    return pending


def _settle(ctx: Context, pending: uuid.UUID, refund_ref: str | None) -> None:
    """Confirm a reserved refund with the provider's id, or (None: refused) release it."""
    with ctx.uow() as uow:
        row = uow.session.get(m.PaymentRefund, pending)
        if row is None or not row.refund_ref.startswith(PENDING):
            return  # the poll confirmed it from the refund's event meanwhile
        payment = uow.session.get(m.Payment, row.payment_id)
        assert payment is not None
        data = {"provider": row.provider, "payment": payment.payment_ref, "amount": format(row.amount, "f")}
        if refund_ref is None:
            payment.refunded -= row.amount
            uow.session.delete(row)
            uow.audit.append("payment.refund_refused", f"invoice:{row.invoice_id}", data)
        else:
            row.refund_ref, row.updated_at = refund_ref, uow.now()
            uow.audit.append("payment.refunded", f"invoice:{row.invoice_id}", {**data, "refund": refund_ref})
        payment.updated_at = uow.now()
        uow.commit()
