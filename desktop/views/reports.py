"""The Reports view: choose a printable document, its period or request and its language, Generate, then read,
print or save it in the preview beside the choices.

Documents are `core.reports.service.KINDS` (invoice, VAT return summary, ZATCA submission report, audit evidence,
GDPR access report and erasure certificate); Generate runs `core.reports.service.build` in a Job on
`session.pool` with a progress bar and Cancel, and the result (`Built`) is shown in the embedded
`desktop.pdf_preview.PdfPreview`. The report service, reportlab and PDFium are loaded when the view is first
built, never at start-up.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.privacy import requests as dsr
from desktop.errors import present_error
from desktop.i18n import LANGUAGE_NAMES, format_date, format_int, tr
from desktop.jobs import Job
from desktop.session import AUDIT, INVOICES, PRIVACY, ZATCA, AppSession
from desktop.style import latin_date
from desktop.views.base import View
from desktop.views.privacy import kind_text, status_text

if TYPE_CHECKING:
    from core.reports import Built
    from desktop.pdf_preview import BuildFn, PdfPreview

PERIOD_KINDS = ("vat", "zatca", "payments", "audit", "insights")
REQUEST_KINDS = {"gdpr-access": ("access",), "gdpr-erasure": ("erasure",)}
PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "all", "custom")


def preset_period(preset: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a named period around `today` (whole calendar periods, as the CLI's --period
    reads them); "all": no bounds."""
    from core.reports import parse_period  # loaded with the view's report service anyway

    if preset == "all":
        return None, None
    year, month, quarter = today.year, today.month, (today.month - 1) // 3 + 1
    if preset == "last_month":
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    elif preset == "last_quarter":
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    elif preset == "last_year":
        year -= 1
    if preset in ("this_month", "last_month"):
        return parse_period(f"{year}-{month:02d}")
    if preset in ("this_quarter", "last_quarter"):
        return parse_period(f"{year}-Q{quarter}")
    return parse_period(f"{year}")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def preset_text(preset: str) -> str:
    return {"this_month": tr("Reports", "This month"), "last_month": tr("Reports", "Last month"),
            "this_quarter": tr("Reports", "This quarter"), "last_quarter": tr("Reports", "Last quarter"),
            "this_year": tr("Reports", "This year"), "last_year": tr("Reports", "Last year"),
            "all": tr("Reports", "The whole log"), "custom": tr("Reports", "Custom dates")}[preset]


