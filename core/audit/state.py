"""The audit chain's state for the dashboard and the audit view: what it holds, read without verifying it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from core.ledger.log import read_head_file
from core.store.models import AuditCheckpoint, AuditEntry

if TYPE_CHECKING:  # only its type is needed here
    from core.uow import Context


@dataclass(frozen=True, slots=True)
class ChainState:
    """What the audit chain holds, read without verifying it (that is `core.audit.service.verify_store`)."""

    entries: int
    checkpoints: int
    last_checkpoint_seq: int
    last_checkpoint_at: str
    head_file_present: bool
    head_file_seq: int

    @property
    def unsealed(self) -> int:
        """Entries after the last signed checkpoint (they are sealed at the next checkpoint)."""
        return max(0, self.entries - max(self.last_checkpoint_seq, self.head_file_seq))


def chain_state(ctx: Context) -> ChainState:
    """The highest entry, the checkpoints and the signed head file, from two indexed reads and one small file."""
    with ctx.uow(write=False) as uow:
        entries = uow.session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))
        count, last = uow.session.execute(select(func.count(), func.max(AuditCheckpoint.seq))).one()
        at = "" if last is None else uow.session.scalar(select(AuditCheckpoint.at).where(
            AuditCheckpoint.seq == last)) or ""
    head = read_head_file(ctx.head_file)
    return ChainState(int(entries or 0), int(count), int(last or 0), str(at), head is not None,
                      head.seq if head is not None else 0)
