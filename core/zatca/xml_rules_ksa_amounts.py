"""ZATCA rules on amounts, currencies, dates and formats: BR-KSA-CL-01/02/03, -F-01/02/04/05, -DEC-*, -EN16931-*."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal, localcontext

from core.invoicing.identifiers import CURRENCY_CODES, code_set
from core.zatca.xml_rules import (
    Doc,
    Element,
    Hit,
    any_ne_empty,
    check,
    decimals,
    kid,
    kids,
    nsp,
    slen,
    sv,
    txt,
)
from core.zatca.xml_rules_dates import xs_time
from core.zatca.xml_rules_numbers import (
    dbl,
    dbl_of,
    dec,
    dec_of,
    fmt2,
    has_indicator,
    round_cents,
    round_dbl,
    untyped,
    xbool,
)

MIME_CODES = (
    " text/csv text/plain application/pdf image/png image/jpeg image/tiff application/acad application/dwg drawing/dwg"
    " application/vnd.openxmlformats-officedocument.spreadsheetml.sheet application/vnd.oasis.opendocument.spreadsheet "
)
_DATE = re.compile(
    r"[2-9][0-9]([0-9]{2}[\-]((0[13578]|1[02])[\-](0[1-9]|[12][0-9]|3[01])|(0[469]|11)[\-](0[1-9]|[12][0-9]|30)|(02)"
    r"[\-](0[1-9]|1[0-9]|2[0-8]))|([02468][048]|[13579][26])[\-](02)[\-]29)"
)
# BR-KSA-CL-02 contexts: amounts anywhere, and the VAT amounts of the breakdown and of the lines.
_ANY_AMOUNTS = sorted(
    code_set(
        "Amount BaseAmount LineExtensionAmount PriceAmount TaxExclusiveAmount TaxInclusiveAmount AllowanceTotalAmount"
        " ChargeTotalAmount PrepaidAmount PayableRoundingAmount PayableAmount"
    )
)
# BR-KSA-F-04 contexts: amounts and quantities that may not be negative.
_NON_NEGATIVE = (
    "cac:AllowanceCharge/cbc:Amount",
    "cac:AllowanceCharge/cbc:BaseAmount",
    "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
    "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
    "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
    "cac:LegalMonetaryTotal/cbc:PrepaidAmount",
    "cac:TaxTotal/cbc:TaxAmount",
    "cac:InvoiceLine/cac:AllowanceCharge/cbc:Amount",
    "cac:InvoiceLine/cac:AllowanceCharge/cbc:BaseAmount",
    "cac:InvoiceLine/cac:TaxTotal/cbc:TaxAmount",
    "cac:InvoiceLine/cac:Price/cbc:PriceAmount",
    "cac:InvoiceLine/cac:Price/cac:AllowanceCharge/cbc:Amount",
    "cac:InvoiceLine/cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
    "cac:InvoiceLine/cbc:InvoicedQuantity",
    "cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
    "cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
    "cac:TaxExchangeRate/cbc:CalculationRate",
)


def _regex_finds(text: str, pattern: str) -> bool:
    """XPath matches(text, pattern) with a pattern taken from the document; a broken pattern matches nothing."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


@check
def currencies(d: Doc) -> Iterator[Hit]:
    for node in d.all("cbc:DocumentCurrencyCode"):
        if nsp(sv(node)) not in CURRENCY_CODES:
            yield "BR-KSA-CL-01", node
    attributes = d.under("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")
    attributes += d.under("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount")
    attributes += d.under("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount")
    for node in attributes:
        currency = node.get("currencyID")
        if currency is not None and nsp(currency) not in CURRENCY_CODES:
            yield "BR-KSA-CL-01", node
    codes = d.all("cbc:DocumentCurrencyCode")
    document = nsp(sv(codes[0])) if codes else ""
    found: dict[str, bool] = {}  # currency -> matches(document, currency); a document repeats one currency
    for node in _currency_checked_amounts(d):
        currency = node.get("currencyID")
        if not currency:
            yield "BR-KSA-CL-02", node
            continue
        matches = found.get(currency)
        if matches is None:
            matches = found[currency] = _regex_finds(document, currency)
        if not matches:
            yield "BR-KSA-CL-02", node


