"""The Products view: the catalogue, searchable, with add/edit forms checked by the core's line rules as typed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core import invoicing
from core.errors import ValidationError
from core.invoicing import Product, parties
from core.uow import UnitOfWork
from desktop.i18n import format_money, tr
from desktop.models.records import RecordColumn
from desktop.session import PRODUCTS, AppSession
from desktop.views.record_form import Field, RecordDialog
from desktop.views.record_list import RecordListView


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
    """Add (product None) or edit a product; saved through `invoicing.add_product` / `parties.update_product`."""

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
            stored = invoicing.add_product(uow, product) if self.product is None else parties.update_product(uow,
                                                                                                          product)
            uow.commit()
        self.session.notify(PRODUCTS)
        return stored


class ProductsView(RecordListView):
    key = "products"
    topics = (PRODUCTS,)
    name = "product"
    widths = (240, 240, 110, 150)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        columns: list[RecordColumn[Product]] = [
            RecordColumn(lambda: tr("Products", "Name"), lambda p: p.name),
            RecordColumn(lambda: tr("Products", "Arabic name"), lambda p: p.name_ar),
            RecordColumn(lambda: tr("Products", "SKU"), lambda p: p.sku),
            RecordColumn(lambda: tr("Products", "Unit price"),
                         lambda p: format_money(p.unit_price, self.session.language), amount=True),
            RecordColumn(lambda: tr("Products", "VAT"), lambda p: f"{category_text(p.vat_category.value)} · "
                                                                  f"{p.vat_rate.normalize():f}%"),
        ]
        super().__init__(session, columns, parent)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Products")

    def texts(self) -> tuple[str, str, str]:
        return (tr("Products", "Search by name or SKU"), tr("Products", "Add product"), tr("Products", "Edit"))

    def fetch(self, uow: UnitOfWork, search: str, offset: int, limit: int) -> list[Product]:
        return invoicing.list_products(uow, search=search, limit=limit, offset=offset)

    def make_dialog(self, record: Product | None) -> ProductDialog:
        return ProductDialog(self.session, record, self)
