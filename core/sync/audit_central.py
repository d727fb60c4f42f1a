"""`qayd audit verify --central`: every device's chain as the central database holds it, verified with that
device's registered public key and its signed checkpoints (the same verifier as the local store and bundles), and
compared with the evidence the database owner cannot remove silently (core.sync.audit_gaps)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import psycopg

from core.audit.chain import Checkpoint
from core.audit.service import fingerprint
from core.audit.verify import Row, VerifyReport, verify_chain
from core.progress import CancelCheck, Progress, part
from core.sync.audit_gaps import Gap, compare_all, local_evidence, recorded_heads
from core.sync.engine import SyncError, central
from core.uow import Context


@dataclass(frozen=True, slots=True)
class DeviceReport:
    device_id: str
    name: str
    fingerprint: str
    report: VerifyReport
    gaps: tuple[Gap, ...] = ()  # what central lacks or contradicts against evidence kept elsewhere (audit_gaps)

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.gaps


def verify_central(dsn: str, *, ctx: Context | None = None, progress: Progress | None = None,
                   cancelled: CancelCheck | None = None) -> list[DeviceReport]:
    """Verify each device's central chain; reading the audit tables needs the compliance or admin level. Each chain
    is also compared with the signed heads other devices recorded and, with `ctx`, with this install's own store.
    A cancel raises `core.errors.Cancelled` (read only: nothing to undo)."""
    out = []
    with central(dsn) as conn:
        try:
            devices = conn.execute("SELECT id::text, name, public_key FROM qayd.device ORDER BY registered_at"
                                   ).fetchall()
            keys = {d: bytes(k) for d, _, k in devices}
            evidence, gaps = local_evidence(ctx, keys) if ctx is not None else ([], [])
            held_to: dict[str, int] = {}
            for index, (device, name, key) in enumerate(devices):
                rows, marks = _read_chain(conn, device)

                def window(position: int, count: int, rows: list[Row] = rows) -> list[Row]:
                    return rows[position - 1:position - 1 + count]

                report = verify_chain(((r[1], r[3]) for r in rows), window, marks, bytes(key), total=len(rows),
                                      progress=_device_progress(progress, index, len(devices)), cancelled=cancelled)
                found, unsigned = recorded_heads(((r[0], r[1]) for r in rows), device, name, keys)
                evidence += found
                gaps += unsigned
                held_to[device] = rows[-1][0] if rows else 0
                out.append(DeviceReport(device, name, fingerprint(bytes(key)), report))
            gaps += compare_all(conn, held_to, evidence)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SyncError("Your central login may not read the audit chains.",
                            fix="Verifying the central chains needs the compliance or admin level.") from exc
    return [replace(r, gaps=tuple(g for g in gaps if g.device_id == r.device_id)) for r in out]


def _read_chain(conn: psycopg.Connection[Any], device: str) -> tuple[list[Row], list[Checkpoint]]:
    """One device's central chain and checkpoints, in sequence order."""
    rows: list[Row] = [(int(s), b.encode("utf-8"), bytes(p), bytes(h)) for s, b, p, h in conn.execute(
        "SELECT seq, body, prev_hash, hash FROM qayd.audit_entry WHERE device_id = %s ORDER BY seq", (device,))]
    marks = [Checkpoint(int(s), h, a, device, bytes(sig)) for s, h, a, sig in conn.execute(
        "SELECT seq, hash, at, signature FROM qayd.audit_checkpoint WHERE device_id = %s ORDER BY seq", (device,))]
    conn.commit()
    return rows, marks


def _device_progress(progress: Progress | None, index: int, count: int) -> Progress | None:
    """Each device's chain takes its equal share of the bar, in turn."""
    share = 1 / max(count, 1)
    return part(progress, index * share, (index + 1) * share)


# Added at the end (not in the import block above) to keep this file's merges apart.
from core.audit.heads import CentralHead  # noqa: E402


def central_head(dsn: str, device_id: str) -> CentralHead:
    """Central's latest word on this device's chain, for `qayd audit verify` when a connection is configured.

    The signed checkpoint is read where the login may read the audit tables (compliance, admin); any login gets
    the newest entry number from `push_audit` called with nothing to add (it returns what central holds).
    """
    from urllib.parse import urlsplit

    checkpoint = None
    with central(dsn, connect_timeout=5) as conn:
        try:
            row = conn.execute("SELECT seq, hash, at, signature FROM qayd.audit_checkpoint WHERE device_id = %s "
                               "ORDER BY seq DESC LIMIT 1", (device_id,)).fetchone()
            checkpoint = Checkpoint(int(row[0]), row[1], row[2], device_id, bytes(row[3])) if row else None
        except psycopg.errors.InsufficientPrivilege:
            pass
        conn.rollback()
        found = conn.execute("SELECT qayd.push_audit(%s, '[]'::jsonb, '[]'::jsonb)", (device_id,)).fetchone()
        conn.commit()
    parts = urlsplit(dsn)  # host and database only: no login or password in the report
    return CentralHead(int(found[0]) if found else 0, checkpoint, where=f"{parts.hostname}{parts.path}")