def _currency_checked_amounts(d: Doc) -> list[Element]:
    nodes = [n for name in _ANY_AMOUNTS for n in d.all(f"cbc:{name}")]
    nodes += d.children("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount")
    nodes += d.children("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")
    for total in d.under("cac:InvoiceLine/cac:TaxTotal"):
        nodes += kids(total, "cbc:TaxAmount") + kids(total, "cbc:RoundingAmount")
        nodes += kids(total, "cac:TaxSubtotal/cbc:TaxAmount") + kids(total, "cac:TaxSubtotal/cbc:TaxableAmount")
    return nodes


@check
def attachments_and_formats(d: Doc) -> Iterator[Hit]:
    for obj in d.under("cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"):
        mime = nsp(obj.get("mimeCode"))
        if " " in mime or f" {mime} " not in MIME_CODES:
            yield "BR-KSA-CL-03", obj
    dates = d.all("cbc:IssueDate") + d.all("cbc:DueDate") + d.all("cbc:TaxPointDate")
    dates += d.under("cac:Delivery/cbc:ActualDeliveryDate") + d.under("cac:Delivery/cbc:LatestDeliveryDate")
    for node in dates:
        value = sv(node)
        if not (len(value) == 10 and _DATE.search(value)):
            yield "BR-KSA-F-01", node
    for node in d.under("cac:InvoiceLine/cac:DocumentReference/cbc:IssueTime"):
        if xs_time(sv(node)) is None:
            yield "BR-KSA-F-05", node
    for node in d.under("cac:AllowanceCharge/cbc:ChargeIndicator"):
        if xbool(sv(node)) is None:
            yield "BR-KSA-F-02", node
    for node in _non_negative_nodes(d):
        value = sv(node)
        key = untyped(value) if value else None  # num_cmp([node], ">=", 0.0) without its per-call overhead
        if value and not (key is not None and key >= (0.0, 0)):
            yield "BR-KSA-F-04", node


def _non_negative_nodes(d: Doc) -> list[Element]:
    nodes = [n for path in _NON_NEGATIVE for n in d.children(path)]
    for subtotal in d.children("cac:TaxTotal/cac:TaxSubtotal"):
        if nsp(txt(subtotal, "cac:TaxCategory/cbc:ID")) != "O":
            nodes += kids(subtotal, "cbc:TaxableAmount")
    return nodes


@check
def document_allowances(d: Doc) -> Iterator[Hit]:
    """BR-KSA-DEC-01, -19 to -22 and the reason lengths of document and line allowances and charges."""
    for ac in d.all("cac:AllowanceCharge"):
        parent = ac.getparent()
        in_price = parent is not None and parent.tag.endswith("}Price")
        if in_price or not has_indicator(ac, False):
            continue
        factor = txt(ac, "cbc:MultiplierFactorNumeric") or ""
        value = dec(factor)
        if factor and not (value is not None and 0 <= value <= 100 and decimals(factor) <= 2):
            yield "BR-KSA-DEC-01", ac
    for level, (code_rule, reason_rule, length_rule) in (
        ("cac:AllowanceCharge", ("BR-KSA-19", "BR-KSA-21", "BR-KSA-F-06-C33")),
        ("cac:InvoiceLine/cac:AllowanceCharge", ("BR-KSA-20", "BR-KSA-22", "BR-KSA-F-06-C34")),
    ):
        for ac in d.children(level):
            if not has_indicator(ac, True):
                continue
            if nsp(txt(ac, "cbc:AllowanceChargeReasonCode")) == "":
                yield code_rule, ac
            if nsp(txt(ac, "cbc:AllowanceChargeReason")) == "":
                yield reason_rule, ac
            yield from _reason_length(ac, length_rule)
    for level, rule in (
        ("cac:AllowanceCharge", "BR-KSA-F-06-C35"),
        ("cac:InvoiceLine/cac:AllowanceCharge", "BR-KSA-F-06-C36"),
    ):
        for ac in d.children(level):
            if has_indicator(ac, False):
                yield from _reason_length(ac, rule)


def _reason_length(ac: Element, rule: str) -> Iterator[Hit]:
    reason = txt(ac, "cbc:AllowanceChargeReason")
    if reason is not None and not 1 <= len(reason) <= 1000:
        yield rule, ac


