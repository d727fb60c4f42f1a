"""The Requests tab: the data-subject request queue with its due dates, the buttons of each step, and the bar of an
export or erasure running. Which button is possible for a request is the core's decision (`requests`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.privacy import requests as dsr
from desktop.i18n import format_date, format_int, hijri_text, tr
from desktop.views.privacy.texts import (
    DONE,
    OVERDUE,
    cell,
    due_colour,
    due_text,
    fill_row,
    findings_text,
    kind_text,
    make_table,
    short_subject,
    status_text,
)


def _row(info: dsr.RequestInfo, language: str) -> list[QTableWidgetItem]:
    cells = [cell(info.reference), cell(kind_text(info.kind), tip=dsr.ARTICLES.get(info.kind, "")),
             cell(short_subject(info.subject), tip=info.subject),
             cell(status_text(info.status), color=DONE if info.status == "completed" else None),
             cell(format_date(saudi_time(info.received_at).date(), language)),
             cell(due_text(info, language), tip=hijri_text(info.due_date, language), color=due_colour(info))]
    if info.overdue:  # the whole row in red
        for item in cells:
            item.setForeground(QBrush(OVERDUE))
    return cells


class RequestsPage(QWidget):
    """The queue (`table`), its summary, the step buttons, and the running job's progress, Cancel and result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_only = QCheckBox(objectName="openOnly")
        self.open_only.setChecked(True)
        self.summary = QLabel(objectName="requestSummary")
        self.new_button = QPushButton(objectName="newRequest")
        self.verify_button = QPushButton(objectName="verifyRequest")
        self.extend_button = QPushButton(objectName="extendRequest")
        self.close_button = QPushButton(objectName="closeRequest")
        self.export_button = QPushButton(objectName="exportRequest")
        self.erase_button = QPushButton(objectName="eraseRequest")
        self.table = make_table(6, "requestTable")
        self.progress = QProgressBar(objectName="privacyProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(objectName="privacyCancel")
        self.cancel_button.setVisible(False)
        self.result = QLabel(objectName="privacyResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for button in (self.new_button, self.verify_button, self.extend_button, self.close_button,
                       self.export_button, self.erase_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.open_only)
        job_row = QHBoxLayout()
        job_row.addWidget(self.progress, 1)
        job_row.addWidget(self.cancel_button)
        page = QVBoxLayout(self)
        page.addLayout(bar)
        page.addWidget(self.summary)
        page.addWidget(self.table, 1)
        page.addLayout(job_row)
        page.addWidget(self.result)

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else None

    def show_requests(self, requests: list[dsr.RequestInfo], language: str) -> None:
        self.table.setRowCount(len(requests))
        for row, info in enumerate(requests):
            fill_row(self.table, row, _row(info, language))
        overdue = sum(1 for i in requests if i.overdue)
        text = tr("PrivacyRequests", "{n} requests shown").format(n=format_int(len(requests)))
        if overdue:
            text += " · " + tr("PrivacyRequests", "{n} overdue: answer them now").format(n=format_int(overdue))
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {OVERDUE.name()};" if overdue else "")

    def show_actions(self, info: dsr.RequestInfo | None, language: str, *, busy: bool) -> None:
        """The steps possible for the selected request (none while an export or erasure runs); why one is not,
        in its tooltip (the core's findings: kind, open, identity, an extension's once and in time)."""
        is_open = info is not None and info.is_open and not busy
        self.verify_button.setEnabled(is_open)
        self.close_button.setEnabled(is_open)
        self.new_button.setEnabled(not busy)
        for button, action in ((self.extend_button, "extend"), (self.export_button, "export"),
                               (self.erase_button, "erase")):
            findings = dsr.action_findings(info, action) if info is not None else []
            button.setEnabled(info is not None and not busy and not findings)
            button.setToolTip(findings_text(findings, language))

    def show_running(self, running: bool) -> None:
        """The progress bar and Cancel while a job runs."""
        if running:
            self.progress.setValue(0)
            self.cancel_button.setEnabled(True)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def retranslate(self) -> None:
        self.open_only.setText(tr("PrivacyRequests", "Open requests only"))
        self.new_button.setText(tr("PrivacyRequests", "New request…"))
        self.verify_button.setText(tr("PrivacyRequests", "Verify identity…"))
        self.extend_button.setText(tr("PrivacyRequests", "Extend…"))
        self.close_button.setText(tr("PrivacyRequests", "Close…"))
        self.export_button.setText(tr("PrivacyRequests", "Export…"))
        self.erase_button.setText(tr("PrivacyRequests", "Erase…"))
        self.cancel_button.setText(tr("PrivacyRequests", "Cancel"))
        self.table.setHorizontalHeaderLabels([
            tr("PrivacyRequests", "Reference"), tr("PrivacyRequests", "Kind"), tr("PrivacyRequests", "Subject"),
            tr("PrivacyRequests", "Status"), tr("PrivacyRequests", "Received"), tr("PrivacyRequests", "Due")])
