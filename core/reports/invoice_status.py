"""A printed copy's standing with ZATCA: the status note under the totals, and why a copy is not a final tax
invoice (not cleared or reported yet, rejected, or signed by a unit that is not a production one)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from core.store import models as m
from core.uow import UnitOfWork


def status_note(uow: UnitOfWork, invoice_id: uuid.UUID) -> tuple[str, str]:
    """Where the document stands with ZATCA, in English and Arabic, as printed under its totals."""
    sub = uow.session.scalars(select(m.ZatcaSubmission).where(m.ZatcaSubmission.invoice_id == invoice_id)).first()
    if sub is None:
        return ("Issued; not submitted to ZATCA.", "صدرت ولم ترسل إلى الهيئة.")
    if sub.state == "done" and sub.kind == "clearance":
        return ("Cleared by ZATCA.", "اعتمدت من هيئة الزكاة والضريبة والجمارك.")
    if sub.state == "done":
        return ("Reported to ZATCA.", "أبلغت إلى هيئة الزكاة والضريبة والجمارك.")
    if sub.state == "rejected":
        return ("Rejected by ZATCA: correct it with a credit note.", "رفضتها الهيئة: تصحح بإشعار دائن.")
    if sub.kind == "clearance":
        return ("Waiting for clearance by ZATCA.", "بانتظار الاعتماد من الهيئة.")
    return ("Waiting to be reported to ZATCA (within 24 hours).", "بانتظار الإبلاغ إلى الهيئة (خلال 24 ساعة).")


def not_final(uow: UnitOfWork, row: m.Invoice) -> tuple[str, ...]:
    """Why the copy of `row` cannot pass for a final tax invoice (keys of WHY_NOT_FINAL); () when it can: cleared
    or reported by ZATCA, and signed by a production EGS unit."""
    reasons: list[str] = []
    sub = uow.session.scalars(select(m.ZatcaSubmission).where(m.ZatcaSubmission.invoice_id == row.id)).first()
    if sub is not None and sub.state == "rejected":
        reasons.append("rejected")
    elif sub is None or sub.state != "done":
        reasons.append("uncleared" if row.kind == "standard" else "unreported")
    doc = uow.session.get(m.IssuedDocument, row.id)
    unit = uow.session.get(m.EgsUnit, doc.egs_unit_id) if doc is not None else None
    if unit is None or unit.environment != "production":
        reasons.append("demo")
    return tuple(reasons)
