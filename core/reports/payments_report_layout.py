"""The printed payments report: lays out a gathered `PaymentsReport` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from core.reports.document import Built, CancelFn, ProgressFn, finish
from core.reports.labels import Label, period, timestamp
from core.reports.layout import ALERT, Column, Progress, ReportWriter, money
from core.reports.payments_figures import TITLE, PaymentLine, PaymentsReport, payments_period_label
from core.reports.pdfa import figures_attachment

NOTE: Label = (
    "Payments received in the period by payment time in Riyadh time, each in its own currency. Gross is what the "
    "customer paid; refunds are those the provider confirmed; fees are what the provider kept; net = gross - "
    "refunds - fees. Payouts are what the provider paid out to the bank in the period; the difference is payouts "
    "less the net of every payment received (matched or not): money still in transit, or paid out for another "
    "period.",
    "المدفوعات المستلمة في الفترة بحسب وقت الدفع بتوقيت الرياض، كلٌّ بعملته. الإجمالي ما دفعه العميل؛ والمستردات "
    "ما أكّده مزود الدفع؛ والرسوم ما احتفظ به المزود؛ والصافي = الإجمالي - المستردات - الرسوم. التحويلات ما حوّله "
    "المزود إلى البنك في الفترة؛ والفرق هو التحويلات ناقص صافي جميع المدفوعات المستلمة (المطابقة وغير المطابقة): "
    "مبالغ لم تُحوَّل بعد، أو حُوّلت عن فترة أخرى.")
LAID_OUT = 0.5

PAID_AT = Column(("Paid, Riyadh time", "وقت الدفع بتوقيت الرياض"), 1.3)
PROVIDER = Column(("Provider", "المزود"), 0.8)
PAYMENT = Column(("Payment", "الدفعة"), 2.0)  # provider ids run to 36 characters
AMOUNTS = (Column(("Gross", "الإجمالي"), 1.0, "end"), Column(("Refunds", "المستردات"), 0.9, "end"),
           Column(("Fees", "الرسوم"), 0.8, "end"), Column(("Net", "الصافي"), 1.0, "end"))


def lay_out_payments_report(report: PaymentsReport, lang: str, *, progress: ProgressFn | None = None,
                            cancelled: CancelFn | None = None) -> Built:
    """The totals per provider with their payouts, then the matched payments, then the unmatched ones."""
    start, end = report.start, report.end
    # in both languages the period alone (the two long lines would run into each other); the note says the basis
    subtitle = period(start, end) if lang == "both" else payments_period_label(start, end)
    writer = ReportWriter(lang=lang, title=TITLE, identity=report.identity, generated_at=report.generated_at,
                          subtitle=subtitle)
    _summary(writer, report)
    _matched(writer, report, Progress(progress, cancelled))
    _unmatched(writer, report, Progress(None, cancelled))
    vat_number = report.identity.vat_number
    filename = f"payments_{vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    attachment = figures_attachment("payments.json", report.as_json(),
                                    "The payments, totals and payouts of this report (JSON)")
    return finish(writer, filename=filename, title=title, created=report.generated_at, attachments=[attachment],
                  keywords=f"payments, payouts, reconciliation, {vat_number}, {start.isoformat()}, {end.isoformat()}")


def _summary(w: ReportWriter, report: PaymentsReport) -> None:
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), report.identity.vat_number),
        (("Payments matched to invoices", "المدفوعات المطابقة لفواتير"), f"{len(report.matched):,}"),
        (("Unmatched payments", "المدفوعات غير المطابقة"), f"{len(report.unmatched):,}"),
        (("Time zone", "المنطقة الزمنية"), w.t(("Riyadh, UTC+3", "الرياض، UTC+3"))),
    ])
    w.space(4)
    w.bilingual(*NOTE)
    w.heading(("Totals per provider and payouts", "الإجماليات حسب المزود والتحويلات"))
    columns = [PROVIDER, Column(("Currency", "العملة"), 0.8), Column(("Payments", "المدفوعات"), 0.9, "end"),
               *AMOUNTS, Column(("Unmatched net", "صافي غير المطابقة"), 1.0, "end"),
               Column(("Payouts", "التحويلات"), 1.0, "end"), Column(("Difference", "الفرق"), 1.0, "end")]
    rows = [[t.provider, t.currency, f"{t.payments:,}", money(t.gross), money(t.refunds), money(t.fees),
             money(t.net), money(t.unmatched_net), money(t.payouts), money(t.difference)] for t in report.totals]
    w.table(columns, rows, size=7, empty=("No payments or payouts in the period.",
                                          "لا توجد مدفوعات أو تحويلات في الفترة."))
    if any(t.difference for t in report.totals):
        w.bilingual(*("A difference is not an error by itself: a payout settles the payments of the days before it. "
                     "A difference that stays from one period to the next needs checking at the provider.",
                     "الفرق ليس خطأً بذاته: يسوّي التحويل مدفوعات الأيام التي تسبقه. أما الفرق الذي يبقى من فترة "
                     "إلى أخرى فيحتاج إلى مراجعة لدى المزود."))


def _buyer(w: ReportWriter, p: PaymentLine) -> str:
    if w.lang == "ar":
        return p.buyer_ar or p.buyer or "—"
    if w.lang == "en":
        return p.buyer or p.buyer_ar or "—"
    names = [n for n in (p.buyer_ar, p.buyer) if n]
    return "\n".join(dict.fromkeys(names)) or "—"


def _amounts(p: PaymentLine) -> list[str]:
    return [money(p.gross, p.currency), money(p.refunds), money(p.fee), money(p.net)]


def _matched(w: ReportWriter, report: PaymentsReport, progress: Progress) -> None:
    w.ensure(90)
    w.heading(("Payments matched to invoices", "المدفوعات المطابقة للفواتير"))
    columns = [PAID_AT, PROVIDER, PAYMENT, Column(("Invoice", "الفاتورة"), 1.2),
               Column(("Buyer", "المشتري"), 1.3), *AMOUNTS]
    rows = ([timestamp(p.paid_at), p.provider, p.payment_ref, p.invoice_number, _buyer(w, p), *_amounts(p)]
            for p in report.matched)
    w.table(columns, rows, size=7, total_rows=len(report.matched), progress=progress,
            empty=("No payments matched to invoices in the period.", "لا توجد مدفوعات مطابقة لفواتير في الفترة."))


def _unmatched(w: ReportWriter, report: PaymentsReport, progress: Progress) -> None:
    w.ensure(90)
    w.heading(("Unmatched payments", "المدفوعات غير المطابقة"))
    if report.unmatched:
        w.bilingual(*("These payments count for no invoice until a person settles them; `qayd payments list` names "
                     "the rule each broke.",
                     "لا تُحتسب هذه المدفوعات لأي فاتورة حتى يسوّيها شخص؛ ويذكر الأمر `qayd payments list` القاعدة "
                     "التي خالفتها كل دفعة."), color=ALERT)
    columns = [PAID_AT, PROVIDER, PAYMENT, Column(("Rule", "القاعدة"), 1.5), *AMOUNTS]
    rows = ([timestamp(p.paid_at), p.provider, p.payment_ref, p.problem, *_amounts(p)] for p in report.unmatched)
    w.table(columns, rows, size=7, total_rows=len(report.unmatched), progress=progress,
            empty=("No unmatched payments.", "لا توجد مدفوعات غير مطابقة."))
