"""E-mailing an issued invoice from the desktop: the Send dialog (recipient prefilled, language, XML attached or not)
queues it through core.mail's face, and a `MailFlusher` per open company sends the outbox in a background job while
online (every two minutes, and at once after a send); never on the UI thread."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job
from desktop.session import AppSession

log = logging.getLogger(__name__)
FLUSH_EVERY_MS = 120_000


class MailFlusher(QObject):
    """Sends the outbox off the UI thread: one flush at a time; asked while one runs, it runs once more after."""

    flushed = Signal(object)  # core.mail.FlushResult
    failed = Signal(object)  # the exception (the outbox keeps every message; the next flush tries again)

    def __init__(self, session: AppSession, parent: QObject | None = None) -> None:
        super().__init__(parent or session)
        self.session = session
        self.timer = QTimer(self, interval=FLUSH_EVERY_MS)
        self.timer.timeout.connect(self.flush_now)
        self.running: Job | None = None
        self._again = False
        self.last_error: BaseException | None = None

    def configured(self) -> bool:
        mail = self.session.settings.mail
        return bool(mail.host and mail.from_address)

    def start(self) -> None:
        if self.configured():
            self.timer.start()

    def flush_now(self) -> Job | None:
        if not self.configured():
            return None
        if self.running is not None:
            self._again = True
            return None
        ctx, mail = self.session.ctx, self.session.settings.mail

        def work(progress: Any, cancelled: Any) -> object:
            from core.mail import flush  # smtplib, email and Jinja2 load here, in the job, never at start

            return flush(ctx, mail, progress=progress, cancelled=cancelled)

        job = Job(work, name="mail flush")
        job.signals.succeeded.connect(self._done)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(self._finished)
        self.running = job
        self.session.pool.start(job)
        return job

    def _done(self, result: object) -> None:
        self.last_error = None
        self.flushed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        # Offline, or a refused login: logged without personal data; the messages wait in the outbox.
        log.info("the mail outbox was not sent: %s", type(exc).__name__)
        self.last_error = exc
        self.failed.emit(exc)

    def _finished(self) -> None:
        self.running = None
        if self._again:
            self._again = False
            self.flush_now()


def flusher_for(session: AppSession) -> MailFlusher:
    """The open company's flusher (made and started on first use)."""
    existing = getattr(session, "mail_flusher", None)
    if isinstance(existing, MailFlusher):
        return existing
    flusher = MailFlusher(session)
    session.mail_flusher = flusher  # type: ignore[attr-defined]
    flusher.start()
    return flusher


class SendInvoiceDialog(QDialog):
    """Send one issued invoice: to whom (the customer's address, editable), in which language, with its XML or not."""

    def __init__(self, session: AppSession, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="sendInvoiceDialog")
        from core.mail import send_defaults

        self.session, self.number = session, number
        defaults = send_defaults(session.ctx, number)
        self.setWindowTitle(tr("Mail", "Send {number}").format(number=number))
        self.recipient = QLineEdit(defaults.recipient, objectName="sendTo")
        self.language = QComboBox(objectName="sendLanguage")
        self.language.addItem("العربية", "ar")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if session.language == "ar" else 1)
        self.attach_xml = QCheckBox(tr("Mail", "Attach the XML as well"), objectName="sendXml")
        self.attach_xml.setChecked(defaults.attach_xml)  # the customer's preference
        self.note = QLabel(tr("Mail", "The printed PDF/A-3 is attached; it carries the e-invoice XML and QR code."))
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(tr("Mail", "Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("sendButton")
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("Mail", "To"), self.recipient)
        form.addRow(tr("Mail", "Language"), self.language)
        form.addRow("", self.attach_xml)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.queued: object | None = None

    def send(self) -> None:
        """Queue it (one short transaction through the core face); the flusher sends it in the background."""
        from core.mail import send_invoice

        try:
            self.queued = send_invoice(self.session.ctx, self.number, self.session.settings.mail,
                                       to=self.recipient.text().strip() or None,
                                       lang=str(self.language.currentData()), attach_xml=self.attach_xml.isChecked())
        except Exception as exc:
            present_error(self, exc, title=tr("Mail", "Not sent"))
            return
        flusher_for(self.session).flush_now()
        self.accept()
