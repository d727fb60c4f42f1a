"""Drafts as an editor keeps them: saved while being typed, updated in place, never changed once issued.

Unlike `service.import_drafts`, saving does not refuse a draft that breaks invoice rules: a half-typed
document is saved as it stands and its findings are shown beside it; the rules are enforced when it is
issued. Only what the store cannot hold is refused (no number, a number already taken, a value that is not
a number, an unknown customer or product). Each save is one transaction with its audit entry; an update
names the version it was made from, so two editors of one draft never overwrite each other silently.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update

from core.clock import saudi_time
from core.errors import ConcurrentEditError, ImmutableError, NotFoundError, ValidationError
from core.findings import Finding
from core.invoicing import repository as repo
from core.invoicing.interchange import draft_to_json
from core.invoicing.model import DocumentType, InvoiceDraft, Totals
from core.invoicing.rule_finding import is_finite, make
from core.invoicing.rules import validate
from core.invoicing.service import find_invoice_row, screen_buyer
from core.invoicing.totals import compute_totals
from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork

PREFIXES = {DocumentType.INVOICE: "INV", DocumentType.CREDIT_NOTE: "CN", DocumentType.DEBIT_NOTE: "DN"}
# Totals are stored as integer hundredths in a 64-bit column; anything near that is no real invoice.
_MAX_TOTAL = Decimal("10") ** 15
# Findings of `validate` that name values the store cannot hold at all.
# QAYD-TEXT-CHARS: a lone surrogate cannot even be written to SQLite, and no control character belongs in a draft.
_UNSTORABLE_RULES = frozenset({"QAYD-NUMBER", "QAYD-ISSUE-TIMEZONE", "QAYD-TEXT-CHARS"})


@dataclass(frozen=True, slots=True)
class SavedDraft:
    id: uuid.UUID
    number: str
    version: int  # give it back as `expected_version` with the next save
    totals: Totals
    created: bool  # True when this save stored the draft for the first time


def save_draft(uow: UnitOfWork, draft: InvoiceDraft, *, expected_version: int | None = None) -> SavedDraft:
    """Store a new draft, or replace the stored draft with the same id in place.

    `expected_version` is the version the caller read (or got back from its last save); None means the
    caller has never stored this draft. Raises ValidationError (with findings) for what cannot be stored,
    ImmutableError for an issued document, ConcurrentEditError when the draft changed since it was read.
    """
    inv = m.Base.metadata.tables["invoice"]
    current = uow.session.execute(
        select(inv.c.status, inv.c.version, inv.c.deleted_at).where(inv.c.id == draft.id)).first()
    if current is not None:
        if current.status != "draft":
            raise ImmutableError(f"{draft.number} has been issued; issued documents never change.",
                                 fix="Correct it with a credit or debit note.")
        if current.deleted_at is not None:
            raise NotFoundError(f"The draft {draft.number} was deleted.", fix="Start a new draft.")
        if expected_version != current.version:
            raise ConcurrentEditError(f"The draft {draft.number} was changed elsewhere since it was opened.",
                                      fix="Close it and open it again to see the latest version.")
    elif expected_version is not None:
        raise NotFoundError(f"The draft {draft.number} is no longer in the books.", fix="Start a new draft.")
    totals = compute_totals(draft)
    problems = unstorable(uow, draft, totals)
    if problems:
        raise ValidationError(f"The draft {draft.number or '(no number)'}", problems)
    _screen_customer(uow, draft)
    now, device = uow.now(), uow.ctx.device_id
    if current is None:
        batch = repo.InvoiceBatch()
        batch.add(draft, totals, device_id=device, now=now)
        batch.write(uow.session)
        version = 1
    else:
        version = current.version + 1
        values = _invoice_values(draft, totals, device, now)
        done = uow.session.execute(
            update(inv).where(inv.c.id == draft.id, inv.c.version == current.version, inv.c.status == "draft")
            .values(**values, version=version, updated_at=now, device_id=device))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for DML
            raise ConcurrentEditError(f"The draft {draft.number} was changed elsewhere while being saved.",
                                      fix="Close it and open it again to see the latest version.")
        _replace_children(uow, draft, totals)
    _audit(uow, draft, totals, "invoice.draft_created" if current is None else "invoice.draft_updated", version)
    for precheck in uow.ctx.draft_prechecks:
        precheck(uow, [draft])
    return SavedDraft(draft.id, draft.number, version, totals, current is None)


def _screen_customer(uow: UnitOfWork, draft: InvoiceDraft) -> None:
    """A draft for a restricted customer processes restricted data: compliance and admin only, and logged."""
    if draft.customer_id is None:
        return
    row = uow.session.get(m.Customer, draft.customer_id)
    if row is not None and row.restricted_at is not None:
        roles.require_customer(uow, row, "draft saved", fields=("invoice.buyer_json",))


def _invoice_values(draft: InvoiceDraft, totals: Totals, device: uuid.UUID, now: datetime) -> dict[str, object]:
    """The invoice row's columns a save may change (everything but identity, status and bookkeeping)."""
    batch = repo.InvoiceBatch()
    batch.add(draft, totals, device_id=device, now=now)
    values = batch.invoices[0]
    for key in ("id", "status", "version", "created_at", "updated_at", "deleted_at", "device_id"):
        values.pop(key)
    return values


