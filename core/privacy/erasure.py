"""Erasure (GDPR Art. 17) that respects tax retention: preview, erase, and the signed erasure certificate.

`preview` lists what an erasure of a subject will erase and what it must keep, under which legal basis and until
when. `erase` then, in one transaction with its audit entry:

* anonymises every personal column the catalogue marks ANONYMISE (the customer or staff-user row, the buyer
  snapshot on drafts, the requester on the subject's requests), and marks the customer erased and restricted;
* holds the issued invoices that carry the buyer (a `RetentionHold` each, until 31 December of the issue year + 6:
  KSA VAT records) and seals them (`core.personal.sealing`): the buyer snapshot, the signed XML and the cleared XML
  are replaced by their encrypted form under the subject's hold key, so no personal value of theirs is left in
  plaintext in the store. Their content is unchanged (opened, hashes and signatures verify); opening them is for the
  admin and compliance roles only, each read logged, until the purge destroys the hold key;
* destroys the subject's audit key, so the personal data sealed in audit payloads can no longer be read while the
  chain itself still verifies (crypto-shredding);
* writes an `ErasureCertificate`: canonical JSON of what was erased and kept and why, signed with the device key.

After the commit the WAL is checkpointed and truncated; with `secure_delete` on, the overwritten values are left in
neither the database file nor its WAL (tests/integration/test_erasure.py reads both files' bytes).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select, text, update

from core.clock import saudi_date
from core.errors import AccessDeniedError, ImmutableError, NotFoundError
from core.ledger.chain import canonical_json
from core.ledger.signing import signature_ok
from core.personal.catalogue import BASES, Erase, fields_of
from core.personal.roles import require_privileged
from core.personal.sealing import BUYER, CLEARED, PREFIX, XML, seal_held, seal_held_text
from core.privacy import mail_records
from core.privacy.retention import clear_wal, hold_end, invoice_record
from core.privacy.subjects import require_subject
from core.progress import CancelCheck, Progress, step
from core.store import models as m
from core.uow import Context, UnitOfWork

TABLES = m.Base.metadata.tables

CERTIFICATE_FORMAT = "qayd-erasure-certificate/1"
SEALED_FORMAT = "QAYD-HELD:1 AES-256-GCM"
ERASED_NAME = "[erased]"
ERASED_REQUESTER = '{"erased":true}'
REQUEST_FREE_TEXT = ("identity_method", "notes", "extension_reason")  # the outcome stays as evidence
SEALED_FOR = "json_extract(body, '$.payload.personal.subject')"  # matches migration 0005's partial index


@dataclass(frozen=True)
class PlanItem:
    record: str  # "customer:<uuid>", "invoice:<uuid>", "audit:<subject>", "gdpr_request:<reference>", …
    fields: tuple[str, ...]  # "table.column"
    basis: str  # a key of catalogue.BASES for kept records ("" for erased ones)
    held_until: date | None
    description_en: str
    description_ar: str


@dataclass(frozen=True)
class ErasurePlan:
    subject: str
    erase: list[PlanItem]
    keep: list[PlanItem]
    erased_at: datetime | None = None  # set when the subject was erased before (nothing left to erase)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ErasureResult:
    certificate_id: uuid.UUID
    erased: int  # plan items erased
    kept: int  # plan items kept (held)
    wal_cleared: bool = True  # the WAL was checkpointed and truncated after the commit


@dataclass(frozen=True)
class CertificateInfo:
    id: uuid.UUID
    subject: str
    issued_at: datetime
    body: dict[str, Any]
    text: str  # the signed canonical JSON, exactly as stored
    signature: str  # base64
    valid: bool  # the signature verifies with the device's public key


# --- what a subject has ------------------------------------------------------------------------------------------


@dataclass
class _Held:
    id: uuid.UUID
    number: str
    issued_on: date
    cleared: bool
    sealed: bool = False  # its personal columns are sealed already (an earlier erasure)


@dataclass
class _Found:
    subject: str
    kind: str
    ident: uuid.UUID
    row: m.Customer | m.StaffUser
    erased_at: datetime | None
    drafts: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    held: list[_Held] = field(default_factory=list)  # issued invoices to hold now
    holding: list[_Held] = field(default_factory=list)  # issued invoices an earlier erasure holds
    entries: int = 0  # audit entries about the subject or carrying its sealed data
    key_live: bool = False
    requests: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    paid: set[uuid.UUID] = field(default_factory=set)  # issued invoices with payments (issue 15): held with them
    mail: mail_records.MailCounts | None = None  # the customer's e-mailed invoices (core.privacy.mail_records)


def erased_buyer(kind: str) -> str:
    """The buyer snapshot an erased customer's drafts keep: a buyer with no personal data."""
    return json.dumps({"address": None, "id_scheme": None, "id_value": "", "kind": kind, "name": ERASED_NAME,
                       "vat_number": ""}, sort_keys=True, ensure_ascii=False)


