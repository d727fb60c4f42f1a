"""The printed access request report: lays out gathered `AccessReportData` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.clock import saudi_time
from core.privacy.catalogue import BASES, FIELDS
from core.privacy.requests import RequestInfo
from core.reports.document import Built, finish
from core.reports.evidence_parts import RIYADH_NOTE, Steps, grouped, riyadh, safe_name, verdict
from core.reports.labels import Label
from core.reports.layout import MUTED, Column, Identity, ReportWriter
from core.reports.privacy_labels import (
    ACCESS_TITLE,
    BASIS_NAMES,
    CATEGORIES,
    CHANNELS,
    DOCUMENT_KINDS,
    DOCUMENT_TYPES,
    FIELD_NAMES,
    INVOICE_STATUS,
    LEGAL_BASIS_AR,
    MANIFEST_STATUS,
    ON_ERASURE,
    RECIPIENTS_AR,
    REQUEST_KINDS,
    ROLES,
    STATUSES,
    TABLE_NAMES,
    pick,
)


@dataclass(frozen=True)
class ManifestRow:
    """A file of the access export checked against its manifest."""

    path: str
    size: int | None
    listed: str  # the SHA-256 the manifest lists ("" for a file it does not list)
    status: str  # matches | differs | missing | unlisted


@dataclass(frozen=True)
class ExportCheck:
    """The access export's folder, its manifest, the manifest's own SHA-256 and every file checked again."""

    folder: str  # its name only
    manifest: Mapping[str, Any]
    digest: str
    rows: tuple[ManifestRow, ...]


@dataclass(frozen=True)
class AccessReportData:
    """Everything the access report shows, read in one unit of work (and the export's files, when given)."""

    info: RequestInfo
    subject: str  # "customer:…" or "user:…"
    kind: str  # customer | user
    subject_row: Mapping[str, Any]  # the subject's own record, as the export holds it (for the name as held)
    restricted: bool
    held: tuple[str, ...]  # the catalogued fields that hold something, as "table.column"
    counts: tuple[tuple[str, int], ...]  # records held per table
    invoices: tuple[Mapping[str, Any], ...]
    access_log: tuple[Mapping[str, Any], ...]
    roles: Mapping[str, str]  # each reader's role
    purposes: tuple[Mapping[str, str], ...]
    recipients: tuple[Mapping[str, str], ...]
    export: ExportCheck | None
    who: Identity
    now: datetime


def lay_out_access_report(data: AccessReportData, lang: str, steps: Steps) -> Built:
    """The request, the subject, what is held and why, the records, who read them, and the export's files."""
    writer = _first_part(data, lang)
    _what_is_held(writer, data, lang)
    _second_part(writer, data, lang, steps)
    writer.paragraph(RIYADH_NOTE, size=8, color=MUTED)
    steps(0.97, "Packaging the PDF/A document")
    info, who = data.info, data.who
    return finish(writer, filename=f"access-report_{safe_name(who.vat_number)}_{safe_name(info.reference)}_{lang}.pdf",
                  title=f"{writer.t(ACCESS_TITLE)} {info.reference}", created=data.now, keywords="GDPR; access request")


def _first_part(data: AccessReportData, lang: str) -> ReportWriter:
    info, subject, kind, who = data.info, data.subject, data.kind, data.who
    writer = ReportWriter(lang=lang, title=ACCESS_TITLE, identity=who, generated_at=saudi_time(data.now),
                          subtitle=(f"Request {info.reference} · subject {subject}",
                                    f"الطلب {info.reference} · صاحب البيانات {subject}"))
    t = writer.t

    writer.heading(("The request", "الطلب"))
    identity_text = (riyadh(info.identity_checked_at) if info.identity_checked_at is not None
                     else t(("not verified", "لم يُتحقق منها")))
    writer.fields([
        (("Reference", "المرجع"), info.reference),
        (("Kind", "نوع الطلب"), pick(REQUEST_KINDS, info.kind, lang)),
        (("Received", "تاريخ الاستلام"), riyadh(info.received_at)),
        (("Due by", "آخر موعد للرد"), info.due_date.isoformat()),
        (("Status", "الحالة"), pick(STATUSES, info.status, lang)
         + (t((" — overdue", " — متأخر")) if info.overdue else "")),
        (("Identity verified", "التحقق من الهوية"), identity_text),
    ])
    if info.closed_at is not None:
        writer.fields([(("Closed", "تاريخ الإغلاق"), riyadh(info.closed_at))])

    writer.heading(("The data subject", "صاحب البيانات"))
    restricted = data.restricted
    writer.fields([
        (("Subject reference", "مرجع صاحب البيانات"), subject),
        (("Name as held", "الاسم كما هو محفوظ"), _subject_name(data, lang)),
        (("Kind", "النوع"), t(("customer", "عميل") if kind == "customer" else ("staff user", "مستخدم"))),
        (("Processing restricted", "تقييد المعالجة"),
         t(("yes: visible to compliance officers only", "نعم: يطّلع عليه مسؤولو الامتثال فقط") if restricted
           else ("no", "لا"))),
    ], columns=1, label_share=0.3)

    return writer


def _what_is_held(writer: ReportWriter, data: AccessReportData, lang: str) -> None:
    """The categories held, the purposes and their basis, the recipients and the retention periods."""
    ar, held = lang == "ar", list(data.held)
    writer.heading(("Categories of personal data held", "فئات البيانات الشخصية المحفوظة"))
    writer.table([Column(("Category", "الفئة"), 1.6), Column(("Data held", "البيانات المحفوظة"), 2.6),
                  Column(("On erasure", "عند المحو"), 1.8), Column(("Kept under", "أساس الحفظ"), 1.4)],
                 _category_rows(held, lang),
                 empty=("No personal data is held about this subject.",
                        "لا توجد بيانات شخصية محفوظة عن صاحب البيانات."))

    writer.heading(("Purposes and legal basis", "أغراض المعالجة وأساسها النظامي"))
    writer.table([Column(("Purpose", "الغرض"), 3), Column(("Legal basis", "الأساس النظامي"), 2.4)],
                 [[p["ar"] if ar else p["en"], LEGAL_BASIS_AR.get(p["key"], p["legal_basis"]) if ar
                   else p["legal_basis"]] for p in data.purposes])

    writer.heading(("Recipients", "الجهات المتلقية"))
    writer.table([Column(("Recipient", "الجهة"), 1.8), Column(("What they receive", "ما تتلقاه"), 2.2),
                  Column(("Why", "السبب"), 2.4)],
                 [[RECIPIENTS_AR.get(r["name"], (r["name"], r["data"]))[0] if ar else r["name"],
                   RECIPIENTS_AR.get(r["name"], (r["name"], r["data"]))[1] if ar else r["data"],
                   r["ar"] if ar else r["en"]] for r in data.recipients])

    writer.heading(("Retention periods", "مدد الحفظ"))
    writer.table([Column(("Records", "السجلات"), 1.4), Column(("Kept for", "مدة الحفظ"), 1.6),
                  Column(("Legal basis", "الأساس النظامي"), 4)],
                 [[pick(BASIS_NAMES, b.key, lang), _period(b.years, b.from_end_of_tax_year, lang),
                   b.law_ar if ar else b.law_en] for b in BASES.values()])
    writer.paragraph(("Other personal data is kept while the customer relationship lasts and is erased on request.",
                      "وتُحفظ البيانات الشخصية الأخرى ما دامت العلاقة مع العميل قائمة، وتُمحى عند الطلب."),
                     size=8.5, color=MUTED)


def _second_part(writer: ReportWriter, data: AccessReportData, lang: str, steps: Steps) -> None:
    roles = data.roles
    steps(0.7, "Writing the records")

    writer.heading(("Records held", "السجلات المحفوظة"))
    counts = data.counts
    writer.table([Column(("Records", "السجلات"), 3), Column(("Count", "العدد"), 1, "end")],
                 [[pick(TABLE_NAMES, table, lang), f"{n:,}"] for table, n in counts])
    invoices = data.invoices
    if invoices:
        writer.paragraph(("Invoices and notes issued to the subject:",
                          "الفواتير والإشعارات الصادرة باسم صاحب البيانات:"), size=9, bold=True)
        writer.table([Column(("Number", "الرقم"), 2), Column(("Document", "المستند"), 2),
                      Column(("Issue date", "تاريخ الإصدار"), 1.3), Column(("Status", "الحالة"), 1.1),
                      Column(("Held until", "محفوظة حتى"), 1.3)],
                     _invoice_rows(invoices, lang), total_rows=len(invoices), progress=steps.rows(0.7, 0.8))
    steps(0.8, "Writing the access log")

    writer.heading(("Who read this subject's data", "من اطّلع على بيانات صاحب البيانات"))
    log = data.access_log
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

    _export_files(writer, data, lang, steps)


def _export_files(writer: ReportWriter, data: AccessReportData, lang: str, steps: Steps) -> None:
    """The export's manifest and every file checked against it, when the export's folder was given."""
    if data.export is not None:
        doc, digest, rows = data.export.manifest, data.export.digest, data.export.rows
        steps(0.9, "Checking the export's files")
        writer.heading(("The export and its files", "ملف التصدير ومحتوياته"))
        bad = [r for r in rows if r.status != "matches"]
        verdict(writer, not bad, ("Every file matches the manifest", "جميع الملفات مطابقة للبيان") if not bad else
                (f"{len(bad)} file(s) do not match the manifest", f"{len(bad)} من الملفات غير مطابقة للبيان"),
                size=11)
        writer.fields([
            (("Export folder", "مجلد التصدير"), data.export.folder),
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
                       pick(MANIFEST_STATUS, r.status, lang)] for r in rows),
                     size=7, total_rows=len(rows), progress=steps.rows(0.9, 0.97))