def _replace_children(uow: UnitOfWork, draft: InvoiceDraft, totals: Totals) -> None:
    """A draft's lines and allowances are rewritten whole: they have no identity of their own."""
    tables = m.Base.metadata.tables
    for name in ("invoice_line", "invoice_allowance_charge"):
        uow.session.execute(delete(tables[name]).where(tables[name].c.invoice_id == draft.id))
    batch = repo.InvoiceBatch()
    batch.add(draft, totals, device_id=uow.ctx.device_id, now=uow.now())
    for name, rows in (("invoice_line", batch.lines), ("invoice_allowance_charge", batch.allowances)):
        if rows:
            uow.session.execute(insert(tables[name]), rows)


def _audit(uow: UnitOfWork, draft: InvoiceDraft, totals: Totals, action: str, version: int) -> None:
    doc = draft_to_json(draft)
    buyer = doc.pop("buyer", None)
    doc["payable"] = repo.decimal_text(totals.payable)
    doc["version"] = version
    subject = f"customer:{draft.customer_id}" if draft.customer_id else None
    uow.audit.append(action, f"invoice:{draft.id}", doc, personal={"buyer": buyer} if buyer else None,
                     personal_subject=subject)


def unstorable(uow: UnitOfWork, draft: InvoiceDraft, totals: Totals | None = None) -> list[Finding]:
    """What keeps `draft` out of the store: a missing or taken number, non-numbers, unknown references."""
    totals = totals if totals is not None else compute_totals(draft)
    found = [f for f in validate(draft) if f.rule in _UNSTORABLE_RULES]
    found += _number_findings(uow, draft)
    if not found and not all(is_finite(v) and abs(v) < _MAX_TOTAL for v in (
            totals.line_extension, totals.tax_exclusive, totals.tax_total, totals.tax_total_sar,
            totals.tax_inclusive, totals.payable)):
        found.append(make("QAYD-DRAFT-TOTAL", "lines", "The document's totals are too large to be stored.",
                          "Check the quantities and prices of the lines.",
                          "إجماليات المستند أكبر من أن تُحفظ.", "تحقق من كميات البنود وأسعارها."))
    return found + _unknown_references(uow, draft)


def _number_findings(uow: UnitOfWork, draft: InvoiceDraft) -> list[Finding]:
    number = draft.number.strip()
    if not number:
        return [make("QAYD-DRAFT-NUMBER", "number", "A draft needs a number before it can be saved.",
                     "Enter the document's number, e.g. the one suggested.",
                     "يحتاج المسودة إلى رقم قبل حفظها.", "أدخل رقم المستند، مثل الرقم المقترح.")]
    inv = m.Invoice
    other = uow.session.scalar(select(inv.id).where(inv.number == draft.number, inv.id != draft.id))
    if other is None:
        return []
    return [make("QAYD-DUPLICATE-NUMBER", "number", f"Invoice number {draft.number!r} is already in this "
                 "company's books.", "Give every document its own number.",
                 f"رقم الفاتورة {draft.number} مستخدم من قبل.", "أعطِ كل مستند رقماً خاصاً به.")]


def _unknown_references(uow: UnitOfWork, draft: InvoiceDraft) -> list[Finding]:
    found = []
    if draft.customer_id is not None and uow.session.get(m.Customer, draft.customer_id) is None:
        found.append(make("QAYD-UNKNOWN-REFERENCE", "buyer", "The chosen customer is not in this company's books.",
                          "Choose the customer again.", "العميل المختار غير موجود في دفاتر هذه الشركة.",
                          "اختر العميل مرة أخرى."))
    product_ids = {ln.product_id for ln in draft.lines if ln.product_id is not None}
    known = set(uow.session.scalars(select(m.Product.id).where(m.Product.id.in_(product_ids)))) if product_ids \
        else set()
    for i, line in enumerate(draft.lines):
        if line.product_id is not None and line.product_id not in known:
            found.append(make("QAYD-UNKNOWN-REFERENCE", f"lines[{i}].name",
                              "The product of this line is not in this company's books.",
                              "Choose the product again, or type the line by hand.",
                              "منتج هذا البند غير موجود في دفاتر هذه الشركة.",
                              "اختر المنتج مرة أخرى، أو اكتب البند يدوياً."))
    return found


