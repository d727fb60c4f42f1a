"""Printed e-invoices: every required field, the QR read back from the page image, the embedded XML byte-identical
and verifiable, ZATCA file names, the CLI and the batch. Run against the local Fatoora server (cleared copies)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pikepdf
import pytest

from core.invoicing import BrowseFilter, BrowseSort, browse
from core.invoicing.demo import create_demo
from core.reports.errors import ReportCancelled
from core.reports.invoice_pdf import NotShareableError, build_invoice_pdf, export_pdfs, parse_invoice, zatca_file_stem
from core.store import models as m
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.correction import prepare_correction
from core.zatca.hashing import invoice_hash
from core.zatca.issuing import issue_invoice, issued_xml
from core.zatca.onboarding import onboard
from core.zatca.qr import decode_tlv
from core.zatca.submission import submit_pending
from core.zatca.verify import verify_stamp
from tests.fatoora.server import FakeFatoora
from tests.integration.conftest import Result
from tests.support.pdf_text import ARTIFACTS, pdf_text, poppler_text, render_png, text_runs, words

FILE_NAME = re.compile(r"^\d{15}_\d{8}T\d{6}_[A-Za-z0-9-]+\.pdf$")


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server


def client_for(fake: FakeFatoora) -> FatooraClient:
    return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=3)


@pytest.fixture
def company(ctx: Context, fake: FakeFatoora) -> Context:
    create_demo(ctx, drafts=12)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="branch-1-till-1", serial_number="1-Qayd|2-Desk|3-42",
                                environment="simulation", location="Riyadh Olaya", industry="Trading")
        uow.commit()
    with client_for(fake) as client:
        onboard(ctx, unit.id, "123345", client)
    return ctx


def issue(ctx: Context, kind: str, count: int) -> list[str]:
    with ctx.uow() as uow:
        drafts = browse.page(uow, BrowseFilter(status="draft", kind=kind, type="invoice"), BrowseSort(descending=False),
                             limit=count)
        numbers = [issue_invoice(uow, d.number).number for d in drafts]
        uow.commit()
    return numbers


def attachment(pdf: bytes) -> tuple[str, bytes, str]:
    """The one embedded file: name, bytes, and its /AFRelationship; also checks the PDF/A-3 identification."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert doc.pdf_version >= "1.7"
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert doc.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert len(doc.Root.AF) == 1
        (name, spec), = doc.attachments.items()
        return name, spec.get_file().read_bytes(), str(doc.Root.AF[0].AFRelationship)


