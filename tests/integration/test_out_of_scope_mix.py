"""Out-of-scope (O) supplies beside S, Z and E ones, as ZATCA's own sample has them: imported from JSON into the
real store, issued, and checked end to end against the official XSD and schematrons (saxonche), the QR code, the
printed copy and the VAT return."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from lxml import etree

from core.invoicing import browse
from core.invoicing.demo import create_demo
from core.invoicing.interchange import parse_documents
from core.invoicing.service import import_drafts
from core.reports.invoice_pdf import build_invoice_pdf, parse_invoice
from core.reports.vat_return import vat_return
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_imported, issued_xml
from core.zatca.qr import decode_tlv
from tests.support.pdf_text import pdf_text
from tests.support.schematron import official_xsd, run_schematron

NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
ISSUED = "2026-11-25T09:00:00+03:00"
OOS = {"vat_category": "O", "exemption_reason_code": "VATEX-SA-OOS",
       "exemption_reason": "Disbursement outside the scope of VAT"}
BUYER = {"name": "شركة الأفق للتجارة", "vat_number": "311111111111113",
         "address": {"street": "King Fahd Road", "building_number": "1234", "district": "Al Olaya",
                     "city": "Riyadh", "postal_code": "12211"}}


def json_line(name: str, price: str, **vat: str) -> dict[str, Any]:
    return {"name": name, "quantity": "1", "unit_price": price, **vat}


STANDARD = {  # S, Z, E and O lines and an O charge on one tax invoice
    "kind": "standard", "type": "invoice", "number": "MIX-1", "issue_datetime": ISSUED, "supply_date": "2026-11-25",
    "buyer": BUYER, "payment_means": "10",
    "lines": [
        {**json_line("Consulting hours", "100.00", vat_category="S", vat_rate="15"), "quantity": "2"},
        json_line("Export freight", "300.00", vat_category="Z", exemption_reason_code="VATEX-SA-32",
              exemption_reason="Export of goods"),
        json_line("Life insurance premium", "200.00", vat_category="E", exemption_reason_code="VATEX-SA-29",
              exemption_reason="Financial services"),
        json_line("Exit and re-entry visa fees paid to MOI", "500.00", **OOS),
    ],
    "charges": [{"amount": "20.00", "reason": "Government fee handling", "reason_code": "AAA", **OOS}],
}
SIMPLIFIED = {  # the SDK sample "Out of Scope Standard Tax Invoice", as a simplified invoice
    "kind": "simplified", "type": "invoice", "number": "MIX-2", "issue_datetime": ISSUED, "payment_means": "10",
    "lines": [json_line("Disbursement of visa fees", "500.00", **OOS),
              json_line("Service fee", "43.48", vat_category="S", vat_rate="15")],
}
CREDIT = {  # returns part of the out-of-scope amount of MIX-2
    "kind": "simplified", "type": "credit_note", "number": "MIX-3", "issue_datetime": ISSUED, "payment_means": "10",
    "billing_reference": "MIX-2", "reason": "Visa application withdrawn",
    "lines": [json_line("Disbursement of visa fees", "100.00", **OOS)],
}


@pytest.fixture
def issued(ctx: Context) -> dict[str, bytes]:
    """The three documents, imported from JSON (all findings checked) and issued by the demo unit."""
    create_demo(ctx, drafts=0)
    add_demo_egs(ctx, issue=0)
    drafts, findings = parse_documents([STANDARD, SIMPLIFIED, CREDIT], now=ctx.clock())
    assert [f for f in findings if f.is_error] == []
    with ctx.uow() as uow:
        result = import_drafts(uow, drafts)
        issue_imported(uow, result.drafts)
        uow.commit()
    with ctx.uow(write=False) as uow:
        return {number: issued_xml(uow, number)[0] for number in ("MIX-1", "MIX-2", "MIX-3")}


def _subtotals(xml: bytes) -> dict[str, tuple[str, ...]]:
    root = etree.fromstring(xml)
    found = {}
    for sub in root.iterfind("cac:TaxTotal/cac:TaxSubtotal", NS):
        category = sub.findtext("cac:TaxCategory/cbc:ID", namespaces=NS)
        found[category] = tuple(sub.findtext(path, namespaces=NS) or "" for path in (
            "cbc:TaxableAmount", "cbc:TaxAmount", "cac:TaxCategory/cbc:Percent",
            "cac:TaxCategory/cbc:TaxExemptionReasonCode"))
    return found


def test_each_document_passes_the_official_xsd_and_both_schematrons(issued: dict[str, bytes]) -> None:
    for number, xml in issued.items():
        assert official_xsd().validate(etree.fromstring(xml)), number
        assertions = run_schematron(xml)
        assert [a for a in assertions if a.is_error] == [], number
        # No BR-O-* or category warning either: the O breakdown is exactly what the rules expect.
        assert [a.rule for a in assertions if a.rule.startswith(("BR-O-", "BR-CO-", "BR-KSA-CL-04"))] == [], number


def test_the_vat_breakdown_has_one_subtotal_per_category_and_o_has_no_vat(issued: dict[str, bytes]) -> None:
    assert _subtotals(issued["MIX-1"]) == {
        "S": ("200.00", "30.00", "15.00", ""),
        "Z": ("300.00", "0.00", "0.00", "VATEX-SA-32"),
        "E": ("200.00", "0.00", "0.00", "VATEX-SA-29"),
        "O": ("520.00", "0.00", "0.00", "VATEX-SA-OOS"),  # the O line and the O charge
    }
    assert _subtotals(issued["MIX-2"]) == {"O": ("500.00", "0.00", "0.00", "VATEX-SA-OOS"),
                                           "S": ("43.48", "6.52", "15.00", "")}


def test_qr_vat_total_and_amount_are_the_documents(issued: dict[str, bytes]) -> None:
    for number, (vat, total) in {"MIX-1": ("30.00", "1250.00"), "MIX-2": ("6.52", "550.00"),
                                 "MIX-3": ("0.00", "100.00")}.items():
        root = etree.fromstring(issued[number])
        qr = root.findtext("cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/"
                           "cbc:EmbeddedDocumentBinaryObject", namespaces=NS)
        tags = decode_tlv(qr or "")
        assert (tags[5].decode(), tags[4].decode()) == (vat, total), number
        assert {t.text for t in root.iterfind("cac:TaxTotal/cbc:TaxAmount", NS)} == {vat}, number


def test_the_vat_return_shows_out_of_scope_apart(ctx: Context, issued: dict[str, bytes]) -> None:
    with ctx.uow(write=False) as uow:
        figures = vat_return(uow, date(2026, 11, 1), date(2026, 11, 30))
    boxes = {b.box: (b.amount, b.adjustment, b.vat) for b in figures.boxes}
    assert boxes == {"1": (D("243.48"), D("0"), D("36.52")), "2": (D("0"), D("0"), D("0")),
                     "3": (D("0"), D("0"), D("0")), "4": (D("300.00"), D("0"), D("0")),
                     "5": (D("200.00"), D("0"), D("0")), "6": (D("743.48"), D("0"), D("36.52"))}
    oos = figures.out_of_scope
    assert (oos.amount, oos.adjustment, oos.vat, oos.documents) == (D("1020.00"), D("-100.00"), D("0"), 3)
    assert figures.vat_due_on_sales == D("36.52")
    # The credit note holds only O: it is a document of the period but puts nothing in boxes 1 to 6.
    assert figures.box("6").documents == 2 and figures.documents == 3


def test_printed_copy_and_invoice_list_agree_with_the_xml(ctx: Context, issued: dict[str, bytes]) -> None:
    printed = parse_invoice(issued["MIX-2"])
    assert [(s.category, s.taxable, s.vat) for s in printed.subtotals] == [("O", D("500.00"), D("0.00")),
                                                                           ("S", D("43.48"), D("6.52"))]
    text = pdf_text(build_invoice_pdf(ctx, ref="MIX-2").pdf)
    assert "VATEX-SA-OOS" in text and "500.00" in text and "6.52" in text and "550.00" in text
    with ctx.uow(write=False) as uow:
        rows = {r.number: (str(r.tax_total), str(r.payable)) for r in browse.page(uow, limit=10)}
    assert rows == {"MIX-1": ("30.00", "1250.00"), "MIX-2": ("6.52", "550.00"), "MIX-3": ("0.00", "100.00")}
