"""The personal-data access log: who read whose personal data, which fields, for what purpose, through what.

Every read of personal data through the core calls `uow.record_access(subject, fields, purpose)`; the unit of
work turns the reads into audit entries (`personal_data.read`, subject = the data subject, data = fields,
purpose and channel; never the values), so the log is as tamper-evident as the rest of the chain and searchable
per subject through the indexed `audit_entry.subject` column: `qayd gdpr access-log customer:<uuid>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

# The entries are written by the unit of work (core.ledger.reads, below it); re-exported here for old imports.
from core.ledger.reads import ACTION, Access, RecentReads, append_accesses
from core.store.models import AuditEntry

if TYPE_CHECKING:
    from core.uow import UnitOfWork

__all__ = ["ACTION", "Access", "AccessRecord", "RecentReads", "append_accesses", "count", "search"]


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
