"""The VAT return summary: the sales side of the KSA VAT return, box by box, from the documents issued in a period.

Figures come from the tax subtotals (BG-23) that `core.invoicing.totals.compute_totals` makes for each issued
document: the taxable amount per VAT category and rate after document-level allowances and charges, and its VAT,
rounded exactly as on the e-invoice. Each subtotal goes to one box of the return by its category and exemption
reason code (VATEX-SA-…):

    box 1  standard-rated sales (S)                     box 4  exports (Z, VATEX-SA-32 goods, -33 services)
    box 2  private healthcare / education to citizens   box 5  exempt sales (E)
           (Z, VATEX-SA-HEA, VATEX-SA-EDU)              box 6  total sales (1 to 5)
    box 3  other zero-rated domestic sales (Z)          out of scope (O): shown apart, not part of the return

Invoices make the "amount" column; credit notes (negative) and debit notes (positive) issued in the period make
the "adjustment" column; the VAT column is the VAT of both. Amounts are in SAR: a foreign-currency document is
converted at its exchange rate, and its VAT is the SAR VAT total it states (BT-111). A document is in the period
by its issue date in Riyadh time. Qayd records no purchases: boxes 7 to 12 are shown as not covered.

The figures are a pure data object (`vat_return`), used by the desktop and `qayd report vat --json`; the lists of
documents behind each box are streamed (`vat_return_documents`) in chunks, never all loaded at once.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from core.clock import SAUDI_TIME as RIYADH
from core.clock import saudi_time
from core.invoicing import browse
from core.invoicing import repository as repo
from core.invoicing.codelists import CITIZEN_ONLY_VATEX, EXPORT_VATEX, OUT_OF_SCOPE_BOX, vat_return_box
from core.invoicing.model import DocumentType, InvoiceDraft, Totals, VatCategory
from core.invoicing.totals import compute_totals
from core.invoicing.totals import money as round_money
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, finish, identity
from core.reports.errors import ReportCancelled, ReportError
from core.reports.labels import Label, period, span
from core.reports.layout import ALERT, MUTED, Column, Progress, ReportWriter, money
from core.reports.pdfa import Attachment
from core.store import models as m
from core.uow import Context, UnitOfWork

CHUNK = 500  # documents per read

HEALTH_EDUCATION = CITIZEN_ONLY_VATEX
EXPORTS = EXPORT_VATEX
SALES_BOXES = ("1", "2", "3", "4", "5")
OUT_OF_SCOPE = OUT_OF_SCOPE_BOX

TITLE: Label = ("VAT return summary", "ملخص إقرار ضريبة القيمة المضافة")
BOX_NAMES: dict[str, Label] = {
    "1": ("Standard rated sales (15%)", "المبيعات الخاضعة للنسبة الأساسية 15%"),
    "2": ("Private healthcare / private education sales to citizens",
          "مبيعات الخدمات الصحية الخاصة والتعليم الأهلي للمواطنين"),
    "3": ("Zero rated domestic sales", "المبيعات المحلية الخاضعة للنسبة الصفرية"),
    "4": ("Exports", "الصادرات"),
    "5": ("Exempt sales", "المبيعات المعفاة"),
    "6": ("Total sales", "إجمالي المبيعات"),
    OUT_OF_SCOPE: ("Out-of-scope supplies (not part of the return)", "توريدات خارج نطاق الضريبة، لا تدخل في الإقرار"),
}
PURCHASE_BOXES: dict[str, Label] = {
    "7": ("Standard rated domestic purchases", "المشتريات المحلية الخاضعة للنسبة الأساسية"),
    "8": ("Imports subject to VAT paid at customs", "الاستيرادات الخاضعة للضريبة المدفوعة في الجمارك"),
    "9": ("Imports subject to VAT accounted for through the reverse charge mechanism",
          "الاستيرادات الخاضعة للضريبة التي تطبق عليها آلية الاحتساب العكسي"),
    "10": ("Zero rated purchases", "المشتريات الخاضعة للنسبة الصفرية"),
    "11": ("Exempt purchases", "المشتريات المعفاة"),
    "12": ("Total purchases", "إجمالي المشتريات"),
}
TYPE_NAMES: dict[str, Label] = {
    "invoice": ("Invoice", "فاتورة"),
    "credit_note": ("Credit note", "إشعار دائن"),
    "debit_note": ("Debit note", "إشعار مدين"),
}
CATEGORY_NAMES: dict[str, Label] = {
    "S": ("Standard rate (S)", "النسبة الأساسية – S"),
    "Z": ("Zero rated (Z)", "النسبة الصفرية – Z"),
    "E": ("Exempt (E)", "معفاة – E"),
    "O": ("Out of scope (O)", "خارج نطاق الضريبة – O"),
}


# -- periods ---------------------------------------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> tuple[date, date]:
    """"2026-Q4" (a quarter), "2026-11" (a month) or "2026" (a year) as its first and last day."""
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1), date(int(value), 12, 31)
    quarter, month = _QUARTER.match(value), _MONTH.match(value)
    if quarter:
        year, first = int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1
        return date(year, first, 1), _month_end(year, first + 2)
    if month and 1 <= int(month.group(2)) <= 12:
        year, number = int(month.group(1)), int(month.group(2))
        return date(year, number, 1), _month_end(year, number)
    raise ReportError(f"{text!r} is not a period.", fix="Give a quarter (2026-Q4), a month (2026-11) or a year (2026).")


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants of a period of Riyadh calendar days: from `start` 00:00 to the day after `end` 00:00 (excluded)."""
    if end < start:
        raise ReportError(f"The period ends ({end}) before it starts ({start}).",
                          fix="Give the first day with --from and the last day with --to.")
    return (datetime.combine(start, time(0), RIYADH),
            datetime.combine(end + timedelta(days=1), time(0), RIYADH))


