"""The Invoices view over a real company: lazy rows, search and filters, database sorting, errors, Arabic."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import ClassVar
from uuid import uuid4

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.errors import StoreError
from core.invoicing import browse, service
from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.models.invoice_list import COLUMNS, PAGE, ROW_ROLE, column_of
from desktop.session import INVOICES, AppSession
from desktop.views.invoices import InvoicesView
from tests.conftest import StepClock

N = 240


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock) -> Iterator[AppSession]:
    create_demo(ctx, drafts=N)
    add_demo_egs(ctx, issue=20)
    s = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    yield s


@pytest.fixture
def view(qtbot: QtBot, session: AppSession) -> InvoicesView:
    v = InvoicesView(session)
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    v.retranslate()
    v.refresh()
    return v


class FakeEditor(QDialog):
    """Stands in for the invoice editor (another part of the app): records what the list asked it to open."""

    opened: ClassVar[list[str | None]] = []

    def __init__(self, session: AppSession, ref: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        FakeEditor.opened.append(ref)


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    module = types.ModuleType("desktop.views.invoice_editor")
    module.InvoiceEditorDialog = FakeEditor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop.views.invoice_editor", module)
    FakeEditor.opened = []
    return FakeEditor.opened


def shown(view: InvoicesView, row: int, column: str) -> str:
    return str(view.model.data(view.model.index(row, column_of(column))))


def numbers(view: InvoicesView) -> list[str]:
    return [shown(view, r, "number") for r in range(view.model.rowCount())]


def test_opens_with_every_invoice_but_reads_only_the_rows_shown(view: InvoicesView, qtbot: QtBot) -> None:
    qtbot.waitExposed(view)
    assert view.model.rowCount() == N
    assert view.count_label.text() == f"{N} invoices"
    QApplication.processEvents()
    assert 0 < view.model.cached_rows() <= PAGE  # only the first page was read for the first screen
    assert [c.header() for c in COLUMNS] == [view.model.headerData(i, Qt.Orientation.Horizontal)
                                             for i in range(len(COLUMNS))]
    view.table.scrollToBottom()
    QApplication.processEvents()
    last = view.model.invoice_at(N - 1)
    assert last is not None and view.model.cached_rows() <= 2 * PAGE
    with view.session.uow(write=False) as uow:
        oldest = browse.page(uow, browse.BrowseFilter(), browse.BrowseSort(descending=False), limit=1)[0]
    assert last.number == oldest.number  # newest first: the bottom is the oldest document


def test_row_shows_formatted_values_aligned(view: InvoicesView) -> None:
    row = view.model.invoice_at(0)
    assert row is not None
    assert shown(view, 0, "payable") == f"{row.payable:,.2f} SAR"
    # The day alone fits the default window; the time and the Hijri date are in the cell's tooltip.
    assert shown(view, 0, "issue_datetime") == row.issue_datetime.date().isoformat()
    tip = view.model.data(view.model.index(0, column_of("issue_datetime")), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(row.issue_datetime.strftime("%Y-%m-%d %H:%M")) and "AH)" in tip
    amount = view.model.index(0, column_of("payable"))
    assert view.model.data(amount, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert view.model.data(view.model.index(0, 0), ROW_ROLE) == row


def test_find_an_invoice_by_number_and_open_it(view: InvoicesView, qtbot: QtBot, editor: list[str | None]) -> None:
    wanted = view.model.invoice_at(123)
    assert wanted is not None
    qtbot.keyClicks(view.search, wanted.number)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)  # after the search debounce
    assert numbers(view) == [wanted.number]
    assert view.count_label.text() == "1 invoice"
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert editor == [wanted.number]
    cell = view.table.visualRect(view.model.index(0, 2)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # Qt wants a press first
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert editor == [wanted.number, wanted.number]


def test_new_invoice_by_button_and_ctrl_n(view: InvoicesView, qtbot: QtBot, editor: list[str | None]) -> None:
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    view.table.setFocus()
    qtbot.keySequence(view.table, QKeySequence.StandardKey.New)  # type: ignore[attr-defined]
    assert editor == [None, None]


def _choose(combo, value: str) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(value))


def test_filters_by_status_kind_type_zatca_customer_and_period(view: InvoicesView, session: AppSession) -> None:
    with session.uow(write=False) as uow:
        everything = browse.page(uow, limit=10_000)
        customer = service.get_customer(uow, "Gulf Tech Co.")
    _choose(view.status_combo, "issued")
    assert view.model.rowCount() == 20 == sum(r.status == "issued" for r in everything)
    assert {shown(view, r, "status") for r in range(20)} == {"Issued"}
    _choose(view.kind_combo, "simplified")
    expected = sum(r.status == "issued" and r.kind == "simplified" for r in everything)
    assert view.model.rowCount() == expected and view.count_label.text().startswith(str(expected))
    view.clear_filters()
    assert view.model.rowCount() == N
    _choose(view.type_combo, "credit_note")
    assert view.model.rowCount() == sum(r.type == "credit_note" for r in everything) > 0
    view.clear_filters()
    _choose(view.zatca_combo, "none")
    assert view.model.rowCount() == sum(r.zatca_state == "none" for r in everything)
    view.clear_filters()
    _choose(view.customer_combo, str(customer.id))
    assert set(numbers(view)) == {r.number for r in everything if r.customer_name == "Gulf Tech Co."}
    view.clear_filters()
    day = everything[0].issue_datetime.date()
    view.date_from.setDate(QDate(day.year, day.month, day.day))
    view.date_to.setDate(QDate(day.year, day.month, day.day))
    view.period_check.setChecked(True)
    assert set(numbers(view)) == {r.number for r in everything if r.issue_datetime.date() == day}


def test_header_click_sorts_in_the_database(view: InvoicesView, qtbot: QtBot, session: AppSession) -> None:
    with session.uow(write=False) as uow:
        totals = sorted(r.payable for r in browse.page(uow, limit=10_000))
    header = view.table.horizontalHeader()
    total = column_of("payable")
    middle = QPoint(header.sectionViewportPosition(total) + header.sectionSize(total) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert view.model.order.column == "payable"
    first_order = view.model.order.descending
    first = view.model.invoice_at(0)
    assert first is not None and first.payable == (totals[-1] if first_order else totals[0])
    view.table.sortByColumn(total, Qt.SortOrder.AscendingOrder)
    assert view.model.invoice_at(0).payable == totals[0]  # type: ignore[union-attr]
    assert view.model.invoice_at(N - 1).payable == totals[-1]  # type: ignore[union-attr]
    assert view.model.rowCount() == N


def test_refreshes_when_invoices_change_and_keeps_the_selection(view: InvoicesView, session: AppSession) -> None:
    keep = view.model.invoice_at(5)
    assert keep is not None
    view.table.selectRow(5)
    view.table.setCurrentIndex(view.model.index(5, 0))
    add_three_drafts(session)
    session.notify(INVOICES)
    assert view.model.rowCount() == N + 3
    current = view.model.invoice_at(view.table.currentIndex().row())
    assert current is not None and current.number == keep.number


def add_three_drafts(session: AppSession) -> None:
    with session.uow() as uow:
        stored = service.get_invoice(uow, browse.page(uow, limit=1)[0].number).draft
        service.import_drafts(uow, [replace(stored, id=uuid4(), number=f"EXTRA-{i}") for i in range(3)])
        uow.commit()


def test_a_row_that_fails_to_load_shows_the_error(view: InvoicesView, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(uow, wanted):  # type: ignore[no-untyped-def]
        raise StoreError("The company database is locked by another program.", fix="Close it and try again.")

    monkeypatch.setattr(browse, "rows", broken)
    view.table.scrollToBottom()  # rows not read yet
    last = view.model.index(N - 1, 0)
    text = view.model.data(last)
    assert "Could not load this row" in text and "locked" in text
    assert view.model.data(last, Qt.ItemDataRole.ToolTipRole).endswith("Close it and try again.")
    assert view.model.invoice_at(N - 1) is None
    assert view.error_label.isVisibleTo(view) and "locked" in view.error_label.text()
    QApplication.processEvents()  # painting the failed rows does not raise


def test_a_selection_that_fails_shows_the_error_and_keeps_the_rows(view: InvoicesView,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(uow, f, sort):  # type: ignore[no-untyped-def]
        raise StoreError("The company database cannot be read.", fix="Check the disk.")

    monkeypatch.setattr(browse, "keys", broken)
    _choose(view.status_combo, "issued")
    assert view.model.rowCount() == N
    assert view.error_label.isVisibleTo(view) and "cannot be read" in view.error_label.text()


def test_arabic_is_mirrored_and_translated(view: InvoicesView, session: AppSession, qapp: QApplication) -> None:
    try:
        session.language = "ar"
        install_language(qapp, "ar")
        QApplication.processEvents()
        assert view.isRightToLeft() and view.table.isRightToLeft()
        assert view.model.headerData(column_of("number"), Qt.Orientation.Horizontal) == "الرقم"
        assert view.new_button.text() == "فاتورة جديدة"
        assert view.count_label.text() == f"{N} فاتورة"
        assert shown(view, 0, "payable").endswith("ر.س")
        assert "هـ" in view.model.data(view.model.index(0, column_of("issue_datetime")), Qt.ItemDataRole.ToolTipRole)
        assert view.status_combo.itemText(0) == "كل الحالات"
        _choose(view.status_combo, "issued")
        assert shown(view, 0, "status") == "صادرة"
        assert view.model.data(view.model.index(0, column_of("payable")), Qt.ItemDataRole.TextAlignmentRole) == int(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # mirrored by Qt: the trailing edge
    finally:
        session.language = "en"
        install_language(qapp, "en")
    assert view.model.headerData(column_of("number"), Qt.Orientation.Horizontal) == "Number"


def test_amounts_are_exact_decimals(view: InvoicesView) -> None:
    row = view.model.invoice_at(0)
    assert row is not None and isinstance(row.payable, Decimal) and isinstance(row.tax_total, Decimal)
