"""Answering a request: the export of a subject's data (access, portability) and the erasure (after its preview and
a confirmation), each in a Job with progress and Cancel; the request is then marked in progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QProgressBar, QPushButton

from core.errors import ValidationError
from core.privacy import requests as dsr
from desktop.errors import present_error
from desktop.i18n import format_int, tr
from desktop.jobs import Job
from desktop.session import AUDIT, CUSTOMERS, PRIVACY
from desktop.views.privacy.erasure import ErasureDialog
from desktop.views.privacy.texts import CHANNEL

if TYPE_CHECKING:
    from desktop.session import AppSession
    from desktop.views.privacy.requests_list import RequestsPage


class RequestAnswers:
    """Mixed into `PrivacyView`: export and erasure of the selected request's subject.

    The export and the erasure are resolved through the `core.privacy` face when they run, off the start-up path
    (and tests put fakes in `sys.modules`). It relies on the view's `selected()`, `select()` and
    `_update_actions()`."""

    session: AppSession
    requests_page: RequestsPage
    job: Job | None  # the export or erasure running
    dialog: QDialog | None
    last_export: Any
    last_erasure: Any
    result: QLabel
    progress: QProgressBar
    cancel_button: QPushButton

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
        dialog = ErasureDialog(self, info, plan)  # type: ignore[arg-type]
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

    # --- the job running ---------------------------------------------------------------------------------------

    def _start(self, job: Job, message: str) -> Job:
        self.job = job
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(
            lambda: self.result.setText(tr("PrivacyRequests", "Cancelled; nothing was changed.")))
        job.signals.finished.connect(self._finished)
        self.requests_page.show_running(True)
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
        self.requests_page.show_running(False)
        self._update_actions()