def period_label(start: date, end: date) -> Label:
    """The period as a subtitle, the same words in both languages (core.reports.labels.period); the typesetter
    keeps each date one left-to-right unit inside the Arabic."""
    return period(start, end, basis=("by issue date in Riyadh time", "بحسب تاريخ الإصدار بتوقيت الرياض"))


# -- the figures -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoxFigures:
    """One line of the return: the taxable amount of the invoices, the adjustment of the notes and the VAT (SAR)."""

    box: str  # "1" … "6", or "O" for out-of-scope supplies
    name: str  # its English name (BOX_NAMES holds both languages)
    amount: Decimal
    adjustment: Decimal
    vat: Decimal
    documents: int  # how many documents put something in it

    @property
    def net(self) -> Decimal:
        return self.amount + self.adjustment


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """The figures of one VAT category, rate and exemption reason code, and the box they go to."""

    box: str
    category: str
    rate: Decimal
    exemption_reason_code: str
    amount: Decimal
    adjustment: Decimal
    vat: Decimal
    documents: int


@dataclass(frozen=True, slots=True)
class VatReturn:
    """The sales side of the VAT return for one period (amounts in SAR)."""

    vat_number: str
    start: date
    end: date
    boxes: tuple[BoxFigures, ...]  # boxes 1 to 6
    out_of_scope: BoxFigures
    groups: tuple[GroupFigures, ...]
    vat_due_on_sales: Decimal  # box 6's VAT; input VAT on purchases is not recorded in Qayd
    documents: int
    invoices: int
    credit_notes: int
    debit_notes: int
    foreign_currency: int  # documents converted to SAR at their exchange rate
    rejected_by_zatca: int  # issued documents whose submission ZATCA rejected (still counted; see the note)
    timezone: str = "Asia/Riyadh"
    currency: str = "SAR"
    purchases_covered: bool = False

    def box(self, key: str) -> BoxFigures:
        if key == OUT_OF_SCOPE:
            return self.out_of_scope
        return next(b for b in self.boxes if b.box == key)

    def as_json(self) -> dict[str, Any]:
        return dict(jsonable(self))


@dataclass(frozen=True, slots=True)
class VatDocument:
    """One document behind a box: its share of the box (negative for a credit note), in SAR."""

    number: str
    issue_datetime: datetime  # in Riyadh time
    type: str
    buyer: str
    buyer_ar: str
    currency: str
    taxable: Decimal
    vat: Decimal