def qr_from_page(pdf: bytes, name: str) -> str:
    """Render page 1 with poppler and read the QR code with zbar (a reader independent of the encoder)."""
    render_png(pdf, name, dpi=110, last=1)  # kept for a look
    source = ARTIFACTS / f"{name}.pdf"
    out = subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", "220", "-png", "-f", "1", "-l", "1",
                          "-singlefile", str(source), str(ARTIFACTS / f"{name}-qr")], check=True, timeout=60)
    assert out.returncode == 0
    read = subprocess.run([shutil.which("zbarimg") or "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                           str(ARTIFACTS / f"{name}-qr.png")], capture_output=True, text=True, timeout=60)
    assert read.returncode == 0, read.stderr
    return read.stdout.strip()


def test_cleared_tax_invoice_prints_every_required_field(company: Context, fake: FakeFatoora) -> None:
    (number,) = issue(company, "standard", 1)
    submit_pending(company, lambda _env: client_for(fake))
    built = build_invoice_pdf(company, ref=number)
    with company.uow(write=False) as uow:
        xml, which, shareable = issued_xml(uow, number)
        row = uow.session.query(m.Invoice).filter_by(number=number).one()
        doc = uow.session.get(m.IssuedDocument, row.id)
        assert doc is not None
    assert which == "cleared" and shareable
    inv = parse_invoice(xml)

    # The embedded XML is the cleared copy, byte for byte, and its hash is the one the document carries.
    name, embedded, relationship = attachment(built.pdf)
    assert embedded == xml and relationship == "/Source"
    assert name == built.filename.removesuffix(".pdf") + ".xml"
    assert invoice_hash(embedded) == doc.invoice_hash
    assert FILE_NAME.match(built.filename) and built.filename.startswith(inv.seller.vat_number + "_")

    # The page holds what ZATCA requires of a printed tax invoice, in English and in Arabic.
    text = words(pdf_text(built.pdf))
    for value in (inv.number, inv.seller.vat_number, inv.buyer.vat_number, inv.uuid, inv.issue_date,
                  f"{inv.tax_inclusive:,.2f}", f"{inv.tax_total:,.2f}", f"{inv.tax_exclusive:,.2f}", "Tax Invoice",
                  "Total including VAT", "Seller VAT number", "Buyer VAT number", "Cleared by ZATCA"):
        assert value in text, value
    for line in inv.lines:
        assert f"{line.net:,.2f}" in text and f"{line.vat:,.2f}" in text
    arabic = text_runs(built.pdf)
    for label in ("فاتورة ضريبية", "الرقم الضريبي للبائع", "الرقم الضريبي للمشتري", "الإجمالي شامل الضريبة",
                  "مبلغ الضريبة", "تفاصيل ضريبة القيمة المضافة"):
        assert any(label in line for line in arabic), label
    assert "الإجمالي شامل الضريبة" in poppler_text(built.pdf)  # as typed, not presentation forms

    # The printed QR, read from the rendered page by zbar, is the cleared document's QR.
    assert qr_from_page(built.pdf, "invoice-standard-cleared") == inv.qr
    assert decode_tlv(inv.qr)[2] == inv.seller.vat_number.encode()


def test_simplified_invoice_and_its_credit_note(company: Context, fake: FakeFatoora) -> None:
    (number,) = issue(company, "simplified", 1)
    with company.uow() as uow:
        made = prepare_correction(uow, number, reason="Goods returned by the customer")
        issue_invoice(uow, made.credit_note)
        uow.commit()
    submit_pending(company, lambda _env: client_for(fake))
    invoice = build_invoice_pdf(company, ref=number)
    note = build_invoice_pdf(company, ref=made.credit_note)
    with company.uow(write=False) as uow:
        xml, which, _ = issued_xml(uow, made.credit_note)
        doc = uow.session.get(m.IssuedDocument, uow.session.query(m.Invoice).filter_by(number=number).one().id)
        assert doc is not None
    assert which == "signed" and verify_stamp(attachment(note.pdf)[1]) == []
    assert attachment(note.pdf)[1] == xml

    text = words(pdf_text(invoice.pdf))
    assert "Simplified Tax Invoice" in text and "Reported to ZATCA" in text
    assert "فاتورة ضريبية مبسطة" in text_runs(invoice.pdf)  # the title line, whole
    assert qr_from_page(invoice.pdf, "invoice-simplified") == doc.qr  # the QR Qayd stamped at issue

    note_text = words(pdf_text(note.pdf))
    assert "Simplified Credit Note" in note_text
    assert "Original invoice" in note_text and number in note_text
    assert "Goods returned by the customer" in note_text
    assert "إشعار دائن مبسط" in text_runs(note.pdf) and "الفاتورة الأصلية" in text_runs(note.pdf)
    render_png(note.pdf, "invoice-credit-note", last=1)


def test_standard_invoice_waiting_for_clearance_is_not_printed_for_the_buyer(company: Context) -> None:
    (number,) = issue(company, "standard", 1)
    with pytest.raises(NotShareableError) as refused:
        build_invoice_pdf(company, ref=number)
    assert "cleared" in refused.value.message and "--uncleared" in (refused.value.fix or "")
    inspection = build_invoice_pdf(company, ref=number, uncleared=True)
    text = words(pdf_text(inspection.pdf))
    assert "NOT A FINAL TAX INVOICE: not yet cleared by ZATCA: not to be given to the buyer." in text
    assert "ليست فاتورة ضريبية نهائية" in text_runs(inspection.pdf)  # the banner on every page


def test_cli_export_and_batch_print(company: Context, fake: FakeFatoora, run: Callable[..., Result],
                                    tmp_path: Path) -> None:
    numbers = issue(company, "simplified", 3)
    waiting = issue(company, "standard", 1)
    out = tmp_path / "one"
    out.mkdir()
    result = run("invoice", "export", numbers[0], "--pdf", str(out), "--xml", str(tmp_path / "one.xml"))
    assert result.exit_code == 0, result.output
    (written,) = out.iterdir()
    assert FILE_NAME.match(written.name) and numbers[0] in written.name
    assert attachment(written.read_bytes())[1] == (tmp_path / "one.xml").read_bytes()

    assert run("invoice", "export", waiting[0], "--pdf", str(out)).exit_code == 1  # not cleared: refused

    batch = tmp_path / "batch"
    result = run("invoice", "print", "--from", "2000-01-01", "--to", "2100-12-31", "--dir", str(batch))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in batch.iterdir()) == sorted(p.name for p in batch.glob("*.pdf"))
    assert len(list(batch.glob("*.pdf"))) == 3 and f"Skipped {waiting[0]}" in result.output
    assert run("invoice", "print", "--dir", str(batch)).exit_code == 2  # neither numbers nor a period


def test_batch_cancel_leaves_only_whole_files(company: Context, tmp_path: Path) -> None:
    numbers = issue(company, "simplified", 5)
    seen: list[float] = []

    def cancelled() -> bool:
        return len(seen) >= 2

    out = tmp_path / "pdfs"
    with pytest.raises(ReportCancelled):
        export_pdfs(company, numbers, out, progress=lambda f, _m: seen.append(f), cancelled=cancelled)
    files = sorted(out.iterdir())
    assert len(files) == 2 and all(p.suffix == ".pdf" for p in files)
    for path in files:
        assert attachment(path.read_bytes())[0].endswith(".xml")


def test_file_name_follows_zatca_convention() -> None:
    assert zatca_file_stem("399999999900003", "2026-11-25", "14:03:09", "INV/2026#7 a") == \
        "399999999900003_20261125T140309_INV-2026-7-a"
    assert date(2026, 11, 25).isoformat().replace("-", "") in zatca_file_stem("3" * 15, "2026-11-25", "00:00:00", "X")
