"""The Privacy view: its three tabs (requests, subjects, access log) put together, what it reads and when, and the
steps on a request (intake, identity, extension, closure) each in its own unit of work.

The subject searches and the subject's requests and access log are read in Jobs (`PrivacyView.read`); the request
queue, a small table, on the UI thread. Reads here are made through the "desktop" channel of the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from core.privacy import SubjectMatch, access_log, find_subjects
from core.privacy import requests as dsr
from core.uow import UnitOfWork
from desktop.errors import present_error
from desktop.i18n import format_date, tr
from desktop.jobs import Job
from desktop.session import AUDIT, CUSTOMERS, PRIVACY, AppSession
from desktop.views.base import View
from desktop.views.privacy.access_log import LOG_LIMIT, AccessLogPage
from desktop.views.privacy.answers import RequestAnswers
from desktop.views.privacy.erasure import ErasureDialog
from desktop.views.privacy.request_dialogs import NewRequestDialog, StepDialog
from desktop.views.privacy.requests_list import RequestsPage
from desktop.views.privacy.subjects import SubjectsPage
from desktop.views.privacy.texts import CHANNEL


class PrivacyView(RequestAnswers, View):
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
        self.requests_page = RequestsPage()
        self.subjects_page = SubjectsPage()
        self.log_page = AccessLogPage()
        self.tabs = QTabWidget(objectName="privacyTabs")
        for page in (self.requests_page, self.subjects_page, self.log_page):
            self.tabs.addTab(page, "")
        QVBoxLayout(self).addWidget(self.tabs)
        self._name_parts()
        self._connect()
        self._update_actions()

    def _name_parts(self) -> None:
        """The pages' widgets under the names the view always had (tests and the screenshots use them)."""
        page = self.requests_page
        self.open_only, self.summary, self.table, self.result = page.open_only, page.summary, page.table, page.result
        self.new_button, self.verify_button, self.extend_button = page.new_button, page.verify_button, \
            page.extend_button
        self.close_button, self.export_button, self.erase_button = page.close_button, page.export_button, \
            page.erase_button
        self.progress, self.cancel_button = page.progress, page.cancel_button
        subjects = self.subjects_page
        self.search, self.search_button, self.new_for_subject = subjects.search, subjects.search_button, \
            subjects.new_for_subject
        self.subject_table = subjects.subject_table
        self.subject_requests_label, self.subject_requests_table = subjects.requests_label, subjects.requests_table
        self.log_label, self.log_table = self.log_page.label, self.log_page.table

    def _connect(self) -> None:
        self.open_only.toggled.connect(lambda _c: self.refresh())
        self.new_button.clicked.connect(lambda: self.new_request())
        self.verify_button.clicked.connect(lambda: self.verify_identity())
        self.extend_button.clicked.connect(lambda: self.extend())
        self.close_button.clicked.connect(lambda: self.close_request())
        self.export_button.clicked.connect(lambda: self.export())
        self.erase_button.clicked.connect(lambda: self.erase())
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.cancel_button.clicked.connect(self.cancel)
        self.search.returnPressed.connect(self.search_subjects)
        self.search_button.clicked.connect(self.search_subjects)
        self.new_for_subject.clicked.connect(lambda: self.new_request(self.subject))
        self.subject_table.itemSelectionChanged.connect(self._subject_chosen)

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

    # -- the request queue --------------------------------------------------------------------------------------

    def selected(self) -> dsr.RequestInfo | None:
        row = self.requests_page.selected_row()
        return self.requests[row] if row is not None and 0 <= row < len(self.requests) else None

    def select(self, reference: str) -> None:
        for row, info in enumerate(self.requests):
            if info.reference == reference:
                flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                         | QItemSelectionModel.SelectionFlag.Rows)
                self.table.selectionModel().setCurrentIndex(self.table.model().index(row, 0), flags)
                return

    def _fill_requests(self) -> None:
        keep = self.selected()
        self.requests_page.show_requests(self.requests, self.session.language)
        if keep is not None:
            self.select(keep.reference)
        self._update_actions()

    def _update_actions(self) -> None:
        self.requests_page.show_actions(self.selected(), self.session.language, busy=self.job is not None)

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
        self.subjects_page.show_matches(matches)
        if not self.matches:
            self.choose_subject(None)

    def _subject_chosen(self) -> None:
        row = self.subjects_page.chosen_row()
        if row is not None and 0 <= row < len(self.matches):
            self.choose_subject(self.matches[row])

    def choose_subject(self, match: SubjectMatch | None) -> None:
        self.subject = match
        self.subject_requests, self.accesses = [], []
        self.reads.pop("subject", None)  # the previous subject's read, if still running, is not shown
        self._fill_subject()
        if match is not None:
            self._read_subject(match.subject)

    def _fill_subject(self) -> None:
        self.subjects_page.show_subject(self.subject, self.subject_requests, self.session.language)
        self.log_page.show_reads(self.subject, self.accesses)

    # -- language -----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.tabs.setTabText(0, tr("Privacy", "Requests"))
        self.tabs.setTabText(1, tr("Privacy", "Subjects"))
        self.tabs.setTabText(2, tr("Privacy", "Access log"))
        for page in (self.requests_page, self.subjects_page, self.log_page):
            page.retranslate()
        self._fill_requests()
        self._fill_subject()
        if isinstance(self.dialog, NewRequestDialog | ErasureDialog) and self.dialog.isVisible():
            self.dialog.retranslate()
