"""Whether each issued invoice is paid: payments matched to it, minus refunds, against what it still asks for.

What an invoice asks for (`due`) is its payable amount less its issued credit notes plus its issued debit notes
(notes refer to it by number, BT-25). What it received (`received`) is the sum of its matched payments less
their refunds. Then: nothing received (and something due) is outstanding; less than due is partly paid; exactly
due is paid; more than due is overpaid, which is also a finding (money to give back, or a payment on the wrong
invoice). Unmatched payments count for no invoice until a person settles them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from core.findings import Finding, Severity
from core.store import models as m
from core.uow import UnitOfWork

PaidState = Literal["outstanding", "partly_paid", "paid", "overpaid"]
PAID_STATES: tuple[PaidState, ...] = ("outstanding", "partly_paid", "paid", "overpaid")
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PaidStatus:
    invoice_id: uuid.UUID
    number: str
    currency: str
    due: Decimal  # payable less issued credit notes plus issued debit notes
    received: Decimal  # matched payments less their refunds
    refunded: Decimal
    state: PaidState

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.received, ZERO)


def _state(due: Decimal, received: Decimal) -> PaidState:
    if received > due:
        return "overpaid"
    if received == due:
        return "paid"
    return "partly_paid" if received > 0 else "outstanding"


def _sums(rows: Iterable[tuple[object, Decimal]]) -> dict[object, Decimal]:
    totals: dict[object, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in rows:
        totals[key] += amount
    return totals


def paid_statuses(uow: UnitOfWork, invoice_ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, PaidStatus]:
    """The paid status of issued invoices (all of them, or these), by invoice id. Drafts and notes have none."""
    inv, pay = m.Invoice, m.Payment
    ids = None if invoice_ids is None else list(invoice_ids)
    query = select(inv.id, inv.number, inv.currency, inv.payable).where(
        inv.status != "draft", inv.type == "invoice", inv.deleted_at.is_(None))
    invoices = list(uow.session.execute(query if ids is None else query.where(inv.id.in_(ids))))
    notes = select(inv.billing_reference, inv.type, inv.payable).where(
        inv.status != "draft", inv.type != "invoice", inv.billing_reference != "", inv.deleted_at.is_(None))
    if ids is not None:
        notes = notes.where(inv.billing_reference.in_([r.number for r in invoices]))
    adjust = _sums((ref, payable if kind == "debit_note" else -payable)
                   for ref, kind, payable in uow.session.execute(notes))
    matched = select(pay.invoice_id, pay.amount, pay.refunded).where(
        pay.state == "matched", pay.invoice_id.is_not(None), pay.deleted_at.is_(None))
    rows = list(uow.session.execute(matched if ids is None else matched.where(pay.invoice_id.in_(ids))))
    paid, back = _sums((r[0], r[1]) for r in rows), _sums((r[0], r[2]) for r in rows)
    result = {}
    for r in invoices:
        due, received = r.payable + adjust.get(r.number, ZERO), paid.get(r.id, ZERO) - back.get(r.id, ZERO)
        result[r.id] = PaidStatus(r.id, r.number, r.currency, due, received, back.get(r.id, ZERO),
                                  _state(due, received))
    return result


def paid_status(uow: UnitOfWork, invoice_id: uuid.UUID) -> PaidStatus | None:
    return paid_statuses(uow, [invoice_id]).get(invoice_id)


def paid_states(uow: UnitOfWork, invoice_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PaidState]:
    """The paid state of these documents (a list's window), read in three queries whatever their number; drafts
    and notes have none."""
    return {i: s.state for i, s in paid_statuses(uow, invoice_ids).items()}


def keep_paid(uow: UnitOfWork, keys: Sequence[str], state: str) -> list[str]:
    """The keys (`core.invoicing.browse.keys`, hex ids) whose paid state is `state`, in their order. The statuses
    of every issued invoice are read once (a selection of 100 000 keys would not fit an IN list)."""
    if state not in PAID_STATES:
        raise ValueError(f"unknown paid state {state!r}; expected one of {', '.join(PAID_STATES)}")
    wanted = {i.hex for i, s in paid_statuses(uow).items() if s.state == state}
    return [k for k in keys if k in wanted]


def overpaid_finding(status: PaidStatus) -> Finding:
    extra = format(status.received - status.due, "f")
    return Finding(
        "QAYD-PAY-OVERPAID", f"invoice[{status.number}]",
        f"{status.number} received {extra} {status.currency} more than it asks for.",
        "Refund the difference with `qayd pay refund` (after a credit note), or check the payments for one "
        "meant for another invoice.", Severity.WARNING,
        f"استلمت الفاتورة {status.number} مبلغًا يزيد بمقدار {extra} {status.currency} عمّا تطلبه.",
        "أعد الفرق عبر `qayd pay refund` (بعد إشعار دائن)، أو راجع الدفعات بحثًا عن دفعة تخص فاتورة أخرى.")
