"""The PDF preview, in English and Arabic: every page drawn (not blank), zoom, page n of N, Save as (the exact
bytes), Print (to a PDF printer: N pages, a page range, Cancel), an unreadable PDF, and building a document in a
Job before opening it (shown, failed, cancelled)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.reports.document import Built, finish
from core.reports.errors import ReportCancelled, ReportError
from core.reports.layout import Column, Identity, ReportWriter
from core.uow import Context
from desktop import pdf_preview
from desktop.i18n import install_language
from desktop.jobs import Job, SyncPool
from desktop.pdf_preview import FIT, PdfPreview, PdfPreviewDialog, open_document
from desktop.session import AppSession
from tests.conftest import StepClock

IDENTITY = Identity("Acme Trading Co.", "شركة أكمي التجارية", "300000000000003", "1010101010",
                    "1 King Fahd Road, Riyadh", "1 طريق الملك فهد، الرياض")
ROWS_PER_PAGE = 46


@cache
def sample_built(pages: int = 3, lang: str = "en") -> Built:
    """A real report of about `pages` A4 pages (a table of invoices), packaged as PDF/A like every document."""
    made = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    writer = ReportWriter(lang=lang, title=("Sample register", "سجل تجريبي"), identity=IDENTITY, generated_at=made)
    writer.heading(("Invoices", "الفواتير"))
    rows = pages * ROWS_PER_PAGE - 40
    writer.table([Column(("Number", "الرقم"), 2), Column(("Customer", "العميل"), 3),
                  Column(("Amount", "المبلغ"), 1.5, "end")],
                 ([f"INV-2026-{i:05d}", "شركة النخبة" if i % 2 else "Al Noor Trading", f"{i * 11}.50"]
                  for i in range(rows)), total_rows=rows)
    built = finish(writer, filename=f"sample-{lang}.pdf", title="Sample register", created=made)
    assert built.pages == pages, built.pages
    return built


def colours(image: QImage, step: int = 9) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def pdf_pages(path: Path) -> int:
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield str(request.param)
    install_language(qapp, "en")


@pytest.fixture
def dialog(qtbot: QtBot, lang: str) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(None, sample_built(3, lang), pool=SyncPool())
    qtbot.addWidget(dialog)
    dialog.resize(700, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    for room in (pdf_preview.opener, pdf_preview.printing, pdf_preview.saving):  # where an error is shown
        monkeypatch.setattr(room, "present_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


def rendered(qtbot: QtBot, preview: PdfPreview, index: int) -> QImage:
    qtbot.waitUntil(lambda: preview.page_image(index) is not None, timeout=3000)
    image = preview.page_image(index)
    assert image is not None
    return image


TEXTS = {"en": {"print": "Print…", "save": "Save as…", "of": "of 3", "fit": "Fit width"},
         "ar": {"print": "طباعة…", "save": "حفظ باسم…", "of": "من 3", "fit": "ملاءمة العرض"}}


def test_every_page_is_drawn_and_the_page_number_follows(dialog: PdfPreviewDialog, qtbot: QtBot,
                                                         lang: str) -> None:
    preview = dialog.preview
    assert preview.page_count == 3
    assert dialog.windowTitle() == "Sample register"
    assert preview.page_total.text() == TEXTS[lang]["of"]
    assert preview.print_button.text() == TEXTS[lang]["print"]
    assert preview.save_button.text() == TEXTS[lang]["save"]
    assert preview.zoom_box.currentText() == TEXTS[lang]["fit"]
    expected_rtl = Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight
    assert preview.layoutDirection() == expected_rtl
    # Fit width: the page fills the window's width, less the margins.
    assert abs(preview.page_rects[0].width() - (preview.pages_area.viewport().width() - 2 * pdf_preview.GAP)) <= 2
    images = []
    for index in range(3):
        preview.go_to_page(index)
        images.append(rendered(qtbot, preview, index))
        assert preview.current_page == index and preview.page_box.value() == index + 1
    for image in images:
        assert colours(image) > 8, "a page was drawn blank"
        assert image.height() / image.width() == pytest.approx(842 / 595, rel=0.01)  # A4
    assert images[0] != images[2]
    # Typing a page number scrolls there.
    preview.page_box.setValue(2)
    assert preview.current_page == 1


def test_zoom_changes_the_size_of_the_pages(dialog: PdfPreviewDialog, qtbot: QtBot) -> None:
    preview = dialog.preview
    preview.set_zoom(1.0)
    assert not preview.fit_width
    at_100 = rendered(qtbot, preview, 0)
    assert at_100.width() == pytest.approx(595 * 96 / 72 * preview.devicePixelRatioF(), abs=2)
    preview.zoom_in()
    assert preview.zoom == 1.25
    larger = rendered(qtbot, preview, 0)
    assert larger.width() == pytest.approx(at_100.width() * 1.25, abs=2)
    assert preview.page_rects[0].width() == pytest.approx(595 * 96 / 72 * 1.25, abs=1)
    preview.zoom_out()
    preview.zoom_out()
    assert preview.zoom == 0.75
    assert rendered(qtbot, preview, 0).width() == pytest.approx(at_100.width() * 0.75, abs=2)
    # Back to fit width: a wider window makes larger pages.
    preview.set_zoom(FIT)
    narrow = preview.page_rects[0].width()
    dialog.resize(1000, 800)
    qtbot.waitUntil(lambda: preview.page_rects[0].width() > narrow + 200)
    assert rendered(qtbot, preview, 0).width() > at_100.width()


def test_save_as_writes_the_exact_bytes(dialog: PdfPreviewDialog, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, errors: list[BaseException]) -> None:
    preview = dialog.preview
    saved: list[str] = []
    preview.saved.connect(saved.append)
    monkeypatch.setattr(preview, "_ask_save_path", lambda: tmp_path / "november")
    path = preview.save_as()
    assert path == tmp_path / "november.pdf"  # the extension is added when the name has none
    assert path.read_bytes() == preview.built.pdf  # type: ignore[union-attr]
    assert saved == [str(path)] and str(path) in preview.status.text()
    assert not list(tmp_path.glob("*.part"))
    assert PdfPreview.last_folder == tmp_path
    # Cancelled: nothing happens.
    monkeypatch.setattr(preview, "_ask_save_path", lambda: None)
    assert preview.save_as() is None
    # A folder that does not exist: the error is shown, nothing is written.
    monkeypatch.setattr(preview, "_ask_save_path", lambda: tmp_path / "missing" / "x.pdf")
    assert preview.save_as() is None
    assert len(errors) == 1 and isinstance(errors[0], ReportError) and "x.pdf" in errors[0].message
    assert not (tmp_path / "missing").exists()


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(96)  # fast in tests; a real printer gives its own (at most 300 dpi is drawn)
    return printer


def test_print_to_a_pdf_printer_gives_every_page(dialog: PdfPreviewDialog, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    preview = dialog.preview
    default = preview.new_printer()
    assert default.pageLayout().pageSize().id().name == "A4" and default.fullPage()
    assert default.docName() == "Sample register"
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(preview, "_printer", lambda: pdf_printer(out))
    printed: list[int] = []
    preview.printed.connect(printed.append)
    job = preview.print_document()
    assert job is not None
    assert pdf_pages(out) == 3 and printed == [3]
    assert ("3" in preview.status.text()) and not preview.progress.isVisible() and preview.print_button.isEnabled()
    # A page range chosen in the print dialog.
    ranged = tmp_path / "range.pdf"
    printer = pdf_printer(ranged)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    monkeypatch.setattr(preview, "_printer", lambda: printer)
    preview.print_document()
    assert pdf_pages(ranged) == 2
    # The print dialog cancelled: nothing printed.
    monkeypatch.setattr(preview, "_printer", lambda: None)
    assert preview.print_document() is None


class CancellingPool(SyncPool):
    """Runs jobs at once, pressing the preview's Cancel as soon as the first progress arrives."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        super().__init__()
        self.cancel = cancel

    def start(self, job: Job) -> None:
        if job.name == "print document":
            job.signals.progressed.connect(lambda *_a: self.cancel())
        super().start(job)


