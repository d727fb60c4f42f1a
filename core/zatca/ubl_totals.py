"""Document-level money of a UBL invoice: allowances and charges, the two TaxTotals and LegalMonetaryTotal."""

from __future__ import annotations

from core.invoicing.model import AllowanceCharge, InvoiceDraft, Totals
from core.zatca.ubl_xml import SAR, Ubl, tax_category


def _allowance_charge(w: Ubl, item: AllowanceCharge, currency: str) -> None:
    """One BG-20 allowance or BG-21 charge with its VAT category (BT-95/BT-102) and rate."""
    with w.cac("AllowanceCharge"):
        w.cbc("ChargeIndicator", "true" if item.is_charge else "false")
        if item.reason_code:
            w.cbc("AllowanceChargeReasonCode", item.reason_code)
        if item.reason:
            w.cbc("AllowanceChargeReason", item.reason)
        w.amount("Amount", item.amount, currency)
        exemption = (item.exemption_reason_code, item.exemption_reason)
        tax_category(w, "TaxCategory", item.vat_category, item.vat_rate, exemption)


def add_allowance_charges(w: Ubl, draft: InvoiceDraft) -> None:
    """Document-level allowances and charges, in the draft's order."""
    for item in draft.allowances:
        _allowance_charge(w, item, draft.currency)


def add_tax_totals(w: Ubl, draft: InvoiceDraft, totals: Totals) -> None:
    """BT-111 in SAR without subtotals first, then BT-110 with the VAT breakdown (BG-23), as the SDK does.

    BR-KSA-EN16931-08/09 want exactly one TaxTotal with subtotals and one without; on a SAR document
    both carry the same amount.
    """
    with w.cac("TaxTotal"):
        w.amount("TaxAmount", totals.tax_total_sar, SAR)
    with w.cac("TaxTotal"):
        w.amount("TaxAmount", totals.tax_total, draft.currency)
        for group in totals.breakdown:
            with w.cac("TaxSubtotal"):
                w.amount("TaxableAmount", group.taxable_amount, draft.currency)
                w.amount("TaxAmount", group.tax_amount, draft.currency)
                exemption = (group.exemption_reason_code, group.exemption_reason)
                tax_category(w, "TaxCategory", group.category, group.rate, exemption)


def add_monetary_total(w: Ubl, draft: InvoiceDraft, totals: Totals) -> None:
    """BT-106 … BT-115; allowance and charge sums when the document has any, prepaid and rounding when not 0."""
    currency = draft.currency
    with w.cac("LegalMonetaryTotal"):
        w.amount("LineExtensionAmount", totals.line_extension, currency)
        w.amount("TaxExclusiveAmount", totals.tax_exclusive, currency)
        w.amount("TaxInclusiveAmount", totals.tax_inclusive, currency)
        if any(not item.is_charge for item in draft.allowances):
            w.amount("AllowanceTotalAmount", totals.allowance_total, currency)
        if any(item.is_charge for item in draft.allowances):
            w.amount("ChargeTotalAmount", totals.charge_total, currency)
        if draft.prepayments or not totals.prepaid.is_zero():
            w.amount("PrepaidAmount", totals.prepaid, currency)
        if not totals.rounding.is_zero():
            w.amount("PayableRoundingAmount", totals.rounding, currency)
        w.amount("PayableAmount", totals.payable, currency)
