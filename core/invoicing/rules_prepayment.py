"""Rules on the prepayment invoices a final invoice settles (KSA-26 … KSA-42, BR-KSA-73 … BR-KSA-96)."""

from __future__ import annotations

from decimal import Decimal

from core.findings import Finding
from core.invoicing.model import DocumentType, InvoiceDraft, PrepaymentRef, Totals
from core.invoicing.rule_finding import (
    WARNING,
    Label,
    decimals_findings,
    is_usable,
    join,
    make,
    number_findings,
    text_findings,
)
from core.invoicing.rules_lines import PREPAYMENT_EXEMPTION_RULES, exemption_findings, rate_findings
from core.invoicing.totals import CENT, HUNDRED, money, prepaid_total

FIRST_YEAR = 2000  # BR-KSA-F-01


def _number(ref: PrepaymentRef, prefix: str) -> list[Finding]:
    """The prepayment invoice's number (KSA-26, BR-KSA-73), as long as any invoice number may be."""
    field = join(prefix, "number")
    found = text_findings(ref.number, field, ("prepayment number", "رقم فاتورة الدفعة المقدمة"), "BR-KSA-F-06-C1", 127)
    if ref.number.strip():
        return found
    return [
        make(
            "BR-KSA-73",
            field,
            "The prepayment has no invoice number.",
            "Enter the number of the prepayment invoice (the one issued when the advance was received).",
            "الدفعة المقدمة بلا رقم فاتورة.",
            "أدخل رقم فاتورة الدفعة المقدمة (التي صدرت عند استلام الدفعة).",
            WARNING,
        ),
        *found,
    ]


def _issued(ref: PrepaymentRef, draft: InvoiceDraft, prefix: str) -> list[Finding]:
    """KSA-28/29: a time-zone aware moment from 2000 on, before the final invoice itself."""
    field, moment = join(prefix, "issue_datetime"), ref.issue_datetime
    if moment.utcoffset() is None:
        texts = ("The prepayment's issue date and time has no time zone.",
                 "Give it with its UTC offset, e.g. 2026-11-01T09:00:00+03:00.",
                 "تاريخ ووقت إصدار الدفعة المقدمة بلا منطقة زمنية.",
                 "اكتبه مع فرق التوقيت عن UTC، مثل 2026-11-01T09:00:00+03:00.")  # fmt: skip
        return [make("QAYD-ISSUE-TIMEZONE", field, *texts)]
    if moment.year < FIRST_YEAR:
        texts = (f"The prepayment date {moment.date().isoformat()} is before the year 2000.",
                 "Check the year.", f"تاريخ الدفعة المقدمة {moment.date().isoformat()} قبل عام 2000.",
                 "تحقق من السنة.")  # fmt: skip
        return [make("BR-KSA-F-01", field, *texts)]
    final = draft.issue_datetime
    if final.utcoffset() is None or moment <= final:
        return []
    texts = ("The prepayment invoice is dated after this final invoice.",
             "Check the date: the advance is invoiced before the final invoice settles it.",
             "فاتورة الدفعة المقدمة مؤرخة بعد هذه الفاتورة النهائية.",
             "تحقق من التاريخ: تصدر فاتورة الدفعة قبل الفاتورة النهائية التي تسويها.")  # fmt: skip
    return [make("QAYD-PREPAYMENT-DATE", field, *texts, WARNING)]


def _amount(value: Decimal, field: str, label: Label) -> list[Finding]:
    """Usable, not negative, 2 decimals at most (BR-KSA-DEC-06)."""
    return number_findings(value, field, label) or decimals_findings(value, field, label, "BR-KSA-DEC-06")


def _zero(field: str) -> Finding:
    return make(
        "QAYD-PREPAYMENT-ZERO",
        field,
        "The prepayment's taxable amount is 0; ZATCA then reads its line as inconsistent (BR-KSA-80).",
        "Enter the amount (without VAT) that was paid in advance, or remove the prepayment.",
        "المبلغ الخاضع للدفعة المقدمة صفر، فتعدّ هيئة الزكاة بندها غير متسق (BR-KSA-80).",
        "أدخل المبلغ المدفوع مقدماً (دون الضريبة)، أو احذف الدفعة.",
        WARNING,  # ZATCA only warns (BR-KSA-80), and no law forbids it: not refused
    )


