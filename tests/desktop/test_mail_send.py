"""Send on an issued invoice: the dialog (recipient prefilled, language, XML) queues through core.mail, the flusher
sends in a job (never the UI thread) to a real SMTP server; the mail stack is not loaded at desktop start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.config import MailSettings, Settings
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import create_demo
from core.store import models as m
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.invoices import InvoicesView
from desktop.views.mail_send import SendInvoiceDialog, flusher_for
from tests.conftest import StepClock
from tests.support.smtp_server import USERNAME, SmtpWorld

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpWorld]:
    with SmtpWorld(tmp_path / "smtp", tls=False, auth=False) as world:
        yield world


@pytest.fixture
def session(ctx: Context, settings: Settings, clock: StepClock, smtp: SmtpWorld) -> AppSession:
    create_demo(ctx, drafts=40)
    add_demo_egs(ctx, issue=10)
    mail = MailSettings(host="127.0.0.1", port=smtp.port, security="none", from_address=USERNAME)
    return AppSession(settings.model_copy(update={"mail": mail}), clock=clock, pool=SyncPool(), ctx=ctx)


def test_send_prefills_the_customer_queues_and_the_flusher_delivers(qtbot: QtBot, session: AppSession,
                                                                     smtp: SmtpWorld, ctx: Context) -> None:
    view = InvoicesView(session)
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    with ctx.uow(write=False) as uow:
        issued = next(i for i in browse.page(uow, BrowseFilter(status="issued", kind="standard"), limit=10))
        email = uow.session.get(m.Customer, uow.session.query(m.Invoice).filter_by(
            number=issued.number).one().customer_id).email  # type: ignore[union-attr]
    row = next(r for r in range(view.model.rowCount()) if (inv := view.model.invoice_at(r)) is not None
               and inv.number == issued.number)
    view.table.setCurrentIndex(view.model.index(row, 0))
    dialog = view.send_current()
    assert isinstance(dialog, SendInvoiceDialog)
    assert dialog.recipient.text() == email
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.attach_xml.setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.queued is not None
    flusher = flusher_for(session)
    assert flusher.running is None and flusher.last_error is None
    (msg,) = smtp.received
    assert msg["To"] == email and msg["Subject"].startswith("Tax Invoice")
    assert [p.get_content_type() for p in msg.iter_attachments()] == ["application/pdf", "application/xml"]


def test_a_draft_is_refused_with_the_reason(qtbot: QtBot, session: AppSession, ctx: Context) -> None:
    with ctx.uow(write=False) as uow:
        (draft,) = browse.page(uow, BrowseFilter(status="draft"), limit=1)
    dialog = SendInvoiceDialog(session, draft.number)
    qtbot.addWidget(dialog)
    dialog.send()
    assert dialog.queued is None and dialog.result() == 0
    (shown,) = dialog.findChildren(QMessageBox)  # the reason, over the dialog, which stays open to fix the choice
    assert "draft" in shown.text() and "qayd invoice issue" in shown.informativeText() + shown.text()


def test_the_mail_stack_is_not_loaded_at_desktop_start() -> None:
    # (email.message itself is loaded by the standard library's importlib.metadata, before any of Qayd's code)
    code = ("import sys\nimport core.mail, desktop.app, desktop.shell, desktop.views.invoices\n"
            "import desktop.views.mail_send\n"
            "print(sorted(m for m in ('smtplib', 'jinja2', 'email.mime', 'email.generator') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"


def test_the_flush_runs_on_a_worker_thread_never_the_ui_thread(qtbot: QtBot, session: AppSession,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import core.mail
    from desktop.jobs import ThreadPool

    seen: list[threading.Thread] = []
    monkeypatch.setattr(core.mail, "flush", lambda *a, **k: seen.append(threading.current_thread()) or "done")
    session.pool = ThreadPool()
    flusher = flusher_for(session)
    with qtbot.waitSignal(flusher.flushed, timeout=10_000) as signal:
        assert flusher.flush_now() is not None
    assert signal.args == ["done"]
    assert seen and seen[0] is not threading.main_thread()
    assert flusher.timer.isActive() and flusher.timer.interval() == 120_000
