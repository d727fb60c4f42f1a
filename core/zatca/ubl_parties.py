"""The seller (AccountingSupplierParty) and buyer (AccountingCustomerParty) of a UBL invoice."""

from __future__ import annotations

from lxml import etree

from core.invoicing.model import Address, CompanyProfile, Party
from core.zatca.ubl_xml import cac, cbc


def seller_name(seller: CompanyProfile) -> str:
    """BT-27: the Arabic legal name when there is one, else the English one.

    Invoices must be in Arabic (VAT Implementing Regulations, Article 53), and this name is the one
    the QR code shows (tag 1), so the Arabic name wins whenever the profile has it.
    """
    return seller.legal_name_ar.strip() or seller.legal_name_en.strip()


def _address(parent: etree._Element, address: Address) -> None:
    """PostalAddress in UBL's element order; empty parts are left out (a foreign address has fewer)."""
    element = cac(parent, "PostalAddress")
    parts = (
        ("StreetName", address.street),
        ("BuildingNumber", address.building_number),
        ("PlotIdentification", address.additional_number),  # KSA-23/KSA-19, the additional number
        ("CitySubdivisionName", address.district),
        ("CityName", address.city),
        ("PostalZone", address.postal_code),
        ("CountrySubentity", address.province),
    )
    for name, value in parts:
        if value:
            cbc(element, name, value)
    country = cac(element, "Country")
    cbc(country, "IdentificationCode", address.country)


def _tax_scheme(parent: etree._Element, vat_number: str) -> None:
    scheme = cac(parent, "PartyTaxScheme")
    cbc(scheme, "CompanyID", vat_number)
    tax = cac(scheme, "TaxScheme")
    cbc(tax, "ID", "VAT")


def _legal_name(parent: etree._Element, name: str) -> None:
    entity = cac(parent, "PartyLegalEntity")
    cbc(entity, "RegistrationName", name)


def add_seller(root: etree._Element, seller: CompanyProfile) -> None:
    """CRN (BT-29, schemeID CRN), national address, VAT number (BT-31) and legal name (BT-27)."""
    party = cac(cac(root, "AccountingSupplierParty"), "Party")
    if seller.commercial_registration:
        identification = cac(party, "PartyIdentification")
        cbc(identification, "ID", seller.commercial_registration, schemeID="CRN")
    _address(party, seller.address)
    _tax_scheme(party, seller.vat_number)
    _legal_name(party, seller_name(seller))


def add_buyer(root: etree._Element, buyer: Party | None) -> None:
    """The buyer; a simplified document without one keeps an empty AccountingCustomerParty, as the SDK does."""
    customer = cac(root, "AccountingCustomerParty")
    if buyer is None:
        return
    party = cac(customer, "Party")
    if buyer.id_scheme is not None and buyer.id_value:
        identification = cac(party, "PartyIdentification")
        cbc(identification, "ID", buyer.id_value, schemeID=buyer.id_scheme.value)  # BT-46
    if buyer.address is not None:
        _address(party, buyer.address)
    if buyer.vat_number:
        _tax_scheme(party, buyer.vat_number)  # BT-48
    if buyer.name:
        _legal_name(party, buyer.name)  # BT-44
