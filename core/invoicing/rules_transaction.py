"""Rules on the transaction flags of the invoice transaction code (KSA-2): which combinations ZATCA allows."""

from __future__ import annotations

from core.findings import Finding
from core.invoicing.model import DocumentKind, InvoiceDraft
from core.invoicing.rule_finding import ERROR, WARNING, make, present


def _self_billed(draft: InvoiceDraft) -> list[Finding]:
    """Self-billing is for tax invoices (BR-KSA-31) and never for exports (BR-KSA-07)."""
    if not draft.self_billed:
        return []
    found = []
    if draft.kind is DocumentKind.SIMPLIFIED:
        found.append(
            make(
                "BR-KSA-31",
                "self_billed",
                "A simplified document cannot be self-billed.",
                "Issue a standard (tax) invoice for self-billing, or clear the self-billed flag.",
                "لا يجوز أن يكون المستند المبسط بفوترة ذاتية.",
                "أصدر فاتورة ضريبية (قياسية) للفوترة الذاتية، أو ألغِ علامة الفوترة الذاتية.",
            )
        )
    if draft.export:
        found.append(
            make(
                "BR-KSA-07",
                "self_billed",
                "An export invoice cannot be self-billed.",
                "Clear either the export or the self-billed flag.",
                "لا يجوز أن تكون فاتورة التصدير بفوترة ذاتية.",
                "ألغِ إحدى العلامتين: التصدير أو الفوترة الذاتية.",
            )
        )
    return found


def _export(draft: InvoiceDraft) -> list[Finding]:
    """Exports are supplies to businesses abroad and go on tax (standard) invoices (XML standard, KSA-2)."""
    if not draft.export or draft.kind is DocumentKind.STANDARD:
        return []
    return [
        make(
            "QAYD-EXPORT-SIMPLIFIED",
            "export",
            "A simplified document cannot be an export invoice; exports are invoiced on tax invoices.",
            "Issue a standard (tax) invoice for the export, or clear the export flag.",
            "لا يجوز أن يكون المستند المبسط فاتورة تصدير، إذ يُفوتر التصدير بفواتير ضريبية.",
            "أصدر فاتورة ضريبية (قياسية) للتصدير، أو ألغِ علامة التصدير.",
        )
    ]


def _summary_period(draft: InvoiceDraft) -> list[Finding]:
    """A summary invoice covers a period: simplified ones must give it (BR-KSA-72), standard ones should."""
    if draft.supply_date is not None and draft.supply_end_date is not None:
        return []
    simplified = draft.kind is DocumentKind.SIMPLIFIED
    field = "supply_date" if draft.supply_date is None else "supply_end_date"
    return [
        make(
            "BR-KSA-72" if simplified else "QAYD-SUMMARY-PERIOD",
            field,
            "A summary invoice needs the period it covers: a supply date and a supply end date.",
            "Enter the first and the last day of the period the invoice summarises.",
            "الفاتورة الإجمالية تحتاج إلى الفترة التي تغطيها: تاريخ التوريد وتاريخ نهاية التوريد.",
            "أدخل أول يوم وآخر يوم من الفترة التي تجملها الفاتورة.",
            ERROR if simplified else WARNING,
        )
    ]


def _summary(draft: InvoiceDraft) -> list[Finding]:
    """The period of a summary invoice, and on simplified ones the buyer's name (BR-KSA-71)."""
    if not draft.summary:
        return []
    found = _summary_period(draft)
    named = draft.buyer is not None and draft.buyer.name.strip()
    if draft.kind is DocumentKind.SIMPLIFIED and not named:
        found.append(
            make(
                "BR-KSA-71",
                present(draft.buyer, "buyer", "name"),
                "A simplified summary invoice must name the buyer.",
                "Enter the buyer's name.",
                "يجب أن تذكر الفاتورة الإجمالية المبسطة اسم المشتري.",
                "أدخل اسم المشتري.",
                WARNING,
            )
        )
    return found


def transaction_findings(draft: InvoiceDraft) -> list[Finding]:
    """Every rule on the third-party, nominal, export, summary and self-billed flags."""
    return [*_self_billed(draft), *_export(draft), *_summary(draft)]
