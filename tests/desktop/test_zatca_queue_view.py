"""The ZATCA queue view against the local Fatoora portal: countdown, retry, rejection with findings, correction,
certificate warnings and the onboarding wizard."""

from __future__ import annotations

import sys
import types
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.invoicing.figures import KSA
from core.invoicing.service import (
    get_company,
    get_invoice,
    import_drafts,
    update_company,
)
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.issuing import issue_invoice
from core.zatca.onboarding import onboard
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.zatca_queue import OVERDUE, QueueModel, ZatcaQueueView
from tests.conftest import StepClock
from tests.fatoora.server import DEFAULT_OTP, FakeFatoora

WORDS = {
    "en": {"before": "before sharing", "overdue": "overdue", "sent": "Sent: 3 accepted, 0 rejected",
           "rejected": "Rejected", "expires": "expires in 10 day(s)", "stopped": "Stopped early"},
    "ar": {"before": "قبل المشاركة", "overdue": "متأخر", "sent": "أُرسل: 3 مقبول، 0 مرفوض",
           "rejected": "مرفوض", "expires": "خلال 10 يوم", "stopped": "توقف مبكرًا"},
}
LEFT = QueueModel.LEFT


def quick_client(fake: FakeFatoora) -> FatooraClient:
    return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=2)


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture
def company(ctx: Context, fake: FakeFatoora) -> Context:
    create_demo(ctx, drafts=30)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="till-1", serial_number="1-Qayd|2-Desk|3-42", environment="simulation",
                                location="Riyadh Olaya", industry="Trading")
        uow.commit()
    with quick_client(fake) as client:
        onboard(ctx, unit.id, DEFAULT_OTP, client)
    return ctx


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock, company: Context,
            fake: FakeFatoora) -> Iterator[AppSession]:
    local = settings.model_copy(update={"zatca": settings.zatca.model_copy(update={"base_url": fake.base_url})})
    session = AppSession(local, clock=clock, pool=SyncPool(), ctx=company)
    session.set_language(request.param)
    yield session
    session.set_language("en")


@pytest.fixture
def view(session: AppSession, qtbot: QtBot) -> ZatcaQueueView:
    view = ZatcaQueueView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    return view


def issue(ctx: Context, kind: str, count: int) -> list[str]:
    """Issue `count` copies of a demo draft of `kind`, dated now (as a clerk issues today's invoices)."""
    with ctx.uow() as uow:
        [template] = browse.page(uow, BrowseFilter(status="draft", kind=kind, type="invoice"), limit=1)
        draft = get_invoice(uow, template.number).draft
        now = ctx.clock().astimezone(KSA)
        fresh = [replace(draft, id=uuid.uuid4(), number=f"NOW-{kind}-{uuid.uuid4().hex[:8]}", issue_datetime=now,
                         supply_date=now.date()) for _ in range(count)]
        import_drafts(uow, fresh)
        numbers = [issue_invoice(uow, d.number).number for d in fresh]
        uow.commit()
    return numbers


