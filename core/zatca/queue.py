"""The durable submission queue: clearance before sharing, reporting within 24 hours, never lost, never doubled.

An item moves pending → sending → done | rejected. It is marked `sending` (and committed) before the request
leaves, and the answer is recorded in a second transaction. A crash in between leaves it `sending`; the next
run sends it again, and ZATCA answers "already submitted" (208/409) for a hash it has, which is recorded as
done — so a document is never lost and never counted twice.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from core.privacy import sealing
from core.store.models import EgsUnit, Invoice, IssuedDocument, ZatcaSubmission
from core.uow import Context, UnitOfWork

REPORTING_WINDOW = timedelta(hours=24)
DEADLINE_WARNING = timedelta(hours=6)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)


def submission_row(*, invoice_id: uuid.UUID, egs_unit_id: uuid.UUID, kind: str, issued_at: datetime, now: datetime,
                   device_id: uuid.UUID) -> dict[str, Any]:
    """A new queue item: reporting is due within 24 hours of issue; clearance comes before sharing."""
    return {"id": uuid.uuid4(), "invoice_id": invoice_id, "egs_unit_id": egs_unit_id, "kind": kind,
            "state": "pending", "outcome": "", "attempts": 0, "next_attempt_at": now, "last_error": "",
            "deadline": issued_at + REPORTING_WINDOW if kind == "reporting" else None, "messages_json": "[]",
            "version": 1, "created_at": now, "updated_at": now, "deleted_at": None, "device_id": device_id}


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: uuid.UUID
    invoice_id: uuid.UUID
    number: str
    kind: str
    state: str
    outcome: str
    attempts: int
    next_attempt_at: datetime
    deadline: datetime | None
    last_error: str
    messages: tuple[dict[str, str], ...]

    def time_left(self, now: datetime) -> timedelta | None:
        return None if self.deadline is None else self.deadline - now

    def warning(self, now: datetime) -> str:
        left = self.time_left(now)
        if left is None or self.state not in ("pending", "sending"):
            return ""
        if left <= timedelta(0):
            return f"{self.number}: the 24-hour reporting deadline passed {-left} ago."
        if left <= DEADLINE_WARNING:
            return f"{self.number}: {_hours(left)} left to report it."
        return ""


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def list_queue(uow: UnitOfWork, *, states: tuple[str, ...] = ("pending", "sending", "rejected")) -> list[QueueItem]:
    rows = uow.session.execute(select(ZatcaSubmission, Invoice.number).join(Invoice, Invoice.id ==
                               ZatcaSubmission.invoice_id).where(ZatcaSubmission.state.in_(states))
                               .order_by(ZatcaSubmission.deadline.is_(None), ZatcaSubmission.deadline,
                                         ZatcaSubmission.created_at))
    return [_item(sub, number) for sub, number in rows]


def _item(sub: ZatcaSubmission, number: str) -> QueueItem:
    return QueueItem(sub.id, sub.invoice_id, number, sub.kind, sub.state, sub.outcome, sub.attempts,
                     sub.next_attempt_at, sub.deadline, sub.last_error, tuple(json.loads(sub.messages_json)))


@dataclass(frozen=True, slots=True)
class Claimed:
    submission_id: uuid.UUID
    invoice_id: uuid.UUID
    number: str
    kind: str
    egs_unit_id: uuid.UUID
    environment: str
    attempts: int  # including this one
    uuid: str
    invoice_hash: str
    xml: bytes


def _due_head(uow: UnitOfWork, now: datetime) -> ZatcaSubmission | None:
    """The lowest-ICV open item of some EGS unit, if it is due: a unit's documents go out in counter order,
    so a postponed document holds back the ones issued after it (the portal checks ICV and PIH order)."""
    rows = uow.session.execute(select(ZatcaSubmission).join(IssuedDocument, IssuedDocument.invoice_id ==
                                                           ZatcaSubmission.invoice_id)
                               .where(ZatcaSubmission.state.in_(("pending", "sending")),
                                      # another install's queue arrives by sync; only its own device submits it
                                      ZatcaSubmission.device_id == uow.ctx.device_id)
                               .order_by(IssuedDocument.egs_unit_id, IssuedDocument.icv)).scalars()
    seen: set[uuid.UUID] = set()
    for sub in rows:
        if sub.egs_unit_id in seen:
            continue
        seen.add(sub.egs_unit_id)
        if sub.next_attempt_at <= now:
            return sub
    return None


def claim_next(ctx: Context, *, now: datetime, lease: timedelta) -> Claimed | None:
    """Mark the next due item `sending` and commit, before anything is sent.

    A `sending` item whose lease ran out was left by a worker that died mid-request: it is due again.
    """
    with ctx.uow() as uow:
        sub = _due_head(uow, now)
        if sub is None:
            return None
        doc = uow.session.get(IssuedDocument, sub.invoice_id)
        unit = uow.session.get(EgsUnit, sub.egs_unit_id)
        invoice = uow.session.get(Invoice, sub.invoice_id)
        assert doc is not None and unit is not None and invoice is not None
        sub.state, sub.attempts, sub.updated_at = "sending", sub.attempts + 1, uow.now()
        sub.next_attempt_at = now + lease
        uow.audit.append("zatca.submission.sending", f"invoice:{sub.invoice_id}", {"kind": sub.kind,
                                                                                   "attempt": sub.attempts})
        xml = doc.xml
        if sealing.is_held(xml):
            # An erased buyer's invoice still queued: it is kept sealed (core.privacy.sealing), but reporting or
            # clearing it is a legal duty, so it is opened for the submission whatever the signed-in user's role.
            # This is the one such exception; the read is in the access log with its purpose.
            xml = sealing.open_held(uow, xml, record=sealing.record_of(sub.invoice_id), column=sealing.XML,
                                    purpose="ZATCA submission", legal_duty=True)
        # A stored document whose stamp no longer verifies is not sent (nothing is committed: it stays pending).
        from core.zatca import stored  # the XML stack (lxml) loads when a document is sent, not with the queue

        xml = stored.checked(invoice.number, doc, stored.as_bytes(xml), uow=uow)
        claimed = Claimed(sub.id, sub.invoice_id, invoice.number, sub.kind, unit.id, unit.environment, sub.attempts,
                          str(doc.document_uuid), doc.invoice_hash, xml)
        uow.commit()
    return claimed


def record(ctx: Context, claimed: Claimed, *, state: str, outcome: str, status_code: int | None = None,
           messages: list[dict[str, str]] | None = None, cleared_xml: bytes | None = None, error: str = "",
           kind: str | None = None, retry_in: timedelta | None = None) -> None:
    """Write what the portal answered (or why it could not be asked) in its own transaction, audited."""
    with ctx.uow() as uow:
        sub = uow.session.get(ZatcaSubmission, claimed.submission_id)
        assert sub is not None
        now = uow.now()
        sub.state, sub.outcome, sub.last_status_code, sub.last_error = state, outcome, status_code, error[:1000]
        sub.messages_json = json.dumps(messages or [], ensure_ascii=False)
        sub.updated_at, sub.device_id = now, uow.ctx.device_id
        if kind is not None:
            sub.kind = kind
        if cleared_xml is not None:
            cleared = cleared_xml.decode("utf-8")
            held_for = sealing.running_hold_subject(uow, claimed.invoice_id)
            if held_for is not None:  # its buyer was erased meanwhile: the cleared copy is kept sealed too
                cleared = sealing.seal_held_text(uow, held_for, cleared, record=sealing.record_of(claimed.invoice_id),
                                                 column=sealing.CLEARED)
            sub.cleared_xml = cleared
        if state in ("done", "rejected"):
            sub.completed_at = now
        sub.next_attempt_at = now + (retry_in or timedelta(0))
        uow.audit.append(f"zatca.submission.{state}", f"invoice:{claimed.invoice_id}", {
            "kind": sub.kind, "outcome": outcome, "status": status_code, "error": error[:200],
            "codes": [m.get("code", "") for m in messages or []]})
        uow.commit()


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential backoff with full jitter, capped: the portal is not hammered while it is down."""
    ceiling: timedelta = min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))
    return ceiling * (0.5 + rng() / 2)


