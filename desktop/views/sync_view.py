"""The Sync view: the state of central sync (with Sync now), who is online and what they have open, the
notifications, and the open conflicts, resolved field by field.

A conflict keeps both versions of a row changed here and on another install (`core.sync.conflicts`). The view shows
the fields that differ, this install's value beside the other's, with a choice per field; Resolve writes the merged
row in a Job (`resolve`), and a sync sends it. Conflicts are read in a Job too; the network is the controller's.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import present_error
from desktop.i18n import format_int, tr
from desktop.jobs import Cancelled, Job, Progress
from desktop.notifications import fill_notices, person_name, state_text, state_tooltip
from desktop.session import CUSTOMERS, INVOICES, PRODUCTS, SETTINGS, AppSession
from desktop.views.base import View

if TYPE_CHECKING:  # core.sync loads the network stack: imported when first used, off the start-up path
    from core.sync import Conflict
    from desktop.sync_controller import SyncController

LOCAL, REMOTE = "local", "remote"
VALUE_CHARS = 80


def entity_name(entity: str) -> str:
    return {
        "customer": tr("Sync", "Customer"),
        "product": tr("Sync", "Product"),
        "invoice": tr("Sync", "Invoice"),
        "invoice_line": tr("Sync", "Invoice line"),
        "invoice_allowance_charge": tr("Sync", "Allowance or charge"),
        "issued_document": tr("Sync", "Issued document"),
        "zatca_submission": tr("Sync", "ZATCA submission"),
        "egs_unit": tr("Sync", "EGS unit"),
        "gdpr_request": tr("Sync", "Privacy request"),
        "device": tr("Sync", "Device"),
    }.get(entity, entity)


def field_label(name: str) -> str:
    """A column as people call it; the column's own name when it has no label."""
    return {
        "name": tr("Sync", "Name"),
        "name_ar": tr("Sync", "Name (Arabic)"),
        "phone": tr("Sync", "Phone"),
        "email": tr("Sync", "Email"),
        "vat_number": tr("Sync", "VAT number"),
        "address_json": tr("Sync", "Address"),
        "id_scheme": tr("Sync", "Identification type"),
        "id_value": tr("Sync", "Identification number"),
        "kind": tr("Sync", "Kind"),
        "sku": tr("Sync", "Item code"),
        "unit_price": tr("Sync", "Unit price"),
        "unit_code": tr("Sync", "Unit"),
        "vat_category": tr("Sync", "VAT category"),
        "vat_rate": tr("Sync", "VAT rate"),
        "number": tr("Sync", "Number"),
        "status": tr("Sync", "Status"),
        "note": tr("Sync", "Note"),
        "issue_datetime": tr("Sync", "Issued on"),
        "customer_id": tr("Sync", "Customer"),
        "payment_means": tr("Sync", "Payment means"),
        "deleted_at": tr("Sync", "Deleted on"),
        "notes": tr("Sync", "Notes"),
    }.get(name, name)


def value_text(value: Any) -> str:
    if value is None or value == "":
        return tr("Sync", "(empty)")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def viewing_text(viewing: str) -> str:
    kind = viewing.partition(":")[0]
    return {"invoice": tr("Sync", "has an invoice open"), "": ""}.get(kind, viewing)


