"""The main window: navigation, shortcuts, the status bar, the language switch at runtime, the error presenter."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from core.audit.service import entry_count
from core.config import Settings
from core.errors import NotFoundError, ValidationError
from core.findings import Finding
from core.invoicing import browse, service
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.errors import present_error
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import COMPANY, AppSession
from desktop.shell import MainWindow
from desktop.views.invoice_editor import InvoiceEditorDialog
from desktop.views.invoices import InvoicesView
from desktop.views.registry import view_classes
from tests.conftest import StepClock

NAV_EN = ["Dashboard", "Invoices", "Customers", "Products", "ZATCA queue", "Audit", "Privacy", "Reports", "Insights",
          "Assistant", "Sync", "Settings", "Diagnostics"]
NAV_AR = ["لوحة المعلومات", "الفواتير", "العملاء", "المنتجات", "طابور هيئة الزكاة", "التدقيق", "الخصوصية",
          "التقارير", "الرؤى", "المساعد", "المزامنة", "الإعدادات", "التشخيص"]


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "en")


@pytest.fixture
def demo(ctx: Context) -> Context:
    create_demo(ctx, drafts=8)
    add_demo_egs(ctx, issue=3)
    return ctx


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, clock: StepClock, demo: Context) -> MainWindow:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=demo)
    main = MainWindow(session)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def nav_texts(window: MainWindow) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def nav_is_right(window: MainWindow) -> bool:
    return bool(window.nav.geometry().x() > window.stack.geometry().x())


def test_navigation_lists_every_view_and_switches_pages(window: MainWindow) -> None:
    assert nav_texts(window) == NAV_EN
    assert list(window.views) == [cls.key for cls in view_classes()]
    assert window.current_view().key == "dashboard"
    window.nav.setCurrentRow(3)
    assert window.current_view().key == "products"
    assert window.show_view("settings") is window.stack.currentWidget()


def test_views_are_built_when_first_shown(window: MainWindow) -> None:
    assert [v.key for v in window.views.built()] == ["dashboard"]  # start-up builds only what it shows
    audit = window.show_view("audit")
    assert window.stack.currentWidget() is audit and window.views["audit"] is audit
    assert [v.key for v in window.views.built()] == ["dashboard", "audit"]
    assert window.stack.count() == len(view_classes())
    window.nav.setCurrentRow(0)
    assert window.current_view().key == "dashboard"


def test_ctrl_digit_shortcuts_open_the_views(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    count = min(len(window.views), 10)  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth view
    for n, key in zip(range(1, count + 1), list(window.views)[:count], strict=True):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{n % 10}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_view().key == key
    assert [a.shortcut().toString() for a in window.go_actions] == [
        f"Ctrl+{n % 10}" if n <= 10 else "" for n in range(1, len(window.views) + 1)]


def test_status_bar_shows_company_egs_queue_and_chain(window: MainWindow, demo: Context) -> None:
    assert window.company_label.text() == f"Company: {DEMO_COMPANY.legal_name_en}"
    assert window.egs_label.text() == "EGS unit: qayd-demo-egs (Demo (offline))"
    # The demo unit signs offline and queues nothing.
    assert window.queue_label.text() == "ZATCA queue: nothing waiting"
    entries = entry_count(demo)
    assert window.chain_label.text() == f"Audit chain: {entries:,} entries, checkpoint #{entries:,}"
    assert "Last signed checkpoint: 2026-11-25" in window.chain_label.toolTip()
    assert DEMO_COMPANY.legal_name_en in window.windowTitle()


def test_status_bar_counts_pending_and_rejected_submissions(qtbot: QtBot, settings: Settings, clock: StepClock,
                                                           demo: Context) -> None:
    from sqlalchemy import insert, select

    from core.store.models import EgsUnit, ZatcaSubmission
    from core.zatca.queue import submission_row

    # The demo unit signs offline and queues nothing: queue three of its issued documents, one rejected.
    with demo.uow() as uow:
        unit = uow.session.scalars(select(EgsUnit)).one()
        issued = [s for s in browse.page(uow) if s.status == "issued"][:3]
        rows = [submission_row(invoice_id=service.find_invoice_row(uow, s.number).id, egs_unit_id=unit.id,
                               kind="reporting", issued_at=uow.now(), now=uow.now(), device_id=demo.device_id)
                for s in issued]
        rows[0]["state"] = "rejected"
        uow.session.execute(insert(ZatcaSubmission), rows)
        uow.commit()
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=demo))
    qtbot.addWidget(main)
    assert main.queue_label.text() == "ZATCA queue: 2 pending, 1 rejected"


def test_status_bar_follows_changes(window: MainWindow, demo: Context) -> None:
    with demo.uow() as uow:
        service.update_company(uow, replace(service.get_company(uow), legal_name_en="Renamed Trading Co."))
        uow.commit()
    before = window.chain_label.text()
    window.session.notify(COMPANY)
    assert window.company_label.text() == "Company: Renamed Trading Co."
    assert window.chain_label.text() != before  # the update added an audit entry


def test_switching_to_arabic_at_runtime_mirrors_and_translates(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.language_changed):
        window.switch_language_action.trigger()
    assert window.session.language == "ar"
    assert window.isRightToLeft() and window.nav.isRightToLeft() and window.current_view().isRightToLeft()
    assert nav_texts(window) == NAV_AR
    assert window.file_menu.title() == "&ملف"
    assert window.company_label.text() == f"المنشأة: {DEMO_COMPANY.legal_name_ar}"
    assert window.egs_label.text() == "وحدة الفوترة: qayd-demo-egs (تجريبية (دون اتصال))"
    assert window.chain_label.text().startswith("سلسلة التدقيق: ")
    assert "جمادى الآخرة 1448 هـ" in window.chain_label.toolTip()  # the Hijri date beside the Gregorian one
    assert window.language_actions["ar"].isChecked()
    # The navigation sits on the leading side: the right in Arabic (once the layout has run).
    qtbot.waitUntil(lambda: nav_is_right(window))
    window.language_actions["en"].trigger()
    assert not window.isRightToLeft()
    assert nav_texts(window) == NAV_EN
    assert window.company_label.text() == f"Company: {DEMO_COMPANY.legal_name_en}"
    qtbot.waitUntil(lambda: not nav_is_right(window))


def test_ctrl_n_opens_the_editor_on_a_new_draft_from_any_view(qtbot: QtBot, window: MainWindow) -> None:
    window.show_view("settings")
    window.new_invoice_action.trigger()
    view = window.current_view()
    assert isinstance(view, InvoicesView)
    editor = view._editor
    assert isinstance(editor, InvoiceEditorDialog)
    qtbot.addWidget(editor)
    assert editor.isVisible() and editor.status_name == "draft" and not editor.read_only
    assert editor.windowTitle() == "New document"
    assert window.new_invoice_action.text() == "&New invoice"


def test_a_view_failing_to_load_shows_the_error_and_the_window_still_opens(
        qtbot: QtBot, settings: Settings, clock: StepClock, demo: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    settings_view = next(cls for cls in view_classes() if cls.key == "settings")

    def broken(self: object) -> None:
        raise NotFoundError("The thing is gone.", fix="Bring it back.")

    monkeypatch.setattr(settings_view, "refresh", broken)
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=demo))
    qtbot.addWidget(main)
    main.show_view("settings")
    boxes = [d for d in main.dialogs if isinstance(d, QMessageBox)]
    assert [(b.text(), b.informativeText()) for b in boxes] == [("The thing is gone.", "Bring it back.")]
    assert nav_texts(main) == NAV_EN


def test_error_presenter_shows_the_core_message_and_logs_no_typed_values(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    finding = Finding("BR-KSA-44", "buyer.vat_number", "The buyer VAT number '3999-private' is invalid.", "Copy it.")
    exc = ValidationError("The customer", [finding])
    with caplog.at_level(logging.ERROR, logger="qayd.desktop"):
        box = present_error(None, exc)
    qtbot.addWidget(box)
    assert box.text().startswith("The customer was refused: 1 error(s).")
    assert "BR-KSA-44@buyer.vat_number" in caplog.text
    assert "3999-private" not in caplog.text
    box.close()
    with caplog.at_level(logging.ERROR, logger="qayd.desktop"):
        internal = present_error(None, RuntimeError("boom"))
    qtbot.addWidget(internal)
    assert internal.text() == "Something went wrong inside Qayd; nothing was changed."
    assert "Traceback" in caplog.text or caplog.records[-1].exc_info is not None
    internal.close()


def test_opening_the_app_purges_holds_that_have_ended(qtbot: QtBot, settings: Settings, clock: StepClock,
                                                        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """The retention job runs at start: an erased customer's held invoices are purged once the hold is over."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from core.privacy import erasure
    from core.store import models as m
    from tests.support.privacy import add_person

    person = add_person(ctx)
    erasure.erase(ctx, person.subject)
    with ctx.uow(write=False) as uow:
        holds = list(uow.session.scalars(select(m.RetentionHold).where(m.RetentionHold.subject == person.subject)))
    assert holds and all(hold.purged_at is None for hold in holds)
    clock.now = datetime(max(hold.held_until for hold in holds).year + 1, 1, 2, tzinfo=UTC)
    monkeypatch.setattr("desktop.shell.RETENTION_DELAY_MS", 10)
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(main)

    def purged() -> bool:
        with ctx.uow(write=False) as uow:
            return all(hold.purged_at is not None for hold in uow.session.scalars(
                select(m.RetentionHold).where(m.RetentionHold.subject == person.subject)))

    qtbot.waitUntil(purged)  # after the window is up, not during its start
