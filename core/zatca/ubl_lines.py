"""Invoice lines of a UBL invoice: the supplies, then one line per prepayment the final invoice settles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from core.clock import saudi_time
from core.invoicing.model import InvoiceDraft, InvoiceLine, LineTotals, PrepaymentRef, Totals, VatCategory
from core.invoicing.totals import ZERO
from core.zatca.ubl_xml import (
    Ubl,
    amount_text,
    attributes,
    escape_attribute,
    escape_text,
    percent_text,
    price_text,
    quantity_text,
    tax_category,
)

PREPAYMENT_TYPE_CODE = "386"  # KSA-30, BR-KSA-74
DISCOUNT_CODE = "95"  # UNCL 5189 "Discount": BR-42 wants a reason or code on every line allowance
_MARK = "\x00"  # never in a document (XML 1.0 forbids it), so it can stand for a value in a template


def issue_date_time(moment: datetime) -> tuple[str, str]:
    """(YYYY-MM-DD, hh:mm:ss) of a timezone-aware datetime in Saudi time (BR-KSA-70, BR-KSA-F-05).

    The XML carries no offset, so the instant must be written on the clock ZATCA reads it in; the QR's
    timestamp (tag 3) is taken from these two elements and agrees by construction.
    """
    local = saudi_time(moment)
    return local.date().isoformat(), local.strftime("%H:%M:%S")


def _line(w: Ubl, currency: str, *, discount: bool, code: bool, reason: bool) -> None:
    """BG-25: quantity, net amount (BT-131), discount (BG-27), KSA-11/KSA-12, item, price (BT-146).

    Written once per shape with a marked field name in place of each value; `_LineTemplate` fills them in.
    """
    def field(name: str) -> str:
        return f"{_MARK}{name}{_MARK}"

    money = attributes(currencyID=currency)
    with w.cac("InvoiceLine"):
        w.cbc("ID", field("number"))
        w.cbc("InvoicedQuantity", field("quantity"), f' unitCode="{field("unit")}"')
        w.cbc("LineExtensionAmount", field("net"), money)
        if discount:
            with w.cac("AllowanceCharge"):
                w.cbc("ChargeIndicator", "false")
                w.cbc("AllowanceChargeReasonCode", DISCOUNT_CODE)
                w.cbc("AllowanceChargeReason", "Discount")
                w.cbc("Amount", field("discount"), money)
        with w.cac("TaxTotal"):
            w.cbc("TaxAmount", field("vat"), money)
            w.cbc("RoundingAmount", field("gross"), money)
        with w.cac("Item"):
            w.cbc("Name", field("name"))
            with w.cac("ClassifiedTaxCategory"):
                w.cbc("ID", field("category"))
                w.cbc("Percent", field("rate"))
                if code:
                    w.cbc("TaxExemptionReasonCode", field("code"))
                if reason:
                    w.cbc("TaxExemptionReason", field("reason"))
                with w.cac("TaxScheme"):
                    w.cbc("ID", "VAT")
        with w.cac("Price"):
            w.cbc("PriceAmount", field("price"), money)


class _LineTemplate:
    """The text of one line shape as a %-format with its fields in order: ~10x faster than writing each line."""

    def __init__(self, currency: str, *, discount: bool, code: bool, reason: bool) -> None:
        w = Ubl()
        _line(w, currency, discount=discount, code=code, reason=reason)
        pieces = "".join(w.parts[1:]).split(_MARK)
        self.fields = tuple(pieces[1::2])
        self.format = "%s".join(piece.replace("%", "%%") for piece in pieces[::2])
        self.discount, self.code, self.reason = discount, code, reason

    def fill(self, number: int, line: InvoiceLine, totals: LineTotals) -> str:
        values = {"number": str(number), "quantity": quantity_text(line.quantity),
                  "unit": escape_attribute(line.unit_code), "net": amount_text(totals.net),
                  "vat": amount_text(totals.vat), "gross": amount_text(totals.gross), "name": escape_text(line.name),
                  "category": line.vat_category.value, "rate": _percent(line.vat_rate),
                  "price": price_text(line.unit_price)}
        if self.discount:
            values["discount"] = amount_text(line.discount)
        if self.code:
            values["code"] = escape_text(line.exemption_reason_code)
        if self.reason:
            values["reason"] = escape_text(line.exemption_reason)
        return self.format % tuple(values[name] for name in self.fields)


_PERCENTS: dict[Decimal, str] = {}


def _percent(rate: Decimal) -> str:
    """percent_text of a VAT rate; a document uses two or three rates, so their texts are kept."""
    text = _PERCENTS.get(rate)
    if text is None:
        text = percent_text(rate)
        if len(_PERCENTS) < 64:
            _PERCENTS[rate] = text
    return text


_TEMPLATES: dict[tuple[bool, bool, bool, str], _LineTemplate] = {}


def _template(line: InvoiceLine, currency: str) -> _LineTemplate:
    exempt = line.vat_category is not VatCategory.STANDARD
    key = (not line.discount.is_zero(), exempt and bool(line.exemption_reason_code),
           exempt and bool(line.exemption_reason), currency)
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES[key] = _LineTemplate(currency, discount=key[0], code=key[1], reason=key[2])
    return template


def _prepayment_reference(w: Ubl, ref: PrepaymentRef) -> None:
    """KSA-26 number, the prepayment invoice's UUID, KSA-28 date, KSA-29 time and KSA-30 type code 386."""
    with w.cac("DocumentReference"):
        w.cbc("ID", ref.number)
        if ref.document_uuid is not None:
            w.cbc("UUID", str(ref.document_uuid))
        issue_date, issue_time = issue_date_time(ref.issue_datetime)
        w.cbc("IssueDate", issue_date)
        w.cbc("IssueTime", issue_time)
        w.cbc("DocumentTypeCode", PREPAYMENT_TYPE_CODE)


def _prepayment_line(w: Ubl, number: int, ref: PrepaymentRef, currency: str) -> None:
    """A line with quantity, price and amounts 0 (BR-KSA-82) whose tax subtotal holds KSA-31 … KSA-34."""
    with w.cac("InvoiceLine"):
        w.cbc("ID", str(number))
        w.cbc("InvoicedQuantity", "0.00", attributes(unitCode="PCE"))
        w.amount("LineExtensionAmount", ZERO, currency)
        _prepayment_reference(w, ref)
        with w.cac("TaxTotal"):
            w.amount("TaxAmount", ZERO, currency)
            w.amount("RoundingAmount", ZERO, currency)
            with w.cac("TaxSubtotal"):
                w.amount("TaxableAmount", ref.taxable_amount, currency)
                w.amount("TaxAmount", ref.tax_amount, currency)
                exemption = (ref.exemption_reason_code, ref.exemption_reason)
                tax_category(w, "TaxCategory", ref.vat_category, ref.vat_rate, exemption)
        with w.cac("Item"):
            w.cbc("Name", ref.name or f"Prepayment {ref.number}")
            tax_category(w, "ClassifiedTaxCategory", ref.vat_category, ref.vat_rate)
        with w.cac("Price"):
            w.amount("PriceAmount", ZERO, currency)


def add_lines(w: Ubl, draft: InvoiceDraft, totals: Totals) -> None:
    """The draft's lines numbered from 1, then its prepayment lines numbered on."""
    for number, (line, line_totals) in enumerate(zip(draft.lines, totals.lines, strict=True), 1):
        w.raw(_template(line, draft.currency).fill(number, line, line_totals))
    for number, ref in enumerate(draft.prepayments, len(draft.lines) + 1):
        _prepayment_line(w, number, ref, draft.currency)
