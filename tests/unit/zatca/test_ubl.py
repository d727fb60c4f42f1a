"""The UBL invoice writer: every kind of document passes the official XSD and ZATCA's schematrons, figures included."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pytest
from lxml import etree

from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CompanyProfile,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Party,
    PrepaymentRef,
    VatCategory,
)
from core.invoicing.rules import validate
from core.invoicing.totals import compute_totals
from core.zatca.signing import SigningIdentity, stamp
from core.zatca.ubl import DocumentIds, build_invoice, serialize, transaction_code
from core.zatca.ubl_xml import NSMAP
from core.zatca.verify import verify_stamp
from tests.support.schematron import SHARED, Assertion, official_xsd, run_schematron

D = Decimal
S, Z, EX, OOS = VatCategory.STANDARD, VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.OUT_OF_SCOPE
KSA = timezone(timedelta(hours=3))
ISSUED = datetime(2025, 6, 15, 14, 5, 9, tzinfo=KSA)
NOW = ISSUED + timedelta(hours=1)
FIRST_PIH = "NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ=="
IDS = DocumentIds(uuid=uuid.UUID("8d487816-70b8-4ade-a618-9d620b73814a"), icv=23, pih=FIRST_PIH)
CERTS = SHARED / "sdk" / "Data" / "Certificates"
NS = {"cac": NSMAP["cac"], "cbc": NSMAP["cbc"], "ext": NSMAP["ext"]}
# Only a stamped simplified document can carry the QR code and the stamp; BR-KSA-98 compares the
# fixed issue date with today's date.
UNSIGNED_SIMPLIFIED = {"BR-KSA-27", "BR-KSA-60"}
TIME_DEPENDENT = {"BR-KSA-98"}

SELLER = CompanyProfile(
    "شركة قيد للبرمجيات المحدودة", "Qayd Software Co. Ltd", "399999999900003", "1010010000",
    address=Address(
        "الأمير سلطان | Prince Sultan", "2322", "المربع | Al-Murabba", "الرياض | Riyadh", "23333", "SA",
        additional_number="8228", province="منطقة الرياض",
    ),
)  # fmt: skip
SA_ADDRESS = Address("صلاح الدين | Salah Al-Din", "1111", "المروج | Al-Murooj", "الرياض | Riyadh", "12222", "SA")
BUYER = Party("شركة نماذج فاتورة المحدودة | Fatoora Samples LTD", vat_number="399999999800003", address=SA_ADDRESS)
US_ADDRESS = Address("Canadian Street", "", "", "Houston", "77001", "US")
FOREIGN_BUYER = Party("Florida Steel Factory", id_scheme=IdScheme.OTH, id_value="USxxxxxxxx1", address=US_ADDRESS)


def line(name: str = "Laptop | حاسوب محمول", qty: str = "1", price: str = "100", **changes: Any) -> InvoiceLine:
    base = InvoiceLine(name, D(qty), D(price), S, D("15"))
    return replace(base, **changes)


def doc(**changes: Any) -> InvoiceDraft:
    base = InvoiceDraft(
        kind=DocumentKind.STANDARD, type=DocumentType.INVOICE, number="INV-2025-0001", issue_datetime=ISSUED,
        supply_date=date(2025, 6, 14), buyer=BUYER, lines=(line(qty="2", price="1000"),), payment_means="10",
    )  # fmt: skip
    return replace(base, **changes)


def simplified(**changes: Any) -> InvoiceDraft:
    return doc(**({"kind": DocumentKind.SIMPLIFIED, "buyer": None, "supply_date": None} | changes))


def note(kind: DocumentType, **changes: Any) -> InvoiceDraft:
    reason = "Goods returned | إرجاع بضاعة" if kind is DocumentType.CREDIT_NOTE else "Price amended | تعديل السعر"
    defaults = {"type": kind, "number": "CN-2025-0001", "billing_reference": "INV-2025-0001", "reason": reason}
    return doc(**(defaults | changes))


def exempt(category: VatCategory, code: str, text: str) -> dict[str, Any]:
    return {"vat_category": category, "vat_rate": D("0"), "exemption_reason_code": code, "exemption_reason": text}


ZERO_MEDICINE = exempt(Z, "VATEX-SA-35", "Medicines and medical equipment | الأدوية والمعدات الطبية")
EXEMPT_INSURANCE = exempt(EX, "VATEX-SA-29-7", "Life insurance services mentioned in Article 29 of the VAT Regulations")
OUT_OF_SCOPE = exempt(OOS, "VATEX-SA-OOS", "Services outside scope of tax / Not subject to VAT")
EXPORT = exempt(Z, "VATEX-SA-32", "Export of goods | صادرات السلع من المملكة")
ADVANCE = PrepaymentRef(
    "ADV-2025-0007", datetime(2025, 5, 15, 12, 28, 17, tzinfo=KSA), D("1000.00"), D("150.00"),
    document_uuid=uuid.UUID("a79760f7-2f48-4da9-85a5-40459a147c80"),
    name="Advance received for Laptop | دفعة مقدمة لحاسوب محمول",
)  # fmt: skip
DISCOUNT = AllowanceCharge(D("100.00"), S, D("15"), reason="Loyalty discount", reason_code="95")
FREIGHT = AllowanceCharge(D("60.00"), S, D("15"), reason="Freight", reason_code="FC", is_charge=True)

DOCUMENTS: dict[str, InvoiceDraft] = {
    "standard invoice": doc(
        lines=(line(qty="3", price="250", discount=D("25.50")), line("Mouse | فأرة", "2.5", "19.99")),
        allowances=(DISCOUNT, FREIGHT), note="Thank you | شكراً",
    ),
    "standard credit note": note(DocumentType.CREDIT_NOTE),
    "standard debit note": note(DocumentType.DEBIT_NOTE),
    "simplified invoice": simplified(lines=(line(qty="33", price="3"), line("Pen | قلم", "3", "34"))),
    "simplified invoice with a buyer": simplified(
        buyer=Party("Ahmad Ali", kind=CustomerKind.INDIVIDUAL, id_scheme=IdScheme.NAT, id_value="1029384755")
    ),
    "simplified credit note": replace(note(DocumentType.CREDIT_NOTE), kind=DocumentKind.SIMPLIFIED, buyer=None),
    "simplified debit note": replace(note(DocumentType.DEBIT_NOTE), kind=DocumentKind.SIMPLIFIED, buyer=None),
    "third party": doc(third_party=True),
    "nominal supply (standard)": doc(nominal=True, lines=(line("Gift | هدية", price="300"),)),
    "nominal supply (simplified)": simplified(nominal=True, lines=(line("Gift | هدية", price="300"),)),
    "export in USD": doc(
        export=True, buyer=FOREIGN_BUYER, currency="USD", exchange_rate=D("3.75"), payment_means="30",
        lines=(line("Printing equipment | آلة طباعة", price="15000", **EXPORT),),
    ),
    "summary (standard)": doc(
        summary=True, supply_date=date(2025, 5, 1), supply_end_date=date(2025, 5, 31),
        lines=(line("Equipment hire May | تأجير المعدات", price="5000"), line("Spare parts", "2", "800")),
    ),
    "summary (simplified)": simplified(
        summary=True, supply_date=date(2025, 5, 1), supply_end_date=date(2025, 5, 31),
        buyer=Party("Ahmad Ali", kind=CustomerKind.INDIVIDUAL),
    ),
    "self-billed": doc(self_billed=True, lines=(line("Laundry services | خدمات غسيل", "10", "25"),)),
    "zero rated": simplified(lines=(line("Medicine | الدواء", price="50", **ZERO_MEDICINE), line(price="21.74"))),
    "exempt": doc(
        supply_date=date(2025, 6, 1), supply_end_date=date(2026, 5, 31),
        lines=(line("Medical insurance", price="2000"), line("Life insurance", price="1000", **EXEMPT_INSURANCE)),
    ),
    "out of scope": doc(lines=(line("Exit and re-entry visa fees paid to MOI", price="500", **OUT_OF_SCOPE),)),
    # As the SDK sample "Out of Scope Standard Tax Invoice": O beside S (and here Z and E), with an O charge.
    "out of scope beside other categories": simplified(
        lines=(line("Disbursement of visa fees", price="500", **OUT_OF_SCOPE), line("Service fee", price="43.48"),
               line("Medicine", price="50", **ZERO_MEDICINE), line("Life insurance", price="10", **EXEMPT_INSURANCE)),
        allowances=(replace(FREIGHT, reason="Courier", vat_rate=D("0"), **{
            k: v for k, v in OUT_OF_SCOPE.items() if k != "vat_rate"}),),
    ),
    "allowances and charges in several categories": doc(
        lines=(line(price="2000", discount=D("10")), line("Medicine", price="500", **ZERO_MEDICINE)),
        allowances=(DISCOUNT, FREIGHT, AllowanceCharge(D("20"), Z, D("0"), reason="Early payment", reason_code="95"),
                    AllowanceCharge(D("5"), Z, D("0"), reason="Packing", reason_code="ABL", is_charge=True)),
    ),
    "reduced rate": doc(lines=(line("Qualified residential supply", price="999.99", vat_rate=D("5")),)),
    "prepayment adjustment": doc(lines=(line(price="2000"),), allowances=(DISCOUNT,), prepayments=(ADVANCE,)),
    "prepayment at a different rate": doc(
        lines=(line(price="2000"),), prepayments=(replace(ADVANCE, vat_rate=D("5"), tax_amount=D("50.00")),)
    ),
    "two prepayments, simplified": simplified(
        lines=(line(price="2000"),),
        prepayments=(ADVANCE, replace(ADVANCE, number="ADV-2025-0008", document_uuid=None, name="")),
    ),
    "prepayment in USD": doc(
        currency="USD", exchange_rate=D("3.75"), lines=(line(price="2000"),), allowances=(DISCOUNT,),
        prepayments=(ADVANCE,),
    ),
    "USD with odd exchange rate": doc(currency="USD", exchange_rate=D("3.751234"), lines=(line("Fee", "7", "13.37"),)),
    "payable rounding": doc(lines=(line(price="869.57"),), payable_rounding=D("-0.01")),
    "buyer identified by TIN": doc(buyer=replace(BUYER, vat_number="", id_scheme=IdScheme.TIN, id_value="3102938475")),
    "price with more than two decimals": doc(lines=(line("Screws", "1000", "0.125", unit_code="H87"),)),
}


def _xml(draft: InvoiceDraft, seller: CompanyProfile = SELLER) -> bytes:
    return serialize(build_invoice(draft, seller, IDS))


def _root(draft: InvoiceDraft) -> etree._Element:
    return build_invoice(draft, SELLER, IDS)


def _texts(element: etree._Element, *paths: str) -> tuple[str, ...]:
    return tuple(element.findtext(path, namespaces=NS) for path in paths)


def _decimals(element: etree._Element, *paths: str) -> tuple[Decimal, ...]:
    """Each path's single amount, 0 for an absent optional one."""
    return tuple(D(element.findtext(path, default="0", namespaces=NS)) for path in paths)


