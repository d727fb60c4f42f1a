"""Many demo drafts written in bulk (no audit entries): the large stores the benchmarks measure against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.invoicing import repository as repo
from core.invoicing import service
from core.invoicing.demo import demo_drafts
from core.invoicing.model import Customer
from core.invoicing.totals import compute_totals
from core.uow import Context


def add_drafts(ctx: Context, n: int, *, prefix: str = "INV", customers: Sequence[Customer] | None = None) -> None:
    """n demo drafts numbered `<prefix>-000001`…, buyers linked to the company's customers (or the ones given)."""
    with ctx.uow(write=False) as uow:
        people = list(customers) if customers is not None else service.list_customers(uow, limit=1000)
        products = service.list_products(uow, limit=1000)
    by_name = {c.name: c.id for c in people}
    with ctx.uow() as uow:
        batch = repo.InvoiceBatch()
        for i, draft in enumerate(demo_drafts(people, products, n, ctx)):
            draft = replace(draft, number=f"{prefix}-{i + 1:06d}",
                            customer_id=by_name.get(draft.buyer.name) if draft.buyer else None)
            batch.add(draft, compute_totals(draft), device_id=ctx.device_id, now=uow.now())
            if len(batch.invoices) >= 5000:
                batch.write(uow.session)
        batch.write(uow.session)
        uow.commit()
