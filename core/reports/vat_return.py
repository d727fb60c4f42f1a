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
documents behind each box are read (`vat_return_documents`) in chunks. The printed summary is made in two steps:
`gather_vat_return` reads everything it shows in one unit of work into a `VatReturnReport`, and
`core.reports.vat_return_layout` lays that out without reading the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from core.clock import saudi_time
from core.invoicing import browse
from core.invoicing import repository as repo
from core.invoicing.model import DocumentType, InvoiceDraft, Totals
from core.invoicing.totals import compute_totals
from core.invoicing.totals import money as round_money
from core.progress import check, part, step
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.vat_figures import (  # re-exported: the figures' old home
    BOX_NAMES,
    CATEGORY_NAMES,
    EXPORTS,
    HEALTH_EDUCATION,
    LISTED_BOXES,
    OUT_OF_SCOPE,
    PURCHASE_BOXES,
    SALES_BOXES,
    TITLE,
    TYPE_NAMES,
    BoxFigures,
    GroupFigures,
    VatDocument,
    VatReturn,
    VatReturnReport,
    box_of,
    jsonable,
    parse_period,
    period_bounds,
    period_label,
)
from core.reports.vat_return_layout import lay_out_vat_return
from core.store import models as m
from core.uow import Context, UnitOfWork

__all__ = [
    "BOX_NAMES", "CATEGORY_NAMES", "CHUNK", "LISTED_BOXES", "OUT_OF_SCOPE", "PURCHASE_BOXES", "SALES_BOXES", "TITLE",
    "TYPE_NAMES", "BoxFigures", "GroupFigures", "Stages", "VatDocument", "VatReturn", "VatReturnReport", "box_of",
    "build_vat_return", "gather_vat_return", "in_period", "jsonable", "parse_period", "period_bounds",
    "period_label", "shares", "vat_return", "vat_return_documents",
]

CHUNK = 500  # documents per read


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
        check(cancelled, f"{start:,} documents read")
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



# -- the printed summary: gathered, then laid out --------------------------------------------------------------

READ = 0.6  # the share of the document's progress that reading takes (core.reports.vat_return_layout.LAID_OUT)


def gather_vat_return(ctx: Context, start: date, end: date, *, progress: ProgressFn | None = None,
                      cancelled: CancelFn | None = None) -> VatReturnReport:
    """Everything the printed summary of `start` … `end` shows, read in one unit of work."""
    now = saudi_time(ctx.clock())
    with ctx.uow(write=False) as uow:
        figures = vat_return(uow, start, end, progress=part(progress, 0.0, 0.3, "Adding up the period"),
                             cancelled=cancelled)
        who = identity(uow)
        listed = sum(figures.box(k).documents for k in LISTED_BOXES) or 1
        lists, done = [], 0
        for key in LISTED_BOXES:
            step(progress, None, 0.3 + (READ - 0.3) * done / listed, f"Reading box {key}")
            lists.append((key, tuple(vat_return_documents(uow, start, end, key, cancelled=cancelled))))
            done += figures.box(key).documents
    return VatReturnReport(figures, who, now, tuple(lists))


def build_vat_return(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                     cancelled: CancelFn | None = None) -> Built:
    """The VAT return summary of `start` … `end` as a PDF/A-3 in `lang` ("en" or "ar"), the figures attached as
    JSON. Cancelling raises `core.errors.Cancelled` (nothing is written: the caller saves the bytes)."""
    check_lang(lang)
    report = gather_vat_return(ctx, start, end, progress=progress, cancelled=cancelled)
    built = lay_out_vat_return(report, lang, progress=progress, cancelled=cancelled)
    if progress is not None:
        progress(1.0, "Done")
    return built


class Stages:
    """Maps the progress of one stage (0 … 1) into its share of the whole document."""

    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress = progress

    def stage(self, low: float, high: float, message: str) -> ProgressFn | None:
        return part(self.progress, low, high, message)

