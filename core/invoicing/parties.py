"""Customers and products as a form edits them: text fields to records with findings, and audited updates.

`customer_from_fields` / `product_from_fields` turn what a person typed (text, possibly with Arabic-Indic
digits and thousands separators) into a record and every finding about it, so a form can show each problem
next to its field as it is typed. `update_customer` / `update_product` store a changed record in the caller's
transaction with its audit entry, as `service.add_customer` does for a new one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from core.errors import AlreadyExistsError, NotFoundError, ValidationError
from core.findings import Finding, errors_in
from core.invoicing import repository as repo
from core.invoicing.model import Address, Customer, CustomerKind, IdScheme, Product, VatCategory
from core.invoicing.rule_finding import make
from core.invoicing.rules import validate_customer, validate_product
from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork

CUSTOMER_FIELDS = ("kind", "name", "name_ar", "vat_number", "id_scheme", "id_value", "street", "building_number",
                   "district", "city", "postal_code", "country", "additional_number", "province", "email", "phone")
ADDRESS_FIELDS = ("street", "building_number", "district", "city", "postal_code", "country", "additional_number",
                  "province")
PRODUCT_FIELDS = ("name", "name_ar", "sku", "unit_price", "unit_code", "vat_category", "vat_rate",
                  "exemption_reason_code", "exemption_reason")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.", "٬,  ")


def normalise_digits(text: str) -> str:
    """Western digits for Arabic-Indic and Persian ones, '.' for the Arabic decimal sign, no group separators."""
    return text.strip().translate(_DIGITS)


def _text(fields: Mapping[str, str], name: str) -> str:
    return str(fields.get(name, "")).strip()


def customer_fields(customer: Customer) -> dict[str, str]:
    """The form's text for a stored customer (the inverse of `customer_from_fields`)."""
    address = customer.address
    values = {"kind": customer.kind.value, "name": customer.name, "name_ar": customer.name_ar,
              "vat_number": customer.vat_number, "id_scheme": customer.id_scheme.value if customer.id_scheme else "",
              "id_value": customer.id_value, "email": customer.email, "phone": customer.phone}
    for name in ADDRESS_FIELDS:
        values[name] = getattr(address, name) if address is not None else ""
    if address is None:
        values["country"] = ""
    return values


def customer_from_fields(fields: Mapping[str, str], *, id: uuid.UUID | None = None) -> Customer:
    """A customer from form text: digits normalised in numbers, no address when every address field is empty."""
    address_values = {name: _text(fields, name) for name in ADDRESS_FIELDS}
    for name in ("building_number", "postal_code", "additional_number"):
        address_values[name] = normalise_digits(address_values[name])
    address_values["country"] = address_values["country"].upper()
    address = None
    if any(value for name, value in address_values.items() if name != "country"):
        address = Address(**{**address_values, "country": address_values["country"] or "SA"})
    scheme = _text(fields, "id_scheme")
    kind = _text(fields, "kind") or CustomerKind.BUSINESS.value
    return Customer(
        id=id or uuid.uuid4(), kind=CustomerKind(kind), name=_text(fields, "name"), name_ar=_text(fields, "name_ar"),
        vat_number=normalise_digits(_text(fields, "vat_number")), id_scheme=IdScheme(scheme) if scheme else None,
        id_value=normalise_digits(_text(fields, "id_value")),
        address=address, email=_text(fields, "email"), phone=normalise_digits(_text(fields, "phone")),
    )


def check_customer(fields: Mapping[str, str]) -> list[Finding]:
    """Every finding about the customer these fields describe (the same rules `add_customer` applies)."""
    return validate_customer(customer_from_fields(fields))


def product_fields(product: Product) -> dict[str, str]:
    return {"name": product.name, "name_ar": product.name_ar, "sku": product.sku,
            "unit_price": repo.decimal_text(product.unit_price), "unit_code": product.unit_code,
            "vat_category": product.vat_category.value, "vat_rate": repo.decimal_text(product.vat_rate),
            "exemption_reason_code": product.exemption_reason_code, "exemption_reason": product.exemption_reason}


def _number(fields: Mapping[str, str], name: str, label: tuple[str, str]) -> tuple[Decimal | None, list[Finding]]:
    text = normalise_digits(str(fields.get(name, "")))
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is not None and value.is_finite():
        return value, []
    return None, [make("QAYD-NUMBER", name, f"The {label[0]} {text!r} is not a number.",
                       "Type digits with a dot for decimals, e.g. 1250.50.",
                       f"{label[1]} ({text!r}) ليس رقماً.", "اكتب أرقاماً مع نقطة للكسور العشرية، مثل 1250.50.")]


