"""Rules on payment and references: credit/debit note references and reasons, payment means, prepaid, rounding."""

from __future__ import annotations

from core.findings import Finding
from core.invoicing.codelists import PAYMENT_MEANS_CODES
from core.invoicing.model import InvoiceDraft, Totals
from core.invoicing.rule_finding import (
    ERROR,
    WARNING,
    decimals_findings,
    is_finite,
    is_usable,
    make,
    number_findings,
    text_findings,
)


def _billing_reference(draft: InvoiceDraft) -> list[Finding]:
    """A note names the invoice it corrects (BT-25, BR-KSA-56), within 5000 characters (BR-KSA-F-06-C22).

    Refused, although the SDK only warns: the VAT Implementing Regulations (Art. 40) require a note to
    refer to the original tax invoice.
    """
    label = ("billing reference", "مرجع الفاتورة الأصلية")
    found = text_findings(draft.billing_reference, "billing_reference", label, "BR-KSA-F-06-C22", 5000, ERROR)
    if draft.billing_reference.strip():
        return found
    return [
        make(
            "BR-KSA-56",
            "billing_reference",
            "A credit or debit note must name the invoice it corrects; without it the buyer and ZATCA "
            "cannot tell which supply it adjusts.",
            "Enter the number of the original invoice.",
            "يجب أن يذكر الإشعار الدائن أو المدين الفاتورة التي يعدّلها، وإلا فلا يعرف المشتري ولا الهيئة "
            "أي توريد يعدّله.",
            "أدخل رقم الفاتورة الأصلية.",
        ),
        *found,
    ]


def _reason(draft: InvoiceDraft) -> list[Finding]:
    """A note states why it was issued (KSA-10, BR-KSA-17), within 1000 characters (BR-KSA-F-06-C13)."""
    label = ("reason", "سبب الإصدار")
    found = text_findings(draft.reason, "reason", label, "BR-KSA-F-06-C13", 1000)
    if draft.reason.strip():
        return found
    return [
        make(
            "BR-KSA-17",
            "reason",
            "A credit or debit note must state why it was issued.",
            'Give the reason, e.g. "Goods returned" or "Price correction".',
            "يجب أن يذكر الإشعار الدائن أو المدين سبب إصداره.",
            'اذكر السبب، مثل "إرجاع بضاعة" أو "تصحيح السعر".',
        ),
        *found,
    ]


def note_findings(draft: InvoiceDraft) -> list[Finding]:
    """Credit and debit notes: reference, reason, and a payment means to carry the reason."""
    if not draft.type.is_note:
        return []
    found = [*_billing_reference(draft), *_reason(draft)]
    if not draft.payment_means:
        found.append(
            make(
                "QAYD-NOTE-PAYMENT-MEANS",
                "payment_means",
                "A note's reason is written in its payment instructions, which need a payment means code.",
                "Choose how the amount is settled, e.g. 10 (cash), 30 (credit transfer) or 42 (bank "
                "account).",
                "يُكتب سبب الإشعار ضمن تعليمات الدفع، وهذه تحتاج إلى رمز وسيلة الدفع.",
                "اختر طريقة تسوية المبلغ، مثل 10 (نقداً) أو 30 (تحويل) أو 42 (حساب بنكي).",
                WARNING,
            )
        )
    return found


def payment_means_findings(draft: InvoiceDraft) -> list[Finding]:
    """A payment means code from ZATCA's UNTDID 4461 subset (BR-KSA-16)."""
    if not draft.payment_means or draft.payment_means in PAYMENT_MEANS_CODES:
        return []
    return [
        make(
            "BR-KSA-16",
            "payment_means",
            f"{draft.payment_means!r} is not a UNTDID 4461 payment means code that ZATCA accepts.",
            "Use e.g. 10 (cash), 30 (credit transfer), 42 (bank account), 48 (card) or 1 (not defined).",
            f"{draft.payment_means!r} ليس رمز وسيلة دفع من قائمة UNTDID 4461 التي تقبلها هيئة الزكاة.",
            "استخدم مثلاً 10 (نقداً) أو 30 (تحويل) أو 42 (حساب بنكي) أو 48 (بطاقة) أو 1 (غير محدد).",
            WARNING,
        )
    ]


