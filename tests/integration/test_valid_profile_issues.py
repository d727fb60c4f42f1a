"""Issue 12 point 5, "a valid profile can always issue": whatever profile, customer, product and draft the entry rules
accept, Qayd issues it, on the real store with the demo EGS unit, as well-formed XML that the official XSD accepts,
with a valid stamp and a QR code whose fields decode back to the document's. Texts are drawn from all of Unicode
(Arabic, emoji, XML's special characters, controls, non-characters), so the rules' limits are found from both sides.
"""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from core.errors import NotFoundError
from core.findings import Finding, errors_in
from core.invoicing.model import (
    Address,
    CompanyProfile,
    Customer,
    CustomerKind,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    Product,
    VatCategory,
)
from core.invoicing.rules import validate, validate_company, validate_customer, validate_product
from core.invoicing.service import create_company, get_company, import_drafts, update_company
from core.uow import Context, UnitOfWork
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_imported, issued_xml
from core.zatca.qr import decode_tlv, document_fields
from core.zatca.verify import verify_stamp
from tests.support.schematron import official_xsd, schematron_errors

# Mostly what people type (Arabic, Latin, digits, XML's own characters, spaces and line breaks), now and then
# anything at all: controls, C1, non-characters, astral characters. Surrogates cannot be drawn by hypothesis
# (category Cs); the entry rules' tests cover them.
_TYPED = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأإة٠١٢٣٤٥٦٧٨٩") + list("abcXYZ0129 -.,'&<>\"/\t\n"))
_ANY = st.characters(exclude_categories=["Cs"])


def text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Typed text in 19 fields of 20; in the 20th, any character may come (most such records are refused)."""
    typed = st.text(_TYPED, min_size=min_size, max_size=max_size)
    anything = st.text(st.one_of(_TYPED, _ANY), min_size=min_size, max_size=max_size)
    return st.integers(0, 19).flatmap(lambda n: anything if n == 0 else typed)


def long_text(limit: int) -> st.SearchStrategy[str]:
    """Short usually, sometimes right at or past the field's limit (`limit` characters, or 255 bytes for the QR)."""
    at_limit = st.tuples(st.text(_TYPED, min_size=1, max_size=3), st.integers(limit - 2, limit + 2)).map(
        lambda drawn: (drawn[0] * (drawn[1] + 2))[: drawn[1]])  # little entropy for a long text
    return st.one_of(text(1, 40), text(1, 40), at_limit)


VAT = st.from_regex(r"3[0-9]{13}3", fullmatch=True)
DIGITS = {n: st.from_regex(f"[0-9]{{{n}}}", fullmatch=True) for n in (4, 5, 10)}


@st.composite
def addresses(draw: st.DrawFn) -> Address:
    return Address(street=draw(long_text(1000)), building_number=draw(DIGITS[4]), district=draw(long_text(127)),
                   city=draw(long_text(127)), postal_code=draw(DIGITS[5]), country="SA",
                   additional_number=draw(st.one_of(st.just(""), DIGITS[4])))


@st.composite
def profiles(draw: st.DrawFn) -> CompanyProfile:
    return CompanyProfile(legal_name_ar=draw(long_text(128)), legal_name_en=draw(long_text(255)),
                          vat_number=draw(VAT), id_value=draw(DIGITS[10]), address=draw(addresses()))


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    return Customer(name=draw(long_text(1000)), kind=CustomerKind.BUSINESS, name_ar=draw(text()),
                    vat_number=draw(VAT), address=draw(addresses()))


@st.composite
def products(draw: st.DrawFn) -> Product:
    price = draw(st.decimals(Decimal("0.01"), Decimal("99999999.99"), places=2))
    return Product(name=draw(long_text(1000)), unit_price=price, name_ar=draw(text()), sku=draw(text(0, 20)))


@st.composite
def documents(draw: st.DrawFn) -> tuple[CompanyProfile, Customer, Product, DocumentKind, int, str]:
    kind = draw(st.sampled_from([DocumentKind.STANDARD, DocumentKind.SIMPLIFIED]))
    return (draw(profiles()), draw(customers()), draw(products()), kind, draw(st.integers(1, 999)),
            draw(st.one_of(st.just(""), long_text(1000))))


SEED = CompanyProfile(legal_name_ar="شركة البذرة", legal_name_en="Seed Co", vat_number="300000000000003",
                      id_value="1010101010",
                      address=Address("Olaya St", "1234", "Al Olaya", "Riyadh", "12211"))
NUMBERS = itertools.count(1)


