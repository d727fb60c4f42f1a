"""Document-level money of a UBL invoice: allowances and charges, the two TaxTotals and LegalMonetaryTotal."""

from __future__ import annotations

from lxml import etree

from core.invoicing.model import AllowanceCharge, InvoiceDraft, Totals
from core.zatca.ubl_xml import SAR, amount, cac, cbc, tax_category


def _allowance_charge(root: etree._Element, item: AllowanceCharge, currency: str) -> None:
    """One BG-20 allowance or BG-21 charge with its VAT category (BT-95/BT-102) and rate."""
    element = cac(root, "AllowanceCharge")
    cbc(element, "ChargeIndicator", "true" if item.is_charge else "false")
    if item.reason_code:
        cbc(element, "AllowanceChargeReasonCode", item.reason_code)
    if item.reason:
        cbc(element, "AllowanceChargeReason", item.reason)
    amount(element, "Amount", item.amount, currency)
    exemption = (item.exemption_reason_code, item.exemption_reason)
    tax_category(element, "TaxCategory", item.vat_category, item.vat_rate, exemption)


def add_allowance_charges(root: etree._Element, draft: InvoiceDraft) -> None:
    """Document-level allowances and charges, in the draft's order."""
    for item in draft.allowances:
        _allowance_charge(root, item, draft.currency)


def add_tax_totals(root: etree._Element, draft: InvoiceDraft, totals: Totals) -> None:
    """BT-111 in SAR without subtotals first, then BT-110 with the VAT breakdown (BG-23), as the SDK does.

    BR-KSA-EN16931-08/09 want exactly one TaxTotal with subtotals and one without; on a SAR document
    both carry the same amount.
    """
    in_sar = cac(root, "TaxTotal")
    amount(in_sar, "TaxAmount", totals.tax_total_sar, SAR)
    total = cac(root, "TaxTotal")
    amount(total, "TaxAmount", totals.tax_total, draft.currency)
    for group in totals.breakdown:
        subtotal = cac(total, "TaxSubtotal")
        amount(subtotal, "TaxableAmount", group.taxable_amount, draft.currency)
        amount(subtotal, "TaxAmount", group.tax_amount, draft.currency)
        exemption = (group.exemption_reason_code, group.exemption_reason)
        tax_category(subtotal, "TaxCategory", group.category, group.rate, exemption)


def add_monetary_total(root: etree._Element, draft: InvoiceDraft, totals: Totals) -> None:
    """BT-106 … BT-115; allowance and charge sums when the document has any, prepaid and rounding when not 0."""
    element = cac(root, "LegalMonetaryTotal")
    currency = draft.currency
    amount(element, "LineExtensionAmount", totals.line_extension, currency)
    amount(element, "TaxExclusiveAmount", totals.tax_exclusive, currency)
    amount(element, "TaxInclusiveAmount", totals.tax_inclusive, currency)
    if any(not item.is_charge for item in draft.allowances):
        amount(element, "AllowanceTotalAmount", totals.allowance_total, currency)
    if any(item.is_charge for item in draft.allowances):
        amount(element, "ChargeTotalAmount", totals.charge_total, currency)
    if draft.prepayments or not totals.prepaid.is_zero():
        amount(element, "PrepaidAmount", totals.prepaid, currency)
    if not totals.rounding.is_zero():
        amount(element, "PayableRoundingAmount", totals.rounding, currency)
    amount(element, "PayableAmount", totals.payable, currency)
