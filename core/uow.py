"""The unit of work: one transaction on the company store, with its audit entries and checkpoint inside it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy.orm import Session

from core.audit.log import AuditLog, write_head_file
from core.audit.personal import SubjectKeys
from core.audit.signing import DeviceKey
from core.clock import Clock
from core.secrets.store import SecretStore
from core.store.database import Database


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

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self, write=write)

    def close(self) -> None:
        self.db.dispose()


class UnitOfWork:
    """`with ctx.uow() as uow: ...; uow.commit()` — anything not committed is rolled back, audit entries too."""

    session: Session
    audit: AuditLog
    secrets: SecretStore
    subject_keys: SubjectKeys

    def __init__(self, ctx: Context, *, write: bool = True) -> None:
        self.ctx = ctx
        self._write = write
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        ctx = self.ctx
        self.session = (ctx.db.writer if self._write else ctx.db.reader)()
        self.session.begin()
        self.subject_keys = SubjectKeys(self.session, ctx.master_key, ctx.device_id)
        self.audit = AuditLog(self.session, device_id=str(ctx.device_id), actor=ctx.actor, clock=ctx.clock,
                              subject_keys=self.subject_keys, device_key=ctx.device_key,
                              checkpoint_every=ctx.checkpoint_every)
        self.secrets = SecretStore(self.session, ctx.master_key, ctx.device_id,
                                   audit=lambda action, subject, data: self.audit.append(action, subject, data))
        return self

    def now(self) -> datetime:
        return self.ctx.clock()

    def commit(self) -> None:
        if not self._write:
            raise RuntimeError("a read-only unit of work cannot commit")
        checkpoint = self.audit.seal()
        self.session.commit()
        self._committed = True
        if checkpoint is not None:
            write_head_file(self.ctx.head_file, checkpoint)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._write and not self._committed:
            self.session.rollback()
        self.session.close()  # a reader's objects stay readable (close detaches, rollback would expire them)
