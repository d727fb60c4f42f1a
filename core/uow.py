"""The unit of work: one transaction on the company store, with its audit entries and checkpoint inside it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

# The spine imports only what lies below it: the ledger, the vault, the store, the ground floor (pyproject's layers).
from core.clock import Clock
from core.ledger.anchor import AnchorSlot, advance_quietly
from core.ledger.log import AuditLog, write_head_file
from core.ledger.reads import Access, RecentReads, append_accesses
from core.ledger.signing import DeviceKey
from core.ledger.subject_keys import SubjectKeys
from core.store.database import Database
from core.vault.store import AuditFn, SecretStore

log = logging.getLogger(__name__)


@dataclass
class Context:
    """Everything a unit of work needs, built once by `core.bootstrap` and shared by the app's use cases."""

    db: Database
    device_id: uuid.UUID
    clock: Clock
    master_key: bytes = field(repr=False)
    device_key: DeviceKey = field(repr=False)
    head_file: Path
    actor: str = "system"
    actor_role: str = "admin"  # admin | compliance | clerk (core.store.models.StaffUser.role)
    checkpoint_every: int = 1000
    channel: str = "core"  # where reads of personal data come from (core | cli | desktop | export): the access log
    # A read repeated by the same user, of the same subject's same fields, for the same purpose and through the same
    # channel within this many seconds is covered by the entry already written (a list scrolled back and forth
    # logs each person once, not once per page). Reads of restricted records are always written. 0: every read.
    access_log_window: float = 60.0
    recent_reads: RecentReads = field(default_factory=RecentReads, repr=False)
    # The audit head anchor beside the master key (core.ledger.anchor); None only for contexts built by hand.
    anchor: AnchorSlot | None = None
    # Run on drafts right after they are stored, in the same transaction (the composition root adds the ZATCA gate's
    # precheck, core.zatca.gate.precheck, which the invoicing core must not import). Each gets (uow, drafts,
    # rules_passed=…): True when the caller stored only drafts the draft rules passed.
    draft_prechecks: tuple[Callable[..., object], ...] = ()

    def uow(self, *, write: bool = True, channel: str | None = None) -> UnitOfWork:
        return UnitOfWork(self, write=write, channel=channel)

    def close(self) -> None:
        self.db.dispose()


class UnitOfWork:
    """`with ctx.uow() as uow: ...; uow.commit()` — anything not committed is rolled back, audit entries too."""

    session: Session
    audit: AuditLog
    secrets: SecretStore
    subject_keys: SubjectKeys

    def __init__(self, ctx: Context, *, write: bool = True, channel: str | None = None) -> None:
        self.ctx = ctx
        self.channel = channel or ctx.channel
        self._write = write
        self._committed = False
        # (subject, purpose, channel, restricted) -> fields, in the order first read: one entry per subject
        self._accesses: dict[tuple[str, str, str, bool], dict[str, None]] = {}
        self._afterwards: list[Callable[[], object]] = []

    def __enter__(self) -> UnitOfWork:
        ctx = self.ctx
        self.session = (ctx.db.writer if self._write else ctx.db.reader)()
        self.session.begin()
        self.subject_keys = SubjectKeys(self.session, ctx.master_key, ctx.device_id)
        self.audit = AuditLog(self.session, device_id=str(ctx.device_id), actor=ctx.actor, clock=ctx.clock,
                              subject_keys=self.subject_keys, device_key=ctx.device_key,
                              checkpoint_every=ctx.checkpoint_every)
        self.secrets = SecretStore(self.session, ctx.master_key, ctx.device_id,
                                   audit=(lambda action, subject, data: self.audit.append(action, subject, data))
                                   if self._write else separate_audit(ctx))
        return self

    def now(self) -> datetime:
        return self.ctx.clock()

    def record_access(self, subject: str, fields: Sequence[str], purpose: str, channel: str | None = None, *,
                      restricted: bool = False) -> None:
        """Note that personal data of `subject` (fields as "table.column") was read, and why.

        A write unit of work appends the `personal_data.read` entries at commit, in its own transaction; a
        read-only one (or a write one that is not committed) writes them in a short write transaction of its own
        when it ends. Reads of one subject for one purpose are merged into one entry. Never the values.
        """
        key = (subject, purpose, channel or self.channel, restricted)
        self._accesses.setdefault(key, {}).update(dict.fromkeys(fields))

    def afterwards(self, action: Callable[[], object]) -> None:
        """Run `action` once this unit of work has ended (committed or not) and released the store: for what must be
        recorded in a transaction of its own whatever becomes of this one (core.incident's automatic entry)."""
        self._afterwards.append(action)

    def commit(self) -> None:
        if not self._write:
            raise RuntimeError("a read-only unit of work cannot commit")
        accesses = self._take_accesses() if self._accesses else []
        append_accesses(self.audit, accesses)
        checkpoint = self.audit.seal()
        try:
            self.session.commit()
        except Exception:
            self.ctx.recent_reads.forget(self.ctx.actor, accesses)
            raise
        self._committed = True
        if checkpoint is not None:
            write_head_file(self.ctx.head_file, checkpoint)
            if self.ctx.anchor is not None:
                advance_quietly(self.ctx.anchor, checkpoint)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._write and not self._committed:
            self.session.rollback()
        self.session.close()  # a reader's objects stay readable (close detaches, rollback would expire them)
        if self._accesses:
            self._write_accesses_alone(failing=exc is not None)
        actions, self._afterwards = self._afterwards, []
        for action in actions:
            action()

    def _take_accesses(self) -> list[Access]:
        taken = [(subject, tuple(fields), purpose, channel, restricted)
                 for (subject, purpose, channel, restricted), fields in self._accesses.items()]
        self._accesses = {}
        return self.ctx.recent_reads.new_ones(self.ctx.actor, taken, self.ctx.clock(), self.ctx.access_log_window)

    def _write_accesses_alone(self, *, failing: bool) -> None:
        """The reads of this unit of work, in a short write transaction: they happened whatever became of it."""
        accesses = self._take_accesses()
        if not accesses:
            return
        try:
            with UnitOfWork(self.ctx, write=True, channel=self.channel) as uow:
                append_accesses(uow.audit, accesses)
                uow.commit()
        except Exception:
            self.ctx.recent_reads.forget(self.ctx.actor, accesses)
            if not failing:
                raise
            # the caller's own error is the one to show; this one is logged without any personal data
            log.exception("the access log could not record %d read(s) after an error", len(accesses))


def separate_audit(ctx: Context) -> AuditFn:
    """For a read-only unit of work: each entry is appended and committed at once in a write transaction of its
    own (a use is on record before the value is handed out; if it cannot be recorded, the value is not given)."""

    def append(action: str, subject_: str, data: dict[str, Any]) -> None:
        with ctx.uow() as uow:
            uow.audit.append(action, subject_, data)
            uow.commit()

    return append
