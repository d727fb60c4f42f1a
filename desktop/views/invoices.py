"""The Invoices view: every document of the company in one lazy list, with search, filters and database sorting."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import invoicing
from core.clock import SAUDI_TIME as KSA
from core.errors import QaydError
from core.invoicing import BrowseFilter, browse
from desktop.badges import BadgeDelegate, badge_width
from desktop.errors import present_error, user_message
from desktop.i18n import format_int, tr
from desktop.jobs import Job
from desktop.models.invoice_list import (
    COLUMNS,
    PAID_KEYS,
    InvoiceListModel,
    column_of,
    kind_text,
    paid_text,
    status_text,
    type_text,
    zatca_text,
)
from desktop.session import INVOICES, ZATCA, AppSession
from desktop.style import latin_date
from desktop.views.base import View

SEARCH_DELAY_MS = 250
CELL_PADDING = 16  # a cell's text margins
HEADER_PADDING = 40  # a header's padding (style sheet) and the sort indicator beside its text

Option = tuple[str | None, Callable[[], str]]


def _options(any_text: Callable[[], str], values: tuple[str, ...], text: Callable[[str], str]) -> list[Option]:
    return [(None, any_text), *((value, partial(text, value)) for value in values)]


STATUS_OPTIONS = _options(lambda: tr("Invoices", "Any status"), browse.STATUSES, status_text)
KIND_OPTIONS = _options(lambda: tr("Invoices", "Any kind"), browse.KINDS, kind_text)
TYPE_OPTIONS = _options(lambda: tr("Invoices", "Any type"), browse.TYPES, type_text)
ZATCA_OPTIONS = _options(lambda: tr("Invoices", "Any ZATCA status"), browse.ZATCA_STATES, zatca_text)
PAID_OPTIONS = _options(lambda: tr("Invoices", "All payment states"), PAID_KEYS, paid_text)


def _fill(combo: QComboBox, options: list[Option]) -> None:
    """Set the options' texts in the current language, keeping the selection."""
    if combo.count() != len(options):
        combo.clear()
        for value, text in options:
            combo.addItem(text(), value)
    else:
        for i, (_value, text) in enumerate(options):
            combo.setItemText(i, text())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), KSA)