class SyncView(View):
    key = "sync"
    topics = (CUSTOMERS, PRODUCTS, INVOICES, SETTINGS)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.controller: SyncController | None = None
        self.conflicts: list[Conflict] = []
        self.current: Conflict | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.job: Job | None = None
        self.error_box: QWidget | None = None
        self._loads = 0  # conflict reads started: an older one finishing late is not shown

        self.state_box = QGroupBox()
        state_layout = QHBoxLayout(self.state_box)
        state_column = QVBoxLayout()
        self.state_label = QLabel(objectName="syncViewState")
        self.state_label.setWordWrap(True)
        self.detail_label = QLabel(objectName="syncViewDetail")
        self.detail_label.setWordWrap(True)
        state_column.addWidget(self.state_label)
        state_column.addWidget(self.detail_label)
        self.sync_button = QPushButton(objectName="syncNow")
        self.sync_button.clicked.connect(self.sync_now)
        state_layout.addLayout(state_column, 1)
        state_layout.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)

        self.presence_box = QGroupBox()
        presence_layout = QVBoxLayout(self.presence_box)
        self.presence_list = QListWidget(objectName="presenceList")
        self.no_presence = QLabel(objectName="noPresence")
        self.no_presence.setWordWrap(True)
        presence_layout.addWidget(self.presence_list)
        presence_layout.addWidget(self.no_presence)

        self.notices_box = QGroupBox()
        notices_layout = QVBoxLayout(self.notices_box)
        self.notice_list = QListWidget(objectName="syncNotices")
        self.notice_list.setWordWrap(True)
        self.mark_read_button = QPushButton(objectName="markNoticesRead")
        self.mark_read_button.clicked.connect(self.mark_read)
        notices_layout.addWidget(self.notice_list)
        notices_layout.addWidget(self.mark_read_button, 0, Qt.AlignmentFlag.AlignRight)

        middle = QHBoxLayout()
        middle.addWidget(self.presence_box, 1)
        middle.addWidget(self.notices_box, 2)

        self.conflicts_box = QGroupBox()
        conflicts_layout = QVBoxLayout(self.conflicts_box)
        self.no_conflicts = QLabel(objectName="noConflicts")
        self.no_conflicts.setWordWrap(True)
        self.conflict_list = QListWidget(objectName="conflictList")
        self.conflict_list.currentRowChanged.connect(self._conflict_chosen)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.conflict_detail = QLabel(objectName="conflictDetail")
        self.conflict_detail.setWordWrap(True)
        self.fields = QTableWidget(0, 3, objectName="conflictFields")
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.fields.verticalHeader().hide()
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QHBoxLayout()
        self.all_local = QPushButton(objectName="keepAllLocal")
        self.all_local.clicked.connect(lambda: self.choose_all(LOCAL))
        self.all_remote = QPushButton(objectName="keepAllRemote")
        self.all_remote.clicked.connect(lambda: self.choose_all(REMOTE))
        self.resolve_button = QPushButton(objectName="resolveConflict")
        self.resolve_button.clicked.connect(self.resolve_current)
        buttons.addWidget(self.all_local)
        buttons.addWidget(self.all_remote)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        detail_layout.addWidget(self.conflict_detail)
        detail_layout.addWidget(self.fields, 1)
        detail_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.conflict_list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.conflict_panel = splitter
        conflicts_layout.addWidget(self.no_conflicts)
        conflicts_layout.addWidget(splitter, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_box)
        layout.addLayout(middle, 1)
        layout.addWidget(self.conflicts_box, 2)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Sync")

    # --- the controller ---------------------------------------------------------------------------------------

    def bind(self) -> None:
        controller = self.session.sync
        if controller is self.controller:
            return
        self.controller = controller
        if controller is not None:
            controller.state_changed.connect(self._render_state)
            controller.presence_changed.connect(self._render_presence)
            controller.notices_changed.connect(self._render_notices)
            controller.synced.connect(self._after_sync)

    def showEvent(self, event: QShowEvent) -> None:
        if self.session.sync is not self.controller:  # connected since this view was built
            self.bind()
            self._render_state()
            self._render_presence()
            self._render_notices()
        super().showEvent(event)

    def refresh(self) -> None:
        self.bind()
        self.load_conflicts()
        self._render_state()
        self._render_presence()
        self._render_notices()

    def _after_sync(self, result: Any) -> None:
        if result.conflicts or result.push_conflicts or result.refused or self.conflicts:
            self.load_conflicts()

    def sync_now(self) -> None:
        if self.controller is not None:
            self.controller.sync_now()

    def mark_read(self) -> None:
        if self.controller is not None:
            self.controller.mark_read()

    def _render_state(self, *_args: object) -> None:
        controller = self.controller
        state = controller.state if controller is not None else None
        self.state_label.setText(state_text(state, self.session.language))
        self.state_label.setToolTip(state_tooltip(state))
        self.sync_button.setEnabled(controller is not None)
        if controller is None or state is None:
            self.detail_label.setText(tr("Sync", "This install is not connected to a central database. Connect it "
                                                 "in Settings, under Central database."))
        else:
            lines = [tr("Sync", "Syncs every 30 seconds, shortly after each change here, and at once when "
                                "another install changes something.")]
            if state.online is False and state.last_error:
                lines.append(tr("Sync", "Last attempt failed: {error}").format(error=state.last_error))
            self.detail_label.setText("\n".join(lines))

    def _render_presence(self, *_args: object) -> None:
        self.presence_list.clear()
        people = self.controller.others() if self.controller is not None else []
        for person in people:
            doing = viewing_text(person.viewing)
            self.presence_list.addItem(f"{person_name(person)} — {doing}" if doing else person_name(person))
        self.presence_list.setVisible(bool(people))
        self.no_presence.setVisible(not people)
        self.no_presence.setText(tr("Sync", "No one else is online.") if self.controller is not None
                                 else tr("Sync", "Not connected"))

    def _render_notices(self, *_args: object) -> None:
        controller = self.controller
        self.notices_box.setTitle(tr("Sync", "Notifications"))
        if controller is None:
            self.notice_list.clear()
            self.mark_read_button.setEnabled(False)
            return
        fill_notices(self.notice_list, controller.notices, self.session.language, last_read=controller.last_read,
                     own_device=controller.device)
        self.mark_read_button.setEnabled(controller.unread > 0)
        self.notices_box.setTitle(tr("Sync", "Notifications ({n} unread)").format(n=format_int(controller.unread))
                                  if controller.unread else tr("Sync", "Notifications"))

    # --- conflicts --------------------------------------------------------------------------------------------

    def load_conflicts(self) -> Job:
        """Re-read the open conflicts in a Job (each holds both versions of its row); the list follows. Only the
        newest read is shown when several overlap."""
        ctx = self.session.ctx
        self._loads += 1
        token = self._loads

        def work(progress: Progress, cancelled: Cancelled) -> list[Conflict]:
            from core.sync import list_conflicts

            with ctx.uow(write=False) as uow:
                return list_conflicts(uow)

        job = Job(work, "list-conflicts")
        job.signals.succeeded.connect(lambda found: self._show_conflicts(found) if token == self._loads else None)
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        self.session.pool.start(job)
        return job

    def _show_conflicts(self, conflicts: list[Conflict]) -> None:
        keep = self.current.id if self.current is not None else None
        self.conflicts = conflicts
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(self._conflict_title(conflict))
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        rows = [i for i, c in enumerate(self.conflicts) if c.id == keep]
        self.conflict_list.setCurrentRow(rows[0] if rows else (0 if self.conflicts else -1))
        self._conflict_chosen(self.conflict_list.currentRow())
        self.no_conflicts.setVisible(not self.conflicts)
        self.conflict_panel.setVisible(bool(self.conflicts))
        self.conflicts_box.setTitle(tr("Sync", "Conflicts ({n})").format(n=format_int(len(self.conflicts)))
                                    if self.conflicts else tr("Sync", "Conflicts"))

    def _conflict_title(self, conflict: Conflict) -> str:
        name = (conflict.local or conflict.remote or {}).get("name") or (conflict.local or conflict.remote or {}).get(
            "number") or conflict.row_id[:8]
        return f"{entity_name(conflict.entity)}: {name}"

    def _conflict_chosen(self, row: int) -> None:
        self.current = self.conflicts[row] if 0 <= row < len(self.conflicts) else None
        self._fill_fields()

    def _fill_fields(self) -> None:
        conflict = self.current
        self.groups.clear()
        self.fields.setRowCount(0)
        for button in (self.all_local, self.all_remote, self.resolve_button):
            button.setEnabled(conflict is not None)
        if conflict is None:
            self.conflict_detail.clear()
            return
        if conflict.kind == "refused":
            self.conflict_detail.setText(tr("Sync", "This install could not take the other install's version "
                                                    "({detail}). Choose what to keep for each field.").format(
                detail=conflict.detail))
        else:
            self.conflict_detail.setText(tr("Sync", "{what}: changed here and on another install. Choose, "
                                                    "field by field, which value to keep.").format(
                what=entity_name(conflict.entity)))
        diffs = conflict.differences
        self.fields.setRowCount(len(diffs))
        for row, diff in enumerate(diffs):
            label = QTableWidgetItem(field_label(diff.name))
            label.setData(Qt.ItemDataRole.UserRole, diff.name)
            label.setToolTip(diff.name)
            self.fields.setItem(row, 0, label)
            group = QButtonGroup(self.fields)
            for column, side, value in ((1, LOCAL, diff.local), (2, REMOTE, diff.remote)):
                text = value_text(value)
                button = QRadioButton(text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…")
                button.setObjectName(f"{diff.name}_{side}")
                button.setToolTip(text)
                button.setChecked(side == LOCAL)
                group.addButton(button)
                button.setProperty("side", side)
                self.fields.setCellWidget(row, column, button)
            self.groups[diff.name] = group
        self.fields.resizeRowsToContents()

    def choose(self, name: str, side: str) -> None:
        for button in self.groups[name].buttons():
            if button.property("side") == side:
                button.setChecked(True)

    def choose_all(self, side: str) -> None:
        for name in self.groups:
            self.choose(name, side)

    def choices(self) -> dict[str, str]:
        chosen = {}
        for name, group in self.groups.items():
            button = group.checkedButton()
            chosen[name] = str(button.property("side")) if button is not None else LOCAL
        return chosen

    def resolve_current(self) -> Job | None:
        conflict = self.current
        if conflict is None or self.job is not None:
            return None
        ctx, ident, choices = self.session.ctx, conflict.id, self.choices()

        def work(progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
            from core.sync import resolve_conflict as resolve

            return resolve(ctx, ident, choices, take=LOCAL)

        job = Job(work, "resolve-conflict")
        self.job = job
        self.resolve_button.setEnabled(False)
        job.signals.succeeded.connect(lambda _row: self._resolved(conflict))
        job.signals.failed.connect(self._resolve_failed)
        job.signals.finished.connect(self._resolve_finished)
        self.session.pool.start(job)
        return job

    def _resolved(self, conflict: Conflict) -> None:
        from desktop.sync_controller import TOPICS  # loaded already: core.sync.conflicts loads the network stack

        self.current = None
        self.load_conflicts()
        for topic in TOPICS.get(conflict.entity, ()):
            self.session.notify(topic)
        if self.controller is not None:
            self.controller.refresh_local()
            self.controller.request_sync(force=True)

    def _resolve_failed(self, exc: BaseException) -> None:
        self.error_box = present_error(self, exc)

    def _resolve_finished(self) -> None:
        self.job = None
        self.resolve_button.setEnabled(self.current is not None)

    # --- language ---------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.state_box.setTitle(tr("Sync", "Central database"))
        self.sync_button.setText(tr("Sync", "Sync now"))
        self.presence_box.setTitle(tr("Sync", "Online now"))
        self.mark_read_button.setText(tr("Sync", "Mark all as read"))
        self.no_conflicts.setText(tr("Sync", "No conflicts: every change here and on other installs fits "
                                             "together."))
        self.fields.setHorizontalHeaderLabels([tr("Sync", "Field"), tr("Sync", "Keep this install's value"),
                                               tr("Sync", "Keep the other install's value")])
        self.all_local.setText(tr("Sync", "Keep all from this install"))
        self.all_remote.setText(tr("Sync", "Keep all from the other install"))
        self.resolve_button.setText(tr("Sync", "Resolve"))
        if self.conflicts:
            for row, conflict in enumerate(self.conflicts):
                item = self.conflict_list.item(row)
                if item is not None:
                    item.setText(self._conflict_title(conflict))
            chosen = self.choices()
            self._fill_fields()
            for name, side in chosen.items():
                if name in self.groups:
                    self.choose(name, side)
        self.conflicts_box.setTitle(tr("Sync", "Conflicts ({n})").format(n=format_int(len(self.conflicts)))
                                    if self.conflicts else tr("Sync", "Conflicts"))
        self._render_state()
        self._render_presence()
        self._render_notices()
