"""The editor's header and party form: kind, type, number, dates, the buyer, payment means, note; for a credit or
debit note also the original invoice and the reason. Each field shows the findings that name it (`FindingField`)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QDateTimeEdit, QGridLayout, QLabel, QLineEdit, QWidget

from core.clock import SAUDI_TIME as KSA
from core.clock import saudi_time
from core.invoicing import Customer, DocumentKind, DocumentType, InvoiceDraft, InvoiceLine, Party
from desktop.i18n import hijri_text, tr
from desktop.style import latin_date
from desktop.views.invoice_editor.findings import FindingField

PAYMENT_MEANS = ("", "10", "30", "42", "48", "1")
NO_DATE = QDate(1999, 12, 31)  # the date edits' "no date" value (ZATCA accepts nothing before 2000)
NOTE_FIELDS = ("billing_reference", "reason")  # shown for a credit or debit note only
# (field, row, column) of each caption; its field sits in the next column, the buyer and the reason span three.
_PLACEMENT = (("kind", 0, 0), ("type", 0, 2), ("number", 0, 4), ("issue_datetime", 1, 0), ("supply_date", 1, 2),
              ("payment_means", 1, 4), ("buyer", 2, 0), ("note", 2, 4), ("billing_reference", 3, 0), ("reason", 3, 2))
_WIDE = ("buyer", "reason")


def payment_means_text(code: str) -> str:
    texts = {"": tr("InvoiceEditor", "Not stated"), "10": tr("InvoiceEditor", "10 — Cash"),
             "30": tr("InvoiceEditor", "30 — Credit transfer"), "42": tr("InvoiceEditor", "42 — Bank account"),
             "48": tr("InvoiceEditor", "48 — Bank card"), "1": tr("InvoiceEditor", "1 — Not defined")}
    return texts.get(code, code)


def _combo(name: str, values: list[str]) -> QComboBox:
    combo = QComboBox(objectName=name)
    for value in values:
        combo.addItem("", value)  # the texts come in `retranslate`
    return combo


class HeaderForm(QWidget):
    """The document's header fields; `edited` says the person changed one (never while a document is shown)."""

    edited = Signal()

    def __init__(self, customers: list[Customer], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customers = customers
        self.buyer: Party | None = None  # a customer on file as a party, or the buyer typed on the document
        self.customer_id: uuid.UUID | None = None
        self._filling = False
        self._build_fields()
        self._lay_out()
        self._connect()

    def _build_fields(self) -> None:
        self.kind = _combo("kind", [kind.value for kind in DocumentKind])
        self.type = _combo("type", [doc_type.value for doc_type in DocumentType])
        self.number = QLineEdit(objectName="number")
        self.issue_date = QDateTimeEdit(objectName="issueDate")
        self.issue_date.setCalendarPopup(True)
        latin_date(self.issue_date, "yyyy-MM-dd HH:mm")
        self.hijri = QLabel(objectName="hijriDate")
        self.supply_date = QDateEdit(objectName="supplyDate")
        self.supply_date.setCalendarPopup(True)
        latin_date(self.supply_date, "yyyy-MM-dd")
        self.supply_date.setMinimumDate(NO_DATE)
        self.customer = QComboBox(objectName="customer")
        self.customer.setEditable(True)
        self.customer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.customer.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.payment = _combo("paymentMeans", list(PAYMENT_MEANS))
        self.note = QLineEdit(objectName="note")
        self.billing_reference = QLineEdit(objectName="billingReference")
        self.reason = QLineEdit(objectName="reason")
        self.fields = {name: FindingField(w) for name, w in (
            ("kind", self.kind), ("type", self.type), ("number", self.number), ("issue_datetime", self.issue_date),
            ("supply_date", self.supply_date), ("buyer", self.customer), ("payment_means", self.payment),
            ("note", self.note), ("billing_reference", self.billing_reference), ("reason", self.reason))}
        self.fields["issue_datetime"].box.layout().addWidget(self.hijri)  # the Umm al-Qura date under the date
        self.labels: dict[str, QLabel] = {name: QLabel() for name in self.fields}
        for name, label in self.labels.items():
            label.setBuddy(self.fields[name].widget)

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for name, row, column in _PLACEMENT:
            grid.addWidget(self.labels[name], row, column, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.fields[name].box, row, column + 1, 1, 3 if name in _WIDE else 1)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)

    def _connect(self) -> None:
        for edit in (self.number, self.note, self.billing_reference, self.reason):
            edit.textEdited.connect(self._changed)
        for combo in (self.kind, self.type, self.payment):
            combo.currentIndexChanged.connect(self._changed)
        self.customer.currentIndexChanged.connect(self._customer_chosen)
        self.issue_date.dateTimeChanged.connect(self._changed)
        self.supply_date.dateChanged.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self.edited.emit()

    def _customer_chosen(self) -> None:
        data = self.customer.currentData()
        if self._filling or data == "document":  # the buyer typed on the document stays as it is
            return
        customer = next((c for c in self.customers if str(c.id) == data), None)
        self.customer_id = customer.id if customer else None
        self.buyer = customer.as_party() if customer else None
        self.edited.emit()

    # --- a document in, a document out -------------------------------------------------------------------------

    def show_draft(self, draft: InvoiceDraft) -> None:
        """Fill the fields from `draft` (no `edited` is emitted)."""
        self._filling = True
        try:
            self.buyer, self.customer_id = draft.buyer, draft.customer_id
            self.kind.setCurrentIndex(self.kind.findData(draft.kind.value))
            self.type.setCurrentIndex(self.type.findData(draft.type.value))
            self.number.setText(draft.number)
            issued = saudi_time(draft.issue_datetime)
            self.issue_date.setDateTime(QDateTime(QDate(issued.year, issued.month, issued.day),
                                                  QTime(issued.hour, issued.minute, issued.second)))
            supply = draft.supply_date
            self.supply_date.setDate(QDate(supply.year, supply.month, supply.day) if supply else NO_DATE)
            if self.payment.findData(draft.payment_means) < 0:  # a code on file this list does not offer
                self.payment.addItem(draft.payment_means, draft.payment_means)
            self.payment.setCurrentIndex(self.payment.findData(draft.payment_means))
            self.note.setText(draft.note)
            self.billing_reference.setText(draft.billing_reference)
            self.reason.setText(draft.reason)
            self.fill_customers()
        finally:
            self._filling = False

    def fill_customers(self) -> None:
        combo = self.customer
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("InvoiceEditor", "No buyer (simplified invoice)"), None)
        selected = 0
        for customer in self.customers:
            label = f"{customer.name} — {customer.vat_number}" if customer.vat_number else customer.name
            combo.addItem(label, str(customer.id))
            if customer.id == self.customer_id:
                selected = combo.count() - 1
        if self.buyer is not None and not selected:  # a buyer typed on the document, not a customer on file
            combo.addItem(self.buyer.name, "document")
            selected = combo.count() - 1
        combo.setCurrentIndex(selected)
        combo.blockSignals(False)

    def draft(self, base: InvoiceDraft, lines: tuple[InvoiceLine, ...]) -> InvoiceDraft:
        """`base` with the header as typed and `lines`."""
        moment = self.issue_date.dateTime()
        day, time = moment.date(), moment.time()
        issued = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), time.second(), tzinfo=KSA)
        supply = self.supply_date.date()
        return replace(
            base, kind=DocumentKind(self.kind.currentData()), type=DocumentType(self.type.currentData()),
            number=self.number.text().strip(), issue_datetime=issued,
            supply_date=None if supply == NO_DATE else supply.toPython(),
            buyer=self.buyer, customer_id=self.customer_id, payment_means=self.payment.currentData() or "",
            note=self.note.text().strip(), billing_reference=self.billing_reference.text().strip(),
            reason=self.reason.text().strip(), lines=lines)

    @property
    def doc_type(self) -> DocumentType:
        return DocumentType(self.type.currentData())

    def apply_mode(self, *, read_only: bool) -> None:
        """Read-only for an issued document; the note's fields only on a credit or debit note."""
        for edit in (self.number, self.note, self.billing_reference, self.reason):
            edit.setReadOnly(read_only)
        for widget in (self.kind, self.type, self.payment, self.customer, self.issue_date, self.supply_date):
            widget.setEnabled(not read_only)
        is_note = self.doc_type is not DocumentType.INVOICE
        for name in NOTE_FIELDS:
            self.labels[name].setVisible(is_note)
            self.fields[name].box.setVisible(is_note)

    def show_hijri(self, language: str) -> None:
        text = hijri_text(self.issue_date.date().toPython(), language)
        self.hijri.setText(tr("InvoiceEditor", "Hijri: {date}").format(date=text) if text else "")

    # --- language ----------------------------------------------------------------------------------------------

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
