"""Receivables and their ageing: what issued invoices still ask for, by how long it has been due.

An invoice's outstanding amount is its paid status's (`core.payments.status`): what it asks for (payable less its
issued credit notes plus its issued debit notes) less what it received (matched payments less their refunds),
never below zero. Qayd's invoices carry no due date, so an invoice falls due on its issue date in Riyadh time and
its age is the number of Riyadh days since: 0 (issued today) is not yet due, then 1–30, 31–60, 61–90 and over 90.
Totals are per currency (an invoice's amounts are in its own currency).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.clock import saudi_date
from core.payments.status import ZERO, paid_statuses
from core.store import models as m
from core.uow import UnitOfWork

BUCKETS: tuple[str, ...] = ("not_due", "1_30", "31_60", "61_90", "over_90")
_LIMITS = ((0, "not_due"), (30, "1_30"), (60, "31_60"), (90, "61_90"))


def bucket_of(age_days: int) -> str:
    """The ageing bucket of an invoice `age_days` Riyadh days past its due date (0 or less: not yet due)."""
    return next((name for limit, name in _LIMITS if age_days <= limit), "over_90")


@dataclass(frozen=True, slots=True)
class Ageing:
    """What the issued invoices of one currency still ask for, per bucket."""

    currency: str
    buckets: tuple[Decimal, ...]  # in BUCKETS order
    counts: tuple[int, ...]  # invoices per bucket

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)

    @property
    def invoices(self) -> int:
        return sum(self.counts)

    def amount(self, bucket: str) -> Decimal:
        return self.buckets[BUCKETS.index(bucket)]


@dataclass(frozen=True, slots=True)
class Receivables:
    as_of: date  # the Riyadh day the ages are counted to
    by_currency: tuple[Ageing, ...]  # SAR first, then the others by code

    def of(self, currency: str = "SAR") -> Ageing:
        found = next((a for a in self.by_currency if a.currency == currency), None)
        return found or Ageing(currency, (ZERO,) * len(BUCKETS), (0,) * len(BUCKETS))


def receivables(uow: UnitOfWork, now: datetime) -> Receivables:
    """The outstanding amounts of the issued invoices, aged to `now`'s Riyadh day."""
    today = saudi_date(now)
    open_ = {k: s for k, s in paid_statuses(uow).items() if s.outstanding > 0}
    issued: dict[object, datetime] = {}
    ids = list(open_)
    inv = m.Invoice
    for start in range(0, len(ids), 500):
        issued.update((key, at) for key, at in uow.session.execute(select(inv.id, inv.issue_datetime).where(
            inv.id.in_(ids[start:start + 500]))))
    amounts: dict[str, list[Decimal]] = {}
    counts: dict[str, list[int]] = {}
    for key, status in open_.items():
        index = BUCKETS.index(bucket_of((today - saudi_date(issued[key])).days))
        amounts.setdefault(status.currency, [ZERO] * len(BUCKETS))[index] += status.outstanding
        counts.setdefault(status.currency, [0] * len(BUCKETS))[index] += 1
    order = sorted(amounts, key=lambda c: (c != "SAR", c))
    return Receivables(today, tuple(Ageing(c, tuple(amounts[c]), tuple(counts[c])) for c in order))
