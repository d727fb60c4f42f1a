"""Customers and products edited through forms: text to records with findings, audited updates."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from core.audit.service import entries_around, entry_count
from core.errors import AlreadyExistsError, NotFoundError, ValidationError
from core.invoicing import parties, service
from core.invoicing.demo import create_demo
from core.invoicing.model import CustomerKind, IdScheme
from core.uow import Context


def last_entry(ctx: Context) -> dict[str, object]:
    return json.loads(entries_around(ctx, entry_count(ctx), before=0, after=0)[0].body)  # type: ignore[no-any-return]


def test_customer_fields_round_trip_and_normalise_digits() -> None:
    customer = parties.customer_from_fields({
        "kind": "individual", "name": " Noura ", "vat_number": "", "id_scheme": "NAT", "id_value": "١٠٠٠٠٠٠٠٠٢",
        "phone": "٠٥٠١٢٣٤٥٦٧", "street": "", "city": "", "country": "SA"})
    assert customer.kind is CustomerKind.INDIVIDUAL and customer.name == "Noura"
    assert customer.id_scheme is IdScheme.NAT and customer.id_value == "1000000002"
    assert customer.phone == "0501234567" and customer.address is None  # only the country: no address
    again = parties.customer_from_fields(parties.customer_fields(customer), id=customer.id)
    assert again == customer


def test_check_customer_names_the_field() -> None:
    findings = parties.check_customer({"kind": "business", "name": "X", "vat_number": "123"})
    assert [f.field for f in findings if f.is_error] == ["vat_number"]


def test_product_fields_with_unreadable_numbers() -> None:
    product, findings = parties.product_from_fields({"name": "Tea", "unit_price": "12,5x"})
    assert product is None and [(f.rule, f.field) for f in findings] == [("QAYD-NUMBER", "unit_price")]
    product, findings = parties.product_from_fields({"name": "Tea", "unit_price": "1,234.50", "vat_category": "E"})
    assert product is not None and product.unit_price == Decimal("1234.50") and product.vat_rate == 0


def test_update_customer_is_audited_in_its_transaction(ctx: Context) -> None:
    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        before = service.get_customer(uow, "Gulf Tech Co.")
        parties.update_customer(uow, replace(before, email="billing@gulf.example"))
        uow.commit()
    entry = last_entry(ctx)
    assert entry["action"] == "customer.updated" and "billing@gulf.example" not in json.dumps(entry)
    with ctx.uow(write=False) as uow:
        assert service.get_customer(uow, "Gulf Tech Co.").email == "billing@gulf.example"
    count = entry_count(ctx)
    with ctx.uow() as uow:  # nothing changed: nothing written
        parties.update_customer(uow, replace(before, email="billing@gulf.example"))
        uow.commit()
    assert entry_count(ctx) == count


def test_update_customer_refusals(ctx: Context) -> None:
    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        gulf = service.get_customer(uow, "Gulf Tech Co.")
        oasis = service.get_customer(uow, "Oasis Foods Co.")
        with pytest.raises(AlreadyExistsError):
            parties.update_customer(uow, replace(gulf, vat_number=oasis.vat_number))
        with pytest.raises(ValidationError) as refused:
            parties.update_customer(uow, replace(gulf, vat_number="123"))
        assert refused.value.findings[0].rule == "BR-KSA-44"
        with pytest.raises(NotFoundError):
            parties.update_customer(uow, replace(gulf, id=uuid.uuid4()))


def test_update_product_is_audited(ctx: Context) -> None:
    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        [chair] = service.list_products(uow, search="Office chair")
        stored = parties.update_product(uow, replace(chair, unit_price=Decimal("700.00")))
        uow.commit()
    assert stored.unit_price == Decimal("700.00")
    entry = last_entry(ctx)
    assert entry["action"] == "product.updated"
    data = entry["payload"]["data"]  # type: ignore[index]
    assert data == {"before": {"unit_price": "649.50"}, "after": {"unit_price": "700.00"}}
    with ctx.uow() as uow, pytest.raises(NotFoundError):
        parties.get_product(uow, uuid.uuid4())
