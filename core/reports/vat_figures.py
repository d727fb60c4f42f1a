"""The VAT return's figures as data: its boxes, periods and labels, and everything its printed summary shows.

Pure values (no store): `core.reports.vat_return` gathers them, `core.reports.vat_return_layout` lays them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from core.clock import SAUDI_TIME as RIYADH
from core.invoicing.codelists import CITIZEN_ONLY_VATEX, EXPORT_VATEX, OUT_OF_SCOPE_BOX, vat_return_box
from core.invoicing.model import VatCategory
from core.reports.errors import ReportError
from core.reports.labels import Label, period
from core.reports.layout import Identity

HEALTH_EDUCATION = CITIZEN_ONLY_VATEX
EXPORTS = EXPORT_VATEX
SALES_BOXES = ("1", "2", "3", "4", "5")
OUT_OF_SCOPE = OUT_OF_SCOPE_BOX
LISTED_BOXES = (*SALES_BOXES, OUT_OF_SCOPE)  # the boxes whose documents the summary lists, in its order

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
class VatReturnReport:
    """Everything the printed summary shows, read in one unit of work: the figures, the company's identity, when it
    was made, and the documents behind each listed box (in issue order)."""

    figures: VatReturn
    identity: Identity
    generated_at: datetime  # in Riyadh time
    lists: tuple[tuple[str, tuple[VatDocument, ...]], ...]  # (box, its documents) for each of LISTED_BOXES

    def documents(self, key: str) -> tuple[VatDocument, ...]:
        return next(docs for box, docs in self.lists if box == key)
