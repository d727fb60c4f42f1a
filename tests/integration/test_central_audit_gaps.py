"""`qayd audit verify --central` against the database owner, who can always disable the append-only triggers and
delete or rewrite audit rows (issue 12, point 8). Against the real PostgreSQL, as its owner: a gap in the middle, a
cut tail under a checkpoint still held, a tail cut together with its checkpoints, a chain rewritten after all its
checkpoints were deleted, and every chain cut back at once. Each is reported with exit 1 naming the device and the
entries; the expected ranges are read from the owner's view of central before the tampering."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.audit.chain import entry_digest
from core.audit.signing import DeviceKey
from core.audit.verify import BreakKind
from core.central.admin import CentralSetupError, add_company, add_member
from core.cli import main
from core.invoicing.model import Customer, CustomerKind
from core.invoicing.service import add_customer
from core.sync.audit_central import DeviceReport, verify_central
from core.sync.connection import save_connection
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World, central_template, libpq

TRIGGERS = {"audit_entry": "audit_entry_append_only", "audit_checkpoint": "audit_checkpoint_append_only"}


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


@pytest.fixture
def desks(world: World) -> tuple[Install, Install]:
    """a (admin) and b (compliance), each synced after the other's last sync, so each has recorded the other's
    latest signed head; a's chain has a tail pushed after b's first sync."""
    a, b = world.install("a", demo=2, level="admin"), world.install("b", level="compliance")
    a.sync()
    b.sync()
    for n in range(3):
        with a.ctx.uow() as uow:
            add_customer(uow, Customer(name=f"Tail Trading {n}", kind=CustomerKind.BUSINESS))
            uow.commit()
    a.sync()
    b.sync()
    return a, b


def held(world: World, install: Install) -> tuple[int, list[int]]:
    """(the last entry central holds of the install's chain, its checkpoint numbers), as the owner sees them."""
    with world.superuser() as owner:
        top = owner.execute("SELECT max(seq) FROM qayd.audit_entry WHERE device_id = %s",
                            (install.ctx.device_id,)).fetchone()
        marks = [s for (s,) in owner.execute("SELECT seq FROM qayd.audit_checkpoint WHERE device_id = %s ORDER BY seq",
                                             (install.ctx.device_id,))]
    assert top is not None
    return int(top[0]), marks


def as_owner(world: World, *statements: tuple[str, Any]) -> None:
    """Run statements as the database owner with the append-only triggers disabled (and enabled again after)."""
    with world.superuser() as owner:
        for table, trigger in TRIGGERS.items():
            owner.execute(f"ALTER TABLE qayd.{table} DISABLE TRIGGER {trigger}")
        try:
            for statement, params in statements:
                owner.execute(statement, params)
        finally:
            for table, trigger in TRIGGERS.items():
                owner.execute(f"ALTER TABLE qayd.{table} ENABLE TRIGGER {trigger}")


def cut(world: World, install: Install, first: int, last: int | None = None, *, checkpoints: bool = False) -> None:
    where = "device_id = %s AND seq >= %s" + (" AND seq <= %s" if last is not None else "")
    params = (install.ctx.device_id, first) + ((last,) if last is not None else ())
    statements = [(f"DELETE FROM qayd.audit_entry WHERE {where}", params)]
    if checkpoints:
        statements.append((f"DELETE FROM qayd.audit_checkpoint WHERE {where}", params))
    as_owner(world, *statements)


def device_name(world: World, install: Install) -> str:
    with world.superuser() as owner:
        row = owner.execute("SELECT name FROM qayd.device WHERE id = %s", (install.ctx.device_id,)).fetchone()
    assert row is not None
    return str(row[0])


def label(world: World, install: Install) -> str:
    """How the report names an install's device: its central name and the start of its id."""
    return f"device {device_name(world, install)} ({str(install.ctx.device_id)[:8]}"


def heads_recorded(install: Install, of: Install) -> list[int]:
    """The heads of `of`'s chain that `install` recorded in its own chain, in order."""
    with install.db() as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM audit_entry WHERE body LIKE "
                                                       "'{\"action\":\"sync.heads_seen\"%' ORDER BY seq")]
    heads = [body["payload"]["data"]["heads"].get(str(of.ctx.device_id)) for body in bodies]
    return [int(h["seq"]) for h in heads if h]


