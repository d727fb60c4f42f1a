"""The editor's actions: save (as it is typed, and before closing), issue (in a Job), draft a credit or debit note
of an issued invoice, open its printed copy; the buttons and the status line that report them.

A save is one small transaction (`core.invoicing.drafts.save_draft`, ~10 ms), so it runs on the UI thread; issuing
(`core.zatca.issue_many`) runs in a background Job and commits only if it was not cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QProgressBar, QPushButton, QTabWidget

from core.errors import QaydError, StoreBusyError, ValidationError
from core.findings import Finding
from core.invoicing import DocumentType, InvoiceDraft, drafts
from core.zatca import IssuedInfo, issue_many
from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Cancelled, Job, JobCancelled, Progress
from desktop.session import INVOICES, ZATCA
from desktop.views.invoice_editor.findings import ERROR_COLOR

if TYPE_CHECKING:
    from desktop.session import AppSession


class EditorActions:
    """Mixed into `InvoiceEditorDialog` (before QDialog, so that its `closeEvent` and `reject` save first).

    It relies on the dialog's document state, declared here, and on its `read_only`, `document_id`,
    `current_draft()`, `validate_now()`, `findings`, `jump_to()`, `_show_findings()`, `_load()` and `_update_title()`.
    """

    session: AppSession
    job: Job | None
    note_editor: QDialog | None
    tabs: QTabWidget
    findings_list: QListWidget
    _base: InvoiceDraft
    _version: int | None
    _last_saved: InvoiceDraft | None
    _touched: bool
    _save_findings: list[Finding]
    _save_error: str
    _save_blocked: bool  # the draft changed or was issued elsewhere: saving again would not help
    _close_refused: bool
    _save_timer: QTimer

    def _build_actions(self) -> QHBoxLayout:
        self.status = QLabel(objectName="status")
        self.progress = QProgressBar(objectName="issueProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.issue_button = QPushButton(objectName="issueButton")
        self.issue_button.clicked.connect(self.issue)
        self.cancel_button = QPushButton(objectName="cancelIssueButton")
        self.cancel_button.clicked.connect(self._cancel_job)
        self.cancel_button.hide()
        self.credit_button = QPushButton(objectName="creditNoteButton")
        self.credit_button.clicked.connect(lambda: self.make_note(DocumentType.CREDIT_NOTE))
        self.debit_button = QPushButton(objectName="debitNoteButton")
        self.debit_button.clicked.connect(lambda: self.make_note(DocumentType.DEBIT_NOTE))
        self.pdf_button = QPushButton(objectName="pdfButton")
        self.pdf_button.clicked.connect(self.open_pdf)
        self.close_button = QPushButton(objectName="closeButton")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.progress)
        for button in (self.cancel_button, self.pdf_button, self.credit_button, self.debit_button,
                       self.issue_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        return buttons

    def _show_actions(self, *, read_only: bool) -> None:
        """A draft is issued; an issued invoice is corrected by a note and printed (a note is not corrected)."""
        self.issue_button.setVisible(not read_only)
        can_correct = read_only and self._base.type is DocumentType.INVOICE
        self.credit_button.setVisible(can_correct)
        self.debit_button.setVisible(can_correct)
        self.pdf_button.setVisible(read_only)

    def _retranslate_actions(self) -> None:
        self.issue_button.setText(tr("InvoiceEditor", "Issue"))
        self.cancel_button.setText(tr("InvoiceEditor", "Cancel"))
        self.credit_button.setText(tr("InvoiceEditor", "Credit note"))
        self.debit_button.setText(tr("InvoiceEditor", "Debit note"))
        self.pdf_button.setText(tr("PdfPreview", "PDF…"))
        self.close_button.setText(tr("InvoiceEditor", "Close"))
        if self.read_only:
            self._set_status(tr("InvoiceEditor", "Issued. The document can no longer be changed."))
        elif self._save_error:
            self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields."), error=True)
        elif self._last_saved is not None:
            self._set_status(tr("InvoiceEditor", "Draft saved."))
        else:
            self._set_status(tr("InvoiceEditor", "New draft: it is saved as you type."))

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    # --- saving ------------------------------------------------------------------------------------------------

    def save_now(self) -> bool:
        """Store the draft if it changed since the last save; False when it could not be stored."""
        self._save_timer.stop()
        if self.read_only:
            return True
        if self._save_blocked:
            return False
        draft = self.current_draft()
        if not self._touched or draft == self._last_saved:
            return self._save_error == ""
        try:
            with self.session.uow() as uow:
                saved = drafts.save_draft(uow, draft, expected_version=self._version)
                uow.commit()
        except ValidationError as exc:
            self._save_findings, self._save_error = list(exc.findings), exc.message
            self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields."), error=True)
            self._show_findings()
            return False
        except StoreBusyError:  # another process is writing: the typing stays here and the save is tried again
            self._set_status(tr("InvoiceEditor", "Not saved yet: another Qayd window or command is writing to the "
                                "books; trying again."), error=True)
            self._save_timer.start()
            return False
        except QaydError as exc:  # changed, issued or deleted elsewhere: say so once, stop saving
            self._save_error, self._save_blocked = exc.message, True
            self._set_status(tr("InvoiceEditor", "Not saved."), error=True)
            present_error(self, exc)
            return False
        self._saved(saved.version, draft)
        return True

    def _saved(self, version: int, draft: InvoiceDraft) -> None:
        self._version, self._last_saved, self._base = version, draft, draft
        had_save_findings = bool(self._save_findings)
        self._save_findings, self._save_error = [], ""
        self._set_status(tr("InvoiceEditor", "Draft saved."))
        self._update_title()
        if had_save_findings:
            self._show_findings()
        self.session.notify(INVOICES)

    def _may_close(self) -> bool:
        """Save before closing; a draft that cannot be stored keeps the editor open once, then is discarded."""
        if self.job is not None:  # issuing: let it finish (or cancel it) first
            return False
        if self.read_only or self.save_now() or self._close_refused:
            return True
        self._close_refused = True
        self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields, or close again to "
                                             "discard the changes."), error=True)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close():
            event.ignore()
            return
        super().closeEvent(event)  # QDialog's calls reject()

    def reject(self) -> None:  # Esc and the close button: save first
        if self._may_close():
            super().reject()

    # --- issuing -----------------------------------------------------------------------------------------------

    def issue(self) -> Job | None:
        """Save, then issue in the background (a draft with errors is not issued: its findings are shown)."""
        if self.read_only or self.job is not None:
            return None
        self._touched = True
        if not self.save_now():
            self._focus_first_finding()
            return None
        errors = [f for f in self.validate_now() if f.is_error]
        if errors:
            self._set_status(tr("InvoiceEditor", "Not issued: correct the errors listed first."), error=True)
            self._focus_first_finding()
            return None
        job = self._issue_job()
        self.job = job
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.issue_button.setEnabled(False)
        self._set_status(tr("InvoiceEditor", "Issuing…"))
        self.session.pool.start(job)
        return job

    def _issue_job(self) -> Job:
        ident, ctx = str(self.document_id), self.session.ctx

        def run(progress: Progress, cancelled: Cancelled) -> list[IssuedInfo]:
            with ctx.uow() as uow:  # this thread's own unit of work
                issued = issue_many(uow, [ident], progress=progress)
                if cancelled():  # before the commit, nothing is issued
                    raise JobCancelled
                uow.commit()
            return list(issued)

        job = Job(run, "issue")
        job.signals.progressed.connect(lambda fraction, _message: self.progress.setValue(int(fraction * 100)))
        job.signals.succeeded.connect(self._issued)
        job.signals.failed.connect(self._issue_failed)
        job.signals.cancelled.connect(lambda: self._set_status(tr("InvoiceEditor", "Issuing cancelled; nothing "
                                                                               "was issued.")))
        job.signals.finished.connect(self._issue_finished)
        return job

    def _focus_first_finding(self) -> None:
        first = next(iter(self.findings), None)
        if first is not None:
            self.findings_list.setCurrentRow(0)
            self.jump_to(first)

    def _issued(self, _result: object) -> None:
        self.session.notify(INVOICES)
        self.session.notify(ZATCA)
        self._load(str(self.document_id))
        self._set_status(tr("InvoiceEditor", "Issued. The document can no longer be changed."))
        self.tabs.setCurrentIndex(1)

    def _issue_failed(self, exc: object) -> None:
        if isinstance(exc, ValidationError):
            self._save_findings = list(exc.findings)
            self._show_findings()
            self._focus_first_finding()
        self._set_status(tr("InvoiceEditor", "Not issued."), error=True)
        if isinstance(exc, BaseException):
            present_error(self, exc)

    def _issue_finished(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.issue_button.setEnabled(True)

    def _cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # --- an issued document ------------------------------------------------------------------------------------

    def make_note(self, note_type: DocumentType) -> QDialog | None:
        """One action: draft a credit or debit note for this issued invoice and open it in a new editor."""
        try:
            with self.session.uow() as uow:
                saved = drafts.prepare_note(uow, str(self.document_id), note_type)
                uow.commit()
        except QaydError as exc:
            present_error(self, exc)
            return None
        self.session.notify(INVOICES)
        # A child of this editor, so that it takes input even when this one was opened window-modal.
        editor = type(self)(self.session, str(saved.id), self)  # type: ignore[call-arg]
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.show()
        self.note_editor = editor
        editor.reason.setFocus()
        return editor

    def open_pdf(self) -> object:
        """The printed copy (PDF) of this issued document, built in a Job, in a preview window (Print, Save as)."""
        from desktop.pdf_preview import open_document

        return open_document(self, self.session, "invoice", {"ref": str(self.document_id)})
