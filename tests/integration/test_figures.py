"""The dashboard's figures: SQL aggregates that agree with the documents' own totals, period by period."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.audit.state import chain_state
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.invoicing.figures import KSA, PeriodKind, period_of, sales_figures
from core.invoicing.service import get_invoice, import_drafts
from core.uow import Context
from core.zatca.demo import add_demo_egs

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def test_periods_are_calendar_periods_in_saudi_time() -> None:
    month = period_of(PeriodKind.THIS_MONTH, NOW)
    assert (month.start, month.end) == (datetime(2026, 11, 1, tzinfo=KSA), datetime(2026, 12, 1, tzinfo=KSA))
    last = period_of("last_month", datetime(2027, 1, 10, tzinfo=UTC))
    assert (last.start, last.end) == (datetime(2026, 12, 1, tzinfo=KSA), datetime(2027, 1, 1, tzinfo=KSA))
    quarter = period_of(PeriodKind.QUARTER, NOW)
    assert (quarter.start, quarter.end, quarter.last_day.isoformat()) == (
        datetime(2026, 10, 1, tzinfo=KSA), datetime(2027, 1, 1, tzinfo=KSA), "2026-12-31")
    year = period_of(PeriodKind.YEAR, NOW)
    assert (year.start, year.end) == (datetime(2026, 1, 1, tzinfo=KSA), datetime(2027, 1, 1, tzinfo=KSA))
    # 22:30 UTC on 30 November is already 1 December in Riyadh.
    assert period_of(PeriodKind.THIS_MONTH, datetime(2026, 11, 30, 22, 30, tzinfo=UTC)).start.month == 12


@pytest.fixture
def company(ctx: Context) -> Context:
    create_demo(ctx, drafts=60)
    add_demo_egs(ctx, issue=30)
    return ctx


def expected(ctx: Context, kind: PeriodKind) -> tuple[Decimal, Decimal, dict[str, int], dict[str, int]]:
    """The same figures computed the slow way: every document's own totals, in Python."""
    period = period_of(kind, NOW)
    sales, vat, by_status, by_type = Decimal(0), Decimal(0), {}, {}
    with ctx.uow(write=False) as uow:
        for summary in browse.page(uow, limit=10_000):
            if not period.start <= summary.issue_datetime < period.end:
                continue
            by_status[summary.status] = by_status.get(summary.status, 0) + 1
            if summary.status == "draft":
                continue
            by_type[summary.type] = by_type.get(summary.type, 0) + 1
            totals = get_invoice(uow, summary.number).totals
            sign = -1 if summary.type == "credit_note" else 1
            sales += sign * totals.tax_exclusive
            vat += sign * totals.tax_total_sar
    return sales, vat, by_status, by_type


@pytest.mark.parametrize("kind", list(PeriodKind))
def test_figures_match_the_documents(company: Context, kind: PeriodKind) -> None:
    sales, vat, by_status, by_type = expected(company, kind)
    with company.uow(write=False) as uow:
        figures = sales_figures(uow, period_of(kind, NOW))
    assert (figures.sales, figures.vat, figures.by_status, figures.by_type) == (sales, vat, by_status, by_type)
    assert figures.issued == sum(by_type.values())
    assert isinstance(figures.sales, Decimal) and figures.sales.as_tuple().exponent == -2


def test_the_quarter_holds_more_than_the_month_and_issued_documents_count(company: Context) -> None:
    with company.uow(write=False) as uow:
        month = sales_figures(uow, period_of(PeriodKind.THIS_MONTH, NOW))
        quarter = sales_figures(uow, period_of(PeriodKind.QUARTER, NOW))
    assert month.issued + month.drafts < quarter.issued + quarter.drafts
    assert quarter.sales > 0 and quarter.vat > 0
    assert quarter.by_submission == {}  # the demo unit signs offline; nothing is queued


def test_a_time_stored_in_utc_counts_in_its_saudi_month(company: Context) -> None:
    """22:30 UTC on 31 October is 01:30 on 1 November in Riyadh: a November document, not an October one."""
    with company.uow(write=False) as uow:
        template = get_invoice(uow, browse.page(uow, BrowseFilter(status="draft"), limit=1)[0].number).draft
        before_nov = sales_figures(uow, period_of(PeriodKind.THIS_MONTH, NOW)).drafts
        before_oct = sales_figures(uow, period_of(PeriodKind.LAST_MONTH, NOW)).drafts
    draft = replace(template, id=uuid.uuid4(), number="UTC-EDGE-1",
                    issue_datetime=datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
    with company.uow() as uow:
        import_drafts(uow, [draft])
        uow.commit()
    with company.uow(write=False) as uow:
        assert sales_figures(uow, period_of(PeriodKind.THIS_MONTH, NOW)).drafts == before_nov + 1
        assert sales_figures(uow, period_of(PeriodKind.LAST_MONTH, NOW)).drafts == before_oct


def test_chain_state_counts_entries_and_checkpoints(company: Context) -> None:
    state = chain_state(company)
    assert state.entries > 60  # at least one entry per draft
    assert state.head_file_present and state.head_file_seq == state.entries
    assert state.checkpoints >= 1 and state.last_checkpoint_seq <= state.entries
    assert state.unsealed == 0
