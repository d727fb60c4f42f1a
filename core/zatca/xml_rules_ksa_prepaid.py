"""ZATCA rules on prepayment (advance payment) lines: BR-KSA-73 to -82 and BR-KSA-DEC-06.

A prepayment adjustment is an invoice line whose cac:DocumentReference (type 386) points at the advance payment
invoice and whose line-level TaxSubtotal carries that payment's taxable amount and VAT.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.zatca.xml_rules import (
    Doc,
    Element,
    Hit,
    cat_id,
    check,
    decimals,
    is_vat_scheme,
    kid,
    kids,
    nsp,
    sv,
    txt,
)
from core.zatca.xml_rules_numbers import (
    dbl_of,
    dbl_sum,
    dec,
    dec_of,
    fmt2,
    num_cmp,
    round_cents,
    round_dbl,
)


@check
def prepaid_total(d: Doc) -> Iterator[Hit]:
    """BR-KSA-80: the prepaid amount equals the prepayment lines' taxable amounts plus their VAT."""
    prepaid_nodes = d.children("cac:LegalMonetaryTotal/cbc:PrepaidAmount")
    prepaid = dec(sv(prepaid_nodes[0])) if prepaid_nodes else Decimal(0)
    if prepaid is None:
        return  # not a decimal: the official rule stops with an error, the XSD reports the value
    taxable = d.children("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount")
    vat = d.children("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")
    taxable_sum, vat_sum = dbl_sum(taxable), dbl_sum(vat)
    codes = d.children("cac:InvoiceLine/cac:DocumentReference/cbc:DocumentTypeCode")
    unpaid = (prepaid == 0 or not prepaid_nodes) and bool(taxable or vat)
    foreign = prepaid != 0 and taxable_sum > 0 and vat_sum > 0 and any(sv(c) != "386" for c in codes)
    if unpaid or foreign or fmt2(prepaid) != fmt2(taxable_sum + vat_sum):
        yield "BR-KSA-80", d.root


@check
def prepayment_lines(d: Doc) -> Iterator[Hit]:
    positive = num_cmp(d.children("cac:LegalMonetaryTotal/cbc:PrepaidAmount"), ">", 0.0)
    any_reference = bool(d.children("cac:InvoiceLine/cac:DocumentReference"))
    for line in d.children("cac:InvoiceLine"):
        subtotals = kids(line, "cac:TaxTotal/cac:TaxSubtotal")
        for subtotal in subtotals:
            if not _prepayment_vat_ok(subtotal):
                yield "BR-KSA-79", subtotal
        if not positive:
            continue
        yield from _references(line, any_reference)
        for subtotal in subtotals:
            yield from _prepayment_subtotal(subtotal)


def _references(line: Element, any_reference: bool) -> Iterator[Hit]:
    references = kids(line, "cac:DocumentReference")
    if not any_reference:
        yield "BR-KSA-73", line
    for ref in references:
        codes = kids(ref, "cbc:DocumentTypeCode")
        if any(sv(c) != "386" for c in codes):
            if nsp(sv(codes[0])) != "386":
                yield "BR-KSA-74", ref
        elif not _zero_line(line):
            yield "BR-KSA-82", ref
        if not all(
            kid(ref, f"cbc:{name}") is not None for name in ("ID", "IssueDate", "IssueTime", "DocumentTypeCode")
        ):
            yield "BR-KSA-73", ref
        paths = ("cbc:TaxAmount", "cac:TaxCategory/cbc:Percent", "cbc:TaxableAmount", "cac:TaxCategory/cbc:ID")
        if not all(kid(line, f"cac:TaxTotal/cac:TaxSubtotal/{p}") is not None for p in paths):
            yield "BR-KSA-75", ref


def _zero_line(line: Element) -> bool:
    """BR-KSA-82: a prepayment line's own amounts are all zero (compared as doubles, as XPath does)."""
    amounts = ("cbc:LineExtensionAmount", "cac:TaxTotal/cbc:TaxAmount", "cac:TaxTotal/cbc:RoundingAmount")
    if not all(num_cmp(kids(line, p), "=", 0.0) for p in (*amounts, "cac:Price/cbc:PriceAmount")):
        return False
    allowances = kids(line, "cac:AllowanceCharge")
    return not allowances or num_cmp(kids(line, "cac:AllowanceCharge/cbc:Amount"), "=", 0.0)


def _prepayment_subtotal(subtotal: Element) -> Iterator[Hit]:
    if decimals(txt(subtotal, "cbc:TaxableAmount")) > 2 or decimals(txt(subtotal, "cbc:TaxAmount")) > 2:
        yield "BR-KSA-DEC-06", subtotal
    categories = kids(subtotal, "cac:TaxCategory")
    rate = dec_of(subtotal, "cac:TaxCategory/cbc:Percent")
    for code, rule in (("Z", "BR-KSA-76"), ("E", "BR-KSA-77"), ("O", "BR-KSA-78")):
        if any(cat_id(tc) == code and is_vat_scheme(tc) for tc in categories) and rate != 0:
            yield rule, subtotal


def _prepayment_vat_ok(subtotal: Element) -> bool:
    """BR-KSA-79: a prepayment subtotal's VAT is its taxable amount times its rate, to within 0.01."""
    categories = kids(subtotal, "cac:TaxCategory")
    ids = {cat_id(tc) for tc in categories}
    rate_text = nsp(txt(subtotal, "cac:TaxCategory/cbc:Percent"))
    has_rate = kid(subtotal, "cac:TaxCategory/cbc:Percent") is not None
    tax = fmt2(dbl_of(subtotal, "cbc:TaxAmount"))
    if "S" not in ids and (("O" in ids and not has_rate) or "E" in ids or "Z" in ids or rate_text == ""):
        taxable, rate = dec_of(subtotal, "cbc:TaxableAmount"), dec_of(subtotal, "cac:TaxCategory/cbc:Percent")
        zero = fmt2(Decimal(0) if taxable is not None else None)
        expected = fmt2(round_cents(taxable * rate / 100) if taxable is not None and rate is not None else None)
        return tax == zero and tax == expected
    if rate_text == "":
        return False
    taxable_d = dbl_of(subtotal, "cbc:TaxableAmount")
    vat_rates = [dec_of(tc, "cbc:Percent") for tc in categories if is_vat_scheme(tc)]
    vat_rate = vat_rates[0] if vat_rates else None
    if taxable_d is None or vat_rate is None:
        return tax == "NaN"
    base = round_dbl(((taxable_d * float(vat_rate)) / 100) * 100 + 0.01) / 100
    return tax in (fmt2(base - 0.01), fmt2(base + 0.01), fmt2(base))