def cell(view: ZatcaQueueView, number: str, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    row = [i.number for i in view.model.items].index(number)
    return view.model.data(view.model.index(row, column), role)


def select(view: ZatcaQueueView, number: str) -> None:
    row = [i.number for i in view.model.items].index(number)
    view.table.setCurrentIndex(view.model.index(row, 0))


def test_countdown_then_retry_sends_everything(view: ZatcaQueueView, session: AppSession, company: Context,
                                               clock: StepClock, fake: FakeFatoora) -> None:
    words = WORDS[session.language]
    [standard] = issue(company, "standard", 1)
    simplified = issue(company, "simplified", 2)
    session.notify("invoices")
    assert {i.number for i in view.model.items} == {standard, *simplified}
    assert cell(view, standard, LEFT - 1) == words["before"]  # clearance: no 24-hour clock, before sharing
    left = str(cell(view, simplified[0], LEFT))
    hours = int(left.split(":")[0])
    assert 23 <= hours <= 24 and cell(view, simplified[0], LEFT, Qt.ItemDataRole.ForegroundRole) is None
    assert view.timer.isActive() and view.timer.interval() == 1000

    clock.now += timedelta(hours=25)  # the countdown runs past the reporting deadline
    view.model.tick()
    assert words["overdue"] in str(cell(view, simplified[0], LEFT))
    brush = cell(view, simplified[0], LEFT, Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == QColor(OVERDUE)  # type: ignore[attr-defined]

    view.client_factory = lambda _env: quick_client(fake)
    view.retry_button.click()
    assert view.summary is not None and sorted(view.summary.done) == sorted([standard, *simplified])
    assert words["sent"] in view.result.text()
    assert view.model.items == [] and view.retry_button.isEnabled() and not view.progress.isVisible()


def test_portal_down_keeps_the_items_queued(view: ZatcaQueueView, session: AppSession, company: Context,
                                            fake: FakeFatoora) -> None:
    numbers = issue(company, "simplified", 2)
    view.refresh()
    fake.inject(status=503, times=2)
    view.client_factory = lambda _env: quick_client(fake)
    view.retry_button.click()
    assert view.summary is not None and view.summary.stopped and not view.summary.done
    assert WORDS[session.language]["stopped"] in view.result.text()
    assert sorted(i.number for i in view.model.items) == sorted(numbers)
    assert {i.state for i in view.model.items} == {"pending"}
    view.retry_button.click()  # "retry now" does not wait for the backoff: the portal is back, both go
    assert view.summary is not None and sorted(view.summary.done) == sorted(numbers)


def test_rejected_item_shows_findings_and_correct_opens_the_editor(
        view: ZatcaQueueView, session: AppSession, company: Context, fake: FakeFatoora,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with company.uow() as uow:  # the profile no longer matches the certificate the portal issued
        update_company(uow, replace(get_company(uow), vat_number="310000000000003"))
        uow.commit()
    [number] = issue(company, "simplified", 1)
    view.client_factory = lambda _env: quick_client(fake)
    view.retry_button.click()
    assert view.summary is not None and view.summary.rejected == [number]
    assert cell(view, number, QueueModel.COLUMNS.index("state")) == WORDS[session.language]["rejected"]
    assert not view.correct_button.isEnabled()
    select(view, number)
    assert view.correct_button.isEnabled()
    codes = [view.findings.item(r, 1).text() for r in range(view.findings.rowCount())]
    assert view.findings.rowCount() >= 1 and all(codes)

    opened: list[tuple[AppSession, str]] = []

    class EditorStandIn:
        def __init__(self, session: AppSession, ref: str) -> None:
            opened.append((session, ref))

        def open(self) -> None:
            opened.append((session, "shown"))

    module = types.ModuleType("desktop.views.invoice_editor")
    module.InvoiceEditorDialog = EditorStandIn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop.views.invoice_editor", module)
    view.correct_button.click()
    assert opened == [(session, f"{number}-R"), (session, "shown")]
    with company.uow(write=False) as uow:
        note = browse.page(uow, BrowseFilter(search=f"{number}-CN"))[0]
    assert (note.type, note.status) == ("credit_note", "draft")


def test_certificate_expiry_warning_and_onboarding_button(view: ZatcaQueueView, session: AppSession,
                                                          company: Context, clock: StepClock) -> None:
    assert not view.alerts.isVisible() and view.alert_lines == []
    assert view.units_table.rowCount() == 1 and view.units_table.item(0, 0).text() == "till-1"
    with company.uow(write=False) as uow:
        expires = units.get_egs(uow, "till-1").certificate_expires_at
    assert expires is not None
    clock.now = expires - timedelta(days=10, hours=1)
    view.refresh()
    assert view.alerts.isVisible() and len(view.alert_lines) == 1
    assert "till-1" in view.alert_lines[0] and WORDS[session.language]["expires"] in view.alert_lines[0]
    view.onboard_button.click()
    assert view.wizard is not None and view.wizard.isVisible()
    view.wizard.close()
