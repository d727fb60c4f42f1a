"""The page renderer: an open PDF (PDFium, through pypdfium2) that gives page sizes in points and draws any page at
any scale as a QImage. PDFium is not thread-safe, even across documents: every call holds one lock."""

from __future__ import annotations

import atexit
import threading
import weakref

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

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