def _find(uow: UnitOfWork, subject: str) -> _Found:
    kind, ident = require_subject(subject)
    subject = f"{kind}:{ident}"
    session = uow.session
    row: m.Customer | m.StaffUser | None = (session.get(m.Customer, ident) if kind == "customer"
                                           else session.get(m.StaffUser, ident))
    if row is None:
        raise NotFoundError(f"There is no {kind} {ident} in this company.",
                            fix="Find the subject with the Privacy view's search or `qayd customer list`.")
    erased = row.erased_at if isinstance(row, m.Customer) else (
        row.updated_at if row.username.startswith("erased:") else None)
    found = _Found(subject, kind, ident, row, erased)
    if kind == "customer":
        inv = TABLES["invoice"]
        rows = session.execute(select(inv.c.id, inv.c.number, inv.c.status, inv.c.issue_datetime,
                                      m.ZatcaSubmission.cleared_xml.is_not(None),
                                      func.substr(inv.c.buyer_json, 1, len(PREFIX)) == PREFIX)
                               .outerjoin(TABLES["zatca_submission"],
                                          m.ZatcaSubmission.invoice_id == inv.c.id)
                               .where(inv.c.customer_id == ident, inv.c.buyer_json.is_not(None),
                                      inv.c.buyer_json.not_in([erased_buyer("individual"), erased_buyer("business")]))
                               .order_by(inv.c.issue_datetime, inv.c.number))
        holds = {h.record: h for h in session.scalars(select(m.RetentionHold)
                                                      .where(m.RetentionHold.subject == subject))}
        for ident_, number, status, issued, cleared, sealed in rows:
            hold = holds.get(invoice_record(ident_))
            if status == "draft":
                found.drafts.append((ident_, number))
            elif hold is None:
                found.held.append(_Held(ident_, number, saudi_date(issued), bool(cleared), bool(sealed)))
            elif hold.purged_at is None:
                found.holding.append(_Held(ident_, number, saudi_date(issued), bool(cleared), bool(sealed)))
        found.mail = mail_records.counts(session, ident)
    if found.held or found.holding:
        held_ids = [h.id for h in found.held + found.holding]
        found.paid = set(session.scalars(select(m.Payment.invoice_id).where(m.Payment.invoice_id.in_(held_ids))))
    found.entries = int(session.execute(text(
        "SELECT (SELECT count(*) FROM audit_entry WHERE subject = :s AND action <> 'personal_data.read') + "  # nosec B608 # SEALED_FOR is a constant expression; the subject is a bound parameter
        f"(SELECT count(*) FROM audit_entry WHERE {SEALED_FOR} = :s AND subject <> :s)"), {"s": subject}).scalar_one())
    key = session.execute(select(m.SubjectKey.wrapped_key).where(m.SubjectKey.subject == subject)).first()
    found.key_live = key is not None and key[0] is not None
    found.requests = [(r.id, r.reference) for r in session.execute(
        select(m.GdprRequest.id, m.GdprRequest.reference).where(m.GdprRequest.subject == subject,
                                                               m.GdprRequest.requester_json != ERASED_REQUESTER)
        .order_by(m.GdprRequest.reference))]
    return found


