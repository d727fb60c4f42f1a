"""A second desk joins in one step (issue 13, point 4): on a fresh install `qayd central connect URL --user LOGIN`
alone brings the company (profile, settings, customers, products, issued documents that verify), the profile
syncs and conflicts like any other row, and each device draws invoice numbers from its own series."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from core.central.admin import add_member
from core.cli import main
from core.company_settings import set_setting
from core.errors import ValidationError
from core.invoicing.drafts import save_draft, suggest_number
from core.invoicing.service import get_company, update_company
from core.sync.conflicts import list_conflicts, resolve
from core.sync.engine import status
from core.sync.tables import TABLES
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.egs import create_egs, demo_certificate, key_secret
from core.zatca.hashing import FIRST_PIH
from core.zatca.issuing import issue_invoice
from tests.integration.test_drafts import a_draft
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World, libpq

Runner = Callable[..., tuple[int, str]]


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


@pytest.fixture
def first(world: World) -> Install:
    """The desk that set up central: a demo company with drafts, six of them issued by its own EGS unit."""
    a = world.install("a", demo=10)
    add_demo_egs(a.ctx, issue=6)
    with a.ctx.uow() as uow:
        set_setting(uow, "zatca.phase", 2)  # a company-wide setting travels with the company
        uow.commit()
    a.sync()
    return a


def login_for(world: World, name: str, level: str = "staff") -> tuple[str, str]:
    login, password = f"{name}_{uuid.uuid4().hex[:6]}", f"{name}-password-{uuid.uuid4().hex[:8]}"
    assert world.company_id is not None
    add_member(libpq(world.central.url), login, password, level, world.company_id, display_name=name)
    return login, password


def runner(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    config = tmp_path / f"{name}.toml"
    config.write_text("", "utf-8")

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setenv("QAYD_DATA_DIR", str(tmp_path / name))
        monkeypatch.setenv("QAYD_COMPANY", "acme")
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out + err

    return run


def store(tmp_path: Path, name: str) -> Path:
    return tmp_path / name / "companies" / "acme.sqlite"


def rows(path: Path, table: str) -> dict[str, tuple[object, ...]]:
    """Every row of a synchronised table, whole, by key (a device's own flag aside)."""
    spec = TABLES[table]
    columns = [c for c in spec.columns if c != "is_local"]
    with sqlite3.connect(path) as conn:
        return {str(r[0]): tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")}


SAME = ("company", "setting", "customer", "product", "invoice", "invoice_line", "invoice_allowance_charge",
        "egs_unit", "issued_document", "zatca_submission")


def test_a_fresh_install_joins_with_central_connect_alone(world: World, first: Install, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "bob")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0, out
    assert "Joined Qayd Demo Trading Co." in out and "6 issued documents" in out
    assert "qayd zatca onboard" in out and "series D" in out
    joined = store(tmp_path, "b")
    for table in SAME:  # the same company, settings, customers, products and documents, row for row
        assert rows(joined, table) == rows(first.ctx.db.path, table), table
    assert len(rows(joined, "issued_document")) == 6 and len(rows(joined, "customer")) > 0
    code, out = b("company", "show")
    assert code == 0 and "Qayd Demo Trading Co." in out and "399999999900003" in out
    # The stored documents verify on the new desk: stamp, ICV/PIH chain and the hash its own chain recorded.
    code, out = b("audit", "verify")
    assert code == 0, out
    # Nothing that must stay on a desk travelled: no EGS key, no other device's key; a master key of its own.
    with sqlite3.connect(joined) as conn:
        secrets = {name for (name,) in conn.execute("SELECT name FROM secret")}
        units = [str(uuid.UUID(u)) for (u,) in conn.execute("SELECT id FROM egs_unit")]
    assert secrets == {"device/signing-key", "central.password"} and units  # the EGS keys stayed on desk a
    with sqlite3.connect(first.ctx.db.path) as conn:
        theirs = {bytes(k) for (k,) in conn.execute("SELECT public_key FROM device WHERE is_local = 1")}
    with sqlite3.connect(joined) as conn:
        mine = {bytes(k) for (k,) in conn.execute("SELECT public_key FROM device WHERE is_local = 1")}
    assert mine and theirs and not mine & theirs  # its own device key
    # The desk syncs from now on: a change on the first desk arrives.
    with first.ctx.uow() as uow:
        update_company(uow, replace(get_company(uow), legal_name_en="Qayd Demo Trading Company"))
        uow.commit()
    first.sync()
    code, out = b("sync")
    assert code == 0, out
    code, out = b("company", "show")
    assert "Qayd Demo Trading Company" in out
    code, out = b("central", "status")
    assert code == 0 and "invoice number series: D" in out, out


def test_a_pulled_document_edited_on_the_new_desk_fails_verify(world: World, first: Install, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "eve")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert b("central", "connect", world.url(), "--user", login, stdin=password + "\n")[0] == 0
    with sqlite3.connect(store(tmp_path, "b")) as conn:  # an attacker with the file: the trigger out of the way
        triggers = [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'issued_document' "
            "AND sql LIKE '%BEFORE UPDATE%'")]
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                                    "'issued_document' AND sql LIKE '%BEFORE UPDATE%'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE issued_document SET invoice_hash = 'forged' WHERE icv = 3")
        assert triggers
    code, out = b("audit", "verify")
    assert code == 1 and "audit chain recorded" in out, out


