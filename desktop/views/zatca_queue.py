"""The ZATCA queue: EGS units and certificate warnings, open submissions with a live countdown, retry, correction.

Reads come from `core.zatca.queue` and `core.zatca.egs`; sending is `core.zatca.submission.submit_pending`
in a Job; a rejected document is corrected with `core.zatca.correction.prepare_correction`, whose corrected
draft opens in the invoice editor. The countdown is one QTimer repainting one column once a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.zatca import (
    CertificateAlert,
    FatooraClient,
    QueueItem,
    SubmitSummary,
    certificate_alerts,
    count_due,
    list_queue,
    prepare_correction,
    retry_now,
    submit_pending,
)
from core.zatca import egs as units
from desktop.badges import BADGE_ROLE, BadgeDelegate
from desktop.errors import present_error
from desktop.i18n import format_date, format_int, tr
from desktop.jobs import Job
from desktop.session import INVOICES, ZATCA, AppSession
from desktop.style import submission_badge
from desktop.views.base import View
from desktop.views.onboarding import OnboardingWizard, environment_label, fatoora_client
from desktop.zatca_texts import countdown, kind_label, state_label, unit_status_label

OVERDUE = QColor("#c62828")
ModelIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class QueueModel(QAbstractTableModel):
    """Open and rejected submissions; `tick()` repaints only the countdown column."""

    COLUMNS = ("number", "kind", "state", "attempts", "deadline", "left", "error")
    LEFT = COLUMNS.index("left")

    def __init__(self, now: Callable[[], datetime], language: Callable[[], str]) -> None:
        super().__init__()
        self.items: list[QueueItem] = []
        self._now, self._language = now, language
        self._at = now()

    def set_items(self, items: list[QueueItem]) -> None:
        self.beginResetModel()
        self.items = items
        self._at = self._now()
        self.endResetModel()

    def tick(self) -> None:
        self._at = self._now()
        if self.items:
            self.dataChanged.emit(self.index(0, self.LEFT), self.index(len(self.items) - 1, self.LEFT),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole])

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def overdue(self, row: int) -> bool:
        item = self.items[row]
        left = item.time_left(self._at)
        return left is not None and left <= timedelta(0) and item.state in ("pending", "sending")

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self.items[index.row()], self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            if (column == "left" and self.overdue(index.row())) or (column == "state" and item.state == "rejected"):
                return QBrush(OVERDUE)
            return None
        if role == Qt.ItemDataRole.UserRole:
            return item
        if role == BADGE_ROLE:  # the state as a coloured badge (desktop.badges)
            return submission_badge(item.state, item.kind) if column == "state" else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == "number":
            return item.number
        if column == "kind":
            return kind_label(item.kind)
        if column == "state":
            return state_label(item.state)
        if column == "attempts":
            return format_int(item.attempts)
        if column == "deadline":
            if item.deadline is None:
                return tr("ZatcaQueue", "before sharing")
            return format_date(saudi_time(item.deadline), self._language())
        if column == "left":
            left = item.time_left(self._at)
            if item.state == "rejected":
                return tr("ZatcaQueue", "needs correction")
            return "—" if left is None else countdown(left)
        return item.last_error[:80]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("ZatcaQueue", "Document"), tr("ZatcaQueue", "Submission"), tr("ZatcaQueue", "State"),
                tr("ZatcaQueue", "Attempts"), tr("ZatcaQueue", "Deadline"), tr("ZatcaQueue", "Time left"),
                tr("ZatcaQueue", "Last error"))[section]


class ZatcaQueueView(View):
    key = "zatca_queue"
    topics = (ZATCA, INVOICES)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.client_factory: Callable[[str], FatooraClient] = lambda env: fatoora_client(session.settings, env)
        self.job: Job | None = None
        self.summary: SubmitSummary | None = None
        self.wizard: OnboardingWizard | None = None
        self.editor: Any = None
        self.alert_lines: list[str] = []
        self.alert_data: list[CertificateAlert] = []
        self.units: list[units.EgsInfo] = []

        self.alerts = QLabel()
        self.alerts.setObjectName("certificateAlerts")
        self.alerts.setWordWrap(True)
        self.alerts.setStyleSheet(f"color: {OVERDUE.name()}; font-weight: bold;")
        self.units_box = QGroupBox()
        self.units_table = QTableWidget(0, 5)
        self.units_table.setObjectName("egsTable")
        self.units_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.units_table.setMaximumHeight(140)
        self.onboard_button = QPushButton()
        self.onboard_button.setObjectName("onboardButton")
        self.onboard_button.clicked.connect(self.open_onboarding)
        units_layout = QVBoxLayout(self.units_box)
        units_layout.addWidget(self.units_table)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.onboard_button)
        units_layout.addLayout(row)

        self.queue_box = QGroupBox()
        self.model = QueueModel(session.clock, lambda: session.language)
        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(BadgeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_details())
        self.counts = QLabel()
        self.counts.setObjectName("queueCounts")
        self.retry_button, self.cancel_button = QPushButton(), QPushButton()
        self.retry_button.setObjectName("retryButton")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)
        self.retry_button.clicked.connect(self.retry_now)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("submitProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.result = QLabel()
        self.result.setObjectName("submitResult")
        self.result.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.counts, 1)
        actions.addWidget(self.progress)
        actions.addWidget(self.retry_button)
        actions.addWidget(self.cancel_button)
        queue_layout = QVBoxLayout(self.queue_box)
        queue_layout.addLayout(actions)
        queue_layout.addWidget(self.result)
        queue_layout.addWidget(self.table, 1)

        self.details_box = QGroupBox()
        self.details = QLabel()
        self.details.setObjectName("itemDetails")
        self.details.setWordWrap(True)
        self.findings = QTableWidget(0, 3)
        self.findings.setObjectName("findingsTable")
        self.findings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings.horizontalHeader().setStretchLastSection(True)
        self.findings.setMaximumHeight(160)
        self.correct_button = QPushButton()
        self.correct_button.setObjectName("correctButton")
        self.correct_button.setEnabled(False)
        self.correct_button.clicked.connect(self.correct)
        details_layout = QVBoxLayout(self.details_box)
        top = QHBoxLayout()
        top.addWidget(self.details, 1)
        top.addWidget(self.correct_button)
        details_layout.addLayout(top)
        details_layout.addWidget(self.findings)

        layout = QVBoxLayout(self)
        layout.addWidget(self.alerts)
        layout.addWidget(self.units_box)
        layout.addWidget(self.queue_box, 1)
        layout.addWidget(self.details_box)

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.model.tick)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "ZATCA queue")

    # -- data ---------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.session.uow(write=False) as uow:
            now = uow.now()
            self.units = units.list_egs(uow)
            alerts = certificate_alerts(uow, now)
            items = list_queue(uow)
        selected = self.selected()
        self.model.set_items(items)
        self.alert_data = alerts
        self._alerts()
        self._fill_units()
        if selected is not None:
            for row, item in enumerate(items):
                if item.id == selected.id:
                    self.table.selectRow(row)
        self.show_details()
        self._show_counts()

    def _alerts(self) -> None:
        lang = self.session.language
        lines = []
        for a in self.alert_data:
            day = format_date(saudi_time(a.expires_at).date(), lang, hijri=True)
            if a.expired:
                lines.append(tr("ZatcaQueue", "The certificate (CSID) of EGS unit {name} expired on {date}. It "
                                              "cannot issue until it is renewed.").format(name=a.name, date=day))
            else:
                lines.append(tr("ZatcaQueue", "The certificate (CSID) of EGS unit {name} expires in {days} day(s), "
                                              "on {date}. Renew it in time.").format(name=a.name, days=a.days_left,
                                                                                    date=day))
        self.alert_lines = lines
        self.alerts.setText("\n".join(lines))
        self.alerts.setVisible(bool(lines))

    def _fill_units(self) -> None:
        table, lang = self.units_table, self.session.language
        table.setRowCount(len(self.units))
        for row, u in enumerate(self.units):
            expires = format_date(saudi_time(u.certificate_expires_at).date(), lang) if u.certificate_expires_at \
                else "—"
            for col, text in enumerate((u.name, environment_label(u.environment), unit_status_label(u.status),
                                        format_int(u.icv), expires)):
                table.setItem(row, col, QTableWidgetItem(text))

    def _show_counts(self) -> None:
        items = self.model.items
        open_items = sum(1 for i in items if i.state in ("pending", "sending"))
        rejected = sum(1 for i in items if i.state == "rejected")
        overdue = sum(1 for row in range(len(items)) if self.model.overdue(row))
        text = tr("ZatcaQueue", "{open} to send, {rejected} rejected").format(open=format_int(open_items),
                                                                              rejected=format_int(rejected))
        if overdue:
            text += " · " + tr("ZatcaQueue", "{n} past the 24-hour deadline").format(n=format_int(overdue))
        self.counts.setText(text)

    def selected(self) -> QueueItem | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.items):
            return None
        return self.model.items[index.row()]

    def show_details(self) -> None:
        item = self.selected()
        self.correct_button.setEnabled(item is not None and item.state == "rejected")
        self.findings.setRowCount(0)
        if item is None:
            self.details.setText(tr("ZatcaQueue", "Select a document to see what the portal answered."))
            return
        lines = [tr("ZatcaQueue", "{number}: {kind}, {state}, {n} attempt(s).").format(
            number=item.number, kind=kind_label(item.kind), state=state_label(item.state), n=item.attempts)]
        if item.state == "rejected":
            lines.append(tr("ZatcaQueue", "ZATCA rejected it. Issue a credit note that cancels it and a corrected "
                                          "invoice: “Correct…” prepares both drafts."))
        elif item.last_error:
            lines.append(tr("ZatcaQueue", "Last error: {error}").format(error=item.last_error))
        self.details.setText("\n".join(lines))
        messages = list(item.messages) or ([{"level": "error", "code": "", "message": item.last_error}]
                                           if item.state == "rejected" and item.last_error else [])
        self.findings.setRowCount(len(messages))
        for row, m in enumerate(messages):
            level = {"error": tr("ZatcaQueue", "Error"), "warning": tr("ZatcaQueue", "Warning")}.get(
                m.get("level", ""), m.get("level", ""))
            for col, text in enumerate((level, m.get("code", ""), m.get("message", ""))):
                cell = QTableWidgetItem(text)
                if m.get("level") == "error":
                    cell.setForeground(QBrush(OVERDUE))
                self.findings.setItem(row, col, cell)

    # -- actions ------------------------------------------------------------------------------------------------

    def retry_now(self) -> None:
        """Make every pending item due now and send what is due, in a Job with progress and Cancel."""
        if self.job is not None:
            return
        try:
            with self.session.uow() as uow:
                retry_now(uow)
                uow.commit()
            with self.session.uow(write=False) as uow:
                total = max(1, count_due(uow, uow.now()))
        except Exception as exc:
            present_error(self, exc)
            return
        ctx, factory = self.session.ctx, self.client_factory

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> SubmitSummary:
            clients: dict[str, FatooraClient] = {}
            sent = [0]

            def client_for(environment: str) -> FatooraClient:
                if environment not in clients:
                    clients[environment] = factory(environment)
                return clients[environment]

            def step(_fraction: float, message: str) -> None:
                sent[0] += 1
                progress(min(1.0, (sent[0] - 1) / total), message)

            try:
                return submit_pending(ctx, client_for, progress=step, cancelled=cancelled)
            finally:
                for client in clients.values():
                    client.close()

        job = Job(work, "submit")
        self.job, self.summary = job, None
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.succeeded.connect(self._submitted)
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        job.signals.finished.connect(self._job_finished)
        self.retry_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.result.setText(tr("ZatcaQueue", "Sending to ZATCA…"))
        self.session.pool.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _submitted(self, summary: SubmitSummary) -> None:
        self.summary = summary
        self._show_summary()

    def _show_summary(self) -> None:
        summary = self.summary
        if summary is None:
            self.result.setText("")
            return
        text = tr("ZatcaQueue", "Sent: {done} accepted, {rejected} rejected, {postponed} postponed.").format(
            done=len(summary.done), rejected=len(summary.rejected), postponed=len(summary.postponed))
        if summary.stopped:
            text += "\n" + tr("ZatcaQueue", "Stopped early: {reason} The rest stays queued and is retried "
                                            "later.").format(reason=summary.stopped)
        self.result.setText(text)

    def _job_finished(self) -> None:
        cancelled = self.job is not None and self.job.is_cancelled()
        self.job = None
        self.retry_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        if cancelled:
            self.result.setText(self.result.text() + "\n" + tr("ZatcaQueue", "Cancelled; the rest stays queued."))
        self.session.notify(ZATCA)
        self.session.notify(INVOICES)
        if not self.isVisible():
            self.refresh()

    def correct(self) -> None:
        """Draft the credit note and the corrected invoice, then open the corrected draft in the editor."""
        item = self.selected()
        if item is None or item.state != "rejected":
            return
        try:
            with self.session.uow() as uow:
                made = prepare_correction(uow, item.number)
                uow.commit()
        except Exception as exc:
            present_error(self, exc)
            return
        self.session.notify(INVOICES)
        self.result.setText(tr("ZatcaQueue", "Drafted credit note {note} and corrected invoice {fixed}. Fix {fixed}, "
                                             "then issue both.").format(note=made.credit_note,
                                                                        fixed=made.corrected_draft))
        from desktop.views.invoice_editor import InvoiceEditorDialog  # another area's dialog; loaded when used

        self.editor = InvoiceEditorDialog(self.session, made.corrected_draft)
        self.editor.open()

    def open_onboarding(self) -> OnboardingWizard:
        self.wizard = OnboardingWizard(self.session, self)
        self.wizard.open()
        return self.wizard

    def screenshot_extras(self) -> list[tuple[str, QWidget]]:
        return [("onboarding", OnboardingWizard(self.session, self))]

    # -- language and visibility --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.units_box.setTitle(tr("ZatcaQueue", "EGS units"))
        self.units_table.setHorizontalHeaderLabels([
            tr("ZatcaQueue", "Unit"), tr("ZatcaQueue", "Environment"), tr("ZatcaQueue", "Status"),
            tr("ZatcaQueue", "Last counter (ICV)"), tr("ZatcaQueue", "Certificate until")])
        self.onboard_button.setText(tr("ZatcaQueue", "Onboard EGS unit…"))
        self.queue_box.setTitle(tr("ZatcaQueue", "Submissions"))
        self.retry_button.setText(tr("ZatcaQueue", "Retry now"))
        self.cancel_button.setText(tr("ZatcaQueue", "Cancel"))
        self.details_box.setTitle(tr("ZatcaQueue", "Portal answer"))
        self.findings.setHorizontalHeaderLabels([tr("ZatcaQueue", "Level"), tr("ZatcaQueue", "Code"),
                                                 tr("ZatcaQueue", "Message")])
        self.correct_button.setText(tr("ZatcaQueue", "Correct…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(QueueModel.COLUMNS) - 1)
        if self.model.items:
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(len(self.model.items) - 1, len(QueueModel.COLUMNS) - 1))
        self._alerts()
        self._fill_units()
        self._show_counts()
        self.show_details()
        if self.job is None:
            self._show_summary()

    def showEvent(self, event: QShowEvent) -> None:
        self.model.tick()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.timer.stop()
        super().hideEvent(event)