def test_cancelling_a_print_run_stops_it(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.pool = CancellingPool(preview.cancel)
    preview.set_document(sample_built(3, "en"))
    printed: list[int] = []
    preview.printed.connect(printed.append)
    monkeypatch.setattr(preview, "_printer", lambda: pdf_printer(tmp_path / "cancelled.pdf"))
    preview.print_document()
    assert printed == [] and preview.status.text() == "Printing cancelled."
    assert preview.print_job is None and not preview.cancel_button.isVisible()


def test_a_pdf_that_cannot_be_read_can_still_be_saved(qtbot: QtBot, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    preview = PdfPreview(pool=SyncPool())
    qtbot.addWidget(preview)
    preview.set_document(Built(b"%PDF-1.7 broken", "broken.pdf", "Broken", 1))
    assert preview.page_count == 0 and "cannot be shown" in preview.status.text()
    assert not preview.print_button.isEnabled() and preview.save_button.isEnabled()
    monkeypatch.setattr(preview, "_ask_save_path", lambda: tmp_path / "broken.pdf")
    assert preview.save_as() == tmp_path / "broken.pdf"
    assert (tmp_path / "broken.pdf").read_bytes() == b"%PDF-1.7 broken"
    preview.set_document(None)
    assert preview.empty.isVisibleTo(preview) and not preview.save_button.isEnabled()


def test_switching_language_retranslates_the_preview(dialog: PdfPreviewDialog, qapp: QApplication,
                                                     lang: str) -> None:
    other = "en" if lang == "ar" else "ar"
    install_language(qapp, other)
    preview = dialog.preview
    assert preview.print_button.text() == TEXTS[other]["print"]
    assert preview.page_total.text() == TEXTS[other]["of"]
    assert preview.zoom_box.currentText() == TEXTS[other]["fit"]


# --- building a document in a Job, then the preview window ----------------------------------------------------


@pytest.fixture
def session(settings: Settings, clock: StepClock, ctx: Context) -> AppSession:
    return AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)


def test_open_document_builds_then_previews(qtbot: QtBot, session: AppSession, errors: list[BaseException]) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    calls: list[tuple[str, dict[str, Any], str]] = []

    def build(ctx: Context, kind: str, params: dict[str, Any], lang: str, *, progress: Any, cancelled: Any) -> Built:
        calls.append((kind, params, lang))
        progress(0.5, "half")
        return sample_built(2, lang)

    opener = open_document(owner, session, "invoice", {"ref": "INV-1"}, build=build)
    assert calls == [("invoice", {"ref": "INV-1"}, "en")]
    assert opener.outcome == "shown" and opener.dialog is not None
    assert opener.dialog.preview.page_count == 2 and opener.dialog.parent() is owner
    assert errors == []


def test_open_document_shows_failures_and_cancellation(qtbot: QtBot, session: AppSession,
                                                       errors: list[BaseException]) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)

    def refused(ctx: Context, kind: str, params: dict[str, Any], lang: str, **_kw: Any) -> Built:
        raise ReportError("The invoice INV-9 is a draft.", fix="Issue it first.")

    opener = open_document(owner, session, "invoice", {"ref": "INV-9"}, build=refused)
    assert opener.outcome == "failed" and opener.dialog is None
    assert [str(e) for e in errors] == ["The invoice INV-9 is a draft. Issue it first."]

    def cancelled(ctx: Context, kind: str, params: dict[str, Any], lang: str, **_kw: Any) -> Built:
        raise ReportCancelled()

    opener = open_document(owner, session, "vat", {}, build=cancelled)
    assert opener.outcome == "cancelled" and opener.dialog is None and len(errors) == 1