def _report(found: list[Assertion]) -> str:
    return "\n".join(f"{a.rule} [{a.flag}] {a.text} at {a.location}" for a in found)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_drafts_themselves_are_valid(name: str) -> None:
    assert [f for f in validate(DOCUMENTS[name], seller=SELLER, now=NOW) if f.is_error] == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_passes_the_official_xsd(name: str) -> None:
    schema = official_xsd()
    assert schema.validate(etree.fromstring(_xml(DOCUMENTS[name]))), "\n".join(str(e) for e in schema.error_log)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_passes_zatca_schematrons(name: str) -> None:
    """No assertion at all (warnings too, so sloppy output shows) but the stamp's and the time-dependent ones."""
    draft = DOCUMENTS[name]
    allowed = TIME_DEPENDENT | (UNSIGNED_SIMPLIFIED if draft.kind is DocumentKind.SIMPLIFIED else set())
    found = [a for a in run_schematron(_xml(draft)) if a.rule not in allowed]
    assert found == [], _report(found)


TOTALS = [f"cbc:{name}Amount" for name in (
    "LineExtension", "TaxExclusive", "TaxInclusive", "AllowanceTotal", "ChargeTotal", "Prepaid", "PayableRounding",
    "Payable")]  # fmt: skip
SUBTOTAL = ("cac:TaxCategory/cbc:Percent", "cbc:TaxableAmount", "cbc:TaxAmount")
LINE = ("cbc:LineExtensionAmount", "cac:TaxTotal/cbc:TaxAmount", "cac:TaxTotal/cbc:RoundingAmount")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_figures_are_those_of_compute_totals(name: str) -> None:
    draft = DOCUMENTS[name]
    t = compute_totals(draft)
    root = _root(draft)
    assert _decimals(root.find("cac:LegalMonetaryTotal", NS), *TOTALS) == (
        t.line_extension, t.tax_exclusive, t.tax_inclusive, t.allowance_total, t.charge_total, t.prepaid, t.rounding,
        t.payable)  # fmt: skip
    assert _decimals(root, "cac:TaxTotal[1]/cbc:TaxAmount", "cac:TaxTotal[2]/cbc:TaxAmount") == (
        t.tax_total_sar, t.tax_total)  # fmt: skip
    subtotals = root.findall("cac:TaxTotal[2]/cac:TaxSubtotal", NS)
    assert [_texts(s, "cac:TaxCategory/cbc:ID") + _decimals(s, *SUBTOTAL) for s in subtotals] == [
        (b.category.value, b.rate, b.taxable_amount, b.tax_amount) for b in t.breakdown]  # fmt: skip
    supplies = root.xpath("cac:InvoiceLine[not(cac:DocumentReference)]", namespaces=NS)
    assert [_decimals(x, *LINE) for x in supplies] == [(x.net, x.vat, x.gross) for x in t.lines]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_amounts_have_two_decimals_and_the_document_currency(name: str) -> None:
    """Every currencyID is the document's (BR-KSA-CL-02) except BT-111, in SAR."""
    draft = DOCUMENTS[name]
    root = _root(draft)
    in_sar = root.find("cac:TaxTotal/cbc:TaxAmount", NS)
    for node in root.xpath("//*[@currencyID]"):
        assert node.get("currencyID") == ("SAR" if node is in_sar else draft.currency)
        if etree.QName(node).localname != "PriceAmount":  # a unit price keeps extra decimals, tested below
            assert node.text.count(".") == 1 and len(node.text.split(".")[1]) == 2, (node.tag, node.text)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_building_is_deterministic(name: str) -> None:
    first = _xml(DOCUMENTS[name])
    assert _xml(DOCUMENTS[name]) == first
    assert serialize(etree.fromstring(first)) == first  # parsing back and writing again changes nothing