# -- for the desktop: "retry now", deadlines at a glance, certificate alerts ------------------------------------


def retry_now(uow: UnitOfWork, ids: tuple[uuid.UUID, ...] | None = None) -> int:
    """Make pending items (all of them, or those in `ids`) due at once; returns how many were moved forward.

    Only `pending` items are touched: a `sending` one is leased to a worker, a rejected one needs a correction.
    """
    now = uow.now()
    query = select(ZatcaSubmission).where(ZatcaSubmission.state == "pending", ZatcaSubmission.next_attempt_at > now)
    if ids is not None:
        query = query.where(ZatcaSubmission.id.in_(ids))
    moved = 0
    for sub in uow.session.scalars(query):
        sub.next_attempt_at, sub.updated_at, sub.device_id = now, now, uow.ctx.device_id
        moved += 1
    if moved:
        uow.audit.append("zatca.submission.retry_requested", "zatca:queue", {"items": moved})
    return moved


def count_due(uow: UnitOfWork, now: datetime) -> int:
    """How many open items may be sent now (an upper bound of what one `submit_pending` run sends)."""
    return int(uow.session.scalar(select(func.count()).select_from(ZatcaSubmission).where(
        ZatcaSubmission.state.in_(("pending", "sending")), ZatcaSubmission.next_attempt_at <= now)) or 0)


