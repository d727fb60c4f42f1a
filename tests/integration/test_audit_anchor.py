"""A cut chain cannot hide: the head anchored beside the master key (OS keyring entry, or a file beside the key file,
or in the state folder) and central's copy catch a chain cut back together with its checkpoints and head file, or
with an older head file restored; verify says what it checked against what, and reads one snapshot of a live store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.audit.anchor import advance_anchor, read_anchor
from core.audit.chain import Checkpoint
from core.audit.heads import CentralHead
from core.audit.service import stored_checkpoints, verify_store
from core.audit.verify import BreakKind, VerifyReport
from core.bootstrap import open_company
from core.cli import main
from core.config import load_settings
from core.secrets import MemoryKeyring
from core.secrets.master import SERVICE, FileSlot, KeyringSlot
from core.sync.audit_central import central_head
from core.uow import Context
from tests.integration.conftest import Result
from tests.integration.test_audit_tamper import last_seq, tamper
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World

ROOT = Path(__file__).parents[2]


def write_batches(ctx: Context, batches: int, size: int = 5) -> None:
    for batch in range(batches):
        with ctx.uow() as uow:
            for i in range(size):
                uow.audit.append("test.event", f"thing:{batch}-{i}", {"n": i})
            uow.commit()


def cut_back(ctx: Context, keep: int, *, head_file: bytes | None = None) -> None:
    """The cut: entries and checkpoints after `keep` deleted; the head file deleted or an old one put back."""
    tamper(ctx, f"DELETE FROM audit_entry WHERE seq > {keep}", f"DELETE FROM audit_checkpoint WHERE seq > {keep}")
    ctx.head_file.unlink()
    if head_file is not None:
        ctx.head_file.write_bytes(head_file)


def anchor(report: VerifyReport, name: str) -> tuple[int | None, bool, str]:
    (found,) = [a for a in report.anchors if a.name == name]
    return found.seq, found.failed, found.note


def test_every_commit_anchors_the_head_in_the_keyring_beside_the_master_key(ctx: Context,
                                                                           memory_keyring: MemoryKeyring) -> None:
    write_batches(ctx, 2)
    assert isinstance(ctx.anchor, KeyringSlot)
    stored = memory_keyring.get_password(SERVICE, ctx.anchor.username)
    assert stored is not None and ctx.anchor.username.startswith("audit-head:")
    assert any(user.startswith("master-key:") for _service, user in memory_keyring._items)  # beside the master key
    head = read_anchor(ctx.anchor)
    assert head is not None and (head.seq, head.device_id) == (last_seq(ctx), str(ctx.device_id))
    report = verify_store(ctx)
    assert report.ok and anchor(report, "keyring anchor")[:2] == (last_seq(ctx), False)


def test_a_cut_chain_with_its_checkpoints_and_head_file_deleted_is_truncated(ctx: Context,
                                                                            run: Callable[..., Result]) -> None:
    write_batches(ctx, 6)
    end = last_seq(ctx)
    keep = end - 12
    cut_back(ctx, keep)
    report = verify_store(ctx)
    assert report.broken is not None and (report.broken.kind, report.broken.seq) == (BreakKind.TRUNCATED, keep + 1)
    assert f"the keyring anchor says {end:,}" in report.broken.detail
    assert anchor(report, "keyring anchor")[:2] == (end, True)
    result = run("audit", "verify")  # opening the company as another OS user appends an entry: still cut
    assert result.exit_code == 1
    assert "is BROKEN at entry" in result.output and ": truncated." in result.output
    assert "entries against" in result.output and f"the keyring anchor (seq {end:,})" in result.output
    assert "central (not connected)" in result.output and "FAILED the keyring anchor" in result.output


def test_an_older_head_file_restored_after_cutting_back_is_truncated(ctx: Context) -> None:
    write_batches(ctx, 3)
    old_head, old_seq = ctx.head_file.read_bytes(), last_seq(ctx)
    write_batches(ctx, 3)
    end = last_seq(ctx)
    cut_back(ctx, old_seq, head_file=old_head)  # the chain, the table and the head file all agree on old_seq
    report = verify_store(ctx)
    assert report.broken is not None and (report.broken.kind, report.broken.seq) == (BreakKind.TRUNCATED, old_seq + 1)
    assert anchor(report, "head file")[0] == old_seq
    assert any(f"head file (entry {old_seq}) is older than the keyring anchor (entry {end})" in w
               for w in report.warnings)


def test_a_deleted_anchor_fails_until_the_next_change_anchors_again(ctx: Context,
                                                                   memory_keyring: MemoryKeyring) -> None:
    write_batches(ctx, 2)
    assert isinstance(ctx.anchor, KeyringSlot)
    memory_keyring.delete_password(SERVICE, ctx.anchor.username)
    report = verify_store(ctx)
    assert report.chain_ok and not report.ok
    seq, failed, note = anchor(report, "keyring anchor")
    assert seq is None and failed and "missing although the chain holds entries" in note
    write_batches(ctx, 1)
    assert verify_store(ctx).ok


def test_an_anchor_of_another_device_or_unreadable_fails(ctx: Context, memory_keyring: MemoryKeyring) -> None:
    write_batches(ctx, 1)
    assert isinstance(ctx.anchor, KeyringSlot)
    memory_keyring.set_password(SERVICE, ctx.anchor.username, "not an anchor")
    assert anchor(verify_store(ctx), "keyring anchor")[1]
    head = read_anchor(FileSlot(ctx.head_file))  # the head file holds the same JSON shape
    assert head is not None
    other = Checkpoint(head.seq, head.hash, head.at, "00000000-0000-0000-0000-000000000000", head.signature)
    memory_keyring.delete_password(SERVICE, ctx.anchor.username)
    advance_anchor(ctx.anchor, other)
    _seq, failed, note = anchor(verify_store(ctx), "keyring anchor")
    assert failed and "another device" in note


def test_the_anchor_never_moves_back(ctx: Context) -> None:
    write_batches(ctx, 2)
    assert ctx.anchor is not None
    now = read_anchor(ctx.anchor)
    assert now is not None
    advance_anchor(ctx.anchor, Checkpoint(1, "00" * 32, now.at, now.device_id, b"x" * 64))
    assert read_anchor(ctx.anchor) == now


def open_with(tmp_path: Path, env: dict[str, str], create: bool = True) -> Context:
    config = tmp_path / "cfg.toml"
    config.write_text("", "utf-8")
    return open_company(load_settings(environ=env, config_file=config), create=create, environ=env, username="t")


def test_the_file_key_source_anchors_beside_the_key_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "acme", "QAYD_MASTER_KEY_SOURCE": "file",
           "QAYD_MASTER_KEY_FILE": str(keys / "master.key")}
    ctx = open_with(tmp_path, env)
    try:
        write_batches(ctx, 4)
        assert isinstance(ctx.anchor, FileSlot) and ctx.anchor.path.parent == keys and not ctx.anchor.inside_data_dir
        assert oct(ctx.anchor.path.stat().st_mode & 0o777) == "0o600"
        end = last_seq(ctx)
        cut_back(ctx, end - 8)
        report = verify_store(ctx)
        assert report.broken is not None and report.broken.kind is BreakKind.TRUNCATED
        seq, failed, note = anchor(report, "anchor file")
        assert (seq, failed) == (end, True) and "cut back" in note
    finally:
        ctx.close()


def test_the_env_key_source_anchors_in_the_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state"
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "acme", "QAYD_MASTER_KEY_SOURCE": "env",
           "QAYD_MASTER_KEY": "Y" * 43 + "=", "XDG_STATE_HOME": str(state)}
    ctx = open_with(tmp_path, env)
    try:
        write_batches(ctx, 1)
        assert isinstance(ctx.anchor, FileSlot) and ctx.anchor.path.is_relative_to(state / "qayd" / "audit-anchors")
        assert verify_store(ctx).ok
    finally:
        ctx.close()


def test_the_default_file_key_inside_the_data_folder_is_said_to_guard_less(tmp_path: Path) -> None:
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "acme", "QAYD_MASTER_KEY_SOURCE": "file"}
    ctx = open_with(tmp_path, env)
    try:
        report = verify_store(ctx)
        assert report.ok and "inside the data folder" in anchor(report, "anchor file")[2]
    finally:
        ctx.close()


WRITER = """
import sys, time
from pathlib import Path
from core.bootstrap import open_company
from core.cli import main
from core.config import load_settings
env = {"QAYD_DATA_DIR": sys.argv[1], "QAYD_COMPANY": "acme", "QAYD_MASTER_KEY_SOURCE": "file"}
ctx = open_company(load_settings(environ=env, config_file=Path(sys.argv[2])), environ=env, username="writer")
deadline = time.monotonic() + float(sys.argv[3])
n = 0
while time.monotonic() < deadline:
    with ctx.uow() as uow:
        for i in range(1 + n % 7):
            uow.audit.append("test.concurrent", f"thing:{n}-{i}", {"n": n})
        uow.commit()
    n += 1