def test_the_document_layout_follows_the_sdk_samples() -> None:
    xml = _xml(DOCUMENTS["standard invoice"])
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl')
    assert b'xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"' in xml
    assert b"\n    <cbc:ProfileID>reporting:1.0</cbc:ProfileID>\n" in xml
    root = etree.fromstring(xml)
    assert [etree.QName(child).localname for child in root][:12] == [
        "ProfileID", "ID", "UUID", "IssueDate", "IssueTime", "InvoiceTypeCode", "Note", "DocumentCurrencyCode",
        "TaxCurrencyCode", "AdditionalDocumentReference", "AdditionalDocumentReference", "AccountingSupplierParty",
    ]  # fmt: skip
    assert not root.xpath("ext:UBLExtensions | cac:Signature", namespaces=NS)
    icv, pih = root.findall("cac:AdditionalDocumentReference", NS)
    assert _texts(icv, "cbc:ID", "cbc:UUID") == ("ICV", "23")
    binary = pih.find("cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS)
    assert (pih.findtext("cbc:ID", namespaces=NS), binary.text) == ("PIH", FIRST_PIH)
    assert binary.get("mimeCode") == "text/plain"
    assert _texts(root, "cbc:UUID", "cbc:IssueDate", "cbc:IssueTime") == (str(IDS.uuid), "2025-06-15", "14:05:09")


def test_issue_time_is_written_in_saudi_time() -> None:
    # Issue 12 point 3 (was: the datetime's own local time): 23:30 UTC is 02:30 the next day in Riyadh.
    root = _root(doc(issue_datetime=datetime(2025, 6, 14, 23, 30, tzinfo=UTC)))
    assert _texts(root, "cbc:IssueDate", "cbc:IssueTime") == ("2025-06-15", "02:30:00")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "0100000"), ({"kind": DocumentKind.SIMPLIFIED}, "0200000"), ({"third_party": True}, "0110000"),
        ({"nominal": True}, "0101000"), ({"export": True}, "0100100"), ({"summary": True}, "0100010"),
        ({"self_billed": True}, "0100001"), ({"third_party": True, "nominal": True, "summary": True}, "0111010"),
    ],
)  # fmt: skip
def test_transaction_code(changes: dict[str, Any], code: str) -> None:
    draft = doc(**changes)
    assert transaction_code(draft) == code
    assert _root(draft).find("cbc:InvoiceTypeCode", NS).get("name") == code