def suggest_number(uow: UnitOfWork, type: DocumentType = DocumentType.INVOICE, *,
                   now: datetime | None = None) -> str:
    """The next free number of this year's sequence for the type and this device's series, e.g. INV-2026-0042,
    CN-2026-0003, or INV-2026-D7F3A-0042 on a desk that joined with series D7F3A."""
    year = saudi_time(now or uow.now()).year
    # Each device draws from its own series (chosen when it joined central), so two desks never pick one number.
    series = device_series(uow)
    prefix = f"{PREFIXES[type]}-{year}-{series}{'-' if series else ''}"
    number = m.Invoice.number
    candidates = uow.session.scalars(
        # Not the longer numbers of other series (INV-2026-D7F3A-0001 under INV-2026-): they would crowd this one out.
        select(number).where(number.like(f"{prefix}%"), number.not_like(f"{prefix}%-%"))
        .order_by(func.length(number).desc(), number.desc())
        .limit(200))
    highest = max((int(n[len(prefix):]) for n in candidates if n[len(prefix):].isdigit()), default=0)
    return _free(uow, highest + 1, prefix)


def device_series(uow: UnitOfWork) -> str:
    """This device's number series ("" for the desk that set up central, or a desk on its own)."""
    device = uow.session.get(m.Device, uow.ctx.device_id)
    return device.series if device is not None and device.series else ""


def note_base(uow: UnitOfWork, original: str, suffix: str) -> str:
    """The number a note or correction of `original` starts from: INV-2026-0001-CN, or INV-2026-0001-D7F3A-CN on a
    desk with series D7F3A. Two desks correcting the same invoice before they sync would otherwise both draft
    INV-2026-0001-CN (each checks only its own store): the series keeps them apart, as it does invoice numbers."""
    series = device_series(uow)
    return f"{original}-{series}-{suffix}" if series else f"{original}-{suffix}"


def _free(uow: UnitOfWork, start: int, prefix: str) -> str:
    n = start
    while uow.session.scalar(select(m.Invoice.id).where(m.Invoice.number == f"{prefix}{n:04d}")) is not None:
        n += 1
    return f"{prefix}{n:04d}"


def free_suffix(uow: UnitOfWork, base: str) -> str:
    """`base`, or base2, base3… whichever number is not taken yet (as `prepare_correction` names notes)."""
    taken = set(uow.session.scalars(select(m.Invoice.number).where(m.Invoice.number.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, 100_000) if f"{base}{n}" not in taken)


def prepare_note(uow: UnitOfWork, ref: str, type: DocumentType, *, reason: str = "") -> SavedDraft:
    """A credit or debit note draft for an issued invoice: its lines copied, its number as billing reference.

    The note is a draft to adjust (a partial credit keeps only some lines or quantities) and to give its
    reason before it is issued; `reason` may be left empty for the person to state it.
    """
    if not type.is_note:
        raise ValueError(f"{type} is not a note type")
    row = find_invoice_row(uow, ref)
    if row.status == "draft":
        raise ImmutableError(f"{row.number} is still a draft: edit it instead of writing a note for it.",
                             fix="Issue the invoice first, or change the draft itself.")
    if row.type != DocumentType.INVOICE.value:
        raise ImmutableError(f"{row.number} is a note; write the note for the invoice it refers to instead.",
                             fix="Open the original invoice and make the note from it.")
    screen_buyer(uow, row, "credit or debit note")
    original = repo.draft_from_row(row)
    issued = saudi_time(uow.now()).replace(microsecond=0)
    suffix = "CN" if type is DocumentType.CREDIT_NOTE else "DN"
    number = free_suffix(uow, note_base(uow, row.number, suffix))
    note = replace(original, id=uuid.uuid4(), type=type, number=number,
                   issue_datetime=issued, billing_reference=row.number, reason=reason, prepayments=(),
                   prepaid_amount=Decimal("0"), payable_rounding=Decimal("0"))
    saved = save_draft(uow, note)
    uow.audit.append("invoice.note_prepared", f"invoice:{row.id}", {"note": note.number, "type": type.value})
    return saved


def issued_qr(uow: UnitOfWork, ref: str) -> str:
    """The base64 TLV of an issued document's QR code."""
    row = find_invoice_row(uow, ref)
    doc = uow.session.get(m.IssuedDocument, row.id)
    if doc is None:
        raise NotFoundError(f"{row.number} is a draft; it has no QR code until it is issued.",
                            fix="Issue it first.")
    return doc.qr