def test_join_refusals_write_nothing(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    a = world.install("a", demo=2)  # has not synced: central holds no profile yet
    login, password = login_for(world, "carl")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 3 and "no company profile" in out and "qayd sync" in out, out
    assert not store(tmp_path, "b").exists()
    a.sync()
    code, out = b("central", "connect", world.url(), "--user", login, stdin="wrong-password-here\n")
    assert code == 4 and "refused the login" in out and not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "ruh-2", stdin=password + "\n")
    assert code == 2 and "QAYD-SERIES" in out and "capital letters" in out and not store(tmp_path, "b").exists()
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "RUH2", stdin=password + "\n")
    assert code == 0 and "series RUH2" in out, out
    login2, password2 = login_for(world, "dina")
    c = runner(tmp_path, "c", monkeypatch, capsys)
    code, out = c("central", "connect", world.url(), "--user", login2, "--series", "RUH2", stdin=password2 + "\n")
    assert code == 2 and "QAYD-SERIES-TAKEN" in out and not store(tmp_path, "c").exists(), out
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0 and "registered" in out  # connecting an existing desk again is today's connect


def own_demo_unit(ctx: Context, name: str) -> None:
    """An EGS unit of this device (a demo certificate, as `qayd init --demo` makes; named apart from the others)."""
    with ctx.uow() as uow:
        unit = create_egs(uow, name=name, serial_number=f"1-Qayd|2-Demo|3-{name}", environment="demo")
        cert = demo_certificate(uow.secrets.get(key_secret(unit.id)), get_company(uow), uow.now())
        unit.certificate_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        unit.certificate_expires_at = cert.not_valid_after_utc
        unit.status = "demo"
        uow.commit()


