"""Audit use cases over a company store: verify the chain, read entries, count them."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.audit.chain import Checkpoint, Entry
from core.audit.log import read_head_file
from core.audit.verify import Progress, Row, VerifyReport, Window, verify_chain
from core.store.models import AuditCheckpoint, Device

if TYPE_CHECKING:  # the unit of work imports this package; only its type is needed here
    from core.uow import Context

ENTRY_COLUMNS = "seq, body, prev_hash, hash"


def stored_checkpoints(ctx: Context) -> list[Checkpoint]:
    with ctx.uow(write=False) as uow:
        rows = uow.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
        return [Checkpoint(r.seq, r.hash, r.at, r.device_id, r.signature) for r in rows]


def trusted_checkpoints(ctx: Context) -> tuple[list[Checkpoint], list[str]]:
    """The table's checkpoints plus the head file beside the database (which survives a cut table)."""
    checkpoints, warnings = stored_checkpoints(ctx), []
    head = read_head_file(ctx.head_file)
    if head is None:
        warnings.append(f"The signed head file {ctx.head_file.name} is missing; a cut-off tail whose checkpoints "
                        "were deleted too could not be detected.")
    elif all(cp.seq != head.seq for cp in checkpoints):
        checkpoints.append(head)
    return checkpoints, warnings


def _reader(ctx: Context) -> sqlite3.Connection:
    """A separate read-only connection returning text as bytes (no decoding), so nothing leaks into the pool."""
    conn = sqlite3.connect(f"file:{ctx.db.path}?mode=ro", uri=True)
    conn.text_factory = bytes
    return conn


def iter_entry_rows(ctx: Context) -> Iterator[Row]:
    with closing(_reader(ctx)) as conn:
        yield from conn.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry ORDER BY seq")


def entry_window(ctx: Context) -> Window:
    def window(position: int, count: int) -> list[Row]:
        with closing(_reader(ctx)) as conn:
            return list(conn.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry ORDER BY seq LIMIT ? OFFSET ?",
                                     (count, position - 1)))
    return window


def entry_count(ctx: Context) -> int:
    raw: Any = ctx.db.engine.raw_connection()
    with closing(raw):
        return int(raw.execute("SELECT coalesce(max(seq), 0) FROM audit_entry").fetchone()[0])


def verify_store(ctx: Context, *, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> VerifyReport:
    """Verify this device's chain against its signed checkpoints and head file."""
    checkpoints, warnings = trusted_checkpoints(ctx)
    public = ctx.device_key.public_bytes()
    warnings += _device_key_warnings(ctx, public)
    with closing(_reader(ctx)) as conn:
        # The cursor itself is the stream of (body, hash): no generator between SQLite and the loop.
        pairs = conn.execute("SELECT body, hash FROM audit_entry ORDER BY seq")
        report = verify_chain(pairs, entry_window(ctx), checkpoints, public, total=entry_count(ctx),
                              progress=progress, cancelled=cancelled)
    return replace(report, warnings=tuple(warnings) + report.warnings)


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
        rows = raw.execute(f"SELECT {ENTRY_COLUMNS} FROM audit_entry WHERE seq BETWEEN ? AND ? ORDER BY seq",
                           (seq - before, seq + after)).fetchall()
    return [Entry(s, body, bytes(prev).hex(), bytes(h).hex()) for s, body, prev, h in rows]


def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(public_key).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))
