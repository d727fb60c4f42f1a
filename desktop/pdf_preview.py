"""Preview, print and save a finished PDF (`core.reports.document.Built`): the one way the desktop shows a document.

- `PdfPreview` is a widget: the pages in a scroll area, drawn by PDFium (pypdfium2) page by page as they come into
  view, each page a `Job` on the given pool (the UI thread only paints finished images); zoom out/in and fit to
  width; "page n of N" with a box to jump to a page; Print… and Save as… with a progress bar and Cancel.
- `PdfPreviewDialog(parent, built)` is that widget in a window; `open_document(parent, session, kind, params)`
  builds a document with `core.reports.service.build` in a Job (progress, cancel) and then opens the dialog.
- Printing renders each page at the printer's resolution (at most `PRINT_DPI_MAX`) in a Job and paints it on the
  QPrinter, so a 40-page report never freezes the window. Saving writes the bytes as they were built.

PDFium is not thread-safe: every call goes through `PdfPages`, which holds one lock for all documents.
Tests replace the two modal dialogs through `PdfPreview._printer()` and `PdfPreview._ask_save_path()`.
"""

from __future__ import annotations

import atexit
import logging
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSizeF, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
    QShowEvent,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.files import write_private
from core.reports import ReportError
from desktop.errors import present_error
from desktop.i18n import format_int, tr
from desktop.jobs import Job, JobCancelled, Pool, ThreadPool

if TYPE_CHECKING:
    from core.reports import Built
    from core.uow import Context
    from desktop.session import AppSession

log = logging.getLogger("qayd.desktop")

POINT_PX = 96 / 72  # screen pixels per PDF point at 100 %
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
FIT = 0.0  # the zoom box's value for "fit width"
GAP = 14  # pixels around and between pages
MAX_PAGE_PIXELS = 16_000_000  # one page image at most (64 MB); larger zooms draw a smaller image scaled up
CACHE_BYTES = 160 * 1024 * 1024  # page images kept; the pages farthest from the current one go first
PRINT_DPI_MAX = 300
RESIZE_DELAY_MS = 120
BACKDROP = QColor("#7d868f")
SHADOW = QColor(0, 0, 0, 60)

BuildFn = Callable[..., "Built"]

_PDFIUM = threading.RLock()  # PDFium is not thread-safe, even across documents: one call at a time
_OPEN: weakref.WeakSet[PdfPages] = weakref.WeakSet()


@atexit.register  # after pypdfium2's own exit hook was registered, so run before it: nothing is left open
def _close_all() -> None:
    for pages in list(_OPEN):
        pages.close()


class PdfPages:
    """An open PDF for drawing: page sizes in points, and page images at any scale (thread-safe)."""

    def __init__(self, pdf: bytes) -> None:
        self._doc: pdfium.PdfDocument | None = None
        with _PDFIUM:
            self._doc = pdfium.PdfDocument(pdf)
            _OPEN.add(self)
            self.sizes: list[tuple[float, float]] = [
                (float(w), float(h)) for w, h in (self._doc.get_page_size(i) for i in range(len(self._doc)))]

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, scale: float) -> QImage:
        """Page `index` (from 0) drawn at `scale` pixels per point, white background, as a QImage."""
        with _PDFIUM:
            if self._doc is None:
                raise RuntimeError("the document was closed")
            page = self._doc[index]
            try:
                bitmap = page.render(scale=scale, may_draw_forms=False, prefer_bgrx=True)
                try:  # BGRx bytes are Qt's RGB32 (0xffRRGGBB) on little-endian machines; copied before closing
                    image = QImage(memoryview(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGB32).copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
        return image

    def close(self) -> None:
        with _PDFIUM:
            if self._doc is not None:
                self._doc.close()
                self._doc = None

    def __del__(self) -> None:  # closed under the lock, never by PDFium's own finalizer during another's call
        self.close()


def fit_rect(area: QRectF, width: float, height: float) -> QRectF:
    """The largest rectangle of `width`:`height` proportions centred in `area`."""
    factor = min(area.width() / width, area.height() / height)
    w, h = width * factor, height * factor
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (a partial file is never left under the chosen name), owner-only."""
    write_private(path, data)


class PageCanvas(QWidget):
    """The pages one under another on a grey backdrop; each page's image once rendered, blank until then."""

    def __init__(self, preview: PdfPreview) -> None:
        super().__init__()
        self.preview = preview
        self.setObjectName("pdfCanvas")
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # pages are not mirrored in Arabic

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKDROP)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for index, rect in enumerate(self.preview.page_rects):
            if not rect.intersects(event.rect()):
                continue
            painter.fillRect(rect.translated(3, 3), SHADOW)
            painter.fillRect(rect, Qt.GlobalColor.white)
            cached = self.preview.cached(index)
            if cached is not None:
                painter.drawImage(QRectF(rect), cached)
        painter.end()