def draft_many(install: Install, n: int, made: list[str], errors: list[BaseException]) -> None:
    try:
        for _ in range(n):
            with install.ctx.uow() as uow:
                number = suggest_number(uow)
                save_draft(uow, replace(a_draft(number), id=uuid.uuid4()))
                uow.commit()
            made.append(number)
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def test_desks_draw_numbers_from_their_own_series_concurrently(world: World, first: Install) -> None:
    b = world.install("b")  # joins with the series derived from its device
    c = world.install("c")
    assert b.rows("device") and status(b.ctx).conflicts == 0
    made: dict[str, list[str]] = {"a": [], "b": [], "c": []}
    errors: list[BaseException] = []
    threads = [threading.Thread(target=draft_many, args=(i, 15, made[i.name], errors)) for i in (first, b, c)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    for _ in range(2):
        for install in (first, b, c):
            install.sync()
    numbers = [n for names in made.values() for n in names]
    assert len(numbers) == len(set(numbers)) == 45  # no clash
    with b.db() as conn:
        series = {str(uuid.UUID(i)): s for i, s in conn.execute("SELECT id, series FROM device")}
    assert series[str(first.ctx.device_id)] == ""  # the desk that set up central keeps the main series
    assert series[str(b.ctx.device_id)] != series[str(c.ctx.device_id)]
    assert all(n.startswith(f"INV-2026-{series[str(b.ctx.device_id)]}-") for n in made["b"])
    for install in (first, b, c):
        st = status(install.ctx)
        assert st.conflicts == 0 and st.pending == 0, (install.name, st)
        assert install.count("invoice") == 10 + 45
    # b issues with its own unit: its ICV/PIH chain starts its own, and every desk's documents verify everywhere.
    own_demo_unit(b.ctx, "desk-b")
    with b.ctx.uow() as uow:
        issued = issue_invoice(uow, made["b"][0])
        uow.commit()
    with b.db() as conn:
        icv, pih = conn.execute("SELECT icv, pih FROM issued_document WHERE invoice_id = ?",
                                (issued.invoice_id.hex,)).fetchone()
    assert (icv, pih) == (1, FIRST_PIH)
    b.sync()
    first.sync()
    from core.audit.service import verify_store

    for install in (first, b):
        report = verify_store(install.ctx)
        assert report.ok, (install.name, report)


def test_the_company_profile_conflicts_like_any_row(world: World, first: Install) -> None:
    b = world.install("b")
    for install, city in ((first, "Jeddah"), (b, "Dammam")):
        with install.ctx.uow() as uow:
            update_company(uow, replace(get_company(uow), address=replace(get_company(uow).address, city=city)))
            uow.commit()
    first.sync()
    result = b.sync()
    assert result.push_conflicts == 1
    with b.ctx.uow(write=False) as uow:
        (conflict,) = list_conflicts(uow)
    assert conflict.entity == "company"
    assert {d.name: (d.local, d.remote) for d in conflict.differences}["city"] == ("Dammam", "Jeddah")
    resolve(b.ctx, conflict.id, take="remote")
    b.sync()
    first.sync()
    for install in (first, b):
        with install.ctx.uow(write=False) as uow:
            assert get_company(uow).address.city == "Jeddah"
        assert status(install.ctx).conflicts == 0
    with first.db() as conn:  # the edit is in the desk's own audit chain
        actions = [json.loads(body)["action"] for (body,) in conn.execute(
            "SELECT body FROM audit_entry WHERE action = 'company.updated'")]
    assert actions == ["company.updated"]


def test_a_store_from_before_0009_sends_its_profile_and_keeps_its_device_rows(tmp_path: Path) -> None:
    from alembic import command

    from core.store import database

    path = tmp_path / "old.sqlite"
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    with engine.begin() as conn:  # a store as release 0008 left it: a profile, a setting and a device
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        conn.exec_driver_sql(
            "INSERT INTO company (id, version, created_at, updated_at, device_id, legal_name_ar, legal_name_en, "
            "vat_number, id_value, id_scheme, street, building_number, district, city, postal_code, country, "
            "additional_number, province) VALUES ('00000000000000000000000000000001', 3, '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00', 'd', 'ش', 'Co', '300000000000003', '1010101010', 'CRN', 'St', '1234', 'D', "
            "'Riyadh', '12211', 'SA', '', '')")
        conn.exec_driver_sql(
            "INSERT INTO setting (id, version, created_at, updated_at, device_id, key, value_json) VALUES "
            "('00000000000000000000000000000002', 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 'd', "
            "'zatca.phase', '2')")
        conn.exec_driver_sql("INSERT INTO device (id, is_local, name, public_key, created_at) VALUES "
                             "('00000000000000000000000000000003', 1, 'desk', x'00', '2026-01-01T00:00:00+00:00')")
        conn.exec_driver_sql("DELETE FROM sync_outbox")
    engine.dispose()
    db = database.open_database(path)
    db.engine.dispose()
    with sqlite3.connect(path) as conn:
        outbox = conn.execute("SELECT entity, row_id, op, base_version FROM sync_outbox ORDER BY entity").fetchall()
        device = conn.execute("SELECT name, series FROM device").fetchall()
        conn.execute("UPDATE company SET city = 'Jeddah' WHERE true")  # and later edits are noted by the triggers
        gen = conn.execute("SELECT gen FROM sync_outbox WHERE entity = 'company'").fetchone()
    assert outbox == [("company", "00000000000000000000000000000001", "upsert", None),
                      ("setting", "00000000000000000000000000000002", "upsert", None)]
    assert device == [("desk", "")] and gen == (1,)


def test_a_desk_that_typed_its_own_profile_before_joining_keeps_it(world: World, first: Install) -> None:
    from core.bootstrap import open_company
    from core.config import load_settings
    from core.invoicing.demo import DEMO_COMPANY
    from core.invoicing.service import create_company
    from core.sync.connection import save_connection

    cfg = world.folder / "old.toml"
    cfg.write_text("", "utf-8")
    settings = load_settings(environ={"QAYD_DATA_DIR": str(world.folder / "old"), "QAYD_COMPANY": "acme"},
                             config_file=cfg)
    ctx = open_company(settings, create=True, username="old-desk")
    try:
        with ctx.uow() as uow:  # typed again by hand, as before joining existed: another company id
            create_company(uow, replace(DEMO_COMPANY, id=uuid.uuid4(), legal_name_en="Qayd Demo (typed again)"))
            uow.commit()
        login, password = login_for(world, "old")
        save_connection(ctx, world.url(), login, password)
        old = Install("old", ctx, login, password, world)
        result = old.sync()
        assert result.applied > 0 and result.conflicts == result.push_conflicts == result.refused == 0
        with ctx.uow(write=False) as uow:
            assert get_company(uow).legal_name_en == "Qayd Demo (typed again)"  # its own, untouched
        assert old.count("company") == 1 and status(ctx).pending == 0 and status(ctx).conflicts == 0
        assert status(ctx).own_profile and not status(first.ctx).own_profile
        with world.superuser() as conn:  # and it never reached central
            row = conn.execute("SELECT count(DISTINCT row_id) FROM qayd.change WHERE entity = 'company'").fetchone()
        assert row == (1,)
    finally:
        ctx.close()


def test_a_joined_desk_issues_only_with_a_unit_of_its_own(world: World, first: Install, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    login, password = login_for(world, "fay")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    assert b("central", "connect", world.url(), "--user", login, stdin=password + "\n")[0] == 0
    with sqlite3.connect(store(tmp_path, "b")) as conn:
        (draft,) = conn.execute("SELECT number FROM invoice WHERE status = 'draft' ORDER BY number LIMIT 1").fetchone()
    code, out = b("invoice", "issue", draft)
    assert code != 0 and code != 70 and "Traceback" not in out and "onboard" in out, out
    with sqlite3.connect(store(tmp_path, "b")) as conn:
        assert conn.execute("SELECT status FROM invoice WHERE number = ?", (draft,)).fetchone() == ("draft",)


def test_a_join_cut_half_way_is_taken_up_again(world: World, first: Install, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from core.sync import join
    from core.sync.engine import SyncError

    login, password = login_for(world, "gil")
    b = runner(tmp_path, "b", monkeypatch, capsys)
    real = join.sync_once

    def cut(*args: object, **kwargs: object) -> object:
        raise SyncError("The central database cannot be reached.", fix="Check the network.")

    monkeypatch.setattr(join, "sync_once", cut)
    code, out = b("central", "connect", world.url(), "--user", login, "--series", "GIL", stdin=password + "\n")
    assert code == 4 and "cannot be reached" in out and "Traceback" not in out
    with sqlite3.connect(store(tmp_path, "b")) as conn:  # a store without its company, its series already set
        assert conn.execute("SELECT count(*) FROM company").fetchone() == (0,)
        assert conn.execute("SELECT series FROM device WHERE is_local = 1").fetchone() == ("GIL",)
    monkeypatch.setattr(join, "sync_once", real)
    code, out = b("central", "connect", world.url(), "--user", login, stdin=password + "\n")
    assert code == 0 and "Joined" in out and "series GIL" in out, out
    assert rows(store(tmp_path, "b"), "customer") == rows(first.ctx.db.path, "customer")
    assert b("audit", "verify")[0] == 0


def test_the_main_series_is_not_crowded_out_by_the_other_desks_numbers(ctx: Context) -> None:
    from core.invoicing.demo import create_demo
    from core.sync.join import set_series
    from tests.support.bulk import add_drafts

    create_demo(ctx, drafts=0)
    add_drafts(ctx, 3, prefix="INV-2026")  # this desk's own: INV-2026-000001…3
    add_drafts(ctx, 250, prefix="INV-2026-DAAAA")  # pulled from a desk with series DAAAA: longer numbers
    with ctx.uow() as uow:
        assert suggest_number(uow) == "INV-2026-0004"
        set_series(uow, "RUH")
        assert suggest_number(uow) == "INV-2026-RUH-0001"
        with pytest.raises(ValidationError, match="The number series"):
            set_series(uow, "DAAAA")  # invoice numbers carry it already
        uow.commit()
