"""The invoice editor: one document's header and lines, with live totals and findings, saved as it is typed.

Everything it shows about the document comes from `core`: totals from `compute_totals`, findings from
`validate` (debounced, ~150 ms after the last keystroke), storing from `core.invoicing.drafts.save_draft`
(debounced, and on close; a save is a single small transaction, ~10 ms, so it runs on the UI thread), issuing
from `core.zatca.issuing.issue_many` in a background Job. Issued documents open read-only with their preview
(QR code and signed XML) and the actions that correct them (a credit or a debit note).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTime, QTimer
from PySide6.QtGui import QCloseEvent, QColor, QFontDatabase, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core import invoicing
from core.clock import SAUDI_TIME as KSA
from core.clock import saudi_time
from core.errors import QaydError, StoreBusyError, ValidationError
from core.findings import Finding, Severity
from core.invoicing import (
    VATEX_CODES,
    CompanyProfile,
    Customer,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    Party,
    Totals,
    VatCategory,
    compute_totals,
    drafts,
    validate,
)
from core.reports import qr_matrix
from core.zatca import IssuedInfo, decode_tlv, issue_many, issued_xml
from core.zatca import describe_qr as describe
from desktop.errors import finding_fix, finding_message, present_error
from desktop.i18n import format_money, hijri_text, tr
from desktop.jobs import Cancelled, Job, JobCancelled, Progress
from desktop.models.invoice_lines import (
    CATEGORY,
    EDITABLE,
    EXEMPTION,
    FIELDS,
    NAME,
    NAME_AR,
    REASON,
    InvoiceLinesModel,
)
from desktop.session import INVOICES, ZATCA, AppSession
from desktop.style import latin_date

VALIDATE_DELAY_MS = 150
SAVE_DELAY_MS = 1200
ERROR_COLOR, WARNING_COLOR = "#c62828", "#b26a00"
PAYMENT_MEANS = ("", "10", "30", "42", "48", "1")
_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?")
_NO_DATE = QDate(1999, 12, 31)  # the date edits' "no date" value (ZATCA accepts nothing before 2000)


def payment_means_text(code: str) -> str:
    texts = {"": tr("InvoiceEditor", "Not stated"), "10": tr("InvoiceEditor", "10 — Cash"),
             "30": tr("InvoiceEditor", "30 — Credit transfer"), "42": tr("InvoiceEditor", "42 — Bank account"),
             "48": tr("InvoiceEditor", "48 — Bank card"), "1": tr("InvoiceEditor", "1 — Not defined")}
    return texts.get(code, code)


def category_text(category: VatCategory) -> str:
    return {VatCategory.STANDARD: tr("InvoiceLines", "S — Standard rate"),
            VatCategory.ZERO: tr("InvoiceLines", "Z — Zero rated"),
            VatCategory.EXEMPT: tr("InvoiceLines", "E — Exempt"),
            VatCategory.OUT_OF_SCOPE: tr("InvoiceLines", "O — Out of scope")}[category]


def qr_tag_names() -> dict[int, str]:
    return {1: tr("InvoiceEditor", "Seller name"), 2: tr("InvoiceEditor", "VAT registration number"),
            3: tr("InvoiceEditor", "Timestamp"), 4: tr("InvoiceEditor", "Invoice total (with VAT)"),
            5: tr("InvoiceEditor", "VAT total"), 6: tr("InvoiceEditor", "Invoice hash"),
            7: tr("InvoiceEditor", "ECDSA signature"), 8: tr("InvoiceEditor", "ECDSA public key"),
            9: tr("InvoiceEditor", "Certificate signature (ZATCA CA)")}


def qr_image(text: str, *, scale: int = 4, border: int = 4) -> QImage:
    """The QR code of `text` drawn module by module, with its quiet zone (the matrix is the printed copy's:
    `core.reports.qr_draw`, a few ms where pure-Python `qrcode` takes 40-95 ms on the UI thread)."""
    modules = qr_matrix(text)
    size = (len(modules) + 2 * border) * scale
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    black = QColor("black")
    for y, row in enumerate(modules, start=border):
        for x, dark in enumerate(row, start=border):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, black)
    painter.end()
    return image


class _Field:
    """A header field with the findings that name it: a coloured border, their messages below, rule and fix on hover."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.box = QWidget()
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        self.message = QLabel()
        self.message.setObjectName(f"{widget.objectName()}Finding")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.findings: list[Finding] = []

    def show(self, findings: list[Finding], language: str) -> None:
        self.findings = findings
        if not findings:
            self.widget.setProperty("finding", "")
            self.widget.setStyleSheet("")
            self.widget.setToolTip("")
            self.message.hide()
            return
        color = ERROR_COLOR if any(f.is_error for f in findings) else WARNING_COLOR
        self.widget.setProperty("finding", "error" if color == ERROR_COLOR else "warning")
        self.widget.setStyleSheet(f"border: 2px solid {color};")
        self.widget.setToolTip("\n".join(f"{f.rule} — {finding_fix(f, language)}" for f in findings))
        self.message.setText("\n".join(finding_message(f, language) for f in findings))
        self.message.setStyleSheet(f"color: {color};")
        self.message.setToolTip(self.widget.toolTip())
        self.message.show()


