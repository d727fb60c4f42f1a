"""Statuses as coloured badges, as a clerk sees them: documents answered by the local Fatoora portal (cleared,
reported, rejected) or still waiting, rendered offscreen with the style sheet, the badge's fill read back from the
pixels of its cell (and at the cell's leading edge: the right in Arabic), in the invoice list and the ZATCA queue."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.invoicing.figures import KSA
from core.invoicing.service import get_company, get_invoice, import_drafts, update_company
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.issuing import issue_invoice
from core.zatca.onboarding import onboard
from core.zatca.submission import submit_pending
from desktop.badges import BADGE_ROLE, MARGIN, BadgeDelegate, badge_text
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.models.invoice_list import column_of
from desktop.session import AppSession
from desktop.style import BADGES
from desktop.views.invoices import InvoicesView
from desktop.views.zatca_queue import QueueModel, ZatcaQueueView
from tests.conftest import StepClock
from tests.desktop.test_look import painted, styled  # noqa: F401  (styled: the app's style sheet, autouse)
from tests.fatoora.server import DEFAULT_OTP, FakeFatoora


def quick_client(fake: FakeFatoora) -> FatooraClient:
    return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=2)


def issue(ctx: Context, kind: str) -> str:
    """Issue a fresh copy of a demo draft of `kind`, dated now."""
    with ctx.uow() as uow:
        [template] = browse.page(uow, BrowseFilter(status="draft", kind=kind, type="invoice"), limit=1)
        now = ctx.clock().astimezone(KSA)
        draft = replace(get_invoice(uow, template.number).draft, id=uuid.uuid4(),
                        number=f"NOW-{kind[:4]}-{uuid.uuid4().hex[:6]}", issue_datetime=now, supply_date=now.date())
        import_drafts(uow, [draft])
        number = issue_invoice(uow, draft.number).number
        uow.commit()
    return number


@pytest.fixture
def portal() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server


@pytest.fixture
def answered(ctx: Context, portal: FakeFatoora) -> dict[str, str]:
    """A document in each state a clerk meets: badge key -> document number (answers from the local portal)."""
    create_demo(ctx, drafts=30)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="till-1", serial_number="1-Qayd|2-Desk|3-7", environment="simulation",
                                location="Riyadh", industry="Trading")
        uow.commit()
    with quick_client(portal) as client:
        onboard(ctx, unit.id, DEFAULT_OTP, client)
    states = {"cleared": issue(ctx, "standard"), "reported": issue(ctx, "simplified")}
    submit_pending(ctx, lambda _env: quick_client(portal))
    with ctx.uow() as uow:  # the profile no longer matches the certificate: the portal rejects what follows
        update_company(uow, replace(get_company(uow), vat_number="310000000000003"))
        uow.commit()
    states["rejected"] = issue(ctx, "simplified")
    submit_pending(ctx, lambda _env: quick_client(portal))
    states["waiting"] = issue(ctx, "simplified")  # issued, not sent yet
    with ctx.uow(write=False) as uow:
        states["draft"] = browse.page(uow, BrowseFilter(status="draft"), limit=1)[0].number
    return states


@pytest.mark.parametrize("language", ["en", "ar"])
def test_status_column_paints_each_status_as_its_badge(qtbot: QtBot, settings: Settings, clock: StepClock,
                                                       ctx: Context, answered: dict[str, str], language: str) -> None:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(language)
    view = InvoicesView(session)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.refresh()
    status = column_of("status")
    for key, number in answered.items():
        view.search.setText(number)
        view.apply_filters()
        assert view.model.rowCount() == 1, number
        index = view.model.index(0, status)
        assert view.model.data(index, BADGE_ROLE) == key
        assert view.model.data(index) == badge_text(key)
        QApplication.processEvents()
        image = view.table.viewport().grab().toImage()
        cell = view.table.visualRect(index)
        fill = painted(image, cell, BADGES[key].background)
        assert fill > cell.height() * 10, f"{key}: the badge's colour is not in its cell"
        for other, badge in BADGES.items():
            if badge.background != BADGES[key].background:
                assert painted(image, cell, badge.background) == 0, f"{key} painted as {other}"
        # The pill starts at the cell's leading edge: the left in English, the right in Arabic.
        wanted = QColor(BADGES[key].background).rgb()
        xs = [x for x in range(cell.left(), cell.right() + 1) if image.pixel(x, cell.center().y()) == wanted]
        leading = xs[0] - cell.left() if language == "en" else cell.right() - xs[-1]
        trailing = cell.right() - xs[-1] if language == "en" else xs[0] - cell.left()
        assert leading <= MARGIN + 2 and leading <= trailing, (key, leading, trailing)
    session.set_language("en")


def test_every_badge_has_its_own_colour_and_words() -> None:
    assert len({b.background for b in BADGES.values()}) == len(BADGES)
    install_language(QApplication.instance(), "ar")  # type: ignore[arg-type]
    try:
        arabic = {key: badge_text(key) for key in BADGES}
    finally:
        install_language(QApplication.instance(), "en")  # type: ignore[arg-type]
    english = {key: badge_text(key) for key in BADGES}
    assert all(arabic[k] != english[k] and arabic[k] for k in BADGES)


def test_the_delegate_paints_transient_states_too(qtbot: QtBot) -> None:
    """Sending and issued-but-not-queued documents are rare in a demo: the same delegate paints them."""
    model = QStandardItemModel(len(BADGES), 1)
    for row, key in enumerate(BADGES):
        item = QStandardItem(badge_text(key))
        item.setData(key, BADGE_ROLE)
        model.setItem(row, 0, item)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setItemDelegate(BadgeDelegate(table))
    table.resize(300, 400)
    table.show()
    QApplication.processEvents()
    image = table.viewport().grab().toImage()
    for row, key in enumerate(BADGES):
        assert painted(image, table.visualRect(model.index(row, 0)), BADGES[key].background) > 100, key


def test_zatca_queue_shows_states_as_badges(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context,
                                            answered: dict[str, str]) -> None:
    view = ZatcaQueueView(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.retranslate()
    view.refresh()
    QApplication.processEvents()
    image = view.table.viewport().grab().toImage()
    column = QueueModel.COLUMNS.index("state")
    shown = {view.model.items[row].number: row for row in range(len(view.model.items))}
    for key in ("rejected", "waiting"):
        index = view.model.index(shown[answered[key]], column)
        assert view.model.data(index, BADGE_ROLE) == key
        assert painted(image, view.table.visualRect(index), BADGES[key].background) > 100, key
