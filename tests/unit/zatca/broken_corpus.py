"""Deliberately broken invoices: each is one small, named lxml edit to an official SDK sample.

Every case names the rule its edit targets. The tests run the official schematrons and Qayd's Python rules on each
document and require the same rules to fire, so a case that breaks nothing (or something else) fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lxml import etree

from tests.support.schematron import sample_files

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
Edit = Callable[[etree._Element], None]

STD = "Standard_Invoice.xml"
SIMPLIFIED = "Simplified_Invoice.xml"
ZERO = "Simplified Tax Invoice with Zero Rated Item.xml"
EXEMPT = "Exempt Tax Invoice.xml"
OUT_OF_SCOPE = "Out of Scope Standard Tax Invoice.xml"
CHARGE = "Standard Invoice with Document Level Charge.xml"
ADVANCE = "Advance Payment adjustments.xml"
CREDIT = "Standard_Credit_Note.xml"

LMT = "cac:LegalMonetaryTotal"
LINE1 = "cac:InvoiceLine[1]"
LINE1_CATEGORY = f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory"
SELLER = "cac:AccountingSupplierParty/cac:Party"
BUYER = "cac:AccountingCustomerParty/cac:Party"
BREAKDOWN = "cac:TaxTotal[cac:TaxSubtotal]"
SUBTOTAL1 = f"{BREAKDOWN}/cac:TaxSubtotal[1]"


def _subtotal(code: str) -> str:
    return f"{BREAKDOWN}/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='{code}']"


def _nodes(root: etree._Element, path: str) -> list[etree._Element]:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list) and found, f"the edit's path matches nothing: {path}"
    return [n for n in found if isinstance(n, etree._Element)]


def text(path: str, value: str | Callable[[], str]) -> Edit:
    def edit(root: etree._Element) -> None:
        _nodes(root, path)[0].text = value() if callable(value) else value

    return edit


def drop(path: str) -> Edit:
    def edit(root: etree._Element) -> None:
        for node in _nodes(root, path):
            parent = node.getparent()
            assert parent is not None
            parent.remove(node)

    return edit


def attr(path: str, name: str, value: str | None) -> Edit:
    def edit(root: etree._Element) -> None:
        node = _nodes(root, path)[0]
        if value is None:
            del node.attrib[name]
        else:
            node.set(name, value)

    return edit


def add(parent_path: str, snippet: str, index: int | None = None) -> Edit:
    """Insert an element written with the cac/cbc prefixes (at `index`, or last)."""
    declarations = " ".join(f'xmlns:{p}="{uri}"' for p, uri in NS.items())
    element = etree.fromstring(f"<wrap {declarations}>{snippet}</wrap>")[0]

    def edit(root: etree._Element) -> None:
        parent = _nodes(root, parent_path)[0]
        parent.insert(len(parent) if index is None else index, element.__copy__())

    return edit


def duplicate(path: str) -> Edit:
    return lambda root: _nodes(root, path)[0].addnext(_nodes(root, path)[0].__deepcopy__(None))


def both(*edits: Edit) -> Edit:
    def edit(root: etree._Element) -> None:
        for each in edits:
            each(root)

    return edit


def _in_40_days() -> str:
    return (date.today() + timedelta(days=40)).isoformat()


@dataclass(frozen=True)
class Case:
    name: str
    sample: str
    rule: str  # the rule the edit targets; it must fire in both rule sets
    edit: Edit

    def build(self) -> bytes:
        root = etree.fromstring(sample_bytes(self.sample))
        self.edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@cache
def sample_bytes(name: str) -> bytes:
    matches = [p for p in sample_files() if p.name == name]
    assert len(matches) == 1, name
    return matches[0].read_bytes()


_PRICE_ALLOWANCE = (
    "<cac:AllowanceCharge><cbc:ChargeIndicator>{}</cbc:ChargeIndicator>"
    '<cbc:Amount currencyID="SAR">{}</cbc:Amount><cbc:BaseAmount currencyID="SAR">2.00</cbc:BaseAmount>'
    "</cac:AllowanceCharge>"
)
_PRICE_CHARGE = _PRICE_ALLOWANCE.format("true", "0.00")
_PRICE_DISCOUNT = _PRICE_ALLOWANCE.format("false", "1.00")
_EXCHANGE_RATE = (
    "<cac:TaxExchangeRate><cbc:SourceCurrencyCode>USD</cbc:SourceCurrencyCode>"
    "<cbc:TargetCurrencyCode>SAR</cbc:TargetCurrencyCode><cbc:CalculationRate>3.75</cbc:CalculationRate>"
    "</cac:TaxExchangeRate>"
)
_ICV = "cac:AdditionalDocumentReference[cbc:ID='ICV']"
_PIH = "cac:AdditionalDocumentReference[cbc:ID='PIH']"
_QR_OBJECT = "cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
_DOC_ALLOWANCE = "cac:AllowanceCharge[cbc:ChargeIndicator='false']"

CASES: list[Case] = [
    # Totals and rounding
    Case("line_net_amount_changed", STD, "BR-CO-10", text(f"{LINE1}/cbc:LineExtensionAmount", "5.00")),
    Case("total_with_vat_not_sum", STD, "BR-CO-15", text(f"{LMT}/cbc:TaxInclusiveAmount", "4.70")),
    Case("payable_off_by_a_cent", STD, "BR-CO-16", text(f"{LMT}/cbc:PayableAmount", "4.61")),
    Case("tax_total_not_sum_of_subtotals", STD, "BR-CO-14", text(f"{BREAKDOWN}/cbc:TaxAmount", "0.70")),
    Case("subtotal_vat_not_rate_times_base", STD, "BR-CO-17", text(f"{SUBTOTAL1}/cbc:TaxAmount", "0.70")),
    Case("standard_vat_not_rate_times_base", STD, "BR-S-09", text(f"{SUBTOTAL1}/cbc:TaxAmount", "0.90")),
    Case("allowance_total_mismatch", STD, "BR-CO-11", text(f"{LMT}/cbc:AllowanceTotalAmount", "1.00")),
    Case("charge_total_mismatch", CHARGE, "BR-CO-12", text(f"{LMT}/cbc:ChargeTotalAmount", "50.00")),
    Case("total_without_vat_mismatch", STD, "BR-CO-13", text(f"{LMT}/cbc:TaxExclusiveAmount", "4.10")),
    Case("standard_taxable_base_wrong", STD, "BR-S-08", text(f"{SUBTOTAL1}/cbc:TaxableAmount", "5.00")),
    Case("total_without_vat_three_decimals", STD, "BR-DEC-12", text(f"{LMT}/cbc:TaxExclusiveAmount", "4.000")),
    Case(
        "vat_total_three_decimals", STD, "BR-DEC-13", text("cac:TaxTotal[not(cac:TaxSubtotal)]/cbc:TaxAmount", "0.600")
    ),
    Case("line_vat_three_decimals", STD, "BR-KSA-DEC-03", text(f"{LINE1}/cac:TaxTotal/cbc:TaxAmount", "0.600")),
    Case("line_amount_with_vat_wrong", STD, "BR-KSA-51", text(f"{LINE1}/cac:TaxTotal/cbc:RoundingAmount", "4.70")),
    Case("duplicate_vat_breakdown", STD, "BR-KSA-EN16931-08", duplicate(BREAKDOWN)),
    # VAT categories
    Case("zero_rated_vat_not_zero", ZERO, "BR-Z-09", text(f"{_subtotal('Z')}/cbc:TaxAmount", "1.00")),
    Case("exempt_vat_not_zero", EXEMPT, "BR-E-09", text(f"{_subtotal('E')}/cbc:TaxAmount", "1.00")),
    Case("out_of_scope_vat_not_zero", OUT_OF_SCOPE, "BR-O-09", text(f"{_subtotal('O')}/cbc:TaxAmount", "1.00")),
    Case("zero_rated_base_wrong", ZERO, "BR-Z-08", text(f"{_subtotal('Z')}/cbc:TaxableAmount", "40.00")),
    Case("exempt_base_wrong", EXEMPT, "BR-E-08", text(f"{_subtotal('E')}/cbc:TaxableAmount", "900.00")),
    Case("out_of_scope_line_with_rate", OUT_OF_SCOPE, "BR-KSA-11", text(f"{LINE1_CATEGORY}/cbc:Percent", "15.00")),
    Case(
        "out_of_scope_line_mixed_into_standard_invoice",
        STD,
        "BR-O-01",
        both(text(f"{LINE1_CATEGORY}/cbc:ID", "O"), text(f"{LINE1_CATEGORY}/cbc:Percent", "0.00")),
    ),
    Case("zero_rated_line_with_rate", ZERO, "BR-Z-05", text(f"{LINE1_CATEGORY}/cbc:Percent", "5.00")),
    Case(
        "exempt_line_with_rate",
        EXEMPT,
        "BR-E-05",
        text("cac:InvoiceLine[2]/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "5.00"),
    ),
    Case("standard_allowance_at_zero_rate", STD, "BR-S-06", text(f"{_DOC_ALLOWANCE}/cac:TaxCategory/cbc:Percent", "0")),
    Case("vat_rate_ten_percent", STD, "BR-KSA-84", text(f"{LINE1_CATEGORY}/cbc:Percent", "10.00")),
    Case("vat_rate_three_decimals", STD, "BR-KSA-DEC-02", text(f"{LINE1_CATEGORY}/cbc:Percent", "15.000")),
    Case("unknown_vat_category", STD, "BR-KSA-18", text(f"{LINE1_CATEGORY}/cbc:ID", "X")),
    Case("missing_vat_breakdown", STD, "BR-CO-18", drop(f"{BREAKDOWN}/cac:TaxSubtotal")),
    Case("breakdown_without_rate", STD, "BR-48", drop(f"{SUBTOTAL1}/cac:TaxCategory/cbc:Percent")),
    # Exemption reasons
    Case(
        "zero_rated_without_reason_code",
        ZERO,
        "BR-KSA-69",
        drop(f"{_subtotal('Z')}/cac:TaxCategory/cbc:TaxExemptionReasonCode"),
    ),
    Case(
        "exempt_without_reason_code",
        EXEMPT,
        "BR-KSA-23",
        drop(f"{_subtotal('E')}/cac:TaxCategory/cbc:TaxExemptionReasonCode"),
    ),
    Case(
        "out_of_scope_without_reason_code",
        OUT_OF_SCOPE,
        "BR-KSA-24",
        drop(f"{_subtotal('O')}/cac:TaxCategory/cbc:TaxExemptionReasonCode"),
    ),
    Case(
        "exempt_code_on_zero_rated",
        ZERO,
        "BR-KSA-CL-04",
        text(f"{_subtotal('Z')}/cac:TaxCategory/cbc:TaxExemptionReasonCode", "VATEX-SA-29"),
    ),
    Case(
        "education_without_national_id",
        ZERO,
        "BR-KSA-49",
        text(f"{_subtotal('Z')}/cac:TaxCategory/cbc:TaxExemptionReasonCode", "VATEX-SA-EDU"),
    ),
    Case(
        "reason_code_without_text", ZERO, "BR-KSA-83", drop(f"{_subtotal('Z')}/cac:TaxCategory/cbc:TaxExemptionReason")
    ),
    # Parties
    Case("standard_without_buyer_name", STD, "BR-KSA-42", drop(f"{BUYER}/cac:PartyLegalEntity")),
    Case("standard_without_buyer_street", STD, "BR-KSA-10", drop(f"{BUYER}/cac:PostalAddress/cbc:StreetName")),
    Case(
        "standard_without_buyer_district", STD, "BR-KSA-63", drop(f"{BUYER}/cac:PostalAddress/cbc:CitySubdivisionName")
    ),
    Case("standard_without_buyer_vat_or_id", STD, "BR-KSA-81", drop(f"{BUYER}/cac:PartyTaxScheme")),
    Case(
        "seller_vat_last_digit_not_3",
        STD,
        "BR-KSA-40",
        text(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID", "399999999900004"),
    ),
    Case(
        "seller_vat_14_digits", STD, "BR-KSA-40", text(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID", "39999999990003")
    ),
    Case(
        "buyer_vat_16_digits", STD, "BR-KSA-44", text(f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID", "3999999998000033")
    ),
    Case(
        "buyer_vat_same_as_seller",
        STD,
        "BR-CUSTOM-VALIDATION-01",
        text(f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID", "399999999900003"),
    ),
    Case("seller_without_vat_number", STD, "BR-KSA-39", drop(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID")),
    Case("seller_without_name", STD, "BR-06", drop(f"{SELLER}/cac:PartyLegalEntity")),
    Case(
        "seller_building_number_3_digits",
        STD,
        "BR-KSA-37",
        text(f"{SELLER}/cac:PostalAddress/cbc:BuildingNumber", "232"),
    ),
    Case("seller_postal_code_4_digits", STD, "BR-KSA-66", text(f"{SELLER}/cac:PostalAddress/cbc:PostalZone", "2333")),
    Case("buyer_postal_code_4_digits", STD, "BR-KSA-67", text(f"{BUYER}/cac:PostalAddress/cbc:PostalZone", "1222")),
    Case(
        "seller_id_unknown_scheme",
        STD,
        "BR-KSA-08",
        attr(f"{SELLER}/cac:PartyIdentification/cbc:ID", "schemeID", "XYZ"),
    ),
    # Dates
    Case("issue_date_in_future", STD, "BR-KSA-04", text("cbc:IssueDate", _in_40_days)),
    Case("issue_date_not_iso", STD, "BR-KSA-F-01", text("cbc:IssueDate", "07/09/2022")),
    Case(
        "supply_end_before_start",
        STD,
        "BR-KSA-36",
        add("cac:Delivery", "<cbc:LatestDeliveryDate>2022-09-01</cbc:LatestDeliveryDate>"),
    ),
    Case(
        "supply_end_without_start",
        STD,
        "BR-KSA-35",
        both(
            drop("cac:Delivery/cbc:ActualDeliveryDate"),
            add("cac:Delivery", "<cbc:LatestDeliveryDate>2022-09-30</cbc:LatestDeliveryDate>"),
        ),
    ),
    Case("tax_invoice_without_supply_date", STD, "BR-KSA-15", drop("cac:Delivery")),
    Case("issue_time_without_seconds", STD, "BR-KSA-70", text("cbc:IssueTime", "12:21")),
    Case("missing_issue_date", STD, "BR-03", drop("cbc:IssueDate")),
    # Currencies
    Case("unknown_document_currency", STD, "BR-CL-04", text("cbc:DocumentCurrencyCode", "XYZ")),
    Case("amount_in_unknown_currency", STD, "BR-CL-03", attr(f"{LMT}/cbc:PayableAmount", "currencyID", "ZZZ")),
    Case("amount_in_other_currency", STD, "BR-KSA-CL-02", attr(f"{LMT}/cbc:PayableAmount", "currencyID", "USD")),
    Case("tax_currency_not_sar", STD, "BR-KSA-EN16931-02", text("cbc:TaxCurrencyCode", "USD")),
    Case("missing_tax_currency", STD, "BR-KSA-68", drop("cbc:TaxCurrencyCode")),
    Case("missing_vat_total_in_sar", STD, "BR-KSA-EN16931-09", drop("cac:TaxTotal[not(cac:TaxSubtotal)]")),
    Case("exchange_rate_from_other_currency", STD, "BR-KSA-88", add(".", _EXCHANGE_RATE, 9)),
    # Counter, hash, stamp, identity
    Case("missing_icv", STD, "BR-KSA-33", drop(_ICV)),
    Case("non_numeric_icv", STD, "BR-KSA-34", text(f"{_ICV}/cbc:UUID", "23A")),
    Case("missing_pih", STD, "BR-KSA-61", drop(_PIH)),
    Case(
        "pih_without_mime_code",
        STD,
        "BR-KSA-26",
        attr(f"{_PIH}/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", "mimeCode", None),
    ),
    Case("qr_longer_than_1000", SIMPLIFIED, "BR-CL-KSA-14", text(_QR_OBJECT, "A" * 1001)),
    Case("simplified_without_signature_method", SIMPLIFIED, "BR-KSA-30", drop("cac:Signature/cbc:SignatureMethod")),
    Case("uuid_starts_with_symbol", STD, "BR-KSA-03", text("cbc:UUID", "#8d487816-70b8")),
    Case("wrong_profile", STD, "BR-KSA-EN16931-01", text("cbc:ProfileID", "reporting:2.0")),
    Case("missing_invoice_number", STD, "BR-02", drop("cbc:ID")),
    # Type code and its name (KSA-2)
    Case("unknown_transaction_type", STD, "BR-KSA-06", attr("cbc:InvoiceTypeCode", "name", "0300000")),
    Case("transaction_name_too_short", STD, "BR-KSA-F-06-C40", attr("cbc:InvoiceTypeCode", "name", "010000")),
    Case("type_code_not_allowed", STD, "BR-KSA-05", text("cbc:InvoiceTypeCode", "380")),
    Case("type_code_unknown", STD, "BR-CL-01", text("cbc:InvoiceTypeCode", "999")),
    Case("simplified_self_billing", SIMPLIFIED, "BR-KSA-31", attr("cbc:InvoiceTypeCode", "name", "0200001")),
    Case("export_self_billing", STD, "BR-KSA-07", attr("cbc:InvoiceTypeCode", "name", "0100101")),
    Case("b2g_without_contract", STD, "BR-KSA-92", attr("cbc:InvoiceTypeCode", "name", "010000001")),
    # Lines
    Case("negative_quantity", STD, "BR-KSA-F-04", text(f"{LINE1}/cbc:InvoicedQuantity", "-2.000000")),
    Case("zero_quantity", STD, "BR-22", text(f"{LINE1}/cbc:InvoicedQuantity", "0")),
    Case(
        "line_net_not_quantity_times_price",
        STD,
        "BR-KSA-EN16931-11",
        text(f"{LINE1}/cac:Price/cbc:PriceAmount", "2.50"),
    ),
    Case("missing_line_vat_amount", STD, "BR-KSA-52", drop(f"{LINE1}/cac:TaxTotal/cbc:TaxAmount")),
    Case("missing_line_amount_with_vat", STD, "BR-KSA-53", drop(f"{LINE1}/cac:TaxTotal/cbc:RoundingAmount")),
    Case("no_invoice_lines", STD, "BR-16", drop("cac:InvoiceLine")),
    Case("line_without_price", STD, "BR-26", drop(f"{LINE1}/cac:Price")),
    Case("line_without_vat_category", STD, "BR-CO-04", drop(LINE1_CATEGORY)),
    Case("line_id_longer_than_6", STD, "BR-KSA-F-06-C17", text(f"{LINE1}/cbc:ID", "1234567")),
    Case("item_name_only_digits", STD, "BR-KSA-F-C-01", text(f"{LINE1}/cac:Item/cbc:Name", "123456")),
    Case(
        "item_attribute_without_value",
        STD,
        "BR-54",
        add(
            f"{LINE1}/cac:Item", "<cac:AdditionalItemProperty><cbc:Name>Colour</cbc:Name></cac:AdditionalItemProperty>"
        ),
    ),
    Case("charge_on_price", STD, "BR-KSA-EN16931-06", add(f"{LINE1}/cac:Price", _PRICE_CHARGE)),
    Case("price_discount_mismatch", STD, "BR-KSA-EN16931-07", add(f"{LINE1}/cac:Price", _PRICE_DISCOUNT)),
    Case(
        "negative_base_quantity",
        STD,
        "BR-KSA-EN16931-12",
        add(f"{LINE1}/cac:Price", '<cbc:BaseQuantity unitCode="PCE">-1</cbc:BaseQuantity>'),
    ),
    Case("missing_payable_amount", STD, "BR-15", drop(f"{LMT}/cbc:PayableAmount")),
    # Allowances and charges
    Case(
        "allowance_percentage_over_100",
        STD,
        "BR-KSA-DEC-01",
        both(
            add(_DOC_ALLOWANCE, "<cbc:MultiplierFactorNumeric>150</cbc:MultiplierFactorNumeric>", 2),
            add(_DOC_ALLOWANCE, '<cbc:BaseAmount currencyID="SAR">0.00</cbc:BaseAmount>', 4),
        ),
    ),
    Case("charge_without_reason_code", CHARGE, "BR-KSA-19", drop("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode")),
    Case(
        "charge_reason_code_unknown",
        CHARGE,
        "BR-KSA-CL-06",
        text("cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", "QQ"),
    ),
    Case("payment_means_code_unknown", STD, "BR-KSA-16", text("cac:PaymentMeans/cbc:PaymentMeansCode", "71")),
    # Credit notes and prepayments
    Case("credit_note_without_reason", CREDIT, "BR-KSA-17", drop("cac:PaymentMeans/cbc:InstructionNote")),
    Case("credit_note_without_billing_reference", CREDIT, "BR-KSA-56", drop("cac:BillingReference")),
    Case(
        "credit_note_with_empty_billing_reference",
        CREDIT,
        "BR-55",
        text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", ""),
    ),
    Case(
        "prepayment_wrong_document_type",
        ADVANCE,
        "BR-KSA-74",
        text("cac:InvoiceLine/cac:DocumentReference/cbc:DocumentTypeCode", "388"),
    ),
    Case(
        "prepayment_line_with_price",
        ADVANCE,
        "BR-KSA-82",
        text("cac:InvoiceLine[2]/cac:Price/cbc:PriceAmount", "10.00"),
    ),
    Case(
        "prepayment_vat_wrong",
        ADVANCE,
        "BR-KSA-79",
        text("cac:InvoiceLine[2]/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "160"),
    ),
    Case("prepaid_amount_wrong", ADVANCE, "BR-KSA-80", text(f"{LMT}/cbc:PrepaidAmount", "1100")),
]
