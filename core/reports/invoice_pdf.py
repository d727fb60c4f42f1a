"""Printed e-invoices: tax invoices, simplified tax invoices, credit and debit notes, bilingual, PDF/A-3.

The page is rendered from the XML that is shared with the buyer (the cleared copy of a cleared standard invoice,
otherwise the signed one), and that exact XML is embedded as the PDF/A-3 associated file. So what is printed is
what is attached: numbers, parties, lines, VAT breakdown, totals and the QR code all come from the one document.
File names follow ZATCA's archival convention: <seller VAT>_<issue date YYYYMMDD>T<time HHMMSS>_<IRN>.pdf
(the IRN with anything but letters, digits and "-" replaced by "-").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from core.errors import NotFoundError, QaydError, TamperedDocumentError
from core.files import private_dir, write_private
from core.invoicing.repository import party_from_json
from core.invoicing.service import find_invoice_row
from core.progress import CancelCheck, Progress, check
from core.reports.document import Built, identity
from core.reports.invoice_layout import CATEGORIES as CATEGORIES  # re-exported: the page's words and names lived here
from core.reports.invoice_layout import PAYMENT_MEANS as PAYMENT_MEANS
from core.reports.invoice_layout import TITLES as TITLES
from core.reports.invoice_layout import (
    PrintedInvoice,
    PrintedLine,
    PrintedParty,
    PrintedSubtotal,
    render_invoice,
)
from core.reports.invoice_layout import zatca_file_stem as zatca_file_stem
from core.reports.invoice_status import not_final, status_note
from core.reports.invoice_words import saudi_address
from core.reports.layout import Identity
from core.reports.typeset import has_rtl
from core.reports.vat_return import period_bounds
from core.store import models as m
from core.uow import Context, UnitOfWork
from core.zatca.issuing import issued_xml

NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


class NotShareableError(QaydError):
    """A standard invoice waits for clearance: ZATCA's cleared copy is the one to give the buyer."""

    exit_code = 9


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _amount(node: etree._Element, path: str) -> Decimal:
    value = _text(node, path)
    return Decimal(value) if value else Decimal("0")


def _party(node: etree._Element | None) -> PrintedParty:
    if node is None:
        return PrintedParty()
    ident = node.find("cac:PartyIdentification/cbc:ID", NS)
    address = node.find("cac:PostalAddress", NS)
    parts: list[str] = []
    arabic = ""
    if address is not None:
        if has_rtl("".join(address.itertext())):
            arabic = saudi_address(*(_text(address, f"cbc:{name}") for name in (
                "BuildingNumber", "StreetName", "AdditionalStreetName", "CitySubdivisionName", "CityName",
                "PostalZone", "PlotIdentification")))
        street = " ".join(x for x in (_text(address, "cbc:BuildingNumber"), _text(address, "cbc:StreetName")) if x)
        parts = [x for x in (street, _text(address, "cbc:AdditionalStreetName"),
                             _text(address, "cbc:CitySubdivisionName"), _text(address, "cbc:CityName"),
                             _text(address, "cbc:PostalZone"), _text(address, "cbc:CountrySubentity"),
                             _text(address, "cac:Country/cbc:IdentificationCode")) if x]
    return PrintedParty(
        name=_text(node, "cac:PartyLegalEntity/cbc:RegistrationName"),
        vat_number=_text(node, "cac:PartyTaxScheme/cbc:CompanyID"),
        other_id=(ident.text or "").strip() if ident is not None else "",
        other_scheme=ident.get("schemeID", "") if ident is not None else "",
        address=", ".join(parts),
        address_ar=arabic,
    )


