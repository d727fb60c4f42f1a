"""Party rules: the buyer of a document, the seller's profile, customer and product records, addresses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal as D
from typing import Any

import pytest

from core.findings import Finding, Severity
from core.invoicing.model import (
    Address,
    CompanyProfile,
    Customer,
    CustomerKind,
    DocumentKind,
    IdScheme,
    InvoiceDraft,
    Party,
    Product,
    VatCategory,
)
from core.invoicing.rules import (
    validate,
    validate_address,
    validate_company,
    validate_customer,
    validate_product,
)

E, W = Severity.ERROR, Severity.WARNING
NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
MakeDraft = Callable[..., InvoiceDraft]
SA_ADDRESS = Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211", "SA")
UK_ADDRESS = Address("10 Downing Street", "", "", "London", "SW1A 2AA", "GB")


def pairs(findings: list[Finding]) -> set[tuple[str, str, Severity]]:
    return {(f.rule, f.field, f.severity) for f in findings}


def buyer(**changes: Any) -> Callable[[InvoiceDraft], InvoiceDraft]:
    def mutate(d: InvoiceDraft) -> InvoiceDraft:
        assert d.buyer is not None
        return replace(d, buyer=replace(d.buyer, **changes))

    return mutate


def address(**changes: Any) -> Callable[[InvoiceDraft], InvoiceDraft]:
    return buyer(address=replace(SA_ADDRESS, **changes))


BUYER_CASES = [
    ("no buyer on a tax invoice", lambda d: replace(d, buyer=None), "QAYD-BUYER-REQUIRED", "buyer", E),
    ("no buyer name", buyer(name=""), "BR-KSA-42", "buyer.name", W),
    ("long buyer name", buyer(name="ش" * 1001), "BR-KSA-F-06-C32", "buyer.name", W),
    ("bad buyer VAT", buyer(vat_number="123"), "BR-KSA-44", "buyer.vat_number", E),
    ("buyer VAT ending in 2", buyer(vat_number="311111111111112"), "BR-KSA-44", "buyer.vat_number", E),
    ("no VAT and no id", buyer(vat_number=""), "BR-KSA-81", "buyer.id_value", W),
    ("id without scheme", buyer(id_value="1010010000"), "BR-KSA-14", "buyer.id_scheme", E),
    ("scheme without id", buyer(id_scheme=IdScheme.CRN), "BR-KSA-14", "buyer.id_value", E),
    ("id with symbols", buyer(id_scheme=IdScheme.CRN, id_value="1010-01"), "BR-KSA-14", "buyer.id_value", E),
    ("short CRN", buyer(id_scheme=IdScheme.CRN, id_value="123"), "BR-KSA-F-08", "buyer.id_value", W),
    ("700 number", buyer(id_scheme=IdScheme.N700, id_value="1234567890"), "BR-KSA-F-09", "buyer.id_value", W),
    (
        "Iqama as NAT",
        buyer(id_scheme=IdScheme.NAT, id_value="2000000006"),
        "BR-KSA-F-10",
        "buyer.id_value",
        W,
    ),
    (
        "NAT check digit",
        buyer(id_scheme=IdScheme.NAT, id_value="1000000009"),
        "QAYD-ID-CHECK-DIGIT",
        "buyer.id_value",
        W,
    ),
    ("NAT as IQA", buyer(id_scheme=IdScheme.IQA, id_value="1000000008"), "BR-KSA-F-11", "buyer.id_value", W),
    ("individual on a tax invoice", buyer(kind=CustomerKind.INDIVIDUAL), "QAYD-BUYER-KIND", "buyer.kind", W),
    ("no address", buyer(address=None), "BR-KSA-10", "buyer.address", W),
    ("no district", address(district=""), "BR-KSA-63", "buyer.address.district", W),
    ("no street", address(street=" "), "BR-KSA-63", "buyer.address.street", W),
    ("4-digit postal code", address(postal_code="1221"), "BR-KSA-67", "buyer.address.postal_code", W),
    (
        "2-digit building",
        address(building_number="12"),
        "QAYD-BUILDING-NUMBER",
        "buyer.address.building_number",
        W,
    ),
    (
        "additional number",
        address(additional_number="12345"),
        "QAYD-ADDITIONAL-NUMBER",
        "buyer.address.additional_number",
        W,
    ),
    ("long district", address(district="d" * 128), "BR-KSA-F-06-C29", "buyer.address.district", W),
    ("long city", address(city="c" * 128), "BR-KSA-F-06-C26", "buyer.address.city", W),
    ("long street", address(street="s" * 1001), "BR-KSA-F-06-C24", "buyer.address.street", W),
    ("long province", address(province="p" * 128), "BR-KSA-F-06-C27", "buyer.address.province", W),
    ("no country", address(country=""), "BR-KSA-10", "buyer.address.country", W),
    ("unknown country", address(country="KSA"), "BR-CL-14", "buyer.address.country", W),
    (
        "foreign without street",
        buyer(address=replace(UK_ADDRESS, street="")),
        "BR-KSA-10",
        "buyer.address.street",
        W,
    ),
    (
        "buyer is the seller",
        buyer(vat_number="399999999900003"),
        "BR-CUSTOM-VALIDATION-01",
        "buyer.vat_number",
        E,
    ),
]


@pytest.mark.parametrize(
    ("mutation", "rule", "field", "severity"), [c[1:] for c in BUYER_CASES], ids=[c[0] for c in BUYER_CASES]
)
def test_buyer_rule(
    draft: MakeDraft,
    seller: CompanyProfile,
    mutation: Callable[[InvoiceDraft], InvoiceDraft],
    rule: str,
    field: str,
    severity: Severity,
) -> None:
    assert (rule, field, severity) in pairs(validate(mutation(draft()), seller=seller, now=NOW))


def test_foreign_buyer_with_street_city_and_country_is_fine(draft: MakeDraft) -> None:
    assert validate(buyer(address=UK_ADDRESS)(draft()), now=NOW) == []


def test_identified_business_without_vat_is_fine(draft: MakeDraft) -> None:
    mutated = buyer(vat_number="", id_scheme=IdScheme.CRN, id_value="1010010000")(draft())
    assert validate(mutated, now=NOW) == []


def test_simplified_buyer_rules_are_lighter(draft: MakeDraft) -> None:
    # A consumer may be named without VAT, id or address; a bad VAT number is still an error.
    light = draft(
        kind=DocumentKind.SIMPLIFIED, buyer=Party(name="Walk-in customer", kind=CustomerKind.INDIVIDUAL)
    )
    assert validate(light, now=NOW) == []
    foreign = draft(
        kind=DocumentKind.SIMPLIFIED, buyer=Party(name="Guest", address=replace(UK_ADDRESS, street=""))
    )
    assert validate(foreign, now=NOW) == []
    bad_vat = draft(kind=DocumentKind.SIMPLIFIED, buyer=Party(name="Guest", vat_number="3"))
    assert ("BR-KSA-44", "buyer.vat_number", E) in pairs(validate(bad_vat, now=NOW))


SELLER_CASES = [
    ("no VAT number", {"vat_number": ""}, "BR-KSA-39", "vat_number", E),
    ("bad VAT number", {"vat_number": "399999999900004"}, "BR-KSA-40", "vat_number", E),
    ("no seller id", {"id_value": ""}, "BR-KSA-08", "id_value", E),
    ("short CRN", {"id_value": "101001"}, "BR-KSA-F-08", "id_value", W),
    ("no names", {"legal_name_ar": "", "legal_name_en": " "}, "QAYD-COMPANY-NAME", "legal_name_ar", E),
    ("no Arabic name", {"legal_name_ar": ""}, "QAYD-COMPANY-NAME-AR", "legal_name_ar", E),
    ("long name", {"legal_name_ar": "ق" * 1001}, "BR-KSA-F-06-C10", "legal_name_ar", W),
    ("no district", {"address": replace(SA_ADDRESS, district="")}, "BR-KSA-09", "address.district", E),
    (
        "no building number",
        {"address": replace(SA_ADDRESS, building_number="")},
        "BR-KSA-09",
        "address.building_number",
        E,
    ),
    (
        "3-digit building",
        {"address": replace(SA_ADDRESS, building_number="123")},
        "BR-KSA-37",
        "address.building_number",
        W,
    ),
    (
        "6-digit postal code",
        {"address": replace(SA_ADDRESS, postal_code="122110")},
        "BR-KSA-66",
        "address.postal_code",
        W,
    ),
    ("no country", {"address": replace(SA_ADDRESS, country="")}, "BR-09", "address.country", E),
    ("abroad", {"address": replace(SA_ADDRESS, country="AE")}, "QAYD-SELLER-COUNTRY", "address.country", E),
    ("long city", {"address": replace(SA_ADDRESS, city="c" * 128)}, "BR-KSA-F-06-C7", "address.city", W),
    (
        "long street",
        {"address": replace(SA_ADDRESS, street="s" * 1001)},
        "BR-KSA-F-06-C4",
        "address.street",
        W,
    ),
]


@pytest.mark.parametrize(
    ("changes", "rule", "field", "severity"), [c[1:] for c in SELLER_CASES], ids=[c[0] for c in SELLER_CASES]
)
def test_company_rule(
    seller: CompanyProfile, changes: dict[str, Any], rule: str, field: str, severity: Severity
) -> None:
    assert (rule, field, severity) in pairs(validate_company(replace(seller, **changes)))


def test_seller_findings_are_prefixed_inside_a_document(draft: MakeDraft, seller: CompanyProfile) -> None:
    bad_seller = replace(seller, vat_number="12", address=replace(SA_ADDRESS, postal_code="1"))
    found = pairs(validate(draft(), seller=bad_seller, now=NOW))
    assert ("BR-KSA-40", "seller.vat_number", E) in found
    assert ("BR-KSA-66", "seller.address.postal_code", W) in found


def test_valid_company_and_document_with_seller(draft: MakeDraft, seller: CompanyProfile) -> None:
    assert validate_company(seller) == []
    assert validate(draft(), seller=seller, now=NOW) == []


def test_address_rule_ids_depend_on_the_party() -> None:
    bad = replace(SA_ADDRESS, building_number="12", postal_code="1")
    assert {f.rule for f in validate_address(bad, "address", saudi_required=True)} == {
        "BR-KSA-37",
        "BR-KSA-66",
    }
    assert {f.rule for f in validate_address(bad, "a", saudi_required=False)} == {
        "QAYD-BUILDING-NUMBER",
        "BR-KSA-67",
    }
    assert validate_address(UK_ADDRESS, "a", saudi_required=False) == []
    assert [f.field for f in validate_address(UK_ADDRESS, "a", saudi_required=True)] == ["a.country"] + [
        f"a.{name}" for name in ("building_number", "district", "postal_code")
    ]


CUSTOMER_CASES = [
    ("no name", {"name": ""}, "QAYD-CUSTOMER-NAME", "name", E),
    ("bad VAT", {"vat_number": "3"}, "BR-KSA-44", "vat_number", E),
    ("business without VAT or id", {"vat_number": ""}, "BR-KSA-81", "id_value", W),
    ("phone with spaces", {"phone": "050 123 4567"}, "BR-KSA-85", "phone", W),
    ("bad e-mail", {"email": "someone-at-example.com"}, "QAYD-EMAIL", "email", W),
    (
        "bad postal code",
        {"address": replace(SA_ADDRESS, postal_code="abc")},
        "BR-KSA-67",
        "address.postal_code",
        W,
    ),
    ("long Arabic name", {"name_ar": "ع" * 1001}, "BR-KSA-F-06-C32", "name_ar", W),
    (
        "Iqama check digit",
        {"id_scheme": IdScheme.IQA, "id_value": "2000000007"},
        "QAYD-ID-CHECK-DIGIT",
        "id_value",
        W,
    ),
]


@pytest.mark.parametrize(
    ("changes", "rule", "field", "severity"),
    [c[1:] for c in CUSTOMER_CASES],
    ids=[c[0] for c in CUSTOMER_CASES],
)
def test_customer_rule(changes: dict[str, Any], rule: str, field: str, severity: Severity) -> None:
    customer = Customer(name="Al Ofuq Trading", vat_number="311111111111113", address=SA_ADDRESS)
    assert (rule, field, severity) in pairs(validate_customer(replace(customer, **changes)))


def test_valid_customers() -> None:
    business = Customer(
        name="Al Ofuq", vat_number="311111111111113", phone="+966501234567", address=SA_ADDRESS
    )
    assert validate_customer(business) == []
    assert {f.rule for f in validate_customer(replace(business, address=None))} == {"BR-KSA-10"}
    consumer = Customer(name="Sara", kind=CustomerKind.INDIVIDUAL, email="sara@example.com")
    assert validate_customer(consumer) == []


PRODUCT_CASES = [
    ("no name", {"name": ""}, "QAYD-PRODUCT-NAME", "name", E),
    ("negative price", {"unit_price": D("-1")}, "BR-KSA-F-04", "unit_price", E),
    ("S at 7 %", {"vat_rate": D("7")}, "BR-KSA-84", "vat_rate", E),
    ("Z at 15 %", {"vat_category": VatCategory.ZERO}, "BR-Z-05", "vat_rate", E),
    (
        "E without code",
        {"vat_category": VatCategory.EXEMPT, "vat_rate": D("0")},
        "BR-KSA-23",
        "exemption_reason_code",
        E,
    ),
    ("long SKU", {"sku": "s" * 128}, "BR-KSA-F-06-C31", "sku", W),
]


@pytest.mark.parametrize(
    ("changes", "rule", "field", "severity"),
    [c[1:] for c in PRODUCT_CASES],
    ids=[c[0] for c in PRODUCT_CASES],
)
def test_product_rule(changes: dict[str, Any], rule: str, field: str, severity: Severity) -> None:
    product = Product(name="Consulting hour", unit_price=D("250"))
    found = validate_product(replace(product, **changes))
    assert (rule, field, severity) in pairs(found)
    assert "BR-25" not in {f.rule for f in found}  # the product's own name rule replaces the line one


def test_valid_products() -> None:
    assert validate_product(Product(name="Consulting hour", unit_price=D("250"))) == []
    exempt = Product(
        name="Life insurance",
        unit_price=D("1000"),
        vat_category=VatCategory.EXEMPT,
        vat_rate=D("0"),
        exemption_reason_code="VATEX-SA-29-7",
        exemption_reason="Life insurance services",
    )
    assert validate_product(exempt) == []


def test_missing_seller_fields_are_errors_only_in_the_profile(seller: CompanyProfile) -> None:
    # ZATCA warns (BR-KSA-09); the company profile must be complete, so Qayd refuses it there.
    incomplete = replace(SA_ADDRESS, postal_code="")
    assert pairs(validate_address(incomplete, "address", saudi_required=True)) == {
        ("BR-KSA-09", "address.postal_code", W)
    }
    assert ("BR-KSA-09", "address.postal_code", E) in pairs(
        validate_company(replace(seller, address=incomplete))
    )
