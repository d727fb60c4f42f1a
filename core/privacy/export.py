"""Access and portability (GDPR Art. 15, 20): everything Qayd holds about one data subject, machine-readable.

`export_subject` writes a new folder with

* `export.json` — the subject; every catalogued table's rows about them (the customer or staff-user row, the
  buyer snapshot and lines of their invoices, their requests, retention holds and erasure certificates); the audit
  entries about them or carrying their sealed data, with the sealed part decrypted (or marked shredded once an
  erasure destroyed the key); the access log of their personal data; the purposes, the recipients and the
  retention periods;
* one CSV per table (`customer.csv`, `invoice.csv`, `invoice_line.csv`, `audit_entry.csv`, `access_log.csv`, …);
* `documents/` — the signed (and cleared) XML of their issued invoices, exactly as issued: the ones an erasure
  holds are kept sealed (encrypted) in the store and are opened for the export (`"sealed": true` in the index and
  on the invoice rows), since the subject has the right to see what is kept;
* `manifest.json` — the SHA-256 and size of every other file.

The export itself is recorded in the access log (who, whose, which fields, the purpose; channel "export"). Held,
restricted records are part of it (the subject has the right to see what is kept), so only the admin and
compliance roles may export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from core.errors import NotFoundError
from core.files import DIR_MODE, private_dir, write_private
from core.personal.catalogue import BASES, FIELDS
from core.personal.roles import require_privileged
from core.personal.sealing import BUYER, CLEARED, XML, is_held, open_held
from core.privacy import mail_records
from core.privacy.erasure import SEALED_FOR
from core.privacy.retention import XML_MARKER, invoice_record
from core.privacy.subjects import require_subject
from core.progress import CancelCheck, Cancelled, Progress, step
from core.store import models as m
from core.uow import Context, UnitOfWork

FORMAT = "qayd-subject-access/1"
ACCESS_ACTION = "personal_data.read"
TABLES = m.Base.metadata.tables

# Why Qayd processes a customer's data (Art. 15(1)(a), 13(1)(c)).
PURPOSES: tuple[dict[str, str], ...] = (
    {"key": "invoicing", "legal_basis": "contract (GDPR Art. 6(1)(b)); legal obligation (Art. 6(1)(c))",
     "en": "Issuing tax invoices, credit and debit notes for what the customer bought.",
     "ar": "إصدار الفواتير الضريبية والإشعارات الدائنة والمدينة لما اشتراه العميل."},
    {"key": "tax-compliance", "legal_basis": "legal obligation (GDPR Art. 6(1)(c)): KSA VAT and e-invoicing rules",
     "en": "Clearing and reporting e-invoices to ZATCA and keeping tax records for the period the law sets.",
     "ar": "اعتماد الفواتير الإلكترونية والإبلاغ عنها لدى هيئة الزكاة والضريبة والجمارك وحفظ السجلات الضريبية "
           "للمدة التي يحددها النظام."},
    {"key": "audit", "legal_basis": "legitimate interest and legal claims (GDPR Art. 6(1)(f), 17(3)(e))",
     "en": "A tamper-evident record of every change to the books; personal data in it is sealed with the "
           "subject's own key.",
     "ar": "سجل تدقيق يكشف أي عبث بكل تغيير في الدفاتر؛ والبيانات الشخصية فيه مشفّرة بمفتاح صاحبها."},
    {"key": "requests", "legal_basis": "legal obligation (GDPR Art. 12-22)",
     "en": "Handling the subject's own data-protection requests.",
     "ar": "معالجة طلبات صاحب البيانات المتعلقة بحماية بياناته."},
)

# Who receives it (Art. 15(1)(c)).
RECIPIENTS: tuple[dict[str, str], ...] = (
    {"name": "ZATCA (Zakat, Tax and Customs Authority, Saudi Arabia)", "data": "invoices with the buyer's details",
     "en": "Clearance of standard and reporting of simplified e-invoices (Fatoora).",
     "ar": "اعتماد الفواتير الضريبية القياسية والإبلاغ عن الفواتير المبسطة (فاتورة)."},
    {"name": "Stripe", "data": "amounts and the payer's name and e-mail when paying by card",
     "en": "Card payments of invoices.", "ar": "سداد الفواتير بالبطاقات."},
    {"name": "The company's e-mail provider", "data": "the customer's e-mail address and the invoice",
     "en": "Sending invoices and answers to requests by e-mail.",
     "ar": "إرسال الفواتير والردود على الطلبات بالبريد الإلكتروني."},
)

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    files: list[Path]  # every file written, the manifest last
    records: int  # rows, audit entries, access-log entries and documents exported


def export_subject(ctx: Context, subject: str, out_dir: Path, *, purpose: str = "data subject access request",
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> ExportResult:
    """Write everything held about `subject` into a new folder under `out_dir`; see the module text."""
    kind, ident = require_subject(subject)
    subject = f"{kind}:{ident}"
    step(progress, cancelled, 0.0, "Reading the subject's data")
    with ctx.uow(write=False) as uow:
        require_privileged(uow, "export a data subject's personal data")
        generated = uow.now()
        folder = _new_folder(out_dir, f"{kind}-{ident.hex[:8]}-{generated:%Y%m%dT%H%M%SZ}")
        try:
            collected = SubjectRecords(uow, subject, kind, ident)
            collected.tables()
            step(progress, cancelled, 0.3, "Reading the audit trail")
            collected.audit()
            step(progress, cancelled, 0.6, "Writing the files")
            result = _write(folder, collected, generated, purpose, ctx)
            step(progress, cancelled, 0.95, "Recording the export in the access log")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        # The export is a read of personal data (of restricted records too, when any were opened): log it.
        uow.record_access(subject, list(collected.fields_read), purpose, "export", restricted=collected.restricted)
    if progress is not None:
        progress(1.0, f"{result.records:,} records exported")
    return result


class SubjectRecords:
    """Reads one subject's rows, documents and audit entries in one read transaction (indexed lookups only)."""

    def __init__(self, uow: UnitOfWork, subject: str, kind: str, ident: uuid.UUID) -> None:
        self.uow, self.subject, self.kind, self.ident = uow, subject, kind, ident
        self.data: dict[str, list[dict[str, Any]]] = {}
        self.documents: list[tuple[str, bytes, dict[str, Any]]] = []  # (file name, bytes, index entry)
        self.entries: list[dict[str, Any]] = []
        self.access_log: list[dict[str, Any]] = []
        self.fields_read: dict[str, None] = {}
        self.restricted = False
        self.status: dict[str, Any] = {"subject": subject, "kind": kind}

    def _read(self, *fields: str) -> None:
        self.fields_read.update(dict.fromkeys(fields))

    def tables(self) -> None:
        session = self.uow.session
        if self.kind == "customer":
            row = session.execute(select(TABLES["customer"]).where(TABLES["customer"].c.id == self.ident)).first()
            if row is None:
                raise _not_found(self.subject)
            customer = _plain_row(row._mapping)
            customer["address"] = json.loads(customer.pop("address_json") or "null")
            self.data["customer"] = [customer]
            self.restricted = row.restricted_at is not None
            self.status.update(erased_at=customer["erased_at"], restricted_at=customer["restricted_at"])
            self._read(*(f"customer.{f.column}" for f in FIELDS if f.table == "customer"))
            self._invoices()
            self.data["mail_outbox"] = [{k: _plain(v) for k, v in row.items()}
                                        for row in mail_records.export_rows(session, self.ident)]
            if self.data["mail_outbox"]:
                self._read("mail_outbox.recipient", "mail_outbox.body_text")
        else:
            row = session.execute(select(TABLES["staff_user"]).where(TABLES["staff_user"].c.id == self.ident)).first()
            if row is None:
                raise _not_found(self.subject)
            self.data["staff_user"] = [_plain_row(row._mapping)]
            self.status.update(erased_at=None, restricted_at=None)
            self._read("staff_user.username", "staff_user.display_name")
        requests = TABLES["gdpr_request"]
        rows = session.execute(select(requests).where(requests.c.subject == self.subject)
                               .order_by(requests.c.received_at))
        self.data["gdpr_request"] = [_with_json(_plain_row(r._mapping), "requester_json", "requester") for r in rows]
        if self.data["gdpr_request"]:
            self._read("gdpr_request.requester_json")
        holds = TABLES["retention_hold"]
        self.data["retention_hold"] = [_plain_row(r._mapping) for r in session.execute(
            select(holds).where(holds.c.subject == self.subject).order_by(holds.c.held_until, holds.c.record))]
        certificates = TABLES["erasure_certificate"]
        self.data["erasure_certificate"] = [_with_json(_plain_row(r._mapping), "body", "certificate")
                                            for r in session.execute(select(certificates).where(
                                                certificates.c.subject == self.subject))]

    def _invoices(self) -> None:
        session, inv = self.uow.session, TABLES["invoice"]
        holds = {r.record: r for r in session.scalars(select(m.RetentionHold)
                                                      .where(m.RetentionHold.subject == self.subject))}
        columns = [inv.c[name] for name in ("id", "number", "status", "kind", "type", "issue_datetime", "supply_date",
                                            "currency", "buyer_json", "payment_means", "billing_reference", "reason",
                                            "note", "tax_exclusive", "tax_total", "tax_inclusive", "payable",
                                            "created_at", "updated_at", "deleted_at")]
        rows = list(session.execute(select(*columns).where(inv.c.customer_id == self.ident)
                                    .order_by(inv.c.issue_datetime, inv.c.number)))
        invoices = []
        for r in rows:
            plain = _plain_row(r._mapping)
            plain["sealed"] = is_held(r.buyer_json)
            if plain["sealed"]:  # held after an erasure: sealed in the store, opened for the export (logged below)
                plain["buyer_json"] = self._open(r.buyer_json, r.id, BUYER).decode("utf-8")
            doc = _with_json(plain, "buyer_json", "buyer")
            hold = holds.get(invoice_record(r.id))
            doc["held_until"] = None if hold is None else hold.held_until.isoformat()
            doc["restricted"] = hold is not None and hold.purged_at is None
            self.restricted = self.restricted or doc["restricted"]
            invoices.append(doc)
        self.data["invoice"] = invoices
        if invoices:
            self._read("invoice.buyer_json")
        ids = [r.id for r in rows]
        lines = TABLES["invoice_line"]
        numbers = {r.id: r.number for r in rows}
        self.data["invoice_line"] = [
            {"invoice": numbers[r.invoice_id], **{k: v for k, v in _plain_row(r._mapping).items()
                                                  if k not in ("id", "invoice_id", "device_id", "product_id")}}
            for chunk in _chunks(ids) for r in session.execute(
                select(lines).where(lines.c.invoice_id.in_(chunk)).order_by(lines.c.invoice_id, lines.c.position))]
        self._documents(ids, numbers)
        self._payments(ids, numbers)

    def _payments(self, ids: list[uuid.UUID], numbers: dict[uuid.UUID, str]) -> None:
        """The links, payments and refunds of the subject's invoices (issue 15): amounts and references only."""
        for name in ("payment_link", "payment", "payment_refund"):
            table = TABLES[name]
            self.data[name] = [{"invoice": numbers[r.invoice_id], **{k: v for k, v in _plain_row(r._mapping).items()
                                                                     if k not in ("invoice_id", "device_id")}}
                               for chunk in _chunks(ids) for r in self.uow.session.execute(
                                   select(table).where(table.c.invoice_id.in_(chunk)).order_by(table.c.created_at))]
            if self.data[name]:
                self._read(f"{name}.amount")

    def _documents(self, ids: list[uuid.UUID], numbers: dict[uuid.UUID, str]) -> None:
        docs, subs = TABLES["issued_document"], TABLES["zatca_submission"]
        for chunk in _chunks(ids):
            query = (select(docs.c.invoice_id, docs.c.xml, docs.c.invoice_hash, docs.c.icv, subs.c.cleared_xml)
                     .outerjoin(subs, subs.c.invoice_id == docs.c.invoice_id).where(docs.c.invoice_id.in_(chunk)))
            for invoice_id, xml, digest, icv, cleared in self.uow.session.execute(query):
                xml = bytes(xml)
                if xml.startswith(XML_MARKER):  # purged at the end of its hold: nothing personal left
                    continue
                sealed = is_held(xml)
                if sealed:
                    xml = self._open(xml, invoice_id, XML)
                name = _SAFE.sub("_", numbers[invoice_id])
                entry = {"invoice": numbers[invoice_id], "icv": icv, "invoice_hash": digest, "copy": "signed",
                         "sealed": sealed}
                self.documents.append((f"documents/{name}.xml", xml, entry))
                self._read("issued_document.xml")
                if cleared and not cleared.encode().startswith(XML_MARKER):
                    cleared_sealed = is_held(cleared)
                    data = (self._open(cleared, invoice_id, CLEARED) if cleared_sealed
                            else cleared.encode("utf-8"))
                    self.documents.append((f"documents/{name}.cleared.xml", data,
                                           {**entry, "copy": "cleared", "sealed": cleared_sealed}))
                    self._read("zatca_submission.cleared_xml")
        self.documents.sort(key=lambda d: (d[2]["icv"], d[2]["copy"] != "signed"))

    def _open(self, value: str | bytes, invoice_id: uuid.UUID, column: str) -> bytes:
        """A held record's sealed value, opened (the export's caller is admin or compliance, checked; the read is
        recorded with the export's own access-log entry, as restricted)."""
        self.restricted = True
        return open_held(self.uow, value, record=invoice_record(invoice_id), column=column,
                         purpose="data subject access export", logged=False)

    def audit(self) -> None:
        """Entries about the subject and entries carrying data sealed with its key (both found through indexes)."""
        rows = self.uow.session.execute(text(
            "SELECT seq, body FROM audit_entry WHERE subject = :s UNION "  # nosec B608 # SEALED_FOR is a constant expression; the subject is a bound parameter
            f"SELECT seq, body FROM audit_entry WHERE {SEALED_FOR} = :s ORDER BY seq"), {"s": self.subject})
        keys = self.uow.subject_keys
        for seq, body in rows:
            entry = json.loads(body)
            payload = entry.get("payload", {})
            if entry["action"] == ACCESS_ACTION:
                data = payload.get("data", {})
                self.access_log.append({"seq": seq, "at": entry["at"], "actor": entry["actor"],
                                        "fields": data.get("fields", []), "purpose": data.get("purpose", ""),
                                        "channel": data.get("channel", ""),
                                        "restricted": bool(data.get("restricted", False))})
                continue
            sealed = payload.get("personal")
            personal, state = None, "none"
            if sealed is not None:
                personal = keys.open(sealed)
                state = "shredded" if personal is None else "decrypted"
                if personal is not None:
                    self._read("audit_entry.body")
            self.entries.append({"seq": seq, "at": entry["at"], "action": entry["action"], "actor": entry["actor"],
                                 "subject": entry["subject"], "data": payload.get("data", {}),
                                 "personal": personal, "personal_state": state})


