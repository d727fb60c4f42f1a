"""Tampering with the database file directly, in each of the five ways, is detected and named."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from core.audit.service import verify_store
from core.audit.verify import BreakKind
from core.uow import Context

N_ENTRIES_WRITTEN = 60
Row = list  # [seq, body, prev_hash, hash] as the sqlite3 module returns them


def documented_hash(row: Row) -> bytes:
    """The hash as VERIFY.txt documents it, computed here without Qayd's code."""
    seq, body, prev = row[0], row[1], row[2]
    return hashlib.sha256(bytes(prev) + str(seq).encode() + b"\x1f" + str(body).encode()).digest()


@pytest.fixture
def chain(ctx: Context) -> Context:
    """A company whose chain holds the set-up entries plus 60 more, written in 6 transactions."""
    for batch in range(6):
        with ctx.uow() as uow:
            for i in range(10):
                uow.audit.append("test.event", f"thing:{batch}-{i}", {"n": batch * 10 + i, "text": "x1"},
                                 personal={"name": f"Person {i}"})
            uow.commit()
    return ctx


def last_seq(ctx: Context) -> int:
    with sqlite3.connect(ctx.db.path) as conn:
        return int(conn.execute("SELECT max(seq) FROM audit_entry").fetchone()[0])


def tamper(ctx: Context, *statements: str | Callable[[sqlite3.Connection], None]) -> None:
    """Edit the file as an attacker would: with the sqlite3 tool, dropping the append-only triggers first."""
    ctx.db.dispose()
    conn = sqlite3.connect(ctx.db.path)
    for trigger in ("audit_entry_append_only_u", "audit_entry_append_only_d",
                    "audit_checkpoint_append_only_u", "audit_checkpoint_append_only_d"):
        conn.execute(f"DROP TRIGGER {trigger}")
    for stmt in statements:
        stmt(conn) if callable(stmt) else conn.execute(stmt)
    conn.commit()
    conn.close()


def row_at(conn: sqlite3.Connection, seq: int) -> Row:
    return list(conn.execute("SELECT seq, body, prev_hash, hash FROM audit_entry WHERE seq = ?", (seq,)).fetchone())


def insert_row(conn: sqlite3.Connection, row: Row) -> None:
    conn.execute("INSERT INTO audit_entry (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)", row)


def renumber(conn: sqlite3.Connection, from_seq: int, delta: int) -> None:
    conn.execute("UPDATE audit_entry SET seq = -(seq + ?) WHERE seq >= ?", (delta, from_seq))
    conn.execute("UPDATE audit_entry SET seq = -seq WHERE seq < 0")


def test_intact_chain_verifies(chain: Context) -> None:
    report = verify_store(chain)
    assert report.ok, report
    assert report.entries == last_seq(chain) >= N_ENTRIES_WRITTEN
    assert report.warnings == ()


def test_stored_hashes_follow_the_documented_rule(chain: Context) -> None:
    with sqlite3.connect(chain.db.path) as conn:
        rows = [list(r) for r in conn.execute("SELECT seq, body, prev_hash, hash FROM audit_entry ORDER BY seq")]
    assert rows[0][2] == bytes(32)
    for before, row in itertools.pairwise(rows):
        assert row[2] == before[3]
    assert all(documented_hash(r) == r[3] for r in rows)
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_changed_entry_is_named(chain: Context) -> None:
    tamper(chain, "UPDATE audit_entry SET body = replace(body, 'x1', 'x2') WHERE seq = 20")
    report = verify_store(chain)
    assert report.broken is not None
    assert (report.broken.kind, report.broken.seq) == (BreakKind.CHANGED, 20)


def test_changed_entry_with_recomputed_hash_is_named(chain: Context) -> None:
    def edit(conn: sqlite3.Connection) -> None:
        row = row_at(conn, 20)
        row[1] = str(row[1]).replace("x1", "x2")
        conn.execute("UPDATE audit_entry SET body = ?, hash = ? WHERE seq = 20", (row[1], documented_hash(row)))

    tamper(chain, edit)
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.CHANGED, 20)


def test_rewritten_chain_is_caught_by_the_signed_checkpoints(chain: Context) -> None:
    """An attacker who recomputes every hash after the change still cannot re-sign the checkpoints."""
    def rewrite(conn: sqlite3.Connection) -> None:
        prev = row_at(conn, 19)[3]
        for seq in range(20, last_seq(chain) + 1):
            row = row_at(conn, seq)
            if seq == 20:
                row[1] = str(row[1]).replace("x1", "x2")
            row[2] = prev
            prev = documented_hash(row)
            conn.execute("UPDATE audit_entry SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (row[1], row[2], prev, seq))

    tamper(chain, rewrite)
    broken = verify_store(chain).broken
    assert broken is not None and broken.kind is BreakKind.CHANGED
    assert broken.seq <= 20


@pytest.mark.parametrize("close_gap", [False, True], ids=["gap", "renumbered"])
def test_deleted_entry_is_named(chain: Context, close_gap: bool) -> None:
    steps: list[str | Callable[[sqlite3.Connection], None]] = ["DELETE FROM audit_entry WHERE seq = 20"]
    if close_gap:
        steps.append(lambda conn: renumber(conn, 21, -1))
    tamper(chain, *steps)
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.DELETED, 20)