def _category_rows(fields: list[str], lang: str) -> list[list[str]]:
    by_name = {f"{f.table}.{f.column}": f for f in FIELDS}
    grouped_by: dict[tuple[str, str, str], list[str]] = {}
    for name in fields:
        f = by_name[name]
        key = (f.category.value, f.erase.value, f.basis)
        grouped_by.setdefault(key, []).append(pick(FIELD_NAMES, name, lang))
    rows = []
    for (category, erase_how, basis), names in grouped_by.items():
        rows.append([pick(CATEGORIES, category, lang), "، ".join(names) if lang == "ar" else ", ".join(names),
                     pick(ON_ERASURE, erase_how, lang), pick(BASIS_NAMES, basis, lang) if basis else "—"])
    return rows



def _subject_name(data: AccessReportData, lang: str) -> str:
    erased_label: Label = ("erased", "ممسوح")
    row = data.subject_row
    if data.kind == "customer":
        if row.get("erased_at"):
            on = str(row["erased_at"])[:10]
            return f"{erased_label[0]} ({on})" if lang == "en" else f"{erased_label[1]} بتاريخ {on}"
        names = [str(row.get("name") or "")]
        if row.get("name_ar") and row.get("name_ar") != row.get("name"):
            names.append(str(row["name_ar"]))
        return " — ".join(n for n in names if n)
    if str(row.get("username", "")).startswith("erased:"):
        return erased_label[1] if lang == "ar" else erased_label[0]
    return str(row.get("display_name") or row.get("username") or "")


