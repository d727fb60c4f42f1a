"""Retention holds: how long an erased subject's held records stay, which records are held, and the purge.

An erasure (`core.privacy.erasure`) keeps what the law makes us keep — issued invoices and their signed XML, six
years after the end of their tax year (`catalogue.BASES`) — as a `RetentionHold` per record. While a hold runs the
record is restricted (shown to the admin and compliance roles only, each read logged) and sealed: its personal
columns are encrypted with the subject's hold key (`core.personal.sealing`, migration 0006). When it ends,
`purge_expired` replaces the personal data on the record: the buyer snapshot becomes a purged placeholder and the
signed (and cleared) XML a `<qayd-purged …/>` marker that keeps the document's hash for the record; once a
subject has no running hold left, its hold key is destroyed too. The store's triggers allow exactly that change
and nothing else (migration 0005), only while the hold is marked purged.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update

from core.personal.catalogue import BASES
from core.personal.sealing import destroy_hold_key, is_held
from core.store import models as m
from core.uow import Context, UnitOfWork

TABLES = m.Base.metadata.tables

# The purged buyer snapshots: a valid buyer (so the document still reads) with no personal data. Migration 0005's
# trigger accepts exactly these two texts; a test holds them equal.
PURGED_NAME = "[purged]"
XML_MARKER = b"<qayd-purged "


def purged_buyer(kind: str) -> str:
    doc = {"address": None, "id_scheme": None, "id_value": "", "kind": "business" if kind == "business"
           else "individual", "name": PURGED_NAME, "purged": True, "vat_number": ""}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hold_end(basis: str, on: date) -> date:
    """The last day a record made (or an event) `on` is held under `basis`."""
    rule = BASES[basis]
    if rule.from_end_of_tax_year:  # the KSA tax year is the calendar year
        return date(on.year + rule.years, 12, 31)
    try:
        return on.replace(year=on.year + rule.years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + rule.years, day=28)


def invoice_record(invoice_id: uuid.UUID) -> str:
    return f"invoice:{invoice_id}"


@dataclass(frozen=True)
class HoldInfo:
    record: str
    subject: str
    basis: str
    held_until: date
    purged: bool


def holds_of(uow: UnitOfWork, subject: str) -> list[HoldInfo]:
    rows = uow.session.scalars(select(m.RetentionHold).where(m.RetentionHold.subject == subject)
                               .order_by(m.RetentionHold.held_until, m.RetentionHold.record))
    return [HoldInfo(r.record, r.subject, r.basis, r.held_until, r.purged_at is not None) for r in rows]


def held_invoice(uow: UnitOfWork, invoice_id: uuid.UUID) -> HoldInfo | None:
    """The running hold on an invoice, if an erasure restricted it: views show it to admin/compliance only."""
    row = uow.session.scalars(select(m.RetentionHold).where(m.RetentionHold.record == invoice_record(invoice_id),
                                                            m.RetentionHold.purged_at.is_(None))).first()
    return None if row is None else HoldInfo(row.record, row.subject, row.basis, row.held_until, False)


def purge_marker(invoice_id: uuid.UUID, invoice_hash: str, basis: str, purged_at: str) -> bytes:
    """What replaces a held XML when its hold ends: no personal data, the document's hash for the record."""
    return (f'<qayd-purged invoice="{invoice_id}" hash="{invoice_hash}" basis="{basis}" '
            f'purged-at="{purged_at}"/>').encode()


def purge_expired(ctx: Context, *, today: date) -> int:
    """Purge every hold whose `held_until` is before `today`; returns how many holds were purged.

    One transaction with one `privacy.purged` audit entry per subject (record ids, no personal data), then the WAL
    is checkpointed so the replaced bytes are gone from it too.
    """
    with ctx.uow() as uow:
        due = list(uow.session.scalars(select(m.RetentionHold).where(m.RetentionHold.purged_at.is_(None),
                                                                     m.RetentionHold.held_until < today)
                                       .order_by(m.RetentionHold.subject, m.RetentionHold.record)))
        if not due:
            return 0
        now = uow.now()
        stamp = now.isoformat()
        by_subject: dict[str, list[str]] = {}
        for hold in due:
            hold.purged_at = now
            uow.session.flush()  # the triggers look for the purged hold
            if hold.record.startswith("invoice:"):
                _purge_invoice(uow, uuid.UUID(hold.record.split(":", 1)[1]), hold.basis, stamp)
            by_subject.setdefault(hold.subject, []).append(hold.record)
        uow.session.flush()
        for subject, records in by_subject.items():
            running = uow.session.scalar(select(m.RetentionHold.id).where(m.RetentionHold.subject == subject,
                                                                          m.RetentionHold.purged_at.is_(None)))
            # The subject's last hold ended: its hold key goes, so no sealed copy could ever be opened again.
            key_destroyed = running is None and destroy_hold_key(uow, subject)
            uow.audit.append("privacy.purged", subject, {"records": records, "today": today.isoformat(),
                                                         "hold_key_destroyed": key_destroyed})
        uow.commit()
    clear_wal(ctx)
    return len(due)


def _purge_invoice(uow: UnitOfWork, invoice_id: uuid.UUID, basis: str, stamp: str) -> None:
    inv, doc, sub = TABLES["invoice"], TABLES["issued_document"], TABLES["zatca_submission"]
    cust = TABLES["customer"]
    row = uow.session.execute(select(inv.c.buyer_json, cust.c.kind.label("customer_kind"))
                              .outerjoin(cust, cust.c.id == inv.c.customer_id).where(inv.c.id == invoice_id)).first()
    if row is not None and row.buyer_json is not None:
        if is_held(row.buyer_json):  # sealed: the kind is the customer's (an erasure keeps it), no need to open it
            kind = str(row.customer_kind or "individual")
        else:
            kind = str(json.loads(row.buyer_json).get("kind", "individual"))
        uow.session.execute(update(inv).where(inv.c.id == invoice_id).values(buyer_json=purged_buyer(kind)))
    issued = uow.session.execute(select(doc.c.invoice_hash, doc.c.xml).where(doc.c.invoice_id == invoice_id)).first()
    if issued is not None and not bytes(issued.xml).startswith(XML_MARKER):
        marker = purge_marker(invoice_id, issued.invoice_hash, basis, stamp)
        uow.session.execute(update(doc).where(doc.c.invoice_id == invoice_id).values(xml=marker))
        uow.session.execute(update(sub).where(sub.c.invoice_id == invoice_id, sub.c.cleared_xml.is_not(None))
                            .values(cleared_xml=marker.decode()))
    # The address the invoice was e-mailed to was held with it (core.privacy.mail_records): it goes with it too.
    box = TABLES["mail_outbox"]
    uow.session.execute(update(box).where(box.c.invoice_id == invoice_id, box.c.recipient != "")
                        .values(recipient="", body_text=None, body_html=None))


def clear_wal(ctx: Context) -> bool:
    """Copy the WAL into the database and truncate it to nothing, so replaced bytes live on in neither file.

    With `secure_delete` on, SQLite zeroes freed cells and pages in the database itself; the WAL, though, still
    holds earlier images of every page written since the last checkpoint. True when the WAL is empty afterwards
    (False while another connection held an old snapshot; the next checkpoint finishes the job).
    """
    raw: Any = ctx.db.engine.raw_connection()
    try:
        raw.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")  # wait briefly for readers, not the usual 10 s
        busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        raw.execute("PRAGMA busy_timeout=10000")
        raw.close()
    return int(busy) == 0


CHECKPOINT_WAIT_MS = 2000
