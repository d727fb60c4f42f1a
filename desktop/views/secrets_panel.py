"""The secrets section of Settings: names, key versions and dates (never values), set, delete, rotate.

Every rule (names, roles, what Qayd manages itself, rotation in one transaction) is `core.secrets.manager`'s;
this widget only shows and asks. A value is typed in a password field and cleared as soon as it is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import QaydError
from core.secrets import KeyVersionInfo, RotationResult, SecretEvent, SecretRow, manager
from core.uow import Context
from desktop.errors import present_error
from desktop.i18n import format_date, format_int, tr
from desktop.jobs import Job
from desktop.session import AUDIT, AppSession


def action_name(action: str) -> str:
    return {
        "secret.set": tr("Secrets", "Set"),
        "secret.used": tr("Secrets", "Used"),
        "secret.deleted": tr("Secrets", "Deleted"),
        "secret.rotated": tr("Secrets", "Re-sealed with a new key"),
        "secret.key_rotated": tr("Secrets", "Key rotated"),
    }.get(action, action)


def managed_name(row: SecretRow) -> str:
    if row.name.startswith("device/"):
        return tr("Secrets", "Yes: the device's audit signing key")
    if row.name.startswith("egs/"):
        return tr("Secrets", "Yes: a ZATCA EGS unit's key or credentials")
    return ""


def rotate_job(ctx: Context) -> Callable[[Callable[[float, str], None], Callable[[], bool]], RotationResult]:
    def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> RotationResult:
        return manager.rotate(ctx, progress=progress, cancelled=cancelled)  # a cancel raises: desktop.jobs shows it

    return work


class SecretsPanel(QGroupBox):
    """Embedded in SettingsView; `refresh()` reloads, `retranslate()` re-sets every text."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("secretsPanel")
        self.session = session
        self.rows: list[SecretRow] = []
        self.versions: list[KeyVersionInfo] = []
        self.current = 1
        self.events: list[SecretEvent] = []
        self.job: Job | None = None
        self.error_box: QMessageBox | None = None
        self.outcome = ""  # "", "rotated", "cancelled", "failed"
        self.last_rotation: RotationResult | None = None
        self.saved_name = ""
        self.deleted_name = ""
        # Asks "really delete?"; tests replace it. Returns True to go ahead.
        self.confirm: Callable[[str], bool] = self._ask_delete

        column = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("secretsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(140)
        self.table.itemSelectionChanged.connect(self._selected)
        self.keys = QLabel()
        self.keys.setObjectName("secretKeys")
        self.keys.setWordWrap(True)

        form = QHBoxLayout()
        self.name_label, self.value_label = QLabel(), QLabel()
        self.name = QLineEdit()
        self.name.setObjectName("secretName")
        self.name.textChanged.connect(self._update_buttons)
        self.value = QLineEdit()
        self.value.setObjectName("secretValue")
        self.value.setEchoMode(QLineEdit.EchoMode.Password)
        self.value.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)  # no IME history of the value
        self.value.textChanged.connect(self._update_buttons)
        self.value.returnPressed.connect(self.save)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveSecret")
        self.save_button.clicked.connect(self.save)
        for widget in (self.name_label, self.name, self.value_label, self.value, self.save_button):
            form.addWidget(widget)
        form.setStretch(1, 1)
        form.setStretch(3, 1)

        actions = QHBoxLayout()
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteSecret")
        self.delete_button.clicked.connect(self.delete_selected)
        self.rotate_button = QPushButton()
        self.rotate_button.setObjectName("rotateSecrets")
        self.rotate_button.clicked.connect(self.rotate)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelRotation")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setObjectName("secretsStatus")
        self.status.setWordWrap(True)
        for widget in (self.delete_button, self.rotate_button, self.cancel_button):
            actions.addWidget(widget)
        actions.addWidget(self.progress, 1)
        self.admin_note = QLabel()
        self.admin_note.setObjectName("secretsAdminNote")
        self.admin_note.setWordWrap(True)

        self.history_label = QLabel()
        self.history = QTableWidget(0, 4)
        self.history.setObjectName("secretHistory")
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setMinimumHeight(100)

        for part in (self.intro, self.table, self.keys):
            column.addWidget(part)
        column.addLayout(form)
        column.addLayout(actions)
        for part in (self.status, self.admin_note, self.history_label, self.history):
            column.addWidget(part)
        self.retranslate()

    # --- data -----------------------------------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return self.session.ctx.actor_role == manager.ADMIN

    def refresh(self) -> None:
        selected = self.selected_name()
        with self.session.uow(write=False) as uow:
            self.rows = manager.list_secrets(uow)
            self.versions = manager.key_versions(uow)
            self.current = manager.current_version(uow)
        self._fill()
        kept = selected if any(r.name == selected for r in self.rows) else ""
        if kept:
            self.select(kept)
        self._load_history(kept)  # also when the selection did not change (a rotation adds to its history)
        self._update_buttons()

    def selected_name(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()].name if rows and rows[0].row() < len(self.rows) else ""

    def selected_row(self) -> SecretRow | None:
        name = self.selected_name()
        return next((r for r in self.rows if r.name == name), None)

    def select(self, name: str) -> None:
        for index, row in enumerate(self.rows):
            if row.name == name:
                # Through the selection model: QTableView.selectRow works from on-screen rectangles, which miss
                # when a right-to-left table is not laid out yet.
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                self.table.selectionModel().setCurrentIndex(self.table.model().index(index, 0), flags)
                return

    def _selected(self) -> None:
        row = self.selected_row()
        if row is not None and not row.managed:
            self.name.setText(row.name)  # ready to replace its value
        self._load_history(row.name if row else "")
        self._update_buttons()

    def _load_history(self, name: str) -> None:
        self.events = []
        if name:
            with self.session.uow(write=False) as uow:
                self.events = manager.secret_log(uow, name, limit=50)
        self._fill_history()

    # --- actions ----------------------------------------------------------------------------------------------

    def save(self) -> None:
        name, value = self.name.text().strip(), self.value.text().encode("utf-8")
        if not self.save_button.isEnabled():
            return
        try:
            with self.session.uow() as uow:
                manager.set_secret(uow, name, value)
                uow.commit()
        except QaydError as exc:
            self.error_box = present_error(self, exc)
            return
        self.value.clear()  # the value does not stay in the widget
        self.saved_name, self.deleted_name, self.outcome = name, "", ""
        self.refresh()
        self.select(name)
        self._show_status()
        self.session.notify(AUDIT)

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.managed or not self.is_admin or not self.confirm(row.name):
            return
        try:
            with self.session.uow() as uow:
                manager.delete_secret(uow, row.name)
                uow.commit()
        except QaydError as exc:
            self.error_box = present_error(self, exc)
            return
        self.deleted_name, self.saved_name, self.outcome = row.name, "", ""
        self.name.clear()
        self.refresh()
        self._show_status()
        self.session.notify(AUDIT)

    def _ask_delete(self, name: str) -> bool:
        answer = QMessageBox.question(
            self, tr("Secrets", "Delete secret"),
            tr("Secrets", "Delete the secret {name}? This cannot be undone.").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def rotate(self) -> None:
        if self.job is not None or not self.is_admin:
            return
        job = Job(rotate_job(self.session.ctx), "rotate secret keys")
        self.job, self.outcome, self.saved_name, self.deleted_name = job, "", "", ""
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.succeeded.connect(self._rotated)
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._rotation_failed)
        job.signals.finished.connect(self._finished)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Secrets", "Rotating the key…"))
        self._update_buttons()
        self.session.pool.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _rotated(self, result: RotationResult) -> None:
        self.last_rotation = result
        self._set_outcome("rotated")
        self.session.notify(AUDIT)

    def _rotation_failed(self, exc: BaseException) -> None:
        self._set_outcome("failed")
        self.error_box = present_error(self, exc)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self._show_status()

    def _finished(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.refresh()
        self._show_status()

    # --- display ----------------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        admin, idle = self.is_admin, self.job is None
        name = self.name.text().strip()
        name_ok = bool(name) and not manager.name_findings(name) and not manager.managed_by(name)
        self.save_button.setEnabled(admin and idle and name_ok and bool(self.value.text()))
        row = self.selected_row()
        self.delete_button.setEnabled(admin and idle and row is not None and not row.managed)
        self.rotate_button.setEnabled(admin and idle)
        for widget in (self.name, self.value):
            widget.setEnabled(admin)
        self.admin_note.setVisible(not admin)

    def _fill(self) -> None:
        lang = self.session.language
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            cells = (row.name, format_int(row.key_version), format_date(row.updated_at, lang), managed_name(row))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.name)
                self.table.setItem(index, col, item)
        self.table.blockSignals(False)
        destroyed = [format_int(v.version) for v in self.versions if not v.active]
        text = tr("Secrets", "Current key version: {version}.").format(version=format_int(self.current))
        if destroyed:
            text += " " + tr("Secrets", "Destroyed versions: {versions}.").format(versions=", ".join(destroyed))
        if self.current == 1:
            text += " " + tr("Secrets", "Version 1 is the master key itself; the first rotation moves every "
                                        "secret to a key of its own.")
        self.keys.setText(text)

    def _fill_history(self) -> None:
        self.history.setRowCount(len(self.events))
        for index, event in enumerate(self.events):
            details = self._details(event)
            for col, text in enumerate((event.at[:19].replace("T", " "), action_name(event.action), event.actor,
                                        details)):
                self.history.setItem(index, col, QTableWidgetItem(text))
        self.history.setVisible(bool(self.events))
        self.history_label.setVisible(bool(self.events))

    @staticmethod
    def _details(event: SecretEvent) -> str:
        data: dict[str, Any] = event.data
        if event.action == "secret.rotated":
            return tr("Secrets", "key version {old} → {new}").format(old=format_int(int(data.get("from_version", 0))),
                                                                       new=format_int(int(data.get("key_version", 0))))
        if "key_version" in data:
            return tr("Secrets", "key version {version}").format(version=format_int(int(data["key_version"])))
        return ""

    def _show_status(self) -> None:
        if self.outcome == "rotated" and self.last_rotation is not None:
            result = self.last_rotation
            old = ", ".join(format_int(v) for v in result.old_versions) or "—"
            self.status.setText(tr("Secrets", "Re-sealed {count} secrets with key version {version} and read each "
                                              "back; destroyed key versions: {old}.").format(
                count=format_int(result.secrets), version=format_int(result.new_version), old=old))
        elif self.outcome == "cancelled":
            self.status.setText(tr("Secrets", "Rotation cancelled; nothing was changed."))
        elif self.outcome == "failed":
            self.status.setText(tr("Secrets", "Rotation failed; nothing was changed."))
        elif self.saved_name:
            self.status.setText(tr("Secrets", "Secret {name} saved.").format(name=self.saved_name))
        elif self.deleted_name:
            self.status.setText(tr("Secrets", "Secret {name} deleted.").format(name=self.deleted_name))
        elif self.job is None:
            self.status.clear()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setTitle(tr("Secrets", "Secrets"))
        self.intro.setText(tr("Secrets", "API keys and passwords are kept sealed in the company's database with a "
                                         "key held by the operating system's keyring. Values are never shown; every "
                                         "use and change is recorded in the audit log without the value."))
        self.table.setHorizontalHeaderLabels([tr("Secrets", "Name"), tr("Secrets", "Key version"),
                                              tr("Secrets", "Updated"), tr("Secrets", "Managed by Qayd")])
        self.name_label.setText(tr("Secrets", "Name"))
        self.name.setPlaceholderText(tr("Secrets", "e.g. stripe/api-key"))
        self.value_label.setText(tr("Secrets", "Value"))
        self.value.setPlaceholderText(tr("Secrets", "typed here, never shown"))
        self.save_button.setText(tr("Secrets", "Save secret"))
        self.delete_button.setText(tr("Secrets", "Delete…"))
        self.rotate_button.setText(tr("Secrets", "Rotate key"))
        self.rotate_button.setToolTip(tr("Secrets", "Seal every secret with a new key in one step, read each back, "
                                                    "then destroy the old key."))
        self.cancel_button.setText(tr("Secrets", "Cancel"))
        self.admin_note.setText(tr("Secrets", "Only an administrator can change secrets."))
        self.history_label.setText(tr("Secrets", "Uses and changes of the selected secret"))
        self.history.setHorizontalHeaderLabels([tr("Secrets", "When"), tr("Secrets", "What"),
                                                tr("Secrets", "Who"), tr("Secrets", "Details")])
        if self.rows or self.versions:
            self._fill()
            self._fill_history()
        self._show_status()
