"""ZATCA rules on the seller and the buyer: VAT numbers, other identifiers, national addresses, contacts, names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.invoicing.codelists import PAYMENT_MEANS_CODES
from core.zatca.xml_rules import (
    Doc,
    Element,
    Hit,
    any_ne_empty,
    check,
    in_code_list,
    kid,
    kids,
    nsp,
    slen,
    sv,
    txt,
)
from core.zatca.xml_rules_dates import xs_date

SELLER = "cac:AccountingSupplierParty/cac:Party"
BUYER = "cac:AccountingCustomerParty/cac:Party"
BUYER_ADDRESS = f"{BUYER}/cac:PostalAddress"
_SUPPLIER_TAG = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}AccountingSupplierParty"
_SELLER_SCHEMES = ("CRN", "MOM", "MLS", "700", "SAG", "OTH")
_BUYER_SCHEMES = ("TIN", "CRN", "MOM", "MLS", "700", "SAG", "NAT", "GCC", "IQA", "OTH", "PAS")
# BR-KSA-16: the UNTDID 4461 subset ZATCA accepts, in the `contains(' list ', ' code ')` form the rule tests.
PAYMENT_MEANS = " " + " ".join(sorted(PAYMENT_MEANS_CODES)) + " "
_VAT = re.compile(r"[0-9]{15}")
_FIVE = re.compile(r"[0-9]{5}")
_FOUR = re.compile(r"[0-9]{4}")
_PHONE = re.compile(r"(?:0|\+)[0-9]{4,15}")
_ALL_DIGITS = re.compile(r"\d+")
_RUNS = re.compile(r"01234567|12345678|23456789|76543210|87654321|98765432|([0-9])\1{7}")


def _only_ascii_digits(s: str) -> bool:
    """not(translate(s, '0123456789', '')): nothing is left once the digits are removed."""
    return all(c in "0123456789" for c in s)


def _first(d: Doc, path: str) -> str | None:
    """The string value of the first node at `//path`, or None."""
    nodes = d.under(path)
    return sv(nodes[0]) if nodes else None


@check
def party_identifiers(d: Doc) -> Iterator[Hit]:
    """BR-KSA-F-08/09/12/13 on each AccountingSupplierParty and AccountingCustomerParty."""
    for party in d.all("cac:AccountingSupplierParty") + d.all("cac:AccountingCustomerParty"):
        ids = kids(party, "cac:Party/cac:PartyIdentification/cbc:ID")
        if ids:
            value, scheme = sv(ids[0]), nsp(ids[0].get("schemeID"))
            if scheme == "CRN" and not (len(nsp(value)) == 10 and _only_ascii_digits(value)):
                yield "BR-KSA-F-08", party
            if scheme == "700" and not (
                nsp(value).startswith("7") and len(nsp(value)) == 10 and _only_ascii_digits(value)
            ):
                yield "BR-KSA-F-09", party
        allowed = _SELLER_SCHEMES if party.tag == _SUPPLIER_TAG else _BUYER_SCHEMES
        raw = ids[0].get("schemeID") or "" if ids else ""
        if raw and nsp(raw).upper() in allowed and raw != nsp(raw):
            yield "BR-KSA-F-12", party
        listed = [i for i in ids if nsp(i.get("schemeID")).upper() in allowed]
        if any(_ALL_DIGITS.fullmatch(nsp(sv(i))) and _RUNS.search(nsp(sv(i))) for i in listed):
            yield "BR-KSA-F-13", party


@check
def seller(d: Doc) -> Iterator[Hit]:
    root = d.root
    ids = d.children(f"{SELLER}/cac:PartyIdentification/cbc:ID")
    scheme = nsp(ids[0].get("schemeID")) if ids else ""
    # contains('CRN MOM MLS SAG OTH 700', scheme) is a substring test, kept as such.
    if not (ids and len(scheme) > 2 and scheme in "CRN MOM MLS SAG OTH 700"):
        yield "BR-KSA-08", root
    vat_scheme = any(nsp(txt(s, "cbc:ID")) == "VAT" for s in d.children(f"{SELLER}/cac:PartyTaxScheme/cac:TaxScheme"))
    if not (any_ne_empty(d.children(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID")) and vat_scheme):
        yield "BR-KSA-39", root
    seller_vat = [sv(n) for n in d.children(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID")]
    buyer_vat = [sv(n) for n in d.children(f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID")]
    if any(seller_vat) and any(buyer_vat) and set(seller_vat) & set(buyer_vat):
        yield "BR-CUSTOM-VALIDATION-01", root
    company_ids = d.under(f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID")
    for scheme_node in d.under(f"{SELLER}/cac:PartyTaxScheme/cac:TaxScheme"):
        if company_ids and any(sv(i) == "VAT" for i in kids(scheme_node, "cbc:ID")):
            vat = sv(company_ids[0])
            if not (_VAT.fullmatch(vat) and vat.startswith("3") and vat.endswith("3")):
                yield "BR-KSA-40", scheme_node
    for party in d.under(SELLER):
        if not _FOUR.fullmatch(txt(party, "cac:PostalAddress/cbc:BuildingNumber") or ""):
            yield "BR-KSA-37", party


@check
def seller_address(d: Doc) -> Iterator[Hit]:
    buyer_extra = _first(d, f"{BUYER_ADDRESS}/cbc:AdditionalStreetName")
    for address in d.under(f"{SELLER}/cac:PostalAddress"):
        street = txt(address, "cbc:StreetName")
        if street is not None and not 1 <= len(street) <= 1000:
            yield "BR-KSA-F-06-C4", address
        parts = ("cbc:StreetName", "cbc:BuildingNumber", "cbc:CityName", "cbc:PostalZone", "cbc:CitySubdivisionName")
        if not all(kid(address, p) is not None for p in (*parts, "cac:Country/cbc:IdentificationCode")):
            yield "BR-KSA-09", address
        if slen(buyer_extra) > 127:
            yield "BR-KSA-F-06-C11", address
        city = txt(address, "cbc:CityName")
        if city is not None and not 1 <= len(city) <= 127:
            yield "BR-KSA-F-06-C7", address
        if slen(txt(address, "cbc:AdditionalStreetName")) > 127:
            yield "BR-KSA-F-06-C6", address
        if not _FIVE.fullmatch(txt(address, "cbc:PostalZone") or "-"):
            yield "BR-KSA-66", address


@check
def buyer(d: Doc) -> Iterator[Hit]:
    for ident in d.under(f"{BUYER}/cac:PartyIdentification/cbc:ID"):
        yield from _buyer_identifier(ident)
    for party in d.under(BUYER):
        if d.standard and not any_ne_empty(kids(party, "cac:PartyLegalEntity/cbc:RegistrationName")):
            yield "BR-KSA-42", party
    company_ids = d.under(f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID")
    for node in company_ids:
        vat = sv(company_ids[0])
        if d.standard and nsp(vat) == "":
            yield "BR-KSA-99", node
        if vat and not (_VAT.fullmatch(vat) and vat.startswith("3") and vat.endswith("3")):
            yield "BR-KSA-44", node
    no_buyer_vat = d.child(f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID") is None
    if d.standard and no_buyer_vat and nsp(txt(d.root, f"{BUYER}/cac:PartyIdentification/cbc:ID")) == "":
        yield "BR-KSA-81", d.root
    for contact in d.under(f"{BUYER}/cac:Contact"):
        phone = _first(d, f"{BUYER}/cac:Contact/cbc:Telephone")
        if phone and not _PHONE.fullmatch(phone):
            yield "BR-KSA-85", contact
        if slen(_first(d, f"{BUYER}/cac:Contact/cbc:Name")) > 1000:
            yield "BR-KSA-F-06-C37", contact
        if slen(_first(d, f"{BUYER}/cac:Contact/cbc:Note")) > 1000:
            yield "BR-KSA-F-06-C38", contact


def _buyer_identifier(ident: Element) -> Iterator[Hit]:
    scheme, value = nsp(ident.get("schemeID")), sv(ident)
    if not (len(scheme) > 2 and scheme in "TIN NAT IQA PAS CRN MOM MLS 700 SAG GCC OTH"):
        yield "BR-KSA-14", ident
    ten_digits = len(nsp(value)) == 10 and _only_ascii_digits(value)
    for code, first, rule in (("TIN", "3", "BR-KSA-F-07"), ("NAT", "1", "BR-KSA-F-10"), ("IQA", "2", "BR-KSA-F-11")):
        if scheme == code and not (ten_digits and nsp(value).startswith(first)):
            yield rule, ident


@check
def buyer_saudi_address(d: Doc) -> Iterator[Hit]:
    """Rules whose official context is the buyer's country element when it reads 'SA' (BR-KSA-63 and others)."""
    countries = [
        c
        for c in d.under(f"{BUYER_ADDRESS}/cac:Country")
        if any(sv(i) == "SA" for i in kids(c, "cbc:IdentificationCode"))
    ]
    for country in countries:
        if d.standard:
            parts = ("StreetName", "BuildingNumber", "PostalZone", "CityName", "CitySubdivisionName")
            values = [_first(d, f"{BUYER_ADDRESS}/cbc:{p}") for p in parts]
            values.append(_first(d, f"{BUYER_ADDRESS}/cac:Country/cbc:IdentificationCode"))
            if any(v is None or nsp(v) == "" for v in values):
                yield "BR-KSA-63", country
            district = _first(d, f"{BUYER_ADDRESS}/cbc:CitySubdivisionName")
            if district is None or len(district) < 1:
                yield "BR-KSA-F-06-C28", country
            if slen(district) > 127:
                yield "BR-KSA-F-06-C29", country
        seller_district = _first(d, f"{SELLER}/cac:PostalAddress/cbc:CitySubdivisionName")
        if seller_district is not None and not 1 <= len(seller_district) <= 127:
            yield "BR-KSA-F-06-C9", country
        if d.standard:
            buyer_countries = [sv(n) for n in d.under(f"{BUYER_ADDRESS}/cac:Country/cbc:IdentificationCode")]
            if "SA" in buyer_countries and not _FIVE.fullmatch(_first(d, f"{BUYER_ADDRESS}/cbc:PostalZone") or "-"):
                yield "BR-KSA-67", country
        if d.name_matches(r"02\d{3}1\d") and not (d.all("cbc:ActualDeliveryDate") and d.all("cbc:LatestDeliveryDate")):
            yield "BR-KSA-72", country


