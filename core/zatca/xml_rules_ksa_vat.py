"""ZATCA rules on VAT categories: allowed codes and rates, exemption reason codes (VATEX) and texts."""

from __future__ import annotations

import math
from collections.abc import Iterator

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
from core.zatca.xml_rules_en_vat import category_ids
from core.zatca.xml_rules_numbers import (
    dbl,
    dec,
    has_indicator,
    num_cmp,
)

# BR-KSA-CL-04 lists two Z codes (ROYALDECREE, 32(bis)) that the prepayment rule BR-KSA-CL-07 does not.
_Z_CODES = (
    " VATEX-SA-32 VATEX-SA-33 VATEX-SA-34-1 VATEX-SA-34-2 VATEX-SA-34-3 VATEX-SA-34-4 VATEX-SA-34-5 VATEX-SA-35"
    " VATEX-SA-36 VATEX-SA-EDU VATEX-SA-HEA VATEX-SA-MLTRY VATEX-SA-DIPLOMAT VATEX-SA-DUTYFREE "
)
VATEX_CL04 = {
    "Z": _Z_CODES + "VATEX-SA-ROYALDECREE VATEX-SA-32(bis) ",
    "E": " VATEX-SA-29 VATEX-SA-29-7 VATEX-SA-30 ",
    "O": " VATEX-SA-OOS ",
}
VATEX_CL07 = {**VATEX_CL04, "Z": _Z_CODES}
_MISSING_CODE_RULE = {"O": "BR-KSA-24", "E": "BR-KSA-23", "Z": "BR-KSA-69"}
_PREPAYMENT_CODE_RULE = {"Z": "BR-KSA-93", "E": "BR-KSA-94", "O": "BR-KSA-95"}


def vatex_ok(tc: Element, lists: dict[str, str]) -> bool:
    """BR-KSA-CL-04/07: the reason code suits the category, or is empty or absent (other rules catch that)."""
    code = nsp(txt(tc, "cbc:TaxExemptionReasonCode"))
    allowed = lists.get(cat_id(tc), "")
    return code == "" or (" " not in code and f" {code} " in allowed)


def _has_code(tc: Element) -> bool:
    return nsp(txt(tc, "cbc:TaxExemptionReasonCode")) != ""


def _reason_given(tc: Element) -> bool:
    """`exists(cbc:TaxExemptionReason) and normalize-space(cbc:TaxExemptionReason)` as a boolean."""
    return nsp(txt(tc, "cbc:TaxExemptionReason")) != ""


@check
def category_codes(d: Doc) -> Iterator[Hit]:
    for node in category_ids(d):
        if sv(node) not in " S Z E O ":  # contains(' S Z E O ', .) is a substring test
            yield "BR-KSA-18", node


@check
def exemption_reasons(d: Doc) -> Iterator[Hit]:
    """BR-KSA-23/24/69/83, BR-KSA-CL-04 and the reason text length on the document's VAT breakdown."""
    for tc in d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"):
        code = cat_id(tc)
        if code not in _MISSING_CODE_RULE:
            continue
        if kid(tc, "cbc:TaxExemptionReasonCode") is not None and not _reason_given(tc):
            yield "BR-KSA-83", tc
        if not vatex_ok(tc, VATEX_CL04):
            yield "BR-KSA-CL-04", tc
        if not _has_code(tc):
            yield _MISSING_CODE_RULE[code], tc
        edu_hea = _edu_or_health(tc)
        reason = txt(tc, "cbc:TaxExemptionReason")
        # The EDU/HEA rule (BR-KSA-49) has the higher priority in the same pattern, so it shadows this one.
        if not edu_hea and reason is not None and not 1 <= len(reason) <= 1000:
            yield "BR-KSA-F-06-C16", tc
    buyer_ids = d.under("cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID")
    nat_buyer = any(i.get("schemeID") == "NAT" for i in buyer_ids)
    for tc in d.under("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"):
        if _edu_or_health(tc) and not nat_buyer:
            yield "BR-KSA-49", tc