def _columns(table: str) -> tuple[str, ...]:
    return tuple(f"{f.table}.{f.column}" for f in fields_of(table) if f.erase is Erase.ANONYMISE)


def _plan(found: _Found, today: date) -> ErasurePlan:
    erase: list[PlanItem] = []
    keep: list[PlanItem] = []
    if found.erased_at is None:
        if found.kind == "customer":
            erase.append(PlanItem(found.subject, _columns("customer"), "", None,
                                  "The customer record: name, VAT number, identity number, address, e-mail and phone "
                                  "are overwritten; the record is marked erased and restricted.",
                                  "سجل العميل: يُستبدل الاسم والرقم الضريبي ورقم الهوية والعنوان والبريد والهاتف، "
                                  "ويُعلَّم السجل ممسوحاً ومقيّداً."))
        else:
            erase.append(PlanItem(found.subject, _columns("staff_user"), "", None,
                                  "The staff user: login name and display name are overwritten.",
                                  "المستخدم: يُستبدل اسم الدخول والاسم الظاهر."))
    for ident, number in found.drafts:
        erase.append(PlanItem(invoice_record(ident), ("invoice.buyer_json",), "", None,
                              f"Draft {number}: the buyer's details are overwritten.",
                              f"المسودة {number}: تُستبدل بيانات المشتري."))
    for _ident, reference in found.requests:
        fields = ("gdpr_request.requester_json", *(f"gdpr_request.{column}" for column in REQUEST_FREE_TEXT))
        erase.append(PlanItem(f"gdpr_request:{reference}", fields, "", None,
                              f"Request {reference}: the requester's name and contact details, and the notes staff "
                              "typed about the identity check, are overwritten; "
                              "the request's dates, kind and outcome stay as evidence.",
                              f"الطلب {reference}: يُستبدل اسم مقدّم الطلب وبيانات التواصل، وتبقى تواريخه ونوعه "
                              "ونتيجته دليلاً."))
    if found.key_live:
        erase.append(PlanItem(f"audit:{found.subject}", ("audit_entry.body.payload.personal",), "", None,
                              f"The personal data sealed in {found.entries:,} audit entries becomes unreadable: "
                              "the subject's key is destroyed.",
                              f"تصبح البيانات الشخصية المشفّرة في {found.entries:,} من قيود التدقيق غير مقروءة: "
                              "يُتلف مفتاح صاحبها."))
    vat = BASES["ksa-vat-records"]
    for held in found.held + found.holding:
        until = hold_end(vat.key, held.issued_on)
        columns = ("invoice.buyer_json", "issued_document.xml") + (
            ("zatca_submission.cleared_xml",) if held.cleared else ()) + (
            ("payment.amount", "payment_refund.amount") if held.id in found.paid else ())
        keep.append(PlanItem(invoice_record(held.id), columns, vat.key, until,
                             f"Invoice {held.number} issued {held.issued_on.isoformat()}: kept unchanged but sealed "
                             f"(encrypted with a key of its own) and restricted until {until.isoformat()}, then the "
                             f"buyer's details are purged and the key destroyed. {vat.law_en}",
                             f"الفاتورة {held.number} الصادرة في {held.issued_on.isoformat()}: تُحفظ دون تغيير في "
                             f"محتواها، مختومةً (مشفّرة بمفتاح خاص بها) ومقيّدة حتى {until.isoformat()}، ثم تُزال "
                             f"بيانات المشتري ويُتلف المفتاح. {vat.law_ar}"))
    if found.entries:
        evidence = BASES["audit-evidence"]
        until = hold_end(evidence.key, saudi_date(found.erased_at) if found.erased_at else today)
        keep.append(PlanItem(f"audit:{found.subject}", ("audit_entry.action", "audit_entry.at", "audit_entry.subject"),
                             evidence.key, until,
                             f"{found.entries:,} audit entries stay in the chain, without readable personal data, "
                             f"until {until.isoformat()}. {evidence.law_en}",
                             f"تبقى {found.entries:,} من قيود التدقيق في السلسلة دون بيانات شخصية مقروءة حتى "
                             f"{until.isoformat()}. {evidence.law_ar}"))
    if found.mail is not None:
        mail_erase, mail_keep = mail_records.plan_items(found.subject, found.mail, today)
        erase += [PlanItem(*item) for item in mail_erase]
        keep += [PlanItem(*item) for item in mail_keep]
    counts = {"drafts": len(found.drafts), "held_invoices": len(found.held) + len(found.holding),
              "audit_entries": found.entries,
              "requests": len(found.requests)}
    return ErasurePlan(found.subject, erase, keep, found.erased_at, counts)


