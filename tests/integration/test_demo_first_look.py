"""Issue 13 point 5 (data): the demo company shows figures on the first open, whatever day it is created on.

A real store under a fixed clock (the dashboard's figures and the VAT return read it), and the real `qayd init --demo`
under the machine's clock (list and report through the command line)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.clock import SAUDI_TIME
from core.config import Settings
from core.invoicing.demo import create_demo
from core.invoicing.figures import PeriodKind, period_of, sales_figures
from core.zatca.demo import add_demo_egs
from tests.conftest import StepClock
from tests.integration.conftest import Result


def months_back(now: datetime, back: int) -> tuple[date, date]:
    """The first and last Saudi day of the month `back` months before `now`'s (oracle: plain calendar arithmetic)."""
    local = now.astimezone(SAUDI_TIME)
    index = local.year * 12 + local.month - 1 - back
    first = date(index // 12, index % 12 + 1, 1)
    following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)


@pytest.mark.parametrize("now", [
    datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 30, 21, 5, tzinfo=UTC),  # five minutes into 1 December in Riyadh: the month just began
    datetime(2026, 1, 2, 9, 0, tzinfo=UTC),  # the months before are last year's (clocks stay in the past:
    # the draft rules refuse a document dated after the machine's own clock)
])
def test_this_month_and_the_ones_before_hold_issued_documents(settings: Settings, now: datetime) -> None:
    ctx = open_company(settings, create=True, clock=StepClock(now), username="tester")
    try:
        create_demo(ctx, drafts=300)
        add_demo_egs(ctx, issue=20)
        with ctx.uow(write=False) as uow:
            this_month = sales_figures(uow, period_of(PeriodKind.THIS_MONTH, now))
            last_month = sales_figures(uow, period_of(PeriodKind.LAST_MONTH, now))
        assert this_month.issued >= 1 and this_month.sales > 0 and this_month.vat > 0  # the dashboard's cards
        assert last_month.issued >= 5 and last_month.sales > 0
        with sqlite3.connect(ctx.db.path) as conn:
            issued = [datetime.fromisoformat(t) for (t,) in conn.execute(
                "SELECT issue_datetime FROM invoice WHERE status = 'issued'")]
            notes = conn.execute("SELECT n.number FROM invoice n LEFT JOIN invoice i ON i.number = n.billing_reference "
                                 "WHERE n.status = 'issued' AND n.type = 'credit_note' AND i.status IS NOT 'issued'"
                                 ).fetchall()
        assert len(issued) == 20 and max(issued) <= now
        months = {(t.astimezone(SAUDI_TIME).year, t.astimezone(SAUDI_TIME).month) for t in issued}
        assert months == {(months_back(now, b)[0].year, months_back(now, b)[0].month) for b in (0, 1, 2)}
        assert notes == []  # no issued credit note corrects a draft
    finally:
        ctx.close()


def test_the_demo_on_the_command_line_has_figures_this_month(run: Callable[..., Result], tmp_path: Path) -> None:
    assert run("init", "--demo").exit_code == 0
    now = datetime.now(UTC)
    for back in (0, 1, 2):
        first, last = months_back(now, back)
        bounds = ("--from", first.isoformat(), "--to", last.isoformat())
        listed = json.loads(run("invoice", "list", "--status", "issued", *bounds, "--json").stdout)
        figures = json.loads(run("report", "vat", *bounds, "--json").stdout)
        assert len(listed) == figures["documents"] >= 1, (back, first)
    everything = json.loads(run("invoice", "list", "--status", "issued", "--json-page").stdout)
    assert everything["total"] == 20
