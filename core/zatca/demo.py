"""The demo company's ZATCA side: an EGS unit with a local demo certificate, and a few issued documents."""

from __future__ import annotations

from core.invoicing.service import InvoiceQuery, get_company, list_invoices
from core.uow import Context
from core.zatca.egs import create_demo_egs
from core.zatca.issuing import issue_invoice


def add_demo_egs(ctx: Context, *, issue: int = 20) -> str:
    """Give the demo company its demo unit and issue its `issue` oldest drafts (signed offline, never submitted)."""
    with ctx.uow() as uow:
        create_demo_egs(uow, get_company(uow))
        oldest = list_invoices(uow, InvoiceQuery(status="draft", newest_first=False, limit=issue))
        for summary in oldest:
            issue_invoice(uow, summary.number)
        uow.commit()
    return f"a demo EGS unit (not valid for submission), {len(oldest)} documents issued"
