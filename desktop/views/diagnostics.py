"""The Diagnostics view: `qayd doctor`'s checks run in a Job (progress, Cancel, an optional deep check), shown as a
table of status, check, what was found and the fix, with the runbook of the selected check one click away.

The checks are `core.health.run_checks`, the one source of health the CLI, the alerts and the support bundle read
too. Each check writes what it found and the fix in English and in Arabic (`CheckResult.text(language)`); the view
shows them in the UI's language, right to left in Arabic (English only where a check wrote no Arabic, kept left to
right).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.health import Report, Status, run_checks, runbook_path
from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job
from desktop.session import AppSession
from desktop.views.base import View

COLOURS = {Status.OK: QColor("#2e7d32"), Status.WARN: QColor("#ef6c00"), Status.FAIL: QColor("#c62828")}
SYMBOLS = {Status.OK: "✔", Status.WARN: "⚠", Status.FAIL: "✖"}
NETWORK_IDS = {"clock.skew", "central.connection", "mail.login"}  # the checks only a run with the network has


def status_label(status: Status) -> str:
    return {Status.OK: tr("Diagnostics", "OK"), Status.WARN: tr("Diagnostics", "Warning"),
            Status.FAIL: tr("Diagnostics", "Failure")}[status]


def check_title(check_id: str, title: str) -> str:
    """A check's name in the UI's language (the core's English title for a check this view does not know)."""
    names = {"incident.active": tr("Diagnostics", "Incident mode"),
             "store.integrity": tr("Diagnostics", "Store integrity"),
             "store.foreign_keys": tr("Diagnostics", "Store references"),
             "store.schema": tr("Diagnostics", "Store schema"),
             "store.free_disk": tr("Diagnostics", "Free disk beside the store"),
             "store.wal": tr("Diagnostics", "Write-ahead log"),
             "audit.chain": tr("Diagnostics", "Audit chain"),
             "secrets.master_key": tr("Diagnostics", "Master key and secret store"),
             "zatca.certificates": tr("Diagnostics", "EGS certificates"),
             "zatca.reporting_deadline": tr("Diagnostics", "ZATCA reporting deadline"),
             "zatca.clearance_waiting": tr("Diagnostics", "ZATCA clearance"),
             "clock.skew": tr("Diagnostics", "Clock"),
             "central.connection": tr("Diagnostics", "Central database"),
             "sync.last_sync": tr("Diagnostics", "Last sync"),
             "sync.conflicts": tr("Diagnostics", "Sync conflicts"),
             "mail.login": tr("Diagnostics", "Mail server login"),
             "mail.failed": tr("Diagnostics", "Failed mails"),
             "payments.poll": tr("Diagnostics", "Payment polling")}
    return names.get(check_id, title)


def english(text: str) -> QTableWidgetItem:
    """A cell of the core's English text, kept left-to-right in an Arabic layout (its full stop stays at its end)."""
    item = QTableWidgetItem(f"\u2066{text}\u2069" if text else "")  # a left-to-right isolate
    item.setToolTip(text)
    return item


def finding(text: str, arabic: bool) -> QTableWidgetItem:
    """A cell of what a check found or its fix: Arabic runs right to left as the layout does; English is isolated."""
    if not arabic:
        return english(text)
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


class DiagnosticsView(View):
    key = "diagnostics"

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.report: Report | None = None
        self.network_ran = False
        self.job: Job | None = None
        self.outcome = ""  # "", "cancelled", "failed"
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests replace it
        self.heading, self.result = QLabel(), QLabel()
        self.heading.setObjectName("viewHeading")
        self.result.setWordWrap(True)
        self.run_button, self.cancel_button, self.runbook_button = QPushButton(), QPushButton(), QPushButton()
        self.deep = QCheckBox()
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button.clicked.connect(self.cancel)
        self.runbook_button.clicked.connect(self.open_runbook)
        self.cancel_button.setEnabled(False)
        self.runbook_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_cells: self._selection_changed())
        self.table.cellDoubleClicked.connect(lambda _row, _col: self.open_runbook())
        actions = QHBoxLayout()
        for widget in (self.run_button, self.deep, self.cancel_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.runbook_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addWidget(self.table, 1)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Diagnostics")

    def retranslate(self) -> None:
        self.heading.setText(tr("Diagnostics", "Diagnostics"))
        self.run_button.setText(tr("Diagnostics", "Run checks"))
        self.deep.setText(tr("Diagnostics", "Deep check"))
        self.deep.setToolTip(tr("Diagnostics", "Verify every audit entry and issued document (slower)."))
        self.cancel_button.setText(tr("Diagnostics", "Cancel"))
        self.runbook_button.setText(tr("Diagnostics", "Open runbook"))
        self.table.setHorizontalHeaderLabels([tr("Diagnostics", "Status"), tr("Diagnostics", "Check"),
                                              tr("Diagnostics", "Found"), tr("Diagnostics", "Fix")])
        self._show()

    # -- running ------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """On showing: the checks that read this machine (well under a second); Run adds the network ones."""
        if self.job is None and self.report is None:
            self.run(network=False)

    def run(self, *, network: bool = True) -> None:
        if self.job is not None:
            return
        ctx, settings, deep = self.session.ctx, self.session.settings, self.deep.isChecked() and network

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Report:
            return run_checks(ctx, settings, deep=deep, network=network, progress=progress, cancelled=cancelled)

        job = Job(work, "health checks")
        job.signals.succeeded.connect(self._done)
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._failed)
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.finished.connect(self._finished)
        self.job, self.outcome = job, ""
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.result.setText(tr("Diagnostics", "Checking…"))
        self.session.pool.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _done(self, report: Report) -> None:
        self.report = report
        self.network_ran = any(c.id in NETWORK_IDS for c in report.checks)
        self._show()

    def _failed(self, exc: BaseException) -> None:
        self._set_outcome("failed")
        present_error(self, exc)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self._show()

    def _finished(self) -> None:
        self.job = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    # -- showing ------------------------------------------------------------------------------------------------

    def _show(self) -> None:
        if self.outcome == "cancelled":
            self.result.setText(tr("Diagnostics", "Checks cancelled; nothing was concluded."))
            return
        if self.report is None:
            self.result.setText(tr("Diagnostics", "Run the checks to see this install's health: the store, the "
                                                  "audit chain, secrets, ZATCA, clocks, central, mail and payments."))
            return
        checks = self.report.checks
        counts = {s: sum(1 for c in checks if c.status is s) for s in Status}
        text = tr("Diagnostics", "{ok} ok, {warn} warning(s), {fail} failure(s).").format(
            ok=counts[Status.OK], warn=counts[Status.WARN], fail=counts[Status.FAIL])
        if not self.network_ran:
            text += " " + tr("Diagnostics", "The checks of this machine only: Run checks adds the ZATCA portal, "
                                            "central and the mail server.")
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {COLOURS[self.report.worst].name()}")
        self.table.setRowCount(len(checks))
        for row, c in enumerate(checks):
            status = QTableWidgetItem(f"{SYMBOLS[c.status]} {status_label(c.status)}")
            status.setForeground(QBrush(COLOURS[c.status]))
            status.setData(Qt.ItemDataRole.UserRole, c.runbook or "")
            name = QTableWidgetItem(check_title(c.id, c.title))
            name.setToolTip(c.id)
            found, fix = c.text(self.session.language)
            arabic = self.session.language == "ar"
            cells = (status, name, finding(found, arabic and bool(c.found_ar)),
                     finding(fix if c.status is not Status.OK else "", arabic and bool(c.fix_ar)))
            for col, item in enumerate(cells):
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self._selection_changed()

    def data_shown(self) -> bool:
        return self.report is not None or self.outcome != ""

    def _selected_runbook(self) -> str:
        row = self.table.currentRow()
        if row < 0:
            return ""
        item = self.table.item(row, 0)
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item is not None else ""

    def _selection_changed(self) -> None:
        self.runbook_button.setEnabled(bool(self._selected_runbook()))

    def open_runbook(self) -> None:
        runbook = self._selected_runbook()
        if runbook:
            self.open_url(QUrl.fromLocalFile(str(runbook_path(runbook, self.session.language))))
