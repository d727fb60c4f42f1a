"""Issue 12 point 4: a seller identifies itself by any scheme BR-KSA-08 allows, checked against the official rules.

The oracle is ZATCA's own schematron (saxonche): for every scheme and value, the seller-id rules Qayd's profile
check reports are the ones the official rules report on the XML Qayd writes for that profile.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree

from core.findings import Severity
from core.invoicing.model import (
    ID_SCHEME_LABELS,
    SELLER_ID_SCHEMES,
    Address,
    CompanyProfile,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    VatCategory,
)
from core.invoicing.rules import validate_company
from core.zatca.ubl import DocumentIds, build_invoice
from core.zatca.validation import validate_rules
from tests.support.schematron import run_schematron

SELLER = CompanyProfile("شركة قيد للتجارة", "Qayd Trading Co", "399999999900003", "1010010000",
                        Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211"))
DRAFT = InvoiceDraft(kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number="S-1",
                     issue_datetime=datetime.fromisoformat("2026-11-25T10:15:00+03:00"),
                     lines=(InvoiceLine("Item", Decimal("1"), Decimal("100"), VatCategory.STANDARD, Decimal("15")),),
                     payment_means="10")
IDS = DocumentIds(uuid=uuid.UUID("6f4d20e0-6bfe-4a80-9389-7dabe6620f12"), icv=1, pih="X" * 44)
SELLER_RULES = {"BR-KSA-08", "BR-KSA-F-08", "BR-KSA-F-09", "BR-KSA-F-12"}
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


def seller(scheme: IdScheme, value: str) -> CompanyProfile:
    return replace(SELLER, id_scheme=scheme, id_value=value)


def xml_of(profile: CompanyProfile) -> bytes:
    return etree.tostring(build_invoice(DRAFT, profile, IDS), xml_declaration=True, encoding="UTF-8")


def official(profile: CompanyProfile) -> set[str]:
    return {a.rule for a in run_schematron(xml_of(profile)) if a.rule in SELLER_RULES}


def qayd(profile: CompanyProfile) -> set[str]:
    return {f.rule for f in validate_company(profile) if f.field in ("id_scheme", "id_value")}


# (scheme, value, what ZATCA's rules say): well-formed ids of every scheme, and the shapes F-08 and F-09 check.
CASES = [
    (IdScheme.CRN, "1010010000", set()),
    (IdScheme.MOM, "40031234", set()),
    (IdScheme.MLS, "MLS2026A17", set()),
    (IdScheme.N700, "7001234565", set()),
    (IdScheme.SAG, "102030405060", set()),
    (IdScheme.OTH, "A9B8C7", set()),
    (IdScheme.CRN, "101001", {"BR-KSA-F-08"}),  # a CR number has 10 digits
    (IdScheme.CRN, "10100100AB", {"BR-KSA-F-08"}),
    (IdScheme.N700, "1001234565", {"BR-KSA-F-09"}),  # a 700 number starts with 7
    (IdScheme.N700, "700123", {"BR-KSA-F-09"}),
    (IdScheme.NAT, "1012345678", {"BR-KSA-08"}),  # a buyer's scheme: not one a seller may use
    (IdScheme.IQA, "2012345678", {"BR-KSA-08"}),
]


@pytest.mark.parametrize(("scheme", "value", "expected"), CASES, ids=[f"{c[0].value}-{c[1]}" for c in CASES])
def test_qayd_and_the_official_rules_agree(scheme: IdScheme, value: str, expected: set[str]) -> None:
    profile = seller(scheme, value)
    assert official(profile) == expected
    assert qayd(profile) == expected
    xml_rules = {f.rule for f in validate_rules(etree.fromstring(xml_of(profile))) if f.rule in SELLER_RULES}
    assert xml_rules == expected  # `qayd invoice validate` agrees too


@pytest.mark.parametrize("scheme", SELLER_ID_SCHEMES)
def test_the_xml_carries_the_scheme(scheme: IdScheme) -> None:
    value = "7001234565" if scheme is IdScheme.N700 else "1010010000"
    root = etree.fromstring(xml_of(seller(scheme, value)))
    (ident,) = root.findall("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID", NS)
    assert (ident.get("schemeID"), ident.text) == (scheme.value, value)
    assert validate_company(seller(scheme, value)) == []


def test_the_seller_schemes_are_exactly_the_official_list_in_its_order() -> None:
    # The schematron's BR-KSA-08 reads "(CRN, MOM, MLS, SAG, OTH, 700)" in its message and lists the precedence
    # as CRN, MOM, MLS, 700, SAG, OTH in its allowed-seller variable; a seller holding several gives the first.
    assert [s.value for s in SELLER_ID_SCHEMES] == ["CRN", "MOM", "MLS", "700", "SAG", "OTH"]
    assert all(ID_SCHEME_LABELS[s][0] and ID_SCHEME_LABELS[s][1] for s in IdScheme)


def test_a_missing_or_malformed_seller_id_is_refused_with_the_rule_and_the_fix() -> None:
    (missing,) = [f for f in validate_company(seller(IdScheme.MOM, "")) if f.field == "id_value"]
    assert (missing.rule, missing.severity) == ("BR-KSA-08", Severity.ERROR)
    assert "MOMRAH" in missing.message and "OTH" in missing.fix and missing.message_ar and missing.fix_ar
    (symbols,) = [f for f in validate_company(seller(IdScheme.SAG, "1020-3040")) if f.field == "id_value"]
    assert (symbols.rule, symbols.severity) == ("BR-KSA-08", Severity.ERROR)
    assert "letters" in symbols.message and symbols.fix_ar
    (eastern,) = [f for f in validate_company(seller(IdScheme.CRN, "١٠١٠٠١٠٠٠٠")) if f.field == "id_value"]
    assert eastern.rule == "BR-KSA-08" and eastern.is_error  # Arabic-Indic digits are not ZATCA's 0-9
    (buyer_only,) = [f for f in validate_company(seller(IdScheme.PAS, "X1234567")) if f.field == "id_scheme"]
    assert buyer_only.rule == "BR-KSA-08" and buyer_only.is_error and "PAS" in buyer_only.message


def test_a_bad_shape_is_a_warning_as_zatca_has_it() -> None:
    (short,) = validate_company(seller(IdScheme.CRN, "101001"))
    assert (short.rule, short.severity, short.field) == ("BR-KSA-F-08", Severity.WARNING, "id_value")
    (seven,) = validate_company(seller(IdScheme.N700, "1001234565"))
    assert (seven.rule, seven.severity, seven.field) == ("BR-KSA-F-09", Severity.WARNING, "id_value")
