"""Where the pages sit and how they are painted: one under another on a grey backdrop, at the zoom chosen, each
page's image once it is drawn and a blank page until then. The sizes are pure arithmetic (`place_pages`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.pdf_preview.widget import PdfPreview

POINT_PX = 96 / 72  # screen pixels per PDF point at 100 %
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
FIT = 0.0  # the zoom box's value for "fit width"
GAP = 14  # pixels around and between pages
BACKDROP = QColor("#7d868f")
SHADOW = QColor(0, 0, 0, 60)


def fit_zoom(sizes: list[tuple[float, float]], width: int) -> float:
    """The zoom at which the widest page fills `width` pixels, less the margins (within 20 % and the largest)."""
    if not sizes:
        return 1.0
    widest = max(w for w, _h in sizes) * POINT_PX
    return max(0.2, min(ZOOMS[-1], (width - 2 * GAP) / widest))


def place_pages(sizes: list[tuple[float, float]], zoom: float) -> tuple[list[QRect], QSize]:
    """Each page's rectangle at `zoom`, centred one under another with `GAP` around them, and the size of it all."""
    pixels = [(round(w * POINT_PX * zoom), round(h * POINT_PX * zoom)) for w, h in sizes]
    width = max((w for w, _h in pixels), default=0) + 2 * GAP
    rects, y = [], GAP
    for w, h in pixels:
        rects.append(QRect((width - w) // 2, y, w, h))
        y += h + GAP
    return rects, QSize(width, y if rects else 0)


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