@pytest.mark.parametrize(("kind", "code"), [(DocumentType.CREDIT_NOTE, "381"), (DocumentType.DEBIT_NOTE, "383")])
def test_notes_reference_the_invoice_and_state_the_reason(kind: DocumentType, code: str) -> None:
    draft = note(kind, payment_means="")
    root = _root(draft)
    assert etree.QName(root).localname == "Invoice"
    paths = ("cbc:InvoiceTypeCode", "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
             "cac:PaymentMeans/cbc:PaymentMeansCode", "cac:PaymentMeans/cbc:InstructionNote")  # fmt: skip
    assert _texts(root, *paths) == (code, "INV-2025-0001", "1", draft.reason)  # no means given: 1, "not defined"
    assert [a for a in run_schematron(_xml(draft)) if a.is_error] == []


def test_delivery_dates_and_the_seller() -> None:
    root = _root(DOCUMENTS["exempt"])
    assert _texts(root, "cac:Delivery/cbc:ActualDeliveryDate", "cac:Delivery/cbc:LatestDeliveryDate") == (
        "2025-06-01", "2026-05-31")  # fmt: skip
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert party.find("cac:PartyIdentification/cbc:ID", NS).get("schemeID") == "CRN"
    paths = ("cac:PartyLegalEntity/cbc:RegistrationName", "cac:PartyTaxScheme/cbc:CompanyID",
             "cac:PostalAddress/cbc:PlotIdentification")  # fmt: skip
    assert _texts(party, *paths) == (SELLER.legal_name_ar, SELLER.vat_number, "8228")
    english_only = build_invoice(DOCUMENTS["exempt"], replace(SELLER, legal_name_ar=""), IDS)
    name = "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
    assert english_only.findtext(name, namespaces=NS) == SELLER.legal_name_en
    assert _root(simplified()).find("cac:Delivery", NS) is None


