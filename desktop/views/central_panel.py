"""The "Central database" section of Settings: where the company's central PostgreSQL is, this person's login and
password (kept by `core.sync.connection.save_connection`: the URL and login in the store, the password in the
secret store), a connection test, and Sync now. Saving starts automatic sync (`desktop.sync_controller`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import QaydError
from desktop.errors import present_error, user_message
from desktop.i18n import tr
from desktop.jobs import Cancelled, Job, Progress
from desktop.session import SETTINGS, AppSession

if TYPE_CHECKING:
    from core.uow import Context

ERROR_COLOR = "#b3261e"


def saved_connection(ctx: Context) -> tuple[str, str]:
    """(URL, login) saved with the store; ("", "") when none (a cheap read, no network stack)."""
    from core.sync import outbox

    with ctx.uow(write=False) as uow:
        db = outbox.raw(uow)
        return outbox.get_state(db, "central.url"), outbox.get_state(db, "central.user")


def own_series(ctx: Context) -> str:
    """The invoice number series this device draws from ('' for the company's main series)."""
    from core.sync import device_series

    with ctx.uow(write=False) as uow:
        return device_series(uow)


def check_connection(ctx: Context, settings: Any) -> dict[str, Any]:
    """Connect with the saved connection, register this device; what the connection is (for the panel)."""
    from core.sync import connect_central as central
    from core.sync import dsn_for, register_checked

    with central(dsn_for(ctx, settings)) as conn:
        company = register_checked(ctx, conn)
        return {"tls": bool(conn.pgconn.ssl_in_use), "version": conn.info.server_version // 10000,
                "company": str(company), "user": conn.info.user}


class CentralPanel(QGroupBox):
    """Embedded in SettingsView; `refresh()` re-reads the saved connection, `retranslate()` every text."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("centralPanel")
        self.session = session
        self.job: Job | None = None
        self.error_box: QWidget | None = None
        self._result: tuple[str, dict[str, Any]] | None = None
        self.note = QLabel(objectName="centralNote")
        self.note.setWordWrap(True)
        self.url = QLineEdit(objectName="centralUrl")
        self.url.setPlaceholderText("postgresql://host:5432/qayd?sslmode=verify-full&sslrootcert=ca.pem")
        self.login = QLineEdit(objectName="centralLogin")
        self.password = QLineEdit(objectName="centralPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.url, self.login):  # an address and a login read left to right in any language
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        for edit in (self.url, self.login, self.password):
            edit.textChanged.connect(self._update_buttons)
        self.labels = (QLabel(), QLabel(), QLabel())
        form = QFormLayout()
        for label, edit in zip(self.labels, (self.url, self.login, self.password), strict=True):
            label.setBuddy(edit)
            form.addRow(label, edit)
        self.save = QPushButton(objectName="saveCentral")
        self.save.clicked.connect(self.save_connection)
        self.test = QPushButton(objectName="testCentral")
        self.test.clicked.connect(self.test_connection)
        self.sync_now = QPushButton(objectName="centralSyncNow")
        self.sync_now.clicked.connect(self.start_sync)
        self.series = QLabel(objectName="centralSeries")  # this device's number series (chosen when it joined)
        self.series.setWordWrap(True)
        self._series = ""
        self.result = QLabel(objectName="centralResult")
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result, 1)
        buttons.addWidget(self.test)
        buttons.addWidget(self.sync_now)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.series)
        layout.addLayout(buttons)
        self.saved = ("", "")
        self.retranslate()

    # --- data -------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.saved = saved_connection(self.session.ctx)
        self._series = own_series(self.session.ctx)
        self._show_series()
        self.url.setText(self.saved[0])
        self.login.setText(self.saved[1])
        self.password.clear()
        self._update_buttons()

    @property
    def modified(self) -> bool:
        return (self.url.text().strip(), self.login.text().strip()) != self.saved or bool(self.password.text())

    def _update_buttons(self, *_args: object) -> None:
        connected = bool(self.saved[0])
        self.save.setEnabled(self.modified and bool(self.url.text().strip() and self.login.text().strip()
                                                    and self.password.text()))
        self.test.setEnabled(connected and not self.modified and self.job is None)
        self.sync_now.setEnabled(connected and not self.modified)

    def save_connection(self) -> bool:
        from core.sync import save_connection
        from desktop.sync_controller import ensure_controller

        try:
            save_connection(self.session.ctx, self.url.text().strip(), self.login.text().strip(),
                            self.password.text())
        except QaydError as exc:
            self._show("error", {"message": user_message(exc)[0]})
            self.error_box = present_error(self, exc)
            return False
        self.password.clear()
        self.saved = saved_connection(self.session.ctx)
        self._update_buttons()
        self._show("saved", {})
        try:
            ensure_controller(self.session)
        except QaydError as exc:
            self.error_box = present_error(self, exc)
        self.session.notify(SETTINGS)
        return True

    def test_connection(self) -> Job | None:
        if self.job is not None:
            return None
        ctx, settings = self.session.ctx, self.session.settings

        def work(progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
            return check_connection(ctx, settings)

        job = Job(work, "central-test")
        self.job = job
        self._show("testing", {})
        job.signals.succeeded.connect(lambda info: self._show("ok", info))
        job.signals.failed.connect(self._test_failed)
        job.signals.finished.connect(self._test_finished)
        self.session.pool.start(job)
        return job

    def _test_failed(self, exc: BaseException) -> None:
        self._show("error", {"message": user_message(exc)[0]})
        self.error_box = present_error(self, exc)

    def _test_finished(self) -> None:
        self.job = None
        self._update_buttons()

    def start_sync(self) -> None:
        from desktop.sync_controller import ensure_controller

        try:
            controller = ensure_controller(self.session)
        except QaydError as exc:
            self.error_box = present_error(self, exc)
            return
        if controller is not None:
            controller.sync_now()
            self._show("syncing", {})

    # --- texts ------------------------------------------------------------------------------------------------

    def _show(self, kind: str, info: dict[str, Any]) -> None:
        self._result = (kind, info)
        texts = {
            "saved": tr("CentralPanel", "Saved. This install now syncs with the central database."),
            "testing": tr("CentralPanel", "Connecting…"),
            "syncing": tr("CentralPanel", "Sync started."),
        }
        if kind == "ok":
            text = (tr("CentralPanel", "Connected as {user} over TLS (PostgreSQL {version}); this device is "
                                       "registered.") if info.get("tls") else
                    tr("CentralPanel", "Connected as {user} WITHOUT TLS (PostgreSQL {version}); this device is "
                                       "registered.")).format(user=info.get("user", ""),
                                                             version=info.get("version", ""))
        elif kind == "error":
            text = tr("CentralPanel", "Not connected: {message}").format(message=info.get("message", ""))
        else:
            text = texts.get(kind, "")
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {ERROR_COLOR};" if kind == "error" or (kind == "ok" and not info.get(
            "tls")) else "")

    def _show_series(self) -> None:
        self.series.setText(tr("CentralPanel", "This device's invoice number series: {series} (INV-YYYY-{series}-0001)")
                            .format(series=self._series) if self._series else
                            tr("CentralPanel", "This device draws invoice numbers from the company's main series."))

    def retranslate(self) -> None:
        self.setTitle(tr("CentralPanel", "Central database"))
        self._show_series()
        self.note.setText(tr("CentralPanel", "Connect this install to the company's central PostgreSQL database to "
                                             "share invoices, customers and products with the other installs. "
                                             "Work goes on offline and is sent when the database can be reached."))
        for label, text in zip(self.labels, (tr("CentralPanel", "Address"), tr("CentralPanel", "Your login"),
                                             tr("CentralPanel", "Password")), strict=True):
            label.setText(text)
        self.password.setPlaceholderText(tr("CentralPanel", "Kept encrypted in this install's secret store"))
        self.save.setText(tr("CentralPanel", "Save"))
        self.test.setText(tr("CentralPanel", "Test connection"))
        self.sync_now.setText(tr("CentralPanel", "Sync now"))
        if self._result is not None:
            self._show(*self._result)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
