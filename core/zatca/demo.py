"""The demo company's ZATCA side: an EGS unit with a local demo certificate, and a few issued documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from core.invoicing.service import get_company
from core.store import models as m
from core.uow import Context, UnitOfWork
from core.zatca.egs import create_demo_egs
from core.zatca.issuing import issue_invoice


def add_demo_egs(ctx: Context, *, issue: int = 20) -> str:
    """Give the demo company its demo unit and issue `issue` of its drafts (signed offline, never submitted),
    spread evenly from the oldest to the newest, so this month and the months before it each hold issued documents
    for the dashboard and the reports. They are issued in date order, so the counter (ICV) follows the dates."""
    with ctx.uow() as uow:
        create_demo_egs(uow, get_company(uow))
        chosen = choose(_drafts(uow), issue)
        for row in chosen:
            issue_invoice(uow, str(row.id))
        uow.commit()
    return f"a demo EGS unit (not valid for submission), {len(chosen)} documents issued"


def _drafts(uow: UnitOfWork) -> list[Any]:
    """The drafts in date order, with what `choose` needs (no buyer's name is read: nothing for the access log)."""
    inv = m.Invoice
    query = (select(inv.id, inv.number, inv.type, inv.billing_reference)
             .where(inv.status == "draft", inv.deleted_at.is_(None))
             .order_by(func.julianday(inv.issue_datetime), inv.number))
    return list(uow.session.execute(query))


def choose(drafts: Sequence[Any], wanted: int) -> list[Any]:
    """`wanted` of the date-ordered `drafts`, evenly apart (the oldest and the newest included), in date order. A
    credit note whose invoice is not chosen gives its place to the nearest invoice not chosen: an issued note must
    not correct a draft."""
    picked = set(spread(len(drafts), wanted))
    for index in sorted(picked):
        if _orphan_note(drafts[index], {drafts[i].number for i in picked}):
            free = [i for i in range(len(drafts)) if i not in picked and drafts[i].type != "credit_note"]
            if free:
                picked.discard(index)
                picked.add(min(free, key=lambda i: abs(i - index)))
    return [drafts[i] for i in sorted(picked)]


def _orphan_note(row: Any, chosen: set[str]) -> bool:
    return bool(row.type == "credit_note" and row.billing_reference and row.billing_reference not in chosen)


def spread(count: int, wanted: int) -> list[int]:
    """`wanted` indexes of `count` ordered items, evenly apart, the first and the last included."""
    if wanted >= count:
        return list(range(count))
    if wanted <= 1:
        return [count - 1] if wanted == 1 else []
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})