def jsonable(value: Any) -> Any:
    """Figures as JSON values: Decimal as exact text, dates ISO, dataclasses as objects."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def box_of(category: str, exemption_code: str) -> str:
    """The box of the return a VAT subtotal goes to (the draft rules use the same mapping)."""
    return vat_return_box(VatCategory(category), exemption_code)


@dataclass(frozen=True, slots=True)
class _Share:
    """A document's subtotal in SAR, signed (a credit note reduces)."""

    box: str
    category: str
    rate: Decimal
    code: str
    taxable: Decimal
    vat: Decimal


def shares(draft: InvoiceDraft, totals: Totals) -> list[_Share]:
    """The document's VAT subtotals in SAR, signed, each with its box.

    A foreign-currency subtotal is converted at the document's exchange rate, rounded to the halala; the VAT is
    made to add up to the SAR VAT total the document states (BT-111), any rounding cent going to its largest
    subtotal.
    """
    sign = Decimal(-1) if draft.type is DocumentType.CREDIT_NOTE else Decimal(1)
    rate = draft.exchange_rate if draft.currency != "SAR" and draft.exchange_rate is not None else None
    taxables = [b.taxable_amount if rate is None else round_money(b.taxable_amount * rate) for b in totals.breakdown]
    vats = [b.tax_amount if rate is None else round_money(b.tax_amount * rate) for b in totals.breakdown]
    if rate is not None and vats:
        difference = totals.tax_total_sar - sum(vats, Decimal("0"))
        if difference:
            largest = max(range(len(vats)), key=lambda i: abs(vats[i]))
            vats[largest] += difference
    return [_Share(box_of(b.category.value, b.exemption_reason_code), b.category.value, b.rate,
                   b.exemption_reason_code, sign * taxable, sign * vat)
            for b, taxable, vat in zip(totals.breakdown, taxables, vats, strict=True)]


@dataclass
class _Sum:
    amount: Decimal = Decimal("0.00")
    adjustment: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    documents: int = 0

    def add(self, share_taxable: Decimal, share_vat: Decimal, *, note: bool) -> None:
        if note:
            self.adjustment += share_taxable
        else:
            self.amount += share_taxable
        self.vat += share_vat


@dataclass
class _Counts:
    documents: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: {t.value: 0 for t in DocumentType})
    foreign: int = 0
    in_sales: int = 0  # documents with something in boxes 1 to 5


_inv = m.Invoice.__table__
_line = m.InvoiceLine.__table__
_ac = m.InvoiceAllowanceCharge.__table__
_sub = m.ZatcaSubmission.__table__


def in_period(low: datetime, high: datetime) -> ColumnElement[bool]:
    """Issued, not tombstoned, issued in [low, high): instants compared (julianday reads each stored offset)."""
    instant = func.julianday(_inv.c.issue_datetime)
    return and_(_inv.c.status == "issued", _inv.c.deleted_at.is_(None),
                instant >= func.julianday(low.isoformat()), instant < func.julianday(high.isoformat()))


def _item_condition(table: Any, box: str) -> ColumnElement[bool]:
    """Items (lines or allowances/charges) that can put a document into `box`: a superset, the subtotal decides."""
    category, code = table.c.vat_category, table.c.exemption_reason_code
    conditions: dict[str, ColumnElement[bool]] = {
        "1": category == "S",
        "2": and_(category == "Z", code.in_(sorted(HEALTH_EDUCATION))),
        "3": and_(category == "Z", code.not_in(sorted(HEALTH_EDUCATION | EXPORTS))),
        "4": and_(category == "Z", code.in_(sorted(EXPORTS))),
        "5": category == "E",
        OUT_OF_SCOPE: category == "O",
    }
    return conditions[box]


def _keys(uow: UnitOfWork, low: datetime, high: datetime, box: str | None = None) -> list[uuid.UUID]:
    """The documents of the period (those that may hold something of `box`), in issue order."""
    query = select(_inv.c.id).where(in_period(low, high))
    if box is not None:
        query = query.where(or_(
            exists().where(_line.c.invoice_id == _inv.c.id, _item_condition(_line, box)),
            exists().where(_ac.c.invoice_id == _inv.c.id, _item_condition(_ac, box))))
    query = query.order_by(func.julianday(_inv.c.issue_datetime), _inv.c.number)
    return list(uow.session.scalars(query))


