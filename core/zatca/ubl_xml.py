"""The UBL 2.1 namespaces and the small element writers every part of the invoice document uses."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from core.invoicing.model import VatCategory
from core.invoicing.rule_finding import decimal_places
from core.invoicing.totals import money

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
# The SDK samples declare all four on the root; ext stays declared even before the stamp adds its
# extension, and the invoice hash (C14N of the pruned document) depends on those declarations.
NSMAP = {None: INVOICE_NS, "cac": CAC_NS, "cbc": CBC_NS, "ext": EXT_NS}

SAR = "SAR"


def cac(parent: etree._Element, name: str) -> etree._Element:
    """An aggregate (cac:) child."""
    return etree.SubElement(parent, f"{{{CAC_NS}}}{name}")


def cbc(parent: etree._Element, name: str, text: str, /, **attributes: str) -> etree._Element:
    """A basic (cbc:) child holding text (lxml escapes XML-special characters); keyword arguments are attributes."""
    element = etree.SubElement(parent, f"{{{CBC_NS}}}{name}", attributes)
    element.text = text
    return element


def amount_text(value: Decimal) -> str:
    """Exactly two decimals, rounded the way compute_totals rounds, and never "-0.00"."""
    rounded = money(value)
    return "0.00" if rounded.is_zero() else f"{rounded:.2f}"


def amount(parent: etree._Element, name: str, value: Decimal, currency: str) -> etree._Element:
    """A cbc amount with its currencyID."""
    return cbc(parent, name, amount_text(value), currencyID=currency)


def price_text(value: Decimal) -> str:
    """A unit price: two decimals, or all of them when it has more (BT-146 is not limited to 2)."""
    if decimal_places(value) <= 2:
        return amount_text(value)
    return format(value, "f")


def quantity_text(value: Decimal) -> str:
    """A quantity as given, in plain notation ("10", "2.5", never "1E+1")."""
    return format(value, "f")


def percent_text(rate: Decimal) -> str:
    """A VAT rate with two decimals, as the samples write BT-119 ("15.00")."""
    return amount_text(rate)


def tax_category(
    parent: etree._Element,
    name: str,
    category: VatCategory,
    rate: Decimal,
    exemption: tuple[str, str] = ("", ""),
    *,
    force_exemption: bool = False,  # line templates: lay out the exemption elements whatever the category
) -> etree._Element:
    """A TaxCategory or ClassifiedTaxCategory: code, rate, exemption reason (not for S, BR-S-10), VAT scheme."""
    element = cac(parent, name)
    cbc(element, "ID", category.value)
    cbc(element, "Percent", percent_text(rate))
    code, reason = exemption if category is not VatCategory.STANDARD or force_exemption else ("", "")
    if code:
        cbc(element, "TaxExemptionReasonCode", code)
    if reason:
        cbc(element, "TaxExemptionReason", reason)
    scheme = cac(element, "TaxScheme")
    cbc(scheme, "ID", "VAT")
    return element
