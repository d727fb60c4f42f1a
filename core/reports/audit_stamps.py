"""The audit evidence report's sections on what lies outside the chain: the heads it was checked against (head file,
anchor beside the master key, central) and every issued document's stamp and ICV/PIH chain, re-verified."""

from __future__ import annotations

from core.audit.heads import anchor_note_ar
from core.audit.verify import AnchorCheck, VerifyReport
from core.reports.labels import Label
from core.reports.layout import ALERT, MUTED, Column, ReportWriter
from core.zatca.stored import problems_text

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
    return [name, "—" if a.seq is None else f"{a.seq:,}", result, a.note if pick == 0 else anchor_note_ar(a)]




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