@check
def line_amounts(d: Doc) -> Iterator[Hit]:
    for line in d.lines:
        totals = kids(line, "cac:TaxTotal")
        if decimals(txt(line, "cac:TaxTotal/cbc:TaxAmount")) > 2:
            yield "BR-KSA-DEC-03", line
        if decimals(txt(line, "cac:TaxTotal/cbc:RoundingAmount")) > 2:
            yield "BR-KSA-DEC-04", line
        if not _line_net_ok(line):
            yield "BR-KSA-EN16931-11", line
        base_quantities = kids(line, "cac:Price/cbc:BaseQuantity")
        if base_quantities and slen(base_quantities[0].get("unitCode")) > 127:
            yield "BR-KSA-F-06-C21", line
        if totals:
            net = dbl_of(line, "cbc:LineExtensionAmount")
            for total in totals:
                tax = dbl_of(total, "cbc:TaxAmount")
                expected = None if tax is None or net is None else round_dbl((tax + net) * 100) / 100
                if fmt2(dbl_of(total, "cbc:RoundingAmount")) != fmt2(expected):
                    yield "BR-KSA-51", total
        for price_ac in kids(line, "cac:Price/cac:AllowanceCharge"):
            yield from _price_allowance(line, price_ac)
        for quantity in base_quantities:
            value = dbl(sv(quantity))
            if sv(quantity) and not (value is not None and value > 0):
                yield "BR-KSA-EN16931-12", quantity


def _price_allowance(line: Element, price_ac: Element) -> Iterator[Hit]:
    if any(xbool(sv(i)) is True for i in kids(price_ac, "cbc:ChargeIndicator")):
        yield "BR-KSA-EN16931-06", price_ac
    for base in kids(price_ac, "cbc:BaseAmount"):
        price, gross = dec_of(line, "cac:Price/cbc:PriceAmount"), dec(sv(base))
        discount = dec_of(price_ac, "cbc:Amount")
        if price is None or gross is None or discount is None or price != gross - discount:
            yield "BR-KSA-EN16931-07", base


_PLACES_18 = Decimal("1e-18")
_NUDGE = Decimal("0.00000000001")
_CENT = Decimal("0.01")


def _line_net_ok(line: Element) -> bool:
    """BR-KSA-EN16931-11: net = quantity x price / base quantity (cut to 3 decimals) + charges - allowances, ±0.01."""
    quantity = dec_of(line, "cbc:InvoicedQuantity")
    price = dec_of(line, "cac:Price/cbc:PriceAmount")
    net = dec_of(line, "cbc:LineExtensionAmount")
    if quantity is None or price is None or net is None:
        return False
    if kid(line, "cac:Price/cbc:BaseQuantity") is not None:
        base_quantity = dec_of(line, "cac:Price/cbc:BaseQuantity")
        if not base_quantity:
            return False
        with localcontext() as ctx:
            ctx.prec = 60
            price = (price / base_quantity).quantize(_PLACES_18)  # XPath decimal division keeps 18 places
    product = ((quantity * price * 1000).to_integral_value(rounding=ROUND_FLOOR) / 10 + _NUDGE) / 100
    charges, allowances = _line_charges_and_allowances(line)
    expected = round_cents(product + charges - allowances)
    return net in (expected, expected + _CENT, expected - _CENT)


def _line_charges_and_allowances(line: Element) -> tuple[Decimal, Decimal]:
    """Σ the line's charge amounts and Σ its allowance amounts (each added in document order, as dec_sum does)."""
    charges = allowances = Decimal(0)
    for ac in kids(line, "cac:AllowanceCharge"):
        is_charge, is_allowance = has_indicator(ac, True), has_indicator(ac, False)
        if is_charge or is_allowance:
            for n in kids(ac, "cbc:Amount"):
                value = dec(sv(n))
                if value is not None and is_charge:
                    charges += value
                if value is not None and is_allowance:
                    allowances += value
    return charges, allowances