def test_a_real_invoice_opens_from_the_issued_invoice_editor(qtbot: QtBot, session: AppSession,
                                                             errors: list[BaseException]) -> None:
    from core.invoicing import BrowseFilter, browse
    from core.invoicing.demo import create_demo
    from core.zatca.demo import add_demo_egs
    from desktop.views.invoice_editor import InvoiceEditorDialog

    create_demo(session.ctx, drafts=2)
    add_demo_egs(session.ctx, issue=1)
    with session.uow(write=False) as uow:
        issued = browse.page(uow, BrowseFilter(status="issued"))[0]
    editor = InvoiceEditorDialog(session, issued.number)
    qtbot.addWidget(editor)
    assert editor.pdf_button.isVisibleTo(editor) and editor.pdf_button.text() == "PDF…"
    opener = editor.open_pdf()
    assert errors == []
    assert isinstance(opener, pdf_preview.DocumentOpener) and opener.dialog is not None
    preview = opener.dialog.preview
    assert preview.page_count >= 1 and issued.number in preview.built.filename  # type: ignore[union-attr]
    assert preview.built.pdf.startswith(b"%PDF")  # type: ignore[union-attr]


def test_the_document_is_closed_with_its_preview(qtbot: QtBot) -> None:
    preview = PdfPreview(pool=SyncPool())
    preview.set_document(sample_built(3, "en"))
    pages = preview.pages
    assert pages is not None
    preview.set_document(sample_built(2, "en"))  # the previous document is closed when another is shown
    with pytest.raises(RuntimeError):
        pages.render(0, 1.0)
    pages = preview.pages
    assert pages is not None and pages.render(0, 0.2).width() == 120
    preview.set_document(None)
    assert pages._doc is None
