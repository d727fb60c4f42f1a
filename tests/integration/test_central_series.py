# ruff: noqa: F811  (pytest fixtures imported from test_central_join are redefined as test parameters)
"""Issue 13, point 4, after the join: each device draws invoice numbers from its own series (two desks drafting at
once never clash; the second desk's ICV/PIH chain starts its own), the company profile syncs and conflicts like any
row, a store from before 0010 sends its profile, a desk with a profile typed before joining keeps it, and another
desk cannot rewrite this desk's own device row."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from core.audit.service import verify_store
from core.errors import ValidationError
from core.invoicing.drafts import save_draft, suggest_number
from core.invoicing.service import get_company, update_company
from core.sync.conflicts import list_conflicts, resolve
from core.sync.engine import status
from core.uow import Context
from core.zatca.egs import create_egs, demo_certificate, key_secret
from core.zatca.hashing import FIRST_PIH
from core.zatca.issuing import issue_invoice
from tests.integration.test_central_join import first, login_for, world  # noqa: F401  (fixtures)
from tests.integration.test_drafts import a_draft
from tests.support.sync_world import Install, World


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


def test_a_store_from_before_0010_sends_its_profile_and_keeps_its_device_rows(tmp_path: Path) -> None:
    from alembic import command

    from core.store import database

    path = tmp_path / "old.sqlite"
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    with engine.begin() as conn:  # a store as release 0009 left it: a profile, a setting and a device
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
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
        with old.db() as conn:  # what was not sent is said in the desk's own chain
            kept = [json.loads(b)["payload"]["data"] for (b,) in conn.execute(
                "SELECT body FROM audit_entry WHERE action = 'sync.profile_not_sent'")]
        assert kept == [{"central_company": str(world.company_id), "entries": 1}]
        assert old.sync().pushed == 0 and status(ctx).pending == 0  # and nothing is written again at each sync
        with world.superuser() as conn:  # and it never reached central
            row = conn.execute("SELECT count(DISTINCT row_id) FROM qayd.change WHERE entity = 'company'").fetchone()
        assert row == (1,)
    finally:
        ctx.close()


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


def test_another_desk_cannot_rewrite_this_desks_own_device_or_unit(world: World, first: Install) -> None:
    b = world.install("b")
    own_demo_unit(b.ctx, "desk-b")
    b.sync()
    first.sync()  # a holds b's device and unit rows now
    with first.db() as conn:  # a hostile desk edits them in its own store, and pushes them
        conn.execute("UPDATE device SET series = 'EVIL', name = 'hijacked' WHERE id = ?", (b.ctx.device_id.hex,))
        conn.execute("UPDATE egs_unit SET icv = 99, device_id = ?, version = version + 1 WHERE name = 'desk-b'",
                     (first.ctx.device_id.hex,))
    first.sync()
    result = b.sync()
    assert result.refused == 2
    with b.db() as conn:
        own = conn.execute("SELECT is_local, series, name FROM device WHERE id = ?", (b.ctx.device_id.hex,)).fetchone()
        unit = conn.execute("SELECT icv, device_id FROM egs_unit WHERE name = 'desk-b'").fetchone()
    assert own[0] == 1 and own[1] != "EVIL" and own[2] != "hijacked"
    assert unit == (0, b.ctx.device_id.hex)
    with b.ctx.uow(write=False) as uow:
        assert sorted((c.entity, c.kind) for c in list_conflicts(uow)) == [("device", "refused"),
                                                                           ("egs_unit", "refused")]
