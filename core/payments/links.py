"""A payment link for an issued invoice's outstanding amount, with a deterministic idempotency key.

The key is a hash of the invoice's UUID, the amount and how many links the invoice had: a retry after a crash (the
provider made the link, this desk never recorded it) asks with the same key and gets the same link back, while a
new link after a part payment (another amount, one more link) is a new one.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from core.errors import ImmutableError, ValidationError
from core.findings import Finding
from core.incident import check_not_held
from core.invoicing.service import find_invoice_row
from core.payments.port import LinkRequest, PaymentLink, PaymentProvider
from core.payments.status import paid_status
from core.store import models as m
from core.uow import Context, UnitOfWork


def link_key(invoice_id: uuid.UUID, amount: Decimal, made: int) -> str:
    digest = hashlib.sha256(f"qayd-link|{invoice_id}|{format(amount, 'f')}|{made}".encode()).hexdigest()
    return f"qayd-link-{digest[:40]}"


def _request(uow: UnitOfWork, ref: str, currency: str) -> LinkRequest | None:
    """What to ask the provider for, or None when nothing is outstanding."""
    row = find_invoice_row(uow, ref)
    if row.status == "draft" or row.type != "invoice":
        raise ImmutableError(f"{row.number} is not an issued invoice: only an issued invoice can be paid by link.",
                             fix="Issue it first (`qayd invoice issue`); notes are settled through their invoice.")
    if row.currency != currency:
        raise ValidationError("The payment link", [Finding(
            "QAYD-PAY-CURRENCY", "invoice.currency", f"{row.number} is in {row.currency}; links are made in "
            f"{currency}.", "Settle it by other means, or set [payments] currency.",
            message_ar=f"عملة الفاتورة {row.number} هي {row.currency}؛ تُنشأ الروابط بعملة {currency}.",
            fix_ar="سوِّها بطريقة أخرى، أو غيّر إعداد العملة في [payments].")])
    status = paid_status(uow, row.id)
    if status is None or status.outstanding <= 0:
        return None
    made = uow.session.scalar(select(func.count()).select_from(m.PaymentLink)
                              .where(m.PaymentLink.invoice_id == row.id)) or 0
    return LinkRequest(invoice_uuid=str(row.id), invoice_number=row.number, amount=status.outstanding,
                       currency=row.currency, description=f"Invoice {row.number}",
                       idempotency_key=link_key(row.id, status.outstanding, made))


def _open_link(uow: UnitOfWork, request: LinkRequest, provider: str) -> PaymentLink | None:
    """A link made earlier for the same amount, not expired and not paid through: given again rather than a second
    page for the customer (two clicks, or the e-mail sent again)."""
    link = m.PaymentLink
    row = uow.session.scalars(select(link).where(
        link.invoice_id == uuid.UUID(request.invoice_uuid), link.provider == provider, link.deleted_at.is_(None))
        .order_by(link.sequence.desc())).first()
    if row is None or row.amount != request.amount or (row.expires_at is not None and row.expires_at <= uow.now()):
        return None
    if uow.session.scalar(select(m.Payment.id).where(m.Payment.provider == provider,
                                                     m.Payment.link_id == row.link_id).limit(1)) is not None:
        return None  # paid through already (in part, or another amount): a hosted page takes one payment
    return PaymentLink(row.provider, row.link_id, row.url, row.amount, row.currency, row.expires_at)


def make_link(ctx: Context, provider: PaymentProvider, ref: str, *, currency: str = "SAR") -> PaymentLink | None:
    """A link for what `ref` still asks for (None when it is paid): the open link for that amount when there is
    one, else asked of the provider and recorded with its audit entry (the provider called outside any
    transaction)."""
    with ctx.uow(write=False) as uow:
        check_not_held(uow, "payments")  # incident mode: no link is asked of the provider
        request = _request(uow, ref, currency)
        existing = None if request is None else _open_link(uow, request, provider.name)
    if request is None or existing is not None:
        return existing
    link = provider.create_link(request)
    with ctx.uow() as uow:
        row = uow.session.scalars(select(m.PaymentLink).where(
            m.PaymentLink.idempotency_key == request.idempotency_key)).first()
        if row is None:  # the same key twice (two clicks) is one link
            _add(uow, request, link)
            uow.commit()
    return link


def _add(uow: UnitOfWork, request: LinkRequest, link: PaymentLink) -> None:
    now, invoice_id = uow.now(), uuid.UUID(request.invoice_uuid)
    made = uow.session.scalar(select(func.count()).select_from(m.PaymentLink)
                              .where(m.PaymentLink.invoice_id == invoice_id)) or 0
    uow.session.add(m.PaymentLink(
        id=uuid.uuid4(), invoice_id=invoice_id, provider=link.provider, link_id=link.link_id, url=link.url,
        amount=link.amount, currency=link.currency, sequence=made + 1, idempotency_key=request.idempotency_key,
        owner_device_id=uow.ctx.device_id, expires_at=link.expires_at, created_at=now, updated_at=now,
        device_id=uow.ctx.device_id))
    uow.audit.append("payment.link_created", f"invoice:{invoice_id}", {
        "provider": link.provider, "link": link.link_id, "amount": format(link.amount, "f"),
        "currency": link.currency, "idempotency_key": request.idempotency_key})