@pytest.mark.parametrize("well_forged", [True, False], ids=["valid-hash", "garbage-hash"])
def test_inserted_entry_is_named(chain: Context, well_forged: bool) -> None:
    def insert(conn: sqlite3.Connection) -> None:
        renumber(conn, 20, +1)
        forged = row_at(conn, 19)
        forged[0], forged[1], forged[2] = 20, str(forged[1]).replace("test.event", "invoice.deleted"), forged[3]
        forged[3] = documented_hash(forged) if well_forged else b"\xff" * 32
        insert_row(conn, forged)

    tamper(chain, insert)
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.INSERTED, 20)


def test_entry_appended_without_the_device_key_is_named(chain: Context) -> None:
    end = last_seq(chain)

    def append(conn: sqlite3.Connection) -> None:
        forged = row_at(conn, end)
        forged[0], forged[2] = end + 1, forged[3]
        forged[3] = documented_hash(forged)
        insert_row(conn, forged)

    tamper(chain, append)
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.INSERTED, end + 1)


def test_reordered_entries_are_named(chain: Context) -> None:
    def swap(conn: sqlite3.Connection) -> None:
        a, b = row_at(conn, 20), row_at(conn, 21)
        cols = "body = ?, prev_hash = ?, hash = ?"
        conn.execute(f"UPDATE audit_entry SET {cols} WHERE seq = 20", b[1:])
        conn.execute(f"UPDATE audit_entry SET {cols} WHERE seq = 21", a[1:])

    tamper(chain, swap)
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.REORDERED, 20)


def test_truncated_tail_is_named(chain: Context) -> None:
    keep = last_seq(chain) - 7
    tamper(chain, f"DELETE FROM audit_entry WHERE seq > {keep}")
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.TRUNCATED, keep + 1)


def test_truncated_tail_with_its_checkpoints_is_caught_by_the_head_file(chain: Context) -> None:
    keep = last_seq(chain) - 15
    tamper(chain, f"DELETE FROM audit_entry WHERE seq > {keep}", f"DELETE FROM audit_checkpoint WHERE seq > {keep}")
    broken = verify_store(chain).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.TRUNCATED, keep + 1)


def test_missing_head_file_is_reported(chain: Context) -> None:
    Path(chain.head_file).unlink()
    report = verify_store(chain)
    assert report.ok
    assert any("head file" in w for w in report.warnings)


def test_forged_checkpoint_is_named(chain: Context) -> None:
    tamper(chain, "UPDATE audit_checkpoint SET signature = zeroblob(64) WHERE seq = (SELECT min(seq) FROM "
                  "audit_checkpoint)")
    broken = verify_store(chain).broken
    assert broken is not None and broken.kind is BreakKind.FORGED_CHECKPOINT


def synthetic_rows(n: int) -> list[tuple[int, bytes, bytes, bytes]]:
    rows, prev = [], bytes(32)
    for seq in range(1, n + 1):
        body = b'{"action":"test"}'
        digest = documented_hash([seq, body.decode(), prev])
        rows.append((seq, body, prev, digest))
        prev = digest
    return rows


def test_verification_reports_progress_and_can_be_cancelled() -> None:
    from core.audit.verify import verify_chain

    rows = synthetic_rows(70_000)
    pairs = [(r[1], r[3]) for r in rows]

    def window(position: int, count: int) -> list[tuple[int, bytes, bytes, bytes]]:
        return rows[position - 1 : position - 1 + count]

    seen: list[float] = []
    assert verify_chain(pairs, window, [], None, total=len(rows), progress=lambda f, _m: seen.append(f)).ok
    assert seen and 0 < seen[0] < 1
    from core.errors import Cancelled

    with pytest.raises(Cancelled) as stopped:  # the one cancellation: nothing is concluded, no report at all
        verify_chain(pairs, window, [], None, cancelled=lambda: True)
    assert stopped.value.what == "65,535 entries verified"


def test_a_cancelled_bundle_export_leaves_no_bundle(chain: Context, tmp_path: Path) -> None:
    """Cancel while the export verifies what it wrote: the one Cancelled, and neither files nor a new folder remain
    (a folder of files is always a whole bundle, never one that a reader could take for evidence)."""
    from core.audit.bundle import export_bundle, verify_bundle
    from core.errors import Cancelled

    new, empty = tmp_path / "new", tmp_path / "empty"
    empty.mkdir()
    for out in (new, empty):
        with pytest.raises(Cancelled):  # the files are written; the cancel lands in the verification that follows
            export_bundle(chain, out, company="acme", now=chain.clock(), cancelled=lambda: True)
    assert not new.exists() and list(empty.iterdir()) == []
    whole = export_bundle(chain, empty, company="acme", now=chain.clock())  # the same folder, once not cancelled
    assert whole.ok and verify_bundle(empty).ok
