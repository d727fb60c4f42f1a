"""Faults during a sync: the connection cut at any point of a push or a pull (through a TCP proxy on loopback), the
central server restarted mid-sync, two installs pushing at once. Nothing is lost, nothing is duplicated, and the
next sync resumes where the last one stopped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.sync import engine
from core.sync.engine import SyncError, status
from tests.support.bulk import add_drafts
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many batches, so that a cut lands between them as well as inside one."""
    monkeypatch.setattr(engine, "PUSH_BATCH", 50)
    monkeypatch.setattr(engine, "PULL_BATCH", 60)
    monkeypatch.setattr(engine, "AUDIT_BATCH", 40)


def settle(*installs: Install, attempts: int = 30) -> None:
    """Sync each install until one pass of all of them goes through."""
    for _ in range(attempts):
        try:
            for install in installs:
                install.sync()
            return
        except SyncError:
            continue
    raise AssertionError("the installs never finished syncing")


def assert_converged(world: World, *installs: Install) -> None:
    first = world.snapshot(installs[0])
    for other in installs[1:]:
        assert world.snapshot(other) == first
    changes, distinct = world.central_counts()
    assert changes == distinct
    for install in installs:
        st = status(install.ctx)
        assert st.pending == 0 and st.conflicts == 0, (install.name, st)
    with world.superuser() as conn:
        for install in installs:  # the central copy of each chain is complete and unduplicated
            row = conn.execute("SELECT count(*), max(seq) FROM qayd.audit_entry WHERE device_id = %s",
                               (install.ctx.device_id,)).fetchone()
            assert row is not None and row[0] == row[1]


# A full push of this world sends about 235 kB up (less once b joined: the profile went then); a full pull
# about 180 kB down.
@pytest.mark.parametrize("cut_at", [300, 20_000, 90_000, 160_000])
def test_push_cut_at_any_point_resumes_without_loss_or_duplicates(world: World, tcp_proxy: TcpProxy,
                                                                  small_batches: None, cut_at: int) -> None:
    a = world.install("a", port=tcp_proxy.port)
    b = world.install("b")  # joins first (it syncs a's profile through the proxy), then a writes
    add_drafts(a.ctx, 60)
    tcp_proxy.cut_after(cut_at, "up")
    with pytest.raises(SyncError):
        a.sync()
    assert tcp_proxy.cuts >= 1
    settle(a, b)
    settle(a, b)
    assert a.count("invoice") == b.count("invoice") == 60
    assert_converged(world, a, b)


@pytest.mark.parametrize("cut_at", [2_000, 60_000, 150_000])
def test_pull_cut_at_any_point_resumes_without_loss_or_duplicates(world: World, tcp_proxy: TcpProxy,
                                                                  small_batches: None, cut_at: int) -> None:
    a = world.install("a")
    b = world.install("b", port=tcp_proxy.port)  # joins first, then a writes and b's pull is cut
    add_drafts(a.ctx, 60)
    a.sync()
    tcp_proxy.cut_after(cut_at, "down")
    with pytest.raises(SyncError):
        b.sync()
    partly = status(b.ctx).last_pulled_seq
    settle(b, a)
    assert status(b.ctx).last_pulled_seq >= partly
    assert b.count("invoice") == 60 and b.count("invoice_line") == a.count("invoice_line")
    assert_converged(world, a, b)


def test_server_restart_mid_sync(world: World, pg_server: PgServer, small_batches: None) -> None:
    a = world.install("a")
    b = world.install("b")  # joins first, then a writes
    add_drafts(a.ctx, 80)
    restarted = []

    def progress(fraction: float, message: str) -> None:
        if not restarted and message.startswith("pushed") and fraction > 0.2:
            restarted.append(message)
            pg_server.restart()

    with pytest.raises(SyncError):
        a.sync(progress=progress)
    assert restarted
    settle(a, b)
    settle(a, b)
    assert b.count("invoice") == 80
    assert_converged(world, a, b)


def test_two_installs_pushing_at_once(world: World) -> None:
    a, b = world.install("a"), world.install("b")
    add_drafts(a.ctx, 150, prefix="A")
    add_drafts(b.ctx, 150, prefix="B")
    errors: list[BaseException] = []

    def run(install: Install) -> None:
        try:
            install.sync()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    settle(a, b)
    assert a.count("invoice") == b.count("invoice") == 300
    assert_converged(world, a, b)
    with world.superuser() as conn:  # each push batch committed whole, in sequence order
        seqs = [r[0] for r in conn.execute("SELECT seq FROM qayd.change ORDER BY seq")]
    assert seqs == sorted(set(seqs))


@pytest.mark.parametrize("phase", ["push", "pull"])
def test_a_sync_cancelled_between_batches_raises_the_one_cancel_and_resumes(world: World, small_batches: None,
                                                                            phase: str) -> None:
    """Cancel pressed after the second batch: the one `Cancelled` (core.progress), every batch sent or applied so far
    kept whole, the rest waiting; the next sync finishes the job with nothing lost or doubled."""
    from core.errors import Cancelled

    a = world.install("a")
    b = world.install("b")
    add_drafts(a.ctx, 60)
    if phase == "pull":
        a.sync()
    target = a if phase == "push" else b
    seen: list[float] = []
    waiting = status(a.ctx).pending
    with pytest.raises(Cancelled):
        target.sync(progress=lambda f, _m: seen.append(f), cancelled=lambda: len(seen) >= 2)
    assert len(seen) == 2 and seen == sorted(seen)
    if phase == "push":
        assert 0 < status(a.ctx).pending < waiting and world.central_counts()[0] > 0  # part sent, the rest queued
    cut = status(b.ctx).last_pulled_seq  # pull: whole batches applied with their cursor, the rest still at central
    assert phase == "push" or cut > 0
    settle(a, b)
    settle(a, b)
    assert phase == "push" or status(b.ctx).last_pulled_seq > cut
    assert a.count("invoice") == b.count("invoice") == 60
    assert_converged(world, a, b)
