"""The Privacy view: the data-subject request queue with its actions, a subject search, and the access log.

Requests (`core.privacy.requests`): a queue with due dates (overdue in red), a new-request dialog, identity
verification, extension and closure, each one core step in its own unit of work. For an access or portability
request "Export…" runs `core.privacy.export.export_subject` in a Job into a chosen folder; for an erasure request
"Erase…" shows `core.privacy.erasure.preview` (what is erased, what is kept, under which basis and until when) and
runs `core.privacy.erasure.erase` in a Job only after an explicit confirmation. Which action is possible for a
request is the core's decision (`requests.action_findings`). Subjects (`core.privacy.subjects.find_subjects`):
the chosen subject's requests and its access log (`core.privacy.access_log.search`). The subject searches and
the subject's requests and access log are read in Jobs (`PrivacyView.read`); the request queue, a small table,
on the UI thread.

Export and erasure are resolved through the `core.privacy` face when first used, off the start-up path.
Reads here are made through the "desktop" channel of the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.errors import ValidationError
from core.findings import Finding
from core.privacy import SubjectMatch, access_log, find_subjects
from core.privacy import requests as dsr
from core.uow import UnitOfWork
from desktop.errors import finding_fix, finding_message, present_error
from desktop.i18n import format_date, format_int, hijri_text, tr
from desktop.jobs import Job
from desktop.session import AUDIT, CUSTOMERS, PRIVACY, AppSession
from desktop.style import latin_date
from desktop.views.base import View

CHANNEL = "desktop"
OVERDUE = QColor("#c62828")
SOON = QColor("#e65100")
DONE = QColor("#2e7d32")
SOON_DAYS = 7
LOG_LIMIT = 500  # the subject's newest reads shown


def kind_text(kind: str) -> str:
    return {"access": tr("PrivacyRequests", "Access"), "erasure": tr("PrivacyRequests", "Erasure"),
            "rectification": tr("PrivacyRequests", "Rectification"),
            "portability": tr("PrivacyRequests", "Portability"),
            "restriction": tr("PrivacyRequests", "Restriction"),
            "objection": tr("PrivacyRequests", "Objection")}.get(kind, kind)


def status_text(status: str) -> str:
    return {"received": tr("PrivacyRequests", "Received"),
            "identity_verified": tr("PrivacyRequests", "Identity verified"),
            "in_progress": tr("PrivacyRequests", "In progress"), "extended": tr("PrivacyRequests", "Extended"),
            "completed": tr("PrivacyRequests", "Completed"), "refused": tr("PrivacyRequests", "Refused"),
            "withdrawn": tr("PrivacyRequests", "Withdrawn")}.get(status, status)


def due_text(info: dsr.RequestInfo, language: str) -> str:
    day = format_date(info.due_date, language)
    if not info.is_open or info.days_left is None:
        return day
    if info.overdue:
        return tr("PrivacyRequests", "{date}: overdue by {n} days").format(date=day, n=format_int(-info.days_left))
    if info.days_left == 0:
        return tr("PrivacyRequests", "{date}: due today").format(date=day)
    return tr("PrivacyRequests", "{date}: {n} days left").format(date=day, n=format_int(info.days_left))


def short_subject(subject: str) -> str:
    kind, _, ident = subject.partition(":")
    label = {"customer": tr("Privacy", "customer"), "user": tr("Privacy", "staff user")}.get(kind, kind)
    return f"{label} {ident[:8]}" if ident else subject


def findings_text(findings: Sequence[Finding], language: str) -> str:
    return "\n".join(f"• {finding_message(f, language)} {finding_fix(f, language)}".strip() for f in findings)


def _table(columns: int, name: str) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)
    return table


def _item(text: str, *, tip: str = "", color: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    if color is not None:
        item.setForeground(QBrush(color))
    return item


# --- dialogs -------------------------------------------------------------------------------------------------


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
        self.problems = QLabel(objectName="stepProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {OVERDUE.name()};")
        self.problems.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.status)
        layout.addWidget(self.text)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

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
        today = saudi_time(view.session.clock()).date()
        self.received.setMaximumDate(QDate(today.year, today.month, today.day))
        self.received.setDate(QDate(today.year, today.month, today.day))
        self.identity = QLineEdit(objectName="requestIdentity")
        self.notes = QPlainTextEdit(objectName="requestNotes")
        self.notes.setFixedHeight(60)
        self.problems = QLabel(objectName="requestProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {OVERDUE.name()};")
        self.problems.hide()
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


class ErasureDialog(QDialog):
    """The erasure preview: what will be erased, what is kept (basis, until when); Erase only once confirmed."""

    def __init__(self, view: PrivacyView, info: dsr.RequestInfo, plan: Any) -> None:
        super().__init__(view)
        self.setObjectName("erasureDialog")
        self.view, self.info, self.plan = view, info, plan
        language = view.session.language
        self.heading = QLabel(objectName="erasureHeading")
        self.heading.setWordWrap(True)
        self.erase_label, self.keep_label = QLabel(), QLabel()
        self.erase_table = _table(3, "erasureErase")
        self.keep_table = _table(4, "erasureKeep")
        self._fill(self.erase_table, plan.erase, language, keep=False)
        self._fill(self.keep_table, plan.keep, language, keep=True)
        self.confirm = QCheckBox(objectName="erasureConfirm")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setObjectName("erasureRun")
        self.erase_button.setEnabled(False)
        self.confirm.toggled.connect(self.erase_button.setEnabled)
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.erase_label)
        layout.addWidget(self.erase_table, 1)
        layout.addWidget(self.keep_label)
        layout.addWidget(self.keep_table, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self.resize(820, 560)
        self.retranslate()

    @staticmethod
    def _fill(table: QTableWidget, items: Sequence[Any], language: str, *, keep: bool) -> None:
        from core.privacy import LAWFUL_BASES as BASES

        table.setRowCount(len(items))
        for row, item in enumerate(items):
            description = item.description_ar if language == "ar" and item.description_ar else item.description_en
            cells = [_item(description, tip=description), _item(", ".join(item.fields))]
            if keep:
                basis = BASES.get(item.basis)
                law = (basis.law_ar if language == "ar" else basis.law_en) if basis else item.basis
                cells.append(_item(item.basis, tip=law))
                until = format_date(item.held_until, language) if item.held_until else ""
                cells.append(_item(until, tip=hijri_text(item.held_until, language) if item.held_until else ""))
            else:
                cells.append(_item(item.record))
            for col, cell in enumerate(cells):
                table.setItem(row, col, cell)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("PrivacyRequests", "Erase the subject's personal data"))
        text = tr("PrivacyRequests", "Request {ref}: erasing {subject}. Erasure cannot be undone; a signed "
                                     "certificate records what was erased and kept.").format(
            ref=self.info.reference, subject=short_subject(self.info.subject))
        erased_at = self.plan.erased_at
        if erased_at is not None:
            text += "\n" + tr("PrivacyRequests", "This subject was already erased on {date}.").format(
                date=format_date(saudi_time(erased_at).date(), self.view.session.language))
        self.heading.setText(text)
        self.erase_label.setText(tr("PrivacyRequests", "Will be erased ({n})").format(
            n=format_int(len(self.plan.erase))))
        self.keep_label.setText(tr("PrivacyRequests", "Will be kept, restricted, until the hold ends ({n})").format(
            n=format_int(len(self.plan.keep))))
        self.erase_table.setHorizontalHeaderLabels([tr("PrivacyRequests", "What"), tr("PrivacyRequests", "Fields"),
                                                    tr("PrivacyRequests", "Record")])
        self.keep_table.setHorizontalHeaderLabels([tr("PrivacyRequests", "What"), tr("PrivacyRequests", "Fields"),
                                                   tr("PrivacyRequests", "Legal basis"),
                                                   tr("PrivacyRequests", "Kept until")])
        self.confirm.setText(tr("PrivacyRequests", "I have checked the list: erase this subject's personal data now."))
        self.erase_button.setText(tr("PrivacyRequests", "Erase"))


# --- the view ------------------------------------------------------------------------------------------------


class PrivacyView(View):
    key = "privacy"
    topics = (PRIVACY, CUSTOMERS, AUDIT)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.requests: list[dsr.RequestInfo] = []
        self.matches: list[SubjectMatch] = []
        self.subject: SubjectMatch | None = None
        self.subject_requests: list[dsr.RequestInfo] = []
        self.accesses: list[access_log.AccessRecord] = []
        self.job: Job | None = None  # the export or erasure running
        self.reads: dict[str, Job] = {}  # the newest read of each kind (`read`)
        self.dialog: QDialog | None = None
        self.last_export: Any = None
        self.last_erasure: Any = None

        self.tabs = QTabWidget(objectName="privacyTabs")
        # requests
        self.requests_page = QWidget()
        self.open_only = QCheckBox(objectName="openOnly")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _c: self.refresh())
        self.summary = QLabel(objectName="requestSummary")
        self.new_button = QPushButton(objectName="newRequest")
        self.verify_button = QPushButton(objectName="verifyRequest")
        self.extend_button = QPushButton(objectName="extendRequest")
        self.close_button = QPushButton(objectName="closeRequest")
        self.export_button = QPushButton(objectName="exportRequest")
        self.erase_button = QPushButton(objectName="eraseRequest")
        self.new_button.clicked.connect(lambda: self.new_request())
        self.verify_button.clicked.connect(lambda: self.verify_identity())
        self.extend_button.clicked.connect(lambda: self.extend())
        self.close_button.clicked.connect(lambda: self.close_request())
        self.export_button.clicked.connect(lambda: self.export())
        self.erase_button.clicked.connect(lambda: self.erase())
        bar = QHBoxLayout()
        for button in (self.new_button, self.verify_button, self.extend_button, self.close_button,
                       self.export_button, self.erase_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.open_only)
        self.table = _table(6, "requestTable")
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.progress = QProgressBar(objectName="privacyProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(objectName="privacyCancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.result = QLabel(objectName="privacyResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        job_row = QHBoxLayout()
        job_row.addWidget(self.progress, 1)
        job_row.addWidget(self.cancel_button)
        page = QVBoxLayout(self.requests_page)
        page.addLayout(bar)
        page.addWidget(self.summary)
        page.addWidget(self.table, 1)
        page.addLayout(job_row)
        page.addWidget(self.result)
        # subjects
        self.subjects_page = QWidget()
        self.search = QLineEdit(objectName="subjectSearch")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.search_subjects)
        self.search_button = QPushButton(objectName="subjectSearchButton")
        self.search_button.clicked.connect(self.search_subjects)
        self.new_for_subject = QPushButton(objectName="newRequestForSubject")
        self.new_for_subject.clicked.connect(lambda: self.new_request(self.subject))
        self.new_for_subject.setEnabled(False)
        self.subject_table = _table(3, "subjectTable")
        self.subject_table.itemSelectionChanged.connect(self._subject_chosen)
        self.subject_requests_label = QLabel()
        self.subject_requests_table = _table(4, "subjectRequests")
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.new_for_subject)
        page = QVBoxLayout(self.subjects_page)
        page.addLayout(search_row)
        page.addWidget(self.subject_table, 2)
        page.addWidget(self.subject_requests_label)
        page.addWidget(self.subject_requests_table, 1)
        # access log
        self.log_page = QWidget()
        self.log_label = QLabel(objectName="accessLogHeading")
        self.log_label.setWordWrap(True)
        self.log_table = _table(5, "accessLog")
        page = QVBoxLayout(self.log_page)
        page.addWidget(self.log_label)
        page.addWidget(self.log_table, 1)

        self.tabs.addTab(self.requests_page, "")
        self.tabs.addTab(self.subjects_page, "")
        self.tabs.addTab(self.log_page, "")
        QVBoxLayout(self).addWidget(self.tabs)
        self._update_actions()

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Privacy")

    # -- reading ------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.session.ctx.uow(write=False, channel=CHANNEL) as uow:
            self.requests = dsr.list_requests(uow, open_only=self.open_only.isChecked())
        self._fill_requests()
        if self.subject is not None:
            self._read_subject(self.subject.subject)

    def read(self, name: str, fn: Callable[[UnitOfWork], Any], show: Callable[[Any], None]) -> Job:
        """Run `fn` in a Job with a read-only unit of work of its own, then `show` its result on the UI thread,
        unless a newer read of the same `name` was started (or `forget` was called) meanwhile."""
        ctx = self.session.ctx

        def work(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> Any:
            with ctx.uow(write=False, channel=CHANNEL) as uow:
                return fn(uow)

        job = Job(work, f"privacy {name}")
        self.reads[name] = job
        job.signals.succeeded.connect(lambda result: show(result) if self.reads.get(name) is job else None)
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        self.session.pool.start(job)
        return job

    def _read_subject(self, subject: str) -> Job:
        return self.read("subject", lambda uow: (dsr.list_requests(uow, subject=subject),
                                                 access_log.search(uow, subject, limit=LOG_LIMIT)),
                         self._subject_read)

    def _subject_read(self, result: tuple[list[dsr.RequestInfo], list[access_log.AccessRecord]]) -> None:
        self.subject_requests, self.accesses = result
        self._fill_subject()

    def selected(self) -> dsr.RequestInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def select(self, reference: str) -> None:
        for row, info in enumerate(self.requests):
            if info.reference == reference:
                flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                         | QItemSelectionModel.SelectionFlag.Rows)
                self.table.selectionModel().setCurrentIndex(self.table.model().index(row, 0), flags)
                return

    def _fill_requests(self) -> None:
        keep = self.selected()
        language = self.session.language
        self.table.setRowCount(len(self.requests))
        for row, info in enumerate(self.requests):
            color = OVERDUE if info.overdue else (
                SOON if info.is_open and info.days_left is not None and info.days_left <= SOON_DAYS else None)
            hijri = hijri_text(info.due_date, language)
            cells = [_item(info.reference), _item(kind_text(info.kind), tip=dsr.ARTICLES.get(info.kind, "")),
                     _item(short_subject(info.subject), tip=info.subject),
                     _item(status_text(info.status), color=DONE if info.status == "completed" else None),
                     _item(format_date(saudi_time(info.received_at).date(), language)),
                     _item(due_text(info, language), tip=hijri, color=color)]
            for col, cell in enumerate(cells):
                if info.overdue:
                    cell.setForeground(QBrush(OVERDUE))
                self.table.setItem(row, col, cell)
        overdue = sum(1 for i in self.requests if i.overdue)
        text = tr("PrivacyRequests", "{n} requests shown").format(n=format_int(len(self.requests)))
        if overdue:
            text += " · " + tr("PrivacyRequests", "{n} overdue: answer them now").format(n=format_int(overdue))
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {OVERDUE.name()};" if overdue else "")
        if keep is not None:
            self.select(keep.reference)
        self._update_actions()

    def _update_actions(self) -> None:
        info = self.selected()
        busy = self.job is not None
        is_open = info is not None and info.is_open and not busy
        self.verify_button.setEnabled(is_open)
        self.extend_button.setEnabled(is_open and info is not None and not info.extended and not info.overdue)
        self.close_button.setEnabled(is_open)
        self.new_button.setEnabled(not busy)
        for button, action in ((self.export_button, "export"), (self.erase_button, "erase")):
            findings = dsr.action_findings(info, action) if info is not None else []  # kind, open, identity
            button.setEnabled(info is not None and not busy and not findings)
            button.setToolTip(findings_text(findings, self.session.language))

    # -- request steps ------------------------------------------------------------------------------------------

    def new_request(self, subject: SubjectMatch | None = None) -> NewRequestDialog:
        dialog = NewRequestDialog(self, subject)
        dialog.accepted.connect(lambda: self._created(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _created(self, dialog: NewRequestDialog) -> None:
        if dialog.created is not None:
            self.tabs.setCurrentWidget(self.requests_page)
            self.select(dialog.created.reference)
            self.result.setText(tr("PrivacyRequests", "Recorded {ref}; it is due {date}.").format(
                ref=dialog.created.reference, date=format_date(dialog.created.due_date, self.session.language)))

    def _step(self, title: str, prompt: str, run: Callable[[UnitOfWork, dsr.RequestInfo, str, str], object],
              statuses: Sequence[str] = ()) -> StepDialog | None:
        info = self.selected()
        if info is None:
            return None

        def submit(text: str, status: str) -> object:
            with self.session.ctx.uow(channel=CHANNEL) as uow:
                done = run(uow, info, text, status)
                uow.commit()
            self.session.notify(PRIVACY)
            self.select(info.reference)
            return done

        dialog = StepDialog(title, prompt, submit, self, language=self.session.language, statuses=statuses)
        self.dialog = dialog
        dialog.open()
        return dialog

    def verify_identity(self) -> StepDialog | None:
        return self._step(tr("PrivacyRequests", "Verify identity"),
                          tr("PrivacyRequests", "How was the requester's identity checked? (e.g. national id or "
                                                "Iqama seen, answer to a question only the subject knows)"),
                          lambda uow, info, text, _s: dsr.verify_identity(uow, info.reference, text))

    def extend(self) -> StepDialog | None:
        return self._step(tr("PrivacyRequests", "Extend by two months"),
                          tr("PrivacyRequests", "Why is more time needed? Tell the requester of the extension and "
                                                "the reason within the first month."),
                          lambda uow, info, text, _s: dsr.extend(uow, info.reference, text))

    def close_request(self) -> StepDialog | None:
        return self._step(tr("PrivacyRequests", "Close the request"),
                          tr("PrivacyRequests", "What was done, or why the request is refused:"),
                          lambda uow, info, text, status: dsr.close(uow, info.reference, text, status),
                          statuses=dsr.CLOSED_STATUSES)

    # -- jobs: export and erasure -------------------------------------------------------------------------------

    def _ready(self, info: dsr.RequestInfo | None, action: str) -> dsr.RequestInfo | None:
        if info is None or self.job is not None:
            return None
        findings = dsr.action_findings(info, action)
        if findings:
            present_error(self, ValidationError(f"Request {info.reference}", findings))
            return None
        return info

    def choose_folder(self) -> Path | None:
        """Where to write the export (a folder is made inside it); None when the clerk cancels."""
        folder = QFileDialog.getExistingDirectory(self, tr("PrivacyRequests", "Choose where to save the export"))
        return Path(folder) if folder else None

    def export(self) -> Job | None:
        info = self._ready(self.selected(), "export")
        if info is None:
            return None
        parent = self.choose_folder()
        if parent is None:
            return None
        ctx = self.session.ctx
        purpose = f"data subject {info.kind} request {info.reference}"

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Any:
            from core.privacy import export_subject  # resolved on use (tests put fakes in sys.modules)

            return export_subject(ctx, info.subject, parent, purpose=purpose, progress=progress,
                                  cancelled=cancelled)  # a cancel: desktop.jobs shows it

        job = Job(work, "export subject data")
        job.signals.succeeded.connect(lambda result: self._exported(info, result))
        return self._start(job, tr("PrivacyRequests", "Exporting…"))

    def _exported(self, info: dsr.RequestInfo, result: Any) -> None:
        self.last_export = result
        self._mark_started(info, "export written")
        self.result.setText(tr("PrivacyRequests", "Exported {n} records to {folder}. Send them to the requester, "
                                                  "then close the request.").format(
            n=format_int(result.records), folder=str(result.folder)))

    def erase(self) -> Job | None:
        """Read the erasure preview (in a Job), then show it for confirmation."""
        info = self._ready(self.selected(), "erase")
        if info is None:
            return None
        ctx = self.session.ctx

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Any:
            from core.privacy import preview_erasure

            progress(0.0, "")
            with ctx.uow(write=False, channel=CHANNEL) as uow:
                return preview_erasure(uow, info.subject)

        job = Job(work, "erasure preview")
        job.signals.succeeded.connect(lambda plan: self._show_plan(info, plan))
        return self._start(job, tr("PrivacyRequests", "Reading what erasure would change…"))

    def _show_plan(self, info: dsr.RequestInfo, plan: Any) -> ErasureDialog:
        self.result.setText("")
        dialog = ErasureDialog(self, info, plan)
        dialog.accepted.connect(lambda: self._run_erasure(info))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _run_erasure(self, info: dsr.RequestInfo) -> None:
        ctx = self.session.ctx

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Any:
            from core.privacy import erase_subject

            return erase_subject(ctx, info.subject, request_ref=info.reference, progress=progress,
                                 cancelled=cancelled)  # a cancel: desktop.jobs shows it

        job = Job(work, "erase subject")
        job.signals.succeeded.connect(lambda result: self._erased(info, result))
        self._start(job, tr("PrivacyRequests", "Erasing…"))

    def _erased(self, info: dsr.RequestInfo, result: Any) -> None:
        self.last_erasure = result
        self._mark_started(info, "erasure done")
        for topic in (CUSTOMERS, AUDIT):
            self.session.notify(topic)
        self.result.setText(tr("PrivacyRequests", "Erased: {erased} items erased, {kept} kept under a legal hold. "
                                                  "Certificate {id}. Tell the requester, then close the "
                                                  "request.").format(erased=format_int(result.erased),
                                                                     kept=format_int(result.kept),
                                                                     id=str(result.certificate_id)))

    def _mark_started(self, info: dsr.RequestInfo, note: str) -> None:
        try:
            with self.session.ctx.uow(channel=CHANNEL) as uow:
                dsr.start(uow, info.reference, note=note)
                uow.commit()
        except Exception as exc:  # the export or erasure itself succeeded; say what did not
            present_error(self, exc)
        self.session.notify(PRIVACY)
        self.select(info.reference)

    def _start(self, job: Job, message: str) -> Job:
        self.job = job
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(
            lambda: self.result.setText(tr("PrivacyRequests", "Cancelled; nothing was changed.")))
        job.signals.finished.connect(self._finished)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.result.setText(message)
        self._update_actions()
        self.session.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        self.result.setText(tr("PrivacyRequests", "The operation failed; see the message."))
        present_error(self, exc)

    def _finished(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_actions()

    # -- subjects and the access log ----------------------------------------------------------------------------

    def search_subjects(self) -> Job | None:
        """Search in a Job; the matches fill the subject table."""
        text = self.search.text().strip()
        if text:
            return self.read("search", lambda uow: find_subjects(uow, text), self._show_matches)
        self.reads.pop("search", None)  # an earlier search still running is not shown
        self._show_matches([])
        return None

    def _show_matches(self, matches: list[SubjectMatch]) -> None:
        self.matches = matches
        self.subject_table.setRowCount(len(self.matches))
        for row, match in enumerate(self.matches):
            state = (tr("Privacy", "erased") if match.erased else tr("Privacy", "restricted") if match.restricted
                     else "")
            for col, cell in enumerate((_item(match.display), _item(short_subject(match.subject),
                                                                     tip=match.subject), _item(state))):
                self.subject_table.setItem(row, col, cell)
        if not self.matches:
            self.choose_subject(None)

    def _subject_chosen(self) -> None:
        rows = self.subject_table.selectionModel().selectedRows()
        if rows and 0 <= rows[0].row() < len(self.matches):
            self.choose_subject(self.matches[rows[0].row()])

    def choose_subject(self, match: SubjectMatch | None) -> None:
        self.subject = match
        self.subject_requests, self.accesses = [], []
        self.reads.pop("subject", None)  # the previous subject's read, if still running, is not shown
        self.new_for_subject.setEnabled(match is not None)
        self._fill_subject()
        if match is not None:
            self._read_subject(match.subject)

    def _fill_subject(self) -> None:
        language = self.session.language
        self.subject_requests_table.setRowCount(len(self.subject_requests))
        for row, info in enumerate(self.subject_requests):
            for col, cell in enumerate((_item(info.reference), _item(kind_text(info.kind)),
                                        _item(status_text(info.status)),
                                        _item(due_text(info, language), color=OVERDUE if info.overdue else None))):
                self.subject_requests_table.setItem(row, col, cell)
        self.log_table.setRowCount(len(self.accesses))
        for row, record in enumerate(self.accesses):
            at = saudi_time(record.at).strftime("%Y-%m-%d %H:%M:%S")
            for col, cell in enumerate((_item(at), _item(short_subject(record.actor), tip=record.actor),
                                        _item(", ".join(record.fields)), _item(record.purpose),
                                        _item(record.channel))):
                self.log_table.setItem(row, col, cell)
        self._subject_texts()

    def _subject_texts(self) -> None:
        if self.subject is None:
            self.subject_requests_label.setText(tr("Privacy", "Choose a subject to see its requests."))
            self.log_label.setText(tr("Privacy", "Choose a subject on the Subjects tab to see who read its "
                                                 "personal data, when and why."))
        else:
            name = self.subject.display
            self.subject_requests_label.setText(tr("Privacy", "Requests of {name}").format(name=name))
            self.log_label.setText(tr("Privacy", "Reads of the personal data of {name}: {n} (newest first)").format(
                name=name, n=format_int(len(self.accesses))))

    # -- language -----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.tabs.setTabText(0, tr("Privacy", "Requests"))
        self.tabs.setTabText(1, tr("Privacy", "Subjects"))
        self.tabs.setTabText(2, tr("Privacy", "Access log"))
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
        self.search.setPlaceholderText(tr("Privacy", "Name, e-mail, phone, id or VAT number"))
        self.search_button.setText(tr("Privacy", "Search"))
        self.new_for_subject.setText(tr("Privacy", "New request for this subject…"))
        self.subject_table.setHorizontalHeaderLabels([tr("Privacy", "Name"), tr("Privacy", "Subject"),
                                                      tr("Privacy", "State")])
        self.subject_requests_table.setHorizontalHeaderLabels([
            tr("PrivacyRequests", "Reference"), tr("PrivacyRequests", "Kind"), tr("PrivacyRequests", "Status"),
            tr("PrivacyRequests", "Due")])
        self.log_table.setHorizontalHeaderLabels([tr("Privacy", "Time"), tr("Privacy", "Who"),
                                                  tr("Privacy", "Fields"), tr("Privacy", "Purpose"),
                                                  tr("Privacy", "Channel")])
        self._fill_requests()
        self._fill_subject()
        if isinstance(self.dialog, NewRequestDialog | ErasureDialog) and self.dialog.isVisible():
            self.dialog.retranslate()
