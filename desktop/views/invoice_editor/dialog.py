"""The invoice editor's window: puts its parts together (header, lines, totals, findings, the issued preview and the
actions), loads a document into them and reads the document back as typed, and places core's findings on them.

Totals come from `compute_totals`, findings from `validate` (debounced, ~150 ms after the last keystroke); the
draft is saved ~1.2 s after the last change and on close (`actions.EditorActions`).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from core import invoicing
from core.clock import saudi_time
from core.findings import Finding
from core.invoicing import (
    CompanyProfile,
    Customer,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    Totals,
    compute_totals,
    drafts,
    validate,
)
from core.zatca import issued_xml
from desktop.i18n import tr
from desktop.models.invoice_lines import NAME, InvoiceLinesModel
from desktop.session import AppSession
from desktop.views.invoice_editor.actions import EditorActions
from desktop.views.invoice_editor.findings import FindingsPanel, merged, place_of
from desktop.views.invoice_editor.header import HeaderForm
from desktop.views.invoice_editor.issued import IssuedPreview
from desktop.views.invoice_editor.lines import LinesPanel
from desktop.views.invoice_editor.totals import TotalsPanel

VALIDATE_DELAY_MS = 150
SAVE_DELAY_MS = 1200


class InvoiceEditorDialog(EditorActions, QDialog):
    """Edit a draft (or read an issued document). `ref` is a number or id; None starts a new draft."""

    def __init__(self, session: AppSession, ref: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("invoiceEditor")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1100, 760)
        self._init_state()
        with session.uow(write=False) as uow:
            self._company: CompanyProfile = invoicing.get_company(uow)
            customers: list[Customer] = invoicing.list_customers(uow, limit=5000)
            products = invoicing.list_products(uow, limit=5000)
        self.model = InvoiceLinesModel(self)
        self.model.language = session.language
        self.model.set_products(products)
        self._build(customers)
        self.delegate.product_names = sorted({n for p in products for n in (p.name, p.name_ar, p.sku) if n})
        self._validate_timer = self._timer(VALIDATE_DELAY_MS, self.validate_now)
        self._save_timer = self._timer(SAVE_DELAY_MS, self.save_now)
        if ref is None:
            self._new()
        else:
            self._load(ref)
        from desktop.notifications import PresenceBanner  # tells central sync what is open; shows who else has it

        self.presence_banner = PresenceBanner(session, f"invoice:{self.document_id}", self)
        self.presence_layout.insertWidget(0, self.presence_banner)
        self.retranslate()
        session.language_changed.connect(self._language_changed)

    def _init_state(self) -> None:
        self._loading = False
        self._touched = False
        self._version: int | None = None
        self._status = "draft"
        self._last_saved: InvoiceDraft | None = None
        self._suggested = ""  # the number suggested for a new document, until the person types another
        self._findings: list[Finding] = []
        self._save_findings: list[Finding] = []
        self._save_error = ""
        self._save_blocked = False
        self._close_refused = False
        self._totals: Totals | None = None
        self._qr = ""  # an issued document's QR text, signed XML and which copy it is ("signed", "cleared")
        self._xml = b""
        self._xml_copy = ""
        self.job = None
        self.note_editor = None

    def _timer(self, interval: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # --- building ----------------------------------------------------------------------------------------------

    def _build(self, customers: list[Customer]) -> None:
        self.header = HeaderForm(customers)
        self.lines_panel = LinesPanel(self.model)
        self.totals_box = TotalsPanel()
        self.findings_box = FindingsPanel()
        self.issued_preview = IssuedPreview()
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(self._document_page(), "")
        self.tabs.addTab(self.issued_preview, "")
        layout = QVBoxLayout(self)
        self.presence_layout = layout  # the "Also open by" banner goes on top once the document is known
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._build_actions())
        self._name_parts()
        self.header.edited.connect(self._edited)
        self.header.number.textEdited.connect(lambda _text: setattr(self, "_suggested", ""))
        self.header.type.currentIndexChanged.connect(self._type_changed)
        self.model.edited.connect(self._edited)
        self.findings_box.chosen.connect(self.jump_to)

    def _document_page(self) -> QWidget:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.totals_box)
        side_layout.addWidget(self.findings_box, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.lines_panel)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        document = QWidget()
        document_layout = QVBoxLayout(document)
        document_layout.addWidget(self.header)
        document_layout.addWidget(splitter, 1)
        return document

    def _name_parts(self) -> None:
        """The parts' widgets under the names the editor always had (tests, the screenshots and other views use
        them)."""
        header = self.header
        self.kind, self.type, self.number = header.kind, header.type, header.number
        self.issue_date, self.hijri, self.supply_date = header.issue_date, header.hijri, header.supply_date
        self.customer, self.payment, self.note = header.customer, header.payment, header.note
        self.billing_reference, self.reason = header.billing_reference, header.reason
        self.fields, self.labels = header.fields, header.labels
        self.table, self.delegate = self.lines_panel.table, self.lines_panel.delegate
        self.lines_hint, self.lines_finding = self.lines_panel.hint, self.lines_panel.finding
        self.total_labels = self.totals_box.labels
        self.findings_list, self.findings_summary = self.findings_box.list, self.findings_box.summary
        preview = self.issued_preview
        self.qr_label, self.qr_fields, self.xml_copy, self.xml_text = (
            preview.qr_label, preview.qr_fields, preview.xml_copy, preview.xml_text)

    # --- loading -----------------------------------------------------------------------------------------------

    def _new(self) -> None:
        now = saudi_time(self.session.clock()).replace(second=0, microsecond=0)
        with self.session.uow(write=False) as uow:
            number = drafts.suggest_number(uow, DocumentType.INVOICE, now=now)
        self._suggested = number
        draft = InvoiceDraft(kind=DocumentKind.STANDARD, type=DocumentType.INVOICE, number=number,
                             issue_datetime=now, supply_date=now.date(), lines=())
        self._show(draft, status="draft", version=None)
        self.model.add_row()
        self._touched = False
        self.validate_now()

    def _load(self, ref: str) -> None:
        with self.session.uow(write=False) as uow:
            stored = invoicing.get_invoice(uow, ref)
            if stored.status != "draft":
                self._qr = drafts.issued_qr(uow, ref)
                self._xml, self._xml_copy, _shareable = issued_xml(uow, ref)
        self._show(stored.draft, status=stored.status, version=stored.version)
        self._last_saved = stored.draft
        self.validate_now()

    def _show(self, draft: InvoiceDraft, *, status: str, version: int | None) -> None:
        self._loading = True
        try:
            self._base, self._status, self._version = draft, status, version
            self.header.show_draft(draft)
            self.model.set_lines(draft.lines)
            self._apply_mode()
        finally:
            self._loading = False
        self._update_totals()

    def _apply_mode(self) -> None:
        read_only = self.read_only
        self.model.read_only = read_only
        self.header.apply_mode(read_only=read_only)
        self._show_actions(read_only=read_only)
        self.tabs.setTabEnabled(1, read_only)
        if read_only:
            self._fill_preview()

    def _fill_preview(self) -> None:
        self.issued_preview.show_document(self._qr, self._xml, self._xml_copy)

    @property
    def read_only(self) -> bool:
        return self._status != "draft"

    @property
    def document_id(self) -> uuid.UUID:
        return self._base.id

    @property
    def status_name(self) -> str:
        return self._status

    # --- the document as typed ---------------------------------------------------------------------------------

    def current_draft(self) -> InvoiceDraft:
        lines, _rows = self.model.lines()
        return self.header.draft(self._base, lines)

    def _edited(self, *_args: object) -> None:
        if self._loading or self.read_only:
            return
        self._touched = True
        self._close_refused = False
        self._update_totals()
        self._validate_timer.start()
        self._save_timer.start()
        self._set_status(tr("InvoiceEditor", "Editing…"))

    def _type_changed(self) -> None:
        """A new document's suggested number follows its type until the person types one."""
        if self._loading:
            return
        if self._suggested and self.number.text() == self._suggested and self._version is None:
            with self.session.uow(write=False) as uow:
                self._suggested = drafts.suggest_number(uow, self.header.doc_type)
            self.number.setText(self._suggested)
        self._apply_mode()

    def _update_totals(self) -> None:
        draft = self.current_draft()
        totals = compute_totals(draft)
        self._totals = totals
        _lines, rows = self.model.lines()
        self.model.set_totals(totals.lines, rows)
        self.totals_box.show_totals(totals, draft, self.session.language)
        self.header.show_hijri(self.session.language)

    # --- findings ----------------------------------------------------------------------------------------------

    def validate_now(self) -> list[Finding]:
        """Run core's rules on the document as typed and show every finding next to what it names."""
        self._validate_timer.stop()
        if self.read_only:
            self._findings = []
        else:
            self._findings = validate(self.current_draft(), seller=self._company, now=self.session.clock())
        self._show_findings()
        return self.findings

    @property
    def findings(self) -> list[Finding]:
        """Those of the last check and of the last refused save or issue, once each, errors first."""
        return merged(self._save_findings, self._findings)

    def _show_findings(self) -> None:
        language, findings = self.session.language, self.findings
        _lines, rows = self.model.lines()
        by_field: dict[str, list[Finding]] = {}
        by_cell: dict[tuple[int, int], list[Finding]] = {}
        on_lines: list[Finding] = []
        for finding in findings:
            where, what = place_of(finding.field, rows, self.fields)
            if where == "field":
                by_field.setdefault(str(what), []).append(finding)
            elif where == "cell":
                by_cell.setdefault(what, []).append(finding)  # type: ignore[arg-type]
            elif where == "lines":
                on_lines.append(finding)
        for name, field in self.fields.items():
            field.show(by_field.get(name, []), language)
        self.model.language = language
        self.model.set_findings(by_cell)
        self.lines_panel.show_findings(on_lines, language)
        self.findings_box.show_findings(findings, language, read_only=self.read_only)

    def jump_to(self, finding: Finding) -> QWidget | None:
        """Put the cursor on what the finding names; returns the widget focused."""
        self.tabs.setCurrentIndex(0)
        _lines, rows = self.model.lines()
        where, what = place_of(finding.field, rows, self.fields)
        if where == "field":
            widget = self.fields[str(what)].widget
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return widget
        if where in ("cell", "lines"):
            row, column = what if where == "cell" else (0, NAME)  # type: ignore[misc]
            self.lines_panel.go_to(row, column)
            return self.table
        return None

    # --- language ----------------------------------------------------------------------------------------------

    def _language_changed(self, language: str) -> None:
        self.model.language = language
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        for part in (self.header, self.lines_panel, self.totals_box, self.findings_box):
            part.retranslate()
        self.tabs.setTabText(0, tr("InvoiceEditor", "Document"))
        self.tabs.setTabText(1, tr("InvoiceEditor", "Preview"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._update_title()
        self._update_totals()
        self._show_findings()
        if self.read_only:
            self._fill_preview()
        self._retranslate_actions()

    def _update_title(self) -> None:
        number = self._base.number
        if self.read_only:
            title = tr("InvoiceEditor", "{number} (issued)").format(number=number)
        elif self._version is None:
            title = tr("InvoiceEditor", "New document")
        else:
            title = tr("InvoiceEditor", "Draft {number}").format(number=number)
        self.setWindowTitle(title)
