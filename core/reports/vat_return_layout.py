"""The printed VAT return summary: lays out a gathered `VatReturnReport` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from collections.abc import Iterator

from core.reports.document import Built, CancelFn, ProgressFn, finish
from core.reports.labels import Label, span
from core.reports.layout import ALERT, MUTED, Column, Progress, ReportWriter, list_sections, money
from core.reports.pdfa import figures_attachment
from core.reports.vat_figures import (
    BOX_NAMES,
    CATEGORY_NAMES,
    LISTED_BOXES,
    OUT_OF_SCOPE,
    PURCHASE_BOXES,
    TITLE,
    TYPE_NAMES,
    BoxFigures,
    GroupFigures,
    VatReturn,
    VatReturnReport,
    period_label,
)

AMOUNT_COLUMNS = (Column(("Amount (SAR)", "المبلغ بالريال السعودي"), 1.25, "end"),
                  Column(("Adjustment (SAR)", "مبلغ التعديل بالريال السعودي"), 1.25, "end"),
                  Column(("VAT amount (SAR)", "مبلغ الضريبة بالريال السعودي"), 1.25, "end"))
BOX_COLUMNS = (Column(("Box", "البند"), 0.45, "center"), Column(("Description", "البيان"), 3.0), *AMOUNT_COLUMNS)
NOT_COVERED: Label = ("not covered", "غير مشمول")
SCOPE_NOTE: Label = (
    "These figures come from the e-invoices issued in Qayd in the period, by issue date in Riyadh time. Amounts are "
    "taxable amounts after document-level allowances and charges, in SAR; credit notes reduce and debit notes "
    "increase the adjustment column. Qayd records sales only: purchases (boxes 7 to 12), corrections from previous "
    "periods and VAT credit carried forward are not covered and are entered in the return on the ZATCA portal.",
    "هذه الأرقام مأخوذة من الفواتير الإلكترونية الصادرة من قيد خلال الفترة، بحسب تاريخ الإصدار بتوقيت الرياض. "
    "المبالغ هي المبالغ الخاضعة للضريبة بعد الخصومات والرسوم على مستوى المستند، بالريال السعودي؛ وتُخفِّض "
    "الإشعارات الدائنة عمود التعديل وتزيده الإشعارات المدينة. يسجل قيد المبيعات فقط: فلا تشمل هذه الأرقام "
    "المشتريات، أي البنود من 7 إلى 12، ولا تصحيحات الفترات السابقة ولا الرصيد الدائن المرحَّل، وتُدخَل هذه في "
    "الإقرار على بوابة هيئة الزكاة والضريبة والجمارك.")



def lay_out_vat_return(report: VatReturnReport, lang: str, *, progress: ProgressFn | None = None,
                       cancelled: CancelFn | None = None) -> Built:
    """The summary pages, then the documents of each box; the figures attached as JSON."""
    data = report.figures
    start, end = data.start, data.end
    writer = ReportWriter(lang=lang, title=TITLE, identity=report.identity, generated_at=report.generated_at,
                          subtitle=period_label(start, end))
    _summary_pages(writer, data)
    list_sections([(key, data.box(key).documents, f"Listing box {key}") for key in LISTED_BOXES],
                  lambda key, stage: _box_list(writer, report, key, stage),
                  progress=progress, cancelled=cancelled, start=LAID_OUT)
    filename = f"vat-return_{data.vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    attachment = figures_attachment("vat-return.json", data.as_json(), "The figures of this VAT return summary (JSON)")
    return finish(writer, filename=filename, title=title, created=report.generated_at, attachments=[attachment],
                  keywords=f"VAT return, ZATCA, {data.vat_number}, {start.isoformat()}, {end.isoformat()}")


LAID_OUT = 0.6  # the share of the whole document's progress done when the layout starts (the rest is reading)


def _amounts(figures: BoxFigures | GroupFigures) -> list[str]:
    return [money(figures.amount), money(figures.adjustment), money(figures.vat)]


def _summary_pages(w: ReportWriter, data: VatReturn) -> None:
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), data.vat_number),
        (("Period", "الفترة"), w.t(span(data.start, data.end))),
        (("Documents issued", "المستندات الصادرة"), f"{data.documents:,}"),
        (("Invoices", "الفواتير"), f"{data.invoices:,}"),
        (("Credit notes", "الإشعارات الدائنة"), f"{data.credit_notes:,}"),
        (("Debit notes", "الإشعارات المدينة"), f"{data.debit_notes:,}"),
        (("Currency", "العملة"), w.t(("Saudi riyal (SAR)", "الريال السعودي SAR"))),
        (("Time zone", "المنطقة الزمنية"), w.t(("Riyadh, UTC+3", "الرياض، UTC+3"))),
    ])
    w.space(4)
    w.paragraph(SCOPE_NOTE, size=8, color=MUTED)
    w.heading(("VAT on sales", "ضريبة القيمة المضافة على المبيعات"))
    rows = [[b.box, w.t(BOX_NAMES[b.box]), *_amounts(b)] for b in data.boxes]
    w.table(BOX_COLUMNS, rows)
    w.summary([(("Net sales (box 6, amount + adjustment)", "صافي المبيعات في البند 6، المبلغ مع التعديل"),
                money(data.box("6").net, "SAR")),
               (("VAT due on sales (box 6)", "ضريبة القيمة المضافة المستحقة على المبيعات، البند 6"),
                money(data.vat_due_on_sales, "SAR"))], share=0.62)
    w.heading(("VAT on purchases", "ضريبة القيمة المضافة على المشتريات"))
    w.paragraph(("Qayd records no purchases: boxes 7 to 12 are not covered by this summary, and the net VAT due "
                 "(box 13 onwards) is worked out in the return on the ZATCA portal.",
                 "لا يسجل قيد المشتريات: فالبنود من 7 إلى 12 غير مشمولة في هذا الملخص، ويُحسب صافي الضريبة "
                 "المستحقة في البند 13 وما بعده في الإقرار على بوابة الهيئة."), size=8, color=MUTED)
    not_covered = w.t(NOT_COVERED)
    w.table(BOX_COLUMNS, [[key, w.t(name), not_covered, not_covered, not_covered]
                          for key, name in PURCHASE_BOXES.items()])
    w.heading(BOX_NAMES[OUT_OF_SCOPE])
    w.table(BOX_COLUMNS, [["—", w.t(("Supplies out of the scope of VAT (category O)",
                                    "توريدات خارج نطاق ضريبة القيمة المضافة، الفئة O")),
                           *_amounts(data.out_of_scope)]])
    w.heading(("By VAT category, rate and exemption reason", "حسب فئة الضريبة ونسبتها وسبب الإعفاء"))
    w.table([Column(("Box", "البند"), 0.45, "center"), Column(("VAT category", "فئة الضريبة"), 1.5),
             Column(("Rate", "النسبة"), 0.55, "end"), Column(("Exemption reason code", "رمز سبب الإعفاء"), 1.45),
             *AMOUNT_COLUMNS, Column(("Documents", "المستندات"), 1.0, "end")],
            [[g.box if g.box != OUT_OF_SCOPE else "—", w.t(CATEGORY_NAMES.get(g.category, (g.category, g.category))),
              f"{g.rate.normalize():f}%", g.exemption_reason_code or "—", *_amounts(g), f"{g.documents:,}"]
             for g in data.groups])
    if data.rejected_by_zatca:
        w.paragraph((f"Documents rejected by ZATCA: {data.rejected_by_zatca:,}. They are counted until a credit "
                     "note cancels them (Qayd's guided correction issues one); see the ZATCA submission report.",
                     f"المستندات التي رفضتها الهيئة: {data.rejected_by_zatca:,}. وهي محسوبة هنا إلى أن يلغيها "
                     "إشعار دائن يصدره التصحيح الموجَّه في قيد؛ راجع تقرير الإرسال إلى الهيئة."),
                    size=8, color=ALERT)
    if data.foreign_currency:
        w.paragraph((f"Documents in other currencies: {data.foreign_currency:,}. They are converted to SAR at the "
                     "exchange rate each states, and their VAT is the SAR VAT total each states.",
                     f"المستندات بعملات أخرى: {data.foreign_currency:,}. حُوِّلت إلى الريال السعودي بسعر الصرف "
                     "المذكور في كل منها، وضريبتها هي إجمالي الضريبة بالريال المذكور فيها."), size=8, color=MUTED)


LIST_COLUMNS = (Column(("Number", "الرقم"), 1.5), Column(("Issued (Riyadh)", "تاريخ الإصدار بتوقيت الرياض"), 1.15),
                Column(("Type", "النوع"), 0.9), Column(("Buyer", "المشتري"), 2.0),
                Column(("Taxable amount (SAR)", "المبلغ الخاضع بالريال السعودي"), 1.25, "end"),
                Column(("VAT (SAR)", "الضريبة بالريال السعودي"), 1.05, "end"))




def _box_list(w: ReportWriter, report: VatReturnReport, key: str, progress: Progress) -> None:
    figures = report.figures.box(key)
    w.ensure(90)  # the heading, the table's header and a first row stay together
    if key == OUT_OF_SCOPE:
        w.heading(("Out-of-scope supplies: documents", "التوريدات خارج نطاق الضريبة: المستندات"))
    else:
        name = BOX_NAMES[key]
        w.heading((f"Box {key}, {name[0]}: documents", f"البند {key}، {name[1]}: المستندات"))


    def rows() -> Iterator[list[str]]:
        for doc in report.documents(key):
            buyer = doc.buyer_ar if w.lang == "ar" and doc.buyer_ar else doc.buyer
            yield [doc.number, doc.issue_datetime.strftime("%Y-%m-%d"), w.t(TYPE_NAMES[doc.type]), buyer or "—",
                   money(doc.taxable), money(doc.vat)]

    w.table(LIST_COLUMNS, rows(), total_rows=figures.documents, progress=progress)
    if figures.documents:
        w.summary([(("Documents", "عدد المستندات"), f"{figures.documents:,}"),
                   (("Taxable amount, net (SAR)", "صافي المبلغ الخاضع بالريال السعودي"), money(figures.net)),
                   (("VAT (SAR)", "الضريبة بالريال السعودي"), money(figures.vat))], strong_last=False, share=0.55)
