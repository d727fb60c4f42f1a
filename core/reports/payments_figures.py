"""The payments report's figures as data: payments matched to invoices, totals and payouts per provider.

Pure values (no store): `core.reports.payments_report` gathers them, `core.reports.payments_report_layout` lays
them out. Money is Decimal in the payment's currency; times are in Riyadh time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.reports.labels import Label, period
from core.reports.layout import Identity
from core.reports.vat_figures import jsonable

TITLE: Label = ("Payments report", "تقرير المدفوعات")
ZERO = Decimal("0.00")


def payments_period_label(start: date, end: date) -> Label:
    return period(start, end, basis=("by payment date in Riyadh time", "بحسب تاريخ الدفع بتوقيت الرياض"))


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """One payment received in the period: what it paid, what was given back, what the provider kept."""

    provider: str
    payment_ref: str
    paid_at: datetime  # Riyadh time
    invoice_number: str  # "" when unmatched
    buyer: str  # through the privacy gate: "(restricted)" to a clerk for a restricted customer
    buyer_ar: str
    currency: str
    gross: Decimal
    refunds: Decimal  # confirmed by the provider so far (a refund still waiting for its answer is not counted)
    fee: Decimal
    problem: str  # the rule an unmatched payment broke ("" when matched)

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds - self.fee


@dataclass(frozen=True, slots=True)
class ProviderTotals:
    """One provider's payments of the period in one currency, and the payouts that settle them."""

    provider: str
    currency: str
    payments: int  # matched
    gross: Decimal
    refunds: Decimal
    fees: Decimal
    net: Decimal  # of the matched payments
    unmatched: int
    unmatched_net: Decimal
    payouts: Decimal  # paid out by the provider in the period (Stripe payout.paid)
    payout_count: int

    @property
    def settled(self) -> Decimal:
        """What the payouts should settle: the net of every payment received, matched or not."""
        return self.net + self.unmatched_net

    @property
    def difference(self) -> Decimal:
        """Payouts less the net they settle: money in transit (negative) or from another period (positive)."""
        return self.payouts - self.settled


@dataclass(frozen=True, slots=True)
class PaymentsReport:
    """Everything the printed report shows, read in one unit of work."""

    identity: Identity
    generated_at: datetime  # Riyadh time
    start: date
    end: date
    matched: tuple[PaymentLine, ...]  # by payment time
    unmatched: tuple[PaymentLine, ...]
    totals: tuple[ProviderTotals, ...]  # by provider, then currency
    timezone: str = "Asia/Riyadh"

    def as_json(self) -> dict[str, Any]:
        def line(p: PaymentLine) -> dict[str, Any]:
            return {**jsonable(p), "net": format(p.net, "f")}

        def total(t: ProviderTotals) -> dict[str, Any]:
            return {**jsonable(t), "settled": format(t.settled, "f"), "difference": format(t.difference, "f")}

        return {"vat_number": self.identity.vat_number, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "timezone": self.timezone, "generated_at": self.generated_at.isoformat(),
                "payments": [line(p) for p in self.matched], "unmatched": [line(p) for p in self.unmatched],
                "totals": [total(t) for t in self.totals]}
