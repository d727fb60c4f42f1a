"""The dashboard's figures: sales and VAT for a period, documents by status (the audit chain's state is
`core.audit.state`).

Everything is a SQL aggregate over indexed columns (amounts are integer hundredths, so the sums are exact);
Python only converts the few per-currency groups to SAR, in Decimal. Periods are calendar periods in
Saudi time (UTC+3), the time ZATCA reports in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import String, and_, func, literal, select

from core.clock import SAUDI_TIME as KSA  # noqa: F401  (re-exported: desktop views read it from here)
from core.clock import saudi_date, saudi_midnight
from core.invoicing.model import DocumentType
from core.store.models import Invoice, ZatcaSubmission

if TYPE_CHECKING:
    from core.uow import UnitOfWork

CENT = Decimal("0.01")
# Stored times keep their own UTC offset (at most ±14 h), so the text range is widened by that much to use the
# index, and the exact instant is compared with julianday().
_OFFSET_SLACK = timedelta(hours=14)


class PeriodKind(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


def period_of(kind: PeriodKind | str, now: datetime) -> Period:
    """The calendar period (this month, last month, this quarter, this year) containing `now`, in Saudi time."""
    kind = PeriodKind(kind)
    today = saudi_date(now)
    if kind is PeriodKind.THIS_MONTH:
        first = today.replace(day=1)
        start, end = first, _add_months(first, 1)
    elif kind is PeriodKind.LAST_MONTH:
        end = today.replace(day=1)
        start = _add_months(end, -1)
    elif kind is PeriodKind.QUARTER:
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = _add_months(start, 3)
    else:
        start, end = date(today.year, 1, 1), date(today.year + 1, 1, 1)
    return Period(kind, saudi_midnight(start), saudi_midnight(end))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class SalesFigures:
    period: Period
    sales: Decimal  # tax-exclusive, SAR: invoices and debit notes less credit notes, issued documents only
    vat: Decimal  # VAT in SAR, the same documents
    issued: int  # issued documents in the period (all types)
    by_status: dict[str, int]  # documents of the period by status: draft, issued
    by_type: dict[str, int]  # issued documents of the period by type
    by_submission: dict[str, int]  # issued documents of the period by ZATCA state: pending, sending, done, rejected

    @property
    def drafts(self) -> int:
        return self.by_status.get("draft", 0)


def _in_period(period: Period) -> list[object]:
    column = Invoice.issue_datetime
    return [column >= period.start - _OFFSET_SLACK, column < period.end + _OFFSET_SLACK,
            func.julianday(column) >= func.julianday(literal(period.start.isoformat(), String)),
            func.julianday(column) < func.julianday(literal(period.end.isoformat(), String)),
            Invoice.deleted_at.is_(None)]


def sales_figures(uow: UnitOfWork, period: Period) -> SalesFigures:
    """Sales, VAT and document counts of `period`, from a handful of grouped SQL sums."""
    where = and_(*_in_period(period))  # type: ignore[arg-type]
    sales, vat = Decimal(0), Decimal(0)
    by_status: dict[str, int] = {}
    by_type: dict[str, int] = {}
    groups = uow.session.execute(
        select(Invoice.status, Invoice.type, Invoice.currency, Invoice.exchange_rate, func.count(),
               func.sum(Invoice.tax_exclusive), func.sum(Invoice.tax_total_sar))
        .where(where).group_by(Invoice.status, Invoice.type, Invoice.currency, Invoice.exchange_rate))
    for status, doc_type, currency, rate, count, exclusive_cents, vat_cents in groups:
        by_status[status] = by_status.get(status, 0) + int(count)
        if status == "draft":
            continue
        by_type[doc_type] = by_type.get(doc_type, 0) + int(count)
        sign = -1 if doc_type == DocumentType.CREDIT_NOTE.value else 1
        # The Cents type reads sums back as Decimal hundredths; a raw integer is scaled here the same way.
        exclusive = _cents(exclusive_cents)
        if currency != "SAR" and rate is not None:
            exclusive = exclusive * rate
        sales += sign * exclusive
        vat += sign * _cents(vat_cents)
    submissions = {str(state): int(n) for state, n in uow.session.execute(
        select(ZatcaSubmission.state, func.count()).join(Invoice, Invoice.id == ZatcaSubmission.invoice_id)
        .where(where).group_by(ZatcaSubmission.state))}
    return SalesFigures(period, sales.quantize(CENT, ROUND_HALF_UP), vat.quantize(CENT, ROUND_HALF_UP),
                        sum(by_type.values()), by_status, by_type, submissions)


def _cents(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(int(value)).scaleb(-2)  # type: ignore[call-overload]
