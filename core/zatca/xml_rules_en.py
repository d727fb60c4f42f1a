"""EN 16931 rules (ZATCA's CEN-EN16931-UBL.xsl) on the document, its lines, allowances, charges and totals.

Each function mirrors one rule context of the official schematron and yields (rule id, context node) for every
failed assertion; the comments quote the part of the XPath test that is not obvious.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from core.zatca.xml_rules import (
    Doc,
    Element,
    Hit,
    any_ne_empty,
    cat_id,
    check,
    decimals,
    is_vat_scheme,
    kid,
    kids,
    nsp,
    slen,
    sv,
    txt,
)
from core.zatca.xml_rules_numbers import (
    dbl_sum,
    dec,
    dec_of,
    dec_sum,
    has_indicator,
    num_cmp,
    round_cents,
)

SELLER = "cac:AccountingSupplierParty/cac:Party"
BUYER = "cac:AccountingCustomerParty/cac:Party"
_ALL_DIGITS = re.compile(r"\d+")


def doc_allowances(d: Doc, charge: bool) -> list[Element]:
    """`/ubl:Invoice/cac:AllowanceCharge[cbc:ChargeIndicator = true()/false()]`."""
    return [ac for ac in d.children("cac:AllowanceCharge") if has_indicator(ac, charge)]


@check
def document_allowances_and_charges(d: Doc) -> Iterator[Hit]:
    for ac in doc_allowances(d, False):
        if kid(ac, "cbc:Amount") is None:
            yield "BR-31", ac
        ids = [i for tc in kids(ac, "cac:TaxCategory") if is_vat_scheme(tc) for i in kids(tc, "cbc:ID")]
        if not any_ne_empty(ids):
            yield "BR-32", ac
        if decimals(txt(ac, "cbc:Amount")) > 2:
            yield "BR-DEC-01", ac
        if decimals(txt(ac, "cbc:BaseAmount")) > 2:
            yield "BR-DEC-02", ac
    for ac in doc_allowances(d, True):
        if kid(ac, "cbc:Amount") is None:
            yield "BR-36", ac
        if kid(ac, "cac:TaxCategory/cbc:ID") is None:
            yield "BR-37", ac
        if decimals(txt(ac, "cbc:BaseAmount")) > 2:
            yield "BR-DEC-06", ac
        if decimals(txt(ac, "cbc:Amount")) > 2:
            yield "BR-DEC-05", ac


@check
def line_charges(d: Doc) -> Iterator[Hit]:
    # Line allowances (BR-41, BR-DEC-24/25) never fire on an Invoice: an empty, higher-priority rule for
    # /ubl:Invoice/cac:InvoiceLine/cac:AllowanceCharge[false] shadows them in the official schematron.
    for line in d.lines:
        for ac in kids(line, "cac:AllowanceCharge"):
            if not has_indicator(ac, True):
                continue
            if kid(ac, "cbc:Amount") is None:
                yield "BR-43", ac
            if decimals(txt(ac, "cbc:Amount")) > 2:
                yield "BR-DEC-27", ac
            if decimals(txt(ac, "cbc:BaseAmount")) > 2:
                yield "BR-DEC-28", ac


@check
def monetary_total_presence(d: Doc) -> Iterator[Hit]:
    for lmt in d.all("cac:LegalMonetaryTotal"):
        for name, rule in (
            ("TaxExclusiveAmount", "BR-13"),
            ("TaxInclusiveAmount", "BR-14"),
            ("PayableAmount", "BR-15"),
        ):
            if kid(lmt, f"cbc:{name}") is None:
                yield rule, lmt
        for name, rule in (
            ("LineExtensionAmount", "BR-DEC-09"),
            ("AllowanceTotalAmount", "BR-DEC-10"),
            ("ChargeTotalAmount", "BR-DEC-11"),
            ("TaxExclusiveAmount", "BR-DEC-12"),
            ("TaxInclusiveAmount", "BR-DEC-14"),
            ("PrepaidAmount", "BR-DEC-16"),
            ("PayableRoundingAmount", "BR-DEC-17"),
            ("PayableAmount", "BR-DEC-18"),
        ):
            if decimals(txt(lmt, f"cbc:{name}")) > 2:
                yield rule, lmt


def _sum_amounts(acs: list[Element]) -> Decimal:
    return dec_sum(n for ac in acs for n in kids(ac, "cbc:Amount"))


@check
def monetary_total_sums(d: Doc) -> Iterator[Hit]:
    line_sum = dec_sum(
        n for line in d.lines + d.all("cac:CreditNoteLine") for n in kids(line, "cbc:LineExtensionAmount")
    )
    for lmt in d.all("cac:LegalMonetaryTotal"):
        parent = lmt.getparent()
        siblings = [] if parent is None else kids(parent, "cac:AllowanceCharge")
        allowances = [ac for ac in siblings if has_indicator(ac, False)]
        charges = [ac for ac in siblings if has_indicator(ac, True)]
        lea = dec_of(lmt, "cbc:LineExtensionAmount")
        if lea is None or lea != round_cents(line_sum):
            yield "BR-CO-10", lmt
        if not _total_matches(lmt, "cbc:AllowanceTotalAmount", allowances):
            yield "BR-CO-11", lmt
        charge_total = kid(lmt, "cbc:ChargeTotalAmount")
        if charge_total is not None and nsp(sv(charge_total)) == "":
            yield "BR-CO-12", lmt
            yield "BR-CO-13", lmt
            continue
        if not _total_matches(lmt, "cbc:ChargeTotalAmount", charges):
            yield "BR-CO-12", lmt
        if not _tax_exclusive_matches(d, lmt):
            yield "BR-CO-13", lmt


def _total_matches(lmt: Element, path: str, acs: list[Element]) -> bool:
    """BR-CO-11/12: the total equals the rounded sum of the amounts, or neither the total nor any amount exists."""
    total = dec_of(lmt, path)
    if total is not None and total == round_cents(_sum_amounts(acs)):
        return True
    return kid(lmt, path) is None and not acs


def _tax_exclusive_matches(d: Doc, lmt: Element) -> bool:
    """BR-CO-13. The official test sums the raw line amounts (as doubles) and casts that sum to a decimal."""
    tex = dec_of(lmt, "cbc:TaxExclusiveAmount")
    charge_el, allowance_el = kid(lmt, "cbc:ChargeTotalAmount"), kid(lmt, "cbc:AllowanceTotalAmount")
    if charge_el is None and allowance_el is None:
        lea = dec_of(lmt, "cbc:LineExtensionAmount")
        return tex is not None and lea is not None and tex == lea
    raw_sum = dbl_sum(n for line in d.children("cac:InvoiceLine") for n in kids(line, "cbc:LineExtensionAmount"))
    charge = dec(sv(charge_el)) if charge_el is not None else Decimal(0)
    allowance = dec(sv(allowance_el)) if allowance_el is not None else Decimal(0)
    if tex is None or charge is None or allowance is None or raw_sum != raw_sum:  # raw_sum != raw_sum: NaN
        return False
    return tex == round_cents(Decimal(raw_sum) + charge - allowance)


@check
def amount_due(d: Doc) -> Iterator[Hit]:
    """BR-CO-16: amount due = total with VAT - prepaid (+ rounding), in the four shapes the official test allows."""
    for lmt in d.all("cac:LegalMonetaryTotal"):
        payable, inclusive = dec_of(lmt, "cbc:PayableAmount"), dec_of(lmt, "cbc:TaxInclusiveAmount")
        prepaid, rounding = dec_of(lmt, "cbc:PrepaidAmount"), dec_of(lmt, "cbc:PayableRoundingAmount")
        has_prepaid = kid(lmt, "cbc:PrepaidAmount") is not None
        has_rounding = kid(lmt, "cbc:PayableRoundingAmount") is not None
        if payable is None or inclusive is None:
            yield "BR-CO-16", lmt
            continue
        ok = (
            (not has_rounding and prepaid is not None and payable == round_cents(inclusive - prepaid))
            or (not has_prepaid and not has_rounding and payable == inclusive)
            or (
                has_prepaid
                and rounding is not None
                and prepaid is not None
                and round_cents(payable - rounding) == round_cents(inclusive - prepaid)
            )
            or (not has_prepaid and rounding is not None and round_cents(payable - rounding) == inclusive)
        )
        if not ok:
            yield "BR-CO-16", lmt


@check
def document_level(d: Doc) -> Iterator[Hit]:
    root = d.root
    ids = d.children("cbc:ID")
    if not any_ne_empty(ids):
        yield "BR-02", root
    if ids and slen(sv(ids[0])) > 127:
        yield "BR-KSA-F-06-C1", root
    if any(len(t) > 1000 for note in d.children("cbc:Note") for t in [note.text or "", *(c.tail or "" for c in note)]):
        yield "BR-KSA-F-06-C2", root
    if not any_ne_empty(d.children("cbc:IssueDate")):
        yield "BR-03", root
    if not (any_ne_empty(d.children("cbc:InvoiceTypeCode")) or any_ne_empty(d.children("cbc:CreditNoteTypeCode"))):
        yield "BR-04", root
    if not any_ne_empty(d.children("cbc:DocumentCurrencyCode")):
        yield "BR-05", root
    if not d.children("cac:InvoiceLine") and not d.children("cac:CreditNoteLine"):
        yield "BR-16", root
    if not d.children("cac:TaxTotal/cac:TaxSubtotal"):
        yield "BR-CO-18", root
    if _accounting_total_missing(d):
        yield "BR-53", root


def _accounting_total_missing(d: Doc) -> bool:
    """BR-53: with a tax currency, every tax total without subtotals has an amount in that currency."""
    codes = d.children("cbc:TaxCurrencyCode")
    if not codes:
        return False
    code = sv(codes[0])
    totals = [t for t in d.children("cac:TaxTotal") if kid(t, "cac:TaxSubtotal") is None]
    amounts = [a for t in totals for a in kids(t, "cbc:TaxAmount")]
    return any(a.get("currencyID") != code for a in amounts if a.get("currencyID") is not None) or any(
        kid(t, "cbc:TaxAmount") is None for t in totals
    )


@check
def parties(d: Doc) -> Iterator[Hit]:
    root = d.root
    names = d.children(f"{SELLER}/cac:PartyLegalEntity/cbc:RegistrationName")
    if not any_ne_empty(names):
        yield "BR-06", root
    if names and not 1 <= slen(sv(names[0])) <= 1000:
        yield "BR-KSA-F-06-C10", root
    if slen(txt(root, f"{SELLER}/cac:PostalAddress/cbc:CountrySubentity")) > 127:
        yield "BR-KSA-F-06-C8", root
    if not d.children(f"{SELLER}/cac:PostalAddress"):
        yield "BR-08", root
    if slen(txt(root, f"{BUYER}/cac:PostalAddress/cbc:CountrySubentity")) > 127:
        yield "BR-KSA-F-06-C27", root
    for address in d.under(f"{SELLER}/cac:PostalAddress"):
        if not any_ne_empty(kids(address, "cac:Country/cbc:IdentificationCode")):
            yield "BR-09", address


@check
def invoice_total_with_vat(d: Doc) -> Iterator[Hit]:
    """BR-CO-15: a tax total in the invoice currency exists and total with VAT = total without VAT + VAT."""
    inclusive = dec_of(d.root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
    exclusive = dec_of(d.root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
    vat = dec_sum(d.children("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount"))
    amounts = d.children("cac:TaxTotal/cbc:TaxAmount")
    for currency in d.children("cbc:DocumentCurrencyCode"):
        in_currency = any(a.get("currencyID") == sv(currency) for a in amounts)
        sums = inclusive is not None and exclusive is not None and inclusive == round_cents(exclusive + vat)
        if not (in_currency and sums):
            yield "BR-CO-15", d.root
            return


@check
def category_in_breakdown(d: Doc) -> Iterator[Hit]:
    """BR-S/Z/E/O-01: a category used on a line, allowance or charge appears in the VAT breakdown."""
    breakdown = _vat_ids(d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"))
    used = _vat_ids(d.under("cac:AllowanceCharge/cac:TaxCategory") + d.all("cac:ClassifiedTaxCategory"))
    for code in ("E", "O", "S", "Z"):
        if code in used and code not in breakdown:
            yield f"BR-{code}-01", d.root


def _vat_ids(categories: list[Element]) -> set[str]:
    """The normalized `cbc:ID`s of the VAT-scheme categories among `categories`."""
    return {nsp(sv(i)) for tc in categories if is_vat_scheme(tc) for i in kids(tc, "cbc:ID")}


@check
def zero_and_exempt_charges(d: Doc) -> Iterator[Hit]:
    """BR-Z-07/BR-E-07: any document charge in Z/E needs some document-level allowance/charge rate equal to 0."""
    any_zero_rate = num_cmp(d.children("cac:AllowanceCharge/cac:TaxCategory/cbc:Percent"), "=", 0.0)
    charges = doc_allowances(d, True)
    for code in ("Z", "E"):
        used = any(cat_id(tc) == code and is_vat_scheme(tc) for ac in charges for tc in kids(ac, "cac:TaxCategory"))
        if used and not any_zero_rate:
            yield f"BR-{code}-07", d.root


@check
def line_identifiers(d: Doc) -> Iterator[Hit]:
    for line in d.lines:
        line_id = kid(line, "cbc:ID")
        if line_id is not None and not 1 <= slen(sv(line_id)) <= 6:
            yield "BR-KSA-F-06-C17", line
        for path, rule in (
            ("cac:Item/cac:BuyersItemIdentification/cbc:ID", "BR-KSA-F-06-C30"),
            ("cac:Item/cac:SellersItemIdentification/cbc:ID", "BR-KSA-F-06-C31"),
            ("cac:Item/cac:StandardItemIdentification/cbc:ID", "BR-KSA-F-06-C20"),
        ):
            if slen(txt(line, path)) > 127:
                yield rule, line


@check
def invoice_lines(d: Doc) -> Iterator[Hit]:
    for line in d.lines + d.all("cac:CreditNoteLine"):
        quantities, names = kids(line, "cbc:InvoicedQuantity"), kids(line, "cac:Item/cbc:Name")
        if quantities and slen(quantities[0].get("unitCode")) > 127:
            yield "BR-KSA-F-06-C18", line
        name = sv(names[0]) if names else None
        if name is not None and not 3 <= len(name) <= 1000:
            yield "BR-KSA-F-06-C19", line
        if name is not None and _ALL_DIGITS.fullmatch(name):
            yield "BR-KSA-F-C-01", line
        if not any_ne_empty(kids(line, "cbc:ID")):
            yield "BR-21", line
        if not quantities or any(qn.text == "0" for qn in quantities):
            yield "BR-22", line
        amounts = kids(line, "cbc:LineExtensionAmount")
        if not amounts:
            yield "BR-24", line
        if not any_ne_empty(names):
            yield "BR-25", line
        if kid(line, "cac:Price/cbc:PriceAmount") is None:
            yield "BR-26", line
        if not _vat_category_with_id(line):
            yield "BR-CO-04", line
        if amounts and decimals(sv(amounts[0])) > 2:
            yield "BR-DEC-23", line


def _vat_category_with_id(line: Element) -> bool:
    for tc in kids(line, "cac:Item/cac:ClassifiedTaxCategory"):
        if is_vat_scheme(tc) and kid(tc, "cbc:ID") is not None:
            return True
    return False


@check
def references_and_properties(d: Doc) -> Iterator[Hit]:
    for ref in d.all("cac:AdditionalDocumentReference"):
        if not any_ne_empty(kids(ref, "cbc:ID")):
            yield "BR-52", ref
    for prop in d.all("cac:AdditionalItemProperty"):
        if kid(prop, "cbc:Name") is None or kid(prop, "cbc:Value") is None:
            yield "BR-54", prop
    for means in d.all("cac:PaymentMeans"):
        if d.standard and kid(means, "cbc:PaymentMeansCode") is None:
            yield "BR-49", means
    for ref in d.all("cac:BillingReference"):
        if not any_ne_empty(kids(ref, "cac:InvoiceDocumentReference/cbc:ID")):
            yield "BR-55", ref
