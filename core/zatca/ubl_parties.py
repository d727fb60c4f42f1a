"""The seller (AccountingSupplierParty) and buyer (AccountingCustomerParty) of a UBL invoice."""

from __future__ import annotations

from core.invoicing.model import Address, CompanyProfile, Party
from core.zatca.ubl_xml import Ubl, attributes


def seller_name(seller: CompanyProfile) -> str:
    """BT-27: the Arabic legal name when there is one, else the English one.

    Invoices must be in Arabic (VAT Implementing Regulations, Article 53), and this name is the one
    the QR code shows (tag 1), so the Arabic name wins whenever the profile has it.
    """
    return seller.legal_name_ar.strip() or seller.legal_name_en.strip()


def _address(w: Ubl, address: Address) -> None:
    """PostalAddress in UBL's element order; empty parts are left out (a foreign address has fewer)."""
    with w.cac("PostalAddress"):
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
                w.cbc(name, value)
        with w.cac("Country"):
            w.cbc("IdentificationCode", address.country)


def _tax_scheme(w: Ubl, vat_number: str) -> None:
    with w.cac("PartyTaxScheme"):
        w.cbc("CompanyID", vat_number)
        with w.cac("TaxScheme"):
            w.cbc("ID", "VAT")


def _legal_name(w: Ubl, name: str) -> None:
    with w.cac("PartyLegalEntity"):
        w.cbc("RegistrationName", name)


def add_seller(w: Ubl, seller: CompanyProfile) -> None:
    """Seller id (BT-29 with its scheme, BR-KSA-08), national address, VAT number (BT-31), legal name (BT-27)."""
    with w.cac("AccountingSupplierParty"), w.cac("Party"):
        if seller.id_value:
            with w.cac("PartyIdentification"):
                w.cbc("ID", seller.id_value, attributes(schemeID=seller.id_scheme.value))
        _address(w, seller.address)
        _tax_scheme(w, seller.vat_number)
        _legal_name(w, seller_name(seller))


def add_buyer(w: Ubl, buyer: Party | None) -> None:
    """The buyer; a simplified document without one keeps an empty AccountingCustomerParty, as the SDK does."""
    with w.cac("AccountingCustomerParty"):
        if buyer is None:
            return
        with w.cac("Party"):
            if buyer.id_scheme is not None and buyer.id_value:
                with w.cac("PartyIdentification"):
                    w.cbc("ID", buyer.id_value, attributes(schemeID=buyer.id_scheme.value))  # BT-46
            if buyer.address is not None:
                _address(w, buyer.address)
            if buyer.vat_number:
                _tax_scheme(w, buyer.vat_number)  # BT-48
            if buyer.name:
                _legal_name(w, buyer.name)  # BT-44