def _drafts(uow: UnitOfWork, keys: Sequence[uuid.UUID], cancelled: CancelFn | None,
            progress: ProgressFn | None = None) -> Iterator[InvoiceDraft]:
    """The documents of `keys`, read CHUNK at a time (one query per table per chunk), in the order given."""
    for start in range(0, len(keys), CHUNK):
        if cancelled is not None and cancelled():
            raise ReportCancelled()
        for draft, _status, _version in repo.load_drafts(uow.session, keys[start:start + CHUNK]):
            yield draft
        if progress is not None:
            progress(min(1.0, (start + CHUNK) / len(keys)), f"{min(len(keys), start + CHUNK):,} documents read")


def _rejected(uow: UnitOfWork, low: datetime, high: datetime) -> int:
    query = select(func.count()).select_from(_inv.join(_sub, _sub.c.invoice_id == _inv.c.id)).where(
        in_period(low, high), _sub.c.state == "rejected")
    return int(uow.session.scalar(query) or 0)


def vat_return(uow: UnitOfWork, start: date, end: date, *, progress: ProgressFn | None = None,
               cancelled: CancelFn | None = None) -> VatReturn:
    """The figures of the return for the documents issued from `start` to `end` (Riyadh days, both included)."""
    low, high = period_bounds(start, end)
    keys = _keys(uow, low, high)
    boxes = {key: _Sum() for key in (*SALES_BOXES, OUT_OF_SCOPE)}
    groups: dict[tuple[str, str, Decimal, str], _Sum] = {}
    counts = _Counts()
    for draft in _drafts(uow, keys, cancelled, progress):
        counts.documents += 1
        counts.by_type[draft.type.value] += 1
        counts.foreign += draft.currency != "SAR"
        note = draft.type is not DocumentType.INVOICE
        seen_boxes: set[str] = set()
        for share in shares(draft, compute_totals(draft)):
            boxes[share.box].add(share.taxable, share.vat, note=note)
            group = groups.setdefault((share.box, share.category, share.rate, share.code), _Sum())
            group.add(share.taxable, share.vat, note=note)
            if share.box not in seen_boxes:
                boxes[share.box].documents += 1
                seen_boxes.add(share.box)
            group.documents += 1
        counts.in_sales += bool(seen_boxes - {OUT_OF_SCOPE})
    sales = [_figures(key, boxes[key]) for key in SALES_BOXES]
    zero = Decimal("0.00")
    total = BoxFigures("6", BOX_NAMES["6"][0], sum((b.amount for b in sales), zero),
                       sum((b.adjustment for b in sales), zero), sum((b.vat for b in sales), zero), counts.in_sales)
    ordered = sorted(groups.items(), key=lambda item: (_box_order(item[0][0]), item[0][1], -item[0][2], item[0][3]))
    return VatReturn(
        vat_number=_vat_number(uow), start=start, end=end, boxes=(*sales, total),
        out_of_scope=_figures(OUT_OF_SCOPE, boxes[OUT_OF_SCOPE]),
        groups=tuple(GroupFigures(box, category, rate, code, s.amount, s.adjustment, s.vat, s.documents)
                     for (box, category, rate, code), s in ordered),
        vat_due_on_sales=total.vat, documents=counts.documents, invoices=counts.by_type["invoice"],
        credit_notes=counts.by_type["credit_note"], debit_notes=counts.by_type["debit_note"],
        foreign_currency=counts.foreign, rejected_by_zatca=_rejected(uow, low, high))


def _box_order(box: str) -> int:
    return 99 if box == OUT_OF_SCOPE else int(box)


def _figures(key: str, total: _Sum) -> BoxFigures:
    return BoxFigures(key, BOX_NAMES[key][0], total.amount, total.adjustment, total.vat, total.documents)


def _vat_number(uow: UnitOfWork) -> str:
    return str(uow.session.scalar(select(m.Company.vat_number).where(m.Company.deleted_at.is_(None))) or "")


# -- the documents behind a box --------------------------------------------------------------------------------

PURPOSE = "VAT return"


