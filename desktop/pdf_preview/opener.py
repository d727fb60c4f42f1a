"""A document in its own window (`PdfPreviewDialog`), and opening one: build it with `core.reports.build_report` in
a Job with a progress dialog and Cancel (`DocumentOpener`, `open_document`), then show it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressDialog, QVBoxLayout, QWidget

from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job, JobCancelled, Pool
from desktop.pdf_preview.widget import PdfPreview

if TYPE_CHECKING:
    from core.reports import Built
    from core.uow import Context
    from desktop.session import AppSession

BuildFn = Callable[..., "Built"]


class PdfPreviewDialog(QDialog):
    """A document in its own window: the preview with Print… and Save as…, and Close."""

    def __init__(self, parent: QWidget | None, built: Built, *, pool: Pool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.preview = PdfPreview(self, pool=pool)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 960)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.height() < 1000:
            self.resize(min(900, screen.width() - 40), screen.height() - 60)
        self.preview.set_document(built)
        self.setWindowTitle(built.title)

    def done(self, result: int) -> None:
        self.preview.cancel()  # a print run still going is stopped with the window
        super().done(result)


def _service_build(ctx: Context, kind: str, params: Mapping[str, Any], lang: str, *,
                   progress: Callable[[float, str], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> Built:
    from core.reports import build_report

    return build_report(ctx, kind, params, lang, progress=progress, cancelled=cancelled)


def document_job(ctx: Context, kind: str, params: Mapping[str, Any], lang: str, *,
                 build: BuildFn | None = None) -> Job:
    """A Job building one document (`core.reports.build_report`, or `build`); a cancelled build reports
    `cancelled` and never a document."""
    make = build or _service_build

    def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Built:
        built = make(ctx, kind, dict(params), lang, progress=progress, cancelled=cancelled)  # a cancel raises
        if cancelled():  # cancelled just as it finished: no document either
            raise JobCancelled
        return built

    return Job(work, f"build {kind} document")


class DocumentOpener(QObject):
    """Builds one document in a Job with a progress dialog (Cancel), then opens it in a `PdfPreviewDialog`.

    A child of the widget that asked: if that goes away first, nothing more happens."""

    def __init__(self, parent: QWidget, session: AppSession, kind: str, params: Mapping[str, Any], lang: str, *,
                 build: BuildFn | None = None) -> None:
        super().__init__(parent)
        self.widget, self.session = parent, session
        self.dialog: PdfPreviewDialog | None = None
        self.outcome = ""  # "shown" | "cancelled" | "failed" once finished
        self.progress = QProgressDialog(tr("PdfPreview", "Preparing the document…"), tr("PdfPreview", "Cancel"),
                                        0, 100, parent)
        self.progress.setObjectName("documentProgress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.job = document_job(session.ctx, kind, params, lang, build=build)
        self.progress.canceled.connect(self.job.cancel)
        self.job.signals.progressed.connect(self._progressed)
        self.job.signals.succeeded.connect(self._succeeded)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.cancelled.connect(self._cancelled)
        self.job.signals.finished.connect(self._finished)

    def start(self) -> Job:
        self.progress.setValue(0)
        self.session.pool.start(self.job)
        return self.job

    def _progressed(self, fraction: float, _message: str) -> None:
        self.progress.setValue(round(fraction * 100))

    def _succeeded(self, built: Built) -> None:
        self.outcome = "shown"
        self.progress.close()
        dialog = PdfPreviewDialog(self.widget, built, pool=self.session.pool)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()

    def _failed(self, exc: BaseException) -> None:
        self.outcome = "failed"
        self.progress.close()
        present_error(self.widget, exc)

    def _cancelled(self) -> None:
        self.outcome = "cancelled"

    def _finished(self) -> None:
        self.progress.close()
        self.progress.deleteLater()
        self.deleteLater()


def open_document(parent: QWidget, session: AppSession, kind: str, params: Mapping[str, Any],
                  lang: str | None = None, *, build: BuildFn | None = None) -> DocumentOpener:
    """Build a document of `kind` (in the background, with progress and Cancel) and preview it in a window."""
    opener = DocumentOpener(parent, session, kind, params, lang or session.language, build=build)
    opener.start()
    return opener
