"""Guided correction of a rejected or wrong issued invoice: a credit note that cancels it, and a new draft; and a
credit note for part of an invoice (a refund of money paid, issue 15)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from core.clock import saudi_time
from core.errors import ImmutableError
from core.invoicing import repository as repo
from core.invoicing import service
from core.invoicing.drafts import free_suffix, note_base
from core.invoicing.model import DocumentType, InvoiceDraft
from core.invoicing.service import find_invoice_row
from core.invoicing.totals import compute_totals
from core.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Correction:
    credit_note: str
    corrected_draft: str


def prepare_correction(uow: UnitOfWork, ref: str, *, reason: str = "Correction of an invoice in error") -> Correction:
    """Two drafts: a credit note for the whole original, and a copy of it under a new number to fix and issue."""
    row = find_invoice_row(uow, ref)
    if row.status == "draft":
        raise ImmutableError(f"{row.number} is still a draft: edit it instead of correcting it.")
    if row.type != DocumentType.INVOICE.value:
        raise ImmutableError(f"{row.number} is a note; correct the invoice it refers to instead.")
    original, now = repo.draft_from_row(row), uow.now()
    issued = saudi_time(now)
    credit_number, corrected_number = (_free(uow, note_base(uow, row.number, s)) for s in ("CN", "R"))
    credit = replace(original, id=uuid.uuid4(), type=DocumentType.CREDIT_NOTE, number=credit_number,
                     issue_datetime=issued, billing_reference=row.number, reason=reason)
    corrected = replace(original, id=uuid.uuid4(), number=corrected_number, issue_datetime=issued,
                        supply_date=original.supply_date)
    service.import_drafts(uow, [credit, corrected])
    uow.audit.append("invoice.correction_prepared", f"invoice:{row.id}", {
        "credit_note": credit.number, "corrected_draft": corrected.number, "reason": reason})
    return Correction(credit.number, corrected.number)


def _free(uow: UnitOfWork, base: str) -> str:
    """`base`, or base2, base3… whichever number is not taken yet, as `core.invoicing.drafts` numbers notes (by
    number alone: it reads no customer's name, so no read of personal data is logged for it)."""
    return free_suffix(uow, base)


def prepare_credit_note(uow: UnitOfWork, ref: str, amount: Decimal, *, reason: str) -> str:
    """A draft credit note of `amount` (tax included) against issued invoice `ref`, for a person to issue.

    The whole invoice is credited as it was (like `prepare_correction`); a part is one line at the invoice's single
    VAT rate whose total is exactly `amount`. An invoice with several rates is credited in part only by hand.
    """
    row = find_invoice_row(uow, ref)
    if row.status == "draft" or row.type != DocumentType.INVOICE.value:
        raise ImmutableError(f"{row.number} is not an issued invoice: a credit note refers to one.")
    original, issued = repo.draft_from_row(row), saudi_time(uow.now())
    number = _free(uow, note_base(uow, row.number, "CN"))
    base = replace(original, id=uuid.uuid4(), type=DocumentType.CREDIT_NOTE, number=number, issue_datetime=issued,
                   billing_reference=row.number, reason=reason)
    draft = base if amount == row.payable else _part(base, amount)
    service.import_drafts(uow, [draft])
    uow.audit.append("invoice.credit_note_prepared", f"invoice:{row.id}", {
        "credit_note": draft.number, "amount": format(amount, "f"), "reason": reason})
    return draft.number


def _part(base: InvoiceDraft, amount: Decimal) -> InvoiceDraft:
    rates = {(line.vat_category, line.vat_rate, line.exemption_reason_code) for line in base.lines}
    if len(rates) != 1 or base.allowances or base.prepayments or base.prepaid_amount:
        raise ImmutableError(f"{base.billing_reference} has several VAT rates, allowances or prepayments: "
                             "a credit note for part of it cannot be drafted for you.",
                             fix="Draft the credit note yourself (`qayd invoice import`), issue it, then refund.")
    first = base.lines[0]
    net = (amount * 100 / (100 + first.vat_rate)).quantize(Decimal("0.01"))
    # VAT is rounded on the total: try the neighbours of the plain division for a total of exactly `amount`.
    for price in (net, net - Decimal("0.01"), net + Decimal("0.01")):
        line = replace(first, name=f"Refund on {base.billing_reference}",
                       name_ar=f"استرداد للفاتورة {base.billing_reference}", quantity=Decimal("1"),
                       unit_price=price, discount=Decimal("0"), product_id=None)
        draft = replace(base, lines=(line,), payable_rounding=Decimal("0"))
        if compute_totals(draft).payable == amount:
            return draft
    return replace(base, lines=(line,), payable_rounding=amount - compute_totals(draft).payable)