def preview(uow: UnitOfWork, subject: str) -> ErasurePlan:
    """What `erase` would erase and keep for `subject` (reads ids and counts only, no personal values)."""
    return _plan(_find(uow, subject), saudi_date(uow.now()))


# --- erasure -------------------------------------------------------------------------------------------------------


def erase(ctx: Context, subject: str, *, request_ref: str | None = None, progress: Progress | None = None,
          cancelled: CancelCheck | None = None) -> ErasureResult:
    """Erase `subject` as `preview` describes, in one transaction, and sign the certificate. See the module text."""
    step(progress, cancelled, 0.0, "Finding the subject's data")
    with ctx.uow() as uow:
        require_privileged(uow, "erase a data subject")
        found = _find(uow, subject)
        if found.kind == "user" and ctx.actor == found.subject:
            raise AccessDeniedError("You cannot erase the account you are signed in with.",
                                  fix="Ask another admin or compliance officer to do it.")
        unsealed = [h for h in found.holding if not h.sealed]  # held by an erasure made before sealing existed
        if found.erased_at is not None and not (found.drafts or found.held or found.key_live or found.requests
                                                or unsealed):
            raise ImmutableError(f"{found.subject} was already erased on {found.erased_at:%Y-%m-%d}.",
                                 fix="`qayd gdpr certificate show` shows its certificate.")
        now = uow.now()
        plan = _plan(found, saudi_date(now))
        request_id = _request_id(uow, request_ref, found.subject)
        step(progress, cancelled, 0.2, "Anonymising")
        _anonymise(uow, found, now)
        step(progress, cancelled, 0.5, "Holding the issued invoices")
        new_holds = {invoice_record(h.id) for h in found.held}
        for item in plan.keep:
            if item.record in new_holds:
                uow.session.add(m.RetentionHold(subject=found.subject, record=item.record, basis=item.basis,
                                                held_until=item.held_until, created_at=now,
                                                device_id=ctx.device_id))
        uow.session.flush()  # the store's triggers let a held invoice be sealed only while its hold exists
        step(progress, cancelled, 0.6, "Sealing the held invoices")
        for held in found.held + unsealed:
            _seal_invoice(uow, found.subject, held.id)
        if found.mail is not None and found.mail.sent:  # the addresses sent invoices went to: held, sealed
            mail_records.seal_sent(uow, found.subject, found.ident)
        uow.session.execute(update(m.SubjectKey).where(m.SubjectKey.subject == found.subject,
                                                       m.SubjectKey.wrapped_key.is_not(None))
                            .values(wrapped_key=None, destroyed_at=now))
        step(progress, cancelled, 0.7, "Signing the certificate")
        certificate = uuid.uuid4()
        body = canonical_json(_certificate_body(certificate, plan, request_ref, now, ctx))
        signature = base64.b64encode(ctx.device_key.sign(body.encode("utf-8"))).decode()
        uow.session.add(m.ErasureCertificate(id=certificate, subject=found.subject, request_id=request_id,
                                             issued_at=now, body=body, signature=signature,
                                             device_id=ctx.device_id))
        uow.audit.append("privacy.erased", found.subject, {
            "certificate": str(certificate), "request": request_ref, "erased": len(plan.erase),
            "kept": len(plan.keep), **plan.counts})
        step(progress, cancelled, 0.9, "Saving")
        uow.commit()
    cleared = clear_wal(ctx)
    if progress is not None:
        progress(1.0, "Erased")
    return ErasureResult(certificate, len(plan.erase), len(plan.keep), cleared)


