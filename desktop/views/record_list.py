"""A searchable list of records with add and edit dialogs: the shape the Customers and Products views share."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.uow import UnitOfWork
from desktop.errors import user_message
from desktop.models.records import RecordColumn, RecordListModel
from desktop.session import AppSession
from desktop.views.base import View

SEARCH_DELAY_MS = 250


class RecordListView(View):
    """Search box (debounced), Add and Edit buttons, an error line and a lazily fetched table.

    A subclass names its widgets (`name`: "customer" gives customerSearch, addCustomer, customerTable, …), gives the
    column widths, its texts, how to fetch a page and which dialog edits a record.
    """

    name = "record"
    widths: tuple[int, ...] = ()

    def __init__(self, session: AppSession, columns: list[RecordColumn[Any]], parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        title = self.name.capitalize()
        self.model = RecordListModel(columns, self._fetch, self)
        self.dialog: QDialog | None = None
        self.search = QLineEdit(objectName=f"{self.name}Search")
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.add_button = QPushButton(objectName=f"add{title}")
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button = QPushButton(objectName=f"edit{title}")
        self.edit_button.clicked.connect(self.edit_current)
        self.error_label = QLabel(objectName=f"{self.name}ListError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.model.failed.connect(self._failed)
        self.table = QTableView(objectName=f"{self.name}Table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(self.widths):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activated)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        self.retranslate()

    # -- what a subclass gives -------------------------------------------------------------------------------------

    def texts(self) -> tuple[str, str, str]:
        """(search placeholder, add button, edit button) in the current language."""
        raise NotImplementedError

    def fetch(self, uow: UnitOfWork, search: str, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def make_dialog(self, record: Any | None) -> QDialog:
        raise NotImplementedError

    # -- shared behaviour ------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        placeholder, add, edit = self.texts()
        self.search.setPlaceholderText(placeholder)
        self.add_button.setText(add)
        self.edit_button.setText(edit)
        self.model.retranslate()

    def _fetch(self, search: str, offset: int, limit: int) -> list[Any]:
        with self.session.uow(write=False) as uow:
            return self.fetch(uow, search, offset, limit)

    def refresh(self) -> None:
        self._timer.stop()
        self.error_label.hide()
        self.model.reload(self.search.text().strip())

    def _failed(self, exc: object) -> None:
        message, fix = user_message(exc if isinstance(exc, BaseException) else RuntimeError())
        self.error_label.setText(f"{message} {fix}".strip())
        self.error_label.show()

    def _activated(self, index: QModelIndex) -> None:
        record = self.model.record_at(index.row())
        if record is not None:
            self.open_dialog(record)

    def edit_current(self) -> None:
        self._activated(self.table.currentIndex())

    def open_dialog(self, record: Any | None) -> QDialog:
        self.dialog = self.make_dialog(record)
        self.dialog.open()
        return self.dialog
