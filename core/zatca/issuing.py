"""Issuing a draft: next ICV, PIH, UBL, hash, stamp, QR, audit entry and queue item, all in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from core.clock import saudi_time
from core.company_settings import get_setting
from core.errors import ConcurrentEditError, ImmutableError, NotFoundError, QaydError, ValidationError
from core.findings import errors_in
from core.incident import check_not_held
from core.invoicing import repository as repo
from core.invoicing.model import DocumentKind, InvoiceDraft
from core.invoicing.rules import validate
from core.invoicing.service import find_invoice_row, get_company
from core.privacy import sealing
from core.progress import Progress
from core.store.models import Base, EgsUnit, IssuedDocument, ZatcaSubmission
from core.uow import Context, UnitOfWork
from core.zatca import egs as egs_units
from core.zatca import stored
from core.zatca.gate import Passes, gate
from core.zatca.hashing import FIRST_PIH
from core.zatca.queue import submission_row
from core.zatca.signing import Stamped, stamp_phase1_text, stamp_text
from core.zatca.ubl import DocumentIds, UnsignedInvoice, build_invoice_text

PHASE_SETTING = "zatca.phase"


@dataclass(frozen=True, slots=True)
class IssuedInfo:
    invoice_id: uuid.UUID
    number: str
    egs: str
    icv: int
    invoice_hash: str
    qr: str
    phase: int
    submission: str  # clearance | reporting | "" (phase 1 or demo unit: nothing to submit)


def issue_invoice(uow: UnitOfWork, ref: str, *, egs_ref: str | None = None) -> IssuedInfo:
    """Turn one draft into an issued, stamped document. Nothing is written unless all of it succeeds."""
    return issue_many(uow, [ref], egs_ref=egs_ref)[0]


def issue_many(uow: UnitOfWork, refs: Sequence[str], *, egs_ref: str | None = None,
               progress: Progress | None = None) -> list[IssuedInfo]:
    """Issue drafts in order, chained on one EGS unit, within the caller's transaction (all or nothing).

    Reads and writes in bulk (Core statements, one per table) so that the cryptography, not the database,
    sets the pace; callers that want cancellable progress hand over a few hundred drafts per transaction.
    """
    ids = find_invoice_ids(uow, refs)
    unit = egs_units.get_egs(uow, egs_ref)
    batch = _Batch(uow, unit)
    for start in range(0, len(ids), CHUNK):
        batch.passes.load(ids[start : start + CHUNK])
        for draft, status, version in repo.load_drafts(uow.session, ids[start : start + CHUNK]):
            batch.issue(draft, status, version)
        if progress is not None:
            progress(min(1.0, (start + CHUNK) / len(ids)), f"{len(batch.issued):,} documents issued")
    batch.write()
    return batch.issued


def issue_imported(uow: UnitOfWork, drafts: Sequence[InvoiceDraft], *, egs_ref: str | None = None) -> list[IssuedInfo]:
    """Issue drafts that `import_drafts` stored (and the rules passed) in this same transaction.

    The drafts are in memory and were validated a moment ago, so they are neither read back nor checked twice:
    the path of `qayd invoice import FILE --issue` and of documents that arrive from other systems.
    """
    batch = _Batch(uow, egs_units.get_egs(uow, egs_ref), rules_checked=True)
    batch.passes.load([draft.id for draft in drafts])
    for draft in drafts:
        batch.issue(draft, "draft", 1)
    batch.write()
    return batch.issued


CHUNK = 500


@dataclass(frozen=True, slots=True)
class IssueRun:
    """What `issue_in_order` did: the drafts issued (each committed and queued), the one refused, the rest."""

    issued: list[IssuedInfo]
    refused: str = ""  # the reference of the refused draft, "" when none was
    error: QaydError | None = None  # why it was refused (findings on a ValidationError)
    not_attempted: tuple[str, ...] = ()


def issue_in_order(ctx: Context, refs: Sequence[str], *, egs_ref: str | None = None) -> IssueRun:
    """Issue drafts in the order given, one transaction each, and stop at the first one refused.

    Those before it stay issued and queued; it and those after it stay drafts. Stopping rather than skipping keeps
    the clerk's order: a corrected invoice is not issued when the credit note before it was refused.
    """
    issued: list[IssuedInfo] = []
    for at, ref in enumerate(refs):
        try:
            with ctx.uow() as uow:
                issued.append(issue_invoice(uow, ref, egs_ref=egs_ref))
                uow.commit()
        except QaydError as exc:  # the transaction rolled back: nothing of this draft was written
            return IssueRun(issued, ref, exc, tuple(refs[at + 1 :]))
    return IssueRun(issued)


class _Batch:
    """The documents of one issuing run: stamped one by one, written together."""

    def __init__(self, uow: UnitOfWork, unit: EgsUnit, *, rules_checked: bool = False) -> None:
        self.uow, self.unit, self.rules_checked = uow, unit, rules_checked
        check_not_held(uow, "issuing")  # only an automatic incident (a failed verification) locks issuing
        self.seller, self.now = get_company(uow), uow.now()
        expires = unit.certificate_expires_at
        if expires is not None and expires <= self.now:
            raise ImmutableError(f"The certificate of EGS unit {unit.name!r} expired on {expires:%Y-%m-%d}; "
                                 "documents signed with it would be rejected.",
                                 fix="Renew it with `qayd zatca renew --otp …`, then issue again.")
        self.phase = int(get_setting(uow, PHASE_SETTING, 2))
        self.identity = egs_units.signing_identity(uow, unit) if self.phase == 2 else None
        self.submits = self.phase == 2 and unit.environment != egs_units.DEMO_ENVIRONMENT
        self.icv, self.pih = unit.icv, unit.last_hash or FIRST_PIH
        self.passes = Passes(uow.session)
        self.issued: list[IssuedInfo] = []
        self.docs: list[dict[str, Any]] = []
        self.invoices: list[dict[str, Any]] = []
        self.queue: list[dict[str, Any]] = []

    def issue(self, draft: InvoiceDraft, status: str, version: int) -> None:
        if status != "draft":
            raise ImmutableError(f"{draft.number} was already issued; issued documents never change.",
                                 fix="Correct it with a credit or debit note (`qayd invoice correct`).")
        findings = [] if self.rules_checked else validate(draft, seller=self.seller, now=self.now)
        if errors_in(findings):
            raise ValidationError(f"Invoice {draft.number}", findings)
        ids = DocumentIds(uuid=draft.id, icv=self.icv + 1, pih=self.pih)
        unsigned = build_invoice_text(draft, self.seller, ids)
        # The last gate: the exact text whose hash is signed, through the XSD and every XML rule (or proved to be the
        # text that passed them when the draft was saved). It raises before the counter, the chain, the audit log or
        # the queue is touched.
        gate(unsigned.text, now=self.now, number=draft.number, passed=self.passes, invoice_id=draft.id)
        stamped = self._stamp(draft, unsigned)
        self.icv, self.pih = ids.icv, stamped.invoice_hash
        kind = ("reporting" if draft.kind is DocumentKind.SIMPLIFIED else "clearance") if self.submits else ""
        self._rows(draft, version, ids, stamped, kind)
        self.uow.audit.append("invoice.issued", f"invoice:{draft.id}", {
            "number": draft.number, "egs": self.unit.name, "icv": ids.icv, "pih": ids.pih,
            "invoice_hash": stamped.invoice_hash, "phase": self.phase, "submission": kind})
        self.issued.append(IssuedInfo(draft.id, draft.number, self.unit.name, ids.icv, stamped.invoice_hash,
                                      stamped.qr, self.phase, kind))

    def _stamp(self, draft: InvoiceDraft, unsigned: UnsignedInvoice) -> Stamped:
        if self.identity is None:
            return stamp_phase1_text(unsigned)
        signing_time = saudi_time(self.now)  # Saudi time, the same clock as IssueTime
        return stamp_text(unsigned, self.identity, signing_time=signing_time)

    def _rows(self, draft: InvoiceDraft, version: int, ids: DocumentIds, stamped: Stamped, kind: str) -> None:
        device = self.uow.ctx.device_id
        self.docs.append({"invoice_id": draft.id, "egs_unit_id": self.unit.id, "icv": ids.icv, "uuid": ids.uuid,
                          "pih": ids.pih, "invoice_hash": stamped.invoice_hash, "phase": self.phase, "qr": stamped.qr,
                          "xml": stamped.xml, "issued_at": self.now, "device_id": device})
        self.invoices.append({"b_id": draft.id, "b_version": version})
        if kind:
            self.queue.append(submission_row(invoice_id=draft.id, egs_unit_id=self.unit.id, kind=kind,
                                             issued_at=draft.issue_datetime, now=self.now, device_id=device))

    def write(self) -> None:
        if not self.issued:
            return
        tables, session = Base.metadata.tables, self.uow.session
        session.execute(insert(tables["issued_document"]), self.docs)
        inv = tables["invoice"]
        done = session.execute(update(inv).where(inv.c.id == bindparam("b_id"), inv.c.version == bindparam(
            "b_version"), inv.c.status == "draft").values(status="issued", version=inv.c.version + 1,
                                                          updated_at=self.now, device_id=self.uow.ctx.device_id),
            self.invoices)
        if done.rowcount != len(self.invoices):  # type: ignore[attr-defined]  # a CursorResult for DML
            raise ConcurrentEditError("Some of these drafts were changed or issued elsewhere while being issued.",
                                      fix="Nothing was issued; try again.")
        if self.queue:
            session.execute(insert(tables["zatca_submission"]), self.queue)
        self.passes.spend(info.invoice_id for info in self.issued)
        self.unit.icv, self.unit.last_hash, self.unit.updated_at = self.icv, self.pih, self.now


def find_invoice_ids(uow: UnitOfWork, refs: Sequence[str]) -> list[uuid.UUID]:
    """The ids of documents given by number (one query per 500) or by id, in the order given."""
    inv = Base.metadata.tables["invoice"]
    by_number: dict[str, uuid.UUID] = {}
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start : start + CHUNK]
        query = select(inv.c.number, inv.c.id).where(inv.c.number.in_(chunk), inv.c.deleted_at.is_(None))
        by_number.update((number, ident) for number, ident in uow.session.execute(query))
    return [by_number[ref] if ref in by_number else find_invoice_row(uow, ref).id for ref in refs]


def issued_xml(uow: UnitOfWork, ref: str) -> tuple[bytes, str, bool]:
    """The XML to share, which copy it is ("cleared" or "signed"), and whether it may be shared yet.

    A standard invoice submitted for clearance may be shared only in the copy ZATCA returns.
    """
    row = find_invoice_row(uow, ref)
    doc = uow.session.get(IssuedDocument, row.id)
    if doc is None:
        raise NotFoundError(f"{row.number} is a draft; it has no signed XML yet.", fix=f"Issue it: `qayd invoice "
                            f"issue {row.number}`.")
    sub = uow.session.scalars(select(ZatcaSubmission).where(ZatcaSubmission.invoice_id == row.id)).first()
    # An erased buyer's invoice kept for tax retention is sealed: opened for admin/compliance, each read logged.
    record = sealing.record_of(row.id)
    # Stored documents are checked, not trusted: a copy that no longer verifies is refused (core.zatca.stored).
    if sub is not None and sub.cleared_xml:
        cleared = sealing.maybe_open_text(uow, sub.cleared_xml, record=record, column=sealing.CLEARED,
                                          purpose="issued document")
        return stored.checked(row.number, doc, (cleared or "").encode("utf-8"), cleared=True, uow=uow), "cleared", True
    needs_clearance = sub is not None and sub.kind == "clearance"
    xml = sealing.maybe_open_bytes(uow, stored.as_bytes(doc.xml), record=record, column=sealing.XML,
                                   purpose="issued document")
    return (stored.checked(row.number, doc, xml or b"", uow=uow), "signed",
            not needs_clearance or (sub is not None and sub.state == "done"))