def _seal_invoice(uow: UnitOfWork, subject: str, invoice_id: uuid.UUID) -> None:
    """Replace a held invoice's personal columns by their sealed form (migration 0006 allows exactly this)."""
    inv, doc, sub = TABLES["invoice"], TABLES["issued_document"], TABLES["zatca_submission"]
    record = invoice_record(invoice_id)
    session = uow.session
    buyer = session.execute(select(inv.c.buyer_json).where(inv.c.id == invoice_id)).scalar_one_or_none()
    if buyer is not None and not buyer.startswith(PREFIX):
        session.execute(update(inv).where(inv.c.id == invoice_id).values(
            buyer_json=seal_held_text(uow, subject, buyer, record=record, column=BUYER)))
    xml = session.execute(select(doc.c.xml).where(doc.c.invoice_id == invoice_id)).scalar_one_or_none()
    if xml is not None and not bytes(xml).startswith(PREFIX.encode()):
        session.execute(update(doc).where(doc.c.invoice_id == invoice_id).values(
            xml=seal_held(uow, subject, bytes(xml), record=record, column=XML)))
    for sub_id, cleared in session.execute(select(sub.c.id, sub.c.cleared_xml).where(
            sub.c.invoice_id == invoice_id, sub.c.cleared_xml.is_not(None))):
        if not cleared.startswith(PREFIX):
            session.execute(update(sub).where(sub.c.id == sub_id).values(
                cleared_xml=seal_held_text(uow, subject, cleared, record=record, column=CLEARED)))


def _request_id(uow: UnitOfWork, reference: str | None, subject: str) -> uuid.UUID | None:
    if not reference:
        return None
    row = uow.session.scalars(select(m.GdprRequest).where(m.GdprRequest.reference == reference)).first()
    if row is None:
        raise NotFoundError(f"There is no request {reference}.", fix="`qayd gdpr request list` shows them.")
    if row.subject and row.subject != subject:
        raise NotFoundError(f"Request {reference} is about another subject.",
                            fix="Give the request made by this subject, or none.")
    return row.id


def _anonymise(uow: UnitOfWork, found: _Found, now: datetime) -> None:
    session, device = uow.session, uow.ctx.device_id
    synced = {"updated_at": now, "device_id": device}
    if found.erased_at is None and isinstance(found.row, m.Customer):
        c = TABLES["customer"]
        session.execute(update(c).where(c.c.id == found.ident).values(
            name=ERASED_NAME, name_ar="", vat_number="", id_scheme=None, id_value="", address_json=None, email="",
            phone="", erased_at=now, restricted_at=found.row.restricted_at or now,
            deleted_at=found.row.deleted_at or now, version=c.c.version + 1, **synced))
    elif found.erased_at is None:
        u = TABLES["staff_user"]
        session.execute(update(u).where(u.c.id == found.ident).values(
            username=f"erased:{found.ident.hex[:12]}", display_name=ERASED_NAME, version=u.c.version + 1, **synced))
    if found.drafts:
        inv = TABLES["invoice"]
        buyer = erased_buyer(found.row.kind if isinstance(found.row, m.Customer) else "individual")
        ids = [ident for ident, _ in found.drafts]
        for start in range(0, len(ids), 500):
            session.execute(update(inv).where(inv.c.id.in_(ids[start:start + 500]), inv.c.status == "draft").values(
                buyer_json=buyer, version=inv.c.version + 1, **synced))
    if found.requests:
        r = TABLES["gdpr_request"]
        # The free texts staff typed about the request (how identity was checked, notes) may quote the person.
        free_text = {column: case((getattr(r.c, column) == "", ""), else_=ERASED_NAME)
                     for column in REQUEST_FREE_TEXT}
        session.execute(update(r).where(r.c.id.in_([ident for ident, _ in found.requests])).values(
            requester_json=ERASED_REQUESTER, version=r.c.version + 1, **free_text, **synced))
    if found.mail is not None and found.mail.unsent:
        mail_records.anonymise(session, found.ident, now)
    session.expire_all()


