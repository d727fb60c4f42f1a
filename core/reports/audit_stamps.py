"""The audit evidence report's sections on what lies outside the chain: the heads it was checked against (head file,
anchor beside the master key, central) and every issued document's stamp and ICV/PIH chain, re-verified."""

from __future__ import annotations

from core.audit.verify import AnchorCheck, VerifyReport
from core.reports.labels import Label
from core.reports.layout import ALERT, MUTED, Column, ReportWriter

ANCHOR_NAMES: dict[str, Label] = {
    "head file": ("Signed head file", "ملف الرأس الموقّع"),
    "keyring anchor": ("Keyring anchor", "مرساة سلسلة المفاتيح"),
    "anchor file": ("Anchor file", "ملف المرساة"),
    "anchor": ("Anchor", "المرساة"),
    "central": ("Central database", "قاعدة البيانات المركزية"),
}
NOTES_AR: tuple[tuple[str, str], ...] = (
    ("were purged when their tax retention ended", "أُتلفت مستندات عند انتهاء مدة الاحتفاظ الضريبي فلم يبقَ ملف XML "
     "الخاص بها، فتُحقق من موقعها في سلسلة العداد والتجزئة السابقة ومن علامة الإتلاف والتجزئة المسجلة في سلسلة "
     "التدقيق فقط."),
    ("are sealed for an erased buyer", "مستندات مختومة لمشترٍ مُحيت بياناته ولا يستطيع دورك فتحها، فتُحقق من موقعها في "
     "سلسلة العداد والتجزئة السابقة ومن التجزئة المسجلة في سلسلة التدقيق فقط، لا من ملف XML."),
)
# The Arabic of each kind of problem the stored-document check reports, found by a phrase of its English text (the
# English keeps the values: hashes, counters). Arabic is the report's legal language: no English on its Arabic side.
PROBLEMS_AR: tuple[tuple[str, str], ...] = (
    ("no 'invoice.issued' entry", "لا يوجد في سلسلة التدقيق قيد إصدار لهذا المستند"),
    ("is not the one the audit chain recorded", "تجزئته المخزنة تخالف التجزئة التي سجلتها سلسلة التدقيق عند إصداره"),
    ("follows ICV", "عداده لا يلي عداد المستند السابق في وحدة الفوترة"),
    ("documents were deleted", "مستندات مفقودة قبله في وحدة الفوترة: حُذفت مستندات"),
    ("is not the hash of the unit's previous document", "تجزئة المستند السابق المدوّنة فيه لا تطابق المستند السابق "
     "في وحدة الفوترة"),
    ("signed with a certificate that is not", "موقّع بشهادة ليست شهادة وحدة الفوترة"),
    ("stored XML is not well-formed", "ملف XML المخزن تالف"),
    ("the XML was changed", "تجزئة ملف XML المخزن لا تطابق تجزئته المخزنة: عُدّل الملف"),
    ("is not the stored one", "قيمة داخل ملف XML (العداد أو التجزئة السابقة أو المعرّف أو الرمز) تخالف القيمة المخزنة"),
    ("does not match the signed DigestValue", "التجزئة المحسوبة من المستند لا تطابق التجزئة الموقّعة: عُدّل بعد توقيعه"),
    ("has no xades:SignedProperties", "التوقيع ناقص: لا يحتوي على الخصائص الموقّعة"),
    ("SignedProperties digest", "تجزئة الخصائص الموقّعة لا تطابق ما في التوقيع"),
    ("The CertDigest", "بصمة الشهادة في التوقيع لا تطابق الشهادة المضمّنة"),
    ("The X509SerialNumber", "الرقم التسلسلي للشهادة في التوقيع لا يطابق الشهادة"),
    ("The X509IssuerName", "مُصدر الشهادة في التوقيع لا يطابق الشهادة"),
    ("does not hold an EC public key", "الشهادة المضمّنة لا تحمل مفتاحًا عامًا صالحًا"),
    ("is not a valid signature", "قيمة التوقيع ليست توقيعًا صالحًا لتجزئة الفاتورة بمفتاح الشهادة المضمّنة"),
    ("has no QR code", "لا يحتوي المستند على رمز الاستجابة السريعة"),
    ("QR code cannot be", "تعذّرت قراءة رمز الاستجابة السريعة أو التحقق منه"),
    ("is missing.", "حقل من حقول رمز الاستجابة السريعة مفقود"),
    ("should not be there", "حقل زائد في رمز الاستجابة السريعة"),
    ("but the document and its stamp give", "حقل في رمز الاستجابة السريعة يخالف المستند أو ختمه"),
    ("purge marker", "علامة الإتلاف تشير إلى مستند أو تجزئة أخرى"),
    ("(tags 1-5) does not match", "رمز الاستجابة السريعة لا يطابق بيانات البائع والوقت والإجماليات في ملف XML"),
    ("counter stands at ICV", "عداد وحدة الفوترة لا يطابق عداد آخر مستند مخزن"),
    ("last hash", "آخر تجزئة لوحدة الفوترة لا تطابق تجزئة آخر مستند مخزن"),
    ("signed XML is gone", "المستند صادر لكن ملف XML الموقّع محذوف من قاعدة البيانات"),
)
OTHER_PROBLEM_AR = "خلل آخر في ختم المستند؛ تفصيله في النسخة الإنجليزية من هذا التقرير"


def problem_ar(problem: str) -> str:
    """The Arabic of one stored-document problem (its kind; the values are in the English report)."""
    return next((ar for phrase, ar in PROBLEMS_AR if phrase in problem), OTHER_PROBLEM_AR)


