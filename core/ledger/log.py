"""Appending to this device's audit chain inside the caller's transaction, with signed checkpoints."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.files import write_private
from core.ledger.chain import GENESIS, Checkpoint, Entry, checkpoint_message, entry_digest, make_body
from core.ledger.signing import DeviceKey
from core.ledger.subject_keys import SubjectKeys
from core.store.models import AuditCheckpoint, AuditEntry, Base

ENTRY_TABLE = Base.metadata.tables["audit_entry"]


class AuditLog:
    """Entries appended here are written with the transaction; `seal()` signs the new head before commit."""

    def __init__(self, session: Session, *, device_id: str, actor: str, clock: Clock, subject_keys: SubjectKeys,
                 device_key: DeviceKey, checkpoint_every: int = 1000) -> None:
        self._session = session
        self._device_id = device_id
        self._actor = actor
        self._clock = clock
        self._keys = subject_keys
        self._device_key = device_key
        self._every = checkpoint_every
        self._head: tuple[int, bytes] | None = None
        self._pending: list[dict[str, Any]] = []
        self._since_checkpoint = 0
        self._last_checkpoint: Checkpoint | None = None

    def head(self) -> tuple[int, bytes]:
        if self._head is None:
            row = self._session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).first()
            self._head = (row[0], row[1]) if row else (0, GENESIS)
        return self._head

    def append(self, action: str, subject: str, data: dict[str, Any] | None = None, *,
               personal: dict[str, Any] | None = None, personal_subject: str | None = None) -> Entry:
        """Record one state change. `personal` is sealed with the key of `personal_subject` (default: subject)."""
        now = self._clock()
        payload: dict[str, Any] = {"data": data or {}}
        if personal:
            payload["personal"] = self._keys.seal(personal_subject or subject, personal, now)
        seq, prev = self.head()
        seq += 1
        body = make_body(at=_stamp(now), actor=self._actor, device=self._device_id, action=action, subject=subject,
                         payload=payload)
        digest = entry_digest(prev, seq, body.encode())
        self._pending.append({"seq": seq, "body": body, "prev_hash": prev, "hash": digest})
        self._head = (seq, digest)
        self._since_checkpoint += 1
        if self._since_checkpoint >= self._every:
            self._checkpoint(now)
        return Entry(seq, body, prev.hex(), digest.hex())

    def flush(self) -> None:
        if self._pending:
            self._session.execute(insert(ENTRY_TABLE), self._pending)  # Core: no ORM bookkeeping per row
            self._pending = []

    def _checkpoint(self, now: datetime) -> Checkpoint:
        self.flush()
        seq, digest = self.head()
        at = _stamp(now)
        signature = self._device_key.sign(checkpoint_message(self._device_id, seq, digest.hex(), at))
        self._session.add(AuditCheckpoint(seq=seq, hash=digest.hex(), at=at, device_id=self._device_id,
                                          signature=signature))
        self._since_checkpoint = 0
        self._last_checkpoint = Checkpoint(seq, digest.hex(), at, self._device_id, signature)
        return self._last_checkpoint

    def seal(self) -> Checkpoint | None:
        """Before commit: write pending entries and sign the head, so no committed entry is left unsigned."""
        self.flush()
        if self._last_checkpoint is None or self._since_checkpoint:
            return self._checkpoint(self._clock()) if self._since_checkpoint else None
        return self._last_checkpoint


def _stamp(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("the clock must give timezone-aware times")
    return now.astimezone(UTC).isoformat(timespec="microseconds")


_HEAD_LOCK = threading.Lock()


def write_head_file(path: Path, checkpoint: Checkpoint) -> None:
    """Mirror the latest checkpoint beside the database, so cutting the tail of both table and chain shows.

    It is written after the commit, outside the store's lock: two units of work of one process (two desktop jobs)
    may get here in either order. So one writer at a time, and never backwards: a head file already at this
    checkpoint or a later one stays (an older head would guard less of the tail)."""
    doc = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at, "device_id": checkpoint.device_id,
           "signature": base64.b64encode(checkpoint.signature).decode()}
    with _HEAD_LOCK:
        try:
            current = read_head_file(path)
        except (OSError, ValueError, KeyError, TypeError):  # unreadable: verification reports it; this write mends it
            current = None
        if current is not None and current.device_id == checkpoint.device_id and current.seq >= checkpoint.seq:
            return
        write_private(path, json.dumps(doc).encode("utf-8"))  # owner-only (issue 12 point 9), whole or not at all


def read_head_file(path: Path) -> Checkpoint | None:
    if not path.exists():
        return None
    doc = json.loads(path.read_text("utf-8"))
    return Checkpoint(int(doc["seq"]), doc["hash"], doc["at"], doc["device_id"], base64.b64decode(doc["signature"]))