print(n)
"""


@pytest.fixture
def live_store(tmp_path: Path) -> Iterator[Context]:
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "acme", "QAYD_MASTER_KEY_SOURCE": "file"}
    ctx = open_with(tmp_path, env)
    write_batches(ctx, 40, size=50)  # enough entries that a verification takes a while
    yield ctx
    ctx.close()


def test_verify_while_another_process_writes_never_reports_a_false_break(live_store: Context, tmp_path: Path) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "data"), str(tmp_path / "cfg.toml"), "8"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen: list[int] = []
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and writer.poll() is None:
            report = verify_store(live_store, documents=False)
            assert report.ok, (report.broken, report.anchors, report.warnings)
            seen.append(report.entries)
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out) > 10 and len(seen) >= 3
    assert len(set(seen)) >= 2, seen  # the writer really appended between the verifications
    assert verify_store(live_store).ok


def test_central_catches_a_cut_that_the_keyring_was_rolled_back_for(ctx: Context,
                                                                   memory_keyring: MemoryKeyring) -> None:
    """Someone with the keyring too restores an old anchor: only central's copy can still tell."""
    write_batches(ctx, 2)
    assert isinstance(ctx.anchor, KeyringSlot)
    old_anchor, old_head, keep = (memory_keyring.get_password(SERVICE, ctx.anchor.username),
                                  ctx.head_file.read_bytes(), last_seq(ctx))
    write_batches(ctx, 3)
    end = last_seq(ctx)
    signed = [cp for cp in stored_checkpoints(ctx) if cp.seq == end]
    cut_back(ctx, keep, head_file=old_head)
    assert old_anchor is not None
    memory_keyring.set_password(SERVICE, ctx.anchor.username, old_anchor)
    assert verify_store(ctx).ok  # locally, everything agrees with the rolled-back state
    for central in (CentralHead(end, None, "central-db/qayd"), CentralHead(end, signed[0], "central-db/qayd")):
        report = verify_store(ctx, central=lambda central=central: central)
        seq, failed, note = anchor(report, "central")
        assert (seq, failed) == (end, True) and "cut back" in note and not report.ok
    assert verify_store(ctx, central=lambda central=central: central).broken is not None  # signed: TRUNCATED

    def unreachable() -> CentralHead:
        raise OSError("no route to host")

    offline = verify_store(ctx, central=unreachable)
    assert offline.ok and "not reachable" in anchor(offline, "central")[2]


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def rolled_back_after_sync(install: Install, keyring: MemoryKeyring) -> int:
    """Write, remember the anchor and head file, write and sync more, then cut back and restore both: returns the
    number of entries central holds for the device."""
    ctx = install.ctx
    assert isinstance(ctx.anchor, KeyringSlot)
    write_batches(ctx, 2)
    old_anchor, old_head, keep = keyring.get_password(SERVICE, ctx.anchor.username), ctx.head_file.read_bytes(), \
        last_seq(ctx)
    write_batches(ctx, 3)
    install.sync()
    with install.world.superuser() as conn:
        row = conn.execute("SELECT max(seq) FROM qayd.audit_entry WHERE device_id = %s", (ctx.device_id,)).fetchone()
    assert row is not None and row[0] > keep
    cut_back(ctx, keep, head_file=old_head)
    assert old_anchor is not None
    keyring.set_password(SERVICE, ctx.anchor.username, old_anchor)
    assert verify_store(ctx).ok  # locally everything agrees with the rolled-back state
    return int(row[0])


