"""A company ready to issue (demo data, a submitting EGS unit) and a snapshot of everything issuing may spend."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.invoicing.drafts import save_draft
from core.invoicing.model import Address, DocumentKind, DocumentType, InvoiceDraft, InvoiceLine, Party, VatCategory
from core.uow import Context
from core.zatca.egs import create_demo_egs

KSA = timezone(timedelta(hours=3))
BUYER = Party(name="شركة الأفق للتجارة", vat_number="311111111111113",
              address=Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211", "SA"))


def ready_to_issue(ctx: Context) -> None:
    """The demo company with a unit that signs locally but, unlike the demo unit, queues what it issues."""
    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        unit = create_demo_egs(uow, DEMO_COMPANY)
        unit.environment, unit.status = "simulation", "active"  # as if onboarded: issued documents are queued
        uow.commit()


def a_draft(number: str, at: datetime, **changes: object) -> InvoiceDraft:
    """A valid standard invoice with one 15 % line, issued at `at`, with some fields replaced."""
    base = InvoiceDraft(kind=DocumentKind.STANDARD, type=DocumentType.INVOICE, number=number,
                        issue_datetime=at.astimezone(KSA), supply_date=at.astimezone(KSA).date(), buyer=BUYER,
                        lines=(InvoiceLine("Consulting hours", Decimal("2"), Decimal("250.00"), VatCategory.STANDARD,
                                           Decimal("15")),), payment_means="10")
    return replace(base, **changes)  # type: ignore[arg-type]


def save(ctx: Context, *drafts: InvoiceDraft) -> None:
    """Store drafts as the editor does: saved even when they break rules (the rules apply when issuing)."""
    with ctx.uow() as uow:
        for draft in drafts:
            save_draft(uow, draft)
        uow.commit()


@dataclass(frozen=True)
class Spent:
    """Everything issuing moves: the counter and chain, the audit log, the queue, issued rows, invoice states."""

    icv: int
    last_hash: str | None
    audit_entries: int
    queued: tuple[str, ...]
    issued_documents: int
    statuses: tuple[tuple[str, str, int], ...]


def spent(ctx: Context) -> Spent:
    with sqlite3.connect(ctx.db.path) as conn:
        icv, last_hash = conn.execute("SELECT icv, last_hash FROM egs_unit ORDER BY created_at DESC").fetchone()
        audit = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
        queued = tuple(n for (n,) in conn.execute(
            "SELECT i.number FROM zatca_submission s JOIN invoice i ON i.id = s.invoice_id ORDER BY i.number"))
        docs = conn.execute("SELECT count(*) FROM issued_document").fetchone()[0]
        statuses = tuple(conn.execute("SELECT number, status, version FROM invoice ORDER BY number"))
    return Spent(icv, last_hash, audit, queued, docs, statuses)
