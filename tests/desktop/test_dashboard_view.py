"""The dashboard: its figures are core's, per period, and follow changes to invoices, the queue and the chain."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from core.audit.state import chain_state
from core.config import Settings
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.invoicing.figures import KSA, PeriodKind, period_of, sales_figures
from core.invoicing.service import get_invoice, import_drafts
from core.store.models import ZatcaSubmission
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.egs import get_egs
from core.zatca.issuing import issue_invoice
from core.zatca.queue import submission_row
from desktop.i18n import format_int, format_money
from desktop.jobs import SyncPool
from desktop.session import AUDIT, INVOICES, ZATCA, AppSession
from desktop.views.dashboard import DashboardView
from tests.conftest import StepClock

WORDS = {"en": {"sales": "Sales (excluding VAT)", "quarter": "This quarter", "none": "No reporting deadline",
                "entries": "entries"},
         "ar": {"sales": "المبيعات (دون ضريبة القيمة المضافة)", "quarter": "هذا الربع", "none": "لا يوجد موعد إبلاغ",
                "entries": "قيد"}}


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock, ctx: Context) -> Iterator[AppSession]:
    create_demo(ctx, drafts=60)
    add_demo_egs(ctx, issue=40)
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(request.param)
    yield session
    session.set_language("en")


@pytest.fixture
def view(session: AppSession, qtbot: QtBot) -> DashboardView:
    view = DashboardView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    return view


def core_figures(session: AppSession, kind: PeriodKind):  # type: ignore[no-untyped-def]
    with session.uow(write=False) as uow:
        return sales_figures(uow, period_of(kind, session.clock()))


def test_figures_are_cores_for_each_period(view: DashboardView, session: AppSession) -> None:
    lang = session.language
    assert view.isRightToLeft() == (lang == "ar")
    assert view.sales.caption.text() == WORDS[lang]["sales"]
    month = core_figures(session, PeriodKind.THIS_MONTH)
    assert view.sales.value.text() == format_money(month.sales, lang)
    assert view.vat.value.text() == format_money(month.vat, lang)
    assert view.issued.value.text() == format_int(month.issued)
    assert view.status_values[0].text() == format_int(month.drafts)
    view.period.setCurrentIndex(view.period.findData(PeriodKind.QUARTER.value))
    assert view.period.currentText() == WORDS[lang]["quarter"]
    quarter = core_figures(session, PeriodKind.QUARTER)
    assert quarter.issued > month.issued  # the demo's documents span three months
    assert view.sales.value.text() == format_money(quarter.sales, lang)
    assert view.issued.value.text() == format_int(quarter.issued)
    assert "2026-10-01" in view.range_label.text() and "2026-12-31" in view.range_label.text()
    assert WORDS[lang]["none"] in view.deadlines.text() and view.pending.value.text() == "0"


def test_figures_follow_new_documents_and_submissions(view: DashboardView, session: AppSession,
                                                      ctx: Context) -> None:
    lang = session.language
    before = core_figures(session, PeriodKind.THIS_MONTH)
    with ctx.uow() as uow:  # a clerk issues one of today's invoices
        [template] = browse.page(uow, BrowseFilter(status="draft", kind="simplified"), limit=1)
        now = ctx.clock().astimezone(KSA)
        draft = replace(get_invoice(uow, template.number).draft, id=uuid.uuid4(), number="TODAY-1",
                        issue_datetime=now, supply_date=now.date())
        import_drafts(uow, [draft])
        issued = issue_invoice(uow, "TODAY-1")
        row = get_invoice(uow, "TODAY-1")
        # the demo unit never submits; queue this one as a real unit would have, to see its deadline
        uow.session.execute(insert(ZatcaSubmission), [submission_row(
            invoice_id=row.draft.id, egs_unit_id=get_egs(uow).id, kind="reporting", issued_at=now, now=now,
            device_id=ctx.device_id)])
        uow.commit()
    assert issued.number == "TODAY-1"
    session.notify(INVOICES)
    after = core_figures(session, PeriodKind.THIS_MONTH)
    assert after.issued == before.issued + 1 and after.sales == before.sales + row.totals.tax_exclusive
    assert view.issued.value.text() == format_int(after.issued)
    assert view.sales.value.text() == format_money(after.sales, lang)
    session.notify(ZATCA)
    assert view.pending.value.text() == "1"
    assert "TODAY-1" in view.deadlines.text() and "23:59" in view.deadlines.text()
    assert view.status_values[3].text() == "1"  # waiting to be sent

    entries = chain_state(ctx).entries
    session.notify(AUDIT)
    assert format_int(entries) in view.chain_text.text() and WORDS[lang]["entries"] in view.chain_text.text()


def test_hidden_dashboard_refreshes_when_shown(view: DashboardView, session: AppSession, ctx: Context) -> None:
    view.hide()
    shown = view.issued.value.text()
    with ctx.uow() as uow:
        [draft] = browse.page(uow, BrowseFilter(status="draft"), limit=1)
        issue_invoice(uow, draft.number)
        uow.commit()
    session.notify(INVOICES)
    assert view.issued.value.text() == shown  # not while hidden
    view.period.blockSignals(True)
    view.period.setCurrentIndex(view.period.findData(PeriodKind.YEAR.value))
    view.period.blockSignals(False)
    view.show()
    year = core_figures(session, PeriodKind.YEAR)
    assert view.issued.value.text() == format_int(year.issued)
