"""Audit use cases over a company store: verify the chain, read entries, count them."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.audit.heads import CentralProbe, judge, read_outside, signed_heads
from core.incident import enter_automatically
from core.ledger.chain import Checkpoint, Entry
from core.ledger.verify import Row, VerifyReport, Window, verify_chain
from core.progress import CancelCheck, Progress, check, part
from core.store.models import AuditCheckpoint, Device

if TYPE_CHECKING:  # only its type is needed here
    from core.uow import Context

ENTRY_COLUMNS = "seq, body, prev_hash, hash"


def stored_checkpoints(ctx: Context) -> list[Checkpoint]:
    with ctx.uow(write=False) as uow:
        rows = uow.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
        return [Checkpoint(r.seq, r.hash, r.at, r.device_id, r.signature) for r in rows]


def trusted_checkpoints(ctx: Context) -> tuple[list[Checkpoint], list[str]]:
    """The table's checkpoints plus the signed heads kept outside it (head file, anchor beside the master key)."""
    outside = read_outside(ctx.head_file, ctx.anchor, None)
    checkpoints, warnings = stored_checkpoints(ctx), []
    if outside.head is None:
        warnings.append(f"The signed head file {ctx.head_file.name} is missing.")
    seqs = {cp.seq for cp in checkpoints}
    checkpoints += [cp for cp in signed_heads(outside, str(ctx.device_id)) if cp.seq not in seqs]
    return checkpoints, warnings


def _reader(ctx: Context) -> sqlite3.Connection:
    """A separate read-only connection returning text as bytes (no decoding), so nothing leaks into the pool."""
    conn = sqlite3.connect(f"file:{ctx.db.path}?mode=ro", uri=True)
    conn.text_factory = bytes
    return conn


def iter_entry_rows(ctx: Context) -> Iterator[Row]:
    with closing(_reader(ctx)) as conn:
        yield from conn.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry ORDER BY seq")  # nosec B608 # ENTRY_COLUMNS is this module's constant


def entry_window(ctx: Context) -> Window:
    def window(position: int, count: int) -> list[Row]:
        with closing(_reader(ctx)) as conn:
            return list(conn.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry ORDER BY seq LIMIT ? OFFSET ?",  # nosec B608 # ENTRY_COLUMNS is this module's constant; values are parameters
                                     (count, position - 1)))
    return window


def entry_count(ctx: Context) -> int:
    raw: Any = ctx.db.engine.raw_connection()
    with closing(raw):
        return int(raw.execute("SELECT coalesce(max(seq), 0) FROM audit_entry").fetchone()[0])


def verify_store(ctx: Context, *, progress: Progress | None = None, cancelled: CancelCheck | None = None,
                 central: CentralProbe | None = None, documents: bool = True) -> VerifyReport:
    """Verify this device's chain against its signed checkpoints, the head file, the anchor beside the master key
    and (when `central` is given and reachable) central's copy; then every issued document's stamp and chain."""
    outside = read_outside(ctx.head_file, ctx.anchor, central)  # before the snapshot: see core.audit.heads
    public = ctx.device_key.public_bytes()
    warnings = _device_key_warnings(ctx, public)
    chain_progress, docs_progress = _split(progress, documents)
    with closing(_reader(ctx)) as conn:
        conn.execute("BEGIN")  # one read transaction: the whole stream sees one WAL snapshot of a live store
        checkpoints = _snapshot_checkpoints(conn)
        seqs = {cp.seq for cp in checkpoints}
        checkpoints += [cp for cp in signed_heads(outside, str(ctx.device_id)) if cp.seq not in seqs]
        total = int(conn.execute("SELECT coalesce(max(seq), 0) FROM audit_entry").fetchone()[0])
        # The cursor itself is the stream of (body, hash): no generator between SQLite and the loop.
        pairs = conn.execute("SELECT body, hash FROM audit_entry ORDER BY seq")
        report = verify_chain(pairs, _snapshot_window(conn), checkpoints, public, total=total,
                              progress=chain_progress, cancelled=cancelled)
        conn.rollback()
    report = judge(outside, replace(report, warnings=tuple(warnings) + report.warnings), str(ctx.device_id))
    _enter_incident_if_broken(ctx, report)
    if documents:
        check(cancelled, f"{report.entries:,} entries verified")  # between the phases, however short the chain
        from core.zatca.stored import verify_documents  # above the audit layer: imported only when used

        report = replace(report, documents=verify_documents(ctx, progress=docs_progress, cancelled=cancelled))
    return report


def _enter_incident_if_broken(ctx: Context, report: VerifyReport) -> None:
    """A chain that fails verification puts Qayd in incident mode by itself, issuing locked (core.incident), in a
    write transaction of its own: the verification read a snapshot and wrote nothing."""
    failed = [a.name for a in report.anchors if a.failed]
    if report.broken is None and not failed:
        return
    what = (f"entry {report.broken.seq} {report.broken.kind.value}" if report.broken is not None
            else "cut short (" + ", ".join(failed) + " reach further)")
    enter_automatically(ctx, f"The audit chain failed verification: {what}.")


def _split(progress: Progress | None, documents: bool) -> tuple[Progress | None, Progress | None]:
    """The chain takes the first half of the progress bar and the documents the second, when both run."""
    if not documents:
        return progress, None
    return part(progress, 0.0, 0.5), part(progress, 0.5, 1.0)


def _snapshot_checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    rows = conn.execute("SELECT seq, hash, at, device_id, signature FROM audit_checkpoint ORDER BY seq")
    return [Checkpoint(int(s), h.decode(), a.decode(), d.decode(), bytes(sig)) for s, h, a, d, sig in rows]


def _snapshot_window(conn: sqlite3.Connection) -> Window:
    def window(position: int, count: int) -> list[Row]:
        return list(conn.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry ORDER BY seq LIMIT ? OFFSET ?",  # nosec B608 # ENTRY_COLUMNS is this module's constant; values are parameters
                                 (count, position - 1)))
    return window


def _device_key_warnings(ctx: Context, public: bytes) -> list[str]:
    with ctx.uow(write=False) as uow:
        device = uow.session.get(Device, ctx.device_id)
    if device is None or device.public_key != public:
        return ["The device table's public key differs from the key in the secret store; the secret store's "
                "key was used."]
    return []


def entries_around(ctx: Context, seq: int, before: int = 2, after: int = 2) -> list[Entry]:
    """An entry with its neighbours, for showing a break in context."""
    raw: Any = ctx.db.engine.raw_connection()
    with closing(raw):
        rows = raw.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry WHERE seq BETWEEN ? AND ? ORDER BY seq",  # nosec B608 # ENTRY_COLUMNS is this module's constant; values are parameters
                           (seq - before, seq + after)).fetchall()
    return [Entry(s, body, bytes(prev).hex(), bytes(h).hex()) for s, body, prev, h in rows]


def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(public_key).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))
