"""Print…: the system print dialog, then each chosen page drawn at the printer's resolution (at most
`PRINT_DPI_MAX`) and painted on the QPrinter in a Job, so a 40-page report never freezes the window."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSizeF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton

from core.progress import CancelCheck, Progress
from core.reports import ReportError
from desktop.errors import present_error
from desktop.i18n import format_int, tr
from desktop.jobs import Job, JobCancelled, Pool
from desktop.pdf_preview.rendering import MAX_PAGE_PIXELS

if TYPE_CHECKING:
    from core.reports import Built
    from desktop.pdf_preview.pages import PdfPages

PRINT_DPI_MAX = 300


def fit_rect(area: QRectF, width: float, height: float) -> QRectF:
    """The largest rectangle of `width`:`height` proportions centred in `area`."""
    factor = min(area.width() / width, area.height() / height)
    w, h = width * factor, height * factor
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def print_work(printer: QPrinter, pages: PdfPages, indices: list[int]) -> Callable[[Progress, CancelCheck], int]:
    """The Job's work: paint `indices` on `printer`, one page image at a time. Built on the UI thread (the
    resolution read and the refusal's text translated there); it runs in the Job's thread."""
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    refused = ReportError(tr("PdfPreview", "The printer could not be started."),
                          fix=tr("PdfPreview", "Check that the printer is switched on and connected, or "
                                               "choose another printer, then print again."))

    def work(progress: Progress, cancelled: CancelCheck) -> int:
        painter = QPainter()
        if not painter.begin(printer):
            raise refused
        try:
            area = printer.paperRect(QPrinter.Unit.DevicePixel)
            for done, index in enumerate(indices):
                if cancelled():
                    printer.abort()
                    raise JobCancelled
                if done:
                    printer.newPage()
                w, h = pages.sizes[index]
                try:
                    image = pages.render(index, min(dpi / 72, math.sqrt(MAX_PAGE_PIXELS / (w * h))))
                except RuntimeError:  # another document replaced this one: the run was cancelled
                    if cancelled():
                        printer.abort()
                        raise JobCancelled from None
                    raise
                painter.drawImage(fit_rect(area, image.width(), image.height()), image)
                progress((done + 1) / len(indices), "")
        finally:
            if painter.isActive():
                painter.end()
        return len(indices)

    return work


class Printing:
    """Mixed into `PdfPreview`: Print… with its progress and Cancel. Tests replace the dialog through `_printer()`.

    It relies on the preview's `pages`, `page_count`, `built`, `pool`, `print_button`, `progress`, `cancel_button`,
    `status` and its `printed` signal."""

    printed: Signal
    pool: Pool
    built: Built | None
    print_job: Job | None
    print_button: QPushButton
    progress: QProgressBar
    cancel_button: QPushButton
    status: QLabel

    def new_printer(self) -> QPrinter:
        """A printer set up for this document: its paper size and orientation, its title, full pages."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.pages:
            w, h = self.pages.sizes[0]
            printer.setPageSize(QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Point, "",
                                          QPageSize.SizeMatchPolicy.FuzzyMatch))
            printer.setPageOrientation(QPageLayout.Orientation.Landscape if w > h
                                       else QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the document has its own margins
        if self.built is not None:
            printer.setDocName(self.built.title)
        return printer

    def _printer(self) -> QPrinter | None:
        """Ask where and how to print (the system print dialog); None when the clerk cancels."""
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("PdfPreview", "Print"))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setMinMax(1, max(1, self.page_count))
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def print_document(self) -> Job | None:
        """Print… : the print dialog, then the pages painted on the printer in a Job (progress, Cancel)."""
        if self.pages is None or self.print_job is not None:
            return None
        printer = self._printer()
        if printer is None:
            return None
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> Job:
        """Paint the chosen pages (the printer's page range, else all) on `printer` in a Job."""
        assert self.pages is not None
        pages, count = self.pages, self.page_count
        first, last = printer.fromPage(), printer.toPage()
        indices = list(range(max(1, first) - 1, min(count, last))) if first > 0 else list(range(count))
        job = Job(print_work(printer, pages, indices), "print document")
        job.signals.progressed.connect(lambda fraction, _message: self.progress.setValue(round(fraction * 100)))
        job.signals.succeeded.connect(self._print_done)
        job.signals.cancelled.connect(lambda: self.status.setText(tr("PdfPreview", "Printing cancelled.")))
        job.signals.failed.connect(self._print_failed)
        job.signals.finished.connect(self._print_finished)
        self.print_job = job
        self.print_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.status.setText(tr("PdfPreview", "Printing…"))
        self.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.print_job is not None:
            self.print_job.cancel()
            self.cancel_button.setEnabled(False)

    def _print_done(self, pages: int) -> None:
        self.status.setText(tr("PdfPreview", "Sent {n} pages to the printer.").format(n=format_int(pages)))
        self.printed.emit(pages)

    def _print_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("PdfPreview", "Not printed; see the message."))
        present_error(self, exc)

    def _print_finished(self) -> None:
        self.print_job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.print_button.setEnabled(self.page_count > 0)
