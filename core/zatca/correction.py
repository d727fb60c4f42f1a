"""Guided correction of a rejected or wrong issued invoice: a credit note that cancels it, and a new draft."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from core.clock import saudi_time
from core.errors import ImmutableError
from core.invoicing import repository as repo
from core.invoicing import service
from core.invoicing.drafts import free_suffix, note_base
from core.invoicing.model import DocumentType
from core.invoicing.service import find_invoice_row
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
