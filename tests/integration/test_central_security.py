"""Security of the central PostgreSQL, proved against a real server: append-only audit tables, least privilege for the
application logins, row-level security between companies (rows, devices, pulls, LISTEN/NOTIFY), the audit chain
never rewritten, TLS with the certificate checked, and the central password kept only in the secret store.

Each test builds what it needs on a fresh copy of the migrated central database (``central_db``); installs come from
``tests.support.sync_world.World``, plain logins (no install) from ``add_login``. Holes found are ``xfail(strict=True)``
with the reason: they fail today and will pass (XPASS turns into a failure, so the marker must go) once fixed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.errors import InsufficientPrivilege, IntegrityConstraintViolation, UniqueViolation

from core.audit.chain import entry_digest
from core.central.admin import LEVELS, add_company, add_member
from core.cli import main
from core.config import load_settings
from core.invoicing.model import Customer, CustomerKind
from core.invoicing.service import add_customer as add_customer_row
from core.sync import engine, live, outbox
from core.sync.audit_central import verify_central
from core.sync.connection import PASSWORD_SECRET, dsn_for, save_connection
from core.sync.engine import SyncError, central, status
from core.sync.outbox import raw
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World, libpq
from tests.support.tcp_proxy import TcpProxy
from tests.support.tls import TestCA

AUDIT_TABLES = ("audit_entry", "audit_checkpoint")
# Each company-owned table and the column row-level security filters on.
COMPANY_COLUMN = {"company": "id", "member": "company_id", "device": "company_id", "change": "company_id",
                  "entity_state": "company_id", "conflict": "company_id", "presence": "company_id",
                  "notification": "company_id"}
GRANTED_FUNCTIONS = {"caller", "own_device", "channel", "register_device", "push", "push_audit", "heartbeat",
                     "announce", "my_company", "audit_heads", "audit_held"}
# What a NOTIFY payload may carry: ids, kinds, counts and flags; never names, logins, subjects or message text.
PAYLOAD_KEYS = {"kind", "id", "device", "event", "seq", "count", "online"}
SECRET_CUSTOMER = "Zulu Confidential Trading"  # company 2's; must never reach company 1


# --- helpers ---------------------------------------------------------------------------------------------------------

def connect(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


def as_json(data: Any) -> str:
    """A JSON argument as untyped text: the server casts it to the function's json or jsonb parameter."""
    return json.dumps(data, ensure_ascii=False)


def one_row(conn: psycopg.Connection[Any], statement: str, params: Any = None) -> tuple[Any, ...]:
    row = conn.execute(statement, params).fetchone()
    assert row is not None
    return tuple(row)


def value(conn: psycopg.Connection[Any], statement: str, params: Any = None) -> Any:
    return one_row(conn, statement, params)[0]


def add_login(db: PgDatabase, company: uuid.UUID, level: str) -> tuple[str, str]:
    """A person's login of `level` in `company`, without an install: (login, libpq address with verify-full TLS)."""
    login, password = f"{level}_{uuid.uuid4().hex[:8]}", f"{level}-password-{uuid.uuid4().hex}"
    add_member(libpq(db.url), login, password, level, company, display_name=level.capitalize())
    return login, db.dsn_for(user=login, password=password, sslmode="verify-full")


def other_company(db: PgDatabase, name: str = "Other Co") -> uuid.UUID:
    company = uuid.uuid4()
    add_company(libpq(db.url), company, name)
    return company


def register(dsn: str, device: uuid.UUID | None = None, key: bytes = b"test-device-key") -> uuid.UUID:
    device = device or uuid.uuid4()
    with connect(dsn) as conn:
        conn.execute("SELECT qayd.register_device(%s, %s, %s)", (device, "test device", key))
    return device


def change(device: uuid.UUID, n: int, row_id: str, *, version: int = 1, base: int | None = None,
           change_id: str | None = None) -> dict[str, Any]:
    return {"change_id": change_id or f"{device}:{n}:0", "entity": "customer", "row_id": row_id, "op": "upsert",
            "base_version": base, "version": version, "payload": {"id": row_id}}


def add_customer(install: Install, name: str) -> None:
    with install.ctx.uow() as uow:
        add_customer_row(uow, Customer(name=name, kind=CustomerKind.BUSINESS))
        uow.commit()


def company_of(install: Install) -> uuid.UUID:
    company = install.world.company_id
    assert company is not None
    return company


