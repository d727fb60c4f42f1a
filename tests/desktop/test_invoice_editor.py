"""The invoice editor, driven by keyboard: lines typed, totals and findings live, autosave, issue, preview, notes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThreadPool
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import BrowseFilter, browse, service
from core.invoicing.demo import create_demo
from core.invoicing.model import DocumentType
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.i18n import install_language
from desktop.jobs import SyncPool, ThreadPool
from desktop.models.invoice_lines import CATEGORY, EXEMPTION, NAME, NAME_AR, PRICE, QUANTITY, RATE, REASON, TOTAL
from desktop.session import INVOICES, ZATCA, AppSession
from desktop.views.invoice_editor import InvoiceEditorDialog
from desktop.views.invoice_editor import dialog as editor_window
from tests.conftest import StepClock

CUSTOMER = "Al Ofoq Trading"


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[AppSession]:
    create_demo(ctx, drafts=0)
    add_demo_egs(ctx, issue=0)
    monkeypatch.setattr(editor_window, "SAVE_DELAY_MS", 40)  # the autosave delay, shortened for the tests
    app_session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    yield app_session
    app = QCoreApplication.instance()
    if app_session.language != "en" and app is not None:
        install_language(app, "en")


@pytest.fixture
def topics(session: AppSession) -> list[str]:
    seen: list[str] = []
    session.changed.connect(seen.append)
    return seen


def open_editor(qtbot: QtBot, session: AppSession, ref: str | None = None) -> InvoiceEditorDialog:
    dialog = InvoiceEditorDialog(session, ref)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    return dialog


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Key presses carrying `text`; QTest's keyClicks only knows ASCII, so Arabic letters go as plain key events."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
            widget = QApplication.focusWidget() or widget  # the first key opens the cell's editor
        qtbot.wait(1)


def type_line(qtbot: QtBot, dialog: InvoiceEditorDialog, row: int, item: str, quantity: str) -> None:
    """Type an item and its quantity into a line the way a clerk does: text, Tab, text, Enter."""
    table = dialog.table
    table.setFocus()
    table.setCurrentIndex(dialog.model.index(row, NAME))
    type_text(qtbot, table, item[0])  # any key starts editing the cell
    type_text(qtbot, focused(), item[1:])
    qtbot.wait(20)  # let the completion popup settle (offscreen, a popup torn down mid-show deactivates the window)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), quantity)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.currentIndex().column() == PRICE)  # Enter moved on to the next cell


def choose_customer(dialog: InvoiceEditorDialog, name: str) -> None:
    combo = dialog.customer
    combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemText(i).startswith(name)))


def test_a_line_typed_by_keyboard_fills_from_the_product_and_updates_the_totals(qtbot: QtBot,
                                                                                 session: AppSession) -> None:
    dialog = open_editor(qtbot, session)
    assert dialog.number.text() == "INV-2026-0001"  # the next free number is suggested
    type_line(qtbot, dialog, 0, "Office chair", "3")
    row = dialog.model.rows[0]
    assert (row.unit_price, row.vat_category, row.vat_rate, row.product_id is not None) == ("649.50", "S", "15", True)
    assert dialog.total_labels["tax_exclusive"][1].text() == "1,948.50 SAR"
    assert dialog.total_labels["tax_total"][1].text() == "292.28 SAR"
    assert dialog.total_labels["payable"][1].text() == "2,240.78 SAR"
    assert dialog.model.index(0, TOTAL).data() == "2,240.78"
    # Enter through the remaining cells: past the last one a new line starts, ready for the next item.
    for _ in range(4):  # discount, category, rate: a standard-rated line has no exemption cells to visit
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        qtbot.wait(5)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and dialog.table.currentIndex().row() == 1)
    assert dialog.table.currentIndex().column() == NAME
    type_line(qtbot, dialog, 1, "SKU-004", "10")  # by product code: A4 paper, box at 89.95
    assert dialog.model.rows[1].name == "A4 paper, box"
    assert dialog.total_labels["payable"][1].text() == "3,275.20 SAR"
    # Delete removes the current line, and the totals follow.
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    dialog.table.setCurrentIndex(dialog.model.index(1, QUANTITY))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.model.rowCount() == 1
    assert dialog.total_labels["payable"][1].text() == "2,240.78 SAR"


def test_a_finding_sits_next_to_its_field_and_goes_once_fixed(qtbot: QtBot, session: AppSession) -> None:
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Office chair", "abc")
    cell = dialog.model.index(0, QUANTITY)
    # Live validation, debounced: the quantity that is no number is marked once typing pauses.
    qtbot.waitUntil(lambda: cell.data(Qt.ItemDataRole.BackgroundRole) is not None)
    # The standard invoice without a buyer is marked at the customer picker.
    buyer = dialog.fields["buyer"]
    assert buyer.message.isVisible() and "needs a buyer" in buyer.message.text()
    assert dialog.customer.toolTip().startswith("QAYD-BUYER-REQUIRED — Choose the customer")
    assert dialog.customer.property("finding") == "error"
    # The cell's rule and fix show on hover.
    assert "QAYD-NUMBER — Enter an ordinary decimal number" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert dialog.model.index(0, PRICE).data(Qt.ItemDataRole.BackgroundRole) is None
    # The findings list names them; a click puts the cursor on the field.
    texts = [dialog.findings_list.item(i).text() for i in range(dialog.findings_list.count())]
    assert any("needs a buyer" in t for t in texts) and any("not a number" in t for t in texts)
    row = next(i for i, t in enumerate(texts) if "needs a buyer" in t)
    item = dialog.findings_list.item(row)
    assert item.toolTip().startswith("QAYD-BUYER-REQUIRED — ")
    dialog.findings_list.itemClicked.emit(item)
    assert dialog.customer.hasFocus() or dialog.customer.isAncestorOf(focused())
    # Fix both: the markers go.
    choose_customer(dialog, CUSTOMER)
    dialog.model.setData(cell, "2")
    qtbot.waitUntil(lambda: not buyer.message.isVisible())
    assert dialog.customer.toolTip() == "" and dialog.customer.property("finding") == ""
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
    assert dialog.findings_summary.text() == "No problems found."


def test_the_draft_saves_itself_and_reopens_as_typed(qtbot: QtBot, session: AppSession, topics: list[str]) -> None:
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Installation service", "2")
    qtbot.waitUntil(lambda: dialog.status.text() == "Draft saved.")  # the debounced autosave
    assert INVOICES in topics
    with session.uow(write=False) as uow:
        stored = service.get_invoice(uow, "INV-2026-0001")
    assert stored.status == "draft" and stored.totals.payable == Decimal("1035.00")
    # Typed, then closed before the autosave: closing saves.
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Deliver to gate 3")
    dialog.close()
    assert not dialog.isVisible()
    again = open_editor(qtbot, session, "INV-2026-0001")
    assert again.note.text() == "Deliver to gate 3" and not again.read_only
    assert [r.name for r in again.model.rows] == ["Installation service"]
    assert again.total_labels["payable"][1].text() == "1,035.00 SAR"
    assert again.windowTitle() == "Draft INV-2026-0001"


def test_a_number_already_taken_is_shown_at_the_number_and_nothing_is_stored(qtbot: QtBot,
                                                                              session: AppSession) -> None:
    first = open_editor(qtbot, session)
    type_line(qtbot, first, 0, "Office chair", "1")
    assert first.save_now()
    second = open_editor(qtbot, session)
    assert second.number.text() == "INV-2026-0002"
    second.number.setText("INV-2026-0001")
    second.number.textEdited.emit("INV-2026-0001")
    assert not second.save_now()
    assert second.number.property("finding") == "error"
    assert second.number.toolTip().startswith("QAYD-DUPLICATE-NUMBER")
    assert second.status.text() == "Not saved: correct the marked fields."
    second.close()
    assert second.isVisible()  # refused once, so the work is not lost by accident
    second.close()
    assert not second.isVisible()  # the second close discards it
    with session.uow(write=False) as uow:
        assert service.count_invoices(uow) == 1


def test_journey_draft_with_an_error_fix_issue_preview_and_find_it_in_the_list(
        qtbot: QtBot, session: AppSession, topics: list[str]) -> None:
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Consulting hours", "10")
    # Issuing a draft with an error is refused: the findings are shown and the cursor goes to the first one.
    assert dialog.issue() is None
    assert dialog.status.text() == "Not issued: correct the errors listed first."
    assert dialog.fields["buyer"].message.isVisible()
    assert dialog.customer.hasFocus() or dialog.customer.isAncestorOf(focused())
    with session.uow(write=False) as uow:
        assert service.get_invoice(uow, "INV-2026-0001").status == "draft"  # saved, not issued
    choose_customer(dialog, CUSTOMER)
    dialog.validate_now()
    assert not dialog.fields["buyer"].message.isVisible()
    job = dialog.issue()
    assert job is not None and dialog.job is None  # SyncPool: already finished
    assert dialog.status_name == "issued" and dialog.read_only
    assert dialog.status.text() == "Issued. The document can no longer be changed."
    assert ZATCA in topics and INVOICES in topics
    # Read-only from now on.
    assert dialog.number.isReadOnly() and not dialog.customer.isEnabled() and dialog.model.read_only
    assert not dialog.model.flags(dialog.model.index(0, QUANTITY)) & Qt.ItemFlag.ItemIsEditable
    assert not dialog.issue_button.isVisible() and dialog.credit_button.isVisible()
    # Preview: the QR code drawn, its fields decoded, the signed XML.
    assert dialog.tabs.currentIndex() == 1
    pixmap = dialog.qr_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() >= 100
    assert [code.text for code in zxingcpp.read_barcodes(pixmap.toImage())] == [dialog._qr]  # it scans back
    fields = {dialog.qr_fields.itemAt(i, dialog.qr_fields.ItemRole.LabelRole).widget().text():
              dialog.qr_fields.itemAt(i, dialog.qr_fields.ItemRole.FieldRole).widget().text()
              for i in range(dialog.qr_fields.rowCount())}
    assert fields["Seller name"] == "Qayd Demo Trading Co." or fields["Seller name"].startswith("شركة")
    assert fields["VAT registration number"] == "399999999900003"
    assert fields["Invoice total (with VAT)"] == "2875.00"
    xml = dialog.xml_text.toPlainText()
    assert dialog.xml_copy.text() == "The signed XML"
    assert "<cbc:ID>INV-2026-0001</cbc:ID>" in xml and "ds:Signature" in xml and dialog.xml_text.isReadOnly()
    # And it is in the list of invoices.
    with session.uow(write=False) as uow:
        listed = browse.page(uow, BrowseFilter(status="issued"))
    assert [(s.number, str(s.payable)) for s in listed] == [("INV-2026-0001", "2875.00")]


def test_an_issued_invoice_opens_read_only_and_gives_a_credit_note_in_one_action(qtbot: QtBot,
                                                                                  session: AppSession) -> None:
    draft = open_editor(qtbot, session)
    type_line(qtbot, draft, 0, "Office chair", "2")
    choose_customer(draft, CUSTOMER)
    draft.issue()
    dialog = open_editor(qtbot, session, "INV-2026-0001")
    assert dialog.read_only and dialog.windowTitle() == "INV-2026-0001 (issued)"
    assert dialog.tabs.isTabEnabled(1) and dialog.xml_text.toPlainText()
    qtbot.mouseClick(dialog.credit_button, Qt.MouseButton.LeftButton)
    note = dialog.note_editor
    assert note is not None and note.isVisible()
    qtbot.addWidget(note)
    assert note.type.currentData() == DocumentType.CREDIT_NOTE.value and not note.read_only
    assert note.number.text() == "INV-2026-0001-CN" and note.billing_reference.text() == "INV-2026-0001"
    assert note.billing_reference.isVisible() and [r.name for r in note.model.rows] == ["Office chair"]
    assert note.fields["reason"].message.isVisible()  # a note must say why it is issued (BR-KSA-17)
    assert note.reason.toolTip().startswith("BR-KSA-17")
    note.reason.setFocus()
    qtbot.keyClicks(note.reason, "Goods returned")
    note.validate_now()
    assert not note.fields["reason"].message.isVisible()
    note.payment.setCurrentIndex(note.payment.findData("10"))
    note.issue()
    assert note.status_name == "issued"
    assert not note.credit_button.isVisible()  # no note of a note
    # The debit note, the same way.
    debit = dialog.make_note(DocumentType.DEBIT_NOTE)
    assert debit is not None
    qtbot.addWidget(debit)
    assert debit.type.currentData() == DocumentType.DEBIT_NOTE.value and debit.number.text() == "INV-2026-0001-DN"
    with session.uow(write=False) as uow:
        numbers = {s.number: s.status for s in browse.page(uow)}
    assert numbers == {"INV-2026-0001": "issued", "INV-2026-0001-CN": "issued", "INV-2026-0001-DN": "draft"}


def test_a_zero_rated_line_asks_for_its_exemption_in_its_own_cells(qtbot: QtBot, session: AppSession) -> None:
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Consulting hours", "1")
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    dialog.model.setData(dialog.model.index(0, CATEGORY), "Z")
    assert dialog.model.rows[0].vat_rate == "0"  # core's usual rate for the category
    dialog.validate_now()
    code, reason = dialog.model.index(0, EXEMPTION), dialog.model.index(0, REASON)
    assert code.data(Qt.ItemDataRole.ToolTipRole).split("\n")[1].startswith("BR-KSA-69 — ")
    assert reason.data(Qt.ItemDataRole.ToolTipRole).split("\n")[1].startswith("BR-KSA-83 — ")
    # Enter now walks through the exemption cells too, and a new line starts after the last one.
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, RATE))
    dialog.table.edit(dialog.model.index(0, RATE))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.currentIndex().column() == EXEMPTION)
    qtbot.keyClicks(focused(), "VATEX-SA-32")
    qtbot.wait(20)  # as in type_line: let a completion popup settle before the key that closes it
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.currentIndex().column() == REASON
                    and QApplication.focusWidget() is not None)  # the next cell's editor has the focus
    qtbot.keyClicks(focused(), "Export of services")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    dialog.validate_now()
    assert code.data(Qt.ItemDataRole.ToolTipRole) is None and reason.data(Qt.ItemDataRole.ToolTipRole) is None
    assert dialog.model.rows[0].exemption_reason_code == "VATEX-SA-32"
    assert dialog.total_labels["tax_total"][1].text() == "0.00 SAR"


def test_a_new_note_typed_by_hand_gets_its_own_number_and_asks_for_its_reference(qtbot: QtBot,
                                                                                  session: AppSession) -> None:
    dialog = open_editor(qtbot, session)
    assert not dialog.billing_reference.isVisible()
    dialog.type.setCurrentIndex(dialog.type.findData(DocumentType.CREDIT_NOTE.value))
    assert dialog.number.text() == "CN-2026-0001"  # the suggestion follows the type until the number is typed
    assert dialog.billing_reference.isVisible() and dialog.reason.isVisible()
    dialog.validate_now()
    assert dialog.billing_reference.toolTip().startswith("BR-KSA-56")
    assert dialog.fields["billing_reference"].message.isVisible()


def test_the_editor_in_arabic_is_mirrored_and_speaks_arabic(qtbot: QtBot, session: AppSession) -> None:
    session.set_language("ar")
    dialog = open_editor(qtbot, session)
    assert dialog.isRightToLeft()
    assert dialog.issue_button.text() == "إصدار" and dialog.labels["buyer"].text() == "العميل"
    assert dialog.model.headerData(NAME, Qt.Orientation.Horizontal) == "الصنف"
    type_line(qtbot, dialog, 0, "كرسي مكتب", "3")  # the product's Arabic name completes as well
    assert dialog.model.rows[0].unit_price == "649.50"
    assert dialog.total_labels["payable"][1].text() == "2,240.78 ر.س"
    buyer = dialog.fields["buyer"]
    qtbot.waitUntil(lambda: buyer.message.isVisible())
    assert "مشترٍ" in buyer.message.text()  # the finding's Arabic message
    assert dialog.customer.toolTip().startswith("QAYD-BUYER-REQUIRED — اختر العميل")
    assert dialog.issue() is None and dialog.status.text() == "لم يُصدر: صحّح الأخطاء المذكورة أولاً."
    choose_customer(dialog, CUSTOMER)
    dialog.issue()
    assert dialog.status_name == "issued"
    assert dialog.tabs.tabText(1) == "المعاينة" and dialog.credit_button.text() == "إشعار دائن"
    assert "ds:Signature" in dialog.xml_text.toPlainText() and not dialog.xml_text.isRightToLeft()
    labels = [dialog.qr_fields.itemAt(i, dialog.qr_fields.ItemRole.LabelRole).widget().text()
              for i in range(dialog.qr_fields.rowCount())]
    assert "اسم البائع" in labels
    # Switching back re-reads every text.
    session.set_language("en")
    assert dialog.issue_button.text() == "Issue" and not dialog.isRightToLeft()


def test_issuing_runs_as_a_background_job_with_progress(qtbot: QtBot, session: AppSession) -> None:
    pool = ThreadPool(QThreadPool())
    session.pool = pool
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Printer toner", "4")
    choose_customer(dialog, CUSTOMER)
    job = dialog.issue()
    assert job is not None and dialog.job is job
    assert not dialog.issue_button.isEnabled()  # one issue at a time
    dialog.close()
    assert dialog.isVisible()  # not while it is issuing
    qtbot.waitUntil(lambda: dialog.status_name == "issued", timeout=10_000)
    qtbot.waitUntil(lambda: dialog.job is None)
    assert pool.wait(5_000)
    assert dialog.progress.value() == 100 and not dialog.progress.isVisible()
    with session.uow(write=False) as uow:
        assert service.get_invoice(uow, "INV-2026-0001").status == "issued"


def test_a_save_met_by_another_process_writing_keeps_the_typing_and_saves_once_it_is_done(
        qtbot: QtBot, ctx: Context, env: dict[str, str], tmp_path: Path, clock: StepClock) -> None:
    """Another Qayd window or command holds the write lock: the clerk's typing stays, says so, and is saved later."""
    from core.bootstrap import open_company
    from core.config import load_settings
    from tests.integration.test_store_busy import lock_held

    create_demo(ctx, drafts=0)
    config = tmp_path / "busy.toml"
    config.write_text("", "utf-8")
    settings = load_settings(environ={**env, "QAYD_STORE_BUSY_TIMEOUT": "1"}, config_file=config)
    busy_ctx = open_company(settings, clock=clock, username="tester")
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=busy_ctx)
    try:
        dialog = open_editor(qtbot, session)
        dialog.note.setText("Deliver to gate 3")
        dialog.note.textEdited.emit("Deliver to gate 3")
        with lock_held(ctx.db.path):
            assert not dialog.save_now()
            assert dialog.status.text().startswith("Not saved yet: another Qayd window")
            assert dialog.note.text() == "Deliver to gate 3" and dialog.isVisible()
        qtbot.waitUntil(lambda: dialog.status.text() == "Draft saved.", timeout=5000)  # tried again by itself
        with session.uow(write=False) as uow:
            assert service.get_invoice(uow, dialog.number.text()).draft.note == "Deliver to gate 3"
        dialog.close()
    finally:
        busy_ctx.close()