def _prepaid_exceeds(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    if not (is_finite(totals.tax_inclusive) and is_finite(totals.prepaid) and totals.prepaid > totals.tax_inclusive):
        return []
    return [
        make(
            "QAYD-PREPAID-EXCEEDS",
            "prepayments" if draft.prepayments else "prepaid_amount",
            f"The prepaid amount {totals.prepaid} is more than the invoice total {totals.tax_inclusive}.",
            "Enter only the part of this invoice that was paid in advance.",
            f"المبلغ المدفوع مسبقاً {totals.prepaid} أكبر من إجمالي الفاتورة {totals.tax_inclusive}.",
            "أدخل الجزء المدفوع مقدماً من هذه الفاتورة فقط.",
        )
    ]


def _prepayments_missing() -> Finding:
    return make(
        "BR-KSA-73",
        "prepaid_amount",
        "ZATCA expects each prepayment invoice (its number, date and time) as an extra line, but the "
        "document gives only the prepaid total.",
        "List the prepayment invoices under prepayments instead of giving the prepaid amount.",
        "تتوقع هيئة الزكاة ذكر كل فاتورة دفعة مقدمة (رقمها وتاريخها ووقتها) في بند إضافي، لكن المستند "
        "يذكر إجمالي المبلغ المدفوع مسبقاً فقط.",
        "أدرج فواتير الدفعات المقدمة ضمن الدفعات المقدمة بدلاً من ذكر المبلغ المدفوع مسبقاً.",
        WARNING,
    )


def prepaid_findings(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """Prepaid (BT-113): positive, 2 decimals, not above the total; ZATCA wants its invoices listed."""
    label = ("prepaid amount", "المبلغ المدفوع مسبقاً")
    found = number_findings(draft.prepaid_amount, "prepaid_amount", label)
    if found:
        return found
    if not draft.prepaid_amount.is_zero():
        found = decimals_findings(draft.prepaid_amount, "prepaid_amount", label, "BR-DEC-16")
    found += _prepaid_exceeds(draft, totals)
    if not draft.prepaid_amount.is_zero() and not draft.prepayments:
        found.append(_prepayments_missing())
    return found


def rounding_findings(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """Payable rounding (BT-114): may be negative, 2 decimals (BR-DEC-17), below one unit, payable not < 0."""
    value, field = draft.payable_rounding, "payable_rounding"
    label = ("payable rounding amount", "مبلغ تقريب المستحق")
    if not is_usable(value):
        return number_findings(value, field, label)
    found = decimals_findings(value, field, label, "BR-DEC-17")
    if abs(value) >= 1:
        texts = (f"The payable rounding {value} is 1 {draft.currency} or more; rounding only removes fractions.",
                 "Enter the few halalas that round the amount due, e.g. -0.01.",
                 f"تقريب المستحق {value} يبلغ 1 {draft.currency} أو أكثر، والتقريب يزيل الكسور فقط.",
                 "أدخل الهللات القليلة التي تقرّب المبلغ المستحق، مثل -0.01.")  # fmt: skip
        found.append(make("QAYD-ROUNDING-LARGE", field, *texts, WARNING))
    # ZATCA's BR-KSA-F-04 does not test PayableAmount; a negative amount due is a refund, which is a credit
    # note's job (docs/DECISIONS.md). A prepaid amount above the total is reported by QAYD-PREPAID-EXCEEDS.
    if not value.is_zero() and is_finite(totals.payable) and totals.payable < 0:
        texts = (f"With this rounding the amount due is negative ({totals.payable}).",
                 "Correct the rounding; the amount due cannot be below zero.",
                 f"بهذا التقريب يصبح المبلغ المستحق سالباً ({totals.payable}).",
                 "صحح التقريب؛ فالمبلغ المستحق لا يكون أقل من صفر.")  # fmt: skip
        found.append(make("QAYD-PAYABLE-NEGATIVE", field, *texts))
    return found


def note_text_findings(draft: InvoiceDraft) -> list[Finding]:
    """The free-text note (BT-22) within 1000 characters (BR-KSA-F-06-C2)."""
    return text_findings(draft.note, "note", ("note", "الملاحظة"), "BR-KSA-F-06-C2", 1000)