def drain(conn: psycopg.Connection[Any], done: Callable[[list[dict[str, Any]]], bool],
          timeout: float = 5.0) -> list[dict[str, Any]]:
    """The NOTIFY payloads `conn` (LISTENing) receives until `done(payloads)` or `timeout` seconds."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(got):
        got += [json.loads(n.payload) for n in conn.notifies(timeout=0.3, stop_after=1)]
    return got


def events_until(listener: live.Listener, done: Callable[[list[live.LiveEvent]], bool],
                 timeout: float = 5.0) -> list[live.LiveEvent]:
    seen: list[live.LiveEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(seen):
        seen += list(listener.events(timeout=0.3))
    return seen


def leaks(secret: str, text: str | bytes) -> bool:
    """Whether `text` holds `secret` as typed, UTF-8 or percent-encoded (as it would sit in a URL)."""
    forms = (secret, quote(secret, safe=""))
    if isinstance(text, bytes):
        return any(form.encode("utf-8") in text for form in forms)
    return any(form in text for form in forms)


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


@dataclass
class Companies:
    one: World
    two: World
    a: Install  # company 1, demo data
    b: Install  # company 1, pulls a's work
    z: Install  # company 2, demo data and SECRET_CUSTOMER


@pytest.fixture
def companies(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[Companies]:
    """Two companies on one central database, each with its own logins and devices, each synced with data."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one, two = World(pg_server, central_db, tmp_path / "one"), World(pg_server, central_db, tmp_path / "two")
    # Demo stores share one company id; the second company gets its own centrally (World then only joins it).
    two.company_id = other_company(central_db, "Zulu Co")
    try:
        a, b = one.install("a", demo=2), one.install("b", join=False)  # b's first pull happens in the tests
        z = two.install("z", demo=2)
        add_customer(z, SECRET_CUSTOMER)
        assert one.company_id != two.company_id
        a.sync()
        z.sync()
        yield Companies(one, two, a, b, z)
    finally:
        one.close()
        two.close()


# --- 1. append-only audit tables --------------------------------------------------------------------------------------

def test_staff_can_neither_read_nor_change_the_audit_tables_and_compliance_only_reads(world: World) -> None:
    a = world.install("a", demo=1)
    a.sync()
    _, officer_dsn = add_login(world.central, company_of(a), "compliance")
    with connect(a.dsn) as staff, connect(officer_dsn) as officer:
        for table in AUDIT_TABLES:
            for statement in (f"SELECT count(*) FROM qayd.{table}", f"UPDATE qayd.{table} SET received_at = now()",
                              f"DELETE FROM qayd.{table}", f"TRUNCATE qayd.{table}"):
                with pytest.raises(InsufficientPrivilege, match=f"permission denied for table {table}"):
                    staff.execute(statement)
            # staff push their chain through push_audit only; compliance reads every device's copy
            assert value(officer, f"SELECT count(*) FROM qayd.{table} WHERE device_id = %s", (a.ctx.device_id,)) > 0
            for statement in (f"UPDATE qayd.{table} SET received_at = now()", f"DELETE FROM qayd.{table}",
                              f"TRUNCATE qayd.{table}"):
                with pytest.raises(InsufficientPrivilege, match=f"permission denied for table {table}"):
                    officer.execute(statement)