def test_line_details() -> None:
    """Exemption reasons on the line and in the breakdown; a discount as line allowance; exact prices."""
    zero = _root(DOCUMENTS["zero rated"])
    category = "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReasonCode"
    assert _texts(zero, category, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == (
        "VATEX-SA-35", "VATEX-SA-35")  # fmt: skip
    discounted = _root(DOCUMENTS["standard invoice"])
    allowance = ("cac:AllowanceCharge/cbc:ChargeIndicator", "cac:AllowanceCharge/cbc:Amount", "cbc:LineExtensionAmount")
    assert _texts(discounted.find("cac:InvoiceLine", NS), *allowance) == ("false", "25.50", "724.50")
    assert discounted.xpath("cac:InvoiceLine[2]/cbc:InvoicedQuantity/text()", namespaces=NS) == ["2.5"]
    screws = _root(DOCUMENTS["price with more than two decimals"]).find("cac:InvoiceLine", NS)
    assert _texts(screws, "cac:Price/cbc:PriceAmount", "cbc:LineExtensionAmount") == ("0.125", "125.00")
    assert screws.find("cbc:InvoicedQuantity", NS).get("unitCode") == "H87"


def test_prepayment_lines_look_like_the_sdk_sample() -> None:
    root = _root(DOCUMENTS["prepayment adjustment"])
    (prepaid,) = root.xpath("cac:InvoiceLine[cac:DocumentReference]", namespaces=NS)
    assert [child.text for child in prepaid.find("cac:DocumentReference", NS)] == [
        "ADV-2025-0007", "a79760f7-2f48-4da9-85a5-40459a147c80", "2025-05-15", "12:28:17", "386"]  # fmt: skip
    paths = ("cbc:ID", "cbc:LineExtensionAmount", "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
             "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")  # fmt: skip
    assert _texts(prepaid, *paths) == ("2", "0.00", "1000.00", "150.00")
    totals = ("cac:LegalMonetaryTotal/cbc:PrepaidAmount", "cac:LegalMonetaryTotal/cbc:PayableAmount")
    assert _texts(root, *totals) == ("1150.00", "1035.00")  # as in the SDK sample
    unnamed = _root(DOCUMENTS["two prepayments, simplified"])
    assert unnamed.findtext("cac:InvoiceLine[3]/cac:Item/cbc:Name", namespaces=NS) == "Prepayment ADV-2025-0008"


def test_foreign_currency_states_the_vat_in_sar() -> None:
    root = _root(DOCUMENTS["prepayment in USD"])
    assert _texts(root, "cbc:DocumentCurrencyCode", "cbc:TaxCurrencyCode") == ("USD", "SAR")
    sar, usd = root.findall("cac:TaxTotal/cbc:TaxAmount", NS)
    assert (sar.get("currencyID"), sar.text, usd.get("currencyID"), usd.text) == ("SAR", "1068.75", "USD", "285.00")


def test_payable_rounding() -> None:
    total = _root(DOCUMENTS["payable rounding"]).find("cac:LegalMonetaryTotal", NS)
    paths = ("cbc:TaxInclusiveAmount", "cbc:PayableRoundingAmount", "cbc:PayableAmount")
    assert _texts(total, *paths) == ("1000.01", "-0.01", "1000.00")
    assert _root(doc()).find("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", NS) is None


@pytest.mark.parametrize(
    "text", ["<b>&amp; \"quoted\" 'apostrophe' & more</b>", "شركة الأفق للتجارة \u200f(ذ.م.م)", "Ünïcödé — 😀 ]]> end"]
)
def test_special_and_arabic_characters_survive(text: str) -> None:
    seller = replace(SELLER, legal_name_ar=text)
    changes = {"note": text, "reason": text, "billing_reference": text, "lines": (line(name=text),)}
    draft = note(DocumentType.CREDIT_NOTE, buyer=replace(BUYER, name=text), **changes)
    xml = _xml(draft, seller)
    root = etree.fromstring(xml)
    paths = (
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "cac:InvoiceLine/cac:Item/cbc:Name", "cbc:Note", "cac:PaymentMeans/cbc:InstructionNote",
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    )  # fmt: skip
    assert _texts(root, *paths) == (text,) * len(paths)
    assert official_xsd().validate(root)
    assert [a for a in run_schematron(xml) if a.is_error] == []


@lru_cache(maxsize=1)
def _sdk_identity() -> SigningIdentity:
    """The SDK's test key and certificate (tests may read ../shared; the product never does)."""
    key, certificate = (CERTS / "ec-secp256k1-priv-key.pem").read_bytes(), (CERTS / "cert.pem").read_bytes()
    return SigningIdentity.from_pem(key, certificate)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_signed_document_passes_everything(name: str) -> None:
    """Stamped with the SDK key, no schematron error remains, not even the QR or stamp ones of simplified documents."""
    draft = DOCUMENTS[name]
    simplified = draft.kind is DocumentKind.SIMPLIFIED
    stamped = stamp(_root(draft), _sdk_identity(), signing_time=ISSUED, simplified=simplified)
    assert official_xsd().validate(etree.fromstring(stamped.xml))
    assert verify_stamp(stamped.xml) == []
    found = [a for a in run_schematron(stamped.xml) if a.is_error or a.rule not in TIME_DEPENDENT]
    assert found == [], _report(found)


def test_unusable_input_is_refused() -> None:
    with pytest.raises(ValueError, match="validate"):
        _root(doc(lines=(line(price="NaN"),)))
    with pytest.raises(ValueError, match="counter"):
        DocumentIds(uuid.uuid4(), -1, FIRST_PIH)