@dataclass(frozen=True, slots=True)
class Deadline:
    number: str
    kind: str
    state: str
    deadline: datetime

    def time_left(self, now: datetime) -> timedelta:
        return self.deadline - now

    def overdue(self, now: datetime) -> bool:
        return self.deadline <= now


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """The queue at a glance: open items by state, and the nearest reporting deadlines still open."""

    by_state: dict[str, int]
    nearest: tuple[Deadline, ...]

    @property
    def open(self) -> int:
        return self.by_state.get("pending", 0) + self.by_state.get("sending", 0)


def queue_summary(uow: UnitOfWork, *, nearest: int = 5) -> QueueSummary:
    """Counts per state (SQL aggregate) and the `nearest` open deadlines (through the deadline index order)."""
    counts = {str(state): int(n) for state, n in uow.session.execute(
        select(ZatcaSubmission.state, func.count()).group_by(ZatcaSubmission.state))}
    rows = uow.session.execute(select(Invoice.number, ZatcaSubmission.kind, ZatcaSubmission.state,
                                      ZatcaSubmission.deadline)
                               .join(Invoice, Invoice.id == ZatcaSubmission.invoice_id)
                               .where(ZatcaSubmission.state.in_(("pending", "sending")),
                                      ZatcaSubmission.deadline.is_not(None))
                               .order_by(ZatcaSubmission.deadline).limit(nearest))
    return QueueSummary(counts, tuple(Deadline(n, k, s, d) for n, k, s, d in rows if d is not None))


@dataclass(frozen=True, slots=True)
class CertificateAlert:
    """An EGS unit whose certificate (CSID) expired or expires within `RENEW_WARNING`."""

    egs_id: uuid.UUID
    name: str
    environment: str
    expires_at: datetime
    days_left: int  # whole days left (negative once expired)
    expired: bool


def certificate_alerts(uow: UnitOfWork, now: datetime) -> list[CertificateAlert]:
    from core.zatca.egs import RENEW_WARNING  # egs imports signing; keep this module light to import

    units = uow.session.scalars(select(EgsUnit).where(EgsUnit.deleted_at.is_(None),
                                                      EgsUnit.status.in_(("active", "demo")),
                                                      EgsUnit.certificate_expires_at.is_not(None)))
    alerts = []
    for unit in units:
        expires = unit.certificate_expires_at
        if expires is None or expires - now > RENEW_WARNING:
            continue
        left = expires - now
        alerts.append(CertificateAlert(unit.id, unit.name, unit.environment, expires, left.days,
                                       left <= timedelta(0)))
    return sorted(alerts, key=lambda a: a.expires_at)
