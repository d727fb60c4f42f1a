"""The personal-data access log and restricted records, through the services and the `qayd` command line."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from core.audit.service import verify_store
from core.errors import AccessDeniedError, NotFoundError
from core.invoicing import browse, drafts, parties, service
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.invoicing.model import (
    Address,
    Customer,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    VatCategory,
)
from core.privacy import access_log
from core.privacy.access_log import AccessRecord
from core.privacy.identifiers import find_personal_values
from core.privacy.roles import RESTRICTED, set_role
from core.store import models as m
from core.uow import Context
from tests.integration.conftest import Result

FATIMAH = Customer(name="Fatimah Al-Harbi", name_ar="فاطمة الحربي", kind=CustomerKind.INDIVIDUAL,
                   id_scheme=IdScheme.NAT, id_value="1000000008", email="fatimah@example.sa", phone="+966501234567",
                   address=Address("Olaya St", "1234", "Al Olaya", "Riyadh", "12211"))
GULF = Customer(name="Gulf Trading Co.", kind=CustomerKind.BUSINESS, vat_number="310000000000003",
                email="ap@gulf.example", phone="+966112345678")


def subject(c: Customer) -> str:
    return f"customer:{c.id}"


def log_of(ctx: Context, who: str | None) -> list[AccessRecord]:
    with ctx.uow(write=False) as uow:
        return access_log.search(uow, who)


def books(ctx: Context) -> tuple[Customer, Customer]:
    """The company with one individual and one business customer, and a draft invoice to each."""
    fatimah, gulf = replace(FATIMAH, id=uuid.uuid4()), replace(GULF, id=uuid.uuid4())
    with ctx.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        service.add_customer(uow, fatimah)
        service.add_customer(uow, gulf)
        uow.commit()
    with ctx.uow() as uow:
        for n, who in enumerate((fatimah, gulf), 1):
            kind = DocumentKind.SIMPLIFIED if who.kind is CustomerKind.INDIVIDUAL else DocumentKind.STANDARD
            drafts.save_draft(uow, InvoiceDraft(
                kind=kind, type=DocumentType.INVOICE, number=f"INV-{n}",
                issue_datetime=datetime(2026, 11, 20, 10, 0, tzinfo=UTC), customer_id=who.id, buyer=who.as_party(),
                lines=(InvoiceLine("Consulting", Decimal("1"), Decimal("100"), VatCategory.STANDARD,
                                   Decimal("15")),)))
        uow.commit()
    return fatimah, gulf


def restrict(ctx: Context, customer: Customer) -> None:
    with ctx.uow() as uow:
        uow.session.execute(update(m.Customer).where(m.Customer.id == customer.id)
                            .values(restricted_at=datetime(2026, 11, 1, tzinfo=UTC)))
        uow.commit()


def test_reading_an_individual_records_who_whose_fields_and_purpose(ctx: Context) -> None:
    fatimah, gulf = books(ctx)
    assert log_of(ctx, None) == []  # writing a customer is audited as a change, not as a read
    with ctx.uow(write=False) as uow:
        assert service.get_customer(uow, str(fatimah.id), purpose="answering a phone call").email == FATIMAH.email
        assert service.get_customer(uow, GULF.vat_number).name == GULF.name
    [read] = log_of(ctx, subject(fatimah))
    assert read.actor == ctx.actor and read.actor.startswith("user:")
    assert read.purpose == "answering a phone call" and read.channel == "core" and not read.restricted
    assert set(read.fields) == {"customer.name", "customer.name_ar", "customer.id_value", "customer.address_json",
                                "customer.email", "customer.phone"}  # what it holds: no VAT number
    assert read.at.tzinfo is not None
    assert log_of(ctx, subject(gulf)) == []  # a business is no data subject
    assert verify_store(ctx).ok


def test_the_log_holds_no_personal_values(ctx: Context) -> None:
    fatimah, _ = books(ctx)
    with ctx.uow(write=False) as uow:
        service.get_customer(uow, str(fatimah.id))
    with sqlite3.connect(ctx.db.path) as conn:
        bodies = [b for (b,) in conn.execute("SELECT body FROM audit_entry WHERE action = 'personal_data.read'")]
    assert len(bodies) == 1
    for value in (FATIMAH.name, FATIMAH.name_ar, FATIMAH.email, FATIMAH.phone, FATIMAH.id_value, "Olaya"):
        assert value not in bodies[0]
    assert find_personal_values(bodies[0]) == []


def test_lists_log_one_entry_per_individual_per_unit_of_work(ctx: Context) -> None:
    fatimah, gulf = books(ctx)
    with ctx.uow(write=False) as uow:
        shown = service.list_customers(uow)
        service.list_customers(uow, search="Fatimah")  # same subject, same purpose: merged
        invoices = browse.page(uow)
    assert {c.name for c in shown} == {FATIMAH.name, GULF.name}
    assert {i.customer_name for i in invoices} == {FATIMAH.name, GULF.name}
    reads = log_of(ctx, subject(fatimah))
    assert sorted(r.purpose for r in reads) == ["customer list", "invoice list"]
    assert log_of(ctx, subject(gulf)) == []


def test_invoice_page_reads_are_written_in_one_transaction(ctx: Context) -> None:
    create_demo(ctx, drafts=60)
    with ctx.uow(write=False) as uow:
        individuals = {str(r[0]) for r in uow.session.execute(
            m.Customer.__table__.select().with_only_columns(m.Customer.id).where(m.Customer.kind == "individual"))}
        keys = browse.keys(uow)
    with sqlite3.connect(ctx.db.path) as conn:
        checkpoints = conn.execute("SELECT count(*) FROM audit_checkpoint").fetchone()[0]
    with ctx.uow(write=False) as uow:
        page = browse.rows(uow, keys[:50])
    assert len(page) == 50
    reads = log_of(ctx, None)
    subjects = [r.subject for r in reads]
    assert reads and len(subjects) == len(set(subjects))  # one entry per subject on the page
    assert {s.removeprefix("customer:") for s in subjects} <= individuals
    assert all(r.purpose == "invoice list" and set(r.fields) <= {"customer.name", "customer.name_ar"}
               for r in reads)
    with sqlite3.connect(ctx.db.path) as conn:  # one write transaction: one signed checkpoint more
        assert conn.execute("SELECT count(*) FROM audit_checkpoint").fetchone()[0] == checkpoints + 1
    assert verify_store(ctx).ok


def test_reads_in_a_write_unit_of_work_commit_with_it_and_survive_its_rollback(ctx: Context) -> None:
    fatimah, _ = books(ctx)
    with ctx.uow() as uow:
        service.get_customer(uow, str(fatimah.id), purpose="first")
        uow.commit()
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        service.get_customer(uow, str(fatimah.id), purpose="second")
        raise RuntimeError("the caller failed after reading")
    assert [r.purpose for r in log_of(ctx, subject(fatimah))] == ["second", "first"]  # newest first
    assert verify_store(ctx).ok


def test_a_read_repeated_within_the_window_is_covered_by_the_first_entry(ctx: Context) -> None:
    fatimah, _ = books(ctx)

    def read(purpose: str = "customer record") -> None:
        with ctx.uow(write=False) as uow:
            service.get_customer(uow, str(fatimah.id), purpose=purpose)

    read(), read(), read("another purpose")
    assert [r.purpose for r in log_of(ctx, subject(fatimah))] == ["another purpose", "customer record"]
    ctx.clock.now += timedelta(seconds=ctx.access_log_window + 1)  # type: ignore[attr-defined]
    read()
    assert len(log_of(ctx, subject(fatimah))) == 3
    ctx.access_log_window = 0  # every read
    read(), read()
    assert len(log_of(ctx, subject(fatimah))) == 5
    ctx.access_log_window = 60
    restrict(ctx, fatimah)
    read(), read()  # a restricted record: each access is logged
    assert len(log_of(ctx, subject(fatimah))) == 7


def test_invoice_buyer_read_is_logged(ctx: Context) -> None:
    fatimah, gulf = books(ctx)
    with ctx.uow(write=False) as uow:
        assert service.get_invoice(uow, "INV-1").draft.buyer.name == FATIMAH.name  # type: ignore[union-attr]
        service.get_invoice(uow, "INV-2")
    [read] = log_of(ctx, subject(fatimah))
    assert read.fields == ("invoice.buyer_json",) and read.purpose == "invoice record"
    assert log_of(ctx, subject(gulf)) == []


def test_restricted_record_refused_to_a_clerk_and_masked_in_lists(ctx: Context) -> None:
    fatimah, _ = books(ctx)
    restrict(ctx, fatimah)
    ctx.actor_role = "clerk"
    with ctx.uow(write=False) as uow:
        with pytest.raises(AccessDeniedError) as refused:
            service.get_customer(uow, str(fatimah.id))
        assert "compliance officer" in refused.value.fix and FATIMAH.name not in str(refused.value)
        with pytest.raises(AccessDeniedError):
            service.get_invoice(uow, "INV-1")
        with pytest.raises(AccessDeniedError):
            parties.get_customer_by_id(uow, fatimah.id)
        listed = {c.id: c for c in service.list_customers(uow)}
        assert listed[fatimah.id].name == RESTRICTED and listed[fatimah.id].email == ""
        assert listed[fatimah.id].address is None and listed[fatimah.id].id_value == ""
        assert service.list_customers(uow, search="Fatimah") == []  # a clerk cannot find it by name
        rows = {r.number: r for r in browse.page(uow)}
        assert {n: r.customer_name for n, r in rows.items()} == {"INV-1": RESTRICTED, "INV-2": GULF.name}
        assert rows["INV-1"].customer_name == RESTRICTED and rows["INV-1"].customer_name_ar == RESTRICTED
        assert [r.number for r in browse.page(uow, browse.BrowseFilter(search="Fatimah"))] == []
    with ctx.uow() as uow, pytest.raises(AccessDeniedError):
        parties.update_customer(uow, replace(fatimah, email="new@example.sa"))
    assert log_of(ctx, subject(fatimah)) == []  # nothing was shown, nothing read


def test_restricted_record_shown_to_compliance_and_every_access_logged(ctx: Context) -> None:
    fatimah, _ = books(ctx)
    restrict(ctx, fatimah)
    ctx.actor_role = "compliance"
    with ctx.uow(write=False) as uow:
        assert service.get_customer(uow, str(fatimah.id), purpose="erasure request DSR-2026-0001").email == \
            FATIMAH.email
        assert service.get_invoice(uow, "INV-1").draft.buyer.name == FATIMAH.name  # type: ignore[union-attr]
        assert [r.customer_name for r in browse.page(uow, browse.BrowseFilter(search="Fatimah"))] == [FATIMAH.name]
    reads = log_of(ctx, subject(fatimah))
    assert len(reads) == 3 and all(r.restricted for r in reads)
    assert {r.purpose for r in reads} == {"erasure request DSR-2026-0001 (restricted record)",
                                          "invoice record (restricted record)", "invoice list (restricted record)"}


def test_roles_are_changed_by_admins_only_and_audited(ctx: Context) -> None:
    with ctx.uow() as uow:
        now = uow.now()
        uow.session.add(m.StaffUser(id=uuid.uuid4(), username="clerk1", display_name="Clerk", role="clerk",
                                    created_at=now, updated_at=now, device_id=ctx.device_id))
        uow.commit()
    with ctx.uow() as uow:
        change = set_role(uow, "clerk1", "compliance")
        uow.commit()
    assert (change.before, change.after) == ("clerk", "compliance")
    with ctx.uow() as uow, pytest.raises(NotFoundError):
        set_role(uow, "nobody", "clerk")
    with ctx.uow() as uow, pytest.raises(Exception, match="refused"):
        set_role(uow, "tester", "clerk")  # the only admin stays admin
    ctx.actor_role = "compliance"
    with ctx.uow() as uow, pytest.raises(AccessDeniedError):
        set_role(uow, "clerk1", "admin")
    with sqlite3.connect(ctx.db.path) as conn:
        rows = conn.execute("SELECT body FROM audit_entry WHERE action = 'user.role_changed'").fetchall()
    assert len(rows) == 1 and "clerk1" not in rows[0][0]
    assert json.loads(rows[0][0])["payload"]["data"] == {"before": "clerk", "after": "compliance"}


# --- through the command line -----------------------------------------------------------------------------------

COMPANY = ["--name-ar", "شركة الاختبار", "--name-en", "Test Co", "--vat", "300000000000003",
           "--crn", "1010101010", "--street", "Olaya St", "--building", "1234", "--district", "Al Olaya",
           "--city", "Riyadh", "--postal-code", "12211"]


def as_user(env: dict[str, str], name: str) -> None:
    env["LOGNAME"] = name  # getpass.getuser() reads LOGNAME first: the acting staff user
    env["USER"] = name


def add_customers(run: Callable[..., Result]) -> tuple[str, str]:
    added = run("customer", "add", "--name", FATIMAH.name, "--kind", "individual", "--id-scheme", "NAT",
                "--id-value", FATIMAH.id_value, "--email", FATIMAH.email, "--phone", FATIMAH.phone, "--json")
    assert added.exit_code == 0, added.output
    business = run("customer", "add", "--name", GULF.name, "--vat", GULF.vat_number, "--json")
    assert business.exit_code == 0, business.output
    return json.loads(added.stdout)["id"], json.loads(business.stdout)["id"]


def test_cli_reads_are_listed_by_access_log(run: Callable[..., Result], env: dict[str, str]) -> None:
    as_user(env, "admin1")
    assert run("init", *COMPANY).exit_code == 0
    person, company = add_customers(run)
    shown = run("customer", "show", person)
    assert shown.exit_code == 0 and FATIMAH.email in shown.stdout
    assert run("customer", "show", company).exit_code == 0
    assert run("customer", "show", person, "--purpose", "refund by phone").exit_code == 0
    assert run("customer", "list").exit_code == 0
    result = run("gdpr", "access-log", f"customer:{person}", "--json")
    assert result.exit_code == 0, result.output
    records: list[dict[str, Any]] = json.loads(result.stdout)
    assert [r["purpose"] for r in records] == ["customer list (qayd customer list)", "refund by phone",
                                               "customer record (qayd customer show)"]
    assert all(r["channel"] == "cli" and r["actor"].startswith("user:") for r in records)
    assert "customer.email" in records[2]["fields"] and FATIMAH.email not in result.stdout
    text = run("gdpr", "access-log", person)  # a bare id is a customer's
    assert text.exit_code == 0 and "customer record (qayd customer show)" in text.stdout
    assert "No reads" in run("gdpr", "access-log", f"customer:{company}").stdout
    bad = run("gdpr", "access-log", "someone")
    assert bad.exit_code == 2 and "customer:<id>" in bad.output


def test_cli_restricted_record_and_roles(run: Callable[..., Result], env: dict[str, str]) -> None:
    as_user(env, "admin1")
    assert run("init", *COMPANY).exit_code == 0
    person, _ = add_customers(run)
    db = f"{env['QAYD_DATA_DIR']}/companies/{env['QAYD_COMPANY']}.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE customer SET restricted_at = ? WHERE id = ?",
                     ((datetime.now(UTC) - timedelta(days=1)).isoformat(), uuid.UUID(person).hex))
    as_user(env, "clerk1")  # a second user starts as a clerk
    refused = run("customer", "show", person)
    assert refused.exit_code == 11 and "compliance officer" in refused.stderr and FATIMAH.email not in refused.output
    listed = run("customer", "list", "--json")
    assert RESTRICTED in [c["name"] for c in json.loads(listed.stdout)]
    denied = run("gdpr", "role", "clerk1", "compliance")
    assert denied.exit_code == 11 and "admin" in denied.stderr
    as_user(env, "admin1")
    granted = run("gdpr", "role", "clerk1", "compliance")
    assert granted.exit_code == 0 and "now compliance (was clerk)" in granted.stdout
    assert run("gdpr", "role", "clerk1", "superuser").exit_code == 2
    as_user(env, "clerk1")
    allowed = run("customer", "show", person)
    assert allowed.exit_code == 0 and FATIMAH.email in allowed.stdout
    [read] = json.loads(run("gdpr", "access-log", f"customer:{person}", "--json").stdout)
    assert read["restricted"] and read["purpose"] == "customer record (qayd customer show) (restricted record)"
    assert run("audit", "verify").exit_code == 0


def test_personal_values_are_only_in_catalogued_columns(ctx: Context) -> None:
    """Data check on the real file: a subject's values appear only in columns FIELDS lists (audit entries only in
    their sealed part), and no uncatalogued text holds anything that looks like an id, e-mail, phone or IBAN."""
    from core.privacy.catalogue import FIELDS

    fatimah, _ = books(ctx)
    with ctx.uow(write=False) as uow:
        service.get_customer(uow, str(fatimah.id))
        browse.page(uow)
    listed = {(f.table, f.column) for f in FIELDS}
    values = [FATIMAH.name, FATIMAH.name_ar, FATIMAH.email, FATIMAH.phone, FATIMAH.id_value]
    leaks, suspicious = [], []
    with sqlite3.connect(ctx.db.path) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                for (value,) in conn.execute(f"SELECT {column} FROM {table} WHERE typeof({column}) = 'text'"):
                    text = value
                    if table == "audit_entry" and column == "body":
                        doc = json.loads(value)
                        doc["payload"].pop("personal", None)  # sealed with the subject's key
                        text = json.dumps(doc, ensure_ascii=False)
                    elif (table, column) in listed:
                        continue
                    leaks += [(table, column) for v in values if v in text]
                    if table not in ("company",) and find_personal_values(text):  # the seller's CRN is no person's
                        suspicious.append((table, column))
    assert leaks == [] and suspicious == []