def _tax(ref: PrepaymentRef, prefix: str) -> list[Finding]:
    """KSA-32 = KSA-31 × KSA-34 / 100 within a halala (BR-KSA-79)."""
    if not all(is_usable(v) for v in (ref.taxable_amount, ref.tax_amount, ref.vat_rate)):
        return []  # reported by the amount and rate checks
    expected = money(ref.taxable_amount * ref.vat_rate / HUNDRED)
    if abs(money(ref.tax_amount) - expected) <= CENT:
        return []
    return [
        make(
            "BR-KSA-79",
            join(prefix, "tax_amount"),
            f"The prepayment's VAT {ref.tax_amount} is not its taxable amount × {ref.vat_rate}% ({expected}).",
            "Copy the VAT of that category from the prepayment invoice.",
            f"ضريبة الدفعة المقدمة {ref.tax_amount} لا تساوي المبلغ الخاضع × {ref.vat_rate}% ({expected}).",
            "انسخ ضريبة هذه الفئة من فاتورة الدفعة المقدمة.",
            WARNING,
        )
    ]


def _ref_findings(ref: PrepaymentRef, draft: InvoiceDraft, prefix: str) -> list[Finding]:
    """Everything one prepayment line needs on its own."""
    taxable_field = join(prefix, "taxable_amount")
    taxable = _amount(ref.taxable_amount, taxable_field, ("prepaid taxable amount", "المبلغ الخاضع المدفوع مقدماً"))
    if not taxable and ref.taxable_amount.is_zero():
        taxable = [_zero(taxable_field)]
    label = ("prepayment item name", "اسم بند الدفعة المقدمة")
    return [
        *_number(ref, prefix),
        *_issued(ref, draft, prefix),
        *taxable,
        *_amount(ref.tax_amount, join(prefix, "tax_amount"), ("prepaid VAT", "الضريبة المدفوعة مقدماً")),
        *rate_findings(ref.vat_category, ref.vat_rate, prefix, "prepayment"),
        *exemption_findings(
            ref.vat_category,
            ref.exemption_reason_code,
            ref.exemption_reason,
            prefix,
            rules=PREPAYMENT_EXEMPTION_RULES,
        ),
        *_tax(ref, prefix),
        *text_findings(ref.name, join(prefix, "name"), label, "BR-KSA-F-06-C19", 1000),
    ]


def _not_an_invoice() -> Finding:
    return make(
        "QAYD-PREPAYMENT-TYPE",
        "prepayments",
        "Only an invoice settles prepayments; a credit or debit note cannot.",
        "Remove the prepayments, or put them on the final invoice.",
        "الفاتورة وحدها تسوّي الدفعات المقدمة، ولا يسوّيها إشعار دائن أو مدين.",
        "احذف الدفعات المقدمة، أو ضعها في الفاتورة النهائية.",
    )


def _prepaid_mismatch(draft: InvoiceDraft) -> list[Finding]:
    """With prepayment lines, BT-113 is their sum (BR-KSA-80); a different prepaid amount contradicts them."""
    given, total = draft.prepaid_amount, prepaid_total(draft)
    if given.is_zero() or not is_usable(given) or money(given) == total:
        return []
    return [
        make(
            "BR-KSA-80",
            "prepaid_amount",
            f"The prepaid amount {given} differs from the sum of the prepayments ({total}).",
            "Leave the prepaid amount out (it is then the sum of the prepayments) or correct the prepayments.",
            f"المبلغ المدفوع مسبقاً {given} يختلف عن مجموع الدفعات المقدمة ({total}).",
            "اترك المبلغ المدفوع مسبقاً فارغاً (فيصبح مجموع الدفعات) أو صحح الدفعات.",
        )
    ]


def _category_unknown(ref: PrepaymentRef, prefix: str, totals: Totals) -> list[Finding]:
    """A prepayment line's category needs a VAT breakdown of that category (BR-S-01, BR-Z-01, BR-E-01, BR-O-01)."""
    if any(group.category is ref.vat_category for group in totals.breakdown):
        return []
    code = ref.vat_category.value
    return [
        make(
            f"BR-{code}-01",
            join(prefix, "vat_category"),
            f"The prepayment is in VAT category {code}, but no line, allowance or charge of this invoice is.",
            "Give the prepayment the category of the supplies it was paid for.",
            f"الدفعة المقدمة من فئة الضريبة {code}، ولا يوجد في هذه الفاتورة بند أو خصم أو رسوم من هذه الفئة.",
            "اجعل فئة الدفعة المقدمة فئة التوريدات التي دُفعت عنها.",
            WARNING,
        )
    ]


def prepayment_findings(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """The prepayment lines of a final invoice and how they agree with its prepaid amount."""
    if not draft.prepayments:
        return []
    found = [_not_an_invoice()] if draft.type is not DocumentType.INVOICE else []
    for i, ref in enumerate(draft.prepayments):
        prefix = f"prepayments[{i}]"
        found += _ref_findings(ref, draft, prefix) + _category_unknown(ref, prefix, totals)
    return found + _prepaid_mismatch(draft)
