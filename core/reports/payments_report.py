"""The payments report: payouts reconciled to invoices for a period of Riyadh days.

Each payment received in the period (by its payment time in Riyadh time) is listed with its invoice and buyer, its
gross, the refunds the provider confirmed, the provider's fee and the net; unmatched payments are listed apart.
Per provider and currency the totals are set against the payouts the provider reported in the period (Stripe
`payout.paid` events, stored by the poll), and the difference shown: money still in transit, or paid out for
another period. `gather_payments_report` reads everything in one unit of work into a `PaymentsReport`;
`core.reports.payments_report_layout` lays it out without reading the store.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from core.clock import saudi_time
from core.invoicing import browse
from core.progress import check
from core.reports.document import Built, CancelFn, ProgressFn, identity
from core.reports.errors import ReportError
from core.reports.payments_figures import ZERO, PaymentLine, PaymentsReport, ProviderTotals
from core.reports.payments_report_layout import lay_out_payments_report
from core.reports.vat_figures import period_bounds
from core.store import models as m
from core.uow import Context, UnitOfWork

__all__ = ["PURPOSE", "build_payments_report", "gather_payments_report", "payment_lines", "payouts"]

PURPOSE = "payments report"
LANGS = ("en", "ar", "both")


def _between(column: Any, low: datetime, high: datetime) -> ColumnElement[bool]:
    """Instants in [low, high): julianday reads each stored offset, as the other reports compare them."""
    instant = func.julianday(column)
    return and_(instant >= func.julianday(low.isoformat()), instant < func.julianday(high.isoformat()))


def _confirmed_refunds(uow: UnitOfWork, payment_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    """Refunds the provider confirmed, per payment; a refund reserved but never answered ("pending:…") is left out."""
    ref = m.PaymentRefund
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for start in range(0, len(payment_ids), 500):
        for payment_id, amount in uow.session.execute(select(ref.payment_id, ref.amount).where(
                ref.payment_id.in_(payment_ids[start:start + 500]), ref.deleted_at.is_(None),
                ref.refund_ref.not_like("pending:%"))):
            totals[payment_id] += amount
    return totals


def _buyers(uow: UnitOfWork, invoice_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """The buyers' names through the invoice list's privacy gate (restricted ones hidden, reads logged)."""
    keys = sorted({i.hex for i in invoice_ids})
    return {row.id: (row.customer_name, row.customer_name_ar) for row in browse.rows(uow, keys, purpose=PURPOSE)}


def payment_lines(uow: UnitOfWork, start: date, end: date, *,
                  cancelled: CancelFn | None = None) -> list[PaymentLine]:
    """The payments received from `start` to `end` (Riyadh days, both included), by payment time."""
    low, high = period_bounds(start, end)
    pay, inv = m.Payment, m.Invoice
    rows = list(uow.session.execute(
        select(pay, inv.number).outerjoin(inv, inv.id == pay.invoice_id)
        .where(pay.deleted_at.is_(None), _between(pay.paid_at, low, high))
        .order_by(func.julianday(pay.paid_at), pay.provider, pay.payment_ref)))
    check(cancelled, "payments read")
    refunds = _confirmed_refunds(uow, [p.id for p, _ in rows])
    buyers = _buyers(uow, [p.invoice_id for p, _ in rows if p.invoice_id is not None])
    lines = []
    for p, number in rows:
        name, name_ar = buyers.get(p.invoice_id, ("", "")) if p.invoice_id is not None else ("", "")
        matched = p.state == "matched" and p.invoice_id is not None
        lines.append(PaymentLine(p.provider, p.payment_ref, saudi_time(p.paid_at), number or "", name, name_ar,
                                 p.currency, p.amount, refunds.get(p.id, ZERO), p.fee,
                                 "" if matched else (p.problem or "QAYD-PAY-REFERENCE")))
    return lines


def payouts(uow: UnitOfWork, start: date, end: date) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """The payouts the providers reported in the period, per (provider, currency): their sum and count."""
    low, high = period_bounds(start, end)
    ev = m.ProviderEventRow
    totals: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for provider, currency, amount in uow.session.execute(select(ev.provider, ev.currency, ev.amount).where(
            ev.kind == "payout.paid", _between(ev.occurred_at, low, high))):
        total, count = totals.get((provider, currency), (ZERO, 0))
        totals[(provider, currency)] = (total + amount, count + 1)
    return totals


def provider_totals(lines: list[PaymentLine],
                    paid_out: dict[tuple[str, str], tuple[Decimal, int]]) -> tuple[ProviderTotals, ...]:
    groups: dict[tuple[str, str], list[PaymentLine]] = defaultdict(list)
    for line in lines:
        groups[(line.provider, line.currency)].append(line)
    result = []
    for key in sorted(set(groups) | set(paid_out)):
        matched = [p for p in groups.get(key, []) if not p.problem]
        unmatched = [p for p in groups.get(key, []) if p.problem]
        amount, count = paid_out.get(key, (ZERO, 0))
        result.append(ProviderTotals(
            key[0], key[1], len(matched), sum((p.gross for p in matched), ZERO),
            sum((p.refunds for p in matched), ZERO), sum((p.fee for p in matched), ZERO),
            sum((p.net for p in matched), ZERO), len(unmatched), sum((p.net for p in unmatched), ZERO),
            amount, count))
    return tuple(result)


def gather_payments_report(ctx: Context, start: date, end: date, *,
                           cancelled: CancelFn | None = None) -> PaymentsReport:
    """Everything the printed report of `start` … `end` shows, read in one unit of work."""
    now = saudi_time(ctx.clock())
    with ctx.uow(write=False) as uow:
        lines = payment_lines(uow, start, end, cancelled=cancelled)
        paid_out = payouts(uow, start, end)
        who = identity(uow)
    return PaymentsReport(who, now, start, end, tuple(p for p in lines if not p.problem),
                          tuple(p for p in lines if p.problem), provider_totals(lines, paid_out))


def build_payments_report(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                          cancelled: CancelFn | None = None) -> Built:
    """The payments report of `start` … `end` as a PDF/A-3 in `lang` ("en", "ar" or "both"), the figures attached
    as JSON. Cancelling raises `core.errors.Cancelled` (nothing is written: the caller saves the bytes)."""
    if lang not in LANGS:
        raise ReportError(f"The language {lang!r} is not available for this document.", fix="Use en, ar or both.")
    if progress is not None:
        progress(0.0, "Reading payments")
    report = gather_payments_report(ctx, start, end, cancelled=cancelled)
    built = lay_out_payments_report(report, lang, progress=progress, cancelled=cancelled)
    if progress is not None:
        progress(1.0, "Done")
    return built
