"""Invoice lines of a UBL invoice: the supplies, then one line per prepayment the final invoice settles."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from core.invoicing.model import InvoiceDraft, InvoiceLine, LineTotals, PrepaymentRef, Totals
from core.invoicing.totals import ZERO
from core.zatca.ubl_xml import amount, cac, cbc, price_text, quantity_text, tax_category

PREPAYMENT_TYPE_CODE = "386"  # KSA-30, BR-KSA-74
DISCOUNT_CODE = "95"  # UNCL 5189 "Discount": BR-42 wants a reason or code on every line allowance


def issue_date_time(moment: datetime) -> tuple[str, str]:
    """(YYYY-MM-DD, hh:mm:ss) of a timezone-aware datetime, in its own local time (BR-KSA-70, BR-KSA-F-05)."""
    return moment.date().isoformat(), moment.strftime("%H:%M:%S")


def _line(root: etree._Element, number: int, line: InvoiceLine, totals: LineTotals, currency: str) -> None:
    """BG-25: quantity, net amount (BT-131), discount (BG-27), KSA-11/KSA-12, item, price (BT-146)."""
    element = cac(root, "InvoiceLine")
    cbc(element, "ID", str(number))
    cbc(element, "InvoicedQuantity", quantity_text(line.quantity), unitCode=line.unit_code)
    amount(element, "LineExtensionAmount", totals.net, currency)
    if not line.discount.is_zero():
        allowance = cac(element, "AllowanceCharge")
        cbc(allowance, "ChargeIndicator", "false")
        cbc(allowance, "AllowanceChargeReasonCode", DISCOUNT_CODE)
        cbc(allowance, "AllowanceChargeReason", "Discount")
        amount(allowance, "Amount", line.discount, currency)
    tax = cac(element, "TaxTotal")
    amount(tax, "TaxAmount", totals.vat, currency)
    amount(tax, "RoundingAmount", totals.gross, currency)
    item = cac(element, "Item")
    cbc(item, "Name", line.name)
    exemption = (line.exemption_reason_code, line.exemption_reason)
    tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate, exemption)
    price = cac(element, "Price")
    cbc(price, "PriceAmount", price_text(line.unit_price), currencyID=currency)


def _prepayment_reference(parent: etree._Element, ref: PrepaymentRef) -> None:
    """KSA-26 number, the prepayment invoice's UUID, KSA-28 date, KSA-29 time and KSA-30 type code 386."""
    element = cac(parent, "DocumentReference")
    cbc(element, "ID", ref.number)
    if ref.document_uuid is not None:
        cbc(element, "UUID", str(ref.document_uuid))
    issue_date, issue_time = issue_date_time(ref.issue_datetime)
    cbc(element, "IssueDate", issue_date)
    cbc(element, "IssueTime", issue_time)
    cbc(element, "DocumentTypeCode", PREPAYMENT_TYPE_CODE)


def _prepayment_line(root: etree._Element, number: int, ref: PrepaymentRef, currency: str) -> None:
    """A line with quantity, price and amounts 0 (BR-KSA-82) whose tax subtotal holds KSA-31 … KSA-34."""
    element = cac(root, "InvoiceLine")
    cbc(element, "ID", str(number))
    cbc(element, "InvoicedQuantity", "0.00", unitCode="PCE")
    amount(element, "LineExtensionAmount", ZERO, currency)
    _prepayment_reference(element, ref)
    tax = cac(element, "TaxTotal")
    amount(tax, "TaxAmount", ZERO, currency)
    amount(tax, "RoundingAmount", ZERO, currency)
    subtotal = cac(tax, "TaxSubtotal")
    amount(subtotal, "TaxableAmount", ref.taxable_amount, currency)
    amount(subtotal, "TaxAmount", ref.tax_amount, currency)
    exemption = (ref.exemption_reason_code, ref.exemption_reason)
    tax_category(subtotal, "TaxCategory", ref.vat_category, ref.vat_rate, exemption)
    item = cac(element, "Item")
    cbc(item, "Name", ref.name or f"Prepayment {ref.number}")
    tax_category(item, "ClassifiedTaxCategory", ref.vat_category, ref.vat_rate)
    price = cac(element, "Price")
    amount(price, "PriceAmount", ZERO, currency)


def add_lines(root: etree._Element, draft: InvoiceDraft, totals: Totals) -> None:
    """The draft's lines numbered from 1, then its prepayment lines numbered on."""
    for number, (line, line_totals) in enumerate(zip(draft.lines, totals.lines, strict=True), 1):
        _line(root, number, line, line_totals, draft.currency)
    for number, ref in enumerate(draft.prepayments, len(draft.lines) + 1):
        _prepayment_line(root, number, ref, draft.currency)
