"""The Customers view: a searchable list, and add/edit forms checked by the core's buyer rules as they are typed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core import invoicing
from core.invoicing import Customer, CustomerKind, IdScheme, parties
from core.uow import UnitOfWork
from desktop.i18n import tr
from desktop.models.records import RecordColumn
from desktop.session import CUSTOMERS, AppSession
from desktop.views.record_form import Field, RecordDialog
from desktop.views.record_list import RecordListView


def kind_text(kind: str) -> str:
    return {"business": tr("Customers", "Business"), "individual": tr("Customers", "Individual")}.get(kind, kind)


KIND_CHOICES = [(k.value, lambda k=k: kind_text(k.value)) for k in CustomerKind]
SCHEME_CHOICES = [("", lambda: tr("Customers", "(none)"))] + [(s.value, lambda s=s: s.value) for s in IdScheme]

CUSTOMER_FORM = (
    Field("kind", lambda: tr("Customers", "Kind"), KIND_CHOICES),
    Field("name", lambda: tr("Customers", "Name")),
    Field("name_ar", lambda: tr("Customers", "Arabic name")),
    Field("vat_number", lambda: tr("Customers", "VAT number")),
    Field("id_scheme", lambda: tr("Customers", "Other id: scheme"), SCHEME_CHOICES),
    Field("id_value", lambda: tr("Customers", "Other id: number")),
    Field("street", lambda: tr("Customers", "Street")),
    Field("building_number", lambda: tr("Customers", "Building number")),
    Field("additional_number", lambda: tr("Customers", "Additional number")),
    Field("district", lambda: tr("Customers", "District")),
    Field("city", lambda: tr("Customers", "City")),
    Field("postal_code", lambda: tr("Customers", "Postal code")),
    Field("province", lambda: tr("Customers", "Province")),
    Field("country", lambda: tr("Customers", "Country code")),
    Field("email", lambda: tr("Customers", "E-mail")),
    Field("phone", lambda: tr("Customers", "Phone")),
)


def _field_of(path: str) -> str:
    """A finding's field path to the form's field: address.city → city."""
    return path.split(".", 1)[1] if path.startswith("address.") else path


class CustomerDialog(RecordDialog):
    """Add (customer None) or edit a customer; saved through `invoicing.add_customer` / `parties.update_customer`."""

    def __init__(self, session: AppSession, customer: Customer | None = None, parent: QWidget | None = None) -> None:
        self.customer = customer
        values = parties.customer_fields(customer) if customer else {"kind": "business", "country": "SA"}
        super().__init__(session, CUSTOMER_FORM, values, parties.check_customer, self._store, self._window_title,
                         parent, field_of=_field_of)
        self.setObjectName("customerDialog")

    def _window_title(self) -> str:
        return tr("Customers", "Edit customer") if self.customer else tr("Customers", "New customer")

    def _store(self, values: dict[str, str]) -> Customer:
        customer = parties.customer_from_fields(values, id=self.customer.id if self.customer else None)
        with self.session.uow() as uow:
            if self.customer is None:
                stored = invoicing.add_customer(uow, customer)
            else:
                stored = parties.update_customer(uow, customer)
            uow.commit()
        self.session.notify(CUSTOMERS)
        return stored


def _address(c: Customer, name: str) -> str:
    return getattr(c.address, name) if c.address else ""


COLUMNS: list[RecordColumn[Customer]] = [
    RecordColumn(lambda: tr("Customers", "Name"), lambda c: c.name),
    RecordColumn(lambda: tr("Customers", "Arabic name"), lambda c: c.name_ar),
    RecordColumn(lambda: tr("Customers", "Kind"), lambda c: kind_text(c.kind.value)),
    RecordColumn(lambda: tr("Customers", "VAT number"), lambda c: c.vat_number),
    RecordColumn(lambda: tr("Customers", "City"), lambda c: _address(c, "city")),
    RecordColumn(lambda: tr("Customers", "Phone"), lambda c: c.phone),
]


class CustomersView(RecordListView):
    key = "customers"
    topics = (CUSTOMERS,)
    name = "customer"
    widths = (240, 240, 100, 150, 120)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, COLUMNS, parent)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Customers")

    def texts(self) -> tuple[str, str, str]:
        return (tr("Customers", "Search by name or VAT number"), tr("Customers", "Add customer"),
                tr("Customers", "Edit"))

    def fetch(self, uow: UnitOfWork, search: str, offset: int, limit: int) -> list[Customer]:
        return invoicing.list_customers(uow, search=search, limit=limit, offset=offset)

    def make_dialog(self, record: Customer | None) -> CustomerDialog:
        return CustomerDialog(self.session, record, self)
