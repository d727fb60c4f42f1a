# ruff: noqa: F811  (pytest fixtures imported from test_sync_desktop are redefined as test parameters)
"""Central sync on the desktop, live between two installs on a real PostgreSQL: presence and "Also open by" in the
invoice editor, notifications (badge, toast, list, read marks), and a conflict resolved field by field in the Sync
view with both installs holding the merged row; English and Arabic. Fixtures and helpers: test_sync_desktop.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from core.invoicing import browse, service
from core.invoicing.model import Customer
from core.sync import live
from core.sync.connection import dsn_for
from core.sync.engine import central
from core.uow import Context
from desktop.i18n import install_language
from desktop.notifications import SyncStatusBar
from desktop.sync_controller import SyncController
from desktop.views.invoice_editor import InvoiceEditorDialog
from desktop.views.sync_view import SyncView
from tests.desktop.test_sync_desktop import (  # noqa: F401  (fixtures)
    WORDS,
    Install,
    central_db,
    central_template,
    central_url,
    controller_for,
    controllers,
    first_customer,
    install_a,
    lang,
    second,
    set_customer,
)
from tests.support.pg_fixtures import pg_server  # noqa: F401


def test_presence_shows_who_is_online_and_who_else_has_the_invoice_open(
        qtbot: QtBot, install_a: Install, second: Callable[..., Install], controllers: list[SyncController],
        lang: str) -> None:
    install_a.session.language = lang
    a = controller_for(install_a, controllers, listen=False)
    b_install = second()
    b = controller_for(b_install, controllers, listen=True)
    qtbot.waitUntil(lambda: b.listening, timeout=10_000)
    bar = SyncStatusBar(b_install.session, QLabel())
    qtbot.addWidget(bar.window_)
    bar.bind(b)
    with install_a.ctx.uow(write=False) as uow:
        number = browse.page(uow)[0].number
        invoice_id = service.get_invoice(uow, number).draft.id

    editor_a = InvoiceEditorDialog(install_a.session, number)  # A opens the invoice: a heartbeat says so at once
    qtbot.addWidget(editor_a)
    assert a.viewing == f"invoice:{invoice_id}"
    qtbot.waitUntil(lambda: bar.presence_label.text() == WORDS[lang]["online"], timeout=3000)

    editor_b = InvoiceEditorDialog(b_install.session, number)
    qtbot.addWidget(editor_b)
    banner = editor_b.presence_banner
    assert banner.isVisibleTo(editor_b) and banner.text() == WORDS[lang]["also"]
    assert not editor_a.presence_banner.isVisibleTo(editor_a)  # A's own view does not count B yet (no listener)

    editor_a.done(0)  # A closes it: B's banner goes
    assert a.viewing == ""
    qtbot.waitUntil(lambda: not banner.isVisibleTo(editor_b), timeout=3000)
    assert bar.presence_label.text() == WORDS[lang]["online"]  # still online, only not on that invoice


# --- notifications ---------------------------------------------------------------------------------------------------


def test_a_rejected_invoice_notification_raises_the_badge_and_shows_a_toast(
        qtbot: QtBot, install_a: Install, second: Callable[..., Install], controllers: list[SyncController],
        lang: str) -> None:
    install_a.session.language = lang
    b_install = second()
    b = controller_for(b_install, controllers)
    a = controller_for(install_a, controllers, listen=True)
    qtbot.waitUntil(lambda: a.listening, timeout=10_000)
    host = MainWindowStub()
    qtbot.addWidget(host)
    host.resize(900, 600)
    host.show()
    bar = SyncStatusBar(install_a.session, host)
    bar.bind(a)
    assert bar.bell.count == 0 and not badge_visible(bar)

    with central(dsn_for(b_install.ctx)) as conn:  # B's sync announces what ZATCA rejected on B
        live.announce(conn, b_install.ctx, "zatca.rejected", "invoice:x", "ZATCA rejected invoice INV-7.",
                      "رفضت الهيئة الفاتورة INV-7.")
    qtbot.waitUntil(lambda: bar.bell.count == 1, timeout=3000)
    assert badge_visible(bar) and bar.bell.badge.text() == "1"
    toasts = bar.toasts.toasts
    assert len(toasts) == 1
    message = "ZATCA rejected invoice INV-7." if lang == "en" else "رفضت الهيئة الفاتورة INV-7."
    assert toasts[0].message.text() == message and "bob" in toasts[0].detail.text()
    right = toasts[0].geometry().center().x() > host.width() / 2
    assert right == (lang == "en")  # bottom-right, bottom-left in Arabic

    # Our own announcements raise no toast and do not count as unread.
    with central(dsn_for(install_a.ctx)) as conn:
        live.announce(conn, install_a.ctx, "privacy.overdue", "request:R-1", "The privacy request R-1 is late.",
                      "تأخر طلب الخصوصية R-1.")
    qtbot.waitUntil(lambda: len(a.notices) == 2, timeout=3000)
    assert bar.bell.count == 1 and len(bar.toasts.toasts) == 1

    popup = bar.show_notifications()
    assert popup is not None and popup.list.count() == 2
    assert popup.list.item(1).text().startswith(message)  # newest first: ours, then B's
    assert bar.bell.count == 0 and not badge_visible(bar)
    toasts[0].timer.setInterval(10)  # ~5 s in the app, then a fade
    toasts[0].timer.start()
    qtbot.waitUntil(lambda: not bar.toasts.toasts, timeout=3000)
    b.stop()

    # The last read notification is remembered: a new controller starts with nothing unread.
    again = SyncController(install_a.session, listen=False)
    controllers.append(again)
    assert again.last_read == a.last_read > 0


class MainWindowStub(QLabel):
    """A top-level widget standing in for the main window (the toasts' host)."""


def badge_visible(bar: SyncStatusBar) -> bool:
    return bar.bell.badge.isVisibleTo(bar.bell)


# --- conflicts -------------------------------------------------------------------------------------------------------


def test_a_conflict_is_resolved_field_by_field_and_both_installs_hold_the_merged_row(
        qtbot: QtBot, qapp: QApplication, install_a: Install, second: Callable[..., Install],
        controllers: list[SyncController], lang: str) -> None:
    install_a.session.language = lang
    a = controller_for(install_a, controllers)
    b_install = second()
    b = controller_for(b_install, controllers)
    a.sync_now()  # A takes B's first push
    customer = first_customer(install_a.ctx)
    set_customer(install_a.ctx, customer.id, phone="+966500000001", email="a-side@example.com")
    set_customer(b_install.ctx, customer.id, phone="+966500000002", email="b-side@example.com")
    a.sync_now()
    b.sync_now()
    assert b.state.conflicts == 1
    bar = SyncStatusBar(b_install.session, QLabel())
    qtbot.addWidget(bar.window_)
    bar.bind(b)
    assert WORDS[lang]["conflicts"] in bar.state_label.text()

    view = SyncView(b_install.session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    assert view.conflict_list.count() == 1
    assert [view.fields.item(r, 0).text() for r in range(view.fields.rowCount())] == [
        WORDS[lang]["email"], WORDS[lang]["phone"]]
    local_phone = view.fields.cellWidget(1, 1)
    remote_phone = view.fields.cellWidget(1, 2)
    assert local_phone.text() == "+966500000002" and remote_phone.text() == "+966500000001"
    view.choose("phone", "remote")  # the other install's phone, this install's e-mail
    assert view.choices() == {"email": "local", "phone": "remote"}
    other = "ar" if lang == "en" else "en"  # switching the language keeps the choices and translates the labels
    install_language(qapp, other)
    assert view.fields.item(1, 0).text() == WORDS[other]["phone"] and view.choices()["phone"] == "remote"
    install_language(qapp, lang)
    assert view.fields.item(1, 0).text() == WORDS[lang]["phone"]
    qtbot.mouseClick(view.resolve_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    assert view.conflict_list.count() == 0 and view.no_conflicts.isVisibleTo(view)
    assert b.state.conflicts == 0 and b.state.pending == 0  # resolved, then sent by the sync it asked for

    a.sync_now()
    for ctx in (install_a.ctx, b_install.ctx):
        merged = first_customer_by_id(ctx, customer.id)
        assert (merged.phone, merged.email) == ("+966500000001", "b-side@example.com")

    # A hears of the conflict B announced: a notification from another install.
    a.refresh_notices()
    assert any(n.notice.kind == "sync.conflict" for n in a.notices) and a.unread >= 1


def first_customer_by_id(ctx: Context, ident: uuid.UUID) -> Customer:
    with ctx.uow(write=False) as uow:
        return service.get_customer(uow, str(ident))
