"""The Access log tab: who read the chosen subject's personal data, when, which fields, why and through what
(`core.privacy.access_log.search`, newest first)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.clock import saudi_time
from core.privacy import SubjectMatch, access_log
from desktop.i18n import format_int, tr
from desktop.views.privacy.texts import cell, fill_row, make_table, short_subject

LOG_LIMIT = 500  # the subject's newest reads shown


class AccessLogPage(QWidget):
    """A heading naming the subject and the count, and one row a read (`log_table`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(objectName="accessLogHeading")
        self.label.setWordWrap(True)
        self.table = make_table(5, "accessLog")
        page = QVBoxLayout(self)
        page.addWidget(self.label)
        page.addWidget(self.table, 1)

    def show_reads(self, subject: SubjectMatch | None, reads: list[access_log.AccessRecord]) -> None:
        self.table.setRowCount(len(reads))
        for row, record in enumerate(reads):
            at = saudi_time(record.at).strftime("%Y-%m-%d %H:%M:%S")
            fill_row(self.table, row, (cell(at), cell(short_subject(record.actor), tip=record.actor),
                                       cell(", ".join(record.fields)), cell(record.purpose), cell(record.channel)))
        if subject is None:
            self.label.setText(tr("Privacy", "Choose a subject on the Subjects tab to see who read its "
                                             "personal data, when and why."))
        else:
            self.label.setText(tr("Privacy", "Reads of the personal data of {name}: {n} (newest first)").format(
                name=subject.display, n=format_int(len(reads))))

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([tr("Privacy", "Time"), tr("Privacy", "Who"), tr("Privacy", "Fields"),
                                              tr("Privacy", "Purpose"), tr("Privacy", "Channel")])