class LineDelegate(QStyledItemDelegate):
    """Editors of the line cells: product completion on the item, a category list, VATEX completion."""

    def __init__(self, model: InvoiceLinesModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.lines = model
        self.product_names: list[str] = []

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        column = index.column()
        if column == CATEGORY:
            combo = QComboBox(parent)
            for category in VatCategory:
                combo.addItem(category_text(category), category.value)
            return combo
        edit = QLineEdit(parent)
        edit.setFrame(False)
        words = self.product_names if column == NAME else sorted(set().union(*VATEX_CODES.values())) \
            if column == EXEMPTION else []
        if words:
            completer = QCompleter(words, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
        if column == NAME_AR:
            edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # typed in Arabic, from the right
        if column not in (NAME, NAME_AR, EXEMPTION, REASON):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: object, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            self.lines.setData(index, editor.currentData())
        else:
            super().setModelData(editor, model, index)  # type: ignore[arg-type]


class LinesTable(QTableView):
    """Keyboard-first line entry: type to edit, Tab or Enter to move on, Enter on the last cell adds a line,
    Delete removes the current line."""

    def __init__(self, model: InvoiceLinesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = model
        self.setModel(model)
        self.setObjectName("lines")
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.setColumnWidth(NAME, 220)
        self.setColumnWidth(NAME_AR, 160)
        self.setColumnWidth(REASON, 180)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter: move on like a spreadsheet
            current = self.currentIndex()
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.advance(current)
            return
        super().closeEditor(editor, hint)

    def advance(self, index: QModelIndex) -> None:
        """From a cell to the next one to type in; past the last cell of the last line, a new line."""
        if not index.isValid() or self.lines.read_only:
            return
        row, column = index.row(), index.column()
        following = [c for c in self.lines.entry_columns(row) if c > column]
        if following:
            target = self.lines.index(row, following[0])
        else:
            if row == self.lines.rowCount() - 1:
                self.lines.add_row()
            target = self.lines.index(row + 1, NAME)
        self.setCurrentIndex(target)
        self.edit(target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and not self.lines.read_only:
            if key == Qt.Key.Key_Delete and self.currentIndex().isValid():
                row = self.currentIndex().row()
                self.lines.remove_row(row)
                if self.lines.rowCount():
                    self.setCurrentIndex(self.lines.index(min(row, self.lines.rowCount() - 1), NAME))
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.currentIndex()
                if current.isValid() and current.column() in EDITABLE:
                    self.edit(current)
                elif self.lines.rowCount() == 0:
                    self.lines.add_row()
                    self.setCurrentIndex(self.lines.index(0, NAME))
                    self.edit(self.currentIndex())
                return
        super().keyPressEvent(event)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Tab from the item goes on to the quantity, as it always did: the Arabic name beside it usually comes
        with the product; the arrow keys or a click reach it."""
        target = super().moveCursor(action, modifiers)
        tabs = (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious)
        if action in tabs and target.isValid() and target.column() == NAME_AR:
            step = 1 if action == QAbstractItemView.CursorAction.MoveNext else -1
            return self.lines.index(target.row(), NAME_AR + step)
        return target


class InvoiceEditorDialog(QDialog):
    """Edit a draft (or read an issued document). `ref` is a number or id; None starts a new draft."""

    def __init__(self, session: AppSession, ref: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("invoiceEditor")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1100, 760)
        self._loading = False
        self._touched = False
        self._version: int | None = None
        self._status = "draft"
        self._last_saved: InvoiceDraft | None = None
        self._buyer: Party | None = None
        self._customer_id: uuid.UUID | None = None
        self._suggested = ""
        self._findings: list[Finding] = []
        self._save_findings: list[Finding] = []
        self._save_error = ""
        self._save_blocked = False  # the draft changed or was issued elsewhere: saving again would not help
        self._close_refused = False
        self._totals: Totals | None = None
        self._qr = ""
        self._xml = b""
        self._xml_copy = ""
        self.job: Job | None = None
        self.note_editor: InvoiceEditorDialog | None = None
        with session.uow(write=False) as uow:
            self._company: CompanyProfile = invoicing.get_company(uow)
            self._customers: list[Customer] = invoicing.list_customers(uow, limit=5000)
            products = invoicing.list_products(uow, limit=5000)
        self.model = InvoiceLinesModel(self)
        self.model.language = session.language
        self.model.set_products(products)
        self._build()
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

    def _timer(self, interval: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # --- building ----------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.kind = QComboBox(objectName="kind")
        for kind in DocumentKind:
            self.kind.addItem("", kind.value)
        self.type = QComboBox(objectName="type")
        for doc_type in DocumentType:
            self.type.addItem("", doc_type.value)
        self.number = QLineEdit(objectName="number")
        self.issue_date = QDateTimeEdit(objectName="issueDate")
        self.issue_date.setCalendarPopup(True)
        latin_date(self.issue_date, "yyyy-MM-dd HH:mm")
        self.hijri = QLabel(objectName="hijriDate")
        self.supply_date = QDateEdit(objectName="supplyDate")
        self.supply_date.setCalendarPopup(True)
        latin_date(self.supply_date, "yyyy-MM-dd")
        self.supply_date.setMinimumDate(_NO_DATE)
        self.customer = QComboBox(objectName="customer")
        self.customer.setEditable(True)
        self.customer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.customer.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.payment = QComboBox(objectName="paymentMeans")
        for code in PAYMENT_MEANS:
            self.payment.addItem("", code)
        self.note = QLineEdit(objectName="note")
        self.billing_reference = QLineEdit(objectName="billingReference")
        self.reason = QLineEdit(objectName="reason")
        self.fields = {name: _Field(w) for name, w in (
            ("kind", self.kind), ("type", self.type), ("number", self.number), ("issue_datetime", self.issue_date),
            ("supply_date", self.supply_date), ("buyer", self.customer), ("payment_means", self.payment),
            ("note", self.note), ("billing_reference", self.billing_reference), ("reason", self.reason))}
        self.fields["issue_datetime"].box.layout().addWidget(self.hijri)  # the Umm al-Qura date under the date
        self.labels: dict[str, QLabel] = {name: QLabel() for name in self.fields}
        for name, label in self.labels.items():
            label.setBuddy(self.fields[name].widget)

        header = QGridLayout()
        placement = (("kind", 0, 0), ("type", 0, 2), ("number", 0, 4), ("issue_datetime", 1, 0),
                     ("supply_date", 1, 2), ("payment_means", 1, 4), ("buyer", 2, 0), ("note", 2, 4),
                     ("billing_reference", 3, 0), ("reason", 3, 2))
        for name, row, column in placement:
            header.addWidget(self.labels[name], row, column, Qt.AlignmentFlag.AlignTop)
            span = 3 if name in ("buyer", "reason") else 1
            header.addWidget(self.fields[name].box, row, column + 1, 1, span)
        for column in (1, 3, 5):
            header.setColumnStretch(column, 1)

        self.table = LinesTable(self.model)
        self.delegate = LineDelegate(self.model, self.table)
        self.table.setItemDelegate(self.delegate)
        self.lines_hint = QLabel(objectName="linesHint")
        self.lines_hint.setWordWrap(True)
        self.lines_finding = QLabel(objectName="linesFinding")
        self.lines_finding.setWordWrap(True)
        self.lines_finding.hide()

        self.totals_box = QGroupBox()
        totals_form = QFormLayout(self.totals_box)
        self.total_labels = {key: (QLabel(), QLabel(objectName=f"total_{key}")) for key in (
            "line_extension", "allowances", "tax_exclusive", "tax_total", "tax_inclusive", "payable")}
        for caption, value in self.total_labels.values():
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            totals_form.addRow(caption, value)

        self.findings_box = QGroupBox()
        findings_layout = QVBoxLayout(self.findings_box)
        self.findings_summary = QLabel(objectName="findingsSummary")
        self.findings_list = QListWidget(objectName="findings")
        self.findings_list.setWordWrap(True)
        self.findings_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.findings_list.itemActivated.connect(self._jump)
        self.findings_list.itemClicked.connect(self._jump)
        findings_layout.addWidget(self.findings_summary)
        findings_layout.addWidget(self.findings_list)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.totals_box)
        side_layout.addWidget(self.findings_box, 1)

        lines_panel = QWidget()
        lines_layout = QVBoxLayout(lines_panel)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(self.table, 1)
        lines_layout.addWidget(self.lines_finding)
        lines_layout.addWidget(self.lines_hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(lines_panel)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        document = QWidget()
        document_layout = QVBoxLayout(document)
        document_layout.addLayout(header)
        document_layout.addWidget(splitter, 1)

        self.qr_label = QLabel(objectName="qrImage")
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_fields = QFormLayout()
        self.xml_copy = QLabel(objectName="xmlCopy")
        self.xml_text = QPlainTextEdit(objectName="xmlText")
        self.xml_text.setReadOnly(True)
        self.xml_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.xml_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.xml_text.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # XML reads left to right in any language
        preview = QWidget()
        preview_layout = QHBoxLayout(preview)
        qr_column = QVBoxLayout()
        qr_column.addWidget(self.qr_label)
        qr_column.addLayout(self.qr_fields)
        qr_column.addStretch(1)
        xml_column = QVBoxLayout()
        xml_column.addWidget(self.xml_copy)
        xml_column.addWidget(self.xml_text, 1)
        preview_layout.addLayout(qr_column, 1)
        preview_layout.addLayout(xml_column, 2)

        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(document, "")
        self.tabs.addTab(preview, "")

        self.status = QLabel(objectName="status")
        self.progress = QProgressBar(objectName="issueProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.issue_button = QPushButton(objectName="issueButton")
        self.issue_button.clicked.connect(self.issue)
        self.cancel_button = QPushButton(objectName="cancelIssueButton")
        self.cancel_button.clicked.connect(self._cancel_job)
        self.cancel_button.hide()
        self.credit_button = QPushButton(objectName="creditNoteButton")
        self.credit_button.clicked.connect(lambda: self.make_note(DocumentType.CREDIT_NOTE))
        self.debit_button = QPushButton(objectName="debitNoteButton")
        self.debit_button.clicked.connect(lambda: self.make_note(DocumentType.DEBIT_NOTE))
        self.pdf_button = QPushButton(objectName="pdfButton")
        self.pdf_button.clicked.connect(self.open_pdf)
        self.close_button = QPushButton(objectName="closeButton")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.progress)
        for button in (self.cancel_button, self.pdf_button, self.credit_button, self.debit_button,
                       self.issue_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        self.presence_layout = layout  # the "Also open by" banner goes on top once the document is known
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.model.edited.connect(self._edited)
        for edit in (self.number, self.note, self.billing_reference, self.reason):
            edit.textEdited.connect(self._edited)
        self.number.textEdited.connect(lambda _text: setattr(self, "_suggested", ""))
        for combo in (self.kind, self.type, self.payment):
            combo.currentIndexChanged.connect(self._edited)
        self.type.currentIndexChanged.connect(self._type_changed)
        self.customer.currentIndexChanged.connect(self._customer_changed)
        self.issue_date.dateTimeChanged.connect(self._edited)
        self.supply_date.dateChanged.connect(self._edited)

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
            self._buyer, self._customer_id = draft.buyer, draft.customer_id
            self.kind.setCurrentIndex(self.kind.findData(draft.kind.value))
            self.type.setCurrentIndex(self.type.findData(draft.type.value))
            self.number.setText(draft.number)
            issued = saudi_time(draft.issue_datetime)
            self.issue_date.setDateTime(QDateTime(QDate(issued.year, issued.month, issued.day),
                                                  QTime(issued.hour, issued.minute, issued.second)))
            supply = draft.supply_date
            self.supply_date.setDate(QDate(supply.year, supply.month, supply.day) if supply else _NO_DATE)
            if self.payment.findData(draft.payment_means) < 0:
                self.payment.addItem(draft.payment_means, draft.payment_means)
            self.payment.setCurrentIndex(self.payment.findData(draft.payment_means))
            self.note.setText(draft.note)
            self.billing_reference.setText(draft.billing_reference)
            self.reason.setText(draft.reason)
            self._fill_customers()
            self.model.set_lines(draft.lines)
            self._apply_mode()
        finally:
            self._loading = False
        self._update_totals()

    def _fill_customers(self) -> None:
        combo = self.customer
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("InvoiceEditor", "No buyer (simplified invoice)"), None)
        selected = 0
        for customer in self._customers:
            label = f"{customer.name} — {customer.vat_number}" if customer.vat_number else customer.name
            combo.addItem(label, str(customer.id))
            if customer.id == self._customer_id:
                selected = combo.count() - 1
        if self._buyer is not None and not selected:  # a buyer typed on the document, not a customer on file
            combo.addItem(self._buyer.name, "document")
            selected = combo.count() - 1
        combo.setCurrentIndex(selected)
        combo.blockSignals(False)

    def _apply_mode(self) -> None:
        read_only = self.read_only
        self.model.read_only = read_only
        for edit in (self.number, self.note, self.billing_reference, self.reason):
            edit.setReadOnly(read_only)
        for widget in (self.kind, self.type, self.payment, self.customer, self.issue_date, self.supply_date):
            widget.setEnabled(not read_only)
        is_note = self.type.currentData() != DocumentType.INVOICE.value
        for name in ("billing_reference", "reason"):
            self.labels[name].setVisible(is_note)
            self.fields[name].box.setVisible(is_note)
        self.issue_button.setVisible(not read_only)
        can_correct = read_only and self._base.type is DocumentType.INVOICE
        self.credit_button.setVisible(can_correct)
        self.debit_button.setVisible(can_correct)
        self.pdf_button.setVisible(read_only)
        self.tabs.setTabEnabled(1, read_only)
        if read_only:
            self._fill_preview()

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
        moment = self.issue_date.dateTime()
        day, time = moment.date(), moment.time()
        issued = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), time.second(), tzinfo=KSA)
        supply = self.supply_date.date()
        return replace(
            self._base, kind=DocumentKind(self.kind.currentData()), type=DocumentType(self.type.currentData()),
            number=self.number.text().strip(), issue_datetime=issued,
            supply_date=None if supply == _NO_DATE else supply.toPython(),
            buyer=self._buyer, customer_id=self._customer_id, payment_means=self.payment.currentData() or "",
            note=self.note.text().strip(), billing_reference=self.billing_reference.text().strip(),
            reason=self.reason.text().strip(), lines=lines)

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
        if self._loading:
            return
        doc_type = DocumentType(self.type.currentData())
        if self._suggested and self.number.text() == self._suggested and self._version is None:
            with self.session.uow(write=False) as uow:
                self._suggested = drafts.suggest_number(uow, doc_type)
            self.number.setText(self._suggested)
        self._apply_mode()

    def _customer_changed(self) -> None:
        if self._loading:
            return
        data = self.customer.currentData()
        if data == "document":
            return
        customer = next((c for c in self._customers if str(c.id) == data), None)
        self._customer_id = customer.id if customer else None
        self._buyer = customer.as_party() if customer else None
        self._edited()

    def _update_totals(self) -> None:
        draft = self.current_draft()
        totals = compute_totals(draft)
        self._totals = totals
        _lines, rows = self.model.lines()
        self.model.set_totals(totals.lines, rows)
        language, currency = self.session.language, draft.currency
        values = {"line_extension": totals.line_extension,
                  "allowances": totals.charge_total - totals.allowance_total,
                  "tax_exclusive": totals.tax_exclusive, "tax_total": totals.tax_total,
                  "tax_inclusive": totals.tax_inclusive, "payable": totals.payable}
        for key, value in values.items():
            self.total_labels[key][1].setText(format_money(value, language, currency) if value.is_finite() else "—")
        self.total_labels["allowances"][0].setVisible(bool(draft.allowances))
        self.total_labels["allowances"][1].setVisible(bool(draft.allowances))
        self._show_hijri()

    def _show_hijri(self) -> None:
        day = self.issue_date.date().toPython()
        text = hijri_text(day, self.session.language)
        self.hijri.setText(tr("InvoiceEditor", "Hijri: {date}").format(date=text) if text else "")

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
        seen: set[tuple[str, str, str]] = set()
        merged = []
        for finding in [*self._save_findings, *self._findings]:
            key = (finding.rule, finding.field, finding.message)
            if key not in seen:
                seen.add(key)
                merged.append(finding)
        return sorted(merged, key=lambda f: f.severity is not Severity.ERROR)

    def _target(self, field: str) -> tuple[str, object]:
        """Where a finding's field is shown: ("cell", (row, column)), ("field", name), ("lines", None) or ("", None)."""
        match = _LINE_FIELD.match(field)
        if match:
            _lines, rows = self.model.lines()
            position = int(match[1])
            if position < len(rows):
                return "cell", (rows[position], FIELDS.get(match[2] or "name", NAME))
            return "lines", None
        head = field.split(".")[0].split("[")[0]
        head = {"supply_end_date": "supply_date", "customer_id": "buyer"}.get(head, head)
        if head == "lines":
            return "lines", None
        return ("field", head) if head in self.fields else ("", None)

    def _show_findings(self) -> None:
        language = self.session.language
        findings = self.findings
        by_field: dict[str, list[Finding]] = {}
        by_cell: dict[tuple[int, int], list[Finding]] = {}
        on_lines: list[Finding] = []
        for finding in findings:
            where, what = self._target(finding.field)
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
        if on_lines:
            color = ERROR_COLOR if any(f.is_error for f in on_lines) else WARNING_COLOR
            self.lines_finding.setText("\n".join(finding_message(f, language) for f in on_lines))
            self.lines_finding.setToolTip("\n".join(f"{f.rule} — {finding_fix(f, language)}" for f in on_lines))
            self.lines_finding.setStyleSheet(f"color: {color};")
            self.lines_finding.show()
            self.table.setStyleSheet(f"QTableView {{ border: 2px solid {color}; }}")
        else:
            self.lines_finding.hide()
            self.table.setStyleSheet("")
        self.findings_list.clear()
        for finding in findings:
            mark = "✖" if finding.is_error else "⚠"
            item = QListWidgetItem(f"{mark} {finding_message(finding, language)}")
            item.setToolTip(f"{finding.rule} — {finding_fix(finding, language)}")
            item.setForeground(QColor(ERROR_COLOR if finding.is_error else WARNING_COLOR))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            self.findings_list.addItem(item)
        errors = sum(f.is_error for f in findings)
        warnings = len(findings) - errors
        if self.read_only:
            summary = ""
        elif not findings:
            summary = tr("InvoiceEditor", "No problems found.")
        else:
            summary = tr("InvoiceEditor", "{errors} error(s), {warnings} warning(s)").format(
                errors=errors, warnings=warnings)
        self.findings_summary.setText(summary)

    def _jump(self, item: QListWidgetItem) -> None:
        finding = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(finding, Finding):
            self.jump_to(finding)

    def jump_to(self, finding: Finding) -> QWidget | None:
        """Put the cursor on what the finding names; returns the widget focused."""
        self.tabs.setCurrentIndex(0)
        where, what = self._target(finding.field)
        if where == "field":
            widget = self.fields[str(what)].widget
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return widget
        if where in ("cell", "lines"):
            row, column = what if where == "cell" else (0, NAME)  # type: ignore[misc]
            if self.model.rowCount():
                index = self.model.index(row, column)
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.table
        return None

    # --- saving ------------------------------------------------------------------------------------------------

    def save_now(self) -> bool:
        """Store the draft if it changed since the last save; False when it could not be stored."""
        self._save_timer.stop()
        if self.read_only:
            return True
        if self._save_blocked:
            return False
        draft = self.current_draft()
        if not self._touched or draft == self._last_saved:
            return self._save_error == ""
        try:
            with self.session.uow() as uow:
                saved = drafts.save_draft(uow, draft, expected_version=self._version)
                uow.commit()
        except ValidationError as exc:
            self._save_findings, self._save_error = list(exc.findings), exc.message
            self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields."), error=True)
            self._show_findings()
            return False
        except StoreBusyError:  # another process is writing: the typing stays here and the save is tried again
            self._set_status(tr("InvoiceEditor", "Not saved yet: another Qayd window or command is writing to the "
                                "books; trying again."), error=True)
            self._save_timer.start()
            return False
        except QaydError as exc:  # changed, issued or deleted elsewhere: say so once, stop saving
            self._save_error, self._save_blocked = exc.message, True
            self._set_status(tr("InvoiceEditor", "Not saved."), error=True)
            present_error(self, exc)
            return False
        self._version, self._last_saved, self._base = saved.version, draft, draft
        had_save_findings = bool(self._save_findings)
        self._save_findings, self._save_error = [], ""
        self._set_status(tr("InvoiceEditor", "Draft saved."))
        self._update_title()
        if had_save_findings:
            self._show_findings()
        self.session.notify(INVOICES)
        return True

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    def _may_close(self) -> bool:
        """Save before closing; a draft that cannot be stored keeps the editor open once, then is discarded."""
        if self.job is not None:  # issuing: let it finish (or cancel it) first
            return False
        if self.read_only or self.save_now() or self._close_refused:
            return True
        self._close_refused = True
        self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields, or close again to "
                                             "discard the changes."), error=True)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close():
            event.ignore()
            return
        super().closeEvent(event)  # QDialog's calls reject()

    def reject(self) -> None:  # Esc and the close button: save first
        if self._may_close():
            super().reject()

    # --- issuing -----------------------------------------------------------------------------------------------

    def issue(self) -> Job | None:
        """Save, then issue in the background (a draft with errors is not issued: its findings are shown)."""
        if self.read_only or self.job is not None:
            return None
        self._touched = True
        if not self.save_now():
            self._focus_first_finding()
            return None
        errors = [f for f in self.validate_now() if f.is_error]
        if errors:
            self._set_status(tr("InvoiceEditor", "Not issued: correct the errors listed first."), error=True)
            self._focus_first_finding()
            return None
        ident, ctx = str(self.document_id), self.session.ctx

        def run(progress: Progress, cancelled: Cancelled) -> list[IssuedInfo]:
            with ctx.uow() as uow:  # this thread's own unit of work
                issued = issue_many(uow, [ident], progress=progress)
                if cancelled():  # before the commit, nothing is issued
                    raise JobCancelled
                uow.commit()
            return list(issued)

        job = Job(run, "issue")
        job.signals.progressed.connect(self._issue_progress)
        job.signals.succeeded.connect(self._issued)
        job.signals.failed.connect(self._issue_failed)
        job.signals.cancelled.connect(lambda: self._set_status(tr("InvoiceEditor", "Issuing cancelled; nothing "
                                                                               "was issued.")))
        job.signals.finished.connect(self._issue_finished)
        self.job = job
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.issue_button.setEnabled(False)
        self._set_status(tr("InvoiceEditor", "Issuing…"))
        self.session.pool.start(job)
        return job

    def _focus_first_finding(self) -> None:
        first = next(iter(self.findings), None)
        if first is not None:
            self.findings_list.setCurrentRow(0)
            self.jump_to(first)

    def _issue_progress(self, fraction: float, _message: str) -> None:
        self.progress.setValue(int(fraction * 100))

    def _issued(self, _result: object) -> None:
        self.session.notify(INVOICES)
        self.session.notify(ZATCA)
        self._load(str(self.document_id))
        self._set_status(tr("InvoiceEditor", "Issued. The document can no longer be changed."))
        self.tabs.setCurrentIndex(1)

    def _issue_failed(self, exc: object) -> None:
        if isinstance(exc, ValidationError):
            self._save_findings = list(exc.findings)
            self._show_findings()
            self._focus_first_finding()
        self._set_status(tr("InvoiceEditor", "Not issued."), error=True)
        if isinstance(exc, BaseException):
            present_error(self, exc)

    def _issue_finished(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.issue_button.setEnabled(True)

    def _cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # --- issued documents --------------------------------------------------------------------------------------

    def _fill_preview(self) -> None:
        if not self._qr:
            return
        self.qr_label.setPixmap(QPixmap.fromImage(qr_image(self._qr)))
        while self.qr_fields.rowCount():
            self.qr_fields.removeRow(0)
        try:
            tags = decode_tlv(self._qr)
        except ValueError:
            tags = {}
        names = qr_tag_names()
        for tag, (_name, value) in zip(sorted(tags), describe(tags).items(), strict=True):
            text = QLabel(value if len(value) <= 64 else value[:61] + "…")
            text.setToolTip(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.qr_fields.addRow(names.get(tag, tr("InvoiceEditor", "Tag {n}").format(n=tag)), text)
        copy = {"cleared": tr("InvoiceEditor", "The XML as cleared by ZATCA"),
                "signed": tr("InvoiceEditor", "The signed XML")}
        self.xml_copy.setText(copy.get(self._xml_copy, ""))
        self.xml_text.setPlainText(self._xml.decode("utf-8", errors="replace"))

    def make_note(self, note_type: DocumentType) -> InvoiceEditorDialog | None:
        """One action: draft a credit or debit note for this issued invoice and open it in a new editor."""
        try:
            with self.session.uow() as uow:
                saved = drafts.prepare_note(uow, str(self.document_id), note_type)
                uow.commit()
        except QaydError as exc:
            present_error(self, exc)
            return None
        self.session.notify(INVOICES)
        # A child of this editor, so that it takes input even when this one was opened window-modal.
        editor = InvoiceEditorDialog(self.session, str(saved.id), self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.show()
        self.note_editor = editor
        editor.reason.setFocus()
        return editor

    def open_pdf(self) -> object:
        """The printed copy (PDF) of this issued document, built in a Job, in a preview window (Print, Save as)."""
        from desktop.pdf_preview import open_document

        return open_document(self, self.session, "invoice", {"ref": str(self.document_id)})

    # --- language ----------------------------------------------------------------------------------------------

    def _language_changed(self, language: str) -> None:
        self.model.language = language
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        captions = {"kind": tr("InvoiceEditor", "Kind"), "type": tr("InvoiceEditor", "Type"),
                    "number": tr("InvoiceEditor", "Number"), "issue_datetime": tr("InvoiceEditor", "Issued on"),
                    "supply_date": tr("InvoiceEditor", "Supply date"), "buyer": tr("InvoiceEditor", "Customer"),
                    "payment_means": tr("InvoiceEditor", "Payment means"), "note": tr("InvoiceEditor", "Note"),
                    "billing_reference": tr("InvoiceEditor", "Original invoice"),
                    "reason": tr("InvoiceEditor", "Reason for the note")}
        for name, label in self.labels.items():
            label.setText(captions[name])
        kinds = {"standard": tr("InvoiceEditor", "Standard (B2B, cleared)"),
                 "simplified": tr("InvoiceEditor", "Simplified (B2C, reported)")}
        types = {"invoice": tr("InvoiceEditor", "Tax invoice"), "credit_note": tr("InvoiceEditor", "Credit note"),
                 "debit_note": tr("InvoiceEditor", "Debit note")}
        for combo, texts in ((self.kind, kinds), (self.type, types)):
            for i in range(combo.count()):
                combo.setItemText(i, texts[combo.itemData(i)])
        for i in range(self.payment.count()):
            self.payment.setItemText(i, payment_means_text(self.payment.itemData(i)))
        if self.customer.count():
            self.customer.setItemText(0, tr("InvoiceEditor", "No buyer (simplified invoice)"))
        self.supply_date.setSpecialValueText(tr("InvoiceEditor", "None"))
        self.number.setPlaceholderText(tr("InvoiceEditor", "e.g. INV-2026-0001"))
        self.reason.setPlaceholderText(tr("InvoiceEditor", "e.g. Goods returned"))
        self.lines_hint.setText(tr("InvoiceEditor", "Type an item name or code; Tab moves to the next cell, Enter on "
                                                    "the last cell adds a line, Delete removes the current line."))
        self.totals_box.setTitle(tr("InvoiceEditor", "Totals"))
        captions_totals = {"line_extension": tr("InvoiceEditor", "Lines"),
                           "allowances": tr("InvoiceEditor", "Charges less allowances"),
                           "tax_exclusive": tr("InvoiceEditor", "Total without VAT"),
                           "tax_total": tr("InvoiceEditor", "VAT"),
                           "tax_inclusive": tr("InvoiceEditor", "Total with VAT"),
                           "payable": tr("InvoiceEditor", "Amount due")}
        for key, (caption, _value) in self.total_labels.items():
            caption.setText(captions_totals[key])
        self.findings_box.setTitle(tr("InvoiceEditor", "Findings"))
        self.tabs.setTabText(0, tr("InvoiceEditor", "Document"))
        self.tabs.setTabText(1, tr("InvoiceEditor", "Preview"))
        self.issue_button.setText(tr("InvoiceEditor", "Issue"))
        self.cancel_button.setText(tr("InvoiceEditor", "Cancel"))
        self.credit_button.setText(tr("InvoiceEditor", "Credit note"))
        self.debit_button.setText(tr("InvoiceEditor", "Debit note"))
        self.pdf_button.setText(tr("PdfPreview", "PDF…"))
        self.close_button.setText(tr("InvoiceEditor", "Close"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._update_title()
        self._update_totals()
        self._show_findings()
        if self.read_only:
            self._fill_preview()
            self._set_status(tr("InvoiceEditor", "Issued. The document can no longer be changed."))
        elif self._save_error:
            self._set_status(tr("InvoiceEditor", "Not saved: correct the marked fields."), error=True)
        elif self._last_saved is not None:
            self._set_status(tr("InvoiceEditor", "Draft saved."))
        else:
            self._set_status(tr("InvoiceEditor", "New draft: it is saved as you type."))

    def _update_title(self) -> None:
        number = self._base.number
        if self.read_only:
            title = tr("InvoiceEditor", "{number} (issued)").format(number=number)
        elif self._version is None:
            title = tr("InvoiceEditor", "New document")
        else:
            title = tr("InvoiceEditor", "Draft {number}").format(number=number)
        self.setWindowTitle(title)

