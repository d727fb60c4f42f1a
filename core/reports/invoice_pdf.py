"""Printed e-invoices: tax invoices, simplified tax invoices, credit and debit notes, bilingual, PDF/A-3.

The page is rendered from the XML that is shared with the buyer (the cleared copy of a cleared standard invoice,
otherwise the signed one), and that exact XML is embedded as the PDF/A-3 associated file. So what is printed is
what is attached: numbers, parties, lines, VAT breakdown, totals and the QR code all come from the one document.
File names follow ZATCA's archival convention: <seller VAT>_<issue date YYYYMMDD>T<time HHMMSS>_<IRN>.pdf
(the IRN with anything but letters, digits and "-" replaced by "-").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from core.errors import NotFoundError, QaydError, TamperedDocumentError
from core.files import private_dir, write_private
from core.invoicing.model import id_scheme_label as scheme_label
from core.invoicing.repository import party_from_json
from core.invoicing.service import find_invoice_row
from core.reports.document import Built, finish, identity
from core.reports.errors import ReportCancelled
from core.reports.invoice_status import not_final, status_note
from core.reports.invoice_words import NOT_FINAL, WHY_NOT_FINAL, reason_words, saudi_address, unit_words
from core.reports.layout import ALERT, MARGIN, MUTED, PAGE_W, Column, Identity, ReportWriter, money
from core.reports.pdfa import Attachment
from core.reports.typeset import has_rtl
from core.reports.vat_return import period_bounds
from core.store import models as m
from core.uow import Context, UnitOfWork
from core.zatca.issuing import issued_xml

NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)

TITLES: dict[tuple[str, str], tuple[str, str]] = {
    ("01", "388"): ("Tax Invoice", "فاتورة ضريبية"),
    ("02", "388"): ("Simplified Tax Invoice", "فاتورة ضريبية مبسطة"),
    ("01", "381"): ("Credit Note", "إشعار دائن"),
    ("02", "381"): ("Simplified Credit Note", "إشعار دائن مبسط"),
    ("01", "383"): ("Debit Note", "إشعار مدين"),
    ("02", "383"): ("Simplified Debit Note", "إشعار مدين مبسط"),
    ("01", "386"): ("Prepayment Tax Invoice", "فاتورة ضريبية لدفعة مقدمة"),
    ("02", "386"): ("Simplified Prepayment Invoice", "فاتورة ضريبية مبسطة لدفعة مقدمة"),
}
CATEGORIES = {"S": ("Standard rate", "النسبة الأساسية"), "Z": ("Zero rated", "نسبة صفرية"),
              "E": ("Exempt", "معفاة"), "O": ("Not subject to VAT", "خارج نطاق الضريبة")}
PAYMENT_MEANS = {"10": ("Cash", "نقداً"), "30": ("Credit transfer", "تحويل دائن"), "42": ("Bank account", "حساب بنكي"),
                 "48": ("Bank card", "بطاقة بنكية"), "1": ("Not defined", "غير محدد")}


class NotShareableError(QaydError):
    """A standard invoice waits for clearance: ZATCA's cleared copy is the one to give the buyer."""

    exit_code = 9


@dataclass(frozen=True, slots=True)
class PrintedParty:
    name: str = ""
    vat_number: str = ""
    other_id: str = ""
    other_scheme: str = ""
    address: str = ""
    name_ar: str = ""  # from the document's own record: the XML has one name
    address_ar: str = ""  # the national address in the Saudi order, when it is written in Arabic


@dataclass(frozen=True, slots=True)
class PrintedLine:
    number: str
    name: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    discount: Decimal
    net: Decimal
    vat_category: str
    vat_rate: Decimal
    vat: Decimal
    total: Decimal
    name_ar: str = ""


@dataclass(frozen=True, slots=True)
class PrintedSubtotal:
    category: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal
    reason: str
    reason_code: str = ""
    reason_text: str = ""


@dataclass(frozen=True, slots=True)
class PrintedInvoice:
    """Everything a printed invoice shows, read from its UBL XML."""

    number: str
    uuid: str
    issue_date: str
    issue_time: str
    type_code: str
    subtype: str
    currency: str
    tax_currency: str
    icv: str
    qr: str
    seller: PrintedParty
    buyer: PrintedParty
    lines: tuple[PrintedLine, ...]
    subtotals: tuple[PrintedSubtotal, ...]
    allowances: Decimal
    charges: Decimal
    line_extension: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_total_accounting: Decimal
    tax_inclusive: Decimal
    prepaid: Decimal
    rounding: Decimal
    payable: Decimal
    supply_date: str = ""
    supply_end_date: str = ""
    billing_reference: str = ""
    reason: str = ""
    payment_means: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def simplified(self) -> bool:
        return self.subtype.startswith("02")

    @property
    def title(self) -> tuple[str, str]:
        return TITLES.get((self.subtype[:2], self.type_code), ("Tax Invoice", "فاتورة ضريبية"))


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


