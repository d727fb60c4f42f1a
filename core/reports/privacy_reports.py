"""Printable privacy documents: the access request report and the erasure certificate.

* `build_access_report` is the readable companion of an access export (GDPR Art. 15): the request, the subject,
  the categories of personal data held, the purposes and their legal basis, the recipients, the retention periods,
  the records held (tables and counts, the invoices by number and date), who read the subject's data and why (the
  access log), and, given the export's folder, its manifest with every file's SHA-256 checked again, so the paper
  and the files can be matched. It reads what the export reads, through the export's own collector, behind the same
  gate (admin and compliance only) and is itself recorded in the access log. It prints no personal value but the
  subject's name.
* `build_erasure_certificate` prints a signed erasure certificate: what was anonymised, what is kept under a tax
  retention hold and until when, the audit key destroyed; the signature checked again with the signing device's
  public key ("verified" / "does NOT verify"); a QR code of the certificate id and the SHA-256 of its signed text;
  and the signed JSON itself embedded as a PDF/A-3 attachment, byte for byte as stored.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.audit.service import fingerprint
from core.audit.signing import public_pem, signature_ok
from core.clock import saudi_time
from core.errors import NotFoundError
from core.privacy import erasure, subjects
from core.privacy.catalogue import BASES, FIELDS, Category, Erase
from core.privacy.export import PURPOSES, RECIPIENTS, SubjectRecords
from core.privacy.requests import EXPORT_KINDS, RequestInfo, list_requests
from core.privacy.roles import require_privileged
from core.reports.audit_report import (
    RIYADH_NOTE,
    Steps,
    grouped,
    riyadh,
    safe_name,
    verdict,
)
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, finish, identity
from core.reports.errors import ReportError
from core.reports.labels import Label
from core.reports.layout import MARGIN, MUTED, PAGE_W, Column, ReportWriter
from core.reports.pdfa import Attachment
from core.store import models as m
from core.uow import Context, UnitOfWork

ACCESS_TITLE: Label = ("Access request report", "تقرير طلب الاطلاع")
ERASURE_TITLE: Label = ("Erasure certificate", "شهادة المحو")
REPORT_PURPOSE = "data subject access request report"
REPORT_CHANNEL = "report"

CATEGORIES: dict[str, Label] = {
    Category.IDENTITY.value: ("Identity: names", "الهوية: الأسماء"),
    Category.CONTACT.value: ("Contact details", "بيانات التواصل"),
    Category.ADDRESS.value: ("Address", "العنوان"),
    Category.GOVERNMENT_ID.value: ("Government identifier", "رقم الهوية الحكومي"),
    Category.TAX_ID.value: ("Tax identifier of a natural person", "الرقم الضريبي لشخص طبيعي"),
    Category.ACCOUNT.value: ("Staff account", "حساب المستخدم"),
    Category.TRANSACTION.value: ("Purchases: invoices issued to them", "المشتريات: الفواتير الصادرة باسمه"),
    Category.REQUEST.value: ("Data-protection requests", "طلبات حماية البيانات"),
}

FIELD_NAMES: dict[str, Label] = {
    "customer.name": ("name", "الاسم"),
    "customer.name_ar": ("name in Arabic", "الاسم بالعربية"),
    "customer.vat_number": ("VAT number", "الرقم الضريبي"),
    "customer.id_value": ("national ID or Iqama number", "رقم الهوية الوطنية أو الإقامة"),
    "customer.address_json": ("address", "العنوان"),
    "customer.email": ("e-mail", "البريد الإلكتروني"),
    "customer.phone": ("phone", "الهاتف"),
    "invoice.buyer_json": ("buyer details on invoices", "بيانات المشتري في الفواتير"),
    "issued_document.xml": ("signed e-invoice XML", "ملفات XML الموقّعة للفواتير الإلكترونية"),
    "zatca_submission.cleared_xml": ("e-invoice XML cleared by ZATCA", "ملفات XML المعتمدة من الهيئة"),
    "staff_user.username": ("login name", "اسم الدخول"),
    "staff_user.display_name": ("display name", "الاسم الظاهر"),
    "gdpr_request.requester_json": ("requester's name and contact", "اسم مقدّم الطلب وبيانات التواصل"),
    "gdpr_request.identity_method": ("identity check notes", "ملاحظات التحقق من الهوية"),
    "gdpr_request.notes": ("request notes", "ملاحظات الطلب"),
    "gdpr_request.extension_reason": ("reason for an extension", "سبب التمديد"),
    "gdpr_request.outcome": ("outcome of a request", "نتيجة الطلب"),
    "audit_entry.body": ("personal data sealed in audit entries", "البيانات الشخصية المشفّرة في قيود التدقيق"),
    "audit_entry.body.payload.personal": ("the sealed personal part", "الجزء الشخصي المشفّر"),
}

ON_ERASURE: dict[str, Label] = {
    Erase.ANONYMISE.value: ("overwritten", "تُستبدل وتُمحى"),
    Erase.HOLD.value: ("kept under a legal hold, then purged", "تُحفظ بموجب التزام نظامي ثم تُزال"),
    Erase.SHRED.value: ("made unreadable: the key is destroyed", "تصبح غير مقروءة بإتلاف المفتاح"),
}

LEGAL_BASIS_AR: dict[str, str] = {
    "invoicing": "العقد، المادة 6/1/ب من اللائحة الأوروبية العامة لحماية البيانات؛ والالتزام القانوني، المادة 6/1/ج",
    "tax-compliance": "التزام قانوني، المادة 6/1/ج: أنظمة ضريبة القيمة المضافة والفوترة الإلكترونية في المملكة",
    "audit": "المصلحة المشروعة والمطالبات القانونية، المادتان 6/1/و و17/3/هـ",
    "requests": "التزام قانوني، المواد من 12 إلى 22",
}

RECIPIENTS_AR: dict[str, tuple[str, str]] = {  # English name -> (Arabic name, what they receive)
    "ZATCA (Zakat, Tax and Customs Authority, Saudi Arabia)": ("هيئة الزكاة والضريبة والجمارك",
                                                               "الفواتير مع بيانات المشتري"),
    "Stripe": ("Stripe", "المبالغ واسم الدافع وبريده الإلكتروني عند السداد بالبطاقة"),
    "The company's e-mail provider": ("مزوّد البريد الإلكتروني للشركة", "البريد الإلكتروني للعميل والفاتورة"),
}

BASIS_NAMES: dict[str, Label] = {
    "ksa-vat-records": ("KSA VAT records", "سجلات ضريبة القيمة المضافة"),
    "audit-evidence": ("Audit evidence", "أدلة التدقيق"),
}

TABLE_NAMES: dict[str, Label] = {
    "customer": ("Customer record", "سجل العميل"),
    "staff_user": ("Staff user record", "سجل المستخدم"),
    "invoice": ("Invoices and notes", "الفواتير والإشعارات"),
    "invoice_line": ("Invoice lines", "بنود الفواتير"),
    "issued_document": ("Signed e-invoice XML", "ملفات XML الموقّعة"),
    "zatca_submission": ("Cleared e-invoice XML", "ملفات XML المعتمدة"),
    "documents": ("E-invoice XML documents", "مستندات XML للفواتير الإلكترونية"),
    "gdpr_request": ("Data-protection requests", "طلبات حماية البيانات"),
    "retention_hold": ("Retention holds", "قيود الحفظ النظامي"),
    "erasure_certificate": ("Erasure certificates", "شهادات المحو"),
    "audit_entry": ("Audit entries about them", "قيود التدقيق المتعلقة به"),
    "access_log": ("Reads of their data: the access log", "سجل الاطلاع على بياناته"),
}

STATUSES: dict[str, Label] = {
    "received": ("received", "مستلم"),
    "identity_verified": ("identity verified", "تم التحقق من الهوية"),
    "in_progress": ("in progress", "قيد المعالجة"),
    "extended": ("extended", "ممدد"),
    "completed": ("completed", "مكتمل"),
    "refused": ("refused", "مرفوض"),
    "withdrawn": ("withdrawn", "مسحوب"),
}

REQUEST_KINDS: dict[str, Label] = {
    "access": ("access, GDPR Art. 15", "طلب اطلاع، المادة 15"),
    "portability": ("data portability, GDPR Art. 20", "طلب نقل البيانات، المادة 20"),
}

INVOICE_STATUS: dict[str, Label] = {
    "draft": ("draft", "مسودة"),
    "issued": ("issued", "صادرة"),
}

DOCUMENT_TYPES: dict[str, Label] = {
    "invoice": ("invoice", "فاتورة"),
    "credit_note": ("credit note", "إشعار دائن"),
    "debit_note": ("debit note", "إشعار مدين"),
}

DOCUMENT_KINDS: dict[str, Label] = {
    "standard": ("standard", "قياسية"),
    "simplified": ("simplified", "مبسطة"),
}

ROLES: dict[str, Label] = {
    "admin": ("administrator", "مسؤول النظام"),
    "compliance": ("compliance officer", "مسؤول الامتثال"),
    "clerk": ("clerk", "موظف"),
}

CHANNELS: dict[str, Label] = {
    "core": ("core", "النظام"),
    "cli": ("command line", "سطر الأوامر"),
    "desktop": ("desktop app", "تطبيق سطح المكتب"),
    "export": ("access export", "تصدير الاطلاع"),
    "report": ("printed report", "تقرير مطبوع"),
}


def _pick(labels: dict[str, Label], key: str, lang: str) -> str:
    label = labels.get(key)
    if label is None:
        return key
    return label[1] if lang == "ar" else label[0]


# --- the access request report ---------------------------------------------------------------------------------------


def _access_request(uow: UnitOfWork, reference: str) -> RequestInfo:
    """The request by reference (from the list, which carries no personal data: nothing to log)."""
    wanted = reference.strip().upper()
    for info in list_requests(uow):
        if info.reference.upper() == wanted or str(info.id) == reference.strip():
            if info.kind not in EXPORT_KINDS:
                raise ReportError(f"Request {info.reference} is a {info.kind} request, not an access request.",
                                  fix="Give the reference of an access or portability request; "
                                      "`qayd gdpr request list` lists them.")
            if not info.subject:
                raise ReportError(f"Request {info.reference} names no data subject.",
                                  fix="Record which customer or staff user the request is about first.")
            return info
    raise NotFoundError(f"There is no data-subject request {reference!r}.",
                        fix="Give its reference, e.g. DSR-2026-0001; `qayd gdpr request list` lists them.")


def _held_fields(c: SubjectRecords) -> list[str]:
    """The catalogued fields that actually hold something about the subject, as "table.column"."""
    held: dict[str, None] = {}
    for row in c.data.get("customer", []):
        for f in FIELDS:
            if f.table != "customer":
                continue
            value = row.get("address") if f.column == "address_json" else row.get(f.column)
            if value and value != erasure.ERASED_NAME:
                held[f"customer.{f.column}"] = None
    for row in c.data.get("staff_user", []):
        for column in ("username", "display_name"):
            if row.get(column) and row[column] != erasure.ERASED_NAME:
                held[f"staff_user.{column}"] = None
    if any(row.get("buyer") for row in c.data.get("invoice", [])):
        held["invoice.buyer_json"] = None
    for _name, _content, entry in c.documents:
        held["issued_document.xml" if entry.get("copy") == "signed" else "zatca_submission.cleared_xml"] = None
    for row in c.data.get("gdpr_request", []):
        requester = row.get("requester") or {}
        if requester and not requester.get("erased"):
            held["gdpr_request.requester_json"] = None
        for column in ("identity_method", "notes", "extension_reason", "outcome"):
            if row.get(column) and row[column] != erasure.ERASED_NAME:
                held[f"gdpr_request.{column}"] = None
    if any(e.get("personal_state") == "decrypted" for e in c.entries):
        held["audit_entry.body"] = None
    order = {f"{f.table}.{f.column}": n for n, f in enumerate(FIELDS)}
    return sorted(held, key=lambda name: order.get(name, len(order)))


def _category_rows(fields: list[str], lang: str) -> list[list[str]]:
    by_name = {f"{f.table}.{f.column}": f for f in FIELDS}
    grouped_by: dict[tuple[str, str, str], list[str]] = {}
    for name in fields:
        f = by_name[name]
        key = (f.category.value, f.erase.value, f.basis)
        grouped_by.setdefault(key, []).append(_pick(FIELD_NAMES, name, lang))
    rows = []
    for (category, erase_how, basis), names in grouped_by.items():
        rows.append([_pick(CATEGORIES, category, lang), "، ".join(names) if lang == "ar" else ", ".join(names),
                     _pick(ON_ERASURE, erase_how, lang), _pick(BASIS_NAMES, basis, lang) if basis else "—"])
    return rows


def _subject_name(c: SubjectRecords, lang: str) -> str:
    erased_label: Label = ("erased", "ممسوح")
    if c.kind == "customer":
        row = c.data["customer"][0]
        if row.get("erased_at"):
            on = str(row["erased_at"])[:10]
            return f"{erased_label[0]} ({on})" if lang == "en" else f"{erased_label[1]} بتاريخ {on}"
        names = [str(row.get("name") or "")]
        if row.get("name_ar") and row.get("name_ar") != row.get("name"):
            names.append(str(row["name_ar"]))
        return " — ".join(n for n in names if n)
    row = c.data["staff_user"][0]
    if str(row.get("username", "")).startswith("erased:"):
        return erased_label[1] if lang == "ar" else erased_label[0]
    return str(row.get("display_name") or row.get("username") or "")


def _roles_of(uow: UnitOfWork, actors: Iterable[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for actor in set(actors):
        kind, _, ident = actor.partition(":")
        try:
            user = uow.session.get(m.StaffUser, uuid.UUID(ident)) if kind == "user" else None
        except ValueError:
            user = None
        roles[actor] = user.role if user is not None else ""
    return roles


@dataclass(frozen=True)
class _ManifestRow:
    path: str
    size: int | None
    listed: str  # the SHA-256 the manifest lists ("" for a file it does not list)
    status: str  # matches | differs | missing | unlisted


def _manifest(folder: Path, subject: str) -> tuple[dict[str, Any], str, list[_ManifestRow]]:
    """The export's manifest, its own SHA-256, and each file checked against it."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise ReportError(f"{folder} holds no manifest.json: it is not an access export folder.",
                          fix="Give the folder `qayd gdpr access` wrote (it holds manifest.json).")
    raw = path.read_bytes()
    try:
        manifest = json.loads(raw)
        files = list(manifest["files"])
    except (ValueError, KeyError, TypeError):
        raise ReportError(f"{path} is not an access export manifest.",
                          fix="Give the folder `qayd gdpr access` wrote, unchanged.") from None
    if manifest.get("subject") != subject:
        raise ReportError("The export folder is about another data subject than this request.",
                          fix="Give the export made for this request's subject.")
    root = folder.resolve()
    rows: list[_ManifestRow] = []
    listed_paths: set[str] = set()
    for entry in files:
        name, listed = str(entry.get("path", "")), str(entry.get("sha256", ""))
        listed_paths.add(name)
        target = (folder / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            rows.append(_ManifestRow(name, None, listed, "missing"))
            continue
        content = target.read_bytes()
        actual = hashlib.sha256(content).hexdigest()
        rows.append(_ManifestRow(name, len(content), listed, "matches" if actual == listed else "differs"))
    for extra in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = extra.relative_to(folder).as_posix()
        if name != "manifest.json" and name not in listed_paths:
            rows.append(_ManifestRow(name, extra.stat().st_size, "", "unlisted"))
    return manifest, hashlib.sha256(raw).hexdigest(), rows


MANIFEST_STATUS: dict[str, Label] = {
    "matches": ("matches", "مطابق"),
    "differs": ("DIFFERS", "غير مطابق"),
    "missing": ("MISSING", "مفقود"),
    "unlisted": ("not in the manifest", "غير مدرج في البيان"),
}


def build_access_report(ctx: Context, *, request: str, lang: str, export_dir: Path | None = None,
                        progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Built:
    """The access request report for the access (or portability) request `request` (DSR-…), in `lang`."""
    check_lang(lang)
    steps = Steps(progress, cancelled)
    steps(0.0, "Reading the request")
    with ctx.uow(write=False) as uow:
        require_privileged(uow, "print a data subject's access report")
        info = _access_request(uow, request)
        kind, ident = subjects.require_subject(info.subject)
        subject = f"{kind}:{ident}"
        steps(0.1, "Reading the subject's data")
        collected = SubjectRecords(uow, subject, kind, ident)
        collected.tables()
        steps(0.4, "Reading the audit trail and the access log")
        collected.audit()
        # The report reads what the export reads: recorded as such, through the same log (never the values).
        uow.record_access(subject, list(collected.fields_read), REPORT_PURPOSE, REPORT_CHANNEL,
                          restricted=collected.restricted)
        held = _held_fields(collected)
        roles = _roles_of(uow, (r["actor"] for r in collected.access_log))
        who = identity(uow)
        now = uow.now()
    manifest = _manifest(export_dir, subject) if export_dir is not None else None
    steps(0.6, "Writing the report")

    writer = ReportWriter(lang=lang, title=ACCESS_TITLE, identity=who, generated_at=saudi_time(now),
                          subtitle=(f"Request {info.reference} · subject {subject}",
                                    f"الطلب {info.reference} · صاحب البيانات {subject}"))
    t = writer.t
    ar = lang == "ar"

    writer.heading(("The request", "الطلب"))
    identity_text = (riyadh(info.identity_checked_at) if info.identity_checked_at is not None
                     else t(("not verified", "لم يُتحقق منها")))
    writer.fields([
        (("Reference", "المرجع"), info.reference),
        (("Kind", "نوع الطلب"), _pick(REQUEST_KINDS, info.kind, lang)),
        (("Received", "تاريخ الاستلام"), riyadh(info.received_at)),
        (("Due by", "آخر موعد للرد"), info.due_date.isoformat()),
        (("Status", "الحالة"), _pick(STATUSES, info.status, lang)
         + (t((" — overdue", " — متأخر")) if info.overdue else "")),
        (("Identity verified", "التحقق من الهوية"), identity_text),
    ])
    if info.closed_at is not None:
        writer.fields([(("Closed", "تاريخ الإغلاق"), riyadh(info.closed_at))])

    writer.heading(("The data subject", "صاحب البيانات"))
    restricted = bool(collected.status.get("restricted_at"))
    writer.fields([
        (("Subject reference", "مرجع صاحب البيانات"), subject),
        (("Name as held", "الاسم كما هو محفوظ"), _subject_name(collected, lang)),
        (("Kind", "النوع"), t(("customer", "عميل") if kind == "customer" else ("staff user", "مستخدم"))),
        (("Processing restricted", "تقييد المعالجة"),
         t(("yes: visible to compliance officers only", "نعم: يطّلع عليه مسؤولو الامتثال فقط") if restricted
           else ("no", "لا"))),
    ], columns=1, label_share=0.3)

    writer.heading(("Categories of personal data held", "فئات البيانات الشخصية المحفوظة"))
    writer.table([Column(("Category", "الفئة"), 1.6), Column(("Data held", "البيانات المحفوظة"), 2.6),
                  Column(("On erasure", "عند المحو"), 1.8), Column(("Kept under", "أساس الحفظ"), 1.4)],
                 _category_rows(held, lang),
                 empty=("No personal data is held about this subject.",
                        "لا توجد بيانات شخصية محفوظة عن صاحب البيانات."))

    writer.heading(("Purposes and legal basis", "أغراض المعالجة وأساسها النظامي"))
    writer.table([Column(("Purpose", "الغرض"), 3), Column(("Legal basis", "الأساس النظامي"), 2.4)],
                 [[p["ar"] if ar else p["en"], LEGAL_BASIS_AR.get(p["key"], p["legal_basis"]) if ar
                   else p["legal_basis"]] for p in PURPOSES])

    writer.heading(("Recipients", "الجهات المتلقية"))
    writer.table([Column(("Recipient", "الجهة"), 1.8), Column(("What they receive", "ما تتلقاه"), 2.2),
                  Column(("Why", "السبب"), 2.4)],
                 [[RECIPIENTS_AR.get(r["name"], (r["name"], r["data"]))[0] if ar else r["name"],
                   RECIPIENTS_AR.get(r["name"], (r["name"], r["data"]))[1] if ar else r["data"],
                   r["ar"] if ar else r["en"]] for r in RECIPIENTS])

    writer.heading(("Retention periods", "مدد الحفظ"))
    writer.table([Column(("Records", "السجلات"), 1.4), Column(("Kept for", "مدة الحفظ"), 1.6),
                  Column(("Legal basis", "الأساس النظامي"), 4)],
                 [[_pick(BASIS_NAMES, b.key, lang), _period(b.years, b.from_end_of_tax_year, lang),
                   b.law_ar if ar else b.law_en] for b in BASES.values()])
    writer.paragraph(("Other personal data is kept while the customer relationship lasts and is erased on request.",
                      "وتُحفظ البيانات الشخصية الأخرى ما دامت العلاقة مع العميل قائمة، وتُمحى عند الطلب."),
                     size=8.5, color=MUTED)
    steps(0.7, "Writing the records")

    writer.heading(("Records held", "السجلات المحفوظة"))
    counts = [(table, len(rows)) for table, rows in collected.data.items() if rows]
    if collected.documents:
        counts.append(("documents", len(collected.documents)))
    if collected.entries:
        counts.append(("audit_entry", len(collected.entries)))
    if collected.access_log:
        counts.append(("access_log", len(collected.access_log)))
    writer.table([Column(("Records", "السجلات"), 3), Column(("Count", "العدد"), 1, "end")],
                 [[_pick(TABLE_NAMES, table, lang), f"{n:,}"] for table, n in counts])
    invoices = collected.data.get("invoice", [])
    if invoices:
        writer.paragraph(("Invoices and notes issued to the subject:",
                          "الفواتير والإشعارات الصادرة باسم صاحب البيانات:"), size=9, bold=True)
        writer.table([Column(("Number", "الرقم"), 2), Column(("Document", "المستند"), 2),
                      Column(("Issue date", "تاريخ الإصدار"), 1.3), Column(("Status", "الحالة"), 1.1),
                      Column(("Held until", "محفوظة حتى"), 1.3)],
                     _invoice_rows(invoices, lang), total_rows=len(invoices), progress=steps.rows(0.7, 0.8))
    steps(0.8, "Writing the access log")

    writer.heading(("Who read this subject's data", "من اطّلع على بيانات صاحب البيانات"))
    log = collected.access_log
    if log:
        times = sorted(str(r["at"]) for r in log)
        writer.paragraph((f"{len(log):,} recorded reads by {len({r['actor'] for r in log}):,} staff user(s), from "
                          f"{riyadh(times[0])} to {riyadh(times[-1])} (Riyadh time). This report is recorded too.",
                          f"سُجّلت {len(log):,} عملية اطلاع من {len({r['actor'] for r in log}):,} مستخدم، من "
                          f"{riyadh(times[0])} إلى {riyadh(times[-1])} بتوقيت الرياض. ويُسجَّل هذا التقرير أيضاً."),
                         size=8.5, color=MUTED)
    writer.table([Column(("Who", "المستخدم"), 3.3), Column(("Purpose", "الغرض"), 2.0),
                  Column(("Through", "القناة"), 1.2), Column(("Reads", "المرات"), 0.8, "end"),
                  Column(("Last read", "آخر اطلاع"), 1.6)],
                 _access_rows(log, roles, lang),
                 empty=("No read of this subject's data is recorded.", "لا توجد عمليات اطلاع مسجّلة على بياناته."))

    if manifest is not None:
        doc, digest, rows = manifest
        steps(0.9, "Checking the export's files")
        writer.heading(("The export and its files", "ملف التصدير ومحتوياته"))
        bad = [r for r in rows if r.status != "matches"]
        verdict(writer, not bad, ("Every file matches the manifest", "جميع الملفات مطابقة للبيان") if not bad else
                (f"{len(bad)} file(s) do not match the manifest", f"{len(bad)} من الملفات غير مطابقة للبيان"),
                size=11)
        writer.fields([
            (("Export folder", "مجلد التصدير"), export_dir.name if export_dir is not None else ""),
            (("Generated", "تاريخ الإنشاء"), riyadh(str(doc.get("generated_at", "")))),
            (("Format", "الصيغة"), str(doc.get("format", ""))),
            (("Files", "عدد الملفات"), f"{len(rows):,}"),
        ])
        writer.fields([(("SHA-256 of manifest.json", "تجزئة SHA-256 للملف manifest.json"), grouped(digest))],
                      columns=1, label_share=0.3)
        writer.table([Column(("File", "الملف"), 2.0), Column(("Bytes", "الحجم"), 0.8, "end"),
                      Column(("SHA-256 listed in the manifest", "تجزئة SHA-256 المدرجة في البيان"), 5.0),
                      Column(("Check", "الفحص"), 1.0)],
                     ([r.path, f"{r.size:,}" if r.size is not None else "—", grouped(r.listed) or "—",
                       _pick(MANIFEST_STATUS, r.status, lang)] for r in rows),
                     size=7, total_rows=len(rows), progress=steps.rows(0.9, 0.97))
    writer.paragraph(RIYADH_NOTE, size=8, color=MUTED)
    steps(0.97, "Packaging the PDF/A document")
    built = finish(writer, filename=f"access-report_{safe_name(who.vat_number)}_{safe_name(info.reference)}_{lang}.pdf",
                   title=f"{t(ACCESS_TITLE)} {info.reference}", created=now, keywords="GDPR; access request")
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return built


def _period(years: int, from_end_of_tax_year: bool, lang: str) -> str:
    if lang == "ar":
        return (f"{years} سنوات بعد نهاية السنة الضريبية" if from_end_of_tax_year
                else f"{years} سنوات من تاريخ الحدث")
    return f"{years} years after the end of the tax year" if from_end_of_tax_year else f"{years} years from the event"


def _invoice_rows(invoices: list[dict[str, Any]], lang: str) -> Iterator[list[str]]:
    for inv in invoices:
        document = (f"{_pick(DOCUMENT_TYPES, str(inv.get('type')), lang)} · "
                    f"{_pick(DOCUMENT_KINDS, str(inv.get('kind')), lang)}")
        issued = riyadh(str(inv.get("issue_datetime") or ""))[:10]
        yield [str(inv.get("number", "")), document, issued, _pick(INVOICE_STATUS, str(inv.get("status")), lang),
               str(inv.get("held_until") or "—")]


def _access_rows(log: list[dict[str, Any]], roles: dict[str, str], lang: str) -> list[list[str]]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in log:
        groups.setdefault((str(r["actor"]), str(r["purpose"]), str(r["channel"])), []).append(str(r["at"]))
    rows = []
    for (actor, purpose, channel), times in sorted(groups.items(), key=lambda g: max(g[1]), reverse=True):
        role = roles.get(actor, "")
        who = f"{actor}\n{_pick(ROLES, role, lang)}" if role else actor
        rows.append([who, purpose, _pick(CHANNELS, channel, lang), f"{len(times):,}", riyadh(max(times))])
    return rows


# --- the erasure certificate -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signature:
    ok: bool
    public_key: bytes | None
    device: str
    signature: bytes


def _find_certificate(uow: UnitOfWork, ref: str) -> erasure.CertificateInfo:
    """A certificate by its id, by the request it answers (DSR-…), or the newest of a subject."""
    text = ref.strip()
    if text.upper().startswith("DSR-"):
        for cert in erasure.list_certificates(uow):
            if str(cert.body.get("request") or "").upper() == text.upper():
                return cert
        requests = {r.reference.upper() for r in list_requests(uow)}
        if text.upper() in requests:
            raise NotFoundError(f"Request {text} has no erasure certificate.",
                                fix="Erase the subject for this request first: "
                                    "`qayd gdpr erase SUBJECT --request " + text + "`.")
        raise NotFoundError(f"There is no data-subject request {text!r}.",
                            fix="`qayd gdpr request list` lists them; `qayd gdpr certificate show` takes an id.")
    return erasure.get_certificate(uow, text)


def _check_signature(uow: UnitOfWork, cert: erasure.CertificateInfo) -> _Signature:
    """Verify the certificate's Ed25519 signature over its stored UTF-8 text with the signing device's key."""
    row = uow.session.get(m.ErasureCertificate, cert.id)
    device = uow.session.get(m.Device, row.device_id) if row is not None else None
    try:
        signature = base64.b64decode(cert.signature, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if device is None:
        return _Signature(False, None, str(row.device_id) if row is not None else "", signature)
    ok = signature_ok(device.public_key, signature, cert.text.encode("utf-8"))
    return _Signature(ok, device.public_key, str(device.id), signature)


def _kept_rows(uow: UnitOfWork, cert: erasure.CertificateInfo, lang: str) -> list[list[str]]:
    kept = cert.body.get("kept", {}).get("records", [])
    ids = []
    for item in kept:
        kind, _, ident = str(item.get("record", "")).partition(":")
        if kind == "invoice":
            with contextlib.suppress(ValueError):
                ids.append(uuid.UUID(ident))
    invoices = {r.id: (r.number, r.issue_datetime) for r in uow.session.execute(
        select(m.Invoice.id, m.Invoice.number, m.Invoice.issue_datetime).where(m.Invoice.id.in_(ids)))} if ids else {}
    holds = {h.record: h for h in uow.session.scalars(
        select(m.RetentionHold).where(m.RetentionHold.subject == cert.subject))}
    counts = cert.body.get("counts", {})
    rows = []
    for item in kept:
        record = str(item.get("record", ""))
        kind, _, ident = record.partition(":")
        basis = _pick(BASIS_NAMES, str(item.get("basis", "")), lang)
        until = str(item.get("held_until") or "—")
        if kind == "invoice":
            try:
                number, issued = invoices.get(uuid.UUID(ident), (record, None))
            except ValueError:
                number, issued = record, None
            what = (f"فاتورة {number}" if lang == "ar" else f"Invoice {number}")
            hold = holds.get(record)
            if hold is None:
                now = ("no hold recorded", "لا يوجد قيد حفظ مسجّل")
            elif hold.purged_at is not None:
                now = (f"purged {riyadh(hold.purged_at)[:10]}", f"أُزيلت بتاريخ {riyadh(hold.purged_at)[:10]}")
            else:
                now = ("held, sealed and restricted", "محفوظة ومشفّرة ومقيّدة")
            rows.append([what, riyadh(issued)[:10] if issued else "—", basis, until,
                         now[1] if lang == "ar" else now[0]])
        else:
            n = int(counts.get("audit_entries", 0))
            what = (f"{n:,} قيد تدقيق دون بيانات شخصية مقروءة" if lang == "ar"
                    else f"{n:,} audit entries, without readable personal data")
            rows.append([what, "—", basis, until, "في سلسلة التدقيق" if lang == "ar" else "in the audit chain"])
    return rows


def _erased_rows(cert: erasure.CertificateInfo, lang: str) -> list[list[str]]:
    tables = cert.body.get("erased", {}).get("tables", {})
    rows = []
    for table, entry in tables.items():
        fields = [_pick(FIELD_NAMES, f"{table}.{name}", lang) if f"{table}.{name}" in FIELD_NAMES else str(name)
                  for name in entry.get("fields", [])]
        if table == "audit_entry":
            name = "قيود التدقيق: البيانات الشخصية المشفّرة" if lang == "ar" else "Audit entries: sealed personal data"
        elif table == "invoice":  # issued invoices are held, not erased: what an erasure overwrites are drafts
            name = "مسودات الفواتير" if lang == "ar" else "Draft invoices"
        else:
            name = _pick(TABLE_NAMES, table, lang)
        rows.append([name, ("، " if lang == "ar" else ", ").join(fields), f"{int(entry.get('records', 0)):,}"])
    return rows


def _key_state(uow: UnitOfWork, subject: str) -> datetime | bool | None:
    """When the subject's audit key was destroyed (None: destroyed, time unknown; False: it still exists)."""
    row = uow.session.execute(select(m.SubjectKey.wrapped_key, m.SubjectKey.destroyed_at)
                              .where(m.SubjectKey.subject == subject)).first()
    if row is None:
        return None
    return row[1] if row[0] is None else False


@dataclass(frozen=True)
class CertificateDocument:
    """A printed erasure certificate and whether its signature verified (the CLI exits 1 when it does not)."""

    built: Built
    verified: bool


def build_erasure_certificate(ctx: Context, *, request: str, lang: str, progress: ProgressFn | None = None,
                              cancelled: CancelFn | None = None) -> Built:
    """The printed erasure certificate for `request` (a DSR-… reference, a certificate id, or a subject)."""
    return certificate_document(ctx, request=request, lang=lang, progress=progress, cancelled=cancelled).built


def certificate_document(ctx: Context, *, request: str, lang: str, progress: ProgressFn | None = None,
                         cancelled: CancelFn | None = None) -> CertificateDocument:
    """The erasure certificate document and its signature's verdict; see `build_erasure_certificate`."""
    check_lang(lang)
    steps = Steps(progress, cancelled)
    steps(0.0, "Reading the certificate")
    with ctx.uow(write=False) as uow:
        cert = _find_certificate(uow, request)
        signed = _check_signature(uow, cert)
        steps(0.3, "Reading the holds")
        kept = _kept_rows(uow, cert, lang)
        erased = _erased_rows(cert, lang)
        key_state = _key_state(uow, cert.subject)
        who = identity(uow)
        now = uow.now()
    steps(0.5, "Writing the certificate")
    body = cert.body
    digest = hashlib.sha256(cert.text.encode("utf-8")).hexdigest()
    ar = lang == "ar"

    writer = ReportWriter(lang=lang, title=ERASURE_TITLE, identity=who, generated_at=saudi_time(now),
                          subtitle=(f"Certificate {cert.id}", f"الشهادة {cert.id}"))
    t = writer.t
    if signed.ok:
        verdict(writer, True, ("Signature verified", "التوقيع صحيح ومتحقَّق منه"),
                ("The signature verifies with the signing device's public key: the content below is exactly what "
                 "was signed when the data was erased.",
                 "يتحقق التوقيع بالمفتاح العام للجهاز الموقِّع: والمحتوى أدناه هو نفسه ما وُقّع عند محو البيانات."))
    else:
        verdict(writer, False, ("Signature does NOT verify", "التوقيع لا يتحقق"),
                ("The certificate's content or signature was changed after it was signed, or it was signed by "
                 "another key: it is not evidence of this erasure.",
                 "عُدّل محتوى الشهادة أو توقيعها بعد التوقيع، أو وُقّعت بمفتاح آخر: فلا يُعتد بها دليلاً على هذا المحو."))

    # The QR code beside the certificate's particulars: the id and the SHA-256 of the signed text.
    qr_size = 96.0
    writer.ensure(qr_size + 50)
    writer.heading(("The certificate", "بيانات الشهادة"))
    top = writer.y
    qr_x = MARGIN if ar else PAGE_W - MARGIN - qr_size
    writer.qr(qr_value(cert.id, digest), qr_size, qr_x, top - qr_size + 10)
    saved_width = writer.width
    writer.width = saved_width - qr_size - 12  # the particulars wrap beside the QR code
    writer.fields([
        (("Certificate ID", "رقم الشهادة"), str(cert.id)),
        (("Request", "الطلب"), str(body.get("request") or "—")),
        (("Subject reference", "مرجع صاحب البيانات"), cert.subject),
        (("Erased at", "تاريخ المحو"), riyadh(cert.issued_at) + t((" Riyadh time", " بتوقيت الرياض"))),
        (("Performed by", "نفّذه"), str(body.get("actor", ""))),
        (("Format", "الصيغة"), str(body.get("format", ""))),
    ], columns=1, label_share=0.3)
    writer.width = saved_width
    writer.y = min(writer.y, top - qr_size - 4)
    writer.paragraph(("The QR code holds the certificate ID and the SHA-256 of its signed content, so a printed copy "
                      "can be matched to the certificate in the store. The subject's erased personal data is not "
                      "printed here.",
                      "يحمل رمز الاستجابة السريعة رقم الشهادة وتجزئة SHA-256 لمحتواها الموقّع، لمطابقة النسخة المطبوعة "
                      "بالشهادة المحفوظة. ولا تُطبع هنا البيانات الشخصية الممحوّة."), size=8, color=MUTED)

    writer.heading(("What was erased", "ما تم محوه"))
    writer.table([Column(("Records", "السجلات"), 2), Column(("Fields overwritten", "الحقول المستبدلة"), 3.4),
                  Column(("Count", "العدد"), 0.8, "end")], erased,
                 empty=("Nothing was left to erase.", "لم يبقَ ما يُمحى."))
    counts = body.get("counts", {})
    writer.fields([
        (("Drafts anonymised", "المسودات المجهّلة"), f"{int(counts.get('drafts', 0)):,}"),
        (("Requests anonymised", "الطلبات المجهّلة"), f"{int(counts.get('requests', 0)):,}"),
        (("Invoices held", "الفواتير المحفوظة"), f"{int(counts.get('held_invoices', 0)):,}"),
        (("Audit entries", "قيود التدقيق"), f"{int(counts.get('audit_entries', 0)):,}"),
    ])

    writer.heading(("What is kept, why, and until when", "ما يُحفظ وسببه ومدته"))
    writer.table([Column(("Record", "السجل"), 2.4), Column(("Issued", "تاريخ الإصدار"), 1.1),
                  Column(("Kept under", "أساس الحفظ"), 1.5), Column(("Held until", "محفوظ حتى"), 1.1),
                  Column(("Now", "الحالة الآن"), 1.7)], kept,
                 empty=("Nothing is kept.", "لا يُحفظ شيء."))
    bases = sorted({str(item.get("basis")) for item in body.get("kept", {}).get("records", []) if item.get("basis")})
    for key in bases:
        basis = BASES.get(key)
        if basis is not None:
            writer.paragraph(f"{_pick(BASIS_NAMES, key, lang)}: {basis.law_ar if ar else basis.law_en}", size=8,
                             color=MUTED)
    sealed = body.get("held_records_sealed") or {}
    if sealed.get("records"):
        writer.paragraph((f"The held invoices are sealed ({sealed.get('format', '')}) with a key of their own, opened "
                          "only by compliance officers and administrators (each opening is logged), and purged with "
                          "that key when the hold ends.",
                          f"الفواتير المحفوظة مشفّرة بصيغة {sealed.get('format', '')} بمفتاح خاص بها، ولا يفتحها إلا "
                          "مسؤولو الامتثال والمسؤولون مع تسجيل كل فتح، وتُزال مع إتلاف ذلك المفتاح عند انتهاء "
                          "مدة الحفظ."),
                         size=8.5)

    writer.heading(("The subject's audit key and the write-ahead log",
                    "مفتاح التدقيق الخاص بصاحب البيانات وسجل الكتابة المسبقة"))
    destroyed = bool(body.get("audit_key_destroyed"))
    if key_state is False:
        state = ("still present in the store", "ما زال موجوداً في قاعدة البيانات")
    elif isinstance(key_state, datetime):
        state = (f"destroyed in the store on {riyadh(key_state)}", f"مُتلف في قاعدة البيانات بتاريخ {riyadh(key_state)}")
    else:
        state = ("no key in the store", "لا يوجد مفتاح في قاعدة البيانات")
    writer.fields([
        (("Audit key destroyed by this erasure", "أُتلف مفتاح التدقيق بهذا المحو"),
         t(("yes", "نعم") if destroyed else ("no: there was none left to destroy", "لا: لم يبقَ مفتاح لإتلافه"))),
        (("Checked now", "الحالة عند إصدار هذه النسخة"), t(state)),
    ], columns=1, label_share=0.4)
    writer.paragraph((
        "With the key destroyed, the personal data sealed in the subject's audit entries can no longer be read, while "
        "the audit chain still verifies. Once the erasure is committed, Qayd checkpoints the database's write-ahead "
        "log and truncates it to nothing (the database runs with secure_delete on), so earlier copies of the "
        "overwritten values survive in neither the database file nor its log; if another program had the company "
        "open at that moment, the next checkpoint completes it. This step follows the signature and is not part of "
        "the signed content.",
        "بإتلاف المفتاح لا يمكن قراءة البيانات الشخصية المشفّرة في قيود التدقيق الخاصة بصاحب البيانات، مع بقاء "
        "سلسلة التدقيق قابلة للتحقق. وبعد اعتماد المحو ينقل قيد سجل الكتابة المسبقة إلى قاعدة البيانات ويقتطعه "
        "كلياً، وتعمل قاعدة البيانات مع خيار الحذف الآمن، فلا تبقى نسخ سابقة من القيم المستبدلة في ملف قاعدة "
        "البيانات ولا في سجلها؛ وإن كان برنامج آخر يفتح الشركة في تلك اللحظة أتمّت نقطة الدمج التالية ذلك. "
        "وتأتي هذه الخطوة بعد التوقيع فلا تدخل في المحتوى الموقّع."), size=8.5)
    steps(0.8, "Writing the signature")

    writer.heading(("Signature", "التوقيع"))
    writer.fields([
        (("Algorithm", "الخوارزمية"), t(("Ed25519 over the UTF-8 bytes of the canonical JSON",
                                         "Ed25519 على بايتات UTF-8 لنص JSON القانوني"))),
        (("Signing device", "الجهاز الموقِّع"), signed.device or "—"),
        (("Public-key fingerprint", "بصمة المفتاح العام"),
         fingerprint(signed.public_key) if signed.public_key else t(("unknown device", "جهاز غير معروف"))),
        (("SHA-256 of the signed content", "تجزئة SHA-256 للمحتوى الموقّع"), grouped(digest)),
        (("Signature", "قيمة التوقيع"), grouped(signed.signature.hex()) if signed.signature
         else t(("not readable", "غير مقروءة"))),
        (("Result", "النتيجة"), t(("verified", "متحقَّق منه") if signed.ok else ("does NOT verify", "لا يتحقق"))),
    ], columns=1, label_share=0.3)
    attachment = f"erasure-certificate-{cert.id}.json"
    writer.paragraph((f"The signed content is embedded in this PDF as {attachment}, byte for byte as stored; with the "
                      "signature and the device's public key above it can be verified with any Ed25519 tool, or "
                      f"with `qayd gdpr certificate show {cert.id}`.",
                      f"المحتوى الموقّع مضمَّن في هذا الملف باسم {attachment} كما هو محفوظ تماماً، ويمكن التحقق منه "
                      "بالتوقيع والمفتاح العام للجهاز المذكورين أعلاه بأي أداة Ed25519، أو بالأمر "
                      f"qayd gdpr certificate show {cert.id}."), size=8.5)
    steps(0.9, "Packaging the PDF/A document")
    attachments = [Attachment(attachment, cert.text.encode("utf-8"), mime_type="application/json",
                              relationship="Source", description="The erasure certificate as signed (canonical JSON)"),
                   Attachment(f"erasure-certificate-{cert.id}.sig", cert.signature.encode("ascii", "replace"),
                              mime_type="text/plain", relationship="Supplement",
                              description="Its Ed25519 signature, base64")]
    if signed.public_key:
        attachments.append(Attachment("device-public-key.pem", public_pem(signed.public_key).encode("ascii"),
                                      mime_type="application/x-pem-file", relationship="Supplement",
                                      description="The signing device's public key"))
    built = finish(writer, filename=f"erasure-certificate_{safe_name(who.vat_number)}_{cert.id}_{lang}.pdf",
                   title=f"{t(ERASURE_TITLE)} {cert.id}", created=now, attachments=attachments,
                   keywords="GDPR; erasure certificate; " + ("verified" if signed.ok else "not verified"))
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return CertificateDocument(built, signed.ok)


def qr_value(certificate: uuid.UUID, digest: str) -> str:
    """What the certificate's QR code holds: its id and the SHA-256 (hex) of its signed text."""
    return f"QAYD-ERASURE-CERTIFICATE:{certificate};SHA-256:{digest}"
