"""The preview widget (`PdfPreview`): the toolbar over the pages in a scroll area, and the status line with the
progress of a print run; it places the pages for the zoom and follows the page in view. Drawing the pages
(`rendering`), printing (`printing`) and saving (`saving`) are its other rooms, mixed in."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop.i18n import tr
from desktop.jobs import Job, Pool, ThreadPool
from desktop.pdf_preview.canvas import BACKDROP, FIT, GAP, ZOOMS, PageCanvas, fit_zoom, place_pages
from desktop.pdf_preview.pages import PdfPages
from desktop.pdf_preview.printing import Printing
from desktop.pdf_preview.rendering import PageRendering
from desktop.pdf_preview.saving import Saving
from desktop.pdf_preview.toolbar import PreviewToolbar

if TYPE_CHECKING:
    from core.reports import Built

log = logging.getLogger("qayd.desktop")

RESIZE_DELAY_MS = 120


class PdfPreview(PageRendering, Printing, Saving, QWidget):
    """A document's pages with zoom, page navigation, Print… and Save as…; `set_document(built)` shows one."""

    saved = Signal(str)  # the path written
    printed = Signal(int)  # pages sent to the printer

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
        self._current = 0
        self._start_rendering()
        self.toolbar = PreviewToolbar()
        self._name_tools()
        self._build_pages_area()
        self._build_foot()
        self._connect()
        self.zoom_box.setCurrentIndex(0)  # fit width
        self.retranslate()
        self.set_document(None)

    def _name_tools(self) -> None:
        """The toolbar's controls under the names the preview always had (tests and the reports view use them)."""
        bar = self.toolbar
        self.zoom_out_button, self.zoom_box, self.zoom_in_button = bar.zoom_out_button, bar.zoom_box, \
            bar.zoom_in_button
        self.page_label, self.page_box, self.page_total = bar.page_label, bar.page_box, bar.page_total
        self.print_button, self.save_button = bar.print_button, bar.save_button

    def _build_pages_area(self) -> None:
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
        self.empty = QLabel(objectName="pdfEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

    def _build_foot(self) -> None:
        self.status = QLabel(objectName="pdfStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(objectName="pdfProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_button = QPushButton(objectName="pdfCancel")
        self.cancel_button.hide()
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

    def _connect(self) -> None:
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_box.currentIndexChanged.connect(self._zoom_chosen)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.cancel_button.clicked.connect(self.cancel)
        self.pages_area.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.pages_area.horizontalScrollBar().valueChanged.connect(lambda _v: self._schedule())
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
                           (QKeySequence.StandardKey.Print, self.print_document),
                           (QKeySequence.StandardKey.SaveAs, self.save_as)):
            QShortcut(QKeySequence(keys), self, slot, context=context)

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
        self.toolbar.show_document(self.page_count, has_document=built is not None)
        self._current = 0
        self._relayout(keep_position=False)
        self.pages_area.verticalScrollBar().setValue(0)
        self.toolbar.show_count(self.page_count)
        self._schedule()

    def _close_pages(self) -> None:
        self._forget_images()
        if self._pages is not None:
            self._pages.close()
            self._pages = None

    # -- layout and zoom ------------------------------------------------------------------------------------------

    def _relayout(self, *, keep_position: bool = True) -> None:
        """Place the pages for the current zoom, keeping the same place of the same page in view."""
        bar = self.pages_area.verticalScrollBar()
        anchor = None
        if keep_position and self.page_rects:
            index = self._current
            rect = self.page_rects[index]
            anchor = (index, (bar.value() - rect.top()) / max(1, rect.height()))
        sizes = self.pages.sizes if self.pages else []
        width = self.pages_area.viewport().width()
        self.zoom = fit_zoom(sizes, width) if self.fit_width else float(self.zoom_box.currentData())
        self.page_rects, size = place_pages(sizes, self.zoom)
        self.canvas.resize(size)
        if anchor is not None and anchor[0] < len(self.page_rects):
            rect = self.page_rects[anchor[0]]
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
        self.toolbar.show_page(current)

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

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.fit_width:
            self._relayout()
        self._schedule()

    # -- language -------------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.toolbar.retranslate()
        self.cancel_button.setText(tr("PdfPreview", "Cancel"))
        self.set_placeholder(self.placeholder_text)
        self.toolbar.show_count(self.page_count)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
