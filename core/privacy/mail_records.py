"""The e-mail outbox in an access export and an erasure: messages not yet sent are cancelled and their address and
text overwritten; a sent message's metadata (the address it went to, when, its Message-ID) is kept as long as the
invoice it carried (the VAT records' hold), since it proves the invoice reached the buyer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.clock import saudi_date
from core.personal.catalogue import BASES
from core.personal.sealing import is_held, seal_held_text
from core.privacy.retention import hold_end
from core.store import models as m
from core.uow import UnitOfWork

RECIPIENT = "mail_outbox.recipient"
UNSENT = ("queued", "failed", "needs_person")  # "sending" is in flight: the next flush hands it to a person
ERASE_FIELDS = ("mail_outbox.recipient", "mail_outbox.body_text", "mail_outbox.body_html")
EXPORTED = ("id", "recipient", "lang", "attach_xml", "subject", "body_text", "status", "attempts", "message_id",
            "requested_at", "sent_at")


@dataclass(frozen=True)
class MailCounts:
    unsent: int
    sent: int
    last_sent: datetime | None


def counts(session: Session, customer_id: uuid.UUID) -> MailCounts:
    box = m.MailOutbox
    unsent = session.scalar(select(func.count()).where(box.customer_id == customer_id, box.status.in_(UNSENT),
                                                        box.recipient != "")) or 0
    sent, last = session.execute(select(func.count(), func.max(box.sent_at)).where(
        box.customer_id == customer_id, box.status == "sent")).one()
    return MailCounts(int(unsent), int(sent or 0), datetime.fromisoformat(last) if isinstance(last, str) else last)


def plan_items(subject: str, found: MailCounts, today: date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(erase, keep) as PlanItem arguments: record, fields, basis, held until, English, Arabic."""
    erase, keep = [], []
    if found.unsent:
        erase.append((f"mail:{subject}", ERASE_FIELDS, "", None,
                      f"{found.unsent} e-mail(s) not yet sent are cancelled; their address and text are overwritten.",
                      f"تُلغى {found.unsent} من الرسائل غير المرسلة، ويُستبدل عنوانها ونصها."))
    if found.sent:
        vat = BASES["ksa-vat-records"]
        until = hold_end(vat.key, saudi_date(found.last_sent) if found.last_sent else today)
        keep.append((f"mail:{subject}", ("mail_outbox.recipient",), vat.key, until,
                     f"{found.sent} sent e-mail(s): the address each invoice went to, and when, are kept with the "
                     f"invoices until {until.isoformat()}, the address sealed (their text was not kept). "
                     f"{vat.law_en}",
                     f"{found.sent} من الرسائل المرسلة: يُحفظ العنوان الذي أُرسلت إليه كل فاتورة وتاريخ الإرسال مع "
                     f"الفواتير حتى {until.isoformat()}، والعنوان مختوم (لم يُحفظ نصها). {vat.law_ar}"))
    return erase, keep


def anonymise(session: Session, customer_id: uuid.UUID, now: datetime) -> int:
    """Cancel the subject's unsent messages and overwrite their address and text; returns how many."""
    box = m.MailOutbox
    done = session.execute(update(box).where(box.customer_id == customer_id, box.status.in_(UNSENT))
                           .values(status="cancelled", recipient="", body_text=None, body_html=None,
                                   last_error="cancelled: the customer's personal data was erased",
                                   updated_at=now))
    return int(getattr(done, "rowcount", 0) or 0)


def mail_record(ident: uuid.UUID) -> str:
    return f"mail:{ident}"


def seal_sent(uow: UnitOfWork, subject: str, customer_id: uuid.UUID) -> int:
    """Seal the address each of the subject's sent messages went to with the subject's hold key, as the held
    invoices are sealed: kept as the proof the invoice reached the buyer, readable only by a privileged user (the
    read logged) until the hold ends and the purge overwrites it. Returns how many were sealed."""
    box = m.MailOutbox
    rows = list(uow.session.execute(select(box.id, box.recipient).where(
        box.customer_id == customer_id, box.status == "sent", box.recipient != "")))
    sealed = 0
    for ident, recipient in rows:
        if is_held(recipient):  # an earlier erasure sealed it already
            continue
        uow.session.execute(update(box).where(box.id == ident).values(recipient=seal_held_text(
            uow, subject, recipient, record=mail_record(ident), column=RECIPIENT)))
        sealed += 1
    return sealed


def export_rows(session: Session, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    """The subject's e-mails for an access export: addresses, subjects, states and times (the text while unsent)."""
    box = m.MailOutbox
    rows = session.execute(select(box, m.Invoice.number).join(m.Invoice, m.Invoice.id == box.invoice_id)
                           .where(box.customer_id == customer_id).order_by(box.requested_at))
    return [{"invoice": number, **{name: getattr(row, name) for name in EXPORTED}} for row, number in rows]
