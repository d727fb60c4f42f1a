"""The Products view: the catalogue, searchable, with add/edit forms checked by the core's line rules as typed."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.errors import ValidationError
from core.invoicing import parties, service
from core.invoicing.model import Product
from desktop.errors import user_message
from desktop.i18n import format_money, tr
from desktop.models.records import RecordColumn, RecordListModel
from desktop.session import PRODUCTS, AppSession
from desktop.views.base import View
from desktop.views.record_form import Field, RecordDialog

SEARCH_DELAY_MS = 250


def category_text(code: str) -> str:
    return {"S": tr("Products", "S: standard rate"), "Z": tr("Products", "Z: zero-rated"),
            "E": tr("Products", "E: exempt"), "O": tr("Products", "O: out of scope")}.get(code, code)


CATEGORY_CHOICES = [(code, lambda code=code: category_text(code)) for code in ("S", "Z", "E", "O")]

PRODUCT_FORM = (
    Field("name", lambda: tr("Products", "Name")),
    Field("name_ar", lambda: tr("Products", "Arabic name")),
    Field("sku", lambda: tr("Products", "SKU")),
    Field("unit_price", lambda: tr("Products", "Unit price (SAR, before VAT)")),
    Field("unit_code", lambda: tr("Products", "Unit code")),
    Field("vat_category", lambda: tr("Products", "VAT category"), CATEGORY_CHOICES),
    Field("vat_rate", lambda: tr("Products", "VAT rate (%)")),
    Field("exemption_reason_code", lambda: tr("Products", "Exemption reason code")),
    Field("exemption_reason", lambda: tr("Products", "Exemption reason")),
)


class ProductDialog(RecordDialog):
    """Add (product None) or edit a product; saved through `service.add_product` / `parties.update_product`."""

    def __init__(self, session: AppSession, product: Product | None = None, parent: QWidget | None = None) -> None:
        self.product = product
        values = parties.product_fields(product) if product else {"vat_category": "S", "vat_rate": "15",
                                                                   "unit_code": "PCE"}
        super().__init__(session, PRODUCT_FORM, values, parties.check_product, self._store, self._window_title,
                         parent)
        self.setObjectName("productDialog")

    def _window_title(self) -> str:
        return tr("Products", "Edit product") if self.product else tr("Products", "New product")

    def _store(self, values: dict[str, str]) -> Product:
        product, findings = parties.product_from_fields(values, id=self.product.id if self.product else None)
        if product is None:
            raise ValidationError("The product", findings)
        with self.session.uow() as uow:
            stored = service.add_product(uow, product) if self.product is None else parties.update_product(uow,
                                                                                                          product)
            uow.commit()
        self.session.notify(PRODUCTS)
        return stored


class ProductsView(View):
    key = "products"
    topics = (PRODUCTS,)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        columns: list[RecordColumn[Product]] = [
            RecordColumn(lambda: tr("Products", "Name"), lambda p: p.name),
            RecordColumn(lambda: tr("Products", "Arabic name"), lambda p: p.name_ar),
            RecordColumn(lambda: tr("Products", "SKU"), lambda p: p.sku),
            RecordColumn(lambda: tr("Products", "Unit price"),
                         lambda p: format_money(p.unit_price, self.session.language), amount=True),
            RecordColumn(lambda: tr("Products", "VAT"), lambda p: f"{category_text(p.vat_category.value)} · "
                                                                  f"{p.vat_rate.normalize():f}%"),
        ]
        self.model = RecordListModel(columns, self._fetch, self)
        self.dialog: ProductDialog | None = None
        self.search = QLineEdit(objectName="productSearch")
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.add_button = QPushButton(objectName="addProduct")
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button = QPushButton(objectName="editProduct")
        self.edit_button.clicked.connect(self.edit_current)
        self.error_label = QLabel(objectName="productListError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.model.failed.connect(self._failed)
        self.table = QTableView(objectName="productTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((240, 240, 110, 150)):
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

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Products")

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Products", "Search by name or SKU"))
        self.add_button.setText(tr("Products", "Add product"))
        self.edit_button.setText(tr("Products", "Edit"))
        self.model.retranslate()

    def _fetch(self, search: str, offset: int, limit: int) -> list[Product]:
        with self.session.uow(write=False) as uow:
            return service.list_products(uow, search=search, limit=limit, offset=offset)

    def refresh(self) -> None:
        self._timer.stop()
        self.error_label.hide()
        self.model.reload(self.search.text().strip())

    def _failed(self, exc: object) -> None:
        message, fix = user_message(exc if isinstance(exc, BaseException) else RuntimeError())
        self.error_label.setText(f"{message} {fix}".strip())
        self.error_label.show()

    def _activated(self, index: QModelIndex) -> None:
        product = self.model.record_at(index.row())
        if product is not None:
            self.open_dialog(product)

    def edit_current(self) -> None:
        self._activated(self.table.currentIndex())

    def open_dialog(self, product: Product | None) -> ProductDialog:
        self.dialog = ProductDialog(self.session, product, self)
        self.dialog.open()
        return self.dialog