def test_central_on_a_real_postgresql_catches_a_cut_with_a_rolled_back_keyring(
        world: World, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
    staff = world.install("a", demo=2)
    held = rolled_back_after_sync(staff, memory_keyring)
    head = central_head(staff.dsn, str(staff.ctx.device_id))
    assert (head.seq, head.checkpoint) == (held, None)  # a staff login reads no checkpoint, but the entry number
    assert "password" not in head.where and staff.login not in head.where
    report = verify_store(staff.ctx, central=lambda: central_head(staff.dsn, str(staff.ctx.device_id)))
    seq, failed, note = anchor(report, "central")
    assert (seq, failed) == (held, True) and "cut back" in note and not report.ok
    capsys.readouterr()
    code = main(["--data-dir", str(world.folder / "a"), "--company", "acme", "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and f"central (seq {held:,})" in out and "FAILED the central" in out

    officer = world.install("b", level="compliance")
    held = rolled_back_after_sync(officer, memory_keyring)
    head = central_head(officer.dsn, str(officer.ctx.device_id))
    assert head.checkpoint is not None and head.checkpoint.seq == held  # signed by the device: checked as such
    report = verify_store(officer.ctx, central=lambda: central_head(officer.dsn, str(officer.ctx.device_id)))
    assert report.broken is not None and report.broken.kind is BreakKind.TRUNCATED
    assert f"the central says {held:,}" in report.broken.detail


def test_an_unreachable_central_is_said_plainly_and_is_not_a_failure(world: World) -> None:
    install = world.install("a", demo=1)
    dsn = install.dsn.replace(f":{world.server.port}/", ":1/")
    report = verify_store(install.ctx, central=lambda: central_head(dsn, str(install.ctx.device_id)))
    assert report.ok and "not reachable" in anchor(report, "central")[2]
