"""The preview's toolbar: zoom out, the zoom box (fit width or a percentage), zoom in; "Page n of N" with a box to
jump to a page; Print… and Save as…. It holds the controls only; the preview connects them."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QToolButton, QWidget

from desktop.i18n import format_int, tr
from desktop.pdf_preview.canvas import FIT, ZOOMS


class PreviewToolbar(QWidget):
    """Zoom, page and document controls, in reading order (mirrored in Arabic like the rest of the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfToolbar")
        self.zoom_out_button = QToolButton(objectName="zoomOut")
        self.zoom_out_button.setText("−")
        self.zoom_box = QComboBox(objectName="zoomBox")
        self.zoom_box.addItem("", FIT)
        for zoom in ZOOMS:
            self.zoom_box.addItem(f"{round(zoom * 100)}%", zoom)
        self.zoom_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Fit width" in any language
        self.zoom_in_button = QToolButton(objectName="zoomIn")
        self.zoom_in_button.setText("+")
        self.page_label = QLabel()
        self.page_box = QSpinBox(objectName="pageBox")
        self.page_box.setRange(1, 1)
        self.page_box.setKeyboardTracking(False)
        self.page_total = QLabel(objectName="pageTotal")
        self.print_button = QPushButton(objectName="printDocument")
        self.save_button = QPushButton(objectName="saveDocument")
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        for tool in (self.zoom_out_button, self.zoom_box, self.zoom_in_button):
            bar.addWidget(tool)
        bar.addSpacing(16)
        for tool in (self.page_label, self.page_box, self.page_total):
            bar.addWidget(tool)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)

    def show_document(self, page_count: int, *, has_document: bool) -> None:
        """Nothing to zoom, jump to or print without pages; a document PDFium cannot show can still be saved."""
        has_pages = page_count > 0
        for widget in (self.zoom_out_button, self.zoom_box, self.zoom_in_button, self.page_box, self.print_button):
            widget.setEnabled(has_pages)
        self.save_button.setEnabled(has_document)
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, max(1, page_count))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)

    def show_page(self, index: int) -> None:
        """The page in view (from 0) in the page box, without jumping there."""
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)

    def show_count(self, page_count: int) -> None:
        self.page_total.setText(tr("PdfPreview", "of {n}").format(n=format_int(page_count)))

    def retranslate(self) -> None:
        self.zoom_box.setItemText(0, tr("PdfPreview", "Fit width"))
        self.zoom_out_button.setToolTip(tr("PdfPreview", "Zoom out"))
        self.zoom_in_button.setToolTip(tr("PdfPreview", "Zoom in"))
        self.zoom_box.setToolTip(tr("PdfPreview", "Zoom"))
        self.page_label.setText(tr("PdfPreview", "Page"))
        self.print_button.setText(tr("PdfPreview", "Print…"))
        self.save_button.setText(tr("PdfPreview", "Save as…"))