def parse_invoice(xml: bytes) -> PrintedInvoice:
    """Read what the printed document shows from a ZATCA UBL invoice or note."""
    root = etree.fromstring(xml, _PARSER)
    type_node = root.find("cbc:InvoiceTypeCode", NS)
    currency = _text(root, "cbc:DocumentCurrencyCode")
    tax_currency = _text(root, "cbc:TaxCurrencyCode") or currency
    tax_totals = root.findall("cac:TaxTotal", NS)
    doc_total = next((t for t in tax_totals if t.find("cac:TaxSubtotal", NS) is not None), None)
    accounting_total = next((t for t in tax_totals
                             if t.find("cbc:TaxAmount", NS) is not None
                             and t.find("cbc:TaxAmount", NS).get("currencyID") == tax_currency
                             and t.find("cac:TaxSubtotal", NS) is None), None)
    subtotals = []
    if doc_total is not None:
        for sub in doc_total.findall("cac:TaxSubtotal", NS):
            reason = " — ".join(x for x in (_text(sub, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
                                            _text(sub, "cac:TaxCategory/cbc:TaxExemptionReason")) if x)
            subtotals.append(PrintedSubtotal(_text(sub, "cac:TaxCategory/cbc:ID"),
                                             _amount(sub, "cac:TaxCategory/cbc:Percent"),
                                             _amount(sub, "cbc:TaxableAmount"), _amount(sub, "cbc:TaxAmount"), reason,
                                             _text(sub, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
                                             _text(sub, "cac:TaxCategory/cbc:TaxExemptionReason")))
    lines = []
    for line in root.findall("cac:InvoiceLine", NS):
        qty_node = line.find("cbc:InvoicedQuantity", NS)
        discount = sum((_amount(ac, "cbc:Amount") for ac in line.findall("cac:AllowanceCharge", NS)
                        if _text(ac, "cbc:ChargeIndicator") == "false"), Decimal("0"))
        discount += sum((_amount(ac, "cbc:Amount") for ac in line.findall("cac:Price/cac:AllowanceCharge", NS)
                         if _text(ac, "cbc:ChargeIndicator") == "false"), Decimal("0"))
        vat = _amount(line, "cac:TaxTotal/cbc:TaxAmount")
        net = _amount(line, "cbc:LineExtensionAmount")
        total = _amount(line, "cac:TaxTotal/cbc:RoundingAmount") or net + vat
        lines.append(PrintedLine(
            number=_text(line, "cbc:ID"), name=_text(line, "cac:Item/cbc:Name"),
            quantity=Decimal(qty_node.text.strip()) if qty_node is not None and qty_node.text else Decimal("0"),
            unit_code=qty_node.get("unitCode", "") if qty_node is not None else "",
            unit_price=_amount(line, "cac:Price/cbc:PriceAmount"), discount=discount, net=net,
            vat_category=_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
            vat_rate=_amount(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"), vat=vat, total=total))
    allowances = charges = Decimal("0")
    for ac in root.findall("cac:AllowanceCharge", NS):
        if _text(ac, "cbc:ChargeIndicator") == "true":
            charges += _amount(ac, "cbc:Amount")
        else:
            allowances += _amount(ac, "cbc:Amount")
    total = root.find("cac:LegalMonetaryTotal", NS)
    assert total is not None
    qr = ""
    icv = ""
    for ref in root.findall("cac:AdditionalDocumentReference", NS):
        ident = _text(ref, "cbc:ID")
        if ident == "QR":
            qr = _text(ref, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
        elif ident == "ICV":
            icv = _text(ref, "cbc:UUID")
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    customer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    return PrintedInvoice(
        number=_text(root, "cbc:ID"), uuid=_text(root, "cbc:UUID"), issue_date=_text(root, "cbc:IssueDate"),
        issue_time=_text(root, "cbc:IssueTime"), type_code=(type_node.text or "").strip() if type_node is not None
        else "", subtype=type_node.get("name", "") if type_node is not None else "", currency=currency,
        tax_currency=tax_currency, icv=icv, qr=qr, seller=_party(supplier), buyer=_party(customer),
        lines=tuple(lines), subtotals=tuple(subtotals), allowances=allowances, charges=charges,
        line_extension=_amount(total, "cbc:LineExtensionAmount"),
        tax_exclusive=_amount(total, "cbc:TaxExclusiveAmount"),
        tax_total=_amount(doc_total, "cbc:TaxAmount") if doc_total is not None else Decimal("0"),
        tax_total_accounting=_amount(accounting_total, "cbc:TaxAmount") if accounting_total is not None
        else Decimal("0"),
        tax_inclusive=_amount(total, "cbc:TaxInclusiveAmount"), prepaid=_amount(total, "cbc:PrepaidAmount"),
        rounding=_amount(total, "cbc:PayableRoundingAmount"), payable=_amount(total, "cbc:PayableAmount"),
        supply_date=_text(root, "cac:Delivery/cbc:ActualDeliveryDate"),
        supply_end_date=_text(root, "cac:Delivery/cbc:LatestDeliveryDate"),
        billing_reference=_text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        reason=_text(root, "cac:PaymentMeans/cbc:InstructionNote"),
        payment_means=_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode"),
        notes=tuple((n.text or "").strip() for n in root.findall("cbc:Note", NS) if (n.text or "").strip()),
    )




def build_invoice_pdf(ctx: Context, *, ref: str, lang: str = "both", progress: Progress | None = None,
                      cancelled: CancelCheck | None = None, uncleared: bool = False) -> Built:
    """The printed copy of issued document `ref` (always bilingual: Arabic is required on a printed invoice).

    A standard invoice waiting for clearance is refused unless `uncleared` (then it is marked "not cleared")."""
    del lang, progress
    check(cancelled, "before printing")
    with ctx.uow(write=False) as uow:
        return invoice_pdf(uow, ref, now=ctx.clock(), uncleared=uncleared)


def invoice_pdf(uow: UnitOfWork, ref: str, *, now: datetime, uncleared: bool = False,
                ident: Identity | None = None) -> Built:
    """The printed copy of `ref` within an open unit of work (the batch export shares one)."""
    row = _find(uow, ref)
    xml, which, shareable = issued_xml(uow, ref)
    if not shareable and not uncleared:
        raise NotShareableError(f"{row.number} is a standard invoice that ZATCA has not cleared yet.",
                                fix="Submit it (`qayd zatca submit`), then print the cleared copy; or print it "
                                    "marked \"not cleared\" for inspection with --uncleared.")
    inv = with_arabic(parse_invoice(xml), row)
    return render_invoice(inv, xml=xml, which=which, shareable=shareable, company=ident or identity(uow),
                          generated_at=now, status_note=status_note(uow, row.id), not_final=not_final(uow, row))


def with_arabic(inv: PrintedInvoice, row: m.Invoice) -> PrintedInvoice:
    """`inv` with the Arabic names its XML cannot hold, from the document's own record (kept with it at issue):
    the buyer's (a buyer sealed after an erasure stays out) and each line's, matched by position."""
    buyer = party_from_json(row.buyer_json)
    name_ar = buyer.name_ar if buyer is not None else ""
    names = {str(line.position): line.name_ar for line in row.lines if line.name_ar}
    lines = tuple(replace(line, name_ar=names.get(line.number, "")) for line in inv.lines)
    return replace(inv, buyer=replace(inv.buyer, name_ar=name_ar), lines=lines)


def _find(uow: UnitOfWork, ref: str) -> m.Invoice:
    row = find_invoice_row(uow, ref)
    if row.status == "draft":
        raise NotFoundError(f"{row.number} is a draft; only issued documents are printed.",
                            fix=f"Issue it first: `qayd invoice issue {row.number}`.")
    return row


@dataclass(frozen=True, slots=True)
class BatchResult:
    written: list[Path]
    skipped: list[tuple[str, str]]  # (number, why)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, why): stamp does not verify


def issued_in(uow: UnitOfWork, start: date, end: date) -> list[str]:
    """Numbers of the documents whose issue date (Saudi time) is from `start` to `end` inclusive, in issue order.

    The issue date is the document's (IssueDate in its XML), as the list and the VAT return select by, not the
    moment it was signed; instants are compared, whatever offset each was stored with.
    """
    low, high = period_bounds(start, end)
    instant = func.julianday(m.Invoice.issue_datetime)
    rows = uow.session.execute(
        select(m.Invoice.number).join(m.IssuedDocument, m.IssuedDocument.invoice_id == m.Invoice.id)
        .where(instant >= func.julianday(low.isoformat()), instant < func.julianday(high.isoformat()),
               m.Invoice.deleted_at.is_(None)).order_by(instant, m.Invoice.number))
    return [r[0] for r in rows]


def export_pdfs(ctx: Context, refs: Sequence[str], out_dir: Path, *, progress: Progress | None = None,
                cancelled: CancelCheck | None = None, chunk: int = 200) -> BatchResult:
    """Print every document in `refs` into `out_dir` under ZATCA's file names. Each file is written whole (a temporary
    name, then renamed), so a cancelled or failed batch leaves only complete PDFs. Standard invoices that wait for
    clearance are skipped and listed."""
    private_dir(out_dir, own=False)
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    refused: list[tuple[str, str]] = []
    total = len(refs)
    done = 0
    for batch in _chunks(refs, chunk):
        with ctx.uow(write=False) as uow:
            ident = identity(uow)
            for ref in batch:
                check(cancelled, f"{done:,} of {total:,} documents printed")
                try:
                    built = invoice_pdf(uow, ref, now=ctx.clock(), ident=ident)
                except NotShareableError:
                    skipped.append((ref, "waiting for clearance"))
                except TamperedDocumentError as exc:  # never printed; the rest of the batch goes on
                    refused.append((ref, exc.message))
                else:
                    target = out_dir / built.filename
                    write_private(target, built.pdf)
                    written.append(target)
                done += 1
                if progress is not None:
                    progress(done / total, f"{done}/{total} {ref}")
    return BatchResult(written, skipped, refused)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
