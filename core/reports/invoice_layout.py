"""The printed e-invoice's page: lays out a `PrintedInvoice` (read from the shared XML) as a bilingual PDF/A-3, the
XML attached; no store is read here (`core.reports.invoice_pdf` reads the document and its record)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.invoicing.model import id_scheme_label as scheme_label
from core.reports.document import Built, finish
from core.reports.invoice_words import NOT_FINAL, WHY_NOT_FINAL, reason_words, unit_words
from core.reports.layout import ALERT, MARGIN, MUTED, PAGE_W, Column, Identity, ReportWriter, money
from core.reports.pdfa import Attachment
from core.reports.typeset import has_rtl

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
    _particulars(writer, inv, not_final)
    _parties(writer, inv, company)
    _lines(writer, inv)
    _breakdown(writer, inv)
    _totals(writer, inv)
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


def _particulars(writer: ReportWriter, inv: PrintedInvoice, not_final: Sequence[str]) -> None:
    """The document's particulars beside its QR code, then why a copy is not final (when it is not)."""
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


def _parties(writer: ReportWriter, inv: PrintedInvoice, company: Identity) -> None:
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


def _lines(writer: ReportWriter, inv: PrintedInvoice) -> None:
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


def _breakdown(writer: ReportWriter, inv: PrintedInvoice) -> None:
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


def _totals(writer: ReportWriter, inv: PrintedInvoice) -> None:
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
