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

Its rooms, each named for what it shows or does:

- `widget`     the preview widget (`PdfPreview`): toolbar, pages area, status line; zoom and the page in view
- `toolbar`    the zoom, page and document controls (`PreviewToolbar`)
- `canvas`     where the pages sit (`place_pages`, `fit_zoom`) and how they are painted (`PageCanvas`)
- `pages`      the page renderer: an open PDF drawn by PDFium under one lock (`PdfPages`)
- `rendering`  drawing the pages in view in Jobs, and the images kept (`PageRendering`, mixed into the widget)
- `printing`   Print… in a Job (`Printing`, mixed in; `print_work`, `fit_rect`)
- `saving`     Save as… (`Saving`, mixed in; `write_file`)
- `opener`     the preview in a window (`PdfPreviewDialog`) and building a document to open (`open_document`)
"""

from desktop.pdf_preview.canvas import BACKDROP, FIT, GAP, POINT_PX, SHADOW, ZOOMS, PageCanvas, fit_zoom, place_pages
from desktop.pdf_preview.opener import BuildFn, DocumentOpener, PdfPreviewDialog, document_job, open_document
from desktop.pdf_preview.pages import PdfPages
from desktop.pdf_preview.printing import PRINT_DPI_MAX, fit_rect, print_work
from desktop.pdf_preview.rendering import CACHE_BYTES, MAX_PAGE_PIXELS
from desktop.pdf_preview.saving import write_file
from desktop.pdf_preview.toolbar import PreviewToolbar
from desktop.pdf_preview.widget import RESIZE_DELAY_MS, PdfPreview

__all__ = [
    "BACKDROP",
    "CACHE_BYTES",
    "FIT",
    "GAP",
    "MAX_PAGE_PIXELS",
    "POINT_PX",
    "PRINT_DPI_MAX",
    "RESIZE_DELAY_MS",
    "SHADOW",
    "ZOOMS",
    "BuildFn",
    "DocumentOpener",
    "PageCanvas",
    "PdfPages",
    "PdfPreview",
    "PdfPreviewDialog",
    "PreviewToolbar",
    "document_job",
    "fit_rect",
    "fit_zoom",
    "open_document",
    "place_pages",
    "print_work",
    "write_file",
]
