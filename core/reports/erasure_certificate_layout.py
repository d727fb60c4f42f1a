"""The printed erasure certificate: lays out gathered `CertificateData` as a PDF/A-3 (no store is read here).

What was anonymised, what is kept under a tax retention hold and until when, the audit key destroyed; the signature
as checked with the signing device's public key ("verified" / "does NOT verify"); a QR code of the certificate id and
the SHA-256 of its signed text; and the signed JSON itself embedded as a PDF/A-3 attachment, byte for byte as stored.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.audit.service import fingerprint
from core.audit.signing import public_pem
from core.clock import saudi_time
from core.privacy.catalogue import BASES
from core.privacy.erasure import CertificateInfo
from core.reports.document import Built, finish
from core.reports.evidence_parts import Steps, grouped, riyadh, safe_name, verdict
from core.reports.layout import MARGIN, MUTED, PAGE_W, Column, Identity, ReportWriter
from core.reports.pdfa import Attachment
from core.reports.privacy_labels import BASIS_NAMES, ERASURE_TITLE, FIELD_NAMES, TABLE_NAMES, pick


@dataclass(frozen=True)
class Signature:
    """The certificate's signature as checked with the signing device's public key."""

    ok: bool
    public_key: bytes | None
    device: str
    signature: bytes


@dataclass(frozen=True)
class CertificateData:
    """Everything the printed certificate shows, read in one unit of work."""

    cert: CertificateInfo
    signed: Signature
    invoices: Mapping[uuid.UUID, tuple[str, datetime]]  # the kept invoices: number and issue time
    holds: Mapping[str, datetime | None]  # the subject's retention holds by record: when purged (None: still held)
    key_state: datetime | bool | None  # the audit key: destroyed at (None: time unknown; False: still there)
    who: Identity
    now: datetime


def lay_out_certificate(data: CertificateData, lang: str, steps: Steps) -> Built:
    """The verdict, the particulars with the QR code, what was erased and kept, the audit key, the signature."""
    writer = _particulars(data, lang)
    _erased_and_kept(writer, data, lang)
    _audit_key(writer, data)
    return _signature(writer, data, lang, steps)


def _particulars(data: CertificateData, lang: str) -> ReportWriter:
    cert, signed, who = data.cert, data.signed, data.who
    body = cert.body
    digest = hashlib.sha256(cert.text.encode("utf-8")).hexdigest()
    ar = lang == "ar"
    writer = ReportWriter(lang=lang, title=ERASURE_TITLE, identity=who, generated_at=saudi_time(data.now),
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

    return writer


def _erased_and_kept(writer: ReportWriter, data: CertificateData, lang: str) -> None:
    body = data.cert.body
    ar = lang == "ar"
    erased = _erased_rows(data.cert, lang)
    kept = _kept_rows(data, lang)
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
            writer.paragraph(f"{pick(BASIS_NAMES, key, lang)}: {basis.law_ar if ar else basis.law_en}", size=8,
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



def _audit_key(writer: ReportWriter, data: CertificateData) -> None:
    t = writer.t
    body, key_state = data.cert.body, data.key_state
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


def _signature(writer: ReportWriter, data: CertificateData, lang: str, steps: Steps) -> Built:
    t = writer.t
    cert, signed, who, now = data.cert, data.signed, data.who, data.now
    digest = hashlib.sha256(cert.text.encode("utf-8")).hexdigest()
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
    return built


def _kept_rows(data: CertificateData, lang: str) -> list[list[str]]:
    cert = data.cert
    kept = cert.body.get("kept", {}).get("records", [])
    invoices, holds = data.invoices, data.holds
    counts = cert.body.get("counts", {})
    rows = []
    for item in kept:
        record = str(item.get("record", ""))
        kind, _, ident = record.partition(":")
        basis = pick(BASIS_NAMES, str(item.get("basis", "")), lang)
        until = str(item.get("held_until") or "—")
        if kind == "invoice":
            try:
                number, issued = invoices.get(uuid.UUID(ident), (record, None))
            except ValueError:
                number, issued = record, None
            what = (f"فاتورة {number}" if lang == "ar" else f"Invoice {number}")
            if record not in holds:
                now = ("no hold recorded", "لا يوجد قيد حفظ مسجّل")
            elif (purged := holds[record]) is not None:
                now = (f"purged {riyadh(purged)[:10]}", f"أُزيلت بتاريخ {riyadh(purged)[:10]}")
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



def _erased_rows(cert: CertificateInfo, lang: str) -> list[list[str]]:
    tables = cert.body.get("erased", {}).get("tables", {})
    rows = []
    for table, entry in tables.items():
        fields = [pick(FIELD_NAMES, f"{table}.{name}", lang) if f"{table}.{name}" in FIELD_NAMES else str(name)
                  for name in entry.get("fields", [])]
        if table == "audit_entry":
            name = "قيود التدقيق: البيانات الشخصية المشفّرة" if lang == "ar" else "Audit entries: sealed personal data"
        elif table == "invoice":  # issued invoices are held, not erased: what an erasure overwrites are drafts
            name = "مسودات الفواتير" if lang == "ar" else "Draft invoices"
        else:
            name = pick(TABLE_NAMES, table, lang)
        rows.append([name, ("، " if lang == "ar" else ", ").join(fields), f"{int(entry.get('records', 0)):,}"])
    return rows



def qr_value(certificate: uuid.UUID, digest: str) -> str:
    """What the certificate's QR code holds: its id and the SHA-256 (hex) of its signed text."""
    return f"QAYD-ERASURE-CERTIFICATE:{certificate};SHA-256:{digest}"
