"""Live: other installs' changes, presence and notifications over PostgreSQL LISTEN/NOTIFY.

Each company has one channel (`qayd_<company id hex>`). A push notifies it after commit with the newest change
number; `heartbeat` says who is online and what they have open; `announce` stores a notification (a rejected
invoice, an overdue privacy request, a sync conflict) and notifies. A listener only wakes its install, which then
pulls; nothing is applied from the notification itself.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import select

from core.privacy.requests import OPEN_STATUSES
from core.store import models as m
from core.sync import outbox
from core.sync.ownership import acting_as_device
from core.uow import Context

ONLINE_FOR = timedelta(seconds=90)  # a heartbeat older than this means the person went away


@dataclass(frozen=True, slots=True)
class LiveEvent:
    kind: str  # change | presence | notification
    data: dict[str, Any]


class Listener:
    """A dedicated connection that LISTENs on the company's channel. `events(timeout)` yields what arrives within
    `timeout` seconds, and returns early when the connection drops (the caller reconnects)."""

    def __init__(self, dsn: str, *, connect_timeout: int = 10) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout,
                                    application_name="qayd-listen")
        row = self.conn.execute("SELECT qayd.channel(qayd.my_company())").fetchone()
        assert row is not None
        self.channel = str(row[0])
        self.conn.execute(f"LISTEN {self.channel}")

    def events(self, timeout: float) -> Iterator[LiveEvent]:
        for note in self.conn.notifies(timeout=timeout):
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            yield LiveEvent(str(data.get("kind", "")), data)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def heartbeat(conn: psycopg.Connection[Any], ctx: Context, *, display_name: str, viewing: str = "",
              online: bool = True) -> None:
    """Say this install is online (or leaving), who uses it and what they have open (e.g. "invoice:<id>")."""
    with acting_as_device():
        conn.execute("SELECT qayd.heartbeat(%s, %s, %s, %s)", (ctx.device_id, display_name, viewing, online))
    conn.commit()


@dataclass(frozen=True, slots=True)
class Presence:
    device_id: str
    login: str
    display_name: str
    viewing: str
    seen_at: datetime


def online(conn: psycopg.Connection[Any]) -> list[Presence]:
    """Who is online in this company now (a heartbeat within the last 90 s), newest first."""
    rows = conn.execute(
        "SELECT device_id::text, login, display_name, viewing, seen_at FROM qayd.presence "
        "WHERE online AND seen_at > now() - %s ORDER BY seen_at DESC", (ONLINE_FOR,)).fetchall()
    conn.commit()
    return [Presence(*row) for row in rows]


def viewers(people: list[Presence], subject: str, *, other_than: uuid.UUID | None = None) -> list[Presence]:
    """Who has `subject` (e.g. "invoice:<id>") open, other than this device."""
    return [p for p in people if p.viewing == subject and (other_than is None or p.device_id != str(other_than))]


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    kind: str
    subject: str
    message_en: str
    message_ar: str
    login: str
    created_at: datetime
    device_id: str = ""  # the install that announced it (to tell this desk's notices from others')


def announce(conn: psycopg.Connection[Any], ctx: Context, kind: str, subject: str, en: str, ar: str) -> int:
    with acting_as_device():
        row = conn.execute("SELECT qayd.announce(%s, %s, %s, %s, %s)", (ctx.device_id, kind, subject, en, ar)
                           ).fetchone()
    conn.commit()
    assert row is not None
    return int(row[0])


def notices(conn: psycopg.Connection[Any], *, after: int = 0, limit: int = 100, newest: bool = False) -> list[Notice]:
    """The company's notifications after id `after`, oldest first: the oldest `limit` of them, or with `newest` the
    newest `limit` (a desk coming back after a long time shows the latest, not the first)."""
    order = "DESC" if newest else "ASC"
    rows = conn.execute("SELECT id, kind, subject, message_en, message_ar, login, created_at, device_id::text "  # nosec B608 # order is ASC or DESC, chosen in code; values are parameters
                        f"FROM qayd.notification WHERE id > %s ORDER BY id {order} LIMIT %s", (after, limit)).fetchall()
    conn.commit()
    found = [Notice(*row) for row in rows]
    return found[::-1] if newest else found


def member_name(conn: psycopg.Connection[Any]) -> str:
    """This login's name in its company's members list (the login itself when it has none)."""
    row = conn.execute("SELECT coalesce(nullif(display_name, ''), login::text) FROM qayd.member "
                       "WHERE login = session_user").fetchone()
    conn.commit()
    return str(row[0]) if row else ""


def announce_new_events(ctx: Context, conn: psycopg.Connection[Any]) -> list[str]:
    """Announce what happened on this install since the last sync and others should know: invoices ZATCA
    rejected, privacy requests past their due date, sync conflicts. Each event is announced once."""
    now = ctx.clock()
    with ctx.uow(write=False) as uow:
        db = outbox.raw(uow)
        done = set(json.loads(outbox.get_state(db, "announced", "[]")))
        events: list[tuple[str, str, str, str]] = []
        rejected = uow.session.execute(
            select(m.ZatcaSubmission.invoice_id, m.Invoice.number).join(m.Invoice, m.Invoice.id ==
                                                                       m.ZatcaSubmission.invoice_id)
            .where(m.ZatcaSubmission.state == "rejected", m.ZatcaSubmission.device_id == ctx.device_id)).all()
        for invoice_id, number in rejected:
            events.append(("zatca.rejected", f"invoice:{invoice_id}", f"ZATCA rejected invoice {number}.",
                           f"رفضت الهيئة الفاتورة {number}."))
        overdue = uow.session.execute(
            select(m.GdprRequest.reference).where(m.GdprRequest.due_at < now,
                                                  m.GdprRequest.status.in_(OPEN_STATUSES),
                                                  m.GdprRequest.device_id == ctx.device_id)).scalars().all()
        for reference in overdue:
            events.append(("privacy.overdue", f"request:{reference}",
                           f"The privacy request {reference} is past its due date.",
                           f"تجاوز طلب الخصوصية {reference} موعده النهائي."))
        conflicts = db.execute("SELECT id, entity FROM sync_conflict WHERE resolved_at IS NULL").fetchall()
        for ident, entity in conflicts:
            events.append(("sync.conflict", f"conflict:{ctx.device_id}:{ident}",
                           f"A {entity.replace('_', ' ')} was changed here and on another desk: choose what to keep.",
                           "تعارض في المزامنة: عُدّل سجل هنا وعلى جهاز آخر، اختر ما يُحفظ."))
    sent = []
    for kind, subject, en, ar in events:
        key = f"{kind}|{subject}"
        if key in done:
            continue
        announce(conn, ctx, kind, subject, en, ar)
        done.add(key)
        sent.append(key)
    if sent:
        with ctx.uow() as uow:
            outbox.set_state(outbox.raw(uow), "announced", json.dumps(sorted(done)))
            uow.commit()
    return sent
