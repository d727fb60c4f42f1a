"""The printed tax invoice is an Arabic invoice (issue 13, point 1), read back as a clerk, a buyer or an auditor
would: with pdftotext (poppler) and PDFium (Chrome's viewer, through pypdfium2), not with what Qayd wrote.

A document is imported from JSON through the CLI with the buyer's and each line's Arabic name, issued on a
production EGS unit, cleared by the local Fatoora server and printed; a copy signed by the demo unit, and one that
waits for clearance, must say that they are not final tax invoices, in both languages, on every page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdfium2
import pytest

from core.invoicing import BrowseFilter, BrowseSort, browse
from core.invoicing.demo import create_demo
from core.invoicing.drafts import prepare_note
from core.invoicing.model import DocumentType
from core.invoicing.service import get_customer, get_invoice, list_products
from core.reports.invoice_pdf import build_invoice_pdf
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_invoice
from core.zatca.onboarding import onboard
from core.zatca.submission import submit_pending
from tests.fatoora.server import FakeFatoora
from tests.integration.conftest import Result
from tests.support.pdf_text import loose, pdf_text, pdfium_text, poppler_text, render_png, text_runs, words

BUYER_AR = "شركة الأفق للتجارة"
ITEM_AR = "ساعات استشارية"
TYPED_AR = "شحن بحري للتصدير"  # typed on the line: no product behind it
NOT_FINAL_EN, NOT_FINAL_AR = "NOT A FINAL TAX INVOICE", "ليست فاتورة ضريبية نهائية"
PRODUCTION = "branch-1-till-1"


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server


def client_for(fake: FakeFatoora) -> FatooraClient:
    return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=3)


@pytest.fixture
def desk(ctx: Context, fake: FakeFatoora) -> Context:
    """The demo company (its demo unit issued a few drafts) and a production unit onboarded with the portal."""
    create_demo(ctx, drafts=6)
    add_demo_egs(ctx, issue=2)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name=PRODUCTION, serial_number="1-Qayd|2-Desk|3-42", environment="production",
                                location="Riyadh Olaya", industry="Trading")
        uow.commit()
    with client_for(fake) as client:
        onboard(ctx, unit.id, "123345", client)
    return ctx


def document(number: str, lines: int = 2) -> dict[str, object]:
    """A tax invoice as the JSON import takes it: Arabic names beside the English ones, Arabic address."""
    items: list[dict[str, str]] = [
        {"name": "Consulting hours", "name_ar": ITEM_AR, "quantity": "10", "unit_price": "250.00",
         "vat_category": "S", "vat_rate": "15", "unit_code": "HUR"},
        {"name": "Sea freight for export", "name_ar": TYPED_AR, "quantity": "1", "unit_price": "1000",
         "vat_category": "Z", "exemption_reason_code": "VATEX-SA-32", "exemption_reason": "Export of goods"},
    ]
    items += [{"name": f"Office chair {n}", "name_ar": "كرسي مكتب", "quantity": "1", "unit_price": "649.50",
               "vat_category": "S", "vat_rate": "15"} for n in range(lines - 2)]
    return {
        "kind": "standard", "type": "invoice", "number": number, "issue_datetime": "2026-11-25T09:15:00+03:00",
        "currency": "SAR", "payment_means": "10", "lines": items,
        "buyer": {"name": "Al Ofoq Trading Co.", "name_ar": BUYER_AR, "vat_number": "311111111111113",
                  "address": {"street": "طريق الملك فهد", "building_number": "1234", "district": "العليا",
                              "city": "الرياض", "postal_code": "12211", "additional_number": "5678",
                              "country": "SA"}},
    }


def imported(run: Callable[..., Result], tmp_path: Path, *docs: dict[str, object]) -> None:
    file = tmp_path / "drafts.json"
    file.write_text(json.dumps(list(docs), ensure_ascii=False), "utf-8")
    result = run("invoice", "import", str(file))
    assert result.exit_code == 0, result.output


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as PDFium reads it."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_a_cleared_invoice_reads_back_in_arabic_as_typed(desk: Context, fake: FakeFatoora,
                                                        run: Callable[..., Result], tmp_path: Path) -> None:
    imported(run, tmp_path, document("AR-0001", lines=40))
    with desk.uow() as uow:
        issue_invoice(uow, "AR-0001", egs_ref=PRODUCTION)
        uow.commit()
    submit_pending(desk, lambda _env: client_for(fake))
    built = build_invoice_pdf(desk, ref="AR-0001")
    render_png(built.pdf, "invoice-arabic-cleared", last=2)
    poppler, pdfium = poppler_text(built.pdf), pdfium_text(built.pdf)

    # The buyer's Arabic name and the items' Arabic names, letter for letter and in logical order, in both
    # extractors: what a search (Ctrl+F) or a copy finds. Not presentation forms, not reversed.
    for typed in (BUYER_AR, ITEM_AR, TYPED_AR):
        assert typed in poppler and typed in pdfium, typed
        assert typed in text_runs(built.pdf), typed  # a run of its own: nothing English glued to it

    # The page count is complete in both languages on every page (PDFium: a line each; poppler reads the Arabic
    # footer of a mostly English page right to left by words, so its run is checked for every part).
    total = built.pages
    assert total >= 2
    for page in range(1, total + 1):
        assert f"Page {page} of {total}" in pdfium and f"صفحة {page} من {total}" in pdfium
        assert f"Page {page} of {total}" in words(poppler)
        parts = (f"صفحة{page}من{total}", f"{total}من{page}صفحة")
        assert any(loose(run) in parts for run in text_runs(built.pdf)), page

    # Units as words, the exemption reason in ZATCA's Arabic, the national address in the Saudi order.
    for unit in ("hour", "ساعة", "piece", "قطعة"):
        assert unit in poppler, unit
    assert "صادرات السلع من المملكة" in pdfium and "صادرات السلع من المملكة" in poppler
    assert "VATEX-SA-32 — Export of goods" in words(pdf_text(built.pdf))
    assert loose("1234 طريق الملك فهد، العليا، الرياض 12211، 5678") in loose(pdfium)

    # Cleared by ZATCA and signed by a production unit: a final tax invoice, no marking.
    assert NOT_FINAL_EN not in poppler and NOT_FINAL_AR not in poppler and NOT_FINAL_AR not in pdfium
    assert "Cleared by ZATCA." in words(pdf_text(built.pdf))


def test_a_demo_or_uncleared_copy_says_it_is_not_a_final_tax_invoice(desk: Context, run: Callable[..., Result],
                                                                      tmp_path: Path) -> None:
    imported(run, tmp_path, document("AR-0002", lines=40))
    with desk.uow() as uow:
        issue_invoice(uow, "AR-0002", egs_ref=PRODUCTION)
        demo_number = browse.page(uow, BrowseFilter(status="issued"), BrowseSort(descending=False), limit=1)[0].number
        uow.commit()

    waiting = build_invoice_pdf(desk, ref="AR-0002", uncleared=True)
    render_png(waiting.pdf, "invoice-arabic-uncleared", last=2)
    pages = pages_text(waiting.pdf)
    assert len(pages) >= 2
    for text in pages:  # the banner on every page, in both languages
        assert NOT_FINAL_EN in text and NOT_FINAL_AR in text
    english = words(pdf_text(waiting.pdf))
    assert f"{NOT_FINAL_EN}: not yet cleared by ZATCA: not to be given to the buyer." in english
    assert "signed by a demo" not in english  # a production unit signed it
    assert "لم تعتمدها هيئة الزكاة والضريبة والجمارك بعد" in poppler_text(waiting.pdf)

    demo = build_invoice_pdf(desk, ref=demo_number, uncleared=True)
    english = words(pdf_text(demo.pdf))
    assert f"{NOT_FINAL_EN}: signed by a demo or test EGS unit, not a production one." in english
    assert "وقعتها وحدة تجريبية أو اختبارية" in poppler_text(demo.pdf) and NOT_FINAL_AR in pdfium_text(demo.pdf)
    render_png(demo.pdf, "invoice-arabic-demo", last=1)


def test_arabic_names_travel_with_the_draft_the_note_and_the_json(desk: Context, run: Callable[..., Result],
                                                                  tmp_path: Path) -> None:
    imported(run, tmp_path, document("AR-0003"))
    with desk.uow() as uow:
        draft = get_invoice(uow, "AR-0003").draft
        assert draft.buyer is not None and draft.buyer.name_ar == BUYER_AR
        assert [line.name_ar for line in draft.lines] == [ITEM_AR, TYPED_AR]
        issue_invoice(uow, "AR-0003", egs_ref=PRODUCTION)
        note = prepare_note(uow, "AR-0003", DocumentType.CREDIT_NOTE, reason="Returned")
        uow.commit()
    with desk.uow(write=False) as uow:  # a credit note starts from the invoice's lines, Arabic names included
        copied = get_invoice(uow, note.number).draft
    assert [line.name_ar for line in copied.lines] == [ITEM_AR, TYPED_AR]

    shown = run("invoice", "show", "AR-0003", "--json")
    assert shown.exit_code == 0, shown.output
    written = json.loads(shown.stdout)["document"]  # the JSON shape `invoice import` reads back
    assert written["buyer"]["name_ar"] == BUYER_AR
    assert [line["name_ar"] for line in written["lines"]] == [ITEM_AR, TYPED_AR]


def test_an_arabic_name_that_cannot_be_stored_is_refused_with_its_field(run: Callable[..., Result],
                                                                          desk: Context, tmp_path: Path) -> None:
    bad = document("AR-0004")
    bad["lines"][0]["name_ar"] = "ساعات\x07استشارية"  # type: ignore[index]  # a control character
    file = tmp_path / "bad.json"
    file.write_text(json.dumps([bad], ensure_ascii=False), "utf-8")
    result = run("invoice", "import", str(file))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "lines[0].name_ar" in result.output and "QAYD-TEXT-CHARS" in result.output


def test_a_new_buyer_from_the_json_becomes_a_customer_with_its_arabic_name(desk: Context, run: Callable[..., Result],
                                                                          tmp_path: Path) -> None:
    imported(run, tmp_path, document("AR-0005"))
    with desk.uow(write=False) as uow:
        customer = get_customer(uow, "311111111111113")
    assert customer.name_ar == BUYER_AR  # the next document for them starts with it


def test_a_line_from_a_product_takes_the_products_arabic_name(desk: Context, run: Callable[..., Result],
                                                              tmp_path: Path) -> None:
    with desk.uow(write=False) as uow:
        (product,) = list_products(uow, search="Consulting hours")
    doc = document("AR-0006")
    lines = doc["lines"]
    assert isinstance(lines, list)
    lines[0] = {"name": "Consulting hours", "quantity": "2", "unit_price": "250.00", "vat_category": "S",
                "product_id": str(product.id)}  # no name_ar: the product has one
    lines[1]["name_ar"] = ""  # typed lines without one stay without
    imported(run, tmp_path, doc)
    with desk.uow(write=False) as uow:
        stored = get_invoice(uow, "AR-0006").draft
    assert [line.name_ar for line in stored.lines] == [ITEM_AR, ""]