def problems_text(problems: tuple[str, ...], pick: int) -> str:
    if pick == 0:
        return "; ".join(problems)
    return "؛ ".join(dict.fromkeys(problem_ar(p) for p in problems))  # each kind once, in the order found


OK: Label = ("agrees", "مطابق")
FAILED: Label = ("FAILS", "غير مطابق")
ABSENT: Label = ("absent", "غير موجود")


def verdict_texts(report: VerifyReport) -> tuple[Label, Label]:
    """The verdict when the entries verify but an anchor or an issued document does not."""
    failed = [a.name for a in report.anchors if a.failed]
    broken = len(report.documents.broken) if report.documents is not None else 0
    title: Label = ("Verdict: NOT INTACT — the entries verify, but not everything around them",
                    "النتيجة: غير سليمة — القيود تتحقق، لكن ليس كل ما حولها")
    detail: Label = (
        f"{report.entries:,} entries verify. Heads that disagree: {', '.join(failed) or 'none'}. Issued documents "
        f"that do not verify: {broken:,}. Both are described below.",
        f"تتحقق القيود وعددها {report.entries:,}. الرؤوس غير المطابقة: {len(failed):,}. المستندات الصادرة التي لا "
        f"تتحقق: {broken:,}. والتفاصيل أدناه.")
    return title, detail


def _anchor_row(a: AnchorCheck, pick: int) -> list[str]:
    name = ANCHOR_NAMES.get(a.name, (a.name, a.name))[pick]
    result = (FAILED if a.failed else OK if a.seq is not None else ABSENT)[pick]
    return [name, "—" if a.seq is None else f"{a.seq:,}", result, a.note if pick == 0 else _anchor_note_ar(a)]


def _anchor_note_ar(a: AnchorCheck) -> str:
    if a.failed:
        return "لا يطابق السلسلة أو تعذّرت قراءته؛ تفصيله في النسخة الإنجليزية من هذا التقرير."
    if a.seq is None:
        return "غير متاح."
    return f"رأس موقّع عند القيد {a.seq:,}."


def write_anchors(writer: ReportWriter, report: VerifyReport) -> None:
    if not report.anchors:
        return
    pick = 1 if writer.lang == "ar" else 0
    writer.heading(("What the chain was checked against", "ما قورنت به السلسلة"))
    writer.paragraph((
        "Besides the signed checkpoints in the store, the chain was compared with signed heads kept outside it. "
        "One that says the chain reached further than it does shows that entries were cut off.",
        "إضافة إلى نقاط التحقق الموقّعة في قاعدة البيانات، قورنت السلسلة برؤوس موقّعة محفوظة خارجها؛ وإذا ذكر أحدها "
        "أن السلسلة بلغت أبعد مما هي عليه فقد اقتُطعت منها قيود."), size=8.5, color=MUTED)
    writer.table([Column(("Head", "الرأس"), 1.6), Column(("Entry", "رقم القيد"), 0.9, "end"),
                  Column(("Result", "النتيجة"), 1), Column(("What was found", "ما وُجد"), 4)],
                 [_anchor_row(a, pick) for a in report.anchors], size=7.5)


def write_documents(writer: ReportWriter, report: VerifyReport) -> None:
    docs = report.documents
    if docs is None:
        return
    pick = 1 if writer.lang == "ar" else 0
    writer.heading(("Issued documents: stamps and ICV/PIH chain", "المستندات الصادرة: الأختام وسلسلة العداد والتجزئة"))
    writer.paragraph((
        "Every issued document was re-verified from the store: its hash recomputed from the stored XML and compared "
        "with the stored hash, the signed digest, the QR code and the hash the audit chain recorded at issue; its "
        "XAdES signature; every QR tag; and its place in its EGS unit's counter (ICV) and previous-hash (PIH) chain.",
        "أُعيد التحقق من كل مستند صادر من قاعدة البيانات: أُعيد حساب تجزئته من ملف XML المخزن وقورنت بالتجزئة المخزنة "
        "والتجزئة الموقّعة ورمز الاستجابة السريعة والتجزئة المسجلة في سلسلة التدقيق عند الإصدار، وتوقيعه، وكل حقول "
        "رمز الاستجابة السريعة، وموقعه في سلسلة العداد والتجزئة السابقة لوحدة الفوترة."), size=8.5, color=MUTED)
    writer.fields([
        (("Documents verified", "المستندات المتحقَّق منها"), f"{docs.documents:,}"),
        (("EGS units", "وحدات الفوترة"), f"{docs.units:,}"),
        (("Documents that do not verify", "المستندات التي لا تتحقق"), f"{len(docs.broken):,}"),
        (("Time taken", "المدة"), f"{docs.seconds:.1f} s"),
    ])
    for note in docs.notes:
        arabic = next((ar for key, ar in NOTES_AR if key in note), note)
        writer.paragraph((note, arabic), size=8.5, color=MUTED)
    if docs.broken:
        writer.table([Column(("Document", "المستند"), 1.4), Column(("EGS unit", "الوحدة"), 1.2),
                      Column(("ICV", "العداد"), 0.6, "end"), Column(("What failed", "ما الذي فشل"), 5)],
                     ([d.number, d.egs, f"{d.icv:,}", problems_text(d.problems, pick)] for d in docs.broken),
                     total_rows=len(docs.broken), size=7)
    else:
        writer.paragraph(("Every issued document verifies.", "جميع المستندات الصادرة تتحقق."), size=9,
                         color=MUTED if docs.ok else ALERT, bold=True)