def _certificate_body(certificate: uuid.UUID, plan: ErasurePlan, request_ref: str | None, now: datetime,
                      ctx: Context) -> dict[str, Any]:
    def tables(items: list[PlanItem]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for item in items:
            for column in item.fields:
                table, _, name = column.partition(".")
                entry = out.setdefault(table, {"fields": [], "records": 0})
                if name not in entry["fields"]:
                    entry["fields"].append(name)
            for table in {c.partition(".")[0] for c in item.fields}:
                out[table]["records"] += 1
        return out

    return {
        "format": CERTIFICATE_FORMAT,
        "certificate": str(certificate),
        "subject": plan.subject,
        "request": request_ref,
        "issued_at": now.isoformat(),
        "device": str(ctx.device_id),
        "actor": ctx.actor,
        "erased": {"records": [{"record": i.record, "fields": list(i.fields), "what": i.description_en}
                               for i in plan.erase], "tables": tables(plan.erase)},
        "kept": {"records": [{"record": i.record, "fields": list(i.fields), "basis": i.basis,
                              "held_until": i.held_until.isoformat() if i.held_until else None,
                              "law": BASES[i.basis].law_en if i.basis else "",
                              "sealed": i.record.startswith("invoice:")} for i in plan.keep],
                 "tables": tables(plan.keep)},
        "counts": plan.counts,
        "audit_key_destroyed": any(i.record.startswith("audit:") for i in plan.erase),
        # Held invoices are kept sealed: AES-256-GCM under the subject's hold key (wrapped with the master key),
        # restricted to the admin and compliance roles; the purge at the end of the hold destroys the key.
        "held_records_sealed": {"format": SEALED_FORMAT, "key": f"hold:{plan.subject}",
                                "records": sum(i.record.startswith("invoice:") for i in plan.keep)},
    }


# --- certificates ------------------------------------------------------------------------------------------------


def get_certificate(uow: UnitOfWork, ident: str | uuid.UUID) -> CertificateInfo:
    """A certificate by id (or by its subject: the newest one), with its signature checked."""
    row: m.ErasureCertificate | None = None
    try:
        row = uow.session.get(m.ErasureCertificate, uuid.UUID(str(ident)))
    except ValueError:
        row = None
    if row is None:
        row = uow.session.scalars(select(m.ErasureCertificate).where(m.ErasureCertificate.subject == str(ident))
                                  .order_by(m.ErasureCertificate.issued_at.desc())).first()
    if row is None:
        raise NotFoundError(f"There is no erasure certificate {ident}.",
                            fix="Give the id `qayd gdpr erase` printed, or the erased subject.")
    device = uow.session.get(m.Device, row.device_id)
    try:
        signature = base64.b64decode(row.signature, validate=True)
    except ValueError:
        signature = b""
    valid = device is not None and signature_ok(device.public_key, signature, row.body.encode("utf-8"))
    return CertificateInfo(row.id, row.subject, row.issued_at, json.loads(row.body), row.body, row.signature, valid)


def list_certificates(uow: UnitOfWork, subject: str | None = None) -> list[CertificateInfo]:
    query = select(m.ErasureCertificate.id).order_by(m.ErasureCertificate.issued_at.desc())
    if subject:
        query = query.where(m.ErasureCertificate.subject == subject)
    return [get_certificate(uow, ident) for ident in uow.session.scalars(query)]
