"""The payments this desk knows (recorded here or synchronised from other desks), as rows to list, and the findings
a payment can raise, in English and Arabic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from core.clock import saudi_time
from core.findings import Finding, Severity
from core.store import models as m
from core.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: uuid.UUID
    provider: str
    payment_ref: str
    invoice_number: str | None
    amount: Decimal
    fee: Decimal
    refunded: Decimal
    currency: str
    state: str  # matched | unmatched
    problem: str  # the rule an unmatched payment broke
    paid_at: datetime  # Saudi time


def list_payments(uow: UnitOfWork, *, state: str | None = None, limit: int = 100, offset: int = 0) -> list[PaymentRow]:
    """Payments, newest first (amounts and references only: nothing personal beyond the invoice number)."""
    pay, inv = m.Payment, m.Invoice
    query = (select(pay, inv.number).outerjoin(inv, inv.id == pay.invoice_id).where(pay.deleted_at.is_(None))
             .order_by(pay.paid_at.desc(), pay.payment_ref).offset(offset).limit(limit))
    if state:
        query = query.where(pay.state == state)
    return [PaymentRow(p.id, p.provider, p.payment_ref, number, p.amount, p.fee, p.refunded, p.currency, p.state,
                       p.problem, saudi_time(p.paid_at)) for p, number in uow.session.execute(query)]


# rule -> (English message, English fix, Arabic message, Arabic fix); `{payment}` and `{detail}` are filled in.
_TEXTS = {
    "QAYD-PAY-REFERENCE": (
        "Payment {payment} names no issued invoice of this company ({detail}).",
        "Find the invoice it was meant for and settle it by hand; the payment is kept as unmatched.",
        "الدفعة {payment} لا تشير إلى فاتورة صادرة لهذه المنشأة ({detail}).",
        "ابحث عن الفاتورة المقصودة وسوِّها يدويًا؛ حُفظت الدفعة غير مطابقة."),
    "QAYD-PAY-AMOUNT": (
        "Payment {payment} is for another amount than its link asked for ({detail}).",
        "Check the payment at the provider; refund it or settle it by hand. It was not applied to the invoice.",
        "مبلغ الدفعة {payment} يختلف عمّا طلبه رابط الدفع ({detail}).",
        "راجع الدفعة لدى مزود الدفع؛ أعدها أو سوِّها يدويًا. لم تُطبَّق على الفاتورة."),
    "QAYD-PAY-CURRENCY": (
        "Payment {payment} is in another currency than its invoice ({detail}).",
        "Check the payment at the provider; it was not applied to the invoice.",
        "عملة الدفعة {payment} تختلف عن عملة الفاتورة ({detail}).",
        "راجع الدفعة لدى مزود الدفع؛ لم تُطبَّق على الفاتورة."),
    "QAYD-PAY-LINK": (
        "Payment {payment} came through a link made for another invoice ({detail}).",
        "Check which invoice the customer meant to pay; it was not applied.",
        "وصلت الدفعة {payment} عبر رابط أُنشئ لفاتورة أخرى ({detail}).",
        "تحقق من الفاتورة التي قصد العميل سدادها؛ لم تُطبَّق الدفعة."),
    "QAYD-PAY-REFUND-SEEN": (
        "A refund of payment {payment} was made at the provider, not in Qayd ({detail}).",
        "A credit note was drafted for it: check it and issue it (`qayd invoice issue`).",
        "أُجري استرداد للدفعة {payment} لدى مزود الدفع وليس في قيد ({detail}).",
        "أُعدّت له مسودة إشعار دائن: راجعها وأصدرها (`qayd invoice issue`)."),
    "QAYD-PAY-UNKNOWN-LINK": (
        "Payment {payment} came through a link this desk does not know ({detail}).",
        "Sync with central (`qayd sync`): the desk that made the link records it. Otherwise it was made outside Qayd.",
        "وصلت الدفعة {payment} عبر رابط لا يعرفه هذا الجهاز ({detail}).",
        "زامن مع الخادم المركزي (`qayd sync`): الجهاز الذي أنشأ الرابط يسجلها، وإلا فقد أُنشئت خارج قيد."),
}


def payment_finding(rule: str, payment: str, detail: str) -> Finding:
    en, fix, ar, fix_ar = _TEXTS[rule]
    return Finding(rule, f"payment[{payment}]", en.format(payment=payment, detail=detail), fix, Severity.WARNING,
                   ar.format(payment=payment, detail=detail), fix_ar)
