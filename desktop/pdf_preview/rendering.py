"""Drawing the pages in view: one page at a time in a Job on the preview's pool (the UI thread only paints finished
images), the current page first, then its neighbours; the images kept up to `CACHE_BYTES`, the farthest go first."""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QImage

from desktop.jobs import Job, Pool
from desktop.pdf_preview.canvas import POINT_PX

if TYPE_CHECKING:
    from desktop.pdf_preview.canvas import PageCanvas
    from desktop.pdf_preview.pages import PdfPages

log = logging.getLogger("qayd.desktop")

MAX_PAGE_PIXELS = 16_000_000  # one page image at most (64 MB); larger zooms draw a smaller image scaled up
CACHE_BYTES = 160 * 1024 * 1024  # page images kept; the pages farthest from the current one go first


class PageRendering:
    """Mixed into `PdfPreview`: which pages to draw, drawing them in Jobs, and the images drawn.

    It relies on the preview's `pages`, `page_count`, `zoom`, `page_rects`, `canvas`, `visible_pages()` and
    `_current`; `_start_rendering()` sets up its state."""

    pool: Pool
    zoom: float
    page_rects: list[QRect]
    canvas: PageCanvas
    _current: int

    def _start_rendering(self) -> None:
        self._images: OrderedDict[int, tuple[float, QImage]] = OrderedDict()  # index -> (scale, image)
        self._failed: set[int] = set()
        self._generation = 0  # a new document makes the images of the old one (still being drawn) stale
        self._render_job: Job | None = None
        self._timer = QTimer(self)  # type: ignore[arg-type]
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._pump)

    def _forget_images(self) -> None:
        self._generation += 1
        self._images.clear()
        self._failed.clear()

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

    def _scale(self, index: int) -> float:
        pages: PdfPages | None = self.pages
        assert pages is not None
        w, h = pages.sizes[index]
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
