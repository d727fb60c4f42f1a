"""The printed insights report: lays out a gathered `InsightsReport` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial

from reportlab.lib.colors import Color

from core.insights import figure_label
from core.progress import part
from core.reports import charts
from core.reports.document import Built, CancelFn, ProgressFn, finish
from core.reports.insights_report import FILE, NO_TRENDS, SEVERITIES, TITLE, InsightsReport
from core.reports.labels import Label, stamped
from core.reports.layout import MARGIN, MUTED, Column, Progress, ReportWriter, money
from core.reports.pdfa import figures_attachment
from core.reports.vat_figures import period_label

NOTE: Label = (
    "The checks were run afresh over the period for this report; the run is recorded in the audit chain. A finding "
    "is something an auditor would look at, not an error: each names its evidence and a suggested action. Severity "
    "follows the score (high from 0.8, medium from 0.5). Findings a person marked a false positive for the same "
    "evidence are left out. Amounts are in SAR.",
    "شُغّلت الفحوص من جديد على الفترة لإعداد هذا التقرير، وسُجّل التشغيل في سجل التدقيق. الملاحظة أمرٌ قد يستوقف "
    "المدقق وليست خطأً بالضرورة: تذكر كل ملاحظة أدلتها وإجراءً مقترحاً. تتبع درجة الأهمية الدرجة المحسوبة (عالية من "
    "0.8، ومتوسطة من 0.5). ولا تظهر الملاحظات التي وسمها شخص بأنها إنذار خاطئ للأدلة نفسها. المبالغ بالريال السعودي.")
SEVERITY_NAMES: dict[str, Label] = {"high": ("High", "عالية"), "medium": ("Medium", "متوسطة"),
                                    "low": ("Low", "منخفضة")}
SERIES_TITLES: dict[str, Label] = {
    "sales": ("Monthly sales, net of credit notes (SAR)", "المبيعات الشهرية بعد خصم الإشعارات الدائنة (ريال سعودي)"),
    "vat_due": ("VAT due by month (SAR)", "ضريبة القيمة المضافة المستحقة شهرياً (ريال سعودي)"),
    "receivables": ("Receivables at each month's end (SAR)", "الذمم المدينة في نهاية كل شهر (ريال سعودي)"),
}
AGEING: tuple[Label, ...] = (("Not due", "غير مستحقة"), ("1–30 days", "1–30 يوماً"), ("31–60 days", "31–60 يوماً"),
                             ("61–90 days", "61–90 يوماً"), ("Over 90 days", "أكثر من 90 يوماً"))
EVIDENCE_SHOWN = 40  # document numbers printed per finding; the JSON attachment has them all
CHART_H = 130.0
LAID_OUT = 0.8  # the share of the whole document's progress done when the layout starts (the run and reading before)


def lay_out_insights_report(report: InsightsReport, *, progress: ProgressFn | None = None,
                            cancelled: CancelFn | None = None) -> Built:
    """Summary and counts, each finding with its evidence and action, what could not be judged, the expected
    collections, then the charts; the figures attached as JSON."""
    start, end, lang = report.start, report.end, report.lang
    writer = ReportWriter(lang=lang, title=TITLE, identity=report.identity, generated_at=report.generated_at,
                          subtitle=period_label(start, end))
    _summary(writer, report)
    _findings(writer, report, Progress(part(progress, LAID_OUT, 1.0, "Listing the findings"), cancelled))
    _not_applicable(writer, report)
    _collections(writer, report)
    _trends(writer, report)
    vat_number = report.identity.vat_number
    filename = f"insights_{vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    attachment = figures_attachment(FILE, report.as_json(), "The findings, counts and trends of this report (JSON)")
    return finish(writer, filename=filename, title=title, created=report.generated_at, attachments=[attachment],
                  keywords=f"insights, audit, findings, {vat_number}, {start.isoformat()}, {end.isoformat()}")


def _summary(w: ReportWriter, report: InsightsReport) -> None:
    r = report.result
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), report.identity.vat_number),
        (("Documents checked", "المستندات المفحوصة"), f"{r.documents:,}"),
        (("Findings", "الملاحظات"), f"{len(r.findings):,}"),
        (("Left out as false positives", "المستبعدة كإنذارات خاطئة"), f"{r.suppressed:,}"),
        (("Checks run", "وقت تشغيل الفحوص"), w.t(stamped(r.ran_at))),
        (("Currency", "العملة"), w.t(("Saudi riyal (SAR)", "الريال السعودي SAR"))),
    ])
    w.space(4)
    w.paragraph(NOTE, size=8, color=MUTED)
    w.heading(("Findings by rule and severity", "الملاحظات حسب القاعدة ودرجة الأهمية"))
    counts = report.by_rule()
    titles = {f.rule: (f.title, f.title_ar) for f in r.findings}
    rows = [[w.t(titles[rule]), rule, *[f"{n[s]:,}" for s in SEVERITIES], f"{sum(n.values()):,}"]
            for rule, n in counts.items()]
    w.table([Column(("Rule", "القاعدة"), 3.2), Column(("Id", "المعرّف"), 1.4),
             *[Column(SEVERITY_NAMES[s], 0.7, "end") for s in SEVERITIES], Column(("Total", "المجموع"), 0.7, "end")],
            rows, size=7.5, empty=("No findings in the period.", "لا توجد ملاحظات في الفترة."))


def _findings(w: ReportWriter, report: InsightsReport, progress: Progress) -> None:
    findings = report.result.findings
    if not findings:
        return
    w.heading(("Findings", "الملاحظات"))
    for n, f in enumerate(findings, 1):
        title, summary, action = f.text(w.lang)
        w.ensure(60)
        w.paragraph(f"{n}. {title}", size=9, bold=True)
        w.paragraph((f"{f.rule} · {f.key[:8]} · severity {w.t(SEVERITY_NAMES[f.severity]).lower()} · score "
                     f"{f.score:.2f}", f"{f.rule} · {f.key[:8]} · الأهمية {SEVERITY_NAMES[f.severity][1]} · الدرجة "
                     f"{f.score:.2f}"), size=7.5, color=MUTED)
        w.paragraph(summary, size=8.5)
        w.paragraph((f"Action: {action}", f"الإجراء: {action}"), size=8.5)
        items: list[tuple[Label, str]] = []
        if f.documents:
            numbers = [d.number for d in f.documents]
            more = len(numbers) - EVIDENCE_SHOWN
            shown = ", ".join(numbers[:EVIDENCE_SHOWN]) + (w.t((f" and {more:,} more", f" و{more:,} غيرها"))
                                                            if more > 0 else "")
            items.append((("Evidence documents", "مستندات الأدلة"), shown))
        if f.customers:
            items.append((("Customers", "العملاء"), "، ".join(report.names.get(c, c[:8]) for c in f.customers)
                           if w.rtl else ", ".join(report.names.get(c, c[:8]) for c in f.customers)))
        if f.figures:
            language = "ar" if w.rtl else "en"
            items.append((("Figures", "الأرقام"), ("؛ " if w.rtl else "; ").join(
                f"{figure_label(k, language)}: {v}" for k, v in f.figures.items())))
        if items:
            w.fields(items, columns=1, label_share=0.22)
        w.space(6)
        progress.step(n / len(findings), "")


def _not_applicable(w: ReportWriter, report: InsightsReport) -> None:
    items = report.result.not_applicable
    if not items:
        return
    w.heading(("Not applicable to this book", "فحوص لا تنطبق على هذه الدفاتر"))
    w.table([Column(("Rule", "القاعدة"), 1.3), Column(("Why", "السبب"), 4.0)],
            [[n.rule, n.reason_ar if w.rtl else n.reason] for n in items], size=7.5)


def _collections(w: ReportWriter, report: InsightsReport) -> None:
    owed = report.result.collections
    if owed is None:
        return
    w.heading(("Receivables and expected collections", "الذمم المدينة والتحصيلات المتوقعة"), keep=CHART_H + 60)
    w.fields([
        (("Outstanding", "المستحق"), money(owed.outstanding)),
        (("As of", "في تاريخ"), owed.as_of.isoformat()),
        (("Expected within 30 days", "المتوقع خلال 30 يوماً"), money(owed.expected[0])),
        (("Expected in 31–60 days", "المتوقع خلال 31–60 يوماً"), money(owed.expected[1])),
        (("Expected in 61–90 days", "المتوقع خلال 61–90 يوماً"), money(owed.expected[2])),
    ])
    ageing = [sum((c.ageing[i] for c in owed.customers), Decimal(0)) for i in range(5)]
    _chart_block(w, ("Receivables by age (SAR)", "الذمم المدينة حسب العمر (ريال سعودي)"), lambda x, y, width:
                 charts.bar_chart(w.canvas, x, y, width, CHART_H, [w.t(a) for a in AGEING], ageing, rtl=w.rtl))
    rows = [[report.names.get(c.customer, c.customer[:8]), money(c.outstanding),
             "—" if c.usual_days is None else f"{c.usual_days:.0f}", *[money(v) for v in c.expected]]
            for c in sorted(owed.customers, key=lambda c: -c.outstanding)]
    w.table([Column(("Customer", "العميل"), 2.4), Column(("Outstanding", "المستحق"), 1.1, "end"),
             Column(("Usual days to pay", "أيام السداد المعتادة"), 1.0, "end"),
             Column(("Within 30 days", "خلال 30 يوماً"), 1.0, "end"),
             Column(("31–60 days", "31–60 يوماً"), 1.0, "end"), Column(("61–90 days", "61–90 يوماً"), 1.0, "end")],
            rows, size=7.5, empty=("Nothing outstanding.", "لا توجد مبالغ مستحقة."))


def _chart_block(w: ReportWriter, title: Label, draw: Callable[[float, float, float], None],
                 legend: list[tuple[str, Color, bool]] | None = None) -> None:
    """A chart's title (and legend) over its box, kept together on one page."""
    w.ensure(CHART_H + (34 if legend else 22))
    w.text(w.t(title), 0, w.y, 8.5, True)
    w.y -= 12
    if legend:
        charts.legend(w.canvas, w.sx(0), w.y, legend, rtl=w.rtl)
        w.y -= 12
    draw(MARGIN, w.y - CHART_H, w.width)
    w.y -= CHART_H + 18


def _trends(w: ReportWriter, report: InsightsReport) -> None:
    w.heading(("Monthly trends and forecast", "الاتجاهات الشهرية والتوقعات"), keep=CHART_H + 40)
    if report.series is None:
        w.paragraph(NO_TRENDS, size=8.5, color=MUTED)
        return
    for name, label in SERIES_TITLES.items():
        series = report.series.get(name)
        if series is None:
            continue
        f = series.forecast
        trend = charts.Trend(series.months, series.values, f.months, f.values, f.lower, f.upper)
        legend = [(w.t(("Actual", "الفعلي")), charts.LINE, False),
                  (w.t((f"Forecast: {f.label}", f"التوقع: {f.label_ar}")), charts.FORECAST, True),
                  (w.t(("80 % band", "نطاق 80 %")), charts.BAND, False)]
        _chart_block(w, label, partial(_line, w, trend), legend)


def _line(w: ReportWriter, trend: charts.Trend, x: float, y: float, width: float) -> None:
    charts.line_chart(w.canvas, x, y, width, CHART_H, trend, rtl=w.rtl)
