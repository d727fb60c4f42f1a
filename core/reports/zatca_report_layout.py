"""The printed ZATCA submission report: lays out a gathered `ZatcaReport` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from core.reports.document import Built, CancelFn, ProgressFn, finish
from core.reports.labels import Label, span, timestamp
from core.reports.layout import ALERT, MUTED, Column, Progress, ReportWriter, list_sections, money
from core.reports.pdfa import figures_attachment
from core.reports.vat_figures import period_label
from core.reports.zatca_figures import (
    KIND_NAMES,
    LISTED,
    OUTCOME_NAMES,
    STATE_NAMES,
    TITLE,
    WARNINGS,
    Counts,
    SubmissionRow,
    ZatcaReport,
    ZatcaSummary,
)

LAID_OUT = 0.5  # the share of the whole document's progress done when the layout starts (the rest is reading)


def lay_out_zatca_report(report: ZatcaReport, lang: str, *, progress: ProgressFn | None = None,
                         cancelled: CancelFn | None = None) -> Built:
    """The summary pages, then the documents of each state, problems first; the figures attached as JSON."""
    data = report.summary
    start, end = data.start, data.end
    writer = ReportWriter(lang=lang, title=TITLE, identity=report.identity, generated_at=report.generated_at,
                          subtitle=period_label(start, end))
    _summary_pages(writer, data)
    list_sections([(key, data.state(key).documents, f"Listing {STATE_NAMES[key][0].lower()}") for key in LISTED],
                  lambda key, stage: _state_list(writer, report, key, stage),
                  progress=progress, cancelled=cancelled, start=LAID_OUT)
    filename = f"zatca-submissions_{data.vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    attachment = figures_attachment("zatca-submissions.json", data.as_json(),
                                    "The counts and totals of this submission report (JSON)")
    return finish(writer, filename=filename, title=title, created=report.generated_at, attachments=[attachment],
                  keywords=f"ZATCA, Fatoora, submissions, {data.vat_number}, {start.isoformat()}, {end.isoformat()}")


NOTE: Label = (
    "Documents issued in the period by issue date in Riyadh time. Cleared: clearance done; reported: reporting "
    "done; rejected: ZATCA refused the document, which needs a correction (a credit note and a new invoice); "
    "pending: waiting in the queue or being sent; not submitted: issued in phase 1 or on the demo unit, so never "
    "sent. Accepted with warnings are cleared or reported documents that came back with warnings. Amounts are "
    "in SAR, taxable amount before VAT; credit notes count negative.",
    "المستندات الصادرة في الفترة بحسب تاريخ الإصدار بتوقيت الرياض. المعتمدة: تم اعتمادها؛ المُبلَّغ عنها: تم "
    "الإبلاغ عنها؛ المرفوضة: رفضتها الهيئة وتحتاج إلى تصحيح بإشعار دائن وفاتورة جديدة؛ قيد الإرسال: تنتظر في "
    "قائمة الإرسال أو يجري إرسالها؛ لم تُرسل: صدرت في المرحلة الأولى أو من الوحدة التجريبية فلا تُرسل. "
    "المقبولة مع تحذيرات هي مستندات معتمدة أو مُبلَّغ عنها عادت بتحذيرات. المبالغ بالريال السعودي، والمبلغ "
    "الخاضع قبل الضريبة؛ وتُحسب الإشعارات الدائنة بالسالب.")
COUNT_KEYS = ("cleared", "reported", "rejected", "pending", "not_submitted", WARNINGS, "total")


def _count_columns(first: Label) -> list[Column]:
    return [Column(first, 2.0), *[Column(STATE_NAMES[k], 1.0, "end") for k in COUNT_KEYS]]


def _count_cells(counts: Counts) -> list[str]:
    return [f"{getattr(counts, k):,}" for k in COUNT_KEYS]


def _summary_pages(w: ReportWriter, data: ZatcaSummary) -> None:
    submitted = data.total.documents - data.state("not_submitted").documents
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), data.vat_number),
        (("Period", "الفترة"), w.t(span(data.start, data.end))),
        (("Documents issued", "المستندات الصادرة"), f"{data.total.documents:,}"),
        (("Submitted to ZATCA", "المُرسلة إلى الهيئة"), f"{submitted:,}"),
        (("Time zone", "المنطقة الزمنية"), w.t(("Riyadh, UTC+3", "الرياض، UTC+3"))),
        (("Currency", "العملة"), w.t(("Saudi riyal (SAR)", "الريال السعودي SAR"))),
    ])
    w.space(4)
    w.paragraph(NOTE, size=8, color=MUTED)
    w.heading(("By state", "حسب الحالة"))
    rows = [[w.t(STATE_NAMES[s.state]), f"{s.documents:,}", money(s.taxable), money(s.vat)]
            for s in (*data.states, data.total)]
    rows.append([w.t(("of which accepted with warnings", "منها مقبولة مع تحذيرات")), f"{data.warnings.documents:,}",
                 money(data.warnings.taxable), money(data.warnings.vat)])
    w.table([Column(("State", "الحالة"), 2.4), Column(("Documents", "المستندات"), 1.0, "end"),
             Column(("Taxable amount (SAR)", "المبلغ الخاضع بالريال السعودي"), 1.5, "end"),
             Column(("VAT (SAR)", "الضريبة بالريال السعودي"), 1.3, "end")], rows)
    rejected = data.state("rejected").documents
    if rejected:
        w.paragraph((f"Rejected documents: {rejected:,}. Correct each with a credit note and a new invoice (the "
                     "guided correction in Qayd); ZATCA's messages are listed below.",
                     f"المستندات المرفوضة: {rejected:,}. صحِّح كلاً منها بإشعار دائن وفاتورة جديدة عبر التصحيح "
                     "الموجَّه في قيد؛ ورسائل الهيئة مدرجة أدناه."), size=8, color=ALERT)
    w.heading(("By kind of submission", "حسب نوع الإرسال"))
    w.table(_count_columns(("Kind", "النوع")),
            [[w.t(KIND_NAMES.get(k.kind, (k.kind, k.kind))), *_count_cells(k.counts)] for k in data.by_kind], size=7.5)
    w.heading(("By EGS unit", "حسب وحدة إنشاء الفواتير"))
    w.table(_count_columns(("EGS unit", "وحدة إنشاء الفواتير")),
            [[f"{u.egs} · {u.environment}" if u.egs else "—", *_count_cells(u.counts)] for u in data.by_egs], size=7.5)


def _short(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _messages(row: SubmissionRow, level: str | None) -> str:
    chosen = [msg for msg in row.messages if level is None or msg.get("level", "").lower() == level]
    lines = [_short(f"{msg.get('level', '').upper()} {msg.get('code', '')}: {msg.get('message', '')}", 160)
             for msg in chosen]
    if not lines and row.last_error:
        lines = [_short(row.last_error, 160)]
    return "\n".join(lines) or "—"


def _outcome(w: ReportWriter, outcome: str) -> str:
    return w.t(OUTCOME_NAMES[outcome]) if outcome in OUTCOME_NAMES else (outcome or "—")


# Weights in points of the 515-point line (each list adds up to it or less): a number or a time never wraps,
# a UUID takes two lines.
NUMBER = Column(("Number", "الرقم"), 80)
EGS = Column(("EGS unit", "الوحدة"), 62)
ICV = Column(("ICV", "العداد ICV"), 28, "end")
UUID_COLUMN = Column(("UUID", "المعرف UUID"), 78)
ISSUED = Column(("Issued, Riyadh time", "وقت الإصدار بتوقيت الرياض"), 64)
ATTEMPTS = Column(("Attempts", "المحاولات"), 40, "end")
STATUS = Column(("Status code", "رمز الحالة"), 32, "end")


def _state_list(w: ReportWriter, report: ZatcaReport, key: str, progress: Progress) -> None:
    data = report.summary
    figures = data.state(key)
    w.ensure(90)
    w.heading((f"{STATE_NAMES[key][0]}: documents", f"{STATE_NAMES[key][1]}: المستندات"))
    units = len(data.by_egs) > 1  # with one unit (named in the summary) its column is left out
    common = [NUMBER, EGS, ICV, UUID_COLUMN, ISSUED] if units else [NUMBER, ICV, UUID_COLUMN, ISSUED]

    def base(row: SubmissionRow) -> list[str]:
        cells = [row.number, row.egs or "—"] if units else [row.number]
        return [*cells, str(row.icv) if row.icv is not None else "—", row.uuid or "—",
                timestamp(row.issue_datetime)]

    if key in ("rejected", WARNINGS):
        level = "warning" if key == WARNINGS else None
        columns = [*common, ATTEMPTS, STATUS, Column(("Messages from ZATCA", "رسائل الهيئة"), 131)]

        def cells(row: SubmissionRow) -> list[str]:
            return [*base(row), str(row.attempts), _status(row), _messages(row, level)]
    elif key == "not_submitted":
        columns = [*common, Column(("Why", "السبب"), 150)]

        def cells(row: SubmissionRow) -> list[str]:
            if row.environment == "demo":
                why = w.t(("demo unit: never submitted", "وحدة تجريبية: لا تُرسل"))
            elif row.phase == 1:
                why = w.t(("issued in phase 1", "صدر في المرحلة الأولى"))
            else:
                why = w.t(("not queued", "لم يُدرج في قائمة الإرسال"))
            return [*base(row), why]
    else:
        columns = [*common, Column(("Outcome", "النتيجة"), 52), ATTEMPTS, STATUS,
                   Column(("Last error", "آخر خطأ"), 79)]

        def cells(row: SubmissionRow) -> list[str]:
            return [*base(row), _outcome(w, row.outcome), str(row.attempts), _status(row),
                    _short(row.last_error, 90) or "—"]

    rows = (cells(row) for row in report.rows(key))
    w.table(columns, rows, size=7, total_rows=figures.documents, progress=progress)


def _status(row: SubmissionRow) -> str:
    return str(row.last_status_code) if row.last_status_code is not None else "—"
