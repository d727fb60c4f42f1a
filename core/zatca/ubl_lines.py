"""Invoice lines of a UBL invoice: the supplies, then one line per prepayment the final invoice settles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lxml import etree

from core.invoicing.model import InvoiceDraft, InvoiceLine, LineTotals, PrepaymentRef, Totals, VatCategory
from core.invoicing.totals import ZERO
from core.zatca.ubl_xml import (
    CBC_NS,
    INVOICE_NS,
    NSMAP,
    amount,
    amount_text,
    cac,
    cbc,
    percent_text,
    price_text,
    quantity_text,
    tax_category,
)

PREPAYMENT_TYPE_CODE = "386"  # KSA-30, BR-KSA-74
DISCOUNT_CODE = "95"  # UNCL 5189 "Discount": BR-42 wants a reason or code on every line allowance


def issue_date_time(moment: datetime) -> tuple[str, str]:
    """(YYYY-MM-DD, hh:mm:ss) of a timezone-aware datetime, in its own local time (BR-KSA-70, BR-KSA-F-05)."""
    return moment.date().isoformat(), moment.strftime("%H:%M:%S")


def _line(root: etree._Element, number: int, line: InvoiceLine, totals: LineTotals, currency: str, *,
          force_exemption: bool = False) -> None:
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
    tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate, exemption,
                 force_exemption=force_exemption)
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


class _LineTemplate:
    """A pre-built InvoiceLine of one shape, copied and filled in: ~10x faster than building each line.

    The template is made by `_line` itself from sentinel values, so a copy is the same XML `_line` writes.
    """

    FIELDS = ("number", "quantity", "net", "discount", "vat", "gross", "name", "code", "reason", "category", "rate",
              "price")

    def __init__(self, has_discount: bool, exemption: tuple[bool, bool], currency: str) -> None:
        scratch = etree.Element(f"{{{INVOICE_NS}}}Invoice", nsmap=NSMAP)
        sentinel = InvoiceLine(name="name", quantity=Decimal(1), unit_price=Decimal(1),
                               vat_category=VatCategory.STANDARD, vat_rate=Decimal(1),
                               discount=Decimal(1) if has_discount else Decimal(0),
                               exemption_reason_code="code" if exemption[0] else "",
                               exemption_reason="reason" if exemption[1] else "")
        _line(scratch, 1, sentinel, LineTotals(Decimal(1), Decimal(1), Decimal(1)), currency, force_exemption=True)
        self.element = scratch[0]
        nodes = list(self.element.iter())
        self.slots = [_slot(nodes, self.element, name) for name in self.FIELDS]

    def fill(self, number: int, line: InvoiceLine, totals: LineTotals) -> etree._Element:
        element = self.element.__copy__()  # a deep copy in C (copy.deepcopy would add a Python dispatch)
        nodes = list(element.iter())
        values = (str(number), quantity_text(line.quantity), amount_text(totals.net), amount_text(line.discount),
                  amount_text(totals.vat), amount_text(totals.gross), line.name, line.exemption_reason_code,
                  line.exemption_reason, line.vat_category.value, percent_text(line.vat_rate),
                  price_text(line.unit_price))
        for slot, value in zip(self.slots, values, strict=True):
            if slot is not None:
                nodes[slot].text = value
        nodes[2].set("unitCode", line.unit_code)  # cbc:InvoicedQuantity
        return element


def _slot(nodes: list[etree._Element], line: etree._Element, name: str) -> int | None:
    """Where `_line` put the field `name` in the template (None when this shape has no such element)."""
    wanted = {"number": "ID", "quantity": "InvoicedQuantity", "net": "LineExtensionAmount", "name": "Name",
              "price": "PriceAmount", "code": "TaxExemptionReasonCode", "reason": "TaxExemptionReason",
              "category": "ID", "rate": "Percent", "vat": "TaxAmount", "gross": "RoundingAmount", "discount": "Amount"}
    tag = f"{{{CBC_NS}}}{wanted[name]}"
    found = [i for i, node in enumerate(nodes) if node.tag == tag]
    if not found:
        return None
    if name == "category":  # the second cbc:ID: the one inside ClassifiedTaxCategory
        return found[1]
    return found[0]


_TEMPLATES: dict[tuple[bool, bool, bool, str], _LineTemplate] = {}


def _template(line: InvoiceLine, currency: str) -> _LineTemplate:
    exempt = line.vat_category is not VatCategory.STANDARD
    key = (not line.discount.is_zero(), exempt and bool(line.exemption_reason_code),
           exempt and bool(line.exemption_reason), currency)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _LineTemplate(key[0], (key[1], key[2]), currency)
    return _TEMPLATES[key]


def add_lines(root: etree._Element, draft: InvoiceDraft, totals: Totals) -> None:
    """The draft's lines numbered from 1, then its prepayment lines numbered on."""
    for number, (line, line_totals) in enumerate(zip(draft.lines, totals.lines, strict=True), 1):
        root.append(_template(line, draft.currency).fill(number, line, line_totals))
    for number, ref in enumerate(draft.prepayments, len(draft.lines) + 1):
        _prepayment_line(root, number, ref, draft.currency)
