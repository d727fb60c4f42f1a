"""The local store: pragmas, migrations with a backup, sync columns, immutability, encryption at rest."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from alembic import command
from keyring.backends.fail import Keyring as NoKeyring
from sqlalchemy import select

from core.audit.personal import SubjectKeys
from core.bootstrap import open_company
from core.config import Settings
from core.errors import SecretStoreError
from core.invoicing import service
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.invoicing.model import Address, Customer, CustomerKind
from core.store import database
from core.store.models import AuditEntry
from core.store.models import Customer as CustomerRow
from core.uow import Context

PERSON = Customer(name="Layla Haddad", kind=CustomerKind.INDIVIDUAL, email="layla@example.org",
                  phone="+966500000001", address=Address("Tahlia St", "1234", "Al Rawdah", "Jeddah", "23435"))


def raw(ctx: Context) -> sqlite3.Connection:
    return sqlite3.connect(ctx.db.path)


def test_pragmas_are_on_for_every_connection(ctx: Context) -> None:
    with ctx.db.engine.connect() as conn:
        values = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "foreign_keys",
                                                                              "secure_delete")}
    assert values == {"journal_mode": "wal", "foreign_keys": 1, "secure_delete": 1}


def test_existing_database_is_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    with engine.begin() as conn:  # a store as the first release left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("INSERT INTO setting (id, version, created_at, updated_at, device_id, key, value_json) "
                             "VALUES ('00000000000000000000000000000001', 1, 'x', 'x', 'd', 'kept', '1')")
    engine.dispose()
    db = database.open_database(path)
    assert database.current_revision(db.engine) == database.head_revision() != "0001"
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    assert database.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()  # Alembic agrees
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == database.current_revision(db.engine)
    db.dispose()
    backups = list(tmp_path.glob("old.backup-0001-*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT key FROM setting").fetchall() == [("kept",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]


def test_rows_carry_sync_columns_and_versions_grow(ctx: Context) -> None:
    create_demo(ctx, drafts=2)
    with ctx.uow() as uow:
        before = service.get_company(uow)
        service.update_company(uow, replace(before, legal_name_en="Renamed Co."))
        uow.commit()
    with raw(ctx) as conn:
        version, device, updated = conn.execute("SELECT version, device_id, updated_at FROM company").fetchone()
        assert version == 2 and device == ctx.device_id.hex and updated.endswith("+00:00")
        assert conn.execute("SELECT count(*) FROM invoice WHERE device_id = ?", (ctx.device_id.hex,)).fetchone()[0] == 2


def test_store_refuses_deleting_invoices_and_changing_issued_ones(ctx: Context) -> None:
    create_demo(ctx, drafts=2)
    with raw(ctx) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            conn.execute("DELETE FROM invoice")
        conn.execute("UPDATE invoice SET status = 'issued' WHERE rowid = (SELECT min(rowid) FROM invoice)")
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute("UPDATE invoice SET note = 'edited' WHERE status = 'issued'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_entry SET body = body")


def test_personal_data_in_audit_payloads_is_encrypted(ctx: Context) -> None:
    with ctx.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        service.add_customer(uow, PERSON)
        uow.commit()
    blob = ctx.db.path.read_bytes() + Path(str(ctx.db.path) + "-wal").read_bytes()
    with raw(ctx) as conn:
        bodies = " ".join(r[0] for r in conn.execute("SELECT body FROM audit_entry"))
    for secret in ("Layla Haddad", "layla@example.org", "+966500000001", "Tahlia"):
        assert secret not in bodies
    assert b"layla@example.org" in blob  # the customer row itself holds it; only the audit copy is sealed
    with ctx.uow(write=False) as uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.created")).one()
        sealed = json.loads(entry.body)["payload"]["personal"]
        opened = SubjectKeys(uow.session, ctx.master_key, ctx.device_id).open(sealed)
    assert opened is not None and opened["email"] == "layla@example.org"


def test_destroyed_subject_key_leaves_the_chain_verifiable(ctx: Context) -> None:
    from core.audit.service import verify_store

    with ctx.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        service.add_customer(uow, PERSON)
        uow.commit()
    with raw(ctx) as conn:  # what an erasure will do: forget the key, keep the chain
        conn.execute("UPDATE subject_key SET wrapped_key = NULL")
    with ctx.uow(write=False) as uow:
        row = uow.session.scalars(select(CustomerRow)).one()
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"customer:{row.id}")).one()
        sealed = json.loads(entry.body)["payload"]["personal"]
        assert SubjectKeys(uow.session, ctx.master_key, ctx.device_id).open(sealed) is None
    assert verify_store(ctx).ok


def test_secrets_are_sealed_at_rest(ctx: Context) -> None:
    with ctx.uow() as uow:
        uow.secrets.set("stripe/api-key", b"sk_test_very_secret_value", now=uow.now())
        uow.commit()
    with raw(ctx) as conn:
        sealed = conn.execute("SELECT sealed FROM secret WHERE name = 'stripe/api-key'").fetchone()[0]
    assert b"sk_test_very_secret_value" not in sealed
    with raw(ctx) as conn:
        body = conn.execute("SELECT body FROM audit_entry WHERE subject = 'secret:stripe/api-key'").fetchone()[0]
    assert "sk_test" not in body and json.loads(body)["action"] == "secret.set"
    with ctx.uow(write=False) as uow:
        assert uow.secrets.get("stripe/api-key") == b"sk_test_very_secret_value"


def test_no_keyring_gives_a_clear_error_with_the_fix(settings: Settings) -> None:
    keyring.set_keyring(NoKeyring())
    with pytest.raises(SecretStoreError) as err:
        open_company(settings, create=True)
    assert "QAYD_MASTER_KEY_SOURCE=file" in str(err.value)
    assert not (settings.data_dir / "companies" / "acme.sqlite").exists()


def test_the_memory_keyring_is_never_chosen_on_its_own(settings: Settings) -> None:
    """On a machine without an OS keyring, keyring's own choice must be its "fail" backend, never the memory one
    (which would hold the master key until the process ends and then lose the company's secrets)."""
    from keyring.backend import get_all_keyring

    from core.secrets import MemoryKeyring

    assert not any(isinstance(backend, MemoryKeyring) for backend in get_all_keyring())
    with pytest.raises(RuntimeError):
        MemoryKeyring.priority  # noqa: B018  # reading it is what keyring does when it chooses


def test_every_draft_field_survives_the_store(ctx: Context) -> None:
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal

    from core.invoicing.model import (
        DocumentKind,
        DocumentType,
        InvoiceDraft,
        InvoiceLine,
        Party,
        PrepaymentRef,
        VatCategory,
    )

    ksa = timezone(timedelta(hours=3))
    issued = datetime(2026, 11, 20, 9, 30, tzinfo=ksa)
    draft = InvoiceDraft(
        kind=DocumentKind.STANDARD, type=DocumentType.INVOICE, number="FULL-1", issue_datetime=issued,
        lines=(InvoiceLine("Item", Decimal("2"), Decimal("100.125"), VatCategory.STANDARD, Decimal("15"),
                           discount=Decimal("0.25")),),
        buyer=Party("Buyer Co", vat_number="311111111111113",
                    address=Address("Olaya", "1234", "Al Olaya", "Riyadh", "12211")),
        third_party=True, nominal=False, export=False, summary=True, self_billed=False,
        prepayments=(PrepaymentRef("PRE-1", issued - timedelta(days=3), Decimal("50.00"), Decimal("7.50")),),
        payable_rounding=Decimal("-0.01"), note="Keep everything", payment_means="30")
    with ctx.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        service.import_drafts(uow, [draft])
        uow.commit()
    with ctx.uow(write=False) as uow:
        stored = service.get_invoice(uow, "FULL-1").draft
    assert replace(stored, customer_id=None) == draft


@pytest.mark.parametrize("content", [b"not a database, a note someone saved here\n", bytes(range(256)) * 16])
def test_a_file_that_is_not_a_store_is_named_and_left_as_it_was(tmp_path: Path, content: bytes) -> None:
    """A company file that is not SQLite (a wrong copy, a damaged disk) used to end in an internal error (exit 70)."""
    from core.errors import StoreError

    path = tmp_path / "default.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError) as refused:
        database.open_database(path)
    assert "default.sqlite is not a usable Qayd database" in str(refused.value) and "backup" in refused.value.fix
    assert refused.value.exit_code == 4 and path.read_bytes() == content