@check
def buyer_on_typed_documents(d: Doc) -> Iterator[Hit]:
    """Rules whose official context is an InvoiceTypeCode whose KSA-2 name starts with 01 or 02."""
    codes = [c for c in d.all("cbc:InvoiceTypeCode") if (c.get("name") or "")[:2] in ("01", "02")]
    simplified_code = any(re.search(r"02\d{5}", c.get("name") or "") for c in d.all("cbc:InvoiceTypeCode"))
    street, city = _first(d, f"{BUYER_ADDRESS}/cbc:StreetName"), _first(d, f"{BUYER_ADDRESS}/cbc:CityName")
    country = _first(d, f"{BUYER_ADDRESS}/cac:Country/cbc:IdentificationCode")
    name = _first(d, f"{BUYER}/cac:PartyLegalEntity/cbc:RegistrationName")
    note, account = (
        _first(d, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:PaymentNote"),
        _first(d, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
    )
    for code in codes:
        if d.standard and (street is None or not 1 <= len(street) <= 1000):
            yield "BR-KSA-F-06-C23", code
        if d.standard and (city is None or len(city) < 1):
            yield "BR-KSA-F-06-C25", code
        if simplified_code and name is not None and len(name) > 1000:
            yield "BR-KSA-F-06-C32", code
        if d.standard and name is not None and not 1 <= len(name) <= 1000:
            yield "BR-KSA-F-06-C12", code
        if note is not None and not 1 <= len(note) <= 1000:
            yield "BR-KSA-F-06-C14", code
        if simplified_code and street is not None and len(street) > 1000:
            yield "BR-KSA-F-06-C24", code
        if slen(city) > 127:
            yield "BR-KSA-F-06-C26", code
        if d.standard and not (slen(country) > 0 and slen(street) > 0 and slen(city) > 0):
            yield "BR-KSA-10", code
        if slen(account) > 127:
            yield "BR-KSA-F-06-C15", code
        for means_code in d.under("cac:PaymentMeans/cbc:PaymentMeansCode"):
            if not in_code_list(sv(means_code), PAYMENT_MEANS):
                yield "BR-KSA-16", means_code


@check
def supply_period(d: Doc) -> Iterator[Hit]:
    """BR-KSA-35/36: a supply end date needs a supply start date on or before it."""
    for end in d.under("cac:Delivery/cbc:LatestDeliveryDate"):
        parent = end.getparent()
        start = kid(parent, "cbc:ActualDeliveryDate")
        if start is None or nsp(sv(start)) == "":
            yield "BR-KSA-35", end
            continue
        if _strict_date(sv(start)) and _strict_date(sv(end)):
            first, last = xs_date(sv(start)), xs_date(sv(end))
            if first is not None and last is not None and not last >= first:
                yield "BR-KSA-36", end


_STRICT_DATE = re.compile(
    r"((18|19|20)[0-9]{2}[\-](0[13578]|1[02])[\-](0[1-9]|[12][0-9]|3[01]))|(18|19|20)[0-9]{2}[\-](0[469]|11)[\-]"
    r"(0[1-9]|[12][0-9]|30)|(18|19|20)[0-9]{2}[\-](02)[\-](0[1-9]|1[0-9]|2[0-8])|(((18|19|20)(04|08|[2468][048]|"
    r"[13579][26]))|2000)[\-](02)[\-]29"
)


def _strict_date(s: str) -> bool:
    """BR-KSA-36's own date shape test: ten characters containing a calendar date of 1800-2099."""
    return len(s) == 10 and _STRICT_DATE.search(s) is not None