def _edu_or_health(tc: Element) -> bool:
    """`cac:TaxCategory[cbc:TaxExemptionReasonCode = 'VATEX-SA-EDU' or ... 'VATEX-SA-HEA']` (raw comparison)."""
    return any(sv(c) in ("VATEX-SA-EDU", "VATEX-SA-HEA") for c in kids(tc, "cbc:TaxExemptionReasonCode"))


def _standard_categories(d: Doc) -> list[Element]:
    """Every node the official standard-rate rule context matches (any one triggers the whole-document loops)."""
    found = [
        tc
        for ac in d.all("cac:AllowanceCharge")
        if has_indicator(ac, True) or has_indicator(ac, False)
        for tc in kids(ac, "cac:TaxCategory")
    ]
    found += d.under("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
    found += d.under("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory")
    return [tc for tc in found if cat_id(tc) == "S" and is_vat_scheme(tc)]


def _rate_5_or_15(tc: Element) -> bool:
    """BR-KSA-84 as written: floor(number(Percent)) = 15, or Percent = 5 (its `floor(number(. = 5))` is a boolean)."""
    rate = dbl(txt(tc, "cbc:Percent"))
    if rate is None:
        return False
    percent = kids(tc, "cbc:Percent")
    return (not math.isnan(rate) and not math.isinf(rate) and math.floor(rate) == 15) or num_cmp(percent, "=", 5.0)


@check
def standard_rate_and_prepayment_categories(d: Doc) -> Iterator[Hit]:
    if not _standard_categories(d):
        return
    standard = [
        tc
        for tc in d.children("cac:AllowanceCharge/cac:TaxCategory")
        + d.children("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
        + d.children("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory")
        + d.children("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
        if cat_id(tc) == "S" and is_vat_scheme(tc)
    ]
    for tc in standard:
        if kid(tc, "cbc:Percent") is not None and not _rate_5_or_15(tc):
            yield "BR-KSA-84", tc
    for tc in d.children("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"):
        code = cat_id(tc)
        if code not in _PREPAYMENT_CODE_RULE or not is_vat_scheme(tc):
            continue
        if not _has_code(tc):
            yield _PREPAYMENT_CODE_RULE[code], tc
        if kid(tc, "cbc:TaxExemptionReasonCode") is not None and not _reason_given(tc):
            yield "BR-KSA-96", tc
        if not vatex_ok(tc, VATEX_CL07):
            yield "BR-KSA-CL-07", tc
        reason = txt(tc, "cbc:TaxExemptionReason")
        if reason is not None and not 1 <= len(reason) <= 1000:
            yield "BR-KSA-F-06-C39", tc


def _nonzero(tc: Element) -> bool:
    """`(cbc:Percent > 0 or cbc:Percent < 0)` compared as doubles."""
    percent = kids(tc, "cbc:Percent")
    return num_cmp(percent, ">", 0.0) or num_cmp(percent, "<", 0.0)


@check
def out_of_scope_rates(d: Doc) -> Iterator[Hit]:
    """BR-KSA-11/12/13: 'not subject to VAT' lines, allowances and charges carry no rate other than 0."""
    for tc in d.children("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory"):
        if cat_id(tc) == "O" and _nonzero(tc):
            yield "BR-KSA-11", tc
    for ac in d.children("cac:AllowanceCharge"):
        for tc in kids(ac, "cac:TaxCategory"):
            if cat_id(tc) == "O" and _nonzero(tc):
                if has_indicator(ac, False):
                    yield "BR-KSA-12", tc
                if has_indicator(ac, True):
                    yield "BR-KSA-13", tc


@check
def rate_format(d: Doc) -> Iterator[Hit]:
    """BR-KSA-DEC-02: VAT rates are numbers from 0.00 to 100.00 with at most two decimals."""
    nodes = (
        d.under("cac:AllowanceCharge/cac:TaxCategory/cbc:Percent")
        + d.under("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
        + d.under("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
    )
    for node in nodes:
        value = sv(node)
        if nsp(value) == "":
            continue
        rate = dec(value)
        if rate is None or not 0 <= rate <= 100 or decimals(value) > 2 or value in "%":
            yield "BR-KSA-DEC-02", node