class InvoicesView(View):
    key = "invoices"
    topics = (INVOICES, ZATCA)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.model = InvoiceListModel(session, self)
        self._editor: QDialog | None = None
        self._current_key: str | None = None

        self.search = QLineEdit(objectName="invoiceSearch")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)

        self.status_combo = QComboBox(objectName="statusFilter")
        self.kind_combo = QComboBox(objectName="kindFilter")
        self.type_combo = QComboBox(objectName="typeFilter")
        self.zatca_combo = QComboBox(objectName="zatcaFilter")
        self.paid_combo = QComboBox(objectName="paidFilter")
        self.customer_combo = QComboBox(objectName="customerFilter")
        self.customer_combo.setMinimumContentsLength(18)
        self.period_check = QCheckBox(objectName="periodFilter")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1), objectName="periodFrom", calendarPopup=True)
        self.date_to = QDateEdit(today, objectName="periodTo", calendarPopup=True)
        for edit in (self.date_from, self.date_to):
            latin_date(edit, "yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.period_check.toggled.connect(self._period_toggled)
        for combo in self._combos():
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.clear_button = QPushButton(objectName="clearFilters")
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button = QPushButton(objectName="newInvoice")
        self.new_button.clicked.connect(self.new_invoice)
        self.import_button = QPushButton(objectName="importInvoices")
        self.import_button.clicked.connect(lambda: self.import_file())
        self.send_button = QPushButton(objectName="sendInvoice")
        self.send_button.clicked.connect(lambda: self.send_current())
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_invoice,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.count_label = QLabel(objectName="invoiceCount")
        self.error_label = QLabel(objectName="invoiceListError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        self.table = QTableView(objectName="invoiceTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setItemDelegate(BadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never measure 100 000 rows
        header.setStretchLastSection(False)
        for number, column in enumerate(COLUMNS):
            if column.samples is None:  # the customer takes what the others leave: no sideways scrolling
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
        first = self.model.order  # the model's first order (newest first), shown before sorting is enabled
        header.setSortIndicator(column_of(first.column), Qt.SortOrder.DescendingOrder if first.descending
                                else Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # header clicks call model.sort: the database sorts
        header.sortIndicatorChanged.connect(self._keep_sort_indicator)
        self.table.doubleClicked.connect(self._activated)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, activated=self._open_current,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self.table.selectionModel().currentRowChanged.connect(self._remember_current)

        self.model.loading.connect(self._loading)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        session.language_changed.connect(lambda lang: self.model.set_language(lang))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for widget in self._combos():
            filters.addWidget(widget, 1)
        second = QHBoxLayout()
        for widget in (self.period_check, self.date_from, self.date_to, self.clear_button):
            second.addWidget(widget)
        second.addStretch(1)
        second.addWidget(self.count_label)
        second.addWidget(self.send_button)
        second.addWidget(self.import_button)
        second.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(second)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        self._filling = False
        self.retranslate()

    def _keep_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column the database cannot sort by (the paid state) leaves the order, so its arrow too."""
        order = self.model.order
        if COLUMNS[column].sort_key not in browse.SORT_COLUMNS:
            self.table.horizontalHeader().setSortIndicator(
                column_of(order.column), Qt.SortOrder.DescendingOrder if order.descending
                else Qt.SortOrder.AscendingOrder)

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.status_combo, self.kind_combo, self.type_combo, self.zatca_combo, self.paid_combo,
                self.customer_combo)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Invoices")

    # --- texts -------------------------------------------------------------------------------------------------

    def screenshot_extras(self) -> list[tuple[str, QWidget]]:
        """The editor on the newest draft (with its live findings) and on an issued document's preview."""
        from desktop.views.invoice_editor import InvoiceEditorDialog

        extras: list[tuple[str, QWidget]] = []
        with self.session.uow(write=False) as uow:
            drafts = invoicing.browse.page(uow, invoicing.BrowseFilter(status="draft"), limit=1)
            issued = invoicing.browse.page(uow, invoicing.BrowseFilter(status="issued"), limit=1)
        if drafts:
            editor = InvoiceEditorDialog(self.session, drafts[0].number, self)
            editor.validate_now()
            extras.append(("editor", editor))
        if issued:
            preview = InvoiceEditorDialog(self.session, issued[0].number, self)
            preview.tabs.setCurrentIndex(1)
            extras.append(("preview", preview))
        return extras

    def retranslate(self) -> None:
        self._filling = True
        try:
            self.search.setPlaceholderText(tr("Invoices", "Search by number or customer"))
            _fill(self.status_combo, STATUS_OPTIONS)
            _fill(self.kind_combo, KIND_OPTIONS)
            _fill(self.type_combo, TYPE_OPTIONS)
            _fill(self.zatca_combo, ZATCA_OPTIONS)
            _fill(self.paid_combo, PAID_OPTIONS)
            if self.customer_combo.count():
                self.customer_combo.setItemText(0, tr("Invoices", "Any customer"))
        finally:
            self._filling = False
        self.period_check.setText(tr("Invoices", "Period"))
        self.date_from.setToolTip(tr("Invoices", "From (inclusive)"))
        self.date_to.setToolTip(tr("Invoices", "To (inclusive)"))
        self.clear_button.setText(tr("Invoices", "Clear filters"))
        self.new_button.setText(tr("Invoices", "New invoice"))
        self.new_button.setToolTip(tr("Invoices", "Create a draft (Ctrl+N)"))
        self.import_button.setText(tr("Invoices", "Import…"))
        self.import_button.setToolTip(tr("Invoices", "Import drafts from a JSON file, as `qayd invoice import` does"))
        self.table.setToolTip(tr("Invoices", "Enter or double-click opens the document"))
        self.send_button.setText(tr("Mail", "Send…"))
        self.send_button.setToolTip(tr("Mail", "E-mail the selected issued invoice with its PDF/A-3"))
        self.model.set_language(self.session.language)
        self.fit_columns()
        self._show_count()

    def fit_columns(self) -> None:
        """Size each column to its widest possible text in this language (the header's too), never to the rows."""
        header = self.table.horizontalHeader()
        cells, titles = self.table.fontMetrics(), header.fontMetrics()
        language = self.session.language
        for number, column in enumerate(COLUMNS):
            if column.samples is None:
                continue
            samples = column.samples(language)
            if column.badge:
                widest = max(badge_width(text, self.table.font()) for text in samples)
            else:
                widest = max(cells.horizontalAdvance(text) for text in samples) + CELL_PADDING
            # Header text, its padding and the sort indicator's room (the style sheet's section padding).
            title = titles.horizontalAdvance(column.header()) + HEADER_PADDING
            self.table.setColumnWidth(number, max(widest, title))

    def _show_count(self) -> None:
        if self.model.is_loading:
            self.count_label.setText(tr("Invoices", "Loading…"))
        else:
            n = self.model.rowCount()
            self.count_label.setText(tr("Invoices", "{n} invoices").format(n=format_int(n)) if n != 1
                                     else tr("Invoices", "1 invoice"))

    # --- data --------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._load_customers()
        self.model.reload()

    def _load_customers(self) -> None:
        current = self.customer_combo.currentData()
        self._filling = True
        try:
            with self.session.uow(write=False) as uow:
                customers = invoicing.list_customers(uow, limit=2000)
        except QaydError as exc:
            self._filling = False
            self._failed(exc)
            return
        try:
            self.customer_combo.clear()
            self.customer_combo.addItem(tr("Invoices", "Any customer"), None)
            arabic = self.session.language == "ar"
            for customer in customers:
                name = customer.name_ar if arabic and customer.name_ar else customer.name
                self.customer_combo.addItem(name, str(customer.id))
            found = self.customer_combo.findData(current) if current else 0
            self.customer_combo.setCurrentIndex(max(found, 0))
        finally:
            self._filling = False

    def current_filter(self) -> BrowseFilter:
        customer = self.customer_combo.currentData()
        issued_from = issued_to = None
        if self.period_check.isChecked():
            first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            first, last = min(first, last), max(first, last)
            issued_from, issued_to = _day_start(first), _day_start(last + timedelta(days=1))
        return BrowseFilter(status=self.status_combo.currentData(), kind=self.kind_combo.currentData(),
                            type=self.type_combo.currentData(), zatca_state=self.zatca_combo.currentData(),
                            customer_id=uuid.UUID(customer) if customer else None,
                            issued_from=issued_from, issued_to=issued_to, search=self.search.text().strip())

    def apply_filters(self) -> None:
        if not self._filling:
            self._search_timer.stop()
            self.model.set_filter(self.current_filter(), paid=self.paid_combo.currentData())

    def clear_filters(self) -> None:
        self._filling = True
        try:
            self.search.clear()
            for combo in self._combos():
                combo.setCurrentIndex(0)
            self.period_check.setChecked(False)
        finally:
            self._filling = False
        self.apply_filters()

    def _period_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filters()

    # --- model events ----------------------------------------------------------------------------------------

    def _loading(self) -> None:
        self._show_count()

    def _loaded(self, _count: int) -> None:
        self.error_label.hide()
        self._show_count()
        if self._current_key is not None:
            row = self.model.row_of(self._current_key)
            if row >= 0:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _failed(self, exc: Any) -> None:
        message, fix = user_message(exc)
        self.error_label.setText(f"{message} {fix}".strip())
        self.error_label.show()
        self._show_count()

    def _remember_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.model.key_at(current.row()) if current.isValid() else None
        if key is not None:
            self._current_key = key

    # --- opening documents -----------------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.invoice_at(index.row())
        if row is not None:
            self.open_editor(row.number)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)

    def new_invoice(self) -> QDialog | None:
        """The editor on a new draft (the New button, Ctrl+N here and the main window's File > New invoice)."""
        return self.open_editor(None)

    def import_file(self, path: Path | None = None, *, issue: bool | None = None) -> Job | None:
        """Import a JSON file of drafts (chosen here when `path` is None), issuing them when `issue` (asked when
        None), through the core's import-and-issue use case in a Job."""
        from desktop.views import invoice_import  # the import's dialogs load when first used

        path = path or invoice_import.choose_file(self)
        if path is not None and issue is None:
            issue = invoice_import.ask_issue(self)
        if path is None or issue is None:
            return None
        job = invoice_import.import_job(self.session.ctx, path, issue=issue)
        job.signals.succeeded.connect(lambda run: self._imported(invoice_import.outcome_text(run, issue=bool(issue))))
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        self.count_label.setText(tr("Invoices", "Importing…"))
        self.session.pool.start(job)
        return job

    def send_current(self) -> QDialog | None:
        """The Send dialog for the selected document (the core refuses a draft or an uncleared standard invoice)."""
        row = self.model.invoice_at(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        if row is None:
            return None
        from desktop.views.mail_send import SendInvoiceDialog  # the mail dialog loads when first used

        try:
            dialog = SendInvoiceDialog(self.session, row.number, self)
        except Exception as exc:
            present_error(self, exc)
            return None
        dialog.open()
        return dialog

    def _imported(self, outcome: str) -> None:
        self.session.notify(INVOICES)  # the list, the dashboard and the ZATCA queue read the new documents
        box = QMessageBox(QMessageBox.Icon.Information, tr("Invoices", "Import"), outcome, parent=self)
        box.setObjectName("importOutcome")
        box.open()  # non-blocking: a job's outcome never nests an event loop
        self.import_outcome = box

    def open_editor(self, ref: str | None) -> QDialog | None:
        """The invoice editor for `ref` (a number), or for a new draft."""
        try:
            from desktop.views.invoice_editor import InvoiceEditorDialog  # written alongside; imported when used

            dialog: QDialog = InvoiceEditorDialog(self.session, ref, self)
        except Exception as exc:
            present_error(self, exc)
            return None
        self._editor = dialog
        dialog.open()
        return dialog