def accepted(findings: list[Finding]) -> bool:
    return not errors_in(findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much,
                                                                  HealthCheck.too_slow])
@given(case=documents())
def test_whatever_the_entry_rules_accept_issues_and_reads_back(
    ctx: Context, case: tuple[CompanyProfile, Customer, Product, DocumentKind, int, str]
) -> None:
    profile, customer, product, kind, quantity, note = case
    assume(accepted(validate_company(profile)) and accepted(validate_customer(customer)))
    assume(accepted(validate_product(product)))
    line = InvoiceLine(name=product.name, quantity=Decimal(quantity), unit_price=product.unit_price,
                       vat_category=product.vat_category, vat_rate=product.vat_rate)
    draft = InvoiceDraft(kind=kind, type=DocumentType.INVOICE, number=f"P-{next(NUMBERS)}",
                         issue_datetime=datetime(2026, 11, 25, 6, 0, tzinfo=UTC), lines=(line,),
                         supply_date=datetime(2026, 11, 25).date(), buyer=customer.as_party(), note=note)
    assume(accepted(validate(draft, seller=profile, now=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))))
    with ctx.uow() as uow:
        if not _has_profile(uow):
            create_company(uow, SEED)
        uow.commit()
    if not _has_unit(ctx):
        add_demo_egs(ctx, issue=0)
    with ctx.uow() as uow:
        update_company(uow, profile)
        stored = import_drafts(uow, [draft], rules_checked=True)
        (info,) = issue_imported(uow, stored.drafts)
        uow.commit()
    with ctx.uow(write=False) as uow:
        xml, _, _ = issued_xml(uow, draft.number)
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))  # well-formed
    xsd = official_xsd()
    assert xsd.validate(root), xsd.error_log
    assert verify_stamp(xml) == []
    assert schematron_errors(xml) == set()  # ZATCA's own rules, the independent oracle
    tags = decode_tlv(info.qr)
    name, vat, timestamp, payable, vat_total = document_fields(root)
    assert tags[1].decode("utf-8") == name == (profile.legal_name_ar.strip() or profile.legal_name_en.strip())
    assert (tags[2].decode(), tags[3].decode(), tags[4].decode(), tags[5].decode()) == (
        vat, timestamp, payable, vat_total)
    assert vat == profile.vat_number


def _has_profile(uow: UnitOfWork) -> bool:
    try:
        get_company(uow)
    except NotFoundError:
        return False
    return True


def _has_unit(ctx: Context) -> bool:
    with sqlite3.connect(ctx.db.path) as conn:
        return bool(conn.execute("SELECT count(*) FROM egs_unit").fetchone()[0])


def test_a_document_at_every_limit_passes_the_official_rules(ctx: Context) -> None:
    """The independent oracle: ZATCA's own XSD and schematrons on a simplified invoice at the limits the entry
    rules allow: a 254-byte Arabic seller name (the QR's tag 1 nearly full, so the QR is at its longest),
    1,000-character texts full of XML's special characters, tabs and line breaks, the largest amounts."""
    name = "ش" * 127
    profile = dataclasses.replace(SEED, legal_name_ar=name, address=dataclasses.replace(
        SEED.address, street="<&>\t\n" * 200, city="م" * 127, district="'\"" * 63))
    line = InvoiceLine(name="&<>\"' صنف\n" * 100, quantity=Decimal("9999"), unit_price=Decimal("99999999.99"),
                       vat_category=VatCategory.STANDARD, vat_rate=Decimal("15"))
    draft = InvoiceDraft(kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number="LIMIT-" + "9" * 121,
                         issue_datetime=datetime(2026, 11, 25, 6, 0, tzinfo=UTC), lines=(line,),
                         supply_date=datetime(2026, 11, 25).date(), note="\t&<\n" * 250)
    assert errors_in(validate_company(profile)) == []
    assert errors_in(validate(draft, seller=profile, now=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))) == []
    with ctx.uow() as uow:
        create_company(uow, profile)
        uow.commit()
    add_demo_egs(ctx, issue=0)
    with ctx.uow() as uow:
        (info,) = issue_imported(uow, import_drafts(uow, [draft], rules_checked=True).drafts)
        uow.commit()
    with ctx.uow(write=False) as uow:
        xml, _, _ = issued_xml(uow, draft.number)
    assert decode_tlv(info.qr)[1].decode("utf-8") == name and 700 < len(info.qr) <= 1000  # BR-CL-KSA-14
    assert official_xsd().validate(etree.fromstring(xml))
    assert schematron_errors(xml) == set()