def test_even_the_owner_cannot_update_delete_or_truncate_audit_records(world: World) -> None:
    a = world.install("a", demo=1)
    a.sync()
    fingerprint = ("SELECT count(*), md5(string_agg(device_id::text || seq || encode({col}, 'hex'), ',' ORDER BY "
                   "device_id, seq)) FROM qayd.{table}")
    columns = {"audit_entry": "hash", "audit_checkpoint": "signature"}
    with world.superuser() as owner:
        assert value(owner, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is True
        before = {t: one_row(owner, fingerprint.format(col=c, table=t)) for t, c in columns.items()}
        for table in AUDIT_TABLES:
            assert before[table][0] > 0  # something to refuse: row triggers fire only on rows
            for op, statement in (("UPDATE", f"UPDATE qayd.{table} SET received_at = now()"),
                                  ("DELETE", f"DELETE FROM qayd.{table}"),
                                  ("TRUNCATE", f"TRUNCATE qayd.{table}")):
                with pytest.raises(InsufficientPrivilege,
                                   match=rf"{op} on qayd\.{table} is refused: audit records are append-only"):
                    owner.execute(statement)
        after = {t: one_row(owner, fingerprint.format(col=c, table=t)) for t, c in columns.items()}
    assert after == before


# --- 2. least privilege -----------------------------------------------------------------------------------------------

@pytest.fixture
def logins(central_db: PgDatabase) -> dict[str, tuple[str, str]]:
    """One login per level in one company: {level: (login, dsn)}."""
    company = other_company(central_db, "Acme")
    return {level: add_login(central_db, company, level) for level in LEVELS}


def test_application_logins_cannot_write_any_qayd_table_directly(central_db: PgDatabase,
                                                                 logins: dict[str, tuple[str, str]]) -> None:
    tables = {**COMPANY_COLUMN, "audit_entry": "company_id", "audit_checkpoint": "company_id"}
    for level, (login, dsn) in logins.items():
        with connect(dsn) as conn:
            for table, column in tables.items():
                for statement in (f"INSERT INTO qayd.{table} DEFAULT VALUES",
                                  f"UPDATE qayd.{table} SET {column} = {column}",
                                  f"DELETE FROM qayd.{table}", f"TRUNCATE qayd.{table}"):
                    with pytest.raises(InsufficientPrivilege, match=f"permission denied for table {table}"):
                        conn.execute(statement)
            with pytest.raises(InsufficientPrivilege, match="permission denied for sequence change_seq_seq"):
                conn.execute("SELECT nextval('qayd.change_seq_seq')")
        # The catalogue agrees, for the login and its group: no write privilege on any table or sequence.
        for role in (login, LEVELS[level]):
            writable = central_db.psql(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'qayd' AND ((c.relkind IN ('r', 'p') AND has_table_privilege(%s, c.oid, "
                "'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')) OR (c.relkind = 'S' AND "
                "has_sequence_privilege(%s, c.oid, 'USAGE, UPDATE')))", (role, role))
            assert writable == [], (role, writable)


def test_application_logins_cannot_create_anything_in_qayd_or_public(pg_server: PgServer, central_db: PgDatabase,
                                                                     logins: dict[str, tuple[str, str]]) -> None:
    # PostgreSQL 15 took CREATE on schema public away from PUBLIC (USAGE stays): nobody but the owner creates there.
    assert pg_server.version >= 150000
    assert central_db.psql("SELECT has_schema_privilege('public', 'public', 'CREATE'), "
                           "has_schema_privilege('public', 'public', 'USAGE'), "
                           "has_schema_privilege('public', 'qayd', 'USAGE')") == [(False, True, False)]
    for login, dsn in logins.values():
        assert central_db.psql("SELECT has_schema_privilege(%s, 'qayd', 'CREATE'), "
                               "has_schema_privilege(%s, 'public', 'CREATE'), "
                               "has_database_privilege(%s, current_database(), 'CREATE')",
                               (login, login, login)) == [(False, False, False)]
        with connect(dsn) as conn:
            for schema in ("qayd", "public"):
                for statement in (f"CREATE TABLE {schema}.intruder (n integer)",
                                  f"CREATE VIEW {schema}.intruder AS SELECT 1 AS n",
                                  f"CREATE FUNCTION {schema}.intruder() RETURNS integer LANGUAGE sql AS 'SELECT 1'"):
                    with pytest.raises(InsufficientPrivilege, match=f"permission denied for schema {schema}"):
                        conn.execute(statement)
            with pytest.raises(InsufficientPrivilege, match="permission denied for database"):
                conn.execute("CREATE SCHEMA intruder")


def test_application_logins_hold_no_power_beyond_the_granted_functions(pg_server: PgServer, central_db: PgDatabase,
                                                                       logins: dict[str, tuple[str, str]]) -> None:
    attributes = "rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication"
    for level, (login, dsn) in logins.items():
        group = LEVELS[level]
        assert central_db.psql(f"SELECT {attributes}, rolcanlogin FROM pg_roles WHERE rolname = %s",
                               (login,)) == [(False, False, False, False, False, True)]
        assert central_db.psql(f"SELECT {attributes}, rolcanlogin FROM pg_roles WHERE rolname = %s",
                               (group,)) == [(False, False, False, False, False, False)]
        assert central_db.psql("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                               "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s", (login,)) == [(group,)]
        executable = {name for (name,) in central_db.psql(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'qayd' AND has_function_privilege(%s, p.oid, 'EXECUTE')", (login,))}
        assert executable == GRANTED_FUNCTIONS
        with connect(dsn) as conn:
            refused = [
                ("SELECT qayd.refuse_change()", "permission denied for function refuse_change"),
                ("SELECT pg_read_file('PG_VERSION')", "permission denied for function pg_read_file"),
                ("SELECT pg_ls_dir('.')", "permission denied for function pg_ls_dir"),
                ("COPY (SELECT 1) TO PROGRAM 'true'", "pg_execute_server_program"),
                ("COPY qayd.member TO '/tmp/qayd-members'", "pg_write_server_files"),
                (f"SET ROLE {pg_server.superuser}", "permission denied to set role"),
                *[(f"SET ROLE {other}", "permission denied to set role")
                  for other in LEVELS.values() if other != group],
                (f"ALTER ROLE {login} BYPASSRLS", "must be superuser to change bypassrls"),
                (f"ALTER ROLE {login} CREATEROLE", "permission denied"),
                (f"GRANT {LEVELS['admin']} TO {login}", "must have admin option on role"),
            ]
            for statement, message in refused:
                with pytest.raises(InsufficientPrivilege, match=message):
                    conn.execute(statement)
            assert value(conn, "SELECT current_user") == login


def test_a_login_cannot_run_code_as_the_owner_through_the_push_temp_table(central_db: PgDatabase) -> None:
    acme = other_company(central_db, "Acme")
    other_company(central_db, "Rival Trading")
    login, dsn = add_login(central_db, acme, "staff")
    device = register(dsn)
    loot: list[tuple[Any, ...]] = []
    with connect(dsn) as conn:
        try:
            conn.execute("CREATE TEMP TABLE loot (who text, company text)")
            conn.execute("CREATE TEMP TABLE push_in (ord integer, change_id text, entity text, row_id text, op text, "
                         "base_version integer, version integer, payload jsonb, resolves boolean, fresh boolean, "
                         "conflict boolean, seq bigint)")
            conn.execute(sql.SQL(
                "CREATE FUNCTION pg_temp.steal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "INSERT INTO pg_temp.loot SELECT current_user, name FROM qayd.company; "
                "ALTER ROLE {} SUPERUSER; RETURN NEW; END $$").format(sql.Identifier(login)))
            conn.execute("CREATE TRIGGER steal BEFORE INSERT ON pg_temp.push_in FOR EACH ROW "
                         "EXECUTE FUNCTION pg_temp.steal()")
            conn.execute("SELECT qayd.push(%s, %s)", (device, as_json([change(device, 1, "r1")])))
            loot = conn.execute("SELECT who, company FROM pg_temp.loot").fetchall()
        except psycopg.Error:
            pass  # refused at any step: the way is closed
    assert loot == []  # today: [('qayd_owner', 'Acme'), ('qayd_owner', 'Rival Trading')]
    assert central_db.psql("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (login,)) == [(False,)]


# --- 3. row-level security between companies --------------------------------------------------------------------------

def make_conflict(install: Install) -> None:
    """A conflict row in the install's company: a second device pushes over a row from a stale version."""
    ghost = register(install.dsn)
    with connect(install.dsn) as conn:
        entity, row_id, version = conn.execute(
            "SELECT entity, row_id, version FROM qayd.entity_state WHERE version IS NOT NULL ORDER BY seq LIMIT 1"
        ).fetchone() or ("", "", 0)
        answer = value(conn, "SELECT qayd.push(%s, %s)", (ghost, as_json([{
            **change(ghost, 1, row_id, version=version + 1, base=-1), "entity": entity}])))
    assert answer[0]["conflict"] is True


def test_a_company_sees_none_of_the_other_companys_rows(companies: Companies) -> None:
    a, z = companies.a, companies.z
    for install, name in ((a, "Alice"), (z, "Zaid")):
        make_conflict(install)
        with central(install.dsn) as conn:
            live.heartbeat(conn, install.ctx, display_name=name, viewing="invoice:1")
            live.announce(conn, install.ctx, "sync.conflict", "conflict:1", f"{name} has a conflict.", "تعارض")
    c1, c2 = company_of(a), company_of(z)
    with companies.one.superuser() as owner:  # every table holds rows of both companies: nothing is vacuous
        for table, column in COMPANY_COLUMN.items():
            for company in (c1, c2):
                assert value(owner, f"SELECT count(*) FROM qayd.{table} WHERE {column} = %s", (company,)) > 0, table
    for me, mine, theirs in ((a, c1, c2), (z, c2, c1)):
        with connect(me.dsn) as conn:
            assert value(conn, "SELECT qayd.my_company()") == mine
            for table, column in COMPANY_COLUMN.items():
                own, other = one_row(conn, f"SELECT count(*) FILTER (WHERE {column} = %s), count(*) FILTER "
                                           f"(WHERE {column} IS DISTINCT FROM %s) FROM qayd.{table}", (mine, mine))
                assert own > 0 and other == 0, (me.name, table, own, other)
                assert value(conn, f"SELECT count(*) FROM qayd.{table} WHERE {column} = %s", (theirs,)) == 0
    # what the other company wrote is not readable even by content
    by_content = "SELECT count(*) FROM qayd.change WHERE payload::text LIKE %s"
    with connect(a.dsn) as conn:
        assert value(conn, by_content, (f"%{SECRET_CUSTOMER}%",)) == 0
        assert value(conn, "SELECT count(*) FROM qayd.member WHERE login = %s", (z.login,)) == 0
        assert value(conn, "SELECT count(*) FROM qayd.notification WHERE message_en LIKE 'Zaid%'") == 0
    with connect(z.dsn) as conn:
        assert value(conn, by_content, (f"%{SECRET_CUSTOMER}%",)) > 0


def test_the_other_companys_devices_can_be_neither_used_nor_registered(companies: Companies) -> None:
    a, z = companies.a, companies.z
    theirs = z.ctx.device_id
    with companies.one.superuser() as owner:
        key, name = one_row(owner, "SELECT public_key, name FROM qayd.device WHERE id = %s", (theirs,))
        before = owner.execute("SELECT (SELECT count(*) FROM qayd.change), (SELECT count(*) FROM qayd.audit_entry), "
                               "(SELECT count(*) FROM qayd.presence), (SELECT count(*) FROM qayd.notification)"
                               ).fetchone()
    attempts = [
        ("SELECT qayd.push(%s, %s)", (theirs, as_json([change(theirs, 99_999, "stolen-row")]))),
        ("SELECT qayd.push_audit(%s, %s, %s)", (theirs, as_json([{"seq": 99_999, "body": "{}", "prev_hash": "00",
                                                                  "hash": "00"}]), as_json([]))),
        ("SELECT qayd.heartbeat(%s, %s, %s, %s)", (theirs, "Mallory", "invoice:1", True)),
        ("SELECT qayd.announce(%s, %s, %s, %s, %s)", (theirs, "zatca.rejected", "invoice:1", "fake", "fake")),
    ]
    with connect(a.dsn) as conn:
        for statement, params in attempts:
            with pytest.raises(InsufficientPrivilege, match=f"device {theirs} is not registered with this company"):
                conn.execute(statement, params)
        # Registering the other company's device id is refused, even with its own public key (which an attacker may
        # have copied from a bundle).
        for public_key in (key, b"mallory-key"):
            with pytest.raises(UniqueViolation, match=f"device {theirs} is registered already"):
                conn.execute("SELECT qayd.register_device(%s, %s, %s)", (theirs, "stolen", public_key))
    with companies.one.superuser() as owner:
        assert owner.execute("SELECT company_id, name FROM qayd.device WHERE id = %s", (theirs,)).fetchone() == (
            company_of(z), name)
        assert owner.execute("SELECT (SELECT count(*) FROM qayd.change), (SELECT count(*) FROM qayd.audit_entry), "
                             "(SELECT count(*) FROM qayd.presence), (SELECT count(*) FROM qayd.notification)"
                             ).fetchone() == before


def test_a_pull_never_returns_the_other_companys_changes(companies: Companies,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, z = companies.a, companies.b, companies.z
    pulled: list[outbox.Remote] = []
    apply = engine._apply_batch

    def recording(ctx: Any, changes: list[outbox.Remote]) -> outbox.Applied:
        pulled.extend(changes)
        return apply(ctx, changes)

    monkeypatch.setattr(engine, "_apply_batch", recording)
    add_customer(z, "Zulu After Trading")  # company 2 keeps writing while company 1 pulls
    z.sync()
    result = b.sync()  # b's first pull: everything after seq 0
    with companies.one.superuser() as owner:
        seqs = dict(owner.execute("SELECT seq, company_id FROM qayd.change").fetchall())
        theirs = {s for s, c in seqs.items() if c == company_of(z)}
    assert result.pulled == len(pulled) > 0 and theirs
    assert {seqs[c.seq] for c in pulled} == {company_of(a)}
    assert {c.device_id for c in pulled} == {str(a.ctx.device_id)}
    with b.db() as db:
        names = {n for (n,) in db.execute("SELECT name FROM customer")}
    assert names and not names & {SECRET_CUSTOMER, "Zulu After Trading"}
    with z.db() as db:
        assert SECRET_CUSTOMER in {n for (n,) in db.execute("SELECT name FROM customer")}


def test_live_events_stay_on_the_company_channel_and_carry_ids_kinds_and_counts_only(companies: Companies) -> None:
    """LISTEN is not access-controlled in PostgreSQL: any login may LISTEN on any channel name, so a company's channel
    (`qayd_<company id hex>`) is no security boundary against someone who knows (or guesses) the company id. What
    keeps a company's data private is that the NOTIFY payloads carry only ids, kinds and counts, and that the rows
    they point at (notifications, changes) are behind row-level security. Here company 2's own listener never hears
    company 1; company 2 eavesdropping on company 1's channel gets the payloads but cannot read what they point at;
    and other logins' sessions (e.g. which channel they LISTEN on) are hidden in pg_stat_activity."""
    a, z = companies.a, companies.z
    person = "Fatima Al-Harbi"
    with live.Listener(a.dsn) as own, live.Listener(z.dsn) as neighbour, connect(z.dsn) as spy, \
            central(a.dsn) as conn_a, central(z.dsn) as conn_z:
        assert own.channel != neighbour.channel
        spy.execute(f"LISTEN {value(spy, 'SELECT qayd.channel(%s)', (company_of(a),))}")
        made = live.announce(conn_a, a.ctx, "zatca.rejected", "invoice:7", f"ZATCA rejected {person}'s invoice.",
                             f"رفضت الهيئة فاتورة {person}.")
        add_customer(a, "Alpha Live Trading")
        a.sync()  # a change event on company 1's channel
        theirs = live.announce(conn_z, z.ctx, "zatca.rejected", "invoice:8", "ZATCA rejected an invoice.", "رفض")
        # Notifications are delivered in commit order: had company 1's reached company 2, they would come first.
        heard = events_until(neighbour, lambda seen: any(e.data.get("id") == theirs for e in seen))
        assert any(e.data.get("id") == theirs for e in heard)
        assert {e.data.get("device") for e in heard} == {str(z.ctx.device_id)}
        mine = events_until(own, lambda seen: any(e.data.get("id") == made for e in seen)
                            and any(e.kind == "change" for e in seen))
        assert str(z.ctx.device_id) not in {e.data.get("device") for e in mine}
        overheard = drain(spy, lambda got: any(p.get("id") == made for p in got) and any(p["kind"] == "change"
                                                                                     for p in got))
        assert {p["kind"] for p in overheard} == {"notification", "change"}
        for payload in overheard:
            assert set(payload) <= PAYLOAD_KEYS, payload
            text = json.dumps(payload, ensure_ascii=False)
            assert person not in text and "invoice:7" not in text and a.login not in text
        change_seq = next(p["seq"] for p in overheard if p["kind"] == "change")
        assert value(spy, "SELECT count(*) FROM qayd.notification WHERE id = %s", (made,)) == 0
        assert value(spy, "SELECT count(*) FROM qayd.change WHERE seq = %s", (change_seq,)) == 0
        assert value(conn_a, "SELECT count(*) FROM qayd.notification WHERE id = %s", (made,)) == 1
        # company 1's sessions (and so the channel they LISTEN on) are hidden from company 2 in pg_stat_activity
        listening = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND query LIKE 'LISTEN%%'"
        assert value(spy, listening, (a.login,)) == 0
        with companies.one.superuser() as owner:
            assert value(owner, listening, (a.login,)) >= 1


def test_presence_events_carry_no_personal_data(world: World) -> None:
    a = world.install("a")
    a.sync()
    _, spy_dsn = add_login(world.central, other_company(world.central), "staff")
    with connect(spy_dsn) as spy, central(a.dsn) as conn:
        spy.execute(f"LISTEN {value(spy, 'SELECT qayd.channel(%s)', (company_of(a),))}")
        live.heartbeat(conn, a.ctx, display_name="Alice Example", viewing="invoice:42")
        overheard = drain(spy, lambda got: any(p["kind"] == "presence" for p in got))
    assert [p["kind"] for p in overheard] == ["presence"]
    payload = overheard[0]
    assert a.login not in json.dumps(payload)
    assert set(payload) <= PAYLOAD_KEYS, payload  # today: {"kind", "device", "login", "viewing", "online"}


def test_a_change_id_taken_by_another_company_does_not_swallow_the_real_change(world: World) -> None:
    a = world.install("a", demo=1)
    a.sync()
    _, mallory = add_login(world.central, other_company(world.central), "staff")
    intruder = register(mallory)
    add_customer(a, "Genuine Trading")
    with a.ctx.uow(write=False) as uow:
        pending = outbox.pending(raw(uow), 100)
    target = next(i for i in pending if i.entity == "customer")
    stolen_id = target.change_id(str(a.ctx.device_id))
    with connect(mallory) as conn, contextlib.suppress(psycopg.Error):  # refused: not the intruder's id to use
        conn.execute("SELECT qayd.push(%s, %s)", (intruder, as_json([change(intruder, 1, "decoy",
                                                                           change_id=stolen_id)])))
    a.sync()
    with world.superuser() as owner:
        stored = owner.execute("SELECT company_id, device_id, row_id FROM qayd.change WHERE change_id = %s",
                               (stolen_id,)).fetchall()
    assert stored == [(company_of(a), a.ctx.device_id, target.row_id)]  # today: company 2's decoy


# --- 4. the central audit chain is never rewritten --------------------------------------------------------------------

def test_push_audit_refuses_a_rewritten_entry_and_never_overwrites_the_copy_held(world: World) -> None:
    a = world.install("a", demo=1)
    a.sync()
    device = a.ctx.device_id
    held_sql = "SELECT seq, body, prev_hash, hash FROM qayd.audit_entry WHERE device_id = %s ORDER BY seq"
    marks_sql = "SELECT seq, hash, at, signature FROM qayd.audit_checkpoint WHERE device_id = %s ORDER BY seq"
    with world.superuser() as owner:
        held = owner.execute(held_sql, (device,)).fetchall()
        marks = owner.execute(marks_sql, (device,)).fetchall()
    assert len(held) >= 3 and marks
    seq, body, prev, digest = held[1]
    # A fork: entry `seq` rewritten and re-hashed so it chains from the same predecessor, and a new entry after the
    # head in the same batch. The whole batch is refused; nothing of it is stored.
    forged_body = body.replace('"action":', '"forged":1,"action":', 1)
    assert forged_body != body
    forged = {"seq": seq, "body": forged_body, "prev_hash": bytes(prev).hex(),
              "hash": entry_digest(bytes(prev), seq, forged_body.encode()).hex()}
    head, head_hash = held[-1][0], bytes(held[-1][3])
    extra_body = '{"action":"sync.extra"}'
    extra = {"seq": head + 1, "body": extra_body, "prev_hash": head_hash.hex(),
             "hash": entry_digest(head_hash, head + 1, extra_body.encode()).hex()}
    with connect(a.dsn) as conn:
        with pytest.raises(IntegrityConstraintViolation,
                           match=f"audit entry {seq} of device {device} differs from the copy already held"):
            conn.execute("SELECT qayd.push_audit(%s, %s, %s)", (device, as_json([extra, forged]), as_json([])))
        # Same number and hash but another body (or another checkpoint signature): kept out, never overwritten.
        mark_seq = marks[0][0]
        conn.execute("SELECT qayd.push_audit(%s, %s, %s)", (device, as_json([{**forged, "hash": bytes(digest).hex()}]),
                                                           as_json([{"seq": mark_seq, "hash": "00" * 32, "at": "x",
                                                                   "signature": "00" * 64}])))
    with world.superuser() as owner:
        assert owner.execute(held_sql, (device,)).fetchall() == held
        assert owner.execute(marks_sql, (device,)).fetchall() == marks
    _, officer = add_login(world.central, company_of(a), "compliance")
    (report,) = verify_central(officer)
    assert report.report.ok and report.report.entries == len(held)


# --- 5. TLS -------------------------------------------------------------------------------------------------------

def test_the_install_reaches_central_over_verified_tls(world: World) -> None:
    a = world.install("a")
    query = dict(parse_qsl(urlsplit(a.dsn).query))
    assert query["sslmode"] == "verify-full" and Path(query["sslrootcert"]) == world.server.ca_file
    with central(a.dsn) as conn:
        assert conn.pgconn.ssl_in_use
        ssl, version = one_row(conn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert ssl is True and version in ("TLSv1.2", "TLSv1.3")
    assert a.sync().pushed > 0


def test_a_server_certificate_from_another_ca_is_refused(world: World, tmp_path: Path) -> None:
    a = world.install("a")
    impostor = TestCA("Someone else's CA").write_ca_cert(tmp_path / "impostor-ca.crt")
    url = (f"postgresql://localhost:{world.server.port}/{world.central.name}"
           f"?sslmode=verify-full&sslrootcert={impostor}")
    save_connection(a.ctx, url, a.login, a.password)
    with pytest.raises(SyncError) as caught:
        a.sync()
    assert "certificate verify failed" in str(caught.value.__cause__)
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        connect(world.central.dsn_for(sslmode="verify-full", sslrootcert=str(impostor)))


def test_the_tls_only_server_refuses_a_login_without_tls(pg_tls_only_server: PgServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        connect(pg_tls_only_server.dsn(sslmode="disable"))
    with connect(pg_tls_only_server.dsn(sslmode="verify-full")) as conn:
        assert conn.pgconn.ssl_in_use


def test_the_stored_address_defaults_to_verify_full_and_never_falls_back(world: World, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    a = world.install("a")
    save_connection(a.ctx, f"postgresql://localhost:{world.server.port}/{world.central.name}", a.login, a.password)
    settings = load_settings(environ={"QAYD_DATA_DIR": str(world.folder / "a"), "QAYD_COMPANY": "acme"},
                             config_file=world.folder / "a.toml")
    for dsn in (dsn_for(a.ctx), dsn_for(a.ctx, settings)):
        assert dict(parse_qsl(urlsplit(dsn).query))["sslmode"] == "verify-full"
    # With no CA to check the server against, the login is refused rather than made without verification.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PGSSLROOTCERT", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    with pytest.raises(SyncError) as caught:
        a.sync()
    # (no root.crt in the home folder; were one there, it would not be the test CA's)
    assert re.search("root certificate file|certificate verify failed", str(caught.value.__cause__))


# --- 6 and 7. the password stays in the secret store ------------------------------------------------------------------

def all_text_of(exc: BaseException) -> str:
    """What an error could show anywhere: its text, its fix, its whole chained traceback."""
    fix = getattr(exc, "fix", "") or ""
    message = getattr(exc, "message", "") or ""
    return "\n".join([str(exc), repr(exc), message, fix, "".join(traceback.format_exception(exc))])


def test_the_central_password_is_kept_only_in_the_secret_store(world: World, tcp_proxy: TcpProxy,
                                                               caplog: pytest.LogCaptureFixture,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    log_offset = world.server.log_file.stat().st_size
    a = world.install("a", demo=1)
    password = f"سر-Pässwörd/{uuid.uuid4().hex}@:%"  # UTF-8 and URL-special characters
    add_member(libpq(world.central.url), a.login, password, "staff", company_of(a))
    save_connection(a.ctx, world.url(), a.login, password)
    assert leaks(password, dsn_for(a.ctx))  # the login itself works with it (percent-encoded in the address)
    assert a.sync().audit_pushed > 0
    # central stops answering: the sync fails, and says nothing of the password
    save_connection(a.ctx, world.url(port=tcp_proxy.port), a.login, password)
    tcp_proxy.refuse()
    with pytest.raises(SyncError) as caught:
        a.sync()
    failure = all_text_of(caught.value)
    assert isinstance(caught.value.__cause__, psycopg.OperationalError)
    out, err = capsys.readouterr()
    server_log = world.server.log_file.read_bytes()[log_offset:].decode(errors="replace")
    texts = {"sync error": failure, "last error": status(a.ctx).last_error, "log": caplog.text,
             "stdout": out + err, "server log": server_log}
    files = [p for p in (world.folder / "a").rglob("*") if p.is_file()] + [world.folder / "a.toml"]
    assert {p.name for p in files} >= {a.ctx.db.path.name, f"{a.ctx.db.path.name}-wal", "a.toml"}
    texts |= {f"file {p}": p.read_bytes() for p in files}  # type: ignore[misc]
    with a.db() as db:
        texts["sync_state"] = json.dumps(db.execute("SELECT * FROM sync_state").fetchall(), default=str)
        texts["local audit"] = "\n".join(b for (b,) in db.execute("SELECT body FROM audit_entry"))
        sealed = db.execute("SELECT sealed FROM secret WHERE name = ?", (PASSWORD_SECRET,)).fetchone()[0]
    with world.superuser() as owner:
        texts["central audit"] = "\n".join(b for (b,) in owner.execute("SELECT body FROM qayd.audit_entry"))
        texts["central changes"] = "\n".join(p for (p,) in owner.execute("SELECT payload::text FROM qayd.change"))
        texts["central notifications"] = json.dumps(owner.execute(
            "SELECT subject, message_en, message_ar FROM qayd.notification").fetchall(), ensure_ascii=False)
    assert "sync.connection_set" in texts["local audit"] and "sync.pushed" in texts["central audit"]
    assert [name for name, text in texts.items() if leaks(password, text)] == []
    assert [name for name, text in texts.items() if leaks(a.password, text)] == []  # the first one, replaced
    # Only the secret store holds it, sealed.
    assert not leaks(password, bytes(sealed))
    with a.ctx.uow() as uow:
        assert uow.secrets.get(PASSWORD_SECRET) == password.encode("utf-8")


def test_central_status_masks_the_password(world: World, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    a = world.install("a")
    a.sync()
    monkeypatch.setenv("QAYD_DATA_DIR", str(world.folder / "a"))
    monkeypatch.setenv("QAYD_COMPANY", "acme")
    capsys.readouterr()
    assert main(["--config", str(world.folder / "a.toml"), "central", "status"]) == 0
    text = capsys.readouterr()
    assert f"{a.login}:***@localhost" in text.out and "TLS: yes" in text.out
    assert main(["--config", str(world.folder / "a.toml"), "central", "status", "--json"]) == 0
    shown = capsys.readouterr()
    info = json.loads(shown.out)
    assert ":***@" in info["url"] and info["tls"] is True
    assert not leaks(a.password, text.out + text.err + shown.out + shown.err)


def test_a_wrong_password_is_refused_without_echoing_it(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    a = world.install("a")
    wrong = f"wrong-{uuid.uuid4().hex}"
    save_connection(a.ctx, world.url(), a.login, wrong)
    with pytest.raises(SyncError) as caught:
        a.sync()
    assert isinstance(caught.value.__cause__, psycopg.OperationalError)
    assert "password authentication failed" in str(caught.value.__cause__)
    for text in (all_text_of(caught.value), status(a.ctx).last_error, caplog.text):
        assert not leaks(wrong, text) and not leaks(a.password, text)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(world.central.dsn_for(user=a.login, password=wrong, sslmode="verify-full"))


def test_a_members_password_never_reaches_the_server_log(pg_server: PgServer, central_db: PgDatabase) -> None:
    central_db.psql(sql.SQL("ALTER DATABASE {} SET log_statement = 'ddl'").format(sql.Identifier(central_db.name)))
    offset = pg_server.log_file.stat().st_size
    company = other_company(central_db, "Acme")
    password = f"member-password-{uuid.uuid4().hex}"
    add_member(libpq(central_db.url), f"clerk_{uuid.uuid4().hex[:6]}", password, "staff", company)
    log = pg_server.log_file.read_bytes()[offset:].decode(errors="replace")
    assert "ALTER ROLE" in log  # the statement is logged: the check below is not vacuous
    assert password not in log