def test_a_line_keeps_its_arabic_name_from_the_product_or_as_typed(qtbot: QtBot, session: AppSession) -> None:
    dialog = open_editor(qtbot, session)
    type_line(qtbot, dialog, 0, "Office chair", "2")  # Tab from the item still lands on the quantity
    assert dialog.model.rows[0].name_ar == "كرسي مكتب"  # the product's Arabic name, printed on the Arabic side
    assert dialog.model.index(0, NAME_AR).data() == "كرسي مكتب"
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    dialog.model.add_row()
    dialog.model.setData(dialog.model.index(1, NAME), "Delivery to site")  # no product: the clerk types it
    dialog.model.setData(dialog.model.index(1, PRICE), "120")
    dialog.table.setCurrentIndex(dialog.model.index(1, NAME_AR))
    dialog.table.setFocus()
    type_text(qtbot, dialog.table, "توصيل إلى الموقع")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    # Generous waits: on a loaded machine the cell's editor and the autosave can take seconds.
    qtbot.waitUntil(lambda: dialog.model.rows[1].name_ar == "توصيل إلى الموقع", timeout=20000)
    qtbot.waitUntil(lambda: dialog.status.text() == "Draft saved.", timeout=20000)
    with session.uow(write=False) as uow:
        stored = service.get_invoice(uow, dialog.number.text()).draft
    assert [line.name_ar for line in stored.lines] == ["كرسي مكتب", "توصيل إلى الموقع"]
    dialog.close()
    again = open_editor(qtbot, session, stored.number)
    assert [row.name_ar for row in again.model.rows] == ["كرسي مكتب", "توصيل إلى الموقع"]