def zatca_file_stem(vat_number: str, issue_date: str, issue_time: str, number: str) -> str:
    """ZATCA's archival file name without extension: VAT_YYYYMMDDTHHMMSS_IRN (IRN specials replaced by "-")."""
    day = issue_date.replace("-", "")
    clock = issue_time.replace(":", "")[:6]
    irn = re.sub(r"[^A-Za-z0-9-]", "-", number)
    return f"{vat_number}_{day}T{clock}_{irn}"


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _rate(value: Decimal) -> str:
    return f"{format(value.normalize(), 'f')}%"


def _id_label(who: str, who_ar: str, scheme: str) -> tuple[str, str]:
    """"Seller MISA licence (SAG)" and its Arabic, named by the scheme the XML gives (BT-29-1 or BT-46-1)."""
    if not scheme:
        return f"{who} ID", f"معرّف {who_ar}"
    en, ar = scheme_label(scheme)
    return f"{who} {en} ({scheme})", f"{ar} لل{who_ar.removeprefix('ال')}"


def _named(name: str, name_ar: str) -> str:
    """A name as printed in a bilingual cell: the name, then its Arabic (right-aligned) on a line of its own."""
    return f"{name}\n{name_ar}" if name_ar and name_ar != name else name


def render_invoice(inv: PrintedInvoice, *, xml: bytes, which: str, shareable: bool, company: Identity,
                   generated_at: datetime, status_note: tuple[str, str], not_final: Sequence[str] = ()) -> Built:
    """Lay out `inv` on A4 pages under `company` (its identity on every page), with its QR code, and attach `xml`
    (PDF/A-3). A copy that is `not_final` (keys of WHY_NOT_FINAL) carries a watermark and a banner saying why."""
    writer = ReportWriter(lang="both", title=inv.title, identity=company, generated_at=generated_at,
                          document_title=f"{inv.title[0]} {inv.number}", watermark=NOT_FINAL if not_final else None)
    qr_size = 112.0
    top = writer.y + 8
    writer.qr(inv.qr, qr_size, PAGE_W - MARGIN - qr_size, top - qr_size)
    saved_width = writer.width
    writer.width = saved_width - qr_size - 12
    issue = f"{inv.issue_date} {inv.issue_time}".strip()
    fields: list[tuple[tuple[str, str], str]] = [
        (("Invoice number", "رقم الفاتورة") if inv.type_code in ("388", "386") else ("Note number", "رقم الإشعار"),
         inv.number),
        (("Issue date and time", "تاريخ ووقت الإصدار"), issue),
    ]
    if inv.supply_date:
        supply = inv.supply_date + (f" – {inv.supply_end_date}" if inv.supply_end_date else "")
        fields.append((("Date of supply", "تاريخ التوريد"), supply))
    fields.append((("Currency", "العملة"), inv.currency))
    if inv.billing_reference:
        fields.append((("Original invoice", "الفاتورة الأصلية"), inv.billing_reference))
    if inv.reason:
        fields.append((("Reason for the note", "سبب الإشعار"), inv.reason))
    if inv.payment_means:
        en, ar = PAYMENT_MEANS.get(inv.payment_means, (inv.payment_means, inv.payment_means))
        fields.append((("Payment means", "طريقة الدفع"), _named(en, ar)))
    fields.append((("Invoice counter (ICV)", "عداد الفاتورة"), inv.icv))
    fields.append((("Unique identifier (UUID)", "المعرف الفريد"), inv.uuid))
    writer.fields(fields, columns=2)
    writer.y = min(writer.y, top - qr_size - 10)
    writer.width = saved_width
    for reason in not_final:
        en, ar = WHY_NOT_FINAL[reason]
        writer.bilingual(f"{NOT_FINAL[0]}: {en}", f"{NOT_FINAL[1]}: {ar}", size=9, color=ALERT, bold=True)
    writer.heading(("Seller and buyer", "البائع والمشتري"))
    seller, buyer = inv.seller, inv.buyer
    party_fields: list[tuple[tuple[str, str], str]] = [
        (("Seller", "البائع"), _named(company.name_en if has_rtl(seller.name) else seller.name, seller.name)),
        (("Buyer", "المشتري"), _named(buyer.name, buyer.name_ar) or "—"),
        (("Seller VAT number", "الرقم الضريبي للبائع"), seller.vat_number),
        (("Buyer VAT number", "الرقم الضريبي للمشتري"), buyer.vat_number or "—"),
        (_id_label("Seller", "البائع", seller.other_scheme), seller.other_id or "—"),
        (_id_label("Buyer", "المشتري", buyer.other_scheme), buyer.other_id or "—"),
        (("Seller address", "عنوان البائع"), seller.address_ar or seller.address),  # written in Arabic: the
        (("Buyer address", "عنوان المشتري"), buyer.address_ar or buyer.address or "—"),  # national address order
    ]
    writer.fields(party_fields, columns=2)
    writer.heading(("Lines", "البنود"))
    columns = [
        Column(("#", "#"), 0.35, "start"),
        Column(("Description", "الوصف"), 2.15, "start"),
        Column(("Quantity", "الكمية"), 0.75, "end"),
        Column(("Unit", "الوحدة"), 0.6, "start"),
        Column(("Unit price", "سعر الوحدة"), 1.0, "end"),
        Column(("Discount", "الخصم"), 0.8, "end"),
        Column(("Taxable amount", "المبلغ الخاضع للضريبة"), 1.1, "end"),
        Column(("VAT rate", "نسبة الضريبة"), 0.7, "end"),
        Column(("VAT amount", "مبلغ الضريبة"), 1.0, "end"),
        Column(("Total incl. VAT", "المجموع شامل الضريبة"), 1.1, "end"),
    ]
    rows = ([line.number, _named(line.name, line.name_ar), _quantity(line.quantity),
             "\n".join(dict.fromkeys(unit_words(line.unit_code))), money(line.unit_price),
             money(line.discount), money(line.net), _rate(line.vat_rate), money(line.vat), money(line.total)]
            for line in inv.lines)
    writer.table(columns, rows, size=7.5)
    writer.heading(("VAT breakdown", "تفاصيل ضريبة القيمة المضافة"))
    writer.table([
        Column(("VAT category", "فئة الضريبة"), 1.6, "start"),
        Column(("VAT rate", "نسبة الضريبة"), 0.8, "end"),
        Column(("Taxable amount", "المبلغ الخاضع للضريبة"), 1.2, "end"),
        Column(("VAT amount", "مبلغ الضريبة"), 1.1, "end"),
        Column(("Exemption reason", "سبب الإعفاء"), 2.3, "start"),
    ], ([f"{sub.category} · {CATEGORIES.get(sub.category, ('', ''))[0]}\n{CATEGORIES.get(sub.category, ('', ''))[1]}",
         _rate(sub.rate), money(sub.taxable), money(sub.vat),
         "\n".join(dict.fromkeys(reason_words(sub.reason_code, sub.reason_text))) if sub.reason else "—"]
        for sub in inv.subtotals), size=7.5)
    cur = inv.currency
    totals: list[tuple[tuple[str, str], str]] = [(("Total excluding VAT", "الإجمالي غير شامل الضريبة"),
                                                  money(inv.line_extension, cur))]
    if inv.allowances:
        totals.append((("Discounts", "الخصومات"), money(inv.allowances, cur)))
    if inv.charges:
        totals.append((("Charges", "الرسوم"), money(inv.charges, cur)))
    totals += [(("Total taxable amount", "إجمالي المبلغ الخاضع للضريبة"), money(inv.tax_exclusive, cur)),
               (("Total VAT", "إجمالي ضريبة القيمة المضافة"), money(inv.tax_total, cur))]
    if inv.tax_currency != inv.currency:
        totals.append(((f"Total VAT in {inv.tax_currency}", f"إجمالي الضريبة بـ {inv.tax_currency}"),
                       money(inv.tax_total_accounting, inv.tax_currency)))
    totals.append((("Total including VAT", "الإجمالي شامل الضريبة"), money(inv.tax_inclusive, cur)))
    if inv.prepaid:
        totals.append((("Prepaid amount", "المبلغ المدفوع مقدماً"), money(inv.prepaid, cur)))
    if inv.rounding:
        totals.append((("Rounding", "التقريب"), money(inv.rounding, cur)))
    totals.append((("Amount due", "المبلغ المستحق"), money(inv.payable, cur)))
    writer.summary(totals, share=0.62)
    for note in inv.notes:
        writer.paragraph(note, size=8, color=MUTED)
    stem = zatca_file_stem(inv.seller.vat_number, inv.issue_date, inv.issue_time, inv.number)
    writer.space(4)
    which_ar = "المعتمد" if which == "cleared" else "الموقع"
    writer.bilingual(f"{status_note[0]} The {which} XML of this document is attached to this PDF as {stem}.xml.",
                     f"{status_note[1]} ملف XML {which_ar} لهذا المستند مرفق بهذا الملف باسم {stem}.xml")
    attachment = Attachment(f"{stem}.xml", xml, "application/xml", "Source",
                            f"{which.capitalize()} UBL 2.1 XML of {inv.number}")
    return finish(writer, filename=f"{stem}.pdf", title=f"{inv.title[0]} {inv.number}", created=generated_at,
                  attachments=[attachment], keywords=f"ZATCA e-invoice; {inv.number}; {inv.uuid}")


def build_invoice_pdf(ctx: Context, *, ref: str, lang: str = "both", progress: Callable[[float, str], None] | None
                      = None, cancelled: Callable[[], bool] | None = None, uncleared: bool = False) -> Built:
    """The printed copy of issued document `ref` (always bilingual: Arabic is required on a printed invoice).

    A standard invoice waiting for clearance is refused unless `uncleared` (then it is marked "not cleared")."""
    del lang, progress
    if cancelled is not None and cancelled():
        raise ReportCancelled()
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


def export_pdfs(ctx: Context, refs: Sequence[str], out_dir: Path, *, progress: Callable[[float, str], None] | None
                = None, cancelled: Callable[[], bool] | None = None, chunk: int = 200) -> BatchResult:
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
                if cancelled is not None and cancelled():
                    raise ReportCancelled()
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