def vat_return_documents(uow: UnitOfWork, start: date, end: date, box: str, *,
                         cancelled: CancelFn | None = None) -> Iterator[VatDocument]:
    """The documents that put something into `box` ("1" … "5" or "O"), in issue order, a chunk at a time.

    The buyer is the customer's name as stored, through the privacy gate as in the invoice list: a restricted
    customer reads "(restricted)" to a clerk, and reads of an individual's name are in the access log.
    """
    low, high = period_bounds(start, end)
    keys = _keys(uow, low, high, box)
    for first in range(0, len(keys), CHUNK):
        chunk = keys[first:first + CHUNK]
        buyers = _buyers(uow, chunk)
        for draft in _drafts(uow, chunk, cancelled):
            mine = [s for s in shares(draft, compute_totals(draft)) if s.box == box]
            if not mine:
                continue  # its items of this category had another exemption reason (the subtotal's decides)
            name, name_ar = buyers.get(draft.id, ("", ""))
            yield VatDocument(draft.number, saudi_time(draft.issue_datetime), draft.type.value, name, name_ar,
                              draft.currency, sum((s.taxable for s in mine), Decimal("0.00")),
                              sum((s.vat for s in mine), Decimal("0.00")))


def _buyers(uow: UnitOfWork, keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """The buyers' names of these documents through the invoice list's privacy gate (`browse.rows`)."""
    return {row.id: (row.customer_name, row.customer_name_ar)
            for row in browse.rows(uow, [key.hex for key in keys], purpose=PURPOSE)}


# -- the printed summary ---------------------------------------------------------------------------------------

AMOUNT_COLUMNS = (Column(("Amount (SAR)", "المبلغ بالريال السعودي"), 1.25, "end"),
                  Column(("Adjustment (SAR)", "مبلغ التعديل بالريال السعودي"), 1.25, "end"),
                  Column(("VAT amount (SAR)", "مبلغ الضريبة بالريال السعودي"), 1.25, "end"))
BOX_COLUMNS = (Column(("Box", "البند"), 0.45, "center"), Column(("Description", "البيان"), 3.0), *AMOUNT_COLUMNS)
NOT_COVERED: Label = ("not covered", "غير مشمول")
SCOPE_NOTE: Label = (
    "These figures come from the e-invoices issued in Qayd in the period, by issue date in Riyadh time. Amounts are "
    "taxable amounts after document-level allowances and charges, in SAR; credit notes reduce and debit notes "
    "increase the adjustment column. Qayd records sales only: purchases (boxes 7 to 12), corrections from previous "
    "periods and VAT credit carried forward are not covered and are entered in the return on the ZATCA portal.",
    "هذه الأرقام مأخوذة من الفواتير الإلكترونية الصادرة من قيد خلال الفترة، بحسب تاريخ الإصدار بتوقيت الرياض. "
    "المبالغ هي المبالغ الخاضعة للضريبة بعد الخصومات والرسوم على مستوى المستند، بالريال السعودي؛ وتُخفِّض "
    "الإشعارات الدائنة عمود التعديل وتزيده الإشعارات المدينة. يسجل قيد المبيعات فقط: فلا تشمل هذه الأرقام "
    "المشتريات، أي البنود من 7 إلى 12، ولا تصحيحات الفترات السابقة ولا الرصيد الدائن المرحَّل، وتُدخَل هذه في "
    "الإقرار على بوابة هيئة الزكاة والضريبة والجمارك.")


def build_vat_return(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                     cancelled: CancelFn | None = None) -> Built:
    """The VAT return summary of `start` … `end` as a PDF/A-3 in `lang` ("en" or "ar"), the figures attached as
    JSON. Cancelling raises `ReportCancelled` (nothing is written: the caller saves the bytes)."""
    check_lang(lang)
    now = saudi_time(ctx.clock())
    with ctx.uow(write=False) as uow:
        share = Stages(progress)
        data = vat_return(uow, start, end, progress=share.stage(0.0, 0.3, "Adding up the period"),
                          cancelled=cancelled)
        writer = ReportWriter(lang=lang, title=TITLE, identity=identity(uow), generated_at=now,
                              subtitle=period_label(start, end))
        _summary_pages(writer, data)
        listed = sum(data.box(k).documents for k in (*SALES_BOXES, OUT_OF_SCOPE)) or 1
        done = 0
        for key in (*SALES_BOXES, OUT_OF_SCOPE):
            count = data.box(key).documents
            report = share.stage(0.3 + 0.7 * done / listed, 0.3 + 0.7 * (done + count) / listed,
                                 f"Listing box {key}")
            _box_list(writer, uow, data, key, Progress(report, cancelled), cancelled)
            done += count
    filename = f"vat-return_{data.vat_number}_{start.isoformat()}_{end.isoformat()}_{lang}.pdf"
    title = f"{writer.t(TITLE)} {start.isoformat()} – {end.isoformat()}"
    figures = json.dumps(data.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
    attachment = Attachment("vat-return.json", figures, "application/json", "Data",
                            "The figures of this VAT return summary (JSON)")
    built = finish(writer, filename=filename, title=title, created=now, attachments=[attachment],
                   keywords=f"VAT return, ZATCA, {data.vat_number}, {start.isoformat()}, {end.isoformat()}")
    if progress is not None:
        progress(1.0, "Done")
    return built


class Stages:
    """Maps the progress of one stage (0 … 1) into its share of the whole document."""

    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress = progress

    def stage(self, low: float, high: float, message: str) -> ProgressFn | None:
        outer = self.progress
        if outer is None:
            return None

        def report(fraction: float, detail: str) -> None:
            outer(low + (high - low) * max(0.0, min(1.0, fraction)), f"{message}: {detail}" if detail else message)

        return report


def _amounts(figures: BoxFigures | GroupFigures) -> list[str]:
    return [money(figures.amount), money(figures.adjustment), money(figures.vat)]


def _summary_pages(w: ReportWriter, data: VatReturn) -> None:
    w.fields([
        (("VAT registration number", "رقم التسجيل الضريبي"), data.vat_number),
        (("Period", "الفترة"), w.t(span(data.start, data.end))),
        (("Documents issued", "المستندات الصادرة"), f"{data.documents:,}"),
        (("Invoices", "الفواتير"), f"{data.invoices:,}"),
        (("Credit notes", "الإشعارات الدائنة"), f"{data.credit_notes:,}"),
        (("Debit notes", "الإشعارات المدينة"), f"{data.debit_notes:,}"),
        (("Currency", "العملة"), w.t(("Saudi riyal (SAR)", "الريال السعودي SAR"))),
        (("Time zone", "المنطقة الزمنية"), w.t(("Riyadh, UTC+3", "الرياض، UTC+3"))),
    ])
    w.space(4)
    w.paragraph(SCOPE_NOTE, size=8, color=MUTED)
    w.heading(("VAT on sales", "ضريبة القيمة المضافة على المبيعات"))
    rows = [[b.box, w.t(BOX_NAMES[b.box]), *_amounts(b)] for b in data.boxes]
    w.table(BOX_COLUMNS, rows)
    w.summary([(("Net sales (box 6, amount + adjustment)", "صافي المبيعات في البند 6، المبلغ مع التعديل"),
                money(data.box("6").net, "SAR")),
               (("VAT due on sales (box 6)", "ضريبة القيمة المضافة المستحقة على المبيعات، البند 6"),
                money(data.vat_due_on_sales, "SAR"))], share=0.62)
    w.heading(("VAT on purchases", "ضريبة القيمة المضافة على المشتريات"))
    w.paragraph(("Qayd records no purchases: boxes 7 to 12 are not covered by this summary, and the net VAT due "
                 "(box 13 onwards) is worked out in the return on the ZATCA portal.",
                 "لا يسجل قيد المشتريات: فالبنود من 7 إلى 12 غير مشمولة في هذا الملخص، ويُحسب صافي الضريبة "
                 "المستحقة في البند 13 وما بعده في الإقرار على بوابة الهيئة."), size=8, color=MUTED)
    not_covered = w.t(NOT_COVERED)
    w.table(BOX_COLUMNS, [[key, w.t(name), not_covered, not_covered, not_covered]
                          for key, name in PURCHASE_BOXES.items()])
    w.heading(BOX_NAMES[OUT_OF_SCOPE])
    w.table(BOX_COLUMNS, [["—", w.t(("Supplies out of the scope of VAT (category O)",
                                    "توريدات خارج نطاق ضريبة القيمة المضافة، الفئة O")),
                           *_amounts(data.out_of_scope)]])
    w.heading(("By VAT category, rate and exemption reason", "حسب فئة الضريبة ونسبتها وسبب الإعفاء"))
    w.table([Column(("Box", "البند"), 0.45, "center"), Column(("VAT category", "فئة الضريبة"), 1.5),
             Column(("Rate", "النسبة"), 0.55, "end"), Column(("Exemption reason code", "رمز سبب الإعفاء"), 1.45),
             *AMOUNT_COLUMNS, Column(("Documents", "المستندات"), 1.0, "end")],
            [[g.box if g.box != OUT_OF_SCOPE else "—", w.t(CATEGORY_NAMES.get(g.category, (g.category, g.category))),
              f"{g.rate.normalize():f}%", g.exemption_reason_code or "—", *_amounts(g), f"{g.documents:,}"]
             for g in data.groups])
    if data.rejected_by_zatca:
        w.paragraph((f"Documents rejected by ZATCA: {data.rejected_by_zatca:,}. They are counted until a credit "
                     "note cancels them (Qayd's guided correction issues one); see the ZATCA submission report.",
                     f"المستندات التي رفضتها الهيئة: {data.rejected_by_zatca:,}. وهي محسوبة هنا إلى أن يلغيها "
                     "إشعار دائن يصدره التصحيح الموجَّه في قيد؛ راجع تقرير الإرسال إلى الهيئة."),
                    size=8, color=ALERT)
    if data.foreign_currency:
        w.paragraph((f"Documents in other currencies: {data.foreign_currency:,}. They are converted to SAR at the "
                     "exchange rate each states, and their VAT is the SAR VAT total each states.",
                     f"المستندات بعملات أخرى: {data.foreign_currency:,}. حُوِّلت إلى الريال السعودي بسعر الصرف "
                     "المذكور في كل منها، وضريبتها هي إجمالي الضريبة بالريال المذكور فيها."), size=8, color=MUTED)


LIST_COLUMNS = (Column(("Number", "الرقم"), 1.5), Column(("Issued (Riyadh)", "تاريخ الإصدار بتوقيت الرياض"), 1.15),
                Column(("Type", "النوع"), 0.9), Column(("Buyer", "المشتري"), 2.0),
                Column(("Taxable amount (SAR)", "المبلغ الخاضع بالريال السعودي"), 1.25, "end"),
                Column(("VAT (SAR)", "الضريبة بالريال السعودي"), 1.05, "end"))


def _box_list(w: ReportWriter, uow: UnitOfWork, data: VatReturn, key: str, progress: Progress,
              cancelled: CancelFn | None) -> None:
    figures = data.box(key)
    w.ensure(90)  # the heading, the table's header and a first row stay together
    if key == OUT_OF_SCOPE:
        w.heading(("Out-of-scope supplies: documents", "التوريدات خارج نطاق الضريبة: المستندات"))
    else:
        name = BOX_NAMES[key]
        w.heading((f"Box {key}, {name[0]}: documents", f"البند {key}، {name[1]}: المستندات"))

    def rows() -> Iterator[list[str]]:
        for doc in vat_return_documents(uow, data.start, data.end, key, cancelled=cancelled):
            buyer = doc.buyer_ar if w.lang == "ar" and doc.buyer_ar else doc.buyer
            yield [doc.number, doc.issue_datetime.strftime("%Y-%m-%d"), w.t(TYPE_NAMES[doc.type]), buyer or "—",
                   money(doc.taxable), money(doc.vat)]

    w.table(LIST_COLUMNS, rows(), total_rows=figures.documents, progress=progress)
    if figures.documents:
        w.summary([(("Documents", "عدد المستندات"), f"{figures.documents:,}"),
                   (("Taxable amount, net (SAR)", "صافي المبلغ الخاضع بالريال السعودي"), money(figures.net)),
                   (("VAT (SAR)", "الضريبة بالريال السعودي"), money(figures.vat))], strong_last=False, share=0.55)
