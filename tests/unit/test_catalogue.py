"""The personal-data catalogue stays complete: every column that looks personal is listed or reviewed."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from core.invoicing import repository as repo
from core.invoicing.model import Address, Customer, Party
from core.personal import catalogue  # moved below the invoicing core (issue 14)
from core.personal.catalogue import (
    BASES,
    FIELDS,
    NOT_PERSONAL,
    PAYLOAD_FIELDS,
    Erase,
    fields_of,
    looks_personal,
    stale_entries,
    unreviewed_columns,
    unreviewed_keys,
)
from core.store.models import Base

TABLES = list(Base.metadata.tables.values())


def test_every_model_column_that_looks_personal_is_catalogued_or_reviewed() -> None:
    missing = unreviewed_columns(TABLES)
    assert missing == [], (
        "These columns look personal: list them in core.personal.catalogue.FIELDS (whose, category, how erased) "
        f"or in NOT_PERSONAL with the reason they are not: {missing}")


def test_the_catalogue_names_only_columns_that_exist() -> None:
    assert stale_entries(TABLES) == []


def synthetic(*columns: str, name: str = "contact") -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True),
                 *(Column(c, String(100)) for c in columns))


def test_the_checker_fails_on_an_unlisted_personal_column() -> None:
    table = synthetic("contact_email", "notes_count", "MobileNumber", "date_of_birth", "iqama_no", "billing_address",
                      "iban", "passport_no", "national_id", "username", "home_city", "created_at", "amount")
    assert unreviewed_columns([table]) == [("contact", c) for c in (
        "contact_email", "MobileNumber", "date_of_birth", "iqama_no", "billing_address", "iban", "passport_no",
        "national_id", "username", "home_city")]


def test_a_new_column_on_a_real_table_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    table = Table("customer", MetaData(), *(Column(c.name, c.type) for c in Base.metadata.tables["customer"].columns),
                  Column("contact_email", String(320)))
    assert unreviewed_columns([table]) == [("customer", "contact_email")]
    # listing it (as personal, or as reviewed and not personal) makes the catalogue complete again
    monkeypatch.setattr(catalogue, "NOT_PERSONAL", {**NOT_PERSONAL, ("customer", "contact_email"): "test"})
    assert unreviewed_columns([table]) == []


@pytest.mark.parametrize(("column", "personal"), [
    ("name", True), ("display_name", True), ("e_mail", True), ("phone_number", True), ("mobile", True),
    ("dob", True), ("birth_date", True), ("bank_account", True), ("post_code", True), ("login", True),
    ("amount", False), ("status", False), ("issue_datetime", False), ("vat_rate", False), ("dobby", False),
])
def test_name_patterns(column: str, personal: bool) -> None:
    assert looks_personal(column) is personal


def test_fields_are_well_formed() -> None:
    seen = set()
    for f in FIELDS:
        assert (f.table, f.column) not in seen, f"{f.table}.{f.column} is listed twice"
        seen.add((f.table, f.column))
        assert (f.table, f.column) not in NOT_PERSONAL
        assert f.owner in ("customer", "user", "requester")
        if f.erase in (Erase.HOLD, Erase.SHRED):
            assert f.basis in BASES, f"{f.table}.{f.column} is kept without a basis"
    assert {f.column for f in fields_of("customer")} >= {"name", "email", "phone", "id_value", "address_json"}


def test_payload_keys_are_catalogued() -> None:
    """The JSON payloads of personal columns: every key that looks personal is listed for its column."""
    buyer = dataclasses.asdict(Party(name="x"))
    assert unreviewed_keys("invoice", "buyer_json", buyer) == []
    address = [f.name for f in dataclasses.fields(Address)]
    assert unreviewed_keys("customer", "address_json", address) == []
    personal = repo.customer_personal(Customer(name="x", address=Address("s", "1234", "d", "c", "12345")))
    assert unreviewed_keys("customer", "address_json", personal["address"]) == []
    assert unreviewed_keys("invoice", "buyer_json", ["name", "contact_email"]) == ["contact_email"]
    for table, column in PAYLOAD_FIELDS:
        assert any(f.table == table and f.column == column for f in FIELDS), f"{table}.{column} is not in FIELDS"