class PdfPreview(QWidget):
    """A document's pages with zoom, page navigation, Print… and Save as…; `set_document(built)` shows one."""

    saved = Signal(str)  # the path written
    printed = Signal(int)  # pages sent to the printer
    last_folder: Path | None = None  # where the last document was saved, for the next Save as…

    def __init__(self, parent: QWidget | None = None, *, pool: Pool | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.pool: Pool = pool if pool is not None else ThreadPool()
        self.built: Built | None = None
        self._pages: PdfPages | None = None
        self.zoom = 1.0  # the effective zoom (1.0 = 100 %)
        self.page_rects: list[QRect] = []
        self.print_job: Job | None = None
        self.placeholder_text = ""
        self._images: OrderedDict[int, tuple[float, QImage]] = OrderedDict()  # index -> (scale, image)
        self._failed: set[int] = set()
        self._generation = 0
        self._render_job: Job | None = None
        self._current = 0

        self.zoom_out_button = QToolButton(objectName="zoomOut")
        self.zoom_out_button.setText("−")
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_box = QComboBox(objectName="zoomBox")
        self.zoom_box.addItem("", FIT)
        for zoom in ZOOMS:
            self.zoom_box.addItem(f"{round(zoom * 100)}%", zoom)
        self.zoom_box.currentIndexChanged.connect(self._zoom_chosen)
        self.zoom_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Fit width" in any language
        self.zoom_in_button = QToolButton(objectName="zoomIn")
        self.zoom_in_button.setText("+")
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.page_label = QLabel()
        self.page_box = QSpinBox(objectName="pageBox")
        self.page_box.setRange(1, 1)
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.page_total = QLabel(objectName="pageTotal")
        self.print_button = QPushButton(objectName="printDocument")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(objectName="saveDocument")
        self.save_button.clicked.connect(self.save_as)
        self.toolbar = QWidget(objectName="pdfToolbar")
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        tools: tuple[QWidget, ...] = (self.zoom_out_button, self.zoom_box, self.zoom_in_button)
        for tool in tools:
            bar.addWidget(tool)
        bar.addSpacing(16)
        tools = (self.page_label, self.page_box, self.page_total)
        for tool in tools:
            bar.addWidget(tool)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)

        self.canvas = PageCanvas(self)
        self.pages_area = QScrollArea(objectName="pdfPages")
        self.pages_area.setWidget(self.canvas)
        self.pages_area.setWidgetResizable(False)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit width never flickers
        palette = self.pages_area.viewport().palette()
        palette.setColor(QPalette.ColorRole.Window, BACKDROP)
        self.pages_area.viewport().setPalette(palette)
        self.pages_area.viewport().setAutoFillBackground(True)
        self.pages_area.viewport().installEventFilter(self)
        self.pages_area.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.pages_area.horizontalScrollBar().valueChanged.connect(lambda _v: self._schedule())
        self.empty = QLabel(objectName="pdfEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        self.status = QLabel(objectName="pdfStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(objectName="pdfProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_button = QPushButton(objectName="pdfCancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        foot = QHBoxLayout()
        foot.addWidget(self.status, 1)
        foot.addWidget(self.progress)
        foot.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages_area, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(foot)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._pump)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in), (QKeySequence.StandardKey.ZoomOut,
                                                                             self.zoom_out),
                           (QKeySequence.StandardKey.Print, self.print_document),
                           (QKeySequence.StandardKey.SaveAs, self.save_as)):
            QShortcut(QKeySequence(keys), self, slot, context=context)
        self.zoom_box.setCurrentIndex(0)  # fit width
        self.retranslate()
        self.set_document(None)

    # -- the document ---------------------------------------------------------------------------------------------

    @property
    def pages(self) -> PdfPages | None:
        return self._pages

    @property
    def page_count(self) -> int:
        return len(self.pages) if self.pages is not None else 0

    @property
    def fit_width(self) -> bool:
        return bool(self.zoom_box.currentData() == FIT)

    def set_placeholder(self, text: str) -> None:
        """What is shown while there is no document (e.g. how to make one)."""
        self.placeholder_text = text
        self.empty.setText(text or tr("PdfPreview", "No document."))

    def set_document(self, built: Built | None) -> None:
        """Show `built` (None: no document) from its first page; a print run of the previous one is stopped."""
        self.cancel()
        self._close_pages()
        self.built = built
        self.status.setText("")
        if built is not None:
            try:
                self._pages = PdfPages(built.pdf)
            except Exception:  # a PDF PDFium cannot read: it can still be saved and opened elsewhere
                log.warning("a document could not be shown", exc_info=True)
                self.status.setText(tr("PdfPreview", "This document cannot be shown here; save it and open it "
                                                     "with a PDF reader."))
        has_pages = self.page_count > 0
        self.toolbar.setVisible(built is not None)  # nothing to zoom, print or save without a document
        self.pages_area.setVisible(has_pages)
        self.empty.setVisible(not has_pages)
        for widget in (self.zoom_out_button, self.zoom_box, self.zoom_in_button, self.page_box, self.print_button):
            widget.setEnabled(has_pages)
        self.save_button.setEnabled(built is not None)
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, max(1, self.page_count))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self._current = 0
        self._relayout(keep_position=False)
        self.pages_area.verticalScrollBar().setValue(0)
        self._retranslate_pages()
        self._schedule()

    def _close_pages(self) -> None:
        self._generation += 1
        self._images.clear()
        self._failed.clear()
        if self._pages is not None:
            self._pages.close()
            self._pages = None

    def cached(self, index: int) -> QImage | None:
        """The image of page `index` as drawn now (perhaps of an earlier zoom, until it is redrawn)."""
        found = self._images.get(index)
        return found[1] if found is not None else None

    def page_image(self, index: int) -> QImage | None:
        """Page `index`'s image at the current zoom, once rendered (None until then)."""
        found = self._images.get(index)
        if found is None or not math.isclose(found[0], self._scale(index)):
            return None
        return found[1]

    # -- layout and zoom ------------------------------------------------------------------------------------------

    def _fit_zoom(self) -> float:
        if not self.pages:
            return 1.0
        widest = max(w for w, _h in self.pages.sizes) * POINT_PX
        return max(0.2, min(ZOOMS[-1], (self.pages_area.viewport().width() - 2 * GAP) / widest))

    def _relayout(self, *, keep_position: bool = True) -> None:
        """Place the pages for the current zoom, keeping the same place of the same page in view."""
        bar = self.pages_area.verticalScrollBar()
        anchor = None
        if keep_position and self.page_rects:
            index = self._current
            rect = self.page_rects[index]
            anchor = (index, (bar.value() - rect.top()) / max(1, rect.height()))
        self.zoom = self._fit_zoom() if self.fit_width else float(self.zoom_box.currentData())
        sizes = [(round(w * POINT_PX * self.zoom), round(h * POINT_PX * self.zoom))
                 for w, h in (self.pages.sizes if self.pages else [])]
        width = max((w for w, _h in sizes), default=0) + 2 * GAP
        rects, y = [], GAP
        for w, h in sizes:
            rects.append(QRect((width - w) // 2, y, w, h))
            y += h + GAP
        self.page_rects = rects
        self.canvas.resize(width, y if rects else 0)
        if anchor is not None and anchor[0] < len(rects):
            rect = rects[anchor[0]]
            bar.setValue(rect.top() + round(anchor[1] * rect.height()))
        self.canvas.update()

    def _zoom_chosen(self, _index: int) -> None:
        self._relayout()
        self._schedule(RESIZE_DELAY_MS)

    def set_zoom(self, zoom: float) -> None:
        """Show at `zoom` (1.0 = 100 %; `FIT` = fit the width of the window)."""
        index = self.zoom_box.findData(zoom)
        if index < 0:
            index = min(range(1, self.zoom_box.count()), key=lambda i: abs(self.zoom_box.itemData(i) - zoom))
        self.zoom_box.setCurrentIndex(index)

    def zoom_in(self) -> None:
        larger = [z for z in ZOOMS if z > self.zoom + 1e-6]
        self.set_zoom(larger[0] if larger else ZOOMS[-1])

    def zoom_out(self) -> None:
        smaller = [z for z in ZOOMS if z < self.zoom - 1e-6]
        self.set_zoom(smaller[-1] if smaller else ZOOMS[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pages_area.viewport() and event.type() == QEvent.Type.Resize and self.fit_width:
            self._relayout()
            self._schedule(RESIZE_DELAY_MS)
        return super().eventFilter(watched, event)

    # -- pages in view --------------------------------------------------------------------------------------------

    def _view_rect(self) -> QRect:
        viewport = self.pages_area.viewport()
        return QRect(self.canvas.mapFrom(viewport, QPoint(0, 0)), viewport.size())

    def visible_pages(self) -> list[int]:
        seen = self._view_rect()
        return [i for i, rect in enumerate(self.page_rects) if rect.intersects(seen)]

    @property
    def current_page(self) -> int:
        """The page in view (from 0): the one under the upper third of the window."""
        return self._current

    def _update_current(self) -> None:
        seen = self._view_rect()
        probe = seen.top() + seen.height() // 3
        current = 0
        for index, rect in enumerate(self.page_rects):
            if rect.top() <= probe:
                current = index
        self._current = current
        self.page_box.blockSignals(True)
        self.page_box.setValue(current + 1)
        self.page_box.blockSignals(False)

    def _scrolled(self, _value: int) -> None:
        self._update_current()
        self._schedule()

    def go_to_page(self, index: int) -> None:
        """Scroll so that page `index` (from 0) starts at the top."""
        if 0 <= index < len(self.page_rects):
            self.pages_area.verticalScrollBar().setValue(self.page_rects[index].top() - GAP // 2)
            self._current = index
            self._update_current()
            self._schedule()

    # -- rendering (one page at a time, in a Job) -----------------------------------------------------------------

    def _scale(self, index: int) -> float:
        assert self.pages is not None
        w, h = self.pages.sizes[index]
        scale = self.zoom * POINT_PX * self.devicePixelRatioF()
        return min(scale, math.sqrt(MAX_PAGE_PIXELS / max(1.0, w * h)))

    def _schedule(self, delay: int = 0) -> None:
        if self.pages is not None:
            self._timer.start(delay)

    def _wanted(self) -> list[int]:
        """Pages to draw: those in view (the current one first), then one on each side of them."""
        visible = sorted(self.visible_pages(), key=lambda i: abs(i - self._current))
        if not visible:
            return []
        around = [i for i in (min(visible) - 1, max(visible) + 1) if 0 <= i < self.page_count]
        return visible + around

    def _pump(self) -> None:
        if self.pages is None or self._render_job is not None or not self.isVisible():
            return
        for index in self._wanted():
            found = self._images.get(index)
            scale = self._scale(index)
            if index in self._failed or (found is not None and math.isclose(found[0], scale)):
                continue
            self._start_render(index, scale)
            return

    def _start_render(self, index: int, scale: float) -> None:
        pages, generation = self.pages, self._generation
        assert pages is not None

        def work(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> Any:
            try:
                return generation, index, scale, pages.render(index, scale)
            except Exception:  # a page PDFium cannot draw stays blank; the others are still shown
                log.debug("page %d could not be drawn", index, exc_info=True)
                return generation, index, scale, None

        job = Job(work, "draw pdf page")
        job.signals.succeeded.connect(self._rendered)
        job.signals.finished.connect(self._render_finished)
        self._render_job = job
        self.pool.start(job)

    def _rendered(self, result: tuple[int, int, float, QImage | None]) -> None:
        generation, index, scale, image = result
        if generation != self._generation or index >= len(self.page_rects):
            return
        if image is None:
            self._failed.add(index)
            return
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._images[index] = (scale, image)
        self._images.move_to_end(index)
        self._evict()
        self.canvas.update(self.page_rects[index])

    def _render_finished(self) -> None:
        self._render_job = None
        self._schedule()

    def _evict(self) -> None:
        total = sum(image.sizeInBytes() for _s, image in self._images.values())
        while total > CACHE_BYTES and len(self._images) > 1:
            far = max(self._images, key=lambda i: abs(i - self._current))
            total -= self._images.pop(far)[1].sizeInBytes()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.fit_width:
            self._relayout()
        self._schedule()

    # -- printing -------------------------------------------------------------------------------------------------

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
        dpi = min(printer.resolution(), PRINT_DPI_MAX)
        refused = ReportError(tr("PdfPreview", "The printer could not be started."),
                              fix=tr("PdfPreview", "Check that the printer is switched on and connected, or "
                                                   "choose another printer, then print again."))

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> int:
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

        job = Job(work, "print document")
        job.signals.progressed.connect(self._print_progress)
        job.signals.succeeded.connect(self._print_done)
        job.signals.cancelled.connect(self._print_cancelled)
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

    def _print_progress(self, fraction: float, _message: str) -> None:
        self.progress.setValue(round(fraction * 100))

    def _print_done(self, pages: int) -> None:
        self.status.setText(tr("PdfPreview", "Sent {n} pages to the printer.").format(n=format_int(pages)))
        self.printed.emit(pages)

    def _print_cancelled(self) -> None:
        self.status.setText(tr("PdfPreview", "Printing cancelled."))

    def _print_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("PdfPreview", "Not printed; see the message."))
        present_error(self, exc)

    def _print_finished(self) -> None:
        self.print_job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.print_button.setEnabled(self.page_count > 0)

    # -- saving ---------------------------------------------------------------------------------------------------

    def _ask_save_path(self) -> Path | None:
        """Ask where to save (the system file dialog, the document's own file name suggested); None: cancelled."""
        assert self.built is not None
        folder = PdfPreview.last_folder or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        name, _filter = QFileDialog.getSaveFileName(self, tr("PdfPreview", "Save the document as"),
                                                    str(folder / self.built.filename),
                                                    tr("PdfPreview", "PDF documents (*.pdf)"))
        return Path(name) if name else None

    def save_as(self) -> Path | None:
        """Save as… : write the document's bytes, exactly as built, where the clerk chooses."""
        if self.built is None:
            return None
        path = self._ask_save_path()
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_file(path, self.built.pdf)
        except OSError:
            log.warning("a document could not be saved", exc_info=True)
            self.status.setText(tr("PdfPreview", "Not saved; see the message."))
            present_error(self, ReportError(
                tr("PdfPreview", "The document could not be saved as {name}.").format(name=path.name),
                fix=tr("PdfPreview", "Choose another folder, or check that the disk is not full and that you may "
                                     "write there, then save again.")))
            return None
        PdfPreview.last_folder = path.parent
        self.status.setText(tr("PdfPreview", "Saved as {path}.").format(path=str(path)))
        self.saved.emit(str(path))
        return path

    # -- language -------------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.zoom_box.setItemText(0, tr("PdfPreview", "Fit width"))
        self.zoom_out_button.setToolTip(tr("PdfPreview", "Zoom out"))
        self.zoom_in_button.setToolTip(tr("PdfPreview", "Zoom in"))
        self.zoom_box.setToolTip(tr("PdfPreview", "Zoom"))
        self.page_label.setText(tr("PdfPreview", "Page"))
        self.print_button.setText(tr("PdfPreview", "Print…"))
        self.save_button.setText(tr("PdfPreview", "Save as…"))
        self.cancel_button.setText(tr("PdfPreview", "Cancel"))
        self.set_placeholder(self.placeholder_text)
        self._retranslate_pages()

    def _retranslate_pages(self) -> None:
        self.page_total.setText(tr("PdfPreview", "of {n}").format(n=format_int(self.page_count)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


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


# --- building a document in the background, then previewing it ------------------------------------------------


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
