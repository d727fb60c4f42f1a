"""The invoice list's paid column and filter (issue 15) over real payments recorded through core.payments."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from core.config import Settings
from core.payments import make_link, poll
from core.uow import Context
from desktop.badges import BADGE_ROLE
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.models.invoice_list import column_of
from desktop.session import INVOICES, AppSession
from desktop.views.invoices import InvoicesView
from tests.conftest import StepClock
from tests.support.fake_provider import FakeProvider, World
from tests.support.issuing_world import a_draft, save
from tests.support.payments_world import T0, issue

PAID = column_of("paid_status")


def _pay(shop: Context, provider: FakeProvider, gateway: World, number: str, times: int = 1) -> str:
    link = make_link(shop, provider, number)
    assert link is not None
    payments = [gateway.pay(link.link_id) for _ in range(times)]
    poll(shop, provider)
    return str(payments[0])


@pytest.fixture
def session(shop: Context, provider: FakeProvider, gateway: World, settings: Settings,
            clock: StepClock) -> Iterator[AppSession]:
    """INV-P-0001 paid, 0002 partly paid (refunded 100 at the provider), 0003 overpaid (paid twice), INV-R-0001
    outstanding, and a draft."""
    issue(shop, 1, prefix="INV-R")  # INV-R-0001, beside INV-P-0001..3
    _pay(shop, provider, gateway, "INV-P-0001")
    gateway.refund_at_provider(_pay(shop, provider, gateway, "INV-P-0002"), Decimal("100.00"))
    poll(shop, provider)
    _pay(shop, provider, gateway, "INV-P-0003", times=2)
    save(shop, a_draft("DRAFT-0001", T0))
    yield AppSession(settings, clock=clock, pool=SyncPool(), ctx=shop)


@pytest.fixture
def view(qtbot: QtBot, session: AppSession) -> InvoicesView:
    v = InvoicesView(session)
    qtbot.addWidget(v)
    v.resize(1280, 700)
    v.show()
    v.retranslate()
    v.refresh()
    return v


def _cells(view: InvoicesView, role: int = Qt.ItemDataRole.DisplayRole) -> dict[str, Any]:
    model = view.model
    return {model.data(model.index(r, column_of("number"))): model.data(model.index(r, PAID), role)
            for r in range(model.rowCount())}


def _choose(view: InvoicesView, state: str | None) -> None:
    view.paid_combo.setCurrentIndex(view.paid_combo.findData(state))


def test_each_invoice_shows_its_paid_badge_and_drafts_and_notes_none(view: InvoicesView) -> None:
    badges = _cells(view, BADGE_ROLE)
    assert {n: badges[n] for n in ("INV-P-0001", "INV-P-0002", "INV-P-0003", "INV-R-0001")} == {
        "INV-P-0001": "paid", "INV-P-0002": "partly_paid", "INV-P-0003": "overpaid", "INV-R-0001": "outstanding"}
    assert badges["DRAFT-0001"] is None and badges["INV-P-0002-CN"] is None  # a draft; the drafted credit note
    texts = _cells(view)
    assert (texts["INV-P-0002"], texts["INV-P-0003"], texts["INV-R-0001"], texts["DRAFT-0001"]) == (
        "Partial", "Overpaid", "Unpaid", "")  # short badges; the state in full in the tooltip
    tips = _cells(view, Qt.ItemDataRole.ToolTipRole)
    assert (tips["INV-P-0002"], tips["INV-R-0001"], tips["DRAFT-0001"]) == ("Partly paid", "Outstanding", None)
    assert "finding" in tips["INV-P-0003"] and "give back" in tips["INV-P-0003"]
    assert "another invoice" in tips["INV-P-0003"]
    assert view.model.headerData(PAID, Qt.Orientation.Horizontal) == "Payment"


@pytest.mark.parametrize(("state", "numbers"), [
    ("paid", {"INV-P-0001"}), ("partly_paid", {"INV-P-0002"}), ("overpaid", {"INV-P-0003"}),
    ("outstanding", {"INV-R-0001"}),
])
def test_the_filter_shows_only_the_chosen_state(view: InvoicesView, state: str, numbers: set[str]) -> None:
    everything = view.model.rowCount()
    _choose(view, state)
    assert set(_cells(view)) == numbers and view.count_label.text() == "1 invoice"
    _choose(view, None)
    assert view.model.rowCount() == everything
    _choose(view, "paid")
    view.clear_filters()
    assert view.paid_combo.currentData() is None and view.model.rowCount() == everything


def test_a_payment_arriving_refreshes_the_badge(view: InvoicesView, session: AppSession, shop: Context,
                                                provider: FakeProvider, gateway: World) -> None:
    assert _cells(view, BADGE_ROLE)["INV-R-0001"] == "outstanding"
    _pay(shop, provider, gateway, "INV-R-0001")
    session.notify(INVOICES)  # what the payments poller does after recording
    QApplication.processEvents()
    assert _cells(view, BADGE_ROLE)["INV-R-0001"] == "paid"


def test_arabic_labels(view: InvoicesView, session: AppSession, qapp: QApplication) -> None:
    try:
        session.language = "ar"
        install_language(qapp, "ar")
        QApplication.processEvents()
        assert view.model.headerData(PAID, Qt.Orientation.Horizontal) == "الدفع"
        texts = _cells(view)
        assert (texts["INV-P-0001"], texts["INV-P-0002"], texts["INV-P-0003"], texts["INV-R-0001"]) == (
            "مدفوعة", "جزئية", "دفع زائد", "مستحقة")
        assert _cells(view, Qt.ItemDataRole.ToolTipRole)["INV-P-0002"] == "مدفوعة جزئيًا"
        assert view.paid_combo.itemText(view.paid_combo.findData("partly_paid")) == "مدفوعة جزئيًا"
        assert "فاتورة أخرى" in _cells(view, Qt.ItemDataRole.ToolTipRole)["INV-P-0003"]
        assert view.paid_combo.itemText(0) == "كل حالات الدفع" and view.isRightToLeft()
    finally:
        session.language = "en"
        install_language(qapp, "en")
    assert view.paid_combo.itemText(0) == "All payment states"


def test_a_window_reads_its_paid_states_in_a_bounded_number_of_queries(view: InvoicesView, shop: Context,
                                                                       session: AppSession) -> None:
    """Reading a page of rows costs the same few statements whatever the number of invoices in it."""
    statements: list[str] = []

    def seen(conn: object, cursor: object, sql: str, *args: object) -> None:
        statements.append(sql)

    issue(shop, 40, prefix="INV-Q")  # a window with 40+ issued invoices
    event.listen(shop.db.engine, "before_cursor_execute", seen)
    try:
        view.refresh()
        statements.clear()
        badges = _cells(view, BADGE_ROLE)  # reads the one page (50 rows) the list has
    finally:
        event.remove(shop.db.engine, "before_cursor_execute", seen)
    assert sum(1 for b in badges.values() if b == "outstanding") >= 41
    on_payments = [s for s in statements if "FROM payment " in s or "FROM payment\n" in s]
    assert len(on_payments) == 1, on_payments
    assert len(statements) <= 12, statements  # the rows, the three status reads and the read log, not 50 of each


def test_a_click_on_the_paid_header_keeps_the_order_and_its_arrow(view: InvoicesView) -> None:
    before = [view.model.key_at(r) for r in range(view.model.rowCount())]
    view.table.sortByColumn(PAID, Qt.SortOrder.AscendingOrder)
    assert view.table.horizontalHeader().sortIndicatorSection() == column_of("issue_datetime")
    assert [view.model.key_at(r) for r in range(view.model.rowCount())] == before


def test_overpaid_is_painted_in_the_alert_colour_and_paid_in_its_own(view: InvoicesView) -> None:
    from desktop.style import BADGES
    from tests.desktop.test_look import painted

    model = view.model
    for number, key in (("INV-P-0003", "overpaid"), ("INV-P-0001", "paid")):
        view.search.setText(number)
        view.apply_filters()
        assert model.rowCount() == 1
        QApplication.processEvents()
        image = view.table.viewport().grab().toImage()
        cell = view.table.visualRect(model.index(0, PAID))
        assert painted(image, cell, BADGES[key].background) > cell.height() * 10, key
        assert painted(image, view.table.visualRect(model.index(0, column_of("status"))), BADGES[key].background) == 0
    assert BADGES["overpaid"].background == "#d92d20"  # the alert red, unlike every other (pale) badge