def product_from_fields(fields: Mapping[str, str], *, id: uuid.UUID | None = None
                        ) -> tuple[Product | None, list[Finding]]:
    """A product from form text and every finding about it; no product while a number cannot be read."""
    price, findings = _number(fields, "unit_price", ("unit price", "سعر الوحدة"))
    category = VatCategory(_text(fields, "vat_category") or "S")
    rate_text = _text(fields, "vat_rate")
    if rate_text:
        rate, rate_findings = _number(fields, "vat_rate", ("VAT rate", "نسبة الضريبة"))
        findings += rate_findings
    else:
        rate = Decimal("15") if category is VatCategory.STANDARD else Decimal("0")
    if price is None or rate is None:
        return None, findings
    product = Product(id=id or uuid.uuid4(), name=_text(fields, "name"), name_ar=_text(fields, "name_ar"),
                      sku=_text(fields, "sku"), unit_price=price, unit_code=_text(fields, "unit_code") or "PCE",
                      vat_category=category, vat_rate=rate,
                      exemption_reason_code=_text(fields, "exemption_reason_code"),
                      exemption_reason=_text(fields, "exemption_reason"))
    return product, validate_product(product)


def check_product(fields: Mapping[str, str]) -> list[Finding]:
    return product_from_fields(fields)[1]


def _refuse(what: str, findings: list[Finding]) -> None:
    if errors_in(findings):
        raise ValidationError(what, findings)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, str | int | bool | type(None)) else str(v)) for k, v in values.items()}


def update_customer(uow: UnitOfWork, customer: Customer) -> Customer:
    """Store the changed customer (same id) with a `customer.updated` audit entry; personal data sealed."""
    _refuse("The customer", validate_customer(customer))
    row = uow.session.get(m.Customer, customer.id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError("This customer no longer exists.", fix="Refresh the customer list.")
    if row.restricted_at is not None:  # a restricted record is changed by compliance only (rectification), logged
        roles.require_customer(uow, row, "customer update")
    if customer.vat_number:
        other = uow.session.scalars(select(m.Customer.id).where(
            m.Customer.vat_number == customer.vat_number, m.Customer.id != customer.id,
            m.Customer.deleted_at.is_(None))).first()
        if other is not None:
            raise AlreadyExistsError(f"Another customer has VAT number {customer.vat_number}.",
                                     fix="Keep one customer per VAT number; edit the existing one instead.")
    values = repo.customer_values(customer)
    changes = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changes:
        return repo.customer_from_row(row)
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at, row.device_id = uow.now(), uow.ctx.device_id
    uow.session.flush()
    uow.audit.append("customer.updated", f"customer:{row.id}", {"fields": sorted(changes), "kind": row.kind},
                     personal={"before": _jsonable(before), "after": _jsonable(changes)})
    return repo.customer_from_row(row)


def update_product(uow: UnitOfWork, product: Product) -> Product:
    """Store the changed product (same id) with a `product.updated` audit entry of what changed."""
    _refuse("The product", validate_product(product))
    row = uow.session.get(m.Product, product.id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError("This product no longer exists.", fix="Refresh the product list.")
    values = repo.product_values(product)
    changes = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changes:
        return repo.product_from_row(row)
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at, row.device_id = uow.now(), uow.ctx.device_id
    uow.session.flush()
    uow.audit.append("product.updated", f"product:{row.id}", {"before": _jsonable(before),
                                                              "after": _jsonable(changes)})
    return repo.product_from_row(row)


def get_customer_by_id(uow: UnitOfWork, customer_id: uuid.UUID, *, purpose: str = "customer record") -> Customer:
    """One customer for a form, by id: an individual's read is logged, a restricted one refused to clerks."""
    row = uow.session.get(m.Customer, customer_id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError("This customer no longer exists.", fix="Refresh the customer list.")
    roles.require_customer(uow, row, purpose)
    return repo.customer_from_row(row)


def get_product(uow: UnitOfWork, product_id: uuid.UUID) -> Product:
    row = uow.session.get(m.Product, product_id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError("This product no longer exists.", fix="Refresh the product list.")
    return repo.product_from_row(row)
