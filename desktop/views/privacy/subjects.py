"""The Subjects tab: find a data subject (by name, e-mail, phone, id or VAT number), and the chosen one's requests.
The names found are personal data: the search runs through core, which logs the read."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.privacy import SubjectMatch
from core.privacy import requests as dsr
from desktop.i18n import tr
from desktop.views.privacy.texts import (
    OVERDUE,
    cell,
    due_text,
    fill_row,
    kind_text,
    make_table,
    short_subject,
    status_text,
)


class SubjectsPage(QWidget):
    """The search box, the subjects found (`subject_table`) and the chosen subject's requests."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(objectName="subjectSearch")
        self.search.setClearButtonEnabled(True)
        self.search_button = QPushButton(objectName="subjectSearchButton")
        self.new_for_subject = QPushButton(objectName="newRequestForSubject")
        self.new_for_subject.setEnabled(False)
        self.subject_table = make_table(3, "subjectTable")
        self.requests_label = QLabel()
        self.requests_table = make_table(4, "subjectRequests")
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.new_for_subject)
        page = QVBoxLayout(self)
        page.addLayout(search_row)
        page.addWidget(self.subject_table, 2)
        page.addWidget(self.requests_label)
        page.addWidget(self.requests_table, 1)

    def show_matches(self, matches: list[SubjectMatch]) -> None:
        self.subject_table.setRowCount(len(matches))
        for row, match in enumerate(matches):
            state = (tr("Privacy", "erased") if match.erased else tr("Privacy", "restricted") if match.restricted
                     else "")
            fill_row(self.subject_table, row, (cell(match.display), cell(short_subject(match.subject),
                                                                             tip=match.subject), cell(state)))

    def chosen_row(self) -> int | None:
        rows = self.subject_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def show_subject(self, subject: SubjectMatch | None, requests: list[dsr.RequestInfo], language: str) -> None:
        """The chosen subject's requests (none chosen: how to choose one)."""
        self.new_for_subject.setEnabled(subject is not None)
        self.requests_table.setRowCount(len(requests))
        for row, info in enumerate(requests):
            fill_row(self.requests_table, row, (
                cell(info.reference), cell(kind_text(info.kind)), cell(status_text(info.status)),
                cell(due_text(info, language), color=OVERDUE if info.overdue else None)))
        if subject is None:
            self.requests_label.setText(tr("Privacy", "Choose a subject to see its requests."))
        else:
            self.requests_label.setText(tr("Privacy", "Requests of {name}").format(name=subject.display))

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Privacy", "Name, e-mail, phone, id or VAT number"))
        self.search_button.setText(tr("Privacy", "Search"))
        self.new_for_subject.setText(tr("Privacy", "New request for this subject…"))
        self.subject_table.setHorizontalHeaderLabels([tr("Privacy", "Name"), tr("Privacy", "Subject"),
                                                      tr("Privacy", "State")])
        self.requests_table.setHorizontalHeaderLabels([
            tr("PrivacyRequests", "Reference"), tr("PrivacyRequests", "Kind"), tr("PrivacyRequests", "Status"),
            tr("PrivacyRequests", "Due")])
