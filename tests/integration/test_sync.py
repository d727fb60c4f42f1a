"""Installs syncing through a real PostgreSQL: convergence (one install offline for a while), conflicts kept and
resolved, refused changes kept, presence and notifications over LISTEN/NOTIFY, the central audit chains verified."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core.sync import live
from core.sync.audit_central import verify_central
from core.sync.conflicts import list_conflicts, resolve
from core.sync.engine import SyncError, central, status
from core.zatca.demo import add_demo_egs
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def edit(install: Install, sql: str, **params: object) -> None:
    with install.ctx.uow() as uow:
        uow.session.execute(text(sql), params)
        uow.commit()


def add_customer(install: Install, name: str) -> None:
    from core.invoicing.model import Customer, CustomerKind
    from core.invoicing.service import add_customer as add

    with install.ctx.uow() as uow:
        add(uow, Customer(name=name, kind=CustomerKind.BUSINESS))
        uow.commit()


def test_three_installs_converge_with_one_offline(world: World, tcp_proxy: object) -> None:
    from tests.support.tcp_proxy import TcpProxy

    assert isinstance(tcp_proxy, TcpProxy)
    a = world.install("a", demo=20)
    add_demo_egs(a.ctx, issue=8)  # issued invoices, their signed XML and ZATCA queue travel too
    b = world.install("b")
    c = world.install("c", port=tcp_proxy.port)  # the one that goes offline
    for install in (a, b, c):
        install.sync()
    tcp_proxy.refuse()  # c is offline from here on
    add_customer(c, "Offline Trading")
    edit(c, "UPDATE product SET unit_price = '99.50', version = version + 1 WHERE sku = (SELECT min(sku) FROM product)")
    with pytest.raises(SyncError):
        c.sync()
    offline = status(c.ctx)
    assert offline.pending >= 2 and "reach" in offline.last_error
    add_customer(a, "Online Alpha")
    add_customer(b, "Online Beta")
    a.sync()
    b.sync()
    tcp_proxy.resume()
    c.sync()  # catches up: pushes what it did offline, pulls what it missed
    a.sync()
    b.sync()
    snapshots = [world.snapshot(i) for i in (a, b, c)]
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert a.count("invoice") == 20 and a.count("issued_document") == 8
    names = {n for (n,) in a.db().execute("SELECT name FROM customer")}
    assert {"Offline Trading", "Online Alpha", "Online Beta"} <= names
    changes, distinct = world.central_counts()
    assert changes == distinct  # nothing applied twice
    assert all(status(i.ctx).pending == 0 and status(i.ctx).conflicts == 0 for i in (a, b, c))


def test_a_conflict_keeps_both_versions_until_resolved_field_by_field(world: World) -> None:
    a, b = world.install("a", demo=3), world.install("b")
    a.sync()
    b.sync()
    customer = a.db().execute("SELECT id FROM customer ORDER BY name LIMIT 1").fetchone()[0]
    edit(a, "UPDATE customer SET phone = '+966500000001', email = 'a@example.sa', version = version + 1 "
            "WHERE id = :i", i=customer)
    edit(b, "UPDATE customer SET phone = '+966500000002', email = 'b@example.sa', version = version + 1 "
            "WHERE id = :i", i=customer)
    a.sync()
    result = b.sync()  # b's push conflicts with a's newer version; the pull then brings a's version
    assert (result.push_conflicts, result.conflicts) == (1, 1)
    assert [key.split("|")[0] for key in result.announced] == ["sync.conflict"]
    with b.ctx.uow(write=False) as uow:
        (conflict,) = list_conflicts(uow)
    fields = {d.name: (d.local, d.remote) for d in conflict.differences}
    assert fields == {"phone": ("+966500000002", "+966500000001"), "email": ("b@example.sa", "a@example.sa")}
    # Edited again before it is resolved: the push conflicts again, and the conflict keeps a's version.
    edit(b, "UPDATE customer SET email = 'b2@example.sa', version = version + 1 WHERE id = :i", i=customer)
    assert b.sync().push_conflicts == 1
    with b.ctx.uow(write=False) as uow:
        (conflict,) = list_conflicts(uow)
    fields = {d.name: (d.local, d.remote) for d in conflict.differences}
    assert fields == {"phone": ("+966500000002", "+966500000001"), "email": ("b2@example.sa", "a@example.sa")}
    # Until resolved, each install keeps its own edit; nothing is overwritten.
    assert b.db().execute("SELECT phone FROM customer WHERE id = ?", (customer,)).fetchone()[0] == "+966500000002"
    resolve(b.ctx, conflict.id, {"phone": "remote"}, take="local")
    b.sync()
    a.sync()
    for install in (a, b):
        row = install.db().execute("SELECT phone, email FROM customer WHERE id = ?", (customer,)).fetchone()
        assert row == ("+966500000001", "b2@example.sa")
    assert world.snapshot(a)["customer"] == world.snapshot(b)["customer"]
    with b.db() as db:
        audit = [json.loads(body) for (body,) in db.execute(
            "SELECT body FROM audit_entry WHERE action = 'sync.conflict_resolved'")]
    assert audit and audit[0]["payload"]["data"]["fields"] == {"email": "local", "phone": "remote"}
    assert status(a.ctx).conflicts == status(b.ctx).conflicts == 0


def test_a_change_this_store_refuses_is_kept_not_lost(world: World) -> None:
    a, b = world.install("a", demo=2), world.install("b", demo=2)  # both numbered DEMO-2026-00001…: a clash
    a.sync()
    result = b.sync()
    lines = a.count("invoice_line")
    assert result.refused == 2 + lines  # a's two drafts cannot take numbers b already uses, nor can their lines
    with b.ctx.uow(write=False) as uow:
        refused = [c for c in list_conflicts(uow) if c.kind == "refused"]
    invoices = [c for c in refused if c.entity == "invoice"]
    assert len(invoices) == 2 and all("UNIQUE" in c.detail for c in invoices)
    assert all(c.remote is not None and c.remote["number"].startswith("DEMO-") for c in invoices)
    assert sum(c.entity == "invoice_line" and "invoice row" in c.detail for c in refused) == lines
    assert b.count("invoice") == 2 and b.count("invoice_line") == lines  # b's own, untouched
    changes, distinct = world.central_counts()
    assert changes == distinct
    with world.superuser() as conn:  # central holds both installs' drafts
        row = conn.execute("SELECT count(*) FROM qayd.change WHERE entity = 'invoice'").fetchone()
    assert row is not None and row[0] == 4


def test_presence_notifications_and_live_changes_over_listen_notify(world: World) -> None:
    a, b = world.install("a", demo=2), world.install("b")
    a.sync()
    b.sync()
    with live.Listener(b.dsn) as listener, central(a.dsn) as conn:
        live.heartbeat(conn, a.ctx, display_name="Alice", viewing="invoice:42")
        add_customer(a, "Live Customer")
        started = time.perf_counter()
        a.sync()
        seen: list[live.LiveEvent] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(e.kind == "change" for e in seen):
            seen.extend(listener.events(timeout=0.5))
        latency = time.perf_counter() - started
        kinds = [e.kind for e in seen]
        assert "presence" in kinds and "change" in kinds and latency < 1.5
        assert b.sync().applied >= 1
        people = live.online(conn)
        assert [p.display_name for p in live.viewers(people, "invoice:42", other_than=b.ctx.device_id)] == ["Alice"]
        made = live.announce(conn, a.ctx, "zatca.rejected", "invoice:1", "ZATCA rejected INV-1.", "رفضت الهيئة INV-1.")
        events = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(e.kind == "notification" for e in events):
            events.extend(listener.events(timeout=0.5))
        assert any(e.data.get("id") == made for e in events)
        assert [n.message_ar for n in live.notices(conn)] == ["رفضت الهيئة INV-1."]
    assert "Live Customer" in {n for (n,) in b.db().execute("SELECT name FROM customer")}


def test_central_copies_of_every_chain_verify_and_staff_cannot_read_them(world: World) -> None:
    a = world.install("a", demo=3)
    b = world.install("b", level="compliance")
    a.sync()
    b.sync()
    a.sync()
    reports = verify_central(b.dsn)
    assert len(reports) == 2 and all(r.report.ok and r.report.entries > 0 for r in reports)
    assert {r.device_id for r in reports} == {str(a.ctx.device_id), str(b.ctx.device_id)}
    with pytest.raises(SyncError, match="may not read"):
        verify_central(a.dsn)  # a staff login
    # Tampering with a central copy (as the superuser, bypassing the append-only trigger) is caught.
    with world.superuser() as conn:
        conn.execute("ALTER TABLE qayd.audit_entry DISABLE TRIGGER audit_entry_append_only")
        conn.execute("UPDATE qayd.audit_entry SET body = replace(body, 'customer', 'cust0mer') WHERE device_id = %s "
                     "AND seq = 5", (a.ctx.device_id,))
        conn.execute("ALTER TABLE qayd.audit_entry ENABLE TRIGGER audit_entry_append_only")
    broken = {r.device_id: r.report for r in verify_central(b.dsn)}
    assert not broken[str(a.ctx.device_id)].ok and broken[str(a.ctx.device_id)].broken is not None
    assert broken[str(b.ctx.device_id)].ok

