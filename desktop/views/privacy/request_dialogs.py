"""The dialogs of a request's life: intake of a new request (`NewRequestDialog`) and one step on it — verify the
identity, extend, close (`StepDialog`). Each is one core step in its own unit of work; a refusal stays inline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.errors import ValidationError
from core.privacy import SubjectMatch, find_subjects
from core.privacy import requests as dsr
from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job
from desktop.session import PRIVACY
from desktop.style import latin_date
from desktop.views.privacy.texts import CHANNEL, OVERDUE, findings_text, kind_text, status_text

if TYPE_CHECKING:
    from desktop.views.privacy.view import PrivacyView


def _problems_label(name: str) -> QLabel:
    """Where the core's refusal is listed, in red, until the input is corrected."""
    label = QLabel(objectName=name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {OVERDUE.name()};")
    label.hide()
    return label


class StepDialog(QDialog):
    """One text (and optionally a closing status) for a request step; the core's refusal is shown inline and the
    dialog stays open until the step is accepted."""

    def __init__(self, title: str, prompt: str, submit: Callable[[str, str], object], parent: QWidget | None,
                 *, language: str, statuses: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("privacyStepDialog")
        self.setWindowTitle(title)
        self._submit, self._language = submit, language
        self.result_value: object = None
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.text = QPlainTextEdit(objectName="stepText")
        self.text.setFixedHeight(80)
        self.status = QComboBox(objectName="stepStatus")
        for value in statuses:
            self.status.addItem(status_text(value), value)
        self.status.setVisible(bool(statuses))
        self.problems = _problems_label("stepProblems")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.status, self.text, self.problems, self.buttons):
            layout.addWidget(widget)

    def accept(self) -> None:
        try:
            self.result_value = self._submit(self.text.toPlainText(), str(self.status.currentData() or ""))
        except ValidationError as exc:
            self.problems.setText(findings_text(exc.findings, self._language))
            self.problems.show()
            return
        except Exception as exc:  # shown, the dialog stays open
            present_error(self, exc)
            return
        super().accept()


class NewRequestDialog(QDialog):
    """Intake: kind, subject (searched), requester and contact, day received, identity check (optional), notes."""

    def __init__(self, view: PrivacyView, subject: SubjectMatch | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("newRequestDialog")
        self.created: dsr.RequestInfo | None = None
        self._build_fields(subject)
        self.problems = _problems_label("requestProblems")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        search_row = QHBoxLayout()
        search_row.addWidget(self.subject_search, 1)
        search_row.addWidget(self.find_button)
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(8)]
        for label, field in zip(self.labels, (self.kind, search_row, self.subject, self.requester, self.contact,
                                              self.received, self.identity, self.notes), strict=True):
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.retranslate()

    def _build_fields(self, subject: SubjectMatch | None) -> None:
        self.kind = QComboBox(objectName="requestKind")
        for kind in dsr.KINDS:
            self.kind.addItem(kind_text(kind), kind)
        self.subject_search = QLineEdit(objectName="requestSubjectSearch")
        self.find_button = QPushButton(objectName="requestFindSubject")
        self.find_button.clicked.connect(self.find_subject)
        self.subject_search.returnPressed.connect(self.find_subject)
        self.subject = QComboBox(objectName="requestSubject")
        if subject is not None:
            self.subject.addItem(subject.display, subject.subject)
        self.requester = QLineEdit(objectName="requesterName")
        self.contact = QLineEdit(objectName="requesterContact")
        self.received = QDateEdit(objectName="requestReceived")
        self.received.setCalendarPopup(True)
        latin_date(self.received, "yyyy-MM-dd")
        today = saudi_time(self.view.session.clock()).date()
        self.received.setMaximumDate(QDate(today.year, today.month, today.day))
        self.received.setDate(QDate(today.year, today.month, today.day))
        self.identity = QLineEdit(objectName="requestIdentity")
        self.notes = QPlainTextEdit(objectName="requestNotes")
        self.notes.setFixedHeight(60)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("PrivacyRequests", "New data-subject request"))
        for label, text in zip(self.labels, (
                tr("PrivacyRequests", "Kind"), tr("PrivacyRequests", "Find the subject"),
                tr("PrivacyRequests", "Subject"), tr("PrivacyRequests", "Requester's name"),
                tr("PrivacyRequests", "Contact (e-mail, phone or address)"), tr("PrivacyRequests", "Received on"),
                tr("PrivacyRequests", "Identity checked by (optional)"), tr("PrivacyRequests", "Notes")),
                strict=True):
            label.setText(text)
        self.find_button.setText(tr("PrivacyRequests", "Find"))
        self.subject_search.setPlaceholderText(tr("PrivacyRequests", "Name, e-mail, phone, id or VAT number"))
        self.identity.setPlaceholderText(tr("PrivacyRequests", "e.g. national id card seen at the counter"))

    def find_subject(self) -> Job | None:
        """Search in a Job; the matches fill the subject list."""
        text = self.subject_search.text().strip()
        if not text:
            return None
        return self.view.read("intake search", lambda uow: find_subjects(uow, text, limit=20), self._found)

    def _found(self, found: list[SubjectMatch]) -> None:
        self.subject.clear()
        for match in found:
            self.subject.addItem(match.display, match.subject)

    def received_at(self) -> datetime:
        day = self.received.date().toPython()
        now = self.view.session.clock()
        if day == saudi_time(now).date():
            return now
        return datetime.combine(day, time(0, 0), dsr.KSA)

    def accept(self) -> None:
        try:
            with self.view.session.ctx.uow(channel=CHANNEL) as uow:
                self.created = dsr.add_request(
                    uow, str(self.kind.currentData()), subject=str(self.subject.currentData() or ""),
                    requester=dsr.Requester(self.requester.text(), self.contact.text()),
                    received_at=self.received_at(), identity_method=self.identity.text(),
                    notes=self.notes.toPlainText())
                uow.commit()
        except ValidationError as exc:
            self.problems.setText(findings_text(exc.findings, self.view.session.language))
            self.problems.show()
            return
        except Exception as exc:
            present_error(self, exc)
            return
        self.view.session.notify(PRIVACY)
        super().accept()
