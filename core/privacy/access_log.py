"""The personal-data access log: who read whose personal data, which fields, for what purpose, through what.

Every read of personal data through the core calls `uow.record_access(subject, fields, purpose)`; the unit of
work turns the reads into audit entries (`personal_data.read`, subject = the data subject, data = fields,
purpose and channel; never the values), so the log is as tamper-evident as the rest of the chain and searchable
per subject through the indexed `audit_entry.subject` column: `qayd gdpr access-log customer:<uuid>`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from core.store.models import AuditEntry

if TYPE_CHECKING:  # the unit of work imports this module
    from core.audit.log import AuditLog
    from core.uow import UnitOfWork

ACTION = "personal_data.read"

# One read: (subject, fields, purpose, channel, restricted record)
Access = tuple[str, Sequence[str], str, str, bool]


@dataclass(frozen=True, slots=True)
class AccessRecord:
    seq: int
    at: datetime
    actor: str
    subject: str
    fields: tuple[str, ...]
    purpose: str
    channel: str
    restricted: bool = False  # a restricted (Art. 18, or erased-but-held) record was read


class RecentReads:
    """Reads written lately (per Context, shared by its threads): a read repeated within the window is covered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: dict[tuple[object, ...], datetime] = {}

    @staticmethod
    def _key(actor: str, access: Access) -> tuple[object, ...]:
        subject, fields, purpose, channel, restricted = access
        return (actor, subject, tuple(fields), purpose, channel, restricted)

    def new_ones(self, actor: str, accesses: Sequence[Access], now: datetime, window: float) -> list[Access]:
        """The accesses to write (and remember as written): restricted ones always, others unless seen lately."""
        if window <= 0:
            return list(accesses)
        horizon = now - timedelta(seconds=window)
        fresh = []
        with self._lock:
            if len(self._at) > 20_000:
                self._at = {k: t for k, t in self._at.items() if t > horizon}
            for access in accesses:
                key = self._key(actor, access)
                seen = self._at.get(key)
                if access[4] or seen is None or seen <= horizon:
                    fresh.append(access)
                    self._at[key] = now
        return fresh

    def forget(self, actor: str, accesses: Iterable[Access]) -> None:
        """Accesses whose transaction failed: the next read of them is written again."""
        with self._lock:
            for access in accesses:
                self._at.pop(self._key(actor, access), None)


def append_accesses(audit: AuditLog, accesses: Iterable[Access]) -> int:
    """Append one `personal_data.read` entry per access to the caller's transaction; returns how many."""
    n = 0
    for subject, fields, purpose, channel, restricted in accesses:
        data: dict[str, object] = {"fields": list(fields), "purpose": purpose, "channel": channel}
        if restricted:
            data["restricted"] = True
        audit.append(ACTION, subject, data)
        n += 1
    return n


def search(uow: UnitOfWork, subject: str | None = None, *, limit: int = 500) -> list[AccessRecord]:
    """Reads of personal data, newest first: of one subject, or of everyone when `subject` is None."""
    query = select(AuditEntry.seq, AuditEntry.body).where(AuditEntry.action == ACTION)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    rows = uow.session.execute(query.order_by(AuditEntry.seq.desc()).limit(max(0, limit)))
    return [_record(seq, body) for seq, body in rows]


def _record(seq: int, body: str) -> AccessRecord:
    doc = json.loads(body)
    data = doc["payload"]["data"]
    return AccessRecord(seq=seq, at=datetime.fromisoformat(doc["at"]), actor=doc["actor"], subject=doc["subject"],
                        fields=tuple(data.get("fields", ())), purpose=data.get("purpose", ""),
                        channel=data.get("channel", ""), restricted=bool(data.get("restricted", False)))


def count(uow: UnitOfWork, subject: str) -> int:
    """How many reads of this subject's personal data the log holds."""
    return int(uow.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.subject == subject, AuditEntry.action == ACTION)) or 0)
