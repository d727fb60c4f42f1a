"""EN 16931 rules (ZATCA's CEN-EN16931-UBL.xsl) on the VAT breakdown, VAT categories, rates and code lists."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.invoicing.codelists import PAYMENT_MEANS_CODES
from core.invoicing.identifiers import COUNTRY_CODES, CURRENCY_CODES, code_set
from core.zatca.xml_rules import (
    INVOICE_TAG,
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
    dbl,
    dbl_of,
    dec,
    dec_of,
    dec_sum,
    f32,
    fmt2,
    has_indicator,
    num_cmp,
    round_cents,
    round_dbl,
)

# UNTDID 1001 subsets of BR-CL-01, and the other code lists exactly as the CEN schematron spells them.
INVOICE_TYPES = code_set(
    "80 82 84 130 202 203 204 211 295 325 326 380 381 383 384 385 386 387 388 389 390 393 394 395 456 457 527 575 623"
    " 633 751 780 935"
)
CREDIT_NOTE_TYPES = code_set("81 83 261 262 296 308 396 420 458 532")
CATEGORIES_5305 = code_set("AE L M E S Z G O K B")
PAYMENT_MEANS_4461 = PAYMENT_MEANS_CODES | {"69"}  # EN 16931 lists 69; ZATCA's BR-KSA-16 does not
AMOUNT_NAMES = code_set(
    "Amount BaseAmount PriceAmount TaxAmount TaxableAmount LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount"
    " AllowanceTotalAmount ChargeTotalAmount PrepaidAmount PayableRoundingAmount PayableAmount"
)
_AMOUNT_NAMES_SORTED = sorted(AMOUNT_NAMES)


def in_set(value: str | None, codes: frozenset[str]) -> bool:
    """`contains(' list ', concat(' ', normalize-space(.), ' '))` for a list without empty entries."""
    return nsp(value) in codes


def tolerance(d: Doc) -> float:
    """`count(//cac:InvoiceLine) * 0.01`, stored in an `as="xs:float"` variable by the official rules."""
    return f32(float(len(d.lines) * Decimal("0.01")))


def subtotal_vat_ok(subtotal: Element | None, tol: float) -> bool:
    """The BR-CO-17 test on one TaxSubtotal, with the rate of its first VAT-scheme category."""
    categories = [tc for tc in kids(subtotal, "cac:TaxCategory") if is_vat_scheme(tc)]
    rate = dbl(txt(categories[0], "cbc:Percent")) if categories else None
    tax, taxable = dbl_of(subtotal, "cbc:TaxAmount"), dbl_of(subtotal, "cbc:TaxableAmount")
    return vat_within_tolerance(tax, taxable, rate, tol)


def vat_within_tolerance(tax: float | None, taxable: float | None, rate: float | None, tol: float) -> bool:
    """BR-CO-17/BR-S-09: VAT equals taxable x rate / 100 rounded to cents, give or take 0.01 per invoice line."""
    if tax is None or taxable is None or rate is None:
        return False
    product = dbl(fmt2(taxable * (rate / 100)))
    if product is None:
        return False
    should_be = round_dbl(product * 100) / 100
    upper = round_dbl((should_be + tol) * 100) / 100
    lower = round_dbl((should_be - tol) * 100) / 100
    return lower <= tax <= upper or tax == should_be


@check
def tax_totals(d: Doc) -> Iterator[Hit]:
    for total in d.children("cac:TaxTotal"):
        subtotals = kids(total, "cac:TaxSubtotal")
        amount = dec_of(total, "cbc:TaxAmount")
        vat = dec_sum(kids(total, "cac:TaxSubtotal/cbc:TaxAmount"))
        if subtotals and (amount is None or amount != round_cents(vat)):
            yield "BR-CO-14", total


@check
def tax_subtotals(d: Doc) -> Iterator[Hit]:
    tol = tolerance(d)
    for subtotal in d.children("cac:TaxTotal/cac:TaxSubtotal"):
        if kid(subtotal, "cbc:TaxableAmount") is None:
            yield "BR-45", subtotal
        if kid(subtotal, "cbc:TaxAmount") is None:
            yield "BR-46", subtotal
        categories = [tc for tc in kids(subtotal, "cac:TaxCategory") if is_vat_scheme(tc)]
        if not any(kid(tc, "cbc:ID") is not None for tc in categories):
            yield "BR-47", subtotal
        rated = any(kid(tc, "cbc:Percent") is not None for tc in categories)
        if not (rated or any(cat_id(tc) == "O" for tc in categories)):
            yield "BR-48", subtotal
        if not subtotal_vat_ok(subtotal, tol):
            yield "BR-CO-17", subtotal
        if decimals(txt(subtotal, "cbc:TaxableAmount")) > 2:
            yield "BR-DEC-19", subtotal
        if decimals(txt(subtotal, "cbc:TaxAmount")) > 2:
            yield "BR-DEC-20", subtotal


def _breakdown_categories(d: Doc, code: str) -> list[Element]:
    """`/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[normalize-space(cbc:ID) = code][VAT scheme]`."""
    return [
        tc
        for tc in d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
        if cat_id(tc) == code and is_vat_scheme(tc)
    ]


def _category_bases(d: Doc) -> dict[str, Decimal | ArithmeticError]:
    """Per category: Σ line net amounts - Σ document allowances + Σ document charges, exactly (BR-x-08).

    One pass for every category; each category's sum adds the same values in the same order as a pass per category
    would. An absurd value that overflows is kept as the error, raised when (and only if) that category is asked for.
    """
    bases: dict[str, Decimal | ArithmeticError] = {}
    for ln in d.children("cac:InvoiceLine"):
        codes = {cat_id(tc) for tc in kids(ln, "cac:Item/cac:ClassifiedTaxCategory")}
        if codes:
            values = [v for v in (dec(sv(n)) for n in kids(ln, "cbc:LineExtensionAmount")) if v is not None]
            for code in codes:
                for value in values:
                    _add(bases, code, value)
    for ac in d.children("cac:AllowanceCharge"):
        codes = {cat_id(tc) for tc in kids(ac, "cac:TaxCategory")}
        if codes:
            signed: Decimal | ArithmeticError
            try:
                amount = dec_sum(kids(ac, "cbc:Amount"))
                signed = amount if has_indicator(ac, True) else -amount if has_indicator(ac, False) else Decimal(0)
            except ArithmeticError as exc:
                signed = exc
            for code in codes:
                _add(bases, code, signed)
    return bases


def _add(bases: dict[str, Decimal | ArithmeticError], code: str, value: Decimal | ArithmeticError) -> None:
    current = bases.get(code, Decimal(0))
    if isinstance(current, ArithmeticError):
        return
    try:
        bases[code] = value if isinstance(value, ArithmeticError) else current + value
    except ArithmeticError as exc:
        bases[code] = exc


def _base(bases: dict[str, Decimal | ArithmeticError], code: str) -> Decimal:
    value = bases.get(code, Decimal(0))
    if isinstance(value, ArithmeticError):
        raise value
    return value


def _categories_used(d: Doc) -> set[str]:
    """The VAT categories a document allowance/charge or a line uses."""
    categories = d.children("cac:AllowanceCharge/cac:TaxCategory") + d.children(
        "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory"
    )
    return {nsp(sv(i)) for tc in categories if is_vat_scheme(tc) for i in kids(tc, "cbc:ID")}


@check
def breakdown_by_category(d: Doc) -> Iterator[Hit]:
    """BR-E/O/Z-08 (taxable base) and -09 (zero VAT) per breakdown entry, BR-S-08/09/10 for standard rate."""
    used, bases = _categories_used(d), _category_bases(d)
    for code in ("E", "O", "Z"):
        for tc in _breakdown_categories(d, code):
            subtotal = tc.getparent()
            taxable = dec_of(subtotal, "cbc:TaxableAmount")
            if code not in used or taxable is None or taxable != _base(bases, code):
                yield f"BR-{code}-08", tc
            if dec_of(subtotal, "cbc:TaxAmount") != 0:
                yield f"BR-{code}-09", tc
    tol = tolerance(d)
    any_s_text = any(i.text == "S" for i in d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID"))
    for tc in _breakdown_categories(d, "S"):
        subtotal = tc.getparent()
        total = tc.getparent().getparent() if subtotal is not None else None
        s_taxable = dec_sum(
            n
            for st in kids(total, "cac:TaxSubtotal")
            if cat_id(kid(st, "cac:TaxCategory")) == "S"
            for n in kids(st, "cbc:TaxableAmount")
        )
        if "S" not in used or s_taxable != _base(bases, "S"):
            yield "BR-S-08", tc
        if nsp(txt(tc, "cbc:Percent")) == "" or not subtotal_vat_ok(subtotal, tol):
            yield "BR-S-09", tc
        exempted = kid(tc, "cbc:TaxExemptionReason") is not None or kid(tc, "cbc:TaxExemptionReasonCode") is not None
        if any_s_text and exempted:
            yield "BR-S-10", tc


def _positive_rate(tc: Element) -> bool:
    """`(cbc:Percent) > 0`, compared as a double."""
    return num_cmp(kids(tc, "cbc:Percent"), ">", 0.0)


@check
def category_rates(d: Doc) -> Iterator[Hit]:
    for ac in d.all("cac:AllowanceCharge"):
        charge, allowance = has_indicator(ac, True), has_indicator(ac, False)
        for tc in kids(ac, "cac:TaxCategory"):
            if not is_vat_scheme(tc):
                continue
            code = cat_id(tc)
            if code == "S" and allowance and not _positive_rate(tc):
                yield "BR-S-06", tc
            if code == "S" and charge and not _positive_rate(tc):
                yield "BR-S-07", tc
            if code in ("Z", "E") and allowance and dec_of(tc, "cbc:Percent") != 0:
                yield f"BR-{code}-06", tc
    for line in d.lines + d.all("cac:CreditNoteLine"):
        for tc in kids(line, "cac:Item/cac:ClassifiedTaxCategory"):
            if not is_vat_scheme(tc):
                continue
            code = cat_id(tc)
            if code in ("Z", "E") and dec_of(tc, "cbc:Percent") != 0:
                yield f"BR-{code}-05", tc
            if code == "S" and line.tag.endswith("}InvoiceLine") and not _positive_rate(tc):
                yield "BR-S-05", tc


@check
def total_vat_decimals(d: Doc) -> Iterator[Hit]:
    """BR-DEC-13/15: the invoice total VAT in the invoice and in the tax currency has at most two decimals."""
    if d.root.tag != INVOICE_TAG:
        return
    document = {sv(c) for c in d.all("cbc:DocumentCurrencyCode")}
    accounting = {sv(c) for c in d.all("cbc:TaxCurrencyCode")}
    for amount in d.children("cac:TaxTotal/cbc:TaxAmount"):
        too_precise = decimals(sv(amount)) > 2
        if too_precise and amount.get("currencyID") in document:
            yield "BR-DEC-13", amount
        if too_precise and amount.get("currencyID") in accounting:
            yield "BR-DEC-15", amount


@check
def code_lists(d: Doc) -> Iterator[Hit]:
    for code in d.all("cbc:InvoiceTypeCode"):
        if not in_set(sv(code), INVOICE_TYPES):
            yield "BR-CL-01", code
    for code in d.all("cbc:CreditNoteTypeCode"):
        if not in_set(sv(code), CREDIT_NOTE_TYPES):
            yield "BR-CL-01", code
    for name in _AMOUNT_NAMES_SORTED:
        for node in d.all(f"cbc:{name}"):
            currency = node.get("currencyID")
            if currency and not in_set(currency, CURRENCY_CODES):
                yield "BR-CL-03", node
    for node in d.all("cbc:DocumentCurrencyCode"):
        if not in_set(sv(node), CURRENCY_CODES):
            yield "BR-CL-04", node
    for node in d.all("cbc:TaxCurrencyCode"):
        if not in_set(sv(node), CURRENCY_CODES):
            yield "BR-CL-05", node
    for node in d.under("cac:Country/cbc:IdentificationCode"):
        if not in_set(sv(node), COUNTRY_CODES):
            yield "BR-CL-14", node
    for node in d.under("cac:PaymentMeans/cbc:PaymentMeansCode"):
        if not in_set(sv(node), PAYMENT_MEANS_4461):
            yield "BR-CL-16", node
    for node in category_ids(d):
        if not in_set(sv(node), CATEGORIES_5305):
            yield "BR-CL-18", node


def category_ids(d: Doc) -> list[Element]:
    """The four VAT category code locations BR-CL-18 and BR-KSA-18 list, under /ubl:Invoice."""
    if d.root.tag != INVOICE_TAG:
        return []
    return (
        d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID")
        + d.children("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID")
        + d.children("cac:AllowanceCharge/cac:TaxCategory/cbc:ID")
        + d.children("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID")
    )