def _period(years: int, from_end_of_tax_year: bool, lang: str) -> str:
    if lang == "ar":
        return (f"{years} سنوات بعد نهاية السنة الضريبية" if from_end_of_tax_year
                else f"{years} سنوات من تاريخ الحدث")
    return f"{years} years after the end of the tax year" if from_end_of_tax_year else f"{years} years from the event"


def _invoice_rows(invoices: Sequence[Mapping[str, Any]], lang: str) -> Iterator[list[str]]:
    for inv in invoices:
        document = (f"{pick(DOCUMENT_TYPES, str(inv.get('type')), lang)} · "
                    f"{pick(DOCUMENT_KINDS, str(inv.get('kind')), lang)}")
        issued = riyadh(str(inv.get("issue_datetime") or ""))[:10]
        yield [str(inv.get("number", "")), document, issued, pick(INVOICE_STATUS, str(inv.get("status")), lang),
               str(inv.get("held_until") or "—")]


def _access_rows(log: Sequence[Mapping[str, Any]], roles: Mapping[str, str], lang: str) -> list[list[str]]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in log:
        groups.setdefault((str(r["actor"]), str(r["purpose"]), str(r["channel"])), []).append(str(r["at"]))
    rows = []
    for (actor, purpose, channel), times in sorted(groups.items(), key=lambda g: max(g[1]), reverse=True):
        role = roles.get(actor, "")
        who = f"{actor}\n{pick(ROLES, role, lang)}" if role else actor
        rows.append([who, purpose, pick(CHANNELS, channel, lang), f"{len(times):,}", riyadh(max(times))])
    return rows