class ReportsView(View):
    key = "reports"
    topics = (INVOICES, ZATCA, AUDIT, PRIVACY)

    def __init__(self, session: AppSession, parent: QWidget | None = None, *, build: BuildFn | None = None) -> None:
        super().__init__(session, parent)
        from core.reports import REPORT_KINDS as KINDS  # the report service is loaded with the view, not at start-up
        from desktop.pdf_preview import PdfPreview

        self.kinds = KINDS
        self.build_fn = build  # None: core.reports.service.build (tests pass a fake)
        self.job: Job | None = None
        self.built: Built | None = None
        self.outcome = ""  # "done" | "cancelled" | "failed" after a Generate
        self.requests: list[dsr.RequestInfo] = []
        self._language_chosen = False

        self.kind_heading = QLabel(objectName="reportKindHeading")
        self.kind_list = QListWidget(objectName="reportKinds")
        for key in KINDS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.kind_list.addItem(item)
        self.kind_list.currentRowChanged.connect(lambda _row: self._kind_changed())
        rows = self.kind_list.sizeHintForRow(0) * self.kind_list.count()
        self.kind_list.setMaximumHeight(rows + 2 * self.kind_list.frameWidth() + 8)  # every kind, no empty space

        # parameters: a period, a request, or an invoice number
        self.params_box = QGroupBox(objectName="reportParameters")
        self.params = QStackedWidget()
        self.period_page = QWidget()
        self.preset = QComboBox(objectName="periodPreset")
        for preset in PRESETS:
            self.preset.addItem("", preset)
        self.preset.currentIndexChanged.connect(lambda _i: self._preset_changed())
        self.start = QDateEdit(objectName="periodStart")
        self.end = QDateEdit(objectName="periodEnd")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            latin_date(edit, "yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._check())
        self.preset_label, self.start_label, self.end_label = QLabel(), QLabel(), QLabel()
        form = QFormLayout(self.period_page)
        form.addRow(self.preset_label, self.preset)
        form.addRow(self.start_label, self.start)
        form.addRow(self.end_label, self.end)
        self.request_page = QWidget()
        self.request = QComboBox(objectName="requestChoice")
        self.request.currentIndexChanged.connect(lambda _i: self._check())
        self.request_label = QLabel()
        self.request_hint = QLabel(objectName="requestHint")
        self.request_hint.setWordWrap(True)
        form = QFormLayout(self.request_page)
        form.addRow(self.request_label, self.request)
        form.addRow(self.request_hint)
        self.invoice_page = QWidget()
        self.invoice_number = QLineEdit(objectName="invoiceNumber")
        self.invoice_number.setClearButtonEnabled(True)
        self.invoice_number.textChanged.connect(lambda _t: self._check())
        self.invoice_number.returnPressed.connect(self.generate)
        self.invoice_label = QLabel()
        form = QFormLayout(self.invoice_page)
        form.addRow(self.invoice_label, self.invoice_number)
        for page in (self.period_page, self.request_page, self.invoice_page):
            self.params.addWidget(page)
        box = QVBoxLayout(self.params_box)
        box.addWidget(self.params)

        self.language_label = QLabel()
        self.language = QComboBox(objectName="documentLanguage")
        for code, name in LANGUAGE_NAMES:  # each in its own language
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(session.language))
        self.language.activated.connect(lambda _i: setattr(self, "_language_chosen", True))
        self.language_hint = QLabel(objectName="languageHint")
        self.language_hint.setWordWrap(True)
        language_row = QFormLayout()
        language_row.addRow(self.language_label, self.language)
        language_row.addRow(self.language_hint)

        self.generate_button = QPushButton(objectName="generateReport")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.progress = QProgressBar(objectName="reportProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_button = QPushButton(objectName="cancelReport")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.status = QLabel(objectName="reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        job_row = QHBoxLayout()
        job_row.addWidget(self.progress, 1)
        job_row.addWidget(self.cancel_button)

        side = QWidget()
        side.setMinimumWidth(280)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.kind_heading)
        side_layout.addWidget(self.kind_list)
        side_layout.addWidget(self.params_box)
        side_layout.addLayout(language_row)
        side_layout.addWidget(self.generate_button)
        side_layout.addLayout(job_row)
        side_layout.addWidget(self.status)
        side_layout.addStretch(1)

        self.preview: PdfPreview = PdfPreview(self, pool=session.pool)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 900])
        QVBoxLayout(self).addWidget(self.splitter)

        session.language_changed.connect(self._language_changed)
        self.kind_list.setCurrentRow(0)
        self._preset_changed()

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Reports")

    # -- choices --------------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        item = self.kind_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def choose(self, kind: str) -> None:
        for row in range(self.kind_list.count()):
            if self.kind_list.item(row).data(Qt.ItemDataRole.UserRole) == kind:
                self.kind_list.setCurrentRow(row)
                return
        raise KeyError(kind)

    def set_period(self, start: date, end: date) -> None:
        """Custom dates, as a clerk would type them."""
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))

    def set_document_language(self, language: str) -> None:
        self.language.setCurrentIndex(self.language.findData(language))
        self._language_chosen = True

    def _kind_changed(self) -> None:
        kind = self.kind
        if kind in PERIOD_KINDS:
            self.params.setCurrentWidget(self.period_page)
            all_index = self.preset.findData("all")
            rows = self.preset.view()
            assert isinstance(rows, QListView)
            rows.setRowHidden(all_index, kind != "audit")  # only the audit report covers the whole log
            if kind != "audit" and self.preset.currentData() == "all":
                self.preset.setCurrentIndex(self.preset.findData("this_month"))
        elif kind in REQUEST_KINDS:
            self.params.setCurrentWidget(self.request_page)
            self._fill_requests()
        else:
            self.params.setCurrentWidget(self.invoice_page)
        self.language.setEnabled(kind != "invoice")  # an invoice is printed in Arabic and English together
        self._texts_for_kind()
        self._check()

    def _preset_changed(self) -> None:
        preset = str(self.preset.currentData())
        custom = preset == "custom"
        for edit in (self.start, self.end):
            edit.setEnabled(custom)
        if not custom:
            start, end = preset_period(preset, saudi_time(self.session.clock()).date())
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                if day is not None:
                    edit.setDate(_qdate(day))
                edit.blockSignals(False)
            for edit in (self.start, self.end):
                edit.setVisible(preset != "all")
            for label in (self.start_label, self.end_label):
                label.setVisible(preset != "all")
        else:
            for widget in (self.start, self.end, self.start_label, self.end_label):
                widget.setVisible(True)
        self._check()

    def period(self) -> tuple[date | None, date | None]:
        if self.preset.currentData() == "all":
            return None, None
        return self.start.date().toPython(), self.end.date().toPython()

    def parameters(self) -> dict[str, Any] | None:
        """The chosen document's parameters, or None (with the reason in the status line) when incomplete."""
        kind = self.kind
        if kind in PERIOD_KINDS:
            start, end = self.period()
            if start is not None and end is not None and end < start:
                return None
            return {"start": start, "end": end}
        if kind in REQUEST_KINDS:
            ref = self.request.currentData()
            return {"request": str(ref)} if ref else None
        number = self.invoice_number.text().strip()
        return {"ref": number} if number else None

    def _problem(self) -> str:
        kind = self.kind
        if kind in PERIOD_KINDS:
            start, end = self.period()
            if start is not None and end is not None and end < start:
                return tr("Reports", "The period ends before it starts: correct the dates.")
        elif kind in REQUEST_KINDS:
            if not self.request.count():
                return self._no_requests_text()
        elif not self.invoice_number.text().strip():
            return tr("Reports", "Type the number of an issued invoice.")
        return ""

    def _check(self) -> None:
        """Generate is possible when nothing runs and the choices are complete; the status line says why not, or
        else how the last Generate ended."""
        problem = self._problem()
        self.generate_button.setEnabled(self.job is None and not problem)
        if self.job is None:
            if problem:
                self.status.setText(problem)
            else:
                self._outcome_text()

    def _no_requests_text(self) -> str:
        if self.kind == "gdpr-erasure":
            return tr("Reports", "No erasure request is recorded. Requests are added on the Privacy page.")
        return tr("Reports", "No access request is recorded. Requests are added on the Privacy page.")

    # -- data -----------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.session.uow(write=False) as uow:  # the session's Context reads on the "desktop" channel
            self.requests = dsr.list_requests(uow)
        self._fill_requests()
        self._preset_changed()  # "this month" moves on at midnight

    def _fill_requests(self) -> None:
        wanted = REQUEST_KINDS.get(self.kind, ())
        keep = self.request.currentData()
        language = self.session.language
        self.request.blockSignals(True)
        self.request.clear()
        for info in self.requests:
            if info.kind in wanted:
                received = format_date(saudi_time(info.received_at).date(), language)
                self.request.addItem(f"{info.reference} · {kind_text(info.kind)} · {status_text(info.status)} · "
                                     f"{received}", info.reference)
        index = self.request.findData(keep)
        self.request.setCurrentIndex(index if index >= 0 else 0)
        self.request.blockSignals(False)
        self.request.setEnabled(self.request.count() > 0)
        self.request_hint.setText("" if self.request.count() else self._no_requests_text())
        self._check()

    # -- generating -----------------------------------------------------------------------------------------------

    def generate(self) -> Job | None:
        """Build the chosen document in the background; it is shown in the preview when done."""
        params = self.parameters()
        if self.job is not None or params is None:
            self._check()
            return None
        from desktop.pdf_preview import document_job

        kind = self.kind
        lang = str(self.language.currentData())
        job = document_job(self.session.ctx, kind, params, lang, build=self.build_fn)
        self.job = job
        self.outcome = ""
        self.built = None
        self.preview.set_document(None)
        self.preview.set_placeholder(tr("Reports", "Preparing the document…"))
        job.signals.progressed.connect(self._progressed)
        job.signals.succeeded.connect(self._succeeded)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        job.signals.finished.connect(self._finished)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.generate_button.setEnabled(False)
        self.status.setText(tr("Reports", "Preparing the document…"))
        self.session.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("Reports", "Cancelling…"))

    def _progressed(self, fraction: float, _message: str) -> None:
        self.progress.setValue(round(fraction * 100))

    def _succeeded(self, built: Built) -> None:
        self.outcome = "done"
        self.built = built
        self.preview.set_document(built)
        self._outcome_text()

    def _failed(self, exc: BaseException) -> None:
        self.outcome = "failed"
        self._outcome_text()
        present_error(self, exc)

    def _cancelled(self) -> None:
        self.outcome = "cancelled"
        self._outcome_text()

    def _finished(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.preview.set_placeholder(self._empty_text())
        self._check()

    def _outcome_text(self) -> None:
        if self.outcome == "done" and self.built is not None:
            self.status.setText(tr("Reports", "{title}: {n} pages. Print it or save it with the buttons above "
                                              "the pages.").format(title=self.built.title,
                                                                   n=format_int(self.preview.page_count)))
        elif self.outcome == "cancelled":
            self.status.setText(tr("Reports", "Cancelled; no document was made."))
        elif self.outcome == "failed":
            self.status.setText(tr("Reports", "The document could not be made; see the message."))
        else:
            self.status.setText("")

    def _empty_text(self) -> str:
        if self.outcome == "cancelled":
            return tr("Reports", "Cancelled; no document was made.")
        return tr("Reports", "Choose a document and its period, then press Generate.")

    # -- language -------------------------------------------------------------------------------------------------

    def _language_changed(self, language: str) -> None:
        if not self._language_chosen and self.job is None:  # the document follows the app until chosen
            self.language.setCurrentIndex(self.language.findData(language))

    def retranslate(self) -> None:
        lang = self.session.language
        for row in range(self.kind_list.count()):
            item = self.kind_list.item(row)
            spec = self.kinds[str(item.data(Qt.ItemDataRole.UserRole))]
            item.setText(spec.title_ar if lang == "ar" else spec.title_en)
        self.kind_heading.setText(tr("Reports", "Document"))
        self.params_box.setTitle(tr("Reports", "Covering"))
        for index, preset in enumerate(PRESETS):
            self.preset.setItemText(index, preset_text(preset))
        self.preset_label.setText(tr("Reports", "Period"))
        self.start_label.setText(tr("Reports", "From"))
        self.end_label.setText(tr("Reports", "To"))
        self.request_label.setText(tr("Reports", "Request"))
        self.invoice_label.setText(tr("Reports", "Invoice number"))
        self.invoice_number.setPlaceholderText(tr("Reports", "e.g. INV-2026-0001"))
        self.language_label.setText(tr("Reports", "Language"))
        self.generate_button.setText(tr("Reports", "Generate"))
        self.cancel_button.setText(tr("Reports", "Cancel"))
        self.preview.set_placeholder(self._empty_text() if self.job is None
                                     else tr("Reports", "Preparing the document…"))
        self._texts_for_kind()
        self._fill_requests()
        self._check()
        if self.job is not None:
            self.status.setText(tr("Reports", "Preparing the document…"))

    def _texts_for_kind(self) -> None:
        kind = self.kind
        if kind == "invoice":
            self.language_hint.setText(tr("Reports", "An invoice is printed in Arabic and English together."))
        elif kind in ("vat", "zatca", "payments", "insights"):
            self.language_hint.setText(tr("Reports", "Dates are days in Riyadh time; the period includes both "
                                                     "days."))
        elif kind == "audit":
            self.language_hint.setText(tr("Reports", "The audit chain is verified in full; the report shows what "
                                                     "was recorded in the period."))
        else:
            self.language_hint.setText("")

    # -- screenshots ----------------------------------------------------------------------------------------------

    def screenshot_extras(self) -> list[tuple[str, QWidget]]:
        """The VAT return summary of this month in the preview window (when the store can make one)."""
        from desktop.pdf_preview import PdfPreviewDialog, document_job

        start, end = preset_period("this_month", saudi_time(self.session.clock()).date())
        done: list[Built] = []
        job = document_job(self.session.ctx, "vat", {"start": start, "end": end}, self.session.language,
                           build=self.build_fn)
        job.signals.succeeded.connect(done.append)
        job.run()  # here, at once: a screenshot waits for it anyway
        if not done:
            return []
        dialog = PdfPreviewDialog(self, done[0], pool=self.session.pool)
        dialog.resize(900, 780)
        return [("preview", dialog)]