@check
def allowance_percentages(d: Doc) -> Iterator[Hit]:
    """BR-KSA-EN16931-03/04/05: amount = base x percentage / 100, and neither of base and percentage alone."""
    for level in ("cac:AllowanceCharge", "cac:InvoiceLine/cac:AllowanceCharge"):
        acs = d.children(level)
        if not any(kid(ac, "cbc:Amount") is not None for ac in acs):
            continue
        for ac in acs:
            amount, base = txt(ac, "cbc:Amount"), txt(ac, "cbc:BaseAmount")
            if base is None or not amount or not base:
                continue
            factor, base_value = dbl_of(ac, "cbc:MultiplierFactorNumeric"), dbl(base)
            product = math.nan if factor is None or base_value is None else base_value * factor
            expected = math.floor((product / 100) * 100 + 0.5) / 100 if math.isfinite(product) else math.nan
            if fmt2(dbl(amount)) != fmt2(expected):
                yield "BR-KSA-EN16931-03", ac
    bases = d.children("cac:AllowanceCharge/cbc:BaseAmount") + d.under(
        "cac:InvoiceLine/cac:AllowanceCharge/cbc:BaseAmount"
    )
    for base in bases:
        if kid(base.getparent(), "cbc:MultiplierFactorNumeric") is None:
            yield "BR-KSA-EN16931-05", base
    for factor in d.under("cac:AllowanceCharge/cbc:MultiplierFactorNumeric"):
        if kid(factor.getparent(), "cbc:BaseAmount") is None:
            yield "BR-KSA-EN16931-04", factor


@check
def tax_currency(d: Doc) -> Iterator[Hit]:
    """BR-KSA-EN16931-02/08/09, BR-KSA-97: VAT is also stated once, in SAR, in a tax total without breakdown."""
    with_breakdown = [t for t in d.children("cac:TaxTotal") if kid(t, "cac:TaxSubtotal") is not None]
    without = [t for t in d.children("cac:TaxTotal") if kid(t, "cac:TaxSubtotal") is None]
    if len(with_breakdown) != 1:
        yield "BR-KSA-EN16931-08", d.root
    for code in d.all("cbc:TaxCurrencyCode"):
        if nsp(sv(code).upper()) != "SAR":
            yield "BR-KSA-EN16931-02", code
        parent = code.getparent()
        if len([t for t in kids(parent, "cac:TaxTotal") if kid(t, "cac:TaxSubtotal") is None]) != 1:
            yield "BR-KSA-EN16931-09", code
    currency = [sv(c) for c in d.children("cbc:DocumentCurrencyCode")]
    if currency and any(c != "" for c in currency) and any(c != "SAR" for c in currency) and with_breakdown and without:
        vat, vat_sar = dbl_of(with_breakdown[0], "cbc:TaxAmount"), dbl_of(without[0], "cbc:TaxAmount")
        if vat is not None and vat_sar is not None and vat > 0 and vat_sar > 0:
            same = round_dbl(vat * 100) / 100 == round_dbl(vat_sar * 100) / 100
            if same:
                yield "BR-KSA-97", d.root


@check
def exchange_rate(d: Doc) -> Iterator[Hit]:
    """BR-KSA-87 to -90 on cac:TaxExchangeRate (the official context is also any currency code element)."""
    if not (d.children("cac:TaxExchangeRate") or d.all("cbc:DocumentCurrencyCode") or d.all("cbc:TaxCurrencyCode")):
        return
    rate = d.child("cac:TaxExchangeRate")
    source = d.children("cac:TaxExchangeRate/cbc:SourceCurrencyCode")
    target = d.children("cac:TaxExchangeRate/cbc:TargetCurrencyCode")
    calculation = d.children("cac:TaxExchangeRate/cbc:CalculationRate")
    context = rate if rate is not None else d.root
    if rate is not None and not (any_ne_empty(source) and any_ne_empty(target) and any_ne_empty(calculation)):
        yield "BR-KSA-87", context
    for nodes, code_path, rule in (
        (source, "cbc:DocumentCurrencyCode", "BR-KSA-88"),
        (target, "cbc:TaxCurrencyCode", "BR-KSA-89"),
    ):
        codes = d.all(code_path)
        if any_ne_empty(nodes) and not _regex_finds(nsp(sv(codes[0])) if codes else "", sv(nodes[0])):
            yield rule, context
    if any_ne_empty(calculation) and not len(nsp(sv(calculation[0]))) < 15:
        yield "BR-KSA-90", context