def _new_folder(parent: Path, name: str) -> Path:
    """A folder of its own for this export: never mixed with, or written over, an earlier one."""
    private_dir(parent, own=False)
    for n in range(1, 1000):
        folder = parent / (name if n == 1 else f"{name}-{n}")
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(parent / name)


def _not_found(subject: str) -> NotFoundError:
    return NotFoundError(f"There is no data subject {subject} in this company.",
                         fix="Find the subject with the Privacy view's search or `qayd customer list`.")


def _chunks(ids: Sequence[uuid.UUID], size: int = 500) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _plain_row(mapping: Any) -> dict[str, Any]:
    return {key: _plain(value) for key, value in mapping.items()}


def _with_json(row: dict[str, Any], column: str, name: str) -> dict[str, Any]:
    value = row.pop(column, None)
    row[name] = json.loads(value) if value else None
    return row


def _retention() -> list[dict[str, Any]]:
    return [{"basis": b.key, "years": b.years, "from_end_of_tax_year": b.from_end_of_tax_year, "law_en": b.law_en,
             "law_ar": b.law_ar, "applies_to": sorted({f"{f.table}.{f.column}" for f in FIELDS if f.basis == b.key})}
            for b in BASES.values()]


def _categories(fields: Iterable[str]) -> list[dict[str, str]]:
    read = set(fields)
    return [{"field": f"{f.table}.{f.column}", "category": f.category.value, "on_erasure": f.erase.value}
            for f in FIELDS if f"{f.table}.{f.column}" in read]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list | bool):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _write(folder: Path, c: SubjectRecords, generated: datetime, purpose: str, ctx: Context) -> ExportResult:
    doc = {
        "format": FORMAT,
        "generated_at": generated.isoformat(),
        "purpose_of_export": purpose,
        "exported_by": ctx.actor,
        "subject": c.status,
        "categories": _categories(c.fields_read),
        "purposes": list(PURPOSES),
        "recipients": list(RECIPIENTS),
        "retention": _retention(),
        "data": c.data,
        "documents": [{**entry, "file": name} for name, _, entry in c.documents],
        "audit": c.entries,
        "access_log": c.access_log,
    }
    files: dict[str, bytes] = {"export.json": json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")}
    for table, rows in c.data.items():
        if rows:
            files[f"{table}.csv"] = _csv(rows)
    if c.entries:
        files["audit_entry.csv"] = _csv(c.entries)
    if c.access_log:
        files["access_log.csv"] = _csv(c.access_log)
    for name, content, _entry in c.documents:
        files[name] = content
    written: list[Path] = []
    manifest = []
    for name, content in files.items():
        path = folder / name
        private_dir(path.parent)
        write_private(path, content)
        written.append(path)
        manifest.append({"path": name, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)})
    manifest_path = folder / "manifest.json"
    write_private(manifest_path, json.dumps({"format": FORMAT, "subject": c.subject,
                                             "generated_at": generated.isoformat(), "algorithm": "SHA-256",
                                             "files": manifest}, indent=2).encode("utf-8"))
    written.append(manifest_path)
    records = (sum(len(rows) for rows in c.data.values()) + len(c.entries) + len(c.access_log) + len(c.documents))
    return ExportResult(folder, written, records)


__all__ = ["PURPOSES", "RECIPIENTS", "Cancelled", "ExportResult", "export_subject"]