def reports(install: Install, *, local: bool = False) -> dict[str, DeviceReport]:
    return {r.device_id: r for r in verify_central(install.dsn, ctx=install.ctx if local else None)}


def cli(world: World, install: Install, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setenv("QAYD_DATA_DIR", str(world.folder / install.name))
        monkeypatch.setenv("QAYD_COMPANY", "acme")
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        capsys.readouterr()
        code = main(["--config", str(world.folder / f"{install.name}.toml"), *args])
        out, err = capsys.readouterr()
        return code, out + err
    return run


def test_untouched_central_chains_verify_with_the_local_evidence_too(world: World,
                                                                     desks: tuple[Install, Install]) -> None:
    a, b = desks
    for install in (a, b):
        found = reports(install, local=True)
        assert set(found) == {str(a.ctx.device_id), str(b.ctx.device_id)}
        assert all(r.ok and not r.gaps for r in found.values()), found
    # b recorded a's signed head at each of its syncs; the last is a's last entry centrally
    assert len(heads_recorded(b, a)) == 2 and heads_recorded(b, a)[-1] == held(world, a)[0]
    assert heads_recorded(a, b)  # and a recorded b's


def test_a_gap_in_the_middle_is_named(world: World, desks: tuple[Install, Install],
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = desks
    cut(world, a, 5, 7)
    found = reports(b)
    broken = found[str(a.ctx.device_id)].report.broken
    assert broken is not None and broken.kind is BreakKind.DELETED and broken.seq == 5
    assert "Entry 5 to 7 is missing" in broken.detail
    assert found[str(b.ctx.device_id)].ok
    code, out = cli(world, b, monkeypatch, capsys)("audit", "verify", "--central")
    assert code == 1 and f"{label(world, a)}, key" in out and "BROKEN at entry 5" in out, out


def test_a_tail_cut_under_a_checkpoint_still_held_is_named(world: World, desks: tuple[Install, Install]) -> None:
    a, b = desks
    top, marks = held(world, a)
    cut(world, a, top - 2)
    assert top in marks  # the checkpoint at the old head is still there
    broken = reports(b)[str(a.ctx.device_id)].report.broken
    assert broken is not None and broken.kind is BreakKind.TRUNCATED and broken.seq == top - 2
    assert f"entries {top - 2} to {top} were cut off" in broken.detail


def test_a_tail_cut_with_its_checkpoints_is_shown_by_the_other_desks_and_the_devices_own_store(
        world: World, desks: tuple[Install, Install], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    a, b = desks
    top, marks = held(world, a)
    keep = max(m for m in marks if m < top - 2)  # the owner cuts back to a checkpoint: the rest verifies by itself
    cut(world, a, keep + 1, checkpoints=True)
    device = str(a.ctx.device_id)
    # From any desk: b's chain holds a's signed head, which central no longer reaches.
    seen_from_b = reports(b)[device]
    assert seen_from_b.report.ok and seen_from_b.report.entries == keep  # the chain alone looks whole
    assert [(g.kind, g.first, g.last) for g in seen_from_b.gaps] == [("missing", keep + 1, top)]
    assert f"entries {keep + 1}–{top} missing centrally; the chain of device {device_name(world, b)}" \
        in seen_from_b.gaps[0].text
    assert f"holds its signed head at entry {top}" in seen_from_b.gaps[0].text
    # On the device itself: its own store has them.
    code, out = cli(world, a, monkeypatch, capsys)("audit", "verify", "--central")
    assert code == 1, out
    assert f"{label(world, a)}): entries {keep + 1}–{top} missing centrally; its own store has them." in out
    assert f"The central copy of {label(world, a)}) is NOT whole" in out
    assert [(g.kind, g.first, g.last) for g in reports(a, local=True)[device].gaps] == [("missing", keep + 1, top)]
    code, out = cli(world, a, monkeypatch, capsys)("audit", "verify", "--central", "--json")
    shown = {r["device"]: r for r in json.loads(out)}
    assert code == 1 and shown[device]["ok"] is False and shown[str(b.ctx.device_id)]["ok"] is True
    assert [(g["kind"], g["first"], g["last"]) for g in shown[device]["gaps"]] == [("missing", keep + 1, top)]


def test_a_chain_rewritten_after_its_checkpoints_were_deleted_differs_from_the_head_b_recorded(
        world: World, desks: tuple[Install, Install]) -> None:
    a, b = desks
    device = a.ctx.device_id
    with world.superuser() as owner:
        rows = owner.execute("SELECT seq, body, prev_hash, hash FROM qayd.audit_entry WHERE device_id = %s "
                             "ORDER BY seq", (device,)).fetchall()
    # entry 3 rewritten, and every hash after it recomputed: a chain that verifies by itself, with no checkpoint
    statements: list[tuple[str, Any]] = [("DELETE FROM qayd.audit_checkpoint WHERE device_id = %s", (device,))]
    prev = bytes(rows[1][3])
    for seq, body, _, _ in rows[2:]:
        if seq == 3:
            body = body.replace('"action":', '"forged":1,"action":', 1)
        digest = entry_digest(prev, seq, body.encode())
        statements.append(("UPDATE qayd.audit_entry SET body = %s, prev_hash = %s, hash = %s WHERE device_id = %s "
                           "AND seq = %s", (body, prev, digest, device, seq)))
        prev = digest
    as_owner(world, *statements)
    mine = reports(b)[str(device)]
    assert mine.report.broken is None and mine.report.warnings  # "no signed checkpoint covers this chain"
    first_seen = heads_recorded(b, a)[0]  # the first head of a that b recorded: a's chain differs there already
    assert first_seen > 3
    assert [(g.kind, g.first) for g in mine.gaps] == [("differs", first_seen)]
    assert f"the chain of device {device_name(world, b)}" in mine.gaps[0].text and "rewritten" in mine.gaps[0].text


def test_every_chain_cut_back_at_once_is_shown_by_either_desks_own_store(
        world: World, desks: tuple[Install, Install], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The owner cuts both chains (and their checkpoints) back before any record of the other's head: central alone
    then shows nothing (the documented limit), but either desk's own store does."""
    a, b = desks
    a_top, b_top = held(world, a)[0], held(world, b)[0]
    cut(world, a, 2, checkpoints=True)
    cut(world, b, 2, checkpoints=True)
    _, officer = add_officer(world, a)
    assert all(r.gaps == () for r in verify_central(officer))  # no desk's evidence: nothing to compare with
    code, out = cli(world, b, monkeypatch, capsys)("audit", "verify", "--central")
    assert code == 1, out
    assert f"{label(world, b)}): entries 2–{b_top} missing centrally; its own store has them." in out, out
    assert f"{label(world, a)}): entries 2–{a_top} missing centrally; this install's own chain" in out, out


def add_officer(world: World, install: Install) -> tuple[str, str]:
    login, password = f"officer_{uuid.uuid4().hex[:6]}", f"officer-password-{uuid.uuid4().hex}"
    assert world.company_id is not None
    add_member(libpq(world.central.url), login, password, "compliance", world.company_id)
    return login, world.central.dsn_for(user=login, password=password, sslmode="verify-full")


def test_the_desk_finds_its_cut_chain_at_the_next_sync_records_the_loss_and_sends_it_again(
        world: World, desks: tuple[Install, Install], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    a, b = desks
    top, marks = held(world, a)
    keep = max(m for m in marks if m < top - 2)
    cut(world, a, keep + 1, checkpoints=True)
    code, out = cli(world, a, monkeypatch, capsys)("sync")
    assert code == 0 and f"had lost {top - keep} of this desk's audit entries" in out, out
    now_top = held(world, a)[0]
    assert now_top > top  # the cut entries are back, and the record of their loss after them
    mine = reports(b)[str(a.ctx.device_id)]
    assert mine.report.ok and mine.report.entries == now_top
    assert [(g.kind, g.first, g.last) for g in mine.gaps] == [("lost", keep + 1, top)]
    assert f"records that central had lost {top - keep} of the {top} entries it had sent" in mine.gaps[0].text
    code, out = cli(world, b, monkeypatch, capsys)("audit", "verify", "--central")
    assert code == 1 and "had lost" in out, out  # the incident stays on record: it does not clear itself
    assert a.sync().audit_lost == 0  # and is recorded once


def test_a_device_moving_to_another_central_database_sends_its_whole_chain_without_a_false_loss(
        world: World, pg_server: PgServer, tmp_path: Path) -> None:
    a = world.install("a", demo=1, level="admin")
    a.sync()
    assert held(world, a)[0] > 0
    with pg_server.database(template=central_template(pg_server)) as other:
        assert world.company_id is not None
        add_company(libpq(other.url), world.company_id, "Acme")
        # roles are the cluster's, marks the database's: a login is made per central database
        with pytest.raises(CentralSetupError, match="already exists and was not created by Qayd"):
            add_member(libpq(other.url), a.login, a.password, "admin", world.company_id)
        login = f"a2_{uuid.uuid4().hex[:6]}"
        add_member(libpq(other.url), login, a.password, "admin", world.company_id)
        url = world.url().replace(f"/{world.central.name}?", f"/{other.name}?")
        save_connection(a.ctx, url, login, a.password)
        result = a.sync()
        assert result.audit_lost == 0
        (report,) = verify_central(a.dsn, ctx=a.ctx)
        assert report.ok and report.gaps == () and report.report.entries > held(world, a)[0]


def test_a_registered_key_replaced_by_the_owner_shows_in_the_records_and_on_the_desk(
        world: World, desks: tuple[Install, Install]) -> None:
    a, b = desks
    device = str(a.ctx.device_id)
    as_owner(world, ("UPDATE qayd.device SET public_key = %s WHERE id = %s",
                     (DeviceKey.generate().public_bytes(), device)))
    mine = reports(b)[device]
    assert mine.report.broken is not None and mine.report.broken.kind is BreakKind.FORGED_CHECKPOINT
    unsigned = [g for g in mine.gaps if g.kind == "unsigned"]
    assert unsigned and all("registered key does not verify" in g.text for g in unsigned)
    on_a = reports(a, local=True)[device]
    assert "its registered public key is not the key in its own store" in {g.text for g in on_a.gaps}


def test_idle_desks_do_not_record_each_other_at_every_sync(world: World, desks: tuple[Install, Install],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each record moves the recorder's own head: two idle desks recording each other at every sync would each add an
    entry per sync forever. With nothing to sync they record at most once an hour."""
    a, b = desks
    count = "SELECT count(*) FROM audit_entry WHERE action <> 'secret.used'"  # each sync reads the password
    before = [install.db().execute(count).fetchone() for install in (a, b)]
    for _ in range(3):
        a.sync()
        b.sync()
    assert [install.db().execute(count).fetchone() for install in (a, b)] == before
    monkeypatch.setattr("core.sync.audit_gaps.HEADS_EVERY", timedelta(0))  # an hour later
    a.sync()
    assert heads_recorded(a, b)[-1] == held(world, b)[0]  # a idle, yet it recorded b's latest head
