"""A central login acts only as its own devices (issue 12, point 8), proved against the real PostgreSQL: another
login of the same company calling push, push_audit, heartbeat, announce or register_device with a device id it did
not register is refused over plain SQL, changes nothing, and the Qayd client reports it as a clear error; a
database at c0001 upgrades keeping who registered each device."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from psycopg import sql
from psycopg.errors import InsufficientPrivilege
from sqlalchemy import create_engine, text

from core.central.admin import MIGRATIONS, add_member, init_schema
from core.cli import main
from core.sync import live
from core.sync.connection import save_connection
from core.sync.engine import central, register_device, status
from core.sync.ownership import DeviceOwnerError
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import World, libpq

REFUSED = "belongs to another login: a login acts only as the devices it registered"
COUNTS = ("SELECT (SELECT count(*) FROM qayd.change), (SELECT count(*) FROM qayd.audit_entry), "
          "(SELECT count(*) FROM qayd.audit_checkpoint), (SELECT count(*) FROM qayd.notification), "
          "(SELECT count(*) FROM qayd.device)")


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def connect(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True, connect_timeout=5)


def attempts(device: uuid.UUID) -> list[tuple[str, tuple[Any, ...]]]:
    """Every write function an install calls with its device id, with plausible arguments."""
    body = json.dumps([{"change_id": f"{device}:99999:0", "entity": "customer", "row_id": "forged-row",
                        "op": "upsert", "base_version": None, "version": 1, "payload": {"id": "forged-row"}}])
    entry = json.dumps([{"seq": 99_999, "body": "{}", "prev_hash": "00" * 32, "hash": "00" * 32}])
    return [("SELECT qayd.push(%s, %s)", (device, body)),
            ("SELECT qayd.push_audit(%s, %s, %s)", (device, entry, "[]")),
            ("SELECT qayd.heartbeat(%s, %s, %s, %s)", (device, "Alice", "invoice:1", True)),
            ("SELECT qayd.announce(%s, %s, %s, %s, %s)", (device, "zatca.rejected", "invoice:1", "fake", "fake")),
            ("SELECT * FROM qayd.audit_held(%s)", (device,))]


def test_bob_cannot_push_audit_heartbeat_announce_or_register_as_alices_device(world: World) -> None:
    alice, bob = world.install("alice", demo=1), world.install("bob")
    alice.sync()
    bob.sync()
    theirs = alice.ctx.device_id
    with world.superuser() as owner:
        before = owner.execute(COUNTS).fetchone()
        key, registered_by = owner.execute("SELECT public_key, registered_by FROM qayd.device WHERE id = %s",
                                           (theirs,)).fetchone() or (b"", "")
        presence = owner.execute("SELECT login, display_name, viewing FROM qayd.presence").fetchall()
    assert registered_by == alice.login
    with connect(bob.dsn) as conn:
        for statement, params in attempts(theirs):
            with pytest.raises(InsufficientPrivilege, match=f"device {theirs} {REFUSED}"):
                conn.execute(statement, params)
        # Nor can bob claim the device by registering it again, with alice's public key (it is no secret) or his own.
        for public_key in (bytes(key), b"bob-key"):
            with pytest.raises(psycopg.Error, match=f"device {theirs} (belongs to another login|is registered "
                                                    "already)"):
                conn.execute("SELECT qayd.register_device(%s, %s, %s)", (theirs, "stolen", public_key))
        # bob's own device still works: the refusal is about the device, not the login
        conn.execute("SELECT qayd.heartbeat(%s, %s, %s, %s)", (bob.ctx.device_id, "Bob", "", True))
    with world.superuser() as owner:
        assert owner.execute(COUNTS).fetchone() == before
        assert owner.execute("SELECT registered_by FROM qayd.device WHERE id = %s", (theirs,)).fetchone() == (
            alice.login,)
        assert not {row for row in owner.execute("SELECT login, display_name, viewing FROM qayd.presence")
                    } & {(bob.login, "Alice", "invoice:1")}
        assert set(presence) <= set(owner.execute("SELECT login, display_name, viewing FROM qayd.presence"))
    with connect(alice.dsn) as conn:  # alice still acts as her device
        for statement, params in attempts(theirs)[2:]:  # heartbeat, announce, audit_held
            conn.execute(statement, params)


def test_a_new_device_id_belongs_to_the_first_login_that_registers_it(world: World) -> None:
    alice, bob = world.install("alice"), world.install("bob")
    fresh = uuid.uuid4()
    with connect(bob.dsn) as conn:
        conn.execute("SELECT qayd.register_device(%s, %s, %s)", (fresh, "bob's laptop", b"bob-key"))
        conn.execute("SELECT qayd.register_device(%s, %s, %s)", (fresh, "bob's laptop", b"bob-key"))  # idempotent
        conn.execute("SELECT qayd.heartbeat(%s, %s, %s, %s)", (fresh, "Bob", "", True))
    with connect(alice.dsn) as conn:
        with pytest.raises(InsufficientPrivilege, match=f"device {fresh} {REFUSED}"):
            conn.execute("SELECT qayd.register_device(%s, %s, %s)", (fresh, "bob's laptop", b"bob-key"))
        for statement, params in attempts(fresh):
            with pytest.raises(InsufficientPrivilege, match=f"device {fresh} {REFUSED}"):
                conn.execute(statement, params)
    with world.superuser() as owner:
        assert owner.execute("SELECT registered_by FROM qayd.device WHERE id = %s", (fresh,)).fetchone() == (
            bob.login,)


def test_the_client_reports_another_logins_device_as_a_clear_error(world: World, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = world.install("alice", demo=1), world.install("bob")
    alice.sync()
    bob.sync()
    # alice's install is pointed at bob's login (a shared desk, a copied config): central refuses, nothing is sent
    save_connection(alice.ctx, world.url(), bob.login, bob.password)
    with pytest.raises(DeviceOwnerError) as caught:
        alice.sync()
    assert "another login registered it" in caught.value.message and "central connect" in caught.value.fix
    assert caught.value.exit_code == 11
    assert "another login registered it" in status(alice.ctx).last_error
    with central(alice.dsn) as conn, pytest.raises(DeviceOwnerError):
        register_device(alice.ctx, conn)
    for call in (lambda c: live.heartbeat(c, alice.ctx, display_name="Bob"),
                 lambda c: live.announce(c, alice.ctx, "zatca.rejected", "invoice:1", "x", "x")):
        with central(alice.dsn) as conn, pytest.raises(DeviceOwnerError):
            call(conn)
    # through the command line: exit 11 (access denied) with the message, never 70 or a traceback
    monkeypatch.setenv("QAYD_DATA_DIR", str(world.folder / "alice"))
    monkeypatch.setenv("QAYD_COMPANY", "acme")
    config = ["--config", str(world.folder / "alice.toml")]
    for args, stdin in ((["sync"], ""), (["central", "connect", world.url(), "--user", bob.login], bob.password)):
        if args[0] == "central":  # alice's own connection saved again: a refused connect must leave it as it was
            save_connection(alice.ctx, world.url(), alice.login, alice.password)
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
        capsys.readouterr()
        code = main([*config, *args])
        out, err = capsys.readouterr()
        assert code == 11, (args, out, err)
        assert "another login registered it" in out + err and "Traceback" not in out + err
        assert bob.password not in out + err
    assert status(alice.ctx).user == alice.login
    assert alice.sync().audit_pushed > 0  # and it still works
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    assert main([*config, "central", "status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {d["id"]: d["login"] for d in shown["devices"]} == {str(alice.ctx.device_id): alice.login,
                                                               str(bob.ctx.device_id): bob.login}


def test_a_central_database_at_c0001_upgrades_keeping_its_logins_and_device_owners(pg_db: PgDatabase) -> None:
    """Installs already ran c0001: their members get Qayd's mark, their devices stay with the login that registered
    them first, and `central user` still updates those logins."""
    owner_dsn = libpq(pg_db.url)
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(owner_dsn))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS qayd"))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "c0001")
    finally:
        engine.dispose()
    company, device = uuid.uuid4(), uuid.uuid4()
    logins = {name: f"{name}_{uuid.uuid4().hex[:6]}" for name in ("alice", "bob")}
    pg_db.psql("INSERT INTO qayd.company (id, name) VALUES (%s, 'Acme')", (company,))
    for login in logins.values():  # as c0001's `central user` made them
        pg_db.psql(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'old-password-1234'; GRANT qayd_staff TO {}").format(
            sql.Identifier(login), sql.Identifier(login)))
        pg_db.psql("INSERT INTO qayd.member (login, company_id, level) VALUES (%s, %s, 'staff')", (login, company))
    dsn = {name: pg_db.dsn_for(user=login, password="old-password-1234") for name, login in logins.items()}
    with connect(dsn["alice"]) as conn:
        conn.execute("SELECT qayd.register_device(%s, 'desk', 'key')", (device,))
    with connect(dsn["bob"]) as conn:  # c0001 let bob act as alice's device
        conn.execute("SELECT qayd.heartbeat(%s, 'Bob', '', true)", (device,))
    assert init_schema(owner_dsn) == "c0002"
    assert pg_db.psql("SELECT count(*) FROM qayd.member m JOIN pg_roles r ON r.rolname = m.login "
                      "WHERE m.role_oid = r.oid") == [(2,)]
    with connect(dsn["bob"]) as conn, pytest.raises(InsufficientPrivilege, match=REFUSED):
        conn.execute("SELECT qayd.heartbeat(%s, 'Bob', '', true)", (device,))
    with connect(dsn["alice"]) as conn:
        conn.execute("SELECT qayd.heartbeat(%s, 'Alice', '', true)", (device,))
    add_member(owner_dsn, logins["bob"], "new-password-5678", "compliance", company)  # still Qayd's to change
    assert pg_db.psql("SELECT level FROM qayd.member WHERE login = %s", (logins["bob"],)) == [("compliance",)]


def test_two_logins_registering_one_new_device_id_at_once_leave_exactly_one_owner(world: World) -> None:
    alice, bob = world.install("alice"), world.install("bob")
    for _ in range(5):
        fresh = uuid.uuid4()
        start = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def claim(install: Any, fresh: uuid.UUID = fresh, start: threading.Barrier = start,
                  outcomes: dict[str, str] = outcomes) -> None:
            with connect(install.dsn) as conn:
                start.wait()
                try:
                    conn.execute("SELECT qayd.register_device(%s, 'desk', 'same-key')", (fresh,))
                    outcomes[install.login] = "owner"
                except InsufficientPrivilege as exc:
                    outcomes[install.login] = "refused" if REFUSED in str(exc) else str(exc)

        threads = [threading.Thread(target=claim, args=(i,)) for i in (alice, bob)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(outcomes.values()) == ["owner", "refused"], outcomes
        with world.superuser() as owner:
            registered = owner.execute("SELECT registered_by FROM qayd.device WHERE id = %s", (fresh,)).fetchall()
        assert registered == [(next(login for login, o in outcomes.items() if o == "owner"),)]
